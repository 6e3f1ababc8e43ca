"""Ctrl-C and SIGTERM: stop any stage promptly, also inside a long native solve.

Python runs a signal handler only between bytecodes of the main thread, so a signal that
arrives while the main thread sits in one long C++ call (a CP-SAT or HiGHS solve) waits
until the call returns, and CP-SAT by default installs its own SIGINT handler that ends
the search quietly with the best roster so far (exit 0, a worse roster). This module
fixes both:

- `handle_signals()` (the command line wraps every command in it) makes SIGINT and SIGTERM
  raise `Interrupted` (a `KeyboardInterrupt` carrying the signal number) in the main
  thread; later signals during the clean-up are ignored, so the clean-up finishes.
- `run_interruptible(work, stop=...)` runs `work()` in a worker thread while the main
  thread waits in short, interruptible joins; when a signal (or Ctrl-C in a notebook)
  interrupts the wait (or the worker's start) it calls `stop()` (e.g.
  `CpSolver.StopSearch`) at each poll until the worker ends or `grace_seconds` pass, and
  re-raises. Without `stop` (a solver that cannot be stopped, such as HiGHS through
  pywraplp) a worker still running after `grace_seconds` is abandoned.
- `solve_cp(solver, model, callback)` is `solver.Solve(model, callback)` made
  interruptible: CP-SAT's own SIGINT handler off, the solve stopped by `StopSearch`.

Outside the main thread (signals never reach it) both helpers simply call the work.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_abandoned: list[threading.Event] = []  # done-events of workers left running
_stopped_native: list[bool] = []  # a native call was interrupted (stopped or abandoned)


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread on SIGINT or SIGTERM; `signum` is the signal, and
    `exit_code` the shell convention 128 + signum (130 for SIGINT, 143 for SIGTERM)."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def signal_of(exc: BaseException) -> int:
    """The signal behind a KeyboardInterrupt (SIGINT for a plain one)."""
    return getattr(exc, "signum", signal.SIGINT)


def cause_in(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt behind `exc`: itself, or one in its chain of causes. A signal
    that lands while a native extension initialises (importing OR-Tools) surfaces as that
    module's `ImportError` raised from our `Interrupted`."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ if exc.__suppress_context__ else (exc.__cause__ or exc.__context__)
    return None


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Inside the block, SIGINT and SIGTERM raise `Interrupted` in the main thread. After the
    first one, further signals are ignored until the block ends (so clean-up of temporary
    files and folders runs to the end); the previous handlers are restored on exit."""
    if not _in_main_thread():
        yield
        return
    previous = {s: signal.getsignal(s) for s in SIGNALS}

    def raise_interrupted(signum, frame):  # noqa: ARG001 - the signal module's signature
        for s in SIGNALS:
            signal.signal(s, signal.SIG_IGN)
        raise Interrupted(signum)

    for s in SIGNALS:
        signal.signal(s, raise_interrupted)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a short critical step (the renames that swap an
    output folder in): a signal arriving inside the block is acted on, as the handler in
    force before it would have, just after the block."""
    if not _in_main_thread():
        yield
        return
    caught: list[int] = []
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:
        if previous[s] != signal.SIG_IGN:
            signal.signal(s, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
    if caught:
        handler = previous[caught[0]]
        if callable(handler):
            handler(caught[0], None)
        raise Interrupted(caught[0])


def rearm() -> None:
    """Install the current Python handlers again. A CP-SAT solve run with its default
    `catch_sigint_signal = True` leaves SIGINT at the C level on SIG_DFL when it ends (Python
    still reports its own handler), so a later Ctrl-C would kill the process without clean-up;
    the command line calls this as each stage advances."""
    if not _in_main_thread():
        return
    for s in SIGNALS:
        handler = signal.getsignal(s)
        if handler is not None:
            signal.signal(s, handler)


def run_interruptible(work: Callable[[], T], *, stop: Callable[[], object] | None = None,
                      grace_seconds: float = 1.5, poll_seconds: float = 0.05) -> T:
    """`work()`, run so that a signal stops it: in a worker thread while the main thread
    waits. On a KeyboardInterrupt (or `Interrupted`) during the wait, call `stop()` (when
    given) at each poll until the worker ends or `grace_seconds` pass, then re-raise. An exception of
    `work` is re-raised in the caller; its result is returned."""
    if not _in_main_thread():
        return work()
    outcome: dict[str, object] = {}
    done = threading.Event()  # not Thread.join/is_alive: an interrupted join can mark a live thread stopped

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    worker = threading.Thread(target=target, name="staffcast-interruptible", daemon=True)
    try:
        worker.start()  # a signal can land inside start(), with the work already begun
        while not done.wait(poll_seconds):
            pass
    except BaseException:
        _stopped_native.append(True)
        # stop() again at each poll: one sent before the solve has begun may be forgotten
        give_up = time.monotonic() + grace_seconds
        while True:
            if stop is not None:
                with contextlib.suppress(Exception):
                    stop()
            if done.wait(poll_seconds):
                break
            if time.monotonic() > give_up:
                _abandoned.append(done)
                break
        raise
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def solve_cp(solver, model, callback=None):
    """`solver.Solve(model, callback)` for an OR-Tools `cp_model.CpSolver`, stoppable by
    SIGINT/SIGTERM within a fraction of a second: CP-SAT's own SIGINT handler is switched
    off (`catch_sigint_signal = False`, which would otherwise end the search quietly with
    the roster so far) and the search is stopped with `solver.StopSearch()` when the signal
    arrives; the signal's `Interrupted` (KeyboardInterrupt) then propagates. Returns the
    CP-SAT status."""
    solver.parameters.catch_sigint_signal = False
    if callback is None:
        return run_interruptible(lambda: solver.Solve(model), stop=solver.StopSearch)
    return run_interruptible(lambda: solver.Solve(model, callback), stop=solver.StopSearch)


def abandoned_work() -> bool:
    """True when an interrupted worker (a native solve that could not be stopped) is still
    running."""
    return any(not done.is_set() for done in _abandoned)


def interrupted_native_work() -> bool:
    """True when a native call (a CP-SAT or HiGHS solve) was interrupted, stopped or not: its
    solver may still hold native worker threads, on which the interpreter's shutdown can
    abort ("terminate called without an active exception"), so the command line then ends
    the process with `os._exit` after its message and clean-up."""
    return bool(_stopped_native) or abandoned_work()

"""staffcast.interrupt with a real CP-SAT solve: SIGINT and SIGTERM stop it within a second
and raise Interrupted (CP-SAT's own SIGINT handler would end the search quietly)."""

from __future__ import annotations

import os
import random
import signal
import threading
import time

import pytest
from ortools.sat.python import cp_model

from staffcast import interrupt


def hard_model() -> cp_model.CpModel:
    """A knapsack-like model CP-SAT does not prove optimal within a minute."""
    rng = random.Random(0)
    model = cp_model.CpModel()
    picks = [model.new_bool_var(f"b{i}") for i in range(400)]
    for _ in range(40):
        model.add(sum(rng.randint(1, 50) * b for b in rng.sample(picks, 60)) <= 700)
    model.maximize(sum(rng.randint(1, 60) * b for b in picks))
    return model


def send_later(signum: int, seconds: float) -> None:
    threading.Timer(seconds, os.kill, (os.getpid(), signum)).start()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_a_cp_sat_solve_within_a_second(signum):
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 60
    solver.parameters.num_workers = 2
    with interrupt.handle_signals():
        send_later(signum, 0.5)
        start = time.monotonic()
        with pytest.raises(interrupt.Interrupted) as caught:
            interrupt.solve_cp(solver, hard_model())
        took = time.monotonic() - start
    assert caught.value.signum == signum and caught.value.exit_code == 128 + signum
    assert 0.4 < took < 1.5
    assert solver.parameters.catch_sigint_signal is False
    assert not interrupt.abandoned_work()


def test_solve_cp_returns_the_status_and_calls_the_callback():
    model = cp_model.CpModel()
    x = model.new_int_var(0, 10, "x")
    model.maximize(x)
    seen = []

    class Callback(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            seen.append(self.objective_value)

    solver = cp_model.CpSolver()
    with interrupt.handle_signals():
        status = interrupt.solve_cp(solver, model, Callback())
    assert status == cp_model.OPTIMAL and solver.value(x) == 10 and seen[-1] == 10


def test_run_interruptible_hands_back_results_and_errors():
    assert interrupt.run_interruptible(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        interrupt.run_interruptible(lambda: 1 / 0)


def test_an_unstoppable_worker_is_abandoned_and_the_signal_still_raises():
    release = threading.Event()
    with interrupt.handle_signals():
        send_later(signal.SIGTERM, 0.2)
        start = time.monotonic()
        with pytest.raises(interrupt.Interrupted):
            interrupt.run_interruptible(lambda: release.wait(30), grace_seconds=0.2)
    assert time.monotonic() - start < 1.5
    assert interrupt.abandoned_work()
    release.set()
    time.sleep(0.1)
    assert not interrupt.abandoned_work()


def test_deferred_holds_a_signal_until_the_critical_step_is_done():
    steps = []
    with interrupt.handle_signals(), pytest.raises(interrupt.Interrupted):
        with interrupt.deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            steps.append("renamed")
        steps.append("after")  # never reached: the held signal raises at the block's end
    assert steps == ["renamed"]


def test_handlers_are_restored():
    before = signal.getsignal(signal.SIGTERM)
    with interrupt.handle_signals():
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


def test_rearm_restores_sigint_after_a_default_cp_sat_solve():
    """CP-SAT's own SIGINT handling leaves SIGINT on SIG_DFL at the C level when the solve
    ends; rearm() puts the Python handler back, so Ctrl-C raises instead of killing."""
    model = cp_model.CpModel()
    model.new_int_var(0, 3, "x")
    with interrupt.handle_signals():
        cp_model.CpSolver().solve(model)  # catch_sigint_signal left at its default
        interrupt.rearm()
        with pytest.raises(interrupt.Interrupted):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)


def test_a_signal_inside_a_native_import_is_found_behind_its_import_error():
    try:
        try:
            raise interrupt.Interrupted(signal.SIGTERM)
        except interrupt.Interrupted as exc:
            raise ImportError("initialization failed") from exc
    except ImportError as wrapped:
        assert interrupt.signal_of(interrupt.cause_in(wrapped)) == signal.SIGTERM
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ValueError("replaced on purpose") from None
    except ValueError as replaced:
        assert interrupt.cause_in(replaced) is None
    assert interrupt.cause_in(RuntimeError("plain")) is None


def test_a_stop_sent_before_the_solve_has_begun_is_sent_again():
    stops = []

    def work():  # forgets the first stop, as a solve that had not yet begun would
        while len(stops) < 2:
            time.sleep(0.01)
        return "stopped"

    with interrupt.handle_signals():
        send_later(signal.SIGINT, 0.1)
        with pytest.raises(interrupt.Interrupted):
            interrupt.run_interruptible(work, stop=lambda: stops.append(1), grace_seconds=1.0)
    assert len(stops) >= 2
    assert interrupt.interrupted_native_work() and not interrupt.abandoned_work()

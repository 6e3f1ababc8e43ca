"""What several staffcast commands share: one-line user errors, Ctrl-C handling, the console,
the option help texts and checks used by more than one command, the forecast choice and
findings lines.

`cli.py` holds the app, `demo` and `run`; every other command is a module in
`staffcast/commands/`, registered in `cli.py`; all wrap themselves in `user_errors`.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import typer


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> str:
    return f"warning: {' '.join(str(message).split())}\n"


def user_errors(command):
    """Turn an InputError into `error: <one line>` on stderr and exit code 2, and Ctrl-C or
    SIGTERM (in any stage, a roster solve included) into `interrupted ...` on one line and
    exit code 130 or 143; output folders and files are then left as they were."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        import warnings

        from staffcast import interrupt
        from staffcast.errors import InputError
        from staffcast.outputs_folder import COMMITTED, discard_open_folders

        warnings.formatwarning = _one_line_warning
        with interrupt.handle_signals():
            try:
                try:
                    return command(*args, **kwargs)
                finally:
                    discard_open_folders()  # a failed or interrupted run leaves no staging folder
            except InputError as exc:
                typer.echo(f"error: {exc}", err=True)
                raise typer.Exit(2) from None
            except BaseException as exc:
                stopped = interrupt.cause_in(exc)
                if stopped is None:
                    raise
                signum = interrupt.signal_of(stopped)
                code = 128 + signum
                import signal

                out = kwargs.get("out")
                kept = "" if out is None else (f"; {out} was already complete" if Path(out) in COMMITTED
                                               else f"; {out} is as it was, nothing half-written")
                typer.echo(f"interrupted by {signal.Signals(signum).name}: stopped{kept}", err=True)
                if interrupt.interrupted_native_work():  # native threads may be alive: end now
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
                raise typer.Exit(code) from None

    return wrapper


def console():
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=130)


WORKERS_HELP = ("Run each queue as its own task on a local Dask cluster of N processes (1: serially, "
                "queue by queue); the output is byte-identical whatever N.")
SCHEDULER_HELP = "Run each queue as its own task on an existing Dask cluster (tcp://HOST:PORT)."
FORCE_HELP = ("Replace the --out folder even when it holds files an earlier staffcast run did not write "
              "(they are removed).")


def check_time_limit(time_limit: float | None) -> None:
    """`--time-limit` of `run`, `demo` and `schedule`: seconds > 0 (one-line error)."""
    import math

    from staffcast.errors import InputError

    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError("", f"--time-limit: expected seconds > 0, got {time_limit:g}")


def print_choices(console, choices, title: str = "Model per channel and why") -> None:
    """One line per channel: the model used, its median backtest WAPE, the runner-up's and
    the rule that decided (staffcast.forecast.choice)."""
    if choices is None or choices.empty:
        return
    console.print(f"{title}:", markup=False)
    for row in choices.itertuples():
        console.print(f"  {row.channel}: {row.reason}", markup=False, soft_wrap=True)


def print_findings(console, findings, limit: int = 20) -> None:
    """The days the history shows and the calendar does not: closures learned from the data
    and unexplained days left out of the fit, one line each (the first `limit`)."""
    if findings is None or findings.empty:
        return
    console.print(f"Found in the history ({len(findings)} day(s) not in the events calendar):", markup=False)
    for note in findings["note"].head(limit):
        console.print(f"  {note}", markup=False, soft_wrap=True)
    if len(findings) > limit:
        console.print(f"  ... and {len(findings) - limit} more", markup=False)

"""What every staffcast command shares: one-line user errors, Ctrl-C handling, the console.

Commands live in `cli.py` (the established ones) and in `staffcast/commands/` (one module per
newer command, registered in `cli.py`); both wrap themselves in `user_errors`.
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

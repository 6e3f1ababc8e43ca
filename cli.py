"""staffcast command line: thin typed commands that read files, call a stage, write files.

Heavy imports live inside the commands so `staffcast --help` stays instant.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="staffcast",
    help="Contact-centre workforce management: forecast contacts, compute staffing, "
    "build rosters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

SAMPLE_DIR = Path(__file__).resolve().parent / "data"


@app.callback()
def _root() -> None:
    """Contact-centre workforce management: forecast contacts, compute staffing, build
    rosters. Every command reads files, runs one stage and writes files; `staffcast demo`
    runs them all on the bundled sample."""


def user_errors(command):
    """Turn an InputError into `error: <one line>` on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from staffcast_common import InputError

        try:
            return command(*args, **kwargs)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper


@app.command()
@user_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder for every output file.")] = Path("demo-out"),
) -> None:
    """Run staffcast on the bundled sample in data/ and summarise it."""
    from rich.console import Console
    from rich.table import Table

    from forecast.data import load_events, load_history
    from forecast.summary import history_summary
    from scheduler.agents import load_agents
    from scheduler.config import load_config

    console = Console()
    config = load_config(SAMPLE_DIR / "planning.toml")
    history = load_history(SAMPLE_DIR / "history.parquet", config.timezone,
                           config.interval_minutes, channels=config.channel_names)
    events = load_events(SAMPLE_DIR / "events.csv", config.timezone, config.channel_names)
    agents = load_agents(SAMPLE_DIR / "agents.csv", config)
    summary = history_summary(history, events)
    table = Table(title=f"Sample history ({config.timezone}, {config.interval_minutes}-minute "
                  "intervals)")
    for column in ("channel", "intervals", "span", "volume/day", "peak interval", "peak",
                   "open h/week", "events past/future"):
        table.add_column(column, justify="left" if column in ("channel", "span") else "right")
    for row in summary.itertuples():
        table.add_row(row.channel, f"{row.intervals:,}",
                      f"{row.first:%Y-%m-%d} .. {row.last:%Y-%m-%d}",
                      f"{row.volume_per_day:,.0f}", f"{row.peak_interval:%Y-%m-%d %H:%M}",
                      f"{row.peak_volume:,.0f}", f"{row.open_hours_per_week:g}",
                      f"{row.past_events}/{row.future_events}")
    console.print(table)
    console.print(f"{len(agents)} agents; roster week starts {config.week_start:%a %Y-%m-%d}; "
                  f"{len(history.closed_dates)} closed days in history.")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

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



@app.command()
@user_errors
def schedule(
    requirements: Annotated[Path, typer.Argument(help="Requirements file (CSV or Parquet) written by "
                                                 "`staffcast staff`; its `staff` column (agents) is the target.")],
    agents: Annotated[Path, typer.Option("--agents", help="Agents CSV (skills, contract hours, unavailability).")],
    config: Annotated[Path, typer.Option("--config", help="Planning config (planning.toml).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for roster.csv and coverage.csv.")],
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0.1, help="Solver wall-clock limit in seconds (overrides [solver] time_limit_seconds).")]
    = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, max=64, help="CP-SAT search workers (overrides [solver] workers).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="CP-SAT random seed (overrides [solver] seed).")] = None,
) -> None:
    """Build the week's roster with CP-SAT: who works when, their breaks and channels.

    Writes roster.csv (agent_id, date, shift_start, shift_end, breaks, channels) and
    coverage.csv (channel, interval_start, required, scheduled, service_level) into --out,
    and prints the solver status, gaps, the share of open intervals meeting each channel's
    target, under-covered agent-hours and the shortfall report.
    """
    from rich.console import Console

    from scheduler.agents import load_agents
    from scheduler.config import load_config
    from scheduler.coverage import coverage_summary
    from scheduler.demand import read_requirements
    from scheduler.roster import build_roster
    from staffcast_common import write_frame_atomic

    console = Console(stderr=True)
    cfg = load_config(config)
    team = load_agents(agents, cfg)
    frame = read_requirements(requirements, cfg)
    with console.status("building the roster model ...") as status:
        def progress(objective: float, bound: float | None, seconds: float) -> None:
            text = f"{seconds:6.1f} s  objective {objective:,.1f}" + ("" if bound is None else f"  bound {bound:,.1f}")
            status.update(text)
            if not console.is_terminal:
                console.print(text)

        result = build_roster(frame, team, cfg, time_limit_seconds=time_limit, workers=workers, seed=seed,
                              on_solution=progress)
    out.mkdir(parents=True, exist_ok=True)
    write_frame_atomic(result.roster, out / "roster.csv")
    write_frame_atomic(result.coverage, out / "coverage.csv")
    summary = coverage_summary(result.coverage, cfg)
    typer.echo(f"status {result.status} after {result.wall_seconds:.1f} s (first roster "
               f"{result.first_feasible_seconds:.1f} s); objective {result.objective:,.1f}, "
               f"bound {result.best_bound:,.1f}, gap {result.gap:.1%}; "
               f"LP lower bound {result.lower_bound:,.1f}, gap to it {result.lower_bound_gap:.1%}")
    typer.echo(f"{len(result.roster)} shifts for {result.roster['agent_id'].nunique()} of {len(team)} agents")
    for row in summary.itertuples():
        typer.echo(f"  {row.channel:<8} {row.share_meeting_target:6.1%} of {row.open_intervals} open intervals "
                   f"meet the target; under-covered {row.under_agent_hours:,.1f} agent-hours")
    for line in result.shortfall[:20]:
        typer.echo(f"  short: {line}")
    if len(result.shortfall) > 20:
        typer.echo(f"  ... and {len(result.shortfall) - 20} more short runs")
    typer.echo(f"wrote {out / 'roster.csv'} and {out / 'coverage.csv'}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

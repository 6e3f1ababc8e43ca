"""`staffcast schedule`: the week's roster with CP-SAT from a requirements file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import FORCE_HELP, check_time_limit, user_errors

TEAM_WORKERS_HELP = ("With a team column in the agents file: run each team's roster solve as its own task on a "
                     "local Dask cluster of N processes (1: serially, team by team); the roster is byte-identical "
                     "whatever N.")
TEAM_SCHEDULER_HELP = ("With a team column in the agents file: run each team's roster solve as its own task on an "
                       "existing Dask cluster (tcp://HOST:PORT).")


@user_errors
def schedule(
    requirements: Annotated[Path, typer.Argument(help="Requirements file (CSV or Parquet) written by "
                                                 "`staffcast staff`; its `staff` column (agents) is the target.")],
    agents: Annotated[Path, typer.Option("--agents", help="Agents CSV (skills, contract hours, unavailability).")],
    config: Annotated[Path, typer.Option("--config", help="Planning config (planning.toml).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for roster.csv, coverage.csv and manifest.json; "
                                      "written fresh and swapped in when complete.")],
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", help="Wall-clock cap in seconds on building and solving the roster, read-out included "
        "(> 0; overrides [solver] time_limit_seconds).")]
    = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help=TEAM_WORKERS_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help=TEAM_SCHEDULER_HELP)] = None,
    search_workers: Annotated[int | None, typer.Option(
        "--search-workers", min=1, max=64, help="CP-SAT search workers (overrides [solver] workers).")] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", min=0, help="CP-SAT random seed (overrides [solver] seed).")] = None,
    previous_roster: Annotated[Path | None, typer.Option(
        "--previous-roster", exists=True, dir_okay=False, help="Last week's roster.csv: its shifts that run into "
        "this week count as coverage and its ends bind the rest rule. Without it, shifts may start the day "
        "before the week to cover its first hours.")] = None,
    force: Annotated[bool, typer.Option(help=FORCE_HELP)] = False,
) -> None:
    """Build the week's roster with CP-SAT: who works when, their breaks and channels.

    Writes roster.csv (agent_id, date, shift_start, shift_end, breaks, channels) and
    coverage.csv (channel, interval_start, required, scheduled, service_level) into --out,
    and prints the solver status, gaps, the share of open intervals meeting each channel's
    target, under-covered agent-hours and the shortfall report. With a `team` column in the
    agents file each team is its own solve (its share of the time limit by agents) and one
    line per team gives its status, objective, bound and gap.
    """
    from rich.console import Console

    from staffcast.config import ROSTER, load_config
    from staffcast.fanout import progress_bar
    from staffcast.files import write_frame_atomic
    from staffcast.scheduler.inputs.agents import load_agents
    from staffcast.scheduler.inputs.frames import read_requirements
    from staffcast.scheduler.roster.results.summary import coverage_summary
    from staffcast.scheduler.roster.teams import has_teams
    from staffcast.team_rosters import roster_week

    check_time_limit(time_limit)
    sources = {"requirements": requirements, "agents": agents, "config": config, "previous_roster": previous_roster}
    folder = _schedule_folder(out, force, sources, time_limit=time_limit, workers=workers, scheduler=scheduler,
                              search_workers=search_workers, seed=seed)
    console = Console(stderr=True)
    cfg = load_config(config, needs=ROSTER, command="staffcast schedule")
    team = load_agents(agents, cfg)
    frame = read_requirements(requirements, cfg)
    last_week = None
    if previous_roster is not None:
        from staffcast.scheduler.inputs.previous_roster import read_previous_roster

        last_week = read_previous_roster(previous_roster, cfg, team)
    if has_teams(team):
        with progress_bar(console, "roster", unit="teams") as report:
            result = roster_week(frame, team, cfg, previous_roster=last_week, time_limit_seconds=time_limit,
                                 search_workers=search_workers, seed=seed, workers=workers, scheduler=scheduler,
                                 progress=report)
    else:
        with console.status("building the roster model ...") as status:
            def progress(objective: float, bound: float | None, seconds: float) -> None:
                text = f"{seconds:6.1f} s  objective {objective:,.1f}" + (
                    "" if bound is None else f"  bound {bound:,.1f}")
                status.update(text)
                if not console.is_terminal:
                    console.print(text)

            result = roster_week(frame, team, cfg, previous_roster=last_week, time_limit_seconds=time_limit,
                                 search_workers=search_workers, seed=seed, on_solution=progress)
    write_frame_atomic(result.roster, folder.path / "roster.csv")
    write_frame_atomic(result.coverage, folder.path / "coverage.csv")
    from staffcast.outputs_folder import describe_inputs

    folder.commit(command="staffcast schedule", options=folder.options, inputs=describe_inputs(folder.sources))
    summary = coverage_summary(result.coverage, cfg)
    typer.echo(f"status {result.status} after {result.wall_seconds:.1f} s (first roster "
               f"{result.first_feasible_seconds:.1f} s); objective {result.objective:,.1f}, "
               f"bound {result.best_bound:,.1f}, gap {result.gap:.1%}; " + (
                   "the LP lower bound did not finish" if result.lower_bound is None else
                   f"LP lower bound {result.lower_bound:,.1f}, gap to it {result.lower_bound_gap:.1%} "
                   f"({result.staffing_gap:.1%} on the staffing cost, soft rules {result.soft_penalty:,.1f} apart)"))
    for part in result.teams:
        typer.echo(f"  team {part.team}: {part.agents} agents, status {part.status}, objective {part.objective:,.1f}, "
                   f"bound {part.best_bound:,.1f}, gap {part.gap:.1%}")
    typer.echo(f"{len(result.roster)} shifts for {result.roster['agent_id'].nunique()} of {len(team)} agents")
    for row in summary.itertuples():
        typer.echo(f"  {row.channel:<8} {row.share_meeting_target:6.1%} of {row.open_intervals} open intervals "
                   f"meet the target; under-covered {row.under_agent_hours:,.1f} agent-hours")
    typer.echo(f"week boundary: {result.week_boundary}")
    for note in result.notes:
        typer.echo(f"note: {note}")
    for line in result.shortfall[:20]:
        typer.echo(f"  short: {line}")
    if len(result.shortfall) > 20:
        typer.echo(f"  ... and {len(result.shortfall) - 20} more short runs")
    typer.echo(f"wrote {out / 'roster.csv'} and {out / 'coverage.csv'}")


def _schedule_folder(out: Path, force: bool, sources: dict, **options):
    """`schedule`'s output folder, checked before any work (one-line error when unwritable
    or holding files staffcast did not write), with what its manifest records."""
    from staffcast.outputs_folder import OutputFolder

    folder = OutputFolder(out, force=force, inputs=sources)
    folder.sources = sources
    folder.options = {**options, "force": force}
    return folder

"""staffcast command line: thin typed commands that read files, call a stage, write files.

Heavy imports live inside the commands so `staffcast --help` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from staffcast.cli_support import (
    FORCE_HELP,
    SCHEDULER_HELP,
    WORKERS_HELP,
    check_time_limit,
    print_choices,
    print_findings,
    user_errors,
)
from staffcast.cli_support import console as _console
from staffcast.commands.capacity import capacity
from staffcast.commands.forecast import backtest, forecast
from staffcast.commands.intraday import intraday
from staffcast.commands.reforecast import reforecast
from staffcast.commands.schedule import schedule
from staffcast.commands.simulate import simulate
from staffcast.commands.staff import staff


class _OneLineErrors(TyperGroup):
    """Command-line mistakes (a non-integer option value, an unknown option) as one line,
    `error: ...`, exit code 2, instead of a framed box."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:  # typer >= 0.20 vendors click as typer._click; earlier ones use click itself
            from typer import _click
        except ImportError:  # pragma: no cover - older typer
            import click as _click
        abort = getattr(_click.exceptions, "Abort", None) or getattr(typer.exceptions, "Abort", RuntimeError)

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click.exceptions.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(2)
        except _click.exceptions.ClickException as exc:
            where = f" (see '{exc.ctx.command_path} --help')" if getattr(exc, "ctx", None) else ""
            message = " ".join(exc.format_message().split())
            typer.echo(f"error: {message}{where}", err=True)
            sys.exit(exc.exit_code)
        except abort:
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    name="staffcast",
    cls=_OneLineErrors,
    help="Contact-centre workforce management: forecast contacts, compute staffing, "
    "build rosters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # help text as written: "[solver]" is a config section, not markup
)

app.command()(capacity)
app.command()(reforecast)
app.command()(intraday)


@app.callback()
def _root() -> None:
    """Contact-centre workforce management: forecast contacts, compute staffing, build
    rosters. Every command reads files, runs one stage and writes files; `staffcast demo`
    runs them all on the bundled sample."""


def _print_history(console, inputs) -> None:
    from rich.table import Table

    from staffcast.forecast.summary import history_summary

    cfg = inputs.config
    table = Table(title=f"History ({cfg.timezone}, {cfg.interval_minutes}-minute intervals)")
    for column in ("channel", "intervals", "span", "volume/day", "peak interval", "peak",
                   "open h/week", "events past/future"):
        table.add_column(column, justify="left" if column in ("channel", "span") else "right")
    for row in history_summary(inputs.history, inputs.events).itertuples():
        table.add_row(row.channel, f"{row.intervals:,}", f"{row.first:%Y-%m-%d} .. {row.last:%Y-%m-%d}",
                      f"{row.volume_per_day:,.0f}", f"{row.peak_interval:%Y-%m-%d %H:%M}",
                      f"{row.peak_volume:,.0f}", f"{row.open_hours_per_week:g}",
                      f"{row.past_events}/{row.future_events}")
    console.print(table)
    console.print(f"{len(inputs.agents)} agents; roster week starts {cfg.week_start:%a %Y-%m-%d}; "
                  f"{len(inputs.history.closed_dates)} closed days in history.")


def _plan_and_export(inputs, folder, *, folds: int, backtest_days: int, time_limit: float | None,
                     model: str, staff_to: str, command: str, options: dict, input_hashes: dict,
                     verify: int = 0, workers: int | None = None, scheduler: str | None = None) -> None:
    """Run every stage with a progress bar each, write the outputs into the staging
    `folder` (an OutputFolder), swap it in, print the summary."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from staffcast import interrupt, pipeline

    console = _console()
    _print_history(console, inputs)
    columns = (TextColumn("{task.fields[stage]:<11}"), BarColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[detail]}"))
    with Progress(*columns, console=console) as bars:
        tasks = {s: bars.add_task(s, total=None, stage=s, detail="", start=False) for s in pipeline.STAGES}

        def progress(stage: str, done: float, total: float, detail: str) -> None:
            interrupt.rearm()  # a CP-SAT solve may have reset SIGINT to the default
            bars.start_task(tasks[stage])
            bars.update(tasks[stage], completed=done, total=total or 1, detail=detail)

        plan = pipeline.plan_week(inputs, folds=folds, backtest_days=backtest_days, model=model,
                                  staff_to=staff_to, time_limit_seconds=time_limit, verify=verify,
                                  progress=progress, workers=workers, scheduler=scheduler)
        paths = pipeline.write_outputs(plan, folder, progress=progress, command=command, options=options,
                                       input_hashes=input_hashes)
    out = folder.target
    table = Table(title=f"Week of {inputs.config.week_start:%a %d %b %Y}", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for label, value in pipeline.headline(plan).items():
        table.add_row(label, value)
    console.print(table)
    console.print(f"Week boundary: {plan.roster.week_boundary}.")
    print_choices(console, plan.forecast_choices, "Forecast model per channel and why")
    print_findings(console, plan.findings)
    for note in plan.roster.notes:
        console.print(f"Note: {note}.", markup=False)
    _print_service(console, plan)
    shortfall = plan.roster.shortfall
    if shortfall:
        console.print(f"Shortfall ({len(shortfall)} stretches; all in report.html):")
        for line in shortfall[:8]:
            console.print(f"  {line}")
    console.print(f"Wrote {len(paths)} outputs to {out}/: " + ", ".join(
        p.name for p in paths.values()) + f"\nOpen {paths['report']} in a browser.", markup=False)


def _print_service(console, plan) -> None:
    """Erlang against simulated service per channel, and what still misses in simulation."""
    from rich.table import Table

    table = Table(title="Service: Erlang's projection and the simulation (queues carry over)")
    for column in ("channel", "target", "Erlang level", "simulated level", "Erlang intervals at target",
                   "simulated intervals at target"):
        table.add_column(column, justify="left" if column == "channel" else "right")
    for row in plan.service.itertuples():
        table.add_row(row.channel, f"{row.target:.0%}", f"{row.erlang_service_level:.1%}",
                      f"{row.simulated_service_level:.1%}", f"{row.erlang_intervals_at_target:.0%}",
                      f"{row.simulated_intervals_at_target:.0%}")
    console.print(table)
    if plan.verify_rounds:
        console.print(f"Verified in simulation: {plan.verify_rounds} re-solves with the requirement raised.")
    if plan.misses:
        console.print(f"Still missing in simulation ({len(plan.misses)} stretches; all in report.html):")
        for line in plan.misses[:8]:
            console.print(f"  {line}", markup=False)


def _check_run_options(*, folds: int, backtest_days: int, time_limit: float | None,
                       model: str = "auto", staff_to: str = "volume") -> None:
    """`run` and `demo` options, checked before any file is read (one-line errors)."""
    from staffcast.errors import InputError
    from staffcast.forecast.api import check_models

    if folds < 1:
        raise InputError("", f"--folds: expected a whole number of backtest windows >= 1, got {folds}")
    if backtest_days < 1:
        raise InputError("", f"--backtest-days: expected a whole number of days >= 1, got {backtest_days}")
    check_time_limit(time_limit)
    check_models(model, allow_auto=True)
    if staff_to not in ("volume", "volume_hi"):
        raise InputError("", f'--staff-to: expected "volume" or "volume_hi", got "{staff_to}"')


TIME_LIMIT_HELP = ("Wall-clock cap in seconds on each roster solve, building the model and reading it out "
                   "included (> 0; default: [solver] time_limit_seconds in {config}).")
VERIFY_HELP = ("Re-solve up to N times with the requirement raised where the roster's simulation misses the "
               "target. Each re-solve gets its own --time-limit: the roster stage takes at most (1 + N) x the limit.")


@app.command()
@user_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder for every output file; written fresh and swapped in "
                                      "when complete.")] = Path("demo-out"),
    folds: Annotated[int, typer.Option(help="Backtest folds reported in the summary.")] = 3,
    time_limit: Annotated[float | None, typer.Option(help=TIME_LIMIT_HELP.format(config="data/planning.toml"))]
    = None,
    verify: Annotated[int, typer.Option(min=0, max=10, help=VERIFY_HELP)] = 0,
    force: Annotated[bool, typer.Option(help=FORCE_HELP)] = False,
) -> None:
    """Run the whole weekly pipeline on the bundled sample in data/: backtest, forecast of the
    roster week, requirements, roster (after the sample's previous week's roster), simulated
    check, exports and report.html."""
    from staffcast import pipeline
    from staffcast.outputs_folder import OutputFolder, describe_inputs
    from staffcast.sample import sample_files

    _check_run_options(folds=folds, backtest_days=7, time_limit=time_limit)
    with sample_files() as (history, events, config, agents, previous), \
            OutputFolder(out, force=force) as folder:
        sources = {"history": history, "events": events, "config": config, "agents": agents,
                   "previous_roster": previous}
        hashes = describe_inputs(sources)
        inputs = pipeline.load_inputs(history, events, config, agents, previous_roster=previous,
                                      command="staffcast demo")
        _plan_and_export(inputs, folder, folds=folds, backtest_days=7, time_limit=time_limit, model="auto",
                         staff_to="volume", command="staffcast demo", input_hashes=hashes, verify=verify,
                         options={"folds": folds, "time_limit": time_limit, "force": force, "verify": verify})


@app.command()
@user_errors
def run(
    history: Annotated[Path, typer.Argument(help="History file (CSV or Parquet; interval- or contact-level).")],
    events: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Events calendar CSV.")],
    config: Annotated[Path, typer.Option("--config", "-c", exists=True, dir_okay=False, help="planning.toml.")],
    agents: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="Agents CSV.")],
    out: Annotated[Path, typer.Option(help="Folder for every output file; written fresh and swapped in "
                                      "when complete.")] = Path("staffcast-out"),
    fill_zero: Annotated[bool, typer.Option(help="Count missing history intervals in open hours as zero "
                                            "contacts.")] = False,
    folds: Annotated[int, typer.Option(help="Backtest folds reported in the summary.")] = 3,
    backtest_days: Annotated[int, typer.Option(help="Days in each backtest window.")] = 7,
    model: Annotated[str, typer.Option(help="Forecast model: auto (best backtest WAPE per channel) "
                                       "or a model name.")] = "auto",
    staff_to: Annotated[str, typer.Option(help="volume (central forecast) or volume_hi (upper 80% "
                                          "bound, risk-averse).")] = "volume",
    time_limit: Annotated[float | None, typer.Option(help=TIME_LIMIT_HELP.format(config="the config"))] = None,
    previous_roster: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False, help="Last week's roster.csv: its shifts that run into this week count as "
        "coverage and its ends bind the rest rule. Without it, shifts may start the day before the week "
        "to cover its first hours.")] = None,
    verify: Annotated[int, typer.Option(min=0, max=10, help=VERIFY_HELP)] = 0,
    force: Annotated[bool, typer.Option(help=FORCE_HELP)] = False,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP + " Up to the requirements; "
                                                "then, with a team column in the agents file, each team's "
                                                "roster solve.")] = None,
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
) -> None:
    """The weekly planning routine on your own files in one command: everything `demo` does."""
    from staffcast import pipeline
    from staffcast.outputs_folder import OutputFolder, describe_inputs

    _check_run_options(folds=folds, backtest_days=backtest_days, time_limit=time_limit, model=model,
                       staff_to=staff_to)
    sources = {"history": history, "events": events, "config": config, "agents": agents,
               "previous_roster": previous_roster}
    with OutputFolder(out, force=force, inputs=sources) as folder:
        inputs = pipeline.load_inputs(history, events, config, agents, fill_zero=fill_zero,
                                      previous_roster=previous_roster, command="staffcast run")
        hashes = describe_inputs(sources)
        options = {"fill_zero": fill_zero, "folds": folds, "backtest_days": backtest_days, "model": model,
                   "staff_to": staff_to, "time_limit": time_limit, "force": force, "verify": verify,
                   "workers": workers, "scheduler": scheduler}
        _plan_and_export(inputs, folder, folds=folds, backtest_days=backtest_days, time_limit=time_limit,
                         model=model, staff_to=staff_to, command="staffcast run", options=options,
                         input_hashes=hashes, verify=verify, workers=workers, scheduler=scheduler)


app.command()(forecast)
app.command()(backtest)
app.command()(staff)
app.command()(simulate)
app.command()(schedule)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

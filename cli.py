"""staffcast command line: thin typed commands that read files, call a stage, write files.

Heavy imports live inside the commands so `staffcast --help` stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from staffcast.cli_support import console as _console
from staffcast.cli_support import user_errors
from staffcast.commands.capacity import capacity
from staffcast.commands.intraday import intraday
from staffcast.commands.reforecast import reforecast


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
    _print_choices(console, plan.forecast_choices, "Forecast model per channel and why")
    _print_findings(console, plan.findings)
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


def _check_time_limit(time_limit: float | None) -> None:
    """`--time-limit` of `run`, `demo` and `schedule`: seconds > 0 (one-line error)."""
    import math

    from staffcast.errors import InputError

    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError("", f"--time-limit: expected seconds > 0, got {time_limit:g}")


def _check_run_options(*, folds: int, backtest_days: int, time_limit: float | None,
                       model: str = "auto", staff_to: str = "volume") -> None:
    """`run` and `demo` options, checked before any file is read (one-line errors)."""
    from staffcast.errors import InputError
    from staffcast.forecast.api import check_models

    if folds < 1:
        raise InputError("", f"--folds: expected a whole number of backtest windows >= 1, got {folds}")
    if backtest_days < 1:
        raise InputError("", f"--backtest-days: expected a whole number of days >= 1, got {backtest_days}")
    _check_time_limit(time_limit)
    check_models(model, allow_auto=True)
    if staff_to not in ("volume", "volume_hi"):
        raise InputError("", f'--staff-to: expected "volume" or "volume_hi", got "{staff_to}"')


WORKERS_HELP = ("Run each queue as its own task on a local Dask cluster of N processes (1: serially, "
                "queue by queue); the output is byte-identical whatever N.")
SCHEDULER_HELP = "Run each queue as its own task on an existing Dask cluster (tcp://HOST:PORT)."
TIME_LIMIT_HELP = ("Wall-clock cap in seconds on each roster solve, building the model and reading it out "
                   "included (> 0; default: [solver] time_limit_seconds in {config}).")
VERIFY_HELP = ("Re-solve up to N times with the requirement raised where the roster's simulation misses the "
               "target. Each re-solve gets its own --time-limit: the roster stage takes at most (1 + N) x the limit.")
FORCE_HELP = ("Replace the --out folder even when it holds files an earlier staffcast run did not write "
              "(they are removed).")


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
                                                "the roster is one solve.")] = None,
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


@app.command()
@user_errors
def forecast(
    history: Annotated[Path, typer.Argument(help="History file (CSV or Parquet; interval- or contact-level).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml (timezone, interval length, "
                                         "channels).")],
    out: Annotated[Path, typer.Option(help="Forecast file to write (.csv or .parquet).")],
    events: Annotated[Path | None, typer.Option(help="Events calendar CSV (past events teach their uplift, "
                                                "future ones drive the forecast).")] = None,
    horizon_days: Annotated[int, typer.Option(help="Days to forecast, from the interval after the history "
                                              "end.")] = 14,
    model: Annotated[str, typer.Option(help="auto (best backtest WAPE per channel), snaive_week, mean_3w, "
                                       "profile or waves.")] = "auto",
    plot: Annotated[Path | None, typer.Option(help="Also draw history + forecast to this PNG (one panel "
                                              "per channel).")] = None,
    fill_zero: Annotated[bool, typer.Option(help="Count missing history intervals in open hours as zero "
                                            "contacts.")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
) -> None:
    """Forecast contacts (volume per interval, 80% band) and AHT (seconds) per channel."""
    from rich.console import Console

    from staffcast.files import write_frame_atomic
    from staffcast.forecast.api import check_horizon, check_models, run_forecast

    check_horizon(horizon_days)
    check_models(model, allow_auto=True)
    if workers is not None or scheduler is not None:
        from staffcast.commands.fanout import forecast_queues

        forecast_queues(history, config, out, events, horizon_days=horizon_days, model=model, fill_zero=fill_zero,
                        workers=workers, scheduler=scheduler)
        return
    from staffcast.pipeline import load_forecast_inputs

    cfg, hist, evs = load_forecast_inputs(history, events, config, fill_zero=fill_zero,
                                          command="staffcast forecast")
    console = Console(stderr=True)
    with console.status("fitting models and calibrating on backtests..."):
        result = run_forecast(hist, evs, horizon_days, model=model)
    frame = result.frame
    write_frame_atomic(frame, out)
    if plot is not None:
        _plot_channels(hist.frame, frame, evs, plot)
    daily = frame.groupby("channel").agg(volume=("volume", "sum"), model=("model", "first"))
    for row in daily.itertuples():
        console.print(f"{row.Index}: {row.volume / horizon_days:,.0f} contacts/day over {horizon_days} days "
                      f"(model {row.model})", markup=False)
    _print_choices(console, result.choices)
    _print_findings(console, result.findings)
    for row in result.event_effects.itertuples():
        size = "" if row.size != row.size else f" (size {row.size:,.0f})"
        effect = (f"{row.peak_uplift:+.0%} at its peak, learned from {row.learned_from} past {row.kind} event(s)"
                  if row.peak_uplift == row.peak_uplift else
                  f"no effect applied (model {result.models[row.channel]}, "
                  f"{row.learned_from} past {row.kind} event(s) on this channel)")
        console.print(f"{row.name}{size} on {row.channel}: {effect}")
    console.print(f"wrote {len(frame):,} intervals to {out}")


def _print_choices(console, choices, title: str = "Model per channel and why") -> None:
    """One line per channel: the model used, its median backtest WAPE, the runner-up's and
    the rule that decided (staffcast.forecast.choice)."""
    if choices is None or choices.empty:
        return
    console.print(f"{title}:", markup=False)
    for row in choices.itertuples():
        console.print(f"  {row.channel}: {row.reason}", markup=False, soft_wrap=True)


def _print_findings(console, findings, limit: int = 20) -> None:
    """The days the history shows and the calendar does not: closures learned from the data
    and unexplained days left out of the fit, one line each (the first `limit`)."""
    if findings is None or findings.empty:
        return
    console.print(f"Found in the history ({len(findings)} day(s) not in the events calendar):", markup=False)
    for note in findings["note"].head(limit):
        console.print(f"  {note}", markup=False, soft_wrap=True)
    if len(findings) > limit:
        console.print(f"  ... and {len(findings) - limit} more", markup=False)


def _plot_channels(history_frame, frame, evs, target: Path) -> None:
    import matplotlib.pyplot as plt

    from staffcast.files import atomic_path
    from staffcast.forecast.plot import plot_forecast_panels

    fig = plot_forecast_panels(history_frame, frame, evs)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


@app.command()
@user_errors
def backtest(
    history: Annotated[Path, typer.Argument(help="History file (CSV or Parquet).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml.")],
    out: Annotated[Path, typer.Option(help="Metrics file to write (.csv or .parquet): one row per model, "
                                      "channel and fold.")],
    events: Annotated[Path | None, typer.Option(help="Events calendar CSV.")] = None,
    folds: Annotated[int, typer.Option(help="Rolling origins (consecutive test windows ending at the "
                                       "history end).")] = 4,
    horizon_days: Annotated[int, typer.Option(help="Days in each test window.")] = 14,
    model: Annotated[str, typer.Option(help="auto (every model, then the per-channel choice) or one of "
                                       "snaive_week, mean_3w, profile, waves.")] = "auto",
    fill_zero: Annotated[bool, typer.Option(help="Count missing history intervals in open hours as zero "
                                            "contacts.")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
) -> None:
    """Rolling-origin backtest: WAPE, MASE, bias, event-interval WAPE, 80%-band coverage and
    the Poisson noise floor per model, channel and fold; prints the mean per model and channel."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from staffcast.files import write_frame_atomic
    from staffcast.forecast.api import MODELS, check_horizon, check_models
    from staffcast.forecast.api import backtest as run_backtest
    from staffcast.forecast.choice import choice_reasons

    check_horizon(horizon_days)
    names = check_models(model, allow_auto=True)
    console = Console()
    if workers is not None or scheduler is not None:
        from staffcast.commands.fanout import backtest_queues

        cfg, metrics, found = backtest_queues(history, config, events, folds=folds, horizon_days=horizon_days,
                                              models=tuple(names), fill_zero=fill_zero, workers=workers,
                                              scheduler=scheduler)
    else:
        from staffcast.forecast.api import findings
        from staffcast.pipeline import load_forecast_inputs

        cfg, hist, evs = load_forecast_inputs(history, events, config, fill_zero=fill_zero,
                                              command="staffcast backtest")
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task(f"{folds} folds x {len(names)} models", total=folds * len(names))
            metrics = run_backtest(hist, evs, folds=folds, horizon_days=horizon_days, models=names,
                                   progress=lambda done, total: bar.update(task, completed=done))
        found = findings(hist, evs)
    write_frame_atomic(metrics, out)
    choices = choice_reasons(metrics, list(MODELS))
    chosen = dict(zip(choices["channel"], choices["model"], strict=True))
    mean = metrics.groupby(["channel", "model"], sort=True)[
        ["wape", "mase", "bias", "event_wape", "coverage", "poisson_floor", "floor_ratio"]].mean()
    table = Table(title=f"Backtest: {folds} folds x {horizon_days} days, mean over folds "
                  f"({cfg.interval_minutes}-minute intervals)")
    for column in ("channel", "model", "auto", "WAPE", "MASE", "bias", "event WAPE", "80% coverage",
                   "Poisson floor", "WAPE/floor"):
        table.add_column(column, justify="left" if column in ("channel", "model", "auto") else "right")
    fmt = lambda v, spec: "-" if v != v else format(v, spec)  # noqa: E731
    for (channel, name), row in mean.iterrows():
        mark = "*" if chosen.get(channel) == name else ""
        table.add_row(channel, name, mark, fmt(row.wape, ".3f"), fmt(row.mase, ".2f"), fmt(row.bias, "+.3f"),
                      fmt(row.event_wape, ".3f"), fmt(row.coverage, ".0%"), fmt(row.poisson_floor, ".3f"),
                      fmt(row.floor_ratio, ".2f"))
    console.print(table)
    console.print("* = automatic choice (median WAPE over folds; a baseline only when clearly and consistently "
                  f"better than the structural models). Wrote {out}", markup=False)
    _print_choices(console, choices, "Automatic choice per channel and why")
    _print_findings(console, found)


def _deflection(values: list[str]) -> dict[str, float]:
    """Parse repeated `--deflection CHANNEL=SHARE` options."""
    from staffcast.errors import InputError

    shares: dict[str, float] = {}
    for text in values:
        name, _, share = text.partition("=")
        try:
            value = float(share)
        except ValueError:
            value = -1.0
        if not name.strip() or not 0.0 <= value < 1.0:
            raise InputError("", f"--deflection: expected CHANNEL=SHARE with SHARE in [0, 1), got {text!r}")
        shares[name.strip().lower()] = value
    return shares


@app.command()
@user_errors
def staff(
    forecast: Annotated[Path, typer.Argument(help="Forecast file (CSV or Parquet) written by `staffcast forecast`.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml (service targets, shrinkage, "
                                         "open hours).")],
    out: Annotated[Path, typer.Option(help="Requirements file to write (.csv or .parquet).")],
    staff_to: Annotated[str, typer.Option(help="volume (central forecast) or volume_hi (upper 80% bound, "
                                          "risk-averse).")] = "volume",
    volume_multiplier: Annotated[float, typer.Option(help="What-if: multiply contacts by this factor.")] = 1.0,
    aht_multiplier: Annotated[float, typer.Option(help="What-if: multiply handle time (seconds) by this "
                                                  "factor.")] = 1.0,
    deflection: Annotated[list[str] | None, typer.Option(help="What-if: CHANNEL=SHARE of contacts a bot answers "
                                                         "before an agent (repeatable), e.g. chat=0.2.")] = None,
    method: Annotated[str | None, typer.Option(help="Queue staffing over time: sipp (per-interval Erlang C/A), "
                                               "mol (Erlang C/A at the modified offered load, lagging the "
                                               "arrivals) or isa (raised where a simulation with queues carried "
                                               "over misses the target). Default: [staffing] method of the "
                                               "config (isa).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
) -> None:
    """Agents and staff per channel and interval: Erlang C (Erlang A with patience) for queue
    channels with chat concurrency, over time by --method (sipp, mol or isa), FIFO backlog
    within response_hours for deferred channels; staff = agents grossed up for shrinkage.
    Prints peak staff and agent-hours per channel."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from staffcast.config import load_config
    from staffcast.errors import InputError
    from staffcast.files import write_frame_atomic
    from staffcast.scheduler.inputs.frames import read_forecast
    from staffcast.scheduler.staffing.requirements import requirements, requirements_summary

    if staff_to not in ("volume", "volume_hi"):
        raise InputError("", f"--staff-to: expected volume or volume_hi, got {staff_to!r}")
    if method is not None and method not in ("sipp", "mol", "isa"):
        raise InputError("", f"--method: expected sipp, mol or isa, got {method!r}")
    if volume_multiplier < 0 or aht_multiplier <= 0:
        raise InputError("", "--volume-multiplier must be >= 0 and --aht-multiplier > 0")
    cfg = load_config(config, needs=(), command="staffcast staff")
    shares = _deflection(deflection or [])
    for name in shares:
        if name not in cfg.channel_names:
            raise InputError("", f"--deflection: unknown channel {name!r}; expected one of "
                             f"{', '.join(cfg.channel_names)}")
    frame = read_forecast(forecast, cfg, staff_to)
    method = cfg.staffing.method if method is None else method
    options = dict(staff_to=staff_to, volume_multiplier=volume_multiplier, aht_multiplier=aht_multiplier,
                   deflection=shares, method=method)
    if workers is not None or scheduler is not None:
        from staffcast.commands.fanout import staff_requirements

        req = staff_requirements(frame, cfg, options, workers=workers, scheduler=scheduler)
    else:
        req = requirements(frame, cfg, **options)
    write_frame_atomic(req, out)
    table = Table(title=f"Requirements ({cfg.interval_minutes}-minute intervals, staffed to {staff_to}, "
                  f"queues by {method}); "
                  "deferred channels: SL within response_hours, ASA = mean reply time", box=box.SIMPLE)
    for column in ("channel", "contacts", "peak\nagents", "peak\nstaff", "agent\nhours", "staff\nhours", "SL",
                   "ASA", "max\nbacklog"):
        table.add_column(column, justify="left" if column == "channel" else "right",
                         min_width=max(map(len, column.split("\n"))))
    for row in requirements_summary(req, cfg).itertuples():
        deferred = row.kind == "deferred"
        asa = f"{row.asa_seconds / 3600:.1f} h" if deferred else f"{row.asa_seconds:.0f} s"
        table.add_row(row.channel, f"{row.contacts:,.0f}", f"{row.peak_agents}", f"{row.peak_staff}",
                      f"{row.agent_hours:,.0f}", f"{row.staff_hours:,.0f}", f"{row.service_level:.1%}", asa,
                      f"{row.max_backlog:,.0f}" if deferred else "-")
    console = Console()
    console.print(table)
    console.print(f"wrote {len(req):,} rows to {out}")


@app.command()
@user_errors
def simulate(
    frame: Annotated[Path, typer.Argument(help="Requirements file (simulated with its agents) or coverage file "
                                          "(simulated with scheduled staff less shrinkage).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml.")],
    requirements: Annotated[Path | None, typer.Option(help="Requirements file giving volume and AHT for a "
                                                      "coverage file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the per-interval simulation (.csv or .parquet).")] = None,
    replications: Annotated[int, typer.Option(help="Independent runs (>= 2) for the 95% half-widths.")] = 20,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: [solver] seed of the config).")] = None,
    handle: Annotated[str, typer.Option(help="Handle-time distribution: exponential or lognormal.")] = "exponential",
    handle_cv: Annotated[float, typer.Option(help="Coefficient of variation of lognormal handle times.")] = 1.0,
) -> None:
    """Discrete-event simulation over consecutive intervals (queues carry over boundaries):
    simulated service level with a 95% half-width, ASA (seconds) and abandonment per
    interval; prints the per-channel comparison with the Erlang figures."""
    import numpy as np
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from staffcast.config import load_config
    from staffcast.errors import InputError
    from staffcast.files import write_frame_atomic
    from staffcast.scheduler.inputs.frames import frame_columns, read_coverage, read_requirements
    from staffcast.scheduler.simulation.frame import simulate_frame

    if replications < 2:
        raise InputError("", f"--replications: expected at least 2, got {replications}")
    if handle not in ("exponential", "lognormal") or handle_cv <= 0:
        raise InputError("", "--handle: expected exponential or lognormal (with --handle-cv > 0)")
    cfg = load_config(config, needs=(), command="staffcast simulate")
    columns = frame_columns(frame)
    if "scheduled" in columns:
        if requirements is None:
            raise InputError(frame, "a coverage file needs --requirements for volume and aht_seconds")
        data = read_coverage(frame, cfg)
        req = read_requirements(requirements, cfg)
        # coverage lists closed hours too; where the requirements have no row no contacts arrive
        erlang = data.merge(req[["channel", "interval_start", "service_level", "volume"]],
                            on=["channel", "interval_start"], suffixes=("_cov", ""))
        if "service_level_cov" in erlang:
            erlang["service_level"] = erlang["service_level_cov"]
    elif "agents" in columns:
        data = req = read_requirements(frame, cfg)
        erlang = req
    else:
        raise InputError(frame, "expected a requirements file (agents column) or a coverage file (scheduled "
                         "column); for a roster, simulate the coverage file `staffcast schedule` writes", row=1)
    sim = simulate_frame(data, cfg, requirements=req, replications=replications,
                         seed=cfg.solver.seed if seed is None else seed, handle=handle, handle_cv=handle_cv)
    if out is not None:
        write_frame_atomic(sim, out)
    both = sim.merge(erlang[["channel", "interval_start", "service_level", "volume"]],
                     on=["channel", "interval_start"])
    table = Table(title=f"Simulation: {replications} replications, {handle} handle times "
                  "(volume-weighted means over intervals)", box=box.SIMPLE)
    for column in ("channel", "contacts", "planned\nSL", "simulated\nSL", "interval\n95% +-", "simulated\nASA s",
                   "abandoned"):
        table.add_column(column, justify="left" if column == "channel" else "right",
                         min_width=max(map(len, column.split("\n"))))
    for name, part in both.groupby("channel", sort=False):
        w = part["volume"].to_numpy()
        if w.sum() <= 0:
            continue

        def mean(col, part=part, w=w):  # volume-weighted over intervals where it is defined
            values = part[col].to_numpy(float)
            known = np.isfinite(values) & (w > 0)
            return float(np.average(values[known], weights=w[known])) if known.any() else float("nan")

        planned = mean("service_level")
        table.add_row(name, f"{w.sum():,.0f}", "-" if planned != planned else f"{planned:.1%}",
                      f"{mean('sim_service_level'):.1%}",
                      f"{mean('sim_service_level_halfwidth'):.1%}", f"{mean('sim_asa_seconds'):,.0f}",
                      f"{mean('sim_abandon_rate'):.1%}")
    Console().print(table)
    if out is not None:
        Console().print(f"wrote {len(sim):,} rows to {out}")

@app.command()
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
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, max=64, help="CP-SAT search workers (overrides [solver] workers).")] = None,
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
    target, under-covered agent-hours and the shortfall report.
    """
    from rich.console import Console

    from staffcast.config import ROSTER, load_config
    from staffcast.files import write_frame_atomic
    from staffcast.scheduler.inputs.agents import load_agents
    from staffcast.scheduler.inputs.frames import read_requirements
    from staffcast.scheduler.roster.build import build_roster
    from staffcast.scheduler.roster.results.summary import coverage_summary

    _check_time_limit(time_limit)
    sources = {"requirements": requirements, "agents": agents, "config": config, "previous_roster": previous_roster}
    folder = _schedule_folder(out, force, sources, time_limit=time_limit, workers=workers, seed=seed)
    console = Console(stderr=True)
    cfg = load_config(config, needs=ROSTER, command="staffcast schedule")
    team = load_agents(agents, cfg)
    frame = read_requirements(requirements, cfg)
    last_week = None
    if previous_roster is not None:
        from staffcast.scheduler.inputs.previous_roster import read_previous_roster

        last_week = read_previous_roster(previous_roster, cfg, team)
    with console.status("building the roster model ...") as status:
        def progress(objective: float, bound: float | None, seconds: float) -> None:
            text = f"{seconds:6.1f} s  objective {objective:,.1f}" + ("" if bound is None else f"  bound {bound:,.1f}")
            status.update(text)
            if not console.is_terminal:
                console.print(text)

        result = build_roster(frame, team, cfg, previous_roster=last_week, time_limit_seconds=time_limit,
                              workers=workers, seed=seed, on_solution=progress)
    write_frame_atomic(result.roster, folder.path / "roster.csv")
    write_frame_atomic(result.coverage, folder.path / "coverage.csv")
    from staffcast.outputs_folder import describe_inputs

    folder.commit(command="staffcast schedule", options=folder.options, inputs=describe_inputs(folder.sources))
    summary = coverage_summary(result.coverage, cfg)
    typer.echo(f"status {result.status} after {result.wall_seconds:.1f} s (first roster "
               f"{result.first_feasible_seconds:.1f} s); objective {result.objective:,.1f}, "
               f"bound {result.best_bound:,.1f}, gap {result.gap:.1%}; "
               f"LP lower bound {result.lower_bound:,.1f}, gap to it {result.lower_bound_gap:.1%} "
               f"({result.staffing_gap:.1%} on the staffing cost, soft rules {result.soft_penalty:,.1f} apart)")
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


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

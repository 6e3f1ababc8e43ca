"""The weekly planning routine end to end, wired once for `staffcast demo`, `staffcast run`
and notebooks: load and validate the inputs, backtest the forecasters, forecast through the
roster week, compute requirements, build the roster, simulate it, export everything.

`forecast/` and `scheduler/` never import each other; this module is where they meet,
through the DESIGN.md frames only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from staffcast.config import ROSTER, PlanningConfig, load_config
from staffcast.errors import InputError
from staffcast.forecast.data import History, load_events, load_history
from staffcast.scheduler.inputs.agents import Agent, load_agents

if TYPE_CHECKING:
    from staffcast.outputs_folder import OutputFolder
    from staffcast.scheduler.roster.build import RosterResult

# progress(stage, completed, total, detail): called as each stage advances.
Progress = Callable[[str, float, float, str], None]
STAGES = ("backtest", "forecast", "staffing", "roster", "simulation", "exports")


@dataclass(frozen=True)
class Inputs:
    """Validated inputs of one planning run. `previous_roster`: last week's roster frame
    (None: the week's first hours are covered by lead-in shifts of this roster)."""

    config: PlanningConfig
    history: History
    events: pd.DataFrame
    agents: tuple[Agent, ...]
    sources: dict[str, Path]
    previous_roster: pd.DataFrame | None = None


@dataclass(frozen=True)
class WeekPlan:
    """Everything one planning run produced.

    `forecast` runs from the end of history through the roster week; `requirements`,
    `roster`, and `simulation` (the roster's scheduled staff simulated, docs/design.md
    simulation columns) cover the roster week only. With verification the requirements'
    `staff` is raised where simulation missed (`agents` stays Erlang's). `service`: per
    channel, Erlang's projection against the simulation (`results.service`); `misses`:
    the stretches that still miss their target, why, and how many more agents would fix
    them; `verify_rounds`: the re-solves verification ran. `forecast_choices`: per channel the
    forecast's model and why (staffcast.forecast.choice.CHOICE_COLUMNS); `findings`: the days
    the history shows and the calendar does not (staffcast.forecast.screen).
    """

    inputs: Inputs
    backtest: pd.DataFrame
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    roster: RosterResult
    simulation: pd.DataFrame
    service: pd.DataFrame
    misses: tuple[str, ...]
    verify_rounds: int = 0
    forecast_choices: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None


def load_forecast_inputs(history: Path, events: Path | None, config: Path, *, fill_zero: bool = False,
                         command: str | None = None) -> tuple[PlanningConfig, History, pd.DataFrame | None]:
    """Config, history and (when a path is given) events, read and validated. The config
    needs `[planning]` and the channels only; `command` names the caller in its errors."""
    cfg = load_config(config, needs=(), command=command)
    return (cfg, *_history_and_events(cfg, history, events, fill_zero))


def _history_and_events(cfg: PlanningConfig, history: Path, events: Path | None,
                        fill_zero: bool) -> tuple[History, pd.DataFrame | None]:
    hist = load_history(history, cfg.timezone, cfg.interval_minutes, fill_zero=fill_zero,
                        channels=cfg.channel_names)
    evts = load_events(events, cfg.timezone, cfg.channel_names) if events is not None else None
    return hist, evts


def load_inputs(history: Path, events: Path, config: Path, agents: Path, *, fill_zero: bool = False,
                previous_roster: Path | None = None, command: str = "staffcast.pipeline.load_inputs") -> Inputs:
    """Read and validate the four input files, and last week's roster when given
    (InputError on any mistake). The config must have everything `plan_week` uses,
    `[shifts]` included; that is checked before the history is read, and `command` names
    the caller in the error."""
    cfg = load_config(config, needs=ROSTER, command=command)
    hist, evts = _history_and_events(cfg, history, events, fill_zero)
    missing = [c for c in cfg.channel_names if c not in hist.channels]
    if missing:
        raise InputError(history, f"no history for channel(s) {', '.join(missing)} named in "
                         f"{Path(config).name}", column="channel")
    team = load_agents(agents, cfg)
    sources = {"history": Path(history), "events": Path(events), "config": Path(config),
               "agents": Path(agents)}
    last_week = None
    if previous_roster is not None:
        from staffcast.scheduler.inputs.previous_roster import read_previous_roster

        last_week = read_previous_roster(previous_roster, cfg, team)
        sources["previous_roster"] = Path(previous_roster)
    return Inputs(cfg, hist, evts, team, sources, last_week)


def horizon_days(inputs: Inputs) -> int:
    """Days from the day after the last history day through the end of the roster week."""
    last_day = inputs.history.frame["interval_start"].max().date()
    week_end = inputs.config.week_start + dt.timedelta(days=7)
    if inputs.config.week_start <= last_day:
        raise InputError(inputs.sources["config"], f"week_start {inputs.config.week_start} is not after "
                         f"the end of history ({last_day})", column="planning.week_start")
    return (week_end - last_day - dt.timedelta(days=1)).days


def in_week(frame: pd.DataFrame, config: PlanningConfig, column: str = "interval_start") -> pd.DataFrame:
    """Rows of `frame` whose `column` falls in the roster week (local dates)."""
    dates = frame[column].dt.date
    week = set(config.week_dates)
    return frame[dates.map(lambda d: d in week)].reset_index(drop=True)


def plan_week(inputs: Inputs, *, folds: int = 3, backtest_days: int = 7, model: str = "auto",
              staff_to: str = "volume", time_limit_seconds: float | None = None,
              replications: int = 10, verify: int = 0, progress: Progress | None = None,
              workers: int | None = None, scheduler: str | None = None) -> WeekPlan:
    """Run every stage on validated inputs. `folds` x `backtest_days` is the backtest that
    reports forecast accuracy; `time_limit_seconds` overrides the config's solver limit.

    `verify`: up to this many re-solves with the requirement raised, in the intervals the
    roster's simulation misses, by the extra agents the simulation says would meet the
    target there (`results.service.extra_agents`); the roster with the most intervals at
    target (then the fewest scheduled agent-hours) is kept. Each re-solve is a roster solve
    of its own under the same wall-clock cap and deterministic budget as the first (so its
    roster repeats like the first one's): the roster stage takes at most (1 + `verify`)
    times the limit.

    `workers` / `scheduler`: backtest, forecast and staffing run per queue on Dask up to the
    requirements (`staffcast.queue_tasks.plan_queues`; `workers=1` serially queue by queue),
    and with a `team` column in the agents file each team's roster solve is a task too
    (`staffcast.team_rosters.roster_week`; with or without the options each team is its
    own solve, its share of the limit by agents)."""
    from staffcast.forecast.api import backtest, run_forecast
    from staffcast.scheduler.roster.results.service import (
        MAX_EXTRA,
        extra_agents,
        fix_lines,
        missed_intervals,
        service_comparison,
    )
    from staffcast.scheduler.simulation.frame import simulate_frame
    from staffcast.scheduler.staffing.requirements import requirements as staffing_requirements
    from staffcast.team_rosters import roster_week

    report = progress or (lambda *args: None)
    cfg = inputs.config
    days = horizon_days(inputs)  # a week_start inside the history fails before any work
    if workers is not None or scheduler is not None:
        from staffcast.queue_tasks import plan_queues

        report("backtest", 0, len(cfg.channel_names), "per queue")
        metrics, predicted, choices, found, needs = plan_queues(
            inputs, folds=folds, backtest_days=backtest_days, horizon_days=days, model=model, staff_to=staff_to,
            workers=workers, scheduler=scheduler, progress=lambda done, total: report(
                "backtest", done, total, f"{done}/{total} queues: backtest, forecast, staffing"))
        for stage in ("forecast", "staffing"):
            report(stage, 1, 1, "per queue")
    else:
        report("backtest", 0, folds, "")
        metrics = backtest(inputs.history, inputs.events, folds=folds, horizon_days=backtest_days,
                           progress=lambda done, total: report("backtest", done, total, ""))
        report("forecast", 0, 1, "")
        forecasted = run_forecast(inputs.history, inputs.events, days, model=model)
        predicted, choices, found = forecasted.frame, forecasted.choices, forecasted.findings
        report("forecast", 1, 1, f"{days} days")
        report("staffing", 0, 1, "")
        needs = staffing_requirements(in_week(predicted, cfg), cfg, staff_to=staff_to, method=cfg.staffing.method)
        report("staffing", 1, 1, "")
    limit = time_limit_seconds if time_limit_seconds is not None else cfg.solver.time_limit_seconds
    report("roster", 0, limit, "")

    def on_solution(objective: float, bound: float | None, seconds: float) -> None:
        bound_text = "" if bound is None else f"  bound {bound:,.0f}"
        report("roster", min(seconds, limit), limit, f"objective {objective:,.0f}{bound_text}")

    def solve(target: pd.DataFrame):
        roster = roster_week(target, inputs.agents, cfg, previous_roster=inputs.previous_roster,
                             time_limit_seconds=limit, on_solution=on_solution, workers=workers, scheduler=scheduler,
                             progress=lambda done, total: report("roster", limit * done / total, limit,
                                                                 f"{done}/{total} teams"))
        gap = "" if roster.lower_bound_gap is None else f", {roster.lower_bound_gap:.1%} above the LP bound"
        report("roster", limit, limit, f"{roster.status}{gap}")
        report("simulation", 0, 1, "")
        open_coverage = roster.coverage.merge(needs[["channel", "interval_start"]], on=["channel", "interval_start"])
        simulation = simulate_frame(open_coverage, cfg, requirements=needs, replications=replications,
                                    seed=cfg.solver.seed)
        report("simulation", 1, 1, f"{replications} replications")
        return roster, simulation, missed_intervals(roster.coverage, simulation, cfg)

    roster, simulation, missed = solve(needs)
    plan_needs, rounds = needs, 0
    for _ in range(verify):
        if missed.empty:
            break
        rounds += 1
        extra = extra_agents(roster.coverage, needs, missed, cfg, replications=replications, seed=cfg.solver.seed)
        raised = plan_needs.merge(missed[["channel", "interval_start"]].assign(extra=extra.clip(upper=MAX_EXTRA)),
                                  on=["channel", "interval_start"], how="left")
        raised["staff"] = raised["staff"] + raised.pop("extra").fillna(0).astype(int)
        report("roster", 0, limit, f"verify {rounds}/{verify}: {len(missed)} intervals raised, a new {limit:g} s limit")
        candidate = solve(raised)
        if _verified_better(candidate[1], simulation, candidate[0], roster, cfg):
            (roster, simulation, missed), plan_needs = candidate, raised
        else:
            break
    extra = extra_agents(roster.coverage, needs, missed, cfg, replications=replications, seed=cfg.solver.seed)
    return WeekPlan(inputs, metrics, predicted, plan_needs, roster, simulation,
                    service_comparison(roster.coverage, simulation, needs, cfg),
                    tuple(fix_lines(missed, extra, cfg)), rounds, choices, found)


def _verified_better(simulation, incumbent_simulation, roster, incumbent, config) -> bool:
    """More queue intervals within tolerance of their target, then fewer scheduled agent-hours."""
    from staffcast.scheduler.roster.results.service import missed_intervals

    misses = len(missed_intervals(roster.coverage, simulation, config))
    before = len(missed_intervals(incumbent.coverage, incumbent_simulation, config))
    return misses < before or (misses == before and roster.coverage["scheduled"].sum()
                               < incumbent.coverage["scheduled"].sum())


def _share(value) -> str:
    """A share as a percentage, or "-" where it is undefined (never "nan%")."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "-"
    return f"{value:.1%}" if math.isfinite(value) else "-"


def headline(plan: WeekPlan) -> dict[str, str]:
    """The figures a planner reads first: forecast accuracy (backtest WAPE of the model
    used), peak staff, the simulated service of the roster per channel (volume-weighted
    share answered within the target over the intervals where it is defined; for queue
    channels also the share of intervals at target), and the solver's status with its gap
    to the LP lower bound. A figure that is undefined (no contacts in a backtest window,
    no simulated contacts) reads "-"."""
    from staffcast.scheduler.roster.results.summary import target_share

    cfg = plan.inputs.config
    chosen = plan.forecast.groupby("channel")["model"].first()
    wape = plan.backtest.groupby(["channel", "model"])["wape"].mean()
    peaks = plan.requirements.groupby("channel")["staff"].max()
    shares = target_share(plan.simulation, cfg)
    sim = plan.simulation.merge(plan.requirements[["channel", "interval_start", "volume"]],
                                on=["channel", "interval_start"])
    out: dict[str, str] = {}
    for channel in cfg.channel_names:
        spec = cfg.channel(channel)
        model = chosen.get(channel)
        if model is not None and (channel, model) in wape.index:
            out[f"{channel} forecast WAPE ({model})"] = _share(wape[(channel, model)])
        if channel in peaks.index:
            out[f"{channel} peak staff"] = f"{int(peaks[channel])}"
        part = sim[(sim["channel"] == channel) & sim["sim_service_level"].notna()]
        if part["volume"].sum() > 0:
            answered = (part["sim_service_level"] * part["volume"]).sum() / part["volume"].sum()
            target = (f"within {spec.answer_seconds:g} s" if spec.kind == "queue"
                      else f"within {spec.response_hours:g} h")
            out[f"{channel} answered {target} (simulated)"] = _share(answered)
        if spec.kind == "queue" and channel in shares:
            out[f"{channel} intervals at {spec.service_level:.0%} target"] = (
                "-" if not math.isfinite(float(shares[channel])) else f"{shares[channel]:.0%}")
    roster = plan.roster
    out["roster solver"] = roster.status
    if roster.lower_bound_gap is not None:
        out["roster gap to LP lower bound"] = _share(roster.lower_bound_gap)
        out["staffing-cost gap (soft rules apart)"] = _share(roster.staffing_gap)
    else:
        out["roster gap to LP lower bound"] = "bound not finished in time"
    return out


def write_outputs(plan: WeekPlan, out_dir: Path | OutputFolder, *, progress: Progress | None = None,
                  force: bool = False, command: str = "staffcast.pipeline.write_outputs",
                  options: dict | None = None, input_hashes: dict | None = None) -> dict[str, Path]:
    """Write every output of the week into `out_dir`: forecast, requirements, roster,
    coverage, simulation and backtest CSVs, roster.xlsx, calendars/AGENT_ID.ics,
    report.html, the inputs `staffcast intraday` reads back (inputs/: config, agents, events,
    last week's roster; `staffcast.plan_folder.keep_inputs`) and manifest.json. The files go
    into a fresh staging folder that replaces `out_dir` only when complete
    (`staffcast.outputs_folder`): `out_dir` then holds this
    run's files and nothing else, and a failure leaves it as it was. A non-empty `out_dir`
    holding files no staffcast run wrote is refused (InputError) unless `force`. `out_dir`
    may be an `OutputFolder` made earlier (the command line checks the folder before any
    work). The manifest records `command`, `options` and the inputs' SHA-256
    (`input_hashes`, default: of `plan.inputs.sources`). Returns the main paths by name."""
    from staffcast.outputs_folder import OutputFolder, describe_inputs
    from staffcast.plan_folder import keep_inputs

    folder = out_dir if isinstance(out_dir, OutputFolder) else OutputFolder(
        out_dir, force=force, inputs=plan.inputs.sources)
    with folder:
        staged = _write_files(plan, folder.path, progress or (lambda *args: None))
        keep_inputs(folder.path, plan.inputs.sources)
        hashes = input_hashes if input_hashes is not None else describe_inputs(
            {k: v for k, v in plan.inputs.sources.items() if Path(v).is_file()})
        target = folder.commit(command=command, options=options or {}, inputs=hashes)
    paths = {name: target / path.relative_to(folder.path) for name, path in staged.items()}
    paths["manifest"] = target / "manifest.json"
    return paths


def _write_files(plan: WeekPlan, out_dir: Path, report: Progress) -> dict[str, Path]:
    """Every output file of `plan` into `out_dir` (the staging folder)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from staffcast.scheduler.outputs.calendars import export_week, write_csvs
    from staffcast.scheduler.outputs.plots import planner_fonts, warn_if_no_cjk_font

    cfg = plan.inputs.config
    report("exports", 0, 3, "")
    inputs_summary = {
        "history": f"{plan.inputs.sources['history'].name}: {len(plan.inputs.history.frame):,} intervals",
        "events": f"{plan.inputs.sources['events'].name}: {len(plan.inputs.events)} events",
        "agents": f"{plan.inputs.sources['agents'].name}: {len(plan.inputs.agents)} agents",
        "week": f"{cfg.week_start:%a %Y-%m-%d}, {cfg.timezone}, {cfg.interval_minutes}-minute intervals",
    }
    written = export_week(out_dir, roster=plan.roster.roster, coverage=plan.roster.coverage, config=cfg,
                          agents=plan.inputs.agents, forecast=plan.forecast, requirements=plan.requirements,
                          inputs_summary=inputs_summary)
    extra = write_csvs(out_dir, simulation=plan.simulation, backtest=plan.backtest)
    report("exports", 1, 3, "csv, xlsx, ics")
    warn_if_no_cjk_font([*cfg.channel_names, *(a.agent_id for a in plan.inputs.agents),
                         *(a.name for a in plan.inputs.agents), *plan.inputs.events.get("name", [])])
    with planner_fonts():
        page = _figures_and_report(plan, out_dir, inputs_summary, report)
    plt.close("all")
    report("exports", 3, 3, "report.html")
    paths = {k: v for k, v in written.items() if isinstance(v, Path)}
    paths.update({p.stem: p for p in extra})
    paths["report"] = page
    paths["calendars"] = out_dir / "calendars"
    return paths


def _figures_and_report(plan: WeekPlan, out_dir: Path, inputs_summary: dict[str, str], report: Progress) -> Path:
    """The report's figures (forecast, coverage, simulated service, roster) and report.html."""
    from staffcast.forecast.plot import plot_forecast
    from staffcast.report import backtest_table, choice_table, findings_table, write_report
    from staffcast.scheduler.outputs.plots import plot_coverage, plot_roster_gantt, plot_service_heatmap

    cfg = plan.inputs.config
    recent = plan.inputs.history.frame
    recent = recent[recent["interval_start"] >= recent["interval_start"].max() - pd.Timedelta(days=21)]
    figures: dict[str, object] = {}
    for channel in cfg.channel_names:
        figures[f"Forecast: {channel}"] = plot_forecast(recent, plan.forecast, plan.inputs.events, channel=channel)
    for channel in cfg.channel_names:
        figures[f"Coverage: {channel}"] = plot_coverage(plan.roster.coverage, channel)
    for channel in cfg.channel_names:
        target = cfg.channel(channel).service_level if cfg.channel(channel).kind == "queue" else 1.0
        figures[f"Simulated service level: {channel}"] = plot_service_heatmap(
            plan.simulation, channel, target=target, coverage=plan.roster.coverage)
    figures["Roster"] = plot_roster_gantt(plan.roster.roster, plan.roster.assignments)
    report("exports", 2, 3, "plots")
    roster = plan.roster
    solver = {"status": roster.status, "objective": roster.objective, "best bound": roster.best_bound,
              "gap": f"{roster.gap:.2%}", "week boundary": roster.week_boundary}  # no wall-clock times
    for part in roster.teams:
        solver[f"team {part.team}"] = (f"{part.agents} agents, {part.status}, objective {part.objective:,.1f}, "
                                       f"bound {part.best_bound:,.1f}, gap {part.gap:.2%}")
    if roster.notes:
        solver["notes"] = "; ".join(roster.notes)
    if roster.lower_bound is not None:
        solver["LP lower bound"] = roster.lower_bound
        solver["gap to LP bound"] = f"{roster.lower_bound_gap:.2%}"
        solver["soft-rule penalty"] = roster.soft_penalty
        solver["staffing-cost gap to LP bound"] = f"{roster.staffing_gap:.2%}"
    page = write_report(out_dir / "report.html", title=f"staffcast: week of {cfg.week_start:%d %b %Y}",
                        subtitle=" | ".join(inputs_summary.values()), summary=headline(plan),
                        figures=figures, tables={"Service: Erlang and simulated": _service_table(plan),
                                                 **_misses_table(plan),
                                                 "Forecast model per channel and why": choice_table(
                                                     plan.forecast_choices),
                                                 "Backtest (mean over folds)": backtest_table(plan.backtest),
                                                 **({} if plan.findings.empty else {
                                                     "Days not in the events calendar": findings_table(
                                                         plan.findings)})},
                        shortfall=list(roster.shortfall), solver_summary=solver)
    return page


def _service_table(plan) -> pd.DataFrame:
    """Per channel: Erlang's projection of the roster against its simulation."""
    table = plan.service.copy()
    for column in ("target", "erlang_service_level", "simulated_service_level", "erlang_intervals_at_target",
                   "simulated_intervals_at_target"):
        table[column] = table[column].map(lambda v: "" if v != v else f"{v:.1%}")
    return table.rename(columns=lambda c: c.replace("_", " "))


def _misses_table(plan) -> dict[str, pd.DataFrame]:
    """The stretches still missing their target in simulation, why, and the fix (none: no table)."""
    if not plan.misses:
        return {}
    title = "Still missing in simulation" + (f" after {plan.verify_rounds} verification re-solves"
                                             if plan.verify_rounds else " (run with --verify N to re-solve)")
    return {title: pd.DataFrame({"stretch, why, and what would fix it": list(plan.misses)})}

"""The weekly planning routine end to end, wired once for `staffcast demo`, `staffcast run`
and notebooks: load and validate the inputs, backtest the forecasters, forecast through the
roster week, compute requirements, build the roster, simulate it, export everything.

`forecast/` and `scheduler/` never import each other; this module is where they meet,
through the DESIGN.md frames only.
"""

from __future__ import annotations

import datetime as dt
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
    `roster`, and `simulation` (the roster's scheduled staff simulated, DESIGN simulation
    columns) cover the roster week only.
    """

    inputs: Inputs
    backtest: pd.DataFrame
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    roster: RosterResult
    simulation: pd.DataFrame


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
              replications: int = 10, progress: Progress | None = None) -> WeekPlan:
    """Run every stage on validated inputs. `folds` x `backtest_days` is the backtest that
    reports forecast accuracy; `time_limit_seconds` overrides the config's solver limit."""
    from staffcast.forecast.api import backtest, forecast
    from staffcast.scheduler.roster.build import build_roster
    from staffcast.scheduler.simulation.frame import simulate_frame
    from staffcast.scheduler.staffing.requirements import requirements as staffing_requirements

    report = progress or (lambda *args: None)
    cfg = inputs.config
    days = horizon_days(inputs)  # a week_start inside the history fails before any work
    report("backtest", 0, folds, "")
    metrics = backtest(inputs.history, inputs.events, folds=folds, horizon_days=backtest_days,
                       progress=lambda done, total: report("backtest", done, total, ""))
    report("forecast", 0, 1, "")
    predicted = forecast(inputs.history, inputs.events, days, model=model)
    report("forecast", 1, 1, f"{days} days")
    report("staffing", 0, 1, "")
    needs = staffing_requirements(in_week(predicted, cfg), cfg, staff_to=staff_to)
    report("staffing", 1, 1, "")
    limit = time_limit_seconds if time_limit_seconds is not None else cfg.solver.time_limit_seconds
    report("roster", 0, limit, "")

    def on_solution(objective: float, bound: float | None, seconds: float) -> None:
        bound_text = "" if bound is None else f"  bound {bound:,.0f}"
        report("roster", min(seconds, limit), limit, f"objective {objective:,.0f}{bound_text}")

    roster = build_roster(needs, inputs.agents, cfg, previous_roster=inputs.previous_roster,
                          time_limit_seconds=limit, on_solution=on_solution)
    gap = "" if roster.lower_bound_gap is None else f", {roster.lower_bound_gap:.1%} above the LP bound"
    report("roster", limit, limit, f"{roster.status}{gap}")
    report("simulation", 0, 1, "")
    open_coverage = roster.coverage.merge(needs[["channel", "interval_start"]], on=["channel", "interval_start"])
    simulation = simulate_frame(open_coverage, cfg, requirements=needs, replications=replications,
                                seed=cfg.solver.seed)
    report("simulation", 1, 1, f"{replications} replications")
    return WeekPlan(inputs, metrics, predicted, needs, roster, simulation)


def headline(plan: WeekPlan) -> dict[str, str]:
    """The figures a planner reads first: forecast accuracy (backtest WAPE of the model
    used), peak staff, the simulated service of the roster per channel (volume-weighted
    share answered within the target; for queue channels also the share of intervals at
    target), and the solver's status with its gap to the LP lower bound."""
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
            out[f"{channel} forecast WAPE ({model})"] = f"{wape[(channel, model)]:.1%}"
        if channel in peaks.index:
            out[f"{channel} peak staff"] = f"{int(peaks[channel])}"
        part = sim[sim["channel"] == channel]
        if part["volume"].sum() > 0:
            answered = (part["sim_service_level"] * part["volume"]).sum() / part["volume"].sum()
            target = (f"within {spec.answer_seconds:g} s" if spec.kind == "queue"
                      else f"within {spec.response_hours:g} h")
            out[f"{channel} answered {target} (simulated)"] = f"{answered:.1%}"
        if spec.kind == "queue" and channel in shares:
            out[f"{channel} intervals at {spec.service_level:.0%} target"] = f"{shares[channel]:.0%}"
    roster = plan.roster
    out["roster solver"] = roster.status
    if roster.lower_bound_gap is not None:
        out["roster gap to LP lower bound"] = f"{roster.lower_bound_gap:.1%}"
        out["staffing-cost gap (soft rules apart)"] = f"{roster.staffing_gap:.1%}"
    return out


def write_outputs(plan: WeekPlan, out_dir: Path, *, progress: Progress | None = None) -> dict[str, Path]:
    """Write every output of the week into `out_dir` (each file atomically): forecast,
    requirements, roster, coverage, simulation and backtest CSVs, roster.xlsx,
    calendars/AGENT_ID.ics and report.html. Returns the main paths by name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from staffcast.forecast.plot import plot_forecast
    from staffcast.report import backtest_table, write_report
    from staffcast.scheduler.outputs.calendars import export_week, write_csvs
    from staffcast.scheduler.outputs.plots import plot_coverage, plot_roster_gantt, plot_service_heatmap

    report = progress or (lambda *args: None)
    cfg, out_dir = plan.inputs.config, Path(out_dir)
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
              "gap": f"{roster.gap:.2%}", "wall time (s)": f"{roster.wall_seconds:.1f}",
              "first feasible (s)": f"{roster.first_feasible_seconds:.1f}", "week boundary": roster.week_boundary}
    if roster.lower_bound is not None:
        solver["LP lower bound"] = roster.lower_bound
        solver["gap to LP bound"] = f"{roster.lower_bound_gap:.2%}"
        solver["soft-rule penalty"] = roster.soft_penalty
        solver["staffing-cost gap to LP bound"] = f"{roster.staffing_gap:.2%}"
    page = write_report(out_dir / "report.html", title=f"staffcast: week of {cfg.week_start:%d %b %Y}",
                        subtitle=" | ".join(inputs_summary.values()), summary=headline(plan),
                        figures=figures, tables={"Backtest (mean over folds)": backtest_table(plan.backtest)},
                        shortfall=list(roster.shortfall), solver_summary=solver)
    plt.close("all")
    report("exports", 3, 3, "report.html")
    paths = {k: v for k, v in written.items() if isinstance(v, Path)}
    paths.update({p.stem: p for p in extra})
    paths["report"] = page
    paths["calendars"] = out_dir / "calendars"
    return paths

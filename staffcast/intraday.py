"""The intraday routine wired once for `staffcast intraday`, the benchmark and notebooks:
reforecast today from the actuals, staff the rest of the day with the configured staffing
method, re-plan the rest of today's roster (`staffcast.scheduler.intraday`), check every
roster rule on the result, and project the rest of the day's service before and after by
simulation.

`forecast/` and `scheduler/` never import each other; they meet here through the frames.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.errors import InputError
from staffcast.plan_folder import Plan


@dataclass(frozen=True)
class IntradayResult:
    """What one re-plan produced. `forecast`: the reforecast; `requirements`: the week's
    requirements with the rest of today restaffed; `roster`, `coverage`: the updated week;
    `changes`: the change list (agent_id, change, from, to, reason, expected_service_gain);
    `before`, `after`: the simulation of the rest of today's coverage under the plan and
    after the re-plan; `replan`: the solve (status, objective, bound, gap);
    `changed_agents`: agents with a change; `problems`: the checker's findings (empty)."""

    plan: Plan
    now: pd.Timestamp
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    roster: pd.DataFrame
    coverage: pd.DataFrame
    changes: pd.DataFrame
    before: pd.DataFrame
    after: pd.DataFrame
    replan: object
    changed_agents: tuple[str, ...]
    problems: tuple[str, ...]


def surge(forecast: pd.DataFrame, now: pd.Timestamp, factor: float, interval_minutes: int):
    """A surge day for trials: `now`'s local day of `forecast` with every volume times
    `factor` (handle times unchanged). Returns `(actuals, truth)`: the history frame of the
    intervals over by `now` (volumes rounded to whole contacts) and the forecast frame of the
    whole day at the surge (`model` = `surge`)."""
    day = now.normalize()
    step = pd.Timedelta(minutes=interval_minutes)
    today = forecast[(forecast["interval_start"] >= day) & (forecast["interval_start"] < day + pd.Timedelta(days=1))]
    truth = today.assign(**{c: today[c] * factor for c in ("volume", "volume_lo", "volume_hi")}, model="surge")
    seen = truth[truth["interval_start"] + step <= now]
    actuals = pd.DataFrame({"channel": seen["channel"], "interval_start": seen["interval_start"],
                            "volume": seen["volume"].round(), "aht_seconds": seen["aht_seconds"]})
    return actuals.reset_index(drop=True), truth.reset_index(drop=True)


def check_now(plan: Plan, now: pd.Timestamp) -> None:
    """`now` must lie inside the plan's roster week (one-line error otherwise)."""
    cfg = plan.config
    begins = pd.Timestamp(dt.datetime.combine(cfg.week_start, dt.time())).tz_localize(cfg.tz)
    ends = pd.Timestamp(dt.datetime.combine(cfg.week_start + dt.timedelta(days=7), dt.time())).tz_localize(cfg.tz)
    if not begins <= now < ends:
        raise InputError("", f"--now: {now:%Y-%m-%d %H:%M} is outside the plan's week "
                         f"{cfg.week_start:%Y-%m-%d} - {cfg.week_start + dt.timedelta(days=6):%Y-%m-%d}")


def intraday_lengths(config):
    """The config whose shift lengths include every end the re-plan may choose (the
    configured lengths, extended by overtime or cut by early leave), for the checker."""
    step = config.interval_minutes
    cfg = config.intraday
    early = cfg.max_early_leave_minutes if cfg.early_leave else 0
    lengths = sorted({length + k * step / 60 for length in config.shifts.lengths_hours
                      for k in range(-early // step, cfg.max_overtime_minutes // step + 1)
                      if length + k * step / 60 > 0})
    return dataclasses.replace(config, shifts=dataclasses.replace(config.shifts, lengths_hours=tuple(lengths)))


def upper_volume(forecast: pd.DataFrame, week) -> np.ndarray:
    """The forecast's 80% upper volume (`volume_hi`, contacts; `volume` where the band is
    missing) on the week's grid, channels x intervals: what the re-plan prices a queue's
    carried backlog at."""
    from staffcast.scheduler.roster.model.demand import demand_arrays

    cfg = week.config
    rows = forecast[forecast["channel"].isin(cfg.channel_names)]
    upper = np.fmax(rows["volume_hi"].to_numpy(float), rows["volume"].to_numpy(float))
    frame = pd.DataFrame({"channel": rows["channel"], "interval_start": rows["interval_start"], "volume": upper,
                          "aht_seconds": 0.0, "staff": 0})
    return demand_arrays(frame, cfg, week.horizon).volume


def replan_day(plan: Plan, actuals: pd.DataFrame, now: pd.Timestamp, *, dtime: float | None = None,
               replications: int = 20, backlog: bool = True) -> IntradayResult:
    """Reforecast, restaff and re-plan the rest of `now`'s day of `plan` from `actuals`
    (a history frame of today's intervals so far; `backlog=False` prices shortfall interval
    by interval, `scheduler.intraday.model.build_replan_model`)."""
    from staffcast.forecast.reforecast import reforecast
    from staffcast.scheduler.intraday.day import build_day, week_grid
    from staffcast.scheduler.intraday.replan import (
        DTIME,
        change_list,
        new_coverage,
        new_shifts,
        replan,
        roster_frame,
        service_gains,
    )
    from staffcast.scheduler.roster.results.checker import check_roster
    from staffcast.scheduler.roster.results.view import roster_shifts
    from staffcast.scheduler.simulation.frame import simulate_frame
    from staffcast.scheduler.staffing.requirements import requirements

    cfg = plan.config
    check_now(plan, now)
    updated = reforecast(plan.forecast, actuals, now, fade_days=0.0, interval_minutes=cfg.interval_minutes)
    day_start = pd.Timestamp(dt.datetime.combine(now.date(), dt.time())).tz_localize(cfg.tz)
    first = now.ceil(f"{cfg.interval_minutes}min")
    window = updated[(updated["interval_start"] >= day_start)
                     & (updated["interval_start"] < day_start + pd.Timedelta(hours=36))]
    staffed = requirements(window, cfg, method=cfg.staffing.method)
    staffed = staffed[staffed["interval_start"] >= first]
    keyed = plan.requirements.set_index(["channel", "interval_start"])
    fresh = staffed.set_index(["channel", "interval_start"])
    week_needs = pd.concat([keyed.drop(fresh.index.intersection(keyed.index)), fresh[keyed.columns.intersection(
        fresh.columns)]]).reset_index()
    order = {n: k for k, n in enumerate(cfg.channel_names)}
    week_needs = week_needs.sort_values(["channel", "interval_start"], key=lambda c: c.map(order)
                                        if c.name == "channel" else c, ignore_index=True)
    week = week_grid(week_needs, plan.agents, cfg)
    day = build_day(week, roster_shifts(plan.roster, cfg.timezone), plan.coverage, now)
    day = dataclasses.replace(day, backlog_volume=upper_volume(window, week))
    result = replan(day, dtime=dtime or DTIME, backlog=backlog)
    shifts = new_shifts(result)
    roster = roster_frame(shifts)
    coverage = new_coverage(result, plan.coverage)
    problems = tuple(check_roster(roster, plan.agents, intraday_lengths(cfg), previous_roster=plan.previous_roster))
    changes = change_list(result)
    gains = service_gains(result, changes)
    table = pd.DataFrame({
        "agent_id": [c["agent_id"] for c in changes], "change": [c["change"] for c in changes],
        "from": [c["_from"] for c in changes], "to": [c["to"] for c in changes],
        "reason": [_reason(day, plan.coverage, coverage, c) for c in changes],
        "expected_service_gain": [round(g, 2) for g in gains]},
        columns=["agent_id", "change", "from", "to", "reason", "expected_service_gain"])
    stamps = (coverage["interval_start"] >= first) & (coverage["interval_start"] < week.horizon.stamp(day.last))
    rest = coverage[stamps].merge(week_needs[["channel", "interval_start"]], on=["channel", "interval_start"])
    old = plan.coverage.merge(rest[["channel", "interval_start"]], on=["channel", "interval_start"])
    needs = week_needs.merge(rest[["channel", "interval_start"]], on=["channel", "interval_start"])
    before = simulate_frame(old, cfg, requirements=needs, replications=replications, seed=cfg.solver.seed)
    after = simulate_frame(rest, cfg, requirements=needs, replications=replications, seed=cfg.solver.seed)
    return IntradayResult(plan, now, updated, week_needs, roster, coverage, table, before, after, result,
                          tuple(sorted(set(table["agent_id"]))), problems)


def _reason(day, before: pd.DataFrame, after: pd.DataFrame, change: dict) -> str:
    """Why a change: the channel short (or over) under the plan in the intervals it touches."""
    horizon = day.week.horizon
    stamps = [horizon.stamp(t) for t in change["_window"]]
    o = day.open[change["_i"]]
    names = [day.config.channel_names[c] for c in o.channels]
    rows = after[after["interval_start"].isin(stamps) & after["channel"].isin(names)]
    planned = before.set_index(["channel", "interval_start"])["scheduled"]
    gaps = {}
    for row in rows.itertuples(index=False):
        plan_scheduled = int(planned.get((row.channel, row.interval_start), 0))
        gaps[row.channel] = gaps.get(row.channel, 0) + int(row.required) - plan_scheduled
    if not gaps:
        return "no demand in these intervals"
    channel = max(gaps, key=lambda c: abs(gaps[c]))
    per = gaps[channel] / max(len(stamps), 1)
    if change["change"] == "early_leave":
        over = {c: -g for c, g in gaps.items()}
        channel = max(over, key=over.get)
        return f"over-staffed: {channel} {over[channel] / max(len(stamps), 1):+.1f} agents a interval under the plan"
    word = "short" if per > 0 else "over"
    return f"{channel} {word} {abs(per):.1f} agents a interval under the plan"

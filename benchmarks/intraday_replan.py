"""Intraday benchmark section `replan`: (b) a surge re-planned at 10:00, (c) the re-plan's
solve time, on the bundled sample (170 agents, voice, chat, email and social).

The plan is the sample's week as `staffcast demo` makes it (`pipeline.plan_week` with a
60 s roster limit; or the plan folder named by the environment variable INTRADAY_PLAN, e.g.
the --out of `staffcast demo`). The surge day is Wednesday 2026-12-09, inside the sample's
mailbox-migration wave: every interval's volume runs `SURGE` x the plan's forecast, and the
actuals up to `NOW` say so (`staffcast.intraday.surge`).

(b) `replan_day` at `NOW` on those actuals, with the backlog-aware cost and, beside it,
with shortfall priced interval by interval (`backlog=False`, the roster's costs alone). The
rest of the day (from `NOW` to midnight) is simulated at the surge's true volume (its
requirements staffed by the config's method, 20 replications, seeded) under the morning
plan's coverage and under each re-plan's; per channel the contact-weighted simulated
service level, the channel's target, and the share of the shortfall to target recovered,
`(after - before) / (target - before)` (goal: at least half, with the allowed changes
only). The oracle re-plans with the rest of the day known exactly (the plan's forecast
replaced by the surge): what these changes can recover at best, so a miss is told from a
weak reforecast. The supply line, from the same run: the agent-hours the morning plan is
short of the true requirement against the most overtime can add.

(c) The re-plan's CP-SAT solve (model build included) and the whole `replan_day`
(reforecast, restaffing, solve, checker, the two simulations) for 170 agents: median of
`RUNS` runs, with the solve's status, objective, bound and gap (goal: solve under 10 s).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

NOW = "2026-12-09 10:00"
SURGE = 1.4
RUNS = 3
REPLICATIONS = 20


def _table():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_forecast", Path(__file__).with_name("forecast.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.table


def sample_plan(folder: Path) -> Path:
    """The sample's week planned into `folder` (as `staffcast demo` does), or INTRADAY_PLAN."""
    if os.environ.get("INTRADAY_PLAN"):
        return Path(os.environ["INTRADAY_PLAN"])
    from staffcast import pipeline
    from staffcast.sample import sample_files

    with sample_files() as (history, events, config, agents, previous):
        inputs = pipeline.load_inputs(history, events, config, agents, previous_roster=previous,
                                      command="benchmarks/intraday_replan.py")
        plan = pipeline.plan_week(inputs, folds=1, backtest_days=7, time_limit_seconds=60)
        pipeline.write_outputs(plan, folder / "plan", command="benchmarks/intraday_replan.py")
    return folder / "plan"


def rest_of_day_service(coverage: pd.DataFrame, needs: pd.DataFrame, config) -> dict[str, float]:
    """Per channel, the contact-weighted simulated service level of `coverage` at the volumes
    and handle times of `needs` (the rows of both that `needs` holds)."""
    from staffcast.scheduler.simulation.frame import simulate_frame

    key = ["channel", "interval_start"]
    rows = coverage.merge(needs[key], on=key)
    needs = needs.merge(rows[key], on=key)
    sim = simulate_frame(rows, config, requirements=needs, replications=REPLICATIONS, seed=config.solver.seed)
    sim = sim.merge(needs[[*key, "volume"]], on=key)
    sim = sim[sim["sim_service_level"].notna() & (sim["volume"] > 0)]
    return {ch: float((g["sim_service_level"] * g["volume"]).sum() / g["volume"].sum())
            for ch, g in sim.groupby("channel", sort=False)}


def truth_needs(truth: pd.DataFrame, now: pd.Timestamp, config) -> pd.DataFrame:
    """The surge's requirements from the first interval at or after `now` to midnight."""
    from staffcast.scheduler.staffing.requirements import requirements

    needs = requirements(truth, config, method=config.staffing.method)
    return needs[needs["interval_start"] >= now.ceil(f"{config.interval_minutes}min")]


def known_day(forecast: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """`forecast` with the surge day's rows taken from `truth`, the band closed on the volume."""
    key = ["channel", "interval_start"]
    index = forecast.set_index(key).index
    known = truth.set_index(key)
    mask = index.isin(known.index)
    out = forecast.copy()
    for col in ("volume", "volume_lo", "volume_hi"):  # known exactly: no band
        out.loc[mask, col] = known.loc[index[mask], "volume"].to_numpy(float)
    return out


def surge_rows(plan, now: pd.Timestamp) -> tuple[list[dict], str]:
    from staffcast.intraday import replan_day, surge

    cfg = plan.config
    actuals, truth = surge(plan.forecast, now, SURGE, cfg.interval_minutes)
    needs = truth_needs(truth, now, cfg)
    morning = rest_of_day_service(plan.coverage, needs, cfg)
    result = replan_day(plan, actuals, now, replications=REPLICATIONS)
    after = rest_of_day_service(result.coverage, needs, cfg)
    flat = rest_of_day_service(replan_day(plan, actuals, now, replications=REPLICATIONS, backlog=False).coverage,
                               needs, cfg)
    oracle = replan_day(dataclasses.replace(plan, forecast=known_day(plan.forecast, truth)), actuals, now,
                        replications=REPLICATIONS)
    best = rest_of_day_service(oracle.coverage, needs, cfg)
    rest = result.forecast[(result.forecast["interval_start"] >= now)
                           & (result.forecast["interval_start"] < now.normalize() + pd.Timedelta(days=1))]
    plan_rest = plan.forecast.merge(rest[["channel", "interval_start"]], on=["channel", "interval_start"])
    true_rest = needs.groupby("channel")["volume"].sum()
    rows = []
    for ch in cfg.channel_names:
        if ch not in morning:
            continue
        channel = cfg.channel(ch)
        target = channel.service_level if channel.kind == "queue" else 1.0

        def recovered(level, ch=ch, target=target):
            short = target - morning[ch]
            return f"{(level - morning[ch]) / short:.0%}" if short > 1e-9 else "at target"

        rows.append({"channel": ch, "target": f"{target:.0%}",
                     "contacts rest of day (plan / reforecast / true)":
                     f"{plan_rest.loc[plan_rest.channel == ch, 'volume'].sum():,.0f} / "
                     f"{rest.loc[rest.channel == ch, 'volume'].sum():,.0f} / {true_rest.get(ch, 0):,.0f}",
                     "morning plan": f"{morning[ch]:.1%}", "per-interval cost": f"{flat[ch]:.1%}",
                     "recovered (per-interval)": recovered(flat[ch]), "after intraday": f"{after[ch]:.1%}",
                     "recovered": recovered(after[ch]), "oracle re-plan": f"{best[ch]:.1%}",
                     "oracle recovered": recovered(best[ch])})
    key = ["channel", "interval_start"]
    short = needs[[*key, "staff"]].merge(plan.coverage[[*key, "scheduled"]], on=key, how="left").fillna(0)
    missing = int((short["staff"] - short["scheduled"]).clip(lower=0).sum())
    day = result.replan.day
    step = cfg.interval_minutes
    extra = sum(max(o.ends) - o.end for o in day.open)
    capped = sum(1 for o in day.open if max(o.ends) == o.end)
    kinds = result.changes["change"].value_counts()
    note = (f"    {len(result.changes)} changes for {len(result.changed_agents)} agents ("
            + ", ".join(f"{k} {v}" for k, v in kinds.items()) + f"); re-plan {result.replan.status}, "
            f"gap {result.replan.gap:.2%}; checker: {len(result.problems)} problems; oracle: "
            f"{len(oracle.changes)} changes\n"
            f"    supply: at the true volume the morning plan is {missing:,} agent-intervals "
            f"({missing * step / 60:,.0f} agent-hours) short of the requirement from {NOW[-5:]}; "
            f"overtime can add at most {extra} "
            f"({extra * step / 60:,.0f} h: {capped} of {len(day.open)} open shifts are at their weekly maximum "
            "hours), lunch moves and switches only move agents, early leave removes them")
    return rows, note


def solve_rows(plan, now: pd.Timestamp) -> tuple[list[dict], str]:
    from staffcast.intraday import replan_day, surge

    actuals, _ = surge(plan.forecast, now, SURGE, plan.config.interval_minutes)
    solves, totals, last = [], [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        last = replan_day(plan, actuals, now, replications=REPLICATIONS)
        totals.append(time.perf_counter() - t0)
        solves.append(last.replan.seconds)
    rp = last.replan
    rows = [{"agents": len(plan.agents), "shifts open to change": len(rp.day.open),
             "solve median s": f"{statistics.median(solves):.1f}",
             "solve runs s": " / ".join(f"{s:.1f}" for s in solves),
             "replan_day median s": f"{statistics.median(totals):.1f}", "status": rp.status,
             "objective": f"{rp.objective:,.0f}", "bound": f"{rp.bound:,.0f}", "gap": f"{rp.gap:.2%}",
             "plan's objective": f"{rp.objective_before:,.0f}"}]
    return rows, f"    goal: solve < 10 s; median {statistics.median(solves):.1f} s ({os.cpu_count()} cores, shared)"


def run(bank: Path) -> list[str]:
    from staffcast.plan_folder import read_plan

    table = _table()
    with tempfile.TemporaryDirectory() as tmp:
        plan = read_plan(sample_plan(Path(tmp)))
        now = pd.Timestamp(NOW).tz_localize(plan.config.tz)
        rows, note = surge_rows(plan, now)
        lines = [f"(b) surge: sample, {NOW} (migration wave), volume {SURGE - 1:+.0%} on forecast all day; "
                 "rest of day simulated at the true volume", table(rows, list(rows[0])), note]
        rows, note = solve_rows(plan, now)
        lines += [f"(c) re-plan solve time, {NOW}, median of {RUNS} runs", table(rows, list(rows[0])), note]
    return lines

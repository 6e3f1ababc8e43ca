"""Service benchmark: does the finished roster keep the service promise in simulation?

    .venv/bin/python benchmarks/service.py [--weeks generated demo] [--methods sipp mol isa] [--limit 60]
        [--mip-limit 60]

(staffcast installed; `roster_instances.py` and `service_oracle.py` beside this file.)

Two weeks: a generated one (`generated_week`: voice and chat queues, steep morning peaks,
a two-day wave on Wednesday and Thursday, 100 agents whose contracts hold about 19% more
hours than the SIPP plan) and the demo week (the bundled sample, `roster_instances.demo_week`).
For each staffing method the full chain runs: requirements -> roster (CP-SAT, `--limit`
seconds, deterministic budget) -> independent simulation of the roster's coverage with
queues carried over (`simulation.frame.simulate_frame`, 20 replications, seed 0). Per queue
channel: the share of open intervals (with contacts) whose simulated service level is within
0.02 of the target or above, the volume-weighted simulated service level against the
target, and the roster's agent-hours on the channel against the SIPP plan's staff-hours;
the row `queues` pools the queue channels (their intervals, contacts and hours together).
The oracle row `plan` simulates the method's requirement itself (agents exactly at plan,
no roster): what a perfect roster of that plan would reach on the same data. The column
`unavoidable` is the other oracle: the agent-intervals below the plan that every roster of
these agents must leave (`shortfall_lower_bound`: the LP relaxation of their weeks), beside
`short`, the roster's own; where it is positive the team lacks the hours where the plan
needs them, whatever the search. The last table per week, "best share any roster of this
team can reach", counts the open intervals every roster leaves below the plan (SCIP's
proven bound, `--mip-limit` seconds per MIP) and turns the count into the best share at
target (`service_oracle`: what is proven, what is measured).
Goals: >= 95% of open queue intervals within 0.02 of target, overall >= target, <= 10%
more hours than SIPP.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # roster_instances beside this file

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from roster_instances import demo_forecast  # noqa: E402
from service_oracle import TOLERANCE, best_share_rows, print_best_share  # noqa: E402

from staffcast.config import (  # noqa: E402
    ChannelConfig,
    PlanningConfig,
    RulesConfig,
    ShiftConfig,
    SolverConfig,
    WeightsConfig,
)
from staffcast.scheduler.inputs.agents import Agent  # noqa: E402
from staffcast.scheduler.roster.build import build_roster  # noqa: E402
from staffcast.scheduler.roster.model.instance import RosterInstance, build_instance  # noqa: E402
from staffcast.scheduler.roster.model.previous import previous_week  # noqa: E402
from staffcast.scheduler.roster.model.shifts import local_timestamp  # noqa: E402
from staffcast.scheduler.roster.results.view import roster_shifts  # noqa: E402
from staffcast.scheduler.roster.search.lower_bound import shortfall_lower_bound  # noqa: E402
from staffcast.scheduler.simulation.frame import simulate_frame  # noqa: E402
from staffcast.scheduler.staffing.requirements import requirements  # noqa: E402

TZ = "Europe/Berlin"
MONDAY = dt.date(2026, 12, 7)
CONTRACT_SURPLUS = 0.19


def _profile(hours: np.ndarray, peak_hour: float, open_h: int, close_h: int) -> np.ndarray:
    """Contacts shape over the day: a steep morning peak (rises within the hour before
    `peak_hour`), a flatter afternoon, a quiet evening; zero outside open hours."""
    morning = np.exp(-0.5 * ((hours - peak_hour) / 0.8) ** 2) * np.where(hours < peak_hour, 1.6, 1.0)
    afternoon = 0.55 * np.exp(-0.5 * ((hours - 14.5) / 2.5) ** 2)
    shape = 0.12 + morning + afternoon
    return np.where((hours >= open_h) & (hours < close_h), shape, 0.0)


def generated_week(seed: int = 3):
    """Config, 100 agents and the forecast frame of the generated week (see the module doc)."""
    voice = ChannelConfig("voice", "queue", 0.3, 0.8, 20, open_from=dt.time(7), open_until_minutes=22 * 60)
    chat = ChannelConfig("chat", "queue", 0.3, 0.8, 60, open_from=dt.time(8), open_until_minutes=22 * 60,
                         concurrency=2, concurrency_slowdown=0.2)
    starts = tuple(dt.time(h) for h in range(7, 15))
    cfg = PlanningConfig(TZ, 30, MONDAY, (voice, chat), ShiftConfig((8.0,), starts, 30, 2.0, 2.0),
                         RulesConfig(5, 11.0), WeightsConfig(), SolverConfig(60.0, 2, 0))
    rng = np.random.default_rng(seed)
    rows = []
    for day in range(7):
        stamps = pd.date_range(pd.Timestamp(MONDAY + dt.timedelta(days=day)).tz_localize(TZ), periods=48,
                               freq="30min")
        hours = stamps.hour + stamps.minute / 60
        wave = 1.35 if day in (2, 3) else (0.55 if day >= 5 else 1.0)
        for name, peak, scale, aht, (open_h, close_h) in (("voice", 10.0, 110.0, 300.0, (7, 22)),
                                                            ("chat", 11.0, 70.0, 420.0, (8, 22))):
            volume = scale * wave * _profile(np.asarray(hours), peak, open_h, close_h) * rng.gamma(80, 1 / 80, 48)
            for t, v in zip(stamps, volume, strict=True):
                if v > 0:
                    rows.append((name, t, float(v), aht))
    frame = pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds"])
    frame["volume_hi"] = frame["volume"] * 1.1
    sipp_hours = requirements(frame, cfg, method="sipp")["staff"].sum() * 0.5
    mix = ((("voice",), 45), (("chat",), 30), (("voice", "chat"), 25))
    # fixed weekly contracts of 32 or 40 h (four or five 8 h shifts) summing to the target
    long_contracts = int(np.clip(round((sipp_hours * (1 + CONTRACT_SURPLUS) - 32.0 * 100) / 8.0), 0, 100))
    agents, i = [], 0
    for skills, count in mix:
        for _ in range(count):
            weekly = 40.0 if i % 100 < long_contracts else 32.0
            agents.append(Agent(f"G{i:03d}", f"Agent {i}", frozenset(skills), weekly, weekly, frozenset(),
                                frozenset(), 20.0))
            i += 1
    return cfg, tuple(agents), frame, None


def simulated(cfg: PlanningConfig, needs: pd.DataFrame, coverage: pd.DataFrame | None) -> pd.DataFrame:
    """The simulation (20 replications, seed 0) of the roster's coverage, or of the plan
    itself when `coverage` is None, on the plan's intervals, with their `volume`."""
    frame = needs if coverage is None else coverage.merge(needs[["channel", "interval_start"]],
                                                         on=["channel", "interval_start"])
    sim = simulate_frame(frame, cfg, requirements=needs, replications=20, seed=0)
    return sim.merge(needs[["channel", "interval_start", "volume"]], on=["channel", "interval_start"])


def measure(cfg: PlanningConfig, needs: pd.DataFrame, coverage: pd.DataFrame | None,
            sipp: pd.DataFrame, sim: pd.DataFrame) -> dict[str, tuple[float, float, float, float]]:
    """Per queue channel, then for the queue channels pooled ("queues"): (share of open
    intervals within TOLERANCE of target, simulated volume-weighted SL, target (pooled: the
    volume-weighted one), hours / SIPP staff-hours). `coverage` None: the plan itself;
    `sim`: its `simulated` frame."""
    out, pooled = {}, []
    for channel in cfg.channels:
        if channel.kind != "queue":
            continue
        part = sim[(sim["channel"] == channel.name) & (sim["volume"] > 0)]
        met = part["sim_service_level"] >= channel.service_level - TOLERANCE
        volume = float(part["volume"].sum())
        served = float((part["sim_service_level"] * part["volume"]).sum())
        if coverage is None:
            hours = needs.loc[needs["channel"] == channel.name, "staff"].sum() * cfg.interval_minutes / 60
        else:
            hours = coverage.loc[coverage["channel"] == channel.name, "scheduled"].sum() * cfg.interval_minutes / 60
        plan = sipp.loc[sipp["channel"] == channel.name, "staff"].sum() * cfg.interval_minutes / 60
        out[channel.name] = (float(met.mean()), served / volume, channel.service_level, hours / plan)
        pooled.append((int(met.sum()), len(part), served, volume, channel.service_level * volume, hours, plan))
    met, opened, served, volume, aimed, hours, plan = (sum(column) for column in zip(*pooled, strict=True))
    out["queues"] = (met / opened, served / volume, aimed / volume, hours / plan)
    return out


def short_of_plan(needs: pd.DataFrame, coverage: pd.DataFrame) -> dict[str, float]:
    """Agent-intervals the roster's coverage is short of the plan, per channel."""
    both = needs[["channel", "interval_start", "staff"]].merge(coverage, on=["channel", "interval_start"], how="left")
    both["short"] = (both["staff"] - both["scheduled"].fillna(0)).clip(lower=0)
    return both.groupby("channel")["short"].sum().to_dict()


def instance(cfg: PlanningConfig, agents, needs: pd.DataFrame, previous) -> RosterInstance:
    """The roster model's data for the oracles (last week's roster for the rest rules)."""
    last = None
    if previous is not None:
        last = previous_week(roster_shifts(previous, cfg.timezone), cfg.week_start,
                             local_timestamp(cfg, cfg.week_start, 0))
    return build_instance(needs, agents, cfg, previous_week=last)


def week(name: str, methods, limit: float, mip_limit: float) -> None:
    if name == "generated":
        cfg, agents, forecast, previous = generated_week()
        plans = {m: requirements(forecast, cfg, method=m) for m in {"sipp", *methods}}
    else:  # the demo's forecast, staffed by each method
        cfg, agents, forecast, previous = demo_forecast()
        plans = {m: requirements(forecast, cfg, method=m) for m in {"sipp", *methods}}
    print(f"\n{name} week: {len(agents)} agents, contract hours {sum(a.max_hours_week for a in agents):,.0f}, "
          f"SIPP plan {plans['sipp']['staff'].sum() * cfg.interval_minutes / 60:,.0f} staff-hours, roster limit "
          f"{limit:g} s")
    print(f"{'method':>6} {'what':>6} {'channel':>8} {'within 0.02':>11} {'sim SL':>7} {'target':>6} "
          f"{'hours/SIPP':>10} {'LP gap':>7} {'short':>6}")
    best = {}
    for method in methods:
        needs = plans[method]
        result = build_roster(needs, agents, cfg, previous_roster=previous, time_limit_seconds=limit)
        gap = "" if result.lower_bound_gap is None else f"{result.lower_bound_gap:.1%}"
        inst = instance(cfg, agents, needs, previous)
        short, floor = short_of_plan(needs, result.coverage), shortfall_lower_bound(inst)
        sim = simulated(cfg, needs, result.coverage)
        ours = measure(cfg, needs, result.coverage, plans["sipp"], sim)
        itself = measure(cfg, needs, None, plans["sipp"], simulated(cfg, needs, None))
        queue_short = sum(short.get(c, 0.0) for c in floor)
        for what, figures in (("roster", ours), ("plan", itself)):
            for channel, (within, overall, target, ratio) in figures.items():
                extra = f"{gap:>7} {short.get(channel, queue_short):>6.0f}" if what == "roster" else ""
                print(f"{method:>6} {what:>6} {channel:>8} {within:>11.1%} {overall:>7.3f} {target:>6.2f} "
                      f"{ratio:>10.2f} {extra}", flush=True)
        print(f"{method:>6} queues short of the plan: roster {queue_short:,.0f} "
              f"agent-intervals, unavoidable by any roster {sum(floor.values()):,.0f}", flush=True)
        if mip_limit <= 0:
            continue
        best[method] = best_share_rows(cfg, inst, needs, result.coverage, sim, {c: f[0] for c, f in ours.items()},
                                       {c: f[0] for c, f in itself.items()}, mip_limit)
    print("goals: within 0.02 >= 95%, sim SL >= target, hours/SIPP <= 1.10")
    print("short: agent-intervals the roster is below the plan; unavoidable: the least any roster of these "
          "agents leaves on the queue channels (LP of their weeks, `shortfall_lower_bound`)")
    if best:
        print_best_share(best, mip_limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", nargs="+", default=["generated", "demo"], choices=["generated", "demo"])
    parser.add_argument("--methods", nargs="+", default=["sipp", "mol", "isa"], choices=["sipp", "mol", "isa"])
    parser.add_argument("--limit", type=float, default=60.0)
    parser.add_argument("--mip-limit", type=float, default=60.0,
                        help="seconds per short-interval MIP (SCIP; its proven bound at the limit is printed); "
                             "0 leaves the best-share table out")
    args = parser.parse_args()
    for name in args.weeks:
        week(name, args.methods, args.limit, args.mip_limit)


if __name__ == "__main__":
    main()

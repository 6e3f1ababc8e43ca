"""Roster solver benchmark: generated instances and textbook covering cases.

    .venv/bin/python benchmarks/roster.py [--sizes 50 150 400] [--limits 10 60] [--quick]
    .venv/bin/python benchmarks/roster.py --realistic 60 120 --runs 3

(staffcast installed, e.g. by `make install`; `roster_instances.py` beside this file.)

Part 1: generated instances (`roster_instances.py`: 7 days, 30-minute intervals, voice,
chat, email, social with mixed skills, demand at ~95% of the agents' working hours).
For each size and time limit: seconds to the first feasible roster, objective, CP-SAT's
proven bound, the LP lower bound (`roster.search.lower_bound`, computed once per
instance, its seconds shown), the gap to it, the soft-rule penalty (days off, start stability,
fairness: not part of the staffing cost the bound bounds), the gap of the staffing cost
alone (objective less soft penalty) to the bound, and the solver's wall time (within the
limit). The 400-agent instance runs at 10 s and 120 s.
Part 2: Dantzig/Winston post-office covering (requirements Mon..Sun 17 13 15 19 14 16
11, 8-hour shifts) with N agents on exact 40-hour (5-day) contracts, whose optimum is
known in closed form: labour 5N shifts * 4.0, plus each surplus shift-day over-covers
16 intervals at 1.0, or each missing one under-covers 16 intervals at 100.
Goals: 150 agents within 2% of the lower bound in 60 s, first roster < 5 s;
400 agents within 5% in 120 s.
Part 3 (`--realistic [LIMIT ...] --runs N`, alone): the demo week (the bundled sample: 170
agents, four channels, 24/7 chat with a night shift, deferred email and social, a wave,
multi-skill, breaks) at 60 s and 120 s; median gap to the LP bound and seconds to the first
roster over N seeds. Goals: <= 6% at 60 s, <= 3% at 120 s, first roster < 5 s.
With `--mip-bound SECONDS` also the tighter MIP bound (`roster.search.mip_bound`: the
same relaxation with integral shifts per agent, SCIP's proven bound after SECONDS; cached
by instance hash in the temp dir, so it is paid once) and the gap to it: how much of the
gap to the LP bound is the bound's weakness rather than the search's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import pickle
import statistics
import sys
import tempfile
import time
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # roster_instances beside this file

import pandas as pd  # noqa: E402
from roster_instances import demo_week, generate  # noqa: E402

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
from staffcast.scheduler.roster.model.instance import build_instance  # noqa: E402
from staffcast.scheduler.roster.model.previous import previous_week  # noqa: E402
from staffcast.scheduler.roster.model.shifts import local_timestamp  # noqa: E402
from staffcast.scheduler.roster.results.checker import check_roster  # noqa: E402
from staffcast.scheduler.roster.results.view import roster_shifts  # noqa: E402
from staffcast.scheduler.roster.search.lower_bound import lp_lower_bound  # noqa: E402
from staffcast.scheduler.roster.search.mip_bound import mip_lower_bound  # noqa: E402

POST_OFFICE = (17, 13, 15, 19, 14, 16, 11)


def generated(sizes, limits) -> None:
    print(f"{'agents':>6} {'limit s':>7} {'first s':>7} {'objective':>10} {'CP-SAT bound':>12} "
          f"{'LP bound':>9} {'LP s':>5} {'gap to LP':>9} {'soft':>6} {'staffing gap':>12} {'wall s':>6} {'valid':>5}")
    for n in sizes:
        config, agents, requirements = generate(n)
        started = time.perf_counter()
        bound = lp_lower_bound(build_instance(requirements, agents, config))
        lp_seconds = time.perf_counter() - started
        for limit in (limits if n < 400 else (limits[0], 120.0)):
            result = build_roster(requirements, agents, config, time_limit_seconds=limit, lower_bound=False)
            ok = not check_roster(result.roster, agents, config, assignments=result.assignments,
                                  requirements=requirements, coverage=result.coverage)
            gap = (result.objective - bound) / result.objective
            staffing = result.objective - result.soft_penalty
            staffing_gap = (staffing - bound) / staffing
            print(f"{n:>6} {limit:>7g} {result.first_feasible_seconds:>7.1f} {result.objective:>10,.1f} "
                  f"{result.best_bound:>12,.1f} {bound:>9,.1f} {lp_seconds:>5.1f} {gap:>9.1%} "
                  f"{result.soft_penalty:>6,.0f} {staffing_gap:>12.1%} "
                  f"{result.wall_seconds:>6.1f} {str(ok):>5}",
                  flush=True)


def cached_mip_bound(inst, seconds: float) -> tuple[float, str, float]:
    """(bound, status, seconds) of `mip_lower_bound(inst, seconds)`, kept in the temp dir
    under a hash of the instance and the limit."""
    key = hashlib.sha256(pickle.dumps((inst.demand.staff.tobytes(), _stable(inst.agents), repr(inst.shifts),
                                       _stable(inst.config), seconds))).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"staffcast-mip-bound-{key}.json"
    if path.exists():
        cached = json.loads(path.read_text())
        return cached["bound"], cached["status"] + " (cached)", cached["seconds"]
    result = mip_lower_bound(inst, seconds)
    path.write_text(json.dumps({"bound": result.bound, "status": result.status, "seconds": result.seconds}))
    return result.bound, result.status, result.seconds


def _stable(value) -> str:
    """`repr` with every set sorted: a frozenset of strings reprs in hash order, which
    changes from process to process (PYTHONHASHSEED)."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_stable(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_stable(v) for v in value) + ")"
    if is_dataclass(value):
        return f"{type(value).__name__}(" + ", ".join(f"{f.name}={_stable(getattr(value, f.name))}"
                                                      for f in fields(value)) + ")"
    return repr(value)


def realistic(limits, runs: int, mip_seconds: float | None = None) -> None:
    """The demo week (170 agents, 4 channels, 24/7 chat, breaks): per budget, the median over
    `runs` solves (seeds 0..runs-1) of the gap to the LP bound and of the seconds to the first
    roster; the LP bound (`roster.search.lower_bound`) is computed once, outside the budgets,
    and with `mip_seconds` the MIP bound (`roster.search.mip_bound`) and the median gap to it."""
    config, agents, requirements, previous = demo_week()
    last_week = previous_week(roster_shifts(previous, config.timezone), config.week_start,
                              local_timestamp(config, config.week_start, 0))
    started = time.perf_counter()
    inst = build_instance(requirements, agents, config, previous_week=last_week)
    bound = lp_lower_bound(inst)
    print(f"LP bound {bound:,.1f} in {time.perf_counter() - started:.1f} s (untimed by the budgets)")
    mip = None
    if mip_seconds:
        mip, status, seconds = cached_mip_bound(inst, mip_seconds)
        print(f"MIP bound {mip:,.1f} ({status}, {seconds:.0f} s of SCIP), {(mip - bound) / mip:.1%} above the LP bound")
    if not limits:
        return
    print(f"demo week: {len(agents)} agents, {runs} runs per budget (medians; the machine is shared "
          "with other work, so seconds are noisy; budgets are deterministic time)")
    print(f"{'limit s':>7} {'first s':>7} {'objective':>10} {'LP bound':>9} {'gap to LP':>9} {'min gap':>8} "
          f"{'max gap':>8} {'gap to MIP':>10} {'LP gap closed':>13} {'soft':>6} {'valid':>5}")
    for limit in limits:
        rows = []
        for seed in range(runs):
            cfg = replace(config, solver=replace(config.solver, seed=seed))
            result = build_roster(requirements, agents, cfg, previous_roster=previous, time_limit_seconds=limit,
                                  lower_bound=False)
            ok = not check_roster(result.roster, agents, cfg, assignments=result.assignments,
                                  requirements=requirements, coverage=result.coverage, previous_roster=previous)
            rows.append((result.first_feasible_seconds, result.objective, (result.objective - bound) / result.objective,
                         result.soft_penalty, ok))
        first, objective, gap, soft = (statistics.median(r[i] for r in rows) for i in range(4))
        gaps = [r[2] for r in rows]
        to_mip = f"{(objective - mip) / objective:>10.1%}" if mip else f"{'-':>10}"
        closed = f"{(mip - bound) / (objective - bound):>13.0%}" if mip else f"{'-':>13}"
        print(f"{limit:>7g} {first:>7.1f} {objective:>10,.1f} {bound:>9,.1f} {gap:>9.1%} "
              f"{min(gaps):>8.1%} {max(gaps):>8.1%} {to_mip} {closed} {soft:>6,.0f} "
              f"{str(all(r[-1] for r in rows)):>5}", flush=True)
    print("goals: gap <= 6% at 60 s, <= 3% at 120 s, first roster < 5 s")


def post_office_config(seconds: float) -> PlanningConfig:
    channel = ChannelConfig("mail", "queue", 0.0, 0.8, 20)
    return PlanningConfig("Asia/Shanghai", 30, dt.date(2026, 12, 7), (channel,),
                          ShiftConfig((8.0,), (dt.time(8),), 0), RulesConfig(5, 11.0),
                          WeightsConfig(consecutive_days_off=0, start_stability=0, fairness=0),
                          SolverConfig(seconds, 2, 0))


def post_office(n_agents: int, seconds: float) -> tuple[float, float, str, float]:
    config = post_office_config(seconds)
    rows = []
    for day, staff in enumerate(POST_OFFICE):
        start = pd.Timestamp(f"{config.week_dates[day]} 08:00").tz_localize(config.timezone)
        rows += [("mail", start + pd.Timedelta(minutes=30 * k), staff) for k in range(16)]
    requirements = pd.DataFrame(rows, columns=["channel", "interval_start", "staff"])
    agents = tuple(Agent(f"P{i:02d}", f"P{i:02d}", frozenset({"mail"}), 40.0, 40.0, cost_per_hour=10.0)
                   for i in range(n_agents))
    result = build_roster(requirements, agents, config, time_limit_seconds=seconds)
    surplus = 5 * n_agents - sum(POST_OFFICE)
    known = 5 * n_agents * 4.0 + (16 * 1.0 * surplus if surplus >= 0 else 16 * 100.0 * -surplus)
    return known, result.objective, result.status, result.wall_seconds


def textbook(seconds: float) -> None:
    print(f"\n{'post office, agents':>20} {'known optimum':>13} {'objective':>10} {'status':>9} {'seconds':>7}")
    for n in (20, 21, 23):
        known, objective, status, wall = post_office(n, seconds)
        print(f"{n:>20} {known:>13,.1f} {objective:>10,.1f} {status:>9} {wall:>7.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 150, 400])
    parser.add_argument("--limits", type=float, nargs="+", default=[10.0, 60.0])
    parser.add_argument("--quick", action="store_true", help="textbook cases only")
    parser.add_argument("--realistic", type=float, nargs="*", metavar="LIMIT",
                        help="only the demo-week class, at these limits (default 60 120)")
    parser.add_argument("--runs", type=int, default=3, help="solves per limit of the demo-week class")
    parser.add_argument("--mip-bound", type=float, metavar="SECONDS",
                        help="with --realistic: also the MIP bound after SECONDS of SCIP (cached by instance)")
    parser.add_argument("--bound-only", action="store_true", help="with --realistic: the bounds, no rosters")
    args = parser.parse_args()
    if args.realistic is not None:
        realistic([] if args.bound_only else (args.realistic or [60.0, 120.0]), args.runs, args.mip_bound)
        return
    textbook(20.0)
    if not args.quick:
        print()
        generated(args.sizes, args.limits)


if __name__ == "__main__":
    main()

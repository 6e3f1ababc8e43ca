"""Hiring-plan solve time: 52 weeks x 4 skill groups, the goal under 10 s.

    .venv/bin/python benchmarks/capacity.py [--runs 3]

Each instance draws weekly requirements (growth, noise and three waves) for four skill
groups from a fixed seed and plans them with the issue's [capacity] figures. Printed per
instance: the median wall time over the runs, its ratio to the 10 s goal, SCIP's status,
the plan's cost and the proven bound with their gap (measured in the same run).
"""

from __future__ import annotations

import argparse
import statistics

import numpy as np
import pandas as pd

from staffcast.capacity_config import CapacityConfig
from staffcast.scheduler.capacity.model import plan_hiring

GOAL_SECONDS = 10.0
SKILLS = ("voice", "voice;chat", "chat", "email;social")


def instance(seed: int, weeks: int = 52) -> tuple[pd.DataFrame, dict[str, float]]:
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2027-01-04", periods=weeks, freq="7D")
    frames, heads = [], {}
    for skill in SKILLS:
        base = rng.uniform(20, 60)
        growth = rng.uniform(0.0, 0.006)
        need = base * (1 + growth) ** np.arange(weeks) * rng.normal(1, 0.03, weeks)
        for week in rng.choice(weeks, 3, replace=False):
            need[week:week + 2] *= rng.uniform(1.1, 1.3)
        frames.append(pd.DataFrame({"week_start": starts, "skill": skill, "fte_required": need}))
        heads[skill] = round(base * rng.uniform(0.9, 1.05))
    return pd.concat(frames, ignore_index=True), heads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--instances", type=int, default=3)
    args = parser.parse_args()
    capacity = CapacityConfig()
    print(f"{'seed':>4} {'weeks x skills':>14} {'median s':>9} {'/ goal':>7} {'status':>8} {'cost':>12} "
          f"{'bound':>12} {'gap':>7} {'hires':>6}")
    for seed in range(args.instances):
        need, heads = instance(seed)
        times, plan = [], None
        for _ in range(args.runs):
            plan = plan_hiring(need, heads, capacity)
            times.append(plan.wall_seconds)
        median = statistics.median(times)
        status = ",".join(sorted({s.status for s in plan.solves}))
        bound = sum(s.best_bound for s in plan.solves)
        objective = sum(s.objective for s in plan.solves)
        gap = (objective - bound) / objective
        print(f"{seed:>4} {'52 x 4':>14} {median:>9.2f} {median / GOAL_SECONDS:>7.2f} {status:>8} "
              f"{plan.cost:>12,.0f} {bound:>12,.0f} {gap:>7.2%} {int(plan.plan['hires'].sum()):>6}")


if __name__ == "__main__":
    main()

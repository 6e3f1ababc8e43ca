"""Linear-programming pieces shared by the roster's LP lower bound and the LP-guided
decomposition: the coverage part (lunch breaks, channel split, coverage penalties) as a
linear relaxation of `staffcast.scheduler.roster.model.cover`, and a quiet HiGHS solve.

The coverage part takes `counts[g, s]`, a linear expression for how many agents of skill
group g work shift s, and adds to the solver's objective the same integer coefficients
as the CP-SAT model (`staffcast.scheduler.roster.model.cover.service_costs`): convex
service-aware under-coverage by depth, over-coverage and idling, and the cumulative rule of deferred channels.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from staffcast.interrupt import run_interruptible
from staffcast.scheduler.roster.model.cover import service_costs
from staffcast.scheduler.roster.model.instance import RosterInstance

# HiGHS' interior-point method: much faster than its dual simplex on these degenerate
# covering LPs
IPM = "solver=ipm\n"


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (HiGHS prints a banner there whatever its options)."""
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def solve_lp(solver: pywraplp.Solver, *, vertex: bool, deadline: float | None = None) -> bool:
    """Minimise with HiGHS' interior-point method; `vertex`: run crossover too, for a basic
    (sparse) solution. Falls back to the interior solution when crossover fails and to
    the simplex method when the interior-point method does not finish (it gives up on
    some tiny LPs). `deadline` (a `time.perf_counter()` value): give up then. Returns True
    when an optimal solution is loaded. SIGINT/SIGTERM interrupt the solve
    (`staffcast.interrupt.run_interruptible`)."""
    solver.Objective().SetMinimization()
    attempts = [f"{IPM}run_crossover=on\n"] if vertex else []
    attempts += [f"{IPM}run_crossover=off\n", "solver=simplex\n"]
    for options in attempts:
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                return False
            solver.SetTimeLimit(max(int(left * 1000), 1))
        solver.SetSolverSpecificParametersAsString(options)
        with _quiet_stdout():  # in a worker thread: Ctrl-C stops the command within 2 s (HiGHS is abandoned)
            status = run_interruptible(solver.Solve)
        if status == pywraplp.Solver.OPTIMAL:
            return True
    return False


@dataclass(frozen=True)
class CoverLP:
    """The coverage part's LP variables, keyed as `model.cover.CoverVars`: lunches per
    (group, shift, start interval) and channel counts per (group, channel, interval)."""

    breaks: dict[tuple[int, int, int], pywraplp.Variable]
    cover: dict[tuple[int, int, int], pywraplp.Variable]


def add_coverage_lp(solver: pywraplp.Solver, inst: RosterInstance,
                    counts: Mapping[tuple[int, int], object]) -> CoverLP:
    """Breaks, channel split and coverage penalties for `counts[g, s]` agents of group g
    on shift s, added to `solver` and its objective (a relaxation of `add_coverage`)."""
    shifts, n_t = inst.shifts, inst.horizon.n_intervals
    inf = solver.infinity()
    objective = solver.Objective()
    breaks, cover = {}, {}
    for (g, s), count in counts.items():
        if shifts[s].break_starts:
            lunches = [solver.NumVar(0.0, inf, "") for _ in shifts[s].break_starts]
            solver.Add(sum(lunches) == count)
            breaks.update({(g, s, p): var for p, var in zip(shifts[s].break_starts, lunches, strict=True)})
    working = inst.working(counts, breaks)
    assignable = inst.assignable | (inst.demand.staff > 0)
    coverage = [[[] for _ in range(n_t)] for _ in inst.channels]
    for g in range(len(inst.groups)):
        for t in range(n_t):
            if not working[g][t]:
                continue
            channels = [c for c in inst.group_channels(g) if assignable[c, t]]
            if not channels:
                idle = solver.NumVar(0.0, inf, "")
                solver.Add(idle == sum(working[g][t]))
                objective.SetCoefficient(idle, inst.over_cost)
                continue
            ys = [solver.NumVar(0.0, inf, "") for _ in channels]
            solver.Add(sum(ys) == sum(working[g][t]))
            for c, y in zip(channels, ys, strict=True):
                coverage[c][t].append(y)
                cover[g, c, t] = y
    for c, channel in enumerate(inst.config.channels):
        costs = inst.under_costs(c)
        under, over_costs = service_costs(inst, c)  # the CP-SAT model's costs, interval by interval
        deferred = channel.kind == "deferred"
        for t in range(n_t):
            required = int(inst.demand.staff[c, t])
            cov = sum(coverage[c][t]) if coverage[c][t] else 0
            if required > 0 and not (deferred and inst.open[c, t]):
                costs = under[t]
                segments = []
                for k in range(min(required, len(costs) - 1)):
                    segments.append(solver.NumVar(0.0, 1.0, ""))
                    objective.SetCoefficient(segments[-1], costs[k])
                rest = required - len(segments)
                if rest > 0:
                    segments.append(solver.NumVar(0.0, rest, ""))
                    objective.SetCoefficient(segments[-1], costs[-1])
                solver.Add(cov + sum(segments) >= required)
                short_cost = inst.short_interval_cost(c)
                if short_cost > 0:  # `rules.interval_short_terms`: segments in order, the first charged
                    units = segments[:-1] if rest > 0 else segments
                    for before, after in zip(units, units[1:], strict=False):
                        solver.Add(after <= before)
                    if rest > 0:
                        solver.Add(segments[-1] <= rest * units[-1])
                    objective.SetCoefficient(segments[0], costs[0] + short_cost)
            if coverage[c][t] and over_costs[t]:
                over = solver.NumVar(0.0, inf, "")
                solver.Add(over >= cov - required)
                objective.SetCoefficient(over, over_costs[t])
        if deferred:  # the same cumulative rule as `rules.deferred_coverage_terms`
            costs = inst.under_costs(c)
            late = inst.late_cost(c)
            positions, due, arrived = inst.deferred_curves(c)
            done = 0.0
            for i, (t, need, cap) in enumerate(zip(positions, due, arrived, strict=True)):
                now = solver.NumVar(0.0, float(cap), "")
                solver.Add(now <= done + sum(coverage[c][t]))
                done = now
                if need > 0:
                    behind = solver.NumVar(0.0, float(need), "")
                    solver.Add(done + behind >= float(need))
                    objective.SetCoefficient(behind, costs[0] if i == len(due) - 1 else late)
    return CoverLP(breaks, cover)

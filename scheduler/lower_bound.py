"""A lower bound on the roster objective: the LP relaxation of the shift-covering model.

Same data and integer coefficients as the CP-SAT model (`scheduler.instance`), with
every integrality dropped (deferred channels keep their cumulative coverage rule) and
the soft rules (days off, start stability, fairness; all >= 0) left out, solved by
HiGHS (through OR-Tools' linear solver wrapper; several times faster than GLOP on this
degenerate covering LP). Any roster must pay at least this much coverage penalty plus
labour cost, so `(objective - bound) / objective` bounds how far from optimal a
roster can be.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ortools.linear_solver import pywraplp

from scheduler.instance import SCALE, RosterInstance


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


def lp_lower_bound(inst: RosterInstance) -> float:
    """LP relaxation value of the covering model, in objective units (config weights)."""
    solver = pywraplp.Solver.CreateSolver("HIGHS_LP")
    solver.SuppressOutput()
    shifts, n_t = inst.shifts, inst.horizon.n_intervals
    inf = solver.infinity()
    objective = solver.Objective()
    x = []
    for a, agent in enumerate(inst.agents):
        mine = {s: solver.NumVar(0.0, 1.0, "") for s in inst.allowed[a]}
        x.append(mine)
        for s, var in mine.items():
            objective.SetCoefficient(var, inst.shift_cost(a, s))
        for d in range(7):
            day = [var for s, var in mine.items() if shifts[s].day == d]
            if len(day) > 1:
                solver.Add(sum(day) <= 1)
        solver.Add(sum(mine.values()) <= inst.config.rules.max_days_per_week)
        minutes = sum(shifts[s].length_minutes * var for s, var in mine.items())
        solver.Add(minutes >= agent.min_hours_week * 60 - 1e-6)
        solver.Add(minutes <= agent.max_hours_week * 60 + 1e-6)
        for s, var in mine.items():
            for conflicts in inst.rest_conflicts[s].values():
                later = [mine[s2] for s2 in conflicts if s2 in mine]
                if later:
                    solver.Add(var + sum(later) <= 1)
    brk = inst.config.shifts.break_minutes // inst.config.interval_minutes
    n_groups = len(inst.groups)
    working = [[[] for _ in range(n_t)] for _ in range(n_groups)]
    for g in range(n_groups):
        for s, shift in enumerate(shifts):
            chosen = [x[a][s] for a in range(len(inst.agents)) if inst.agent_group[a] == g and s in x[a]]
            if not chosen:
                continue
            count = sum(chosen)
            for t in range(shift.start, min(shift.end, n_t)):
                working[g][t].append(count)
            if shift.break_starts:
                lunches = [solver.NumVar(0.0, inf, "") for _ in shift.break_starts]
                solver.Add(sum(lunches) == count)
                for p, var in zip(shift.break_starts, lunches, strict=True):
                    for t in range(p, min(p + brk, n_t)):
                        working[g][t].append(-var)
    assignable = inst.assignable | (inst.demand.staff > 0)
    coverage = [[[] for _ in range(n_t)] for _ in inst.channels]
    for g in range(n_groups):
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
    for c, channel in enumerate(inst.config.channels):
        costs = inst.under_costs(c)
        deferred = channel.kind == "deferred"
        for t in range(n_t):
            required = int(inst.demand.staff[c, t])
            cov = sum(coverage[c][t]) if coverage[c][t] else 0
            if required > 0 and not (deferred and inst.open[c, t]):
                segments = []
                for k in range(min(required, len(costs) - 1)):
                    segments.append(solver.NumVar(0.0, 1.0, ""))
                    objective.SetCoefficient(segments[-1], costs[k])
                rest = required - len(segments)
                if rest > 0:
                    segments.append(solver.NumVar(0.0, rest, ""))
                    objective.SetCoefficient(segments[-1], costs[-1])
                solver.Add(cov + sum(segments) >= required)
            if coverage[c][t] and inst.over_cost:
                over = solver.NumVar(0.0, inf, "")
                solver.Add(over >= cov - required)
                objective.SetCoefficient(over, inst.over_cost)
        if deferred:  # the same cumulative rule as `rules.deferred_coverage_terms`
            late = max(1, costs[0] // inst.deferred_window(c))
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
    objective.SetMinimization()
    with _quiet_stdout():
        status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise RuntimeError(f"the LP relaxation did not solve (status {status})")
    return objective.Value() / SCALE

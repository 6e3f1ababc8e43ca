"""A lower bound on the number of intervals a roster must leave short of the plan.

`shortfall_lower_bound` bounds the agent-intervals short; this bounds how many intervals
they fall in. The same relaxation (`lower_bound.shortfall_model`: the agents' weeks as
shares of shifts, or whole shifts with `integral_shifts` as in `mip_bound`; a lunch
anywhere in each shift's window; working agents split freely among their channels) with a
binary `y[c, t]` per queue interval and `missing[c, t] <= requirement[c, t] * y[c, t]`: the
least number of intervals with any shortfall, solved by SCIP (through OR-Tools' linear
solver wrapper) for at most a time limit. Every roster of these agents is a point of the relaxation with `y` = 1 exactly
where it is short, so SCIP's proven (dual) bound at whatever point it stops lower-bounds
the short intervals of every roster; a count, so it is rounded up. The count is over the
channels asked for, the others free: a channel alone may borrow every shared agent from
the rest, so the count of all queue channels together can exceed the sum of their
counts alone.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from staffcast.scheduler.roster.model.instance import RosterInstance
from staffcast.scheduler.roster.search.lower_bound import shortfall_model
from staffcast.scheduler.roster.search.lp_cover import _quiet_stdout

# SCIP's dual bound is exact up to its tolerances (1e-6 relative); a count within this of
# an integer is that integer
TOLERANCE = 1e-4


@dataclass(frozen=True)
class ShortIntervals:
    """`bound`, the fewest intervals of the channels counted that any roster leaves short
    of the requirement (proven; SCIP's dual bound rounded up); `incumbent`, the fewest SCIP
    found in the relaxation (None when none; not a roster); `intervals`, those channels'
    intervals with a requirement; `status` (OPTIMAL, or FEASIBLE/NOT_SOLVED at the limit);
    `gap` = (incumbent - bound) / incumbent (0 when both are 0, None without incumbent);
    `seconds`, wall time."""

    bound: int
    incumbent: int | None
    intervals: int
    status: str
    gap: float | None
    seconds: float


def short_interval_bound(inst: RosterInstance, seconds: float = 60.0, channels: tuple[str, ...] | None = None, *,
                         threads: int = 1, integral_shifts: bool = False) -> ShortIntervals:
    """SCIP's proven bound on the intervals of `channels` (names of queue channels; None:
    all of them, counted together) that every roster of these agents leaves short of the
    requirement, after at most `seconds` of wall time; `integral_shifts`: whole shifts."""
    started = time.perf_counter()
    wanted = set(channel_indices(inst, channels))
    solver = scip_solver()
    missing = shortfall_model(solver, inst, integral=integral_shifts)
    ours = [(c, t, var) for (c, t), var in missing.items() if c in wanted]
    flags = []
    for c, t, var in ours:
        short = solver.BoolVar("")
        solver.Add(var <= float(inst.demand.staff[c, t]) * short)
        flags.append(short)
    return minimise_count(solver, flags, intervals=len(ours), seconds=seconds, threads=threads, started=started)


def scip_solver(*, quiet: bool = True) -> pywraplp.Solver:
    """A SCIP solver through OR-Tools' wrapper (its log off when `quiet`)."""
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        raise RuntimeError("this OR-Tools build has no SCIP")
    if quiet:
        solver.SuppressOutput()
    else:
        solver.EnableOutput()
    return solver


def channel_indices(inst: RosterInstance, channels: tuple[str, ...] | None) -> list[int]:
    """Config positions of the channels named (None: every channel)."""
    names = [ch.name for ch in inst.config.channels]
    return [names.index(n) for n in channels] if channels is not None else list(range(len(names)))


def minimise_count(solver: pywraplp.Solver, flags: list, *, intervals: int, seconds: float, threads: int,
                   started: float) -> ShortIntervals:
    """Minimise the sum of the binaries `flags` (one per interval counted) with SCIP for at
    most `seconds`; its proven bound rounded up, and its best count, as `ShortIntervals`."""
    for flag in flags:
        solver.Objective().SetCoefficient(flag, 1.0)
    solver.Objective().SetMinimization()
    solver.SetNumThreads(threads)
    solver.SetTimeLimit(max(int(seconds * 1000), 1))
    with _quiet_stdout():
        status = solver.Solve()
    statuses = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE",
                pywraplp.Solver.NOT_SOLVED: "NOT_SOLVED"}
    if status not in statuses:
        raise RuntimeError("the interval-count MIP did not solve")
    found = status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    best = solver.Objective().Value() if found else None
    dual = solver.Objective().BestBound() if flags else 0.0
    if best is not None:
        dual = min(dual, best)
    bound = max(math.ceil(dual - TOLERANCE), 0)
    incumbent = None if best is None else int(round(best))
    gap = None if incumbent is None else (0.0 if incumbent == 0 else (incumbent - bound) / incumbent)
    return ShortIntervals(bound=bound, incumbent=incumbent, intervals=intervals, status=statuses[status], gap=gap,
                          seconds=time.perf_counter() - started)

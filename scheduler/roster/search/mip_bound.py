"""A tighter lower bound on the roster objective: the LP bound's model with each agent's
shift choices integral (a MIP of the agents' weeks), solved by SCIP through OR-Tools'
linear solver wrapper for a fixed time, reporting SCIP's proven (dual) bound.

The same relaxation as `lower_bound.lp_lower_bound` - the CP-SAT model's data and integer
coefficients, the soft rules (days off, start stability, fairness; all >= 0) left out,
lunch placement and the channel split kept fractional - but every agent works a whole
shift or none each day. Its optimum lies between the LP bound and any roster's objective,
and SCIP's dual bound at the time limit lies below its optimum, so the value returned is
a bound at whatever limit it stops. It tells the search's gap from the LP's weakness:
what the LP loses to fractional agents the MIP bound wins back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from staffcast.scheduler.roster.model.instance import SCALE, RosterInstance
from staffcast.scheduler.roster.search.lower_bound import agents_weeks
from staffcast.scheduler.roster.search.lp_cover import _quiet_stdout, add_coverage_lp
from staffcast.scheduler.roster.search.short_intervals import scip_solver

# SCIP's dual bound is exact up to its feasibility and gap tolerances (1e-6); shave a
# little more so the value stays a bound
SAFETY = 1e-5


@dataclass(frozen=True)
class MipBound:
    """`bound`: SCIP's proven bound (objective units, config weights); `incumbent`: its best
    MIP solution's value (None when none was found; not a roster: no soft rules, fractional
    lunches), `status` (OPTIMAL or FEASIBLE/NOT_SOLVED at the limit), `seconds` wall time."""

    bound: float
    incumbent: float | None
    status: str
    seconds: float


def mip_lower_bound(inst: RosterInstance, seconds: float = 600.0, *, threads: int = 1,
                    log: bool = False) -> MipBound:
    """SCIP's best bound on the agents'-weeks MIP (integral shifts, fractional lunches and
    channel split, no soft rules) after at most `seconds` of wall time; `log`: SCIP's log."""
    started = time.perf_counter()
    solver = scip_solver(quiet=not log)
    counts = agents_weeks(solver, inst, with_cost=True, integral=True)
    add_coverage_lp(solver, inst, counts)
    solver.Objective().SetMinimization()
    solver.SetNumThreads(threads)
    solver.SetTimeLimit(max(int(seconds * 1000), 1))
    if log:
        status = solver.Solve()
    else:
        with _quiet_stdout():
            status = solver.Solve()
    names = {pywraplp.Solver.OPTIMAL: "OPTIMAL", pywraplp.Solver.FEASIBLE: "FEASIBLE",
             pywraplp.Solver.NOT_SOLVED: "NOT_SOLVED"}
    if status not in names:
        raise RuntimeError("the agents'-weeks MIP did not solve")
    found = status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE)
    bound = solver.Objective().BestBound()
    if found:
        bound = min(bound, solver.Objective().Value())
    return MipBound(bound=bound * (1 - SAFETY) / SCALE,
                    incumbent=solver.Objective().Value() / SCALE if found else None,
                    status=names[status], seconds=time.perf_counter() - started)

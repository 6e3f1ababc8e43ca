"""A lower bound on the roster objective: the LP relaxation of the shift-covering model.

Same data and integer coefficients as the CP-SAT model (`staffcast.scheduler.roster.model.instance`), with
every integrality dropped (deferred channels keep their cumulative coverage rule) and
the soft rules (days off, start stability, fairness; all >= 0) left out, solved by
HiGHS' interior-point method (through OR-Tools' linear solver wrapper). Any roster must
pay at least this much coverage penalty plus labour cost, so `(objective - bound) /
objective` bounds how far from optimal a roster can be.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import defaultdict

from ortools.linear_solver import pywraplp

from staffcast.scheduler.roster.model.instance import SCALE, RosterInstance
from staffcast.scheduler.roster.search.lp_cover import add_coverage_lp, solve_lp

# the interior-point optimum is exact to ~1e-9 (primal-dual gap); shave a little more so
# the bound stays a bound
SAFETY = 1e-7


def lp_lower_bound(inst: RosterInstance) -> float:
    """LP relaxation value of the covering model, in objective units (config weights)."""
    solver = pywraplp.Solver.CreateSolver("HIGHS_LP")
    solver.SuppressOutput()
    counts = agents_weeks(solver, inst, with_cost=True)
    add_coverage_lp(solver, inst, counts)
    if not solve_lp(solver, vertex=False):
        raise RuntimeError("the LP relaxation did not solve")
    return solver.Objective().Value() * (1 - SAFETY) / SCALE


def shortfall_lower_bound(inst: RosterInstance) -> dict[str, float]:
    """Per queue channel, agent-intervals short of the requirement that every roster of
    these agents leaves: the least total shortfall over the LP relaxation of the agents'
    weeks (contract hours, days, rest, availability, a lunch in each shift's window), with
    working agents split freely among their channels. Positive where the
    team cannot staff the plan whatever the roster (the shape of the week, not the search)."""
    solver = pywraplp.Solver.CreateSolver("HIGHS_LP")
    solver.SuppressOutput()
    short = defaultdict(list)
    for (c, _t), missing in shortfall_model(solver, inst).items():
        solver.Objective().SetCoefficient(missing, 1.0)
        short[inst.config.channels[c].name].append(missing)
    if not solve_lp(solver, vertex=False):
        raise RuntimeError("the shortfall LP did not solve")
    return {name: max(sum(v.solution_value() for v in vs) - 1e-6 * len(vs), 0.0) for name, vs in short.items()}


def shortfall_model(solver: pywraplp.Solver, inst: RosterInstance, *,
                    integral: bool = False) -> dict[tuple[int, int], pywraplp.Variable]:
    """The relaxation `shortfall_lower_bound` minimises, without an objective: the agents'
    weeks relaxed (`agents_weeks`; whole shifts when `integral`), every shift's lunch
    somewhere in its window, working agents split freely among their channels. Returns
    `missing[c, t]` for every queue channel c and interval t with a requirement: agents
    short of it, in [0, requirement]."""
    return coverage_model(solver, inst, integral=integral)[0]


def coverage_model(solver: pywraplp.Solver, inst: RosterInstance, *, integral: bool = False) -> tuple[dict, dict]:
    """`shortfall_model`'s relaxation, returning `(missing, coverage)`: `coverage[c, t]`
    is the linear expression of the agents working channel c in interval t (scheduled,
    before shrinkage), for the same keys as `missing`."""
    counts = agents_weeks(solver, inst, with_cost=False, integral=integral)
    breaks = {}
    for (g, s), count in counts.items():
        if inst.shifts[s].break_starts:
            lunches = [solver.NumVar(0.0, solver.infinity(), "") for _ in inst.shifts[s].break_starts]
            solver.Add(sum(lunches) == count)
            breaks.update({(g, s, p): var for p, var in zip(inst.shifts[s].break_starts, lunches, strict=True)})
    working = inst.working(counts, breaks)
    n_t = inst.horizon.n_intervals
    coverage = defaultdict(list)
    for g in range(len(inst.groups)):
        for t in range(n_t):
            channels = [c for c in inst.group_channels(g) if inst.demand.staff[c, t] > 0]
            if working[g][t] and channels:
                split = [solver.NumVar(0.0, solver.infinity(), "") for _ in channels]
                solver.Add(sum(split) <= sum(working[g][t]))
                for c, var in zip(channels, split, strict=True):
                    coverage[c, t].append(var)
    missing, covered = {}, {}
    for c, channel in enumerate(inst.config.channels):
        if channel.kind != "queue":
            continue
        for t in range(n_t):
            need = float(inst.demand.staff[c, t])
            if need > 0:
                missing[c, t] = solver.NumVar(0.0, need, "")
                covered[c, t] = sum(coverage[c, t])
                solver.Add(covered[c, t] + missing[c, t] >= need)
    return missing, covered


def agents_weeks(solver: pywraplp.Solver, inst: RosterInstance, *, with_cost: bool,
                 integral: bool = False) -> dict:
    """The agents' weeks relaxed (a share in [0, 1] of each allowed shift, or 0/1 when
    `integral`; at most one shift a day, the max days, contract minutes, rest between
    shifts), their labour cost in the objective when `with_cost`; returns
    `counts[group, shift]`, linear expressions."""
    shifts = inst.shifts
    objective = solver.Objective()
    counts = defaultdict(list)
    for a, agent in enumerate(inst.agents):
        mine = {s: (solver.BoolVar(f"a{a}s{s}") if integral else solver.NumVar(0.0, 1.0, ""))
                for s in inst.allowed[a]}
        for s, var in mine.items():
            if with_cost:
                objective.SetCoefficient(var, inst.shift_cost(a, s))
            counts[inst.agent_group[a], s].append(var)
        for d in inst.days:
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
    return {key: sum(vs) for key, vs in counts.items()}


def _bound_into(inst: RosterInstance, pipe) -> None:  # pragma: no cover - runs in the child process
    # the fork inherits the parent's Ctrl-C/SIGTERM handlers; the parent stops this child
    # with SIGTERM at the limit, which must end it silently (no traceback on stderr)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.nice(19)  # the search comes first: on a loaded machine the bound takes only the CPU it leaves
    try:
        pipe.send(lp_lower_bound(inst))
    except Exception as exc:  # noqa: BLE001 - the parent reports the bound as missing
        pipe.send(exc)
    finally:
        pipe.close()


class ConcurrentBound:
    """The LP lower bound computed in a child process while the search runs, so it costs
    the roster stage no time on a machine with a second core (the search's LNS uses one).
    The child runs at the lowest CPU priority (nice 19): on a loaded machine it takes only
    what the search leaves, so it never slows the search's deterministic work (it may then
    not finish in time: `result` is None).

    `result(deadline)` waits for it until `deadline` (a `time.perf_counter()` value) and
    returns None when it has not finished by then (or when not `enabled`); leaving the
    `with` block stops the child.
    """

    def __init__(self, inst: RosterInstance, *, enabled: bool = True) -> None:
        self.inst, self.enabled = inst, enabled
        self.process = self.pipe = None

    def __enter__(self) -> ConcurrentBound:
        if self.enabled:
            context = multiprocessing.get_context("fork")  # the instance is shared, not pickled
            self.pipe, child = context.Pipe(duplex=False)
            self.process = context.Process(target=_bound_into, args=(self.inst, child), daemon=True)
            self.process.start()
            child.close()
        return self

    def result(self, deadline: float) -> float | None:
        if self.process is None:
            return None
        if not self.pipe.poll(max(deadline - time.perf_counter(), 0.0)):
            return None
        value = self.pipe.recv()
        if isinstance(value, Exception):
            raise value
        return float(value)

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self.pipe.close()

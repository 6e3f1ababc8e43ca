"""A small, deterministic large-neighbourhood search around CP-SAT.

CP-SAT's own parallel LNS is not deterministic, and its deterministic (interleaved) mode
stalls on these covering models: one LP-heavy task holds up each batch. This loop keeps
one incumbent (every variable's value), and each round frees one neighbourhood (e.g. all
shifts of one day) while fixing the other decision variables to the incumbent, solves
that sub-model with one worker from the incumbent as a complete hint, and keeps the
result when the objective improves. Neighbourhoods are visited in an order drawn from
`seed`, and the search is budgeted in deterministic time (CP-SAT's, plus a charge per
constraint for building each sub-model), so a run repeats on any machine load unless the
wall-clock cap stops it first.

The sub-model holds only the constraints a round can change (`_Restriction`): those
reached from the freed decisions through variables that are not decisions (penalties,
counters), stopping at the fixed decisions, whose values are then constants. Everything
else keeps its incumbent value, which stays feasible because none of its constraints
changes. (Handing CP-SAT the whole model with most of it fixed would cost a presolve of
the whole model every round.)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
from ortools.sat.python import cp_model

from staffcast.interrupt import solve_cp
from staffcast.scheduler.roster.search.solver import cpsat_solver

SETUP_SECONDS_PER_CONSTRAINT = 3.2e-5  # wall seconds to read or copy one constraint of the model (Python's work)


def _variables_of(constraint) -> list[int]:
    """Variable indices a constraint reads (literals mapped to their variable)."""
    if constraint.has_linear():
        refs = list(constraint.linear.vars)
    elif constraint.has_bool_and():
        refs = list(constraint.bool_and.literals)
    elif constraint.has_bool_or():
        refs = list(constraint.bool_or.literals)
    elif constraint.has_at_most_one():
        refs = list(constraint.at_most_one.literals)
    elif constraint.has_exactly_one():
        refs = list(constraint.exactly_one.literals)
    else:
        raise ValueError("the LNS handles linear, bool_and, bool_or, at_most_one and exactly_one constraints")
    refs += list(constraint.enforcement_literal)
    return [r if r >= 0 else -r - 1 for r in refs]


class _Restriction:
    """Sub-models of `model` that free one neighbourhood of decisions at a time.

    A neighbourhood's part of the model (found once, on its first visit) is the
    constraints reachable from its freed decisions through non-decision variables, the
    variables they decide and the fixed decisions on their border. Each round builds a
    model with every variable of `model` fixed but those it decides, only those
    constraints and only the objective terms on those variables, and the incumbent as
    hint. (Only index arrays are kept per neighbourhood: a kept model per neighbourhood
    would hold every variable of the model once per neighbourhood.)"""

    def __init__(self, model: cp_model.CpModel, decisions: Sequence[cp_model.IntVar]) -> None:
        self.model = model
        proto = model.proto
        self.cons_vars = [_variables_of(c) for c in proto.constraints]
        self.var_cons: list[list[int]] = [[] for _ in range(len(proto.variables))]
        for c, variables in enumerate(self.cons_vars):
            for v in variables:
                self.var_cons[v].append(c)
        self.decision = np.zeros(len(proto.variables), dtype=bool)
        self.decision_index = np.array([var.index for var in decisions], dtype=np.int64)
        self.decision[self.decision_index] = True
        self.obj_vars = np.array(list(proto.objective.vars), dtype=np.int64)
        self.obj_coeffs = np.array(list(proto.objective.coeffs), dtype=np.int64)
        self.obj_offset = proto.objective.offset
        self.fixed = cp_model.CpModel()  # every variable fixed to its lowest value; no constraints
        for var in proto.variables:
            low = var.domain[0]
            self.fixed.proto.variables.add().domain.extend([low, low])
        self.parts: dict[int, tuple[list[int], np.ndarray, np.ndarray, np.ndarray]] = {}

    def objective(self, values: np.ndarray) -> int:
        """The model's objective at a full solution vector."""
        return int(round(float(self.obj_coeffs @ values[self.obj_vars]) + self.obj_offset))

    def part(self, key: int, free: Sequence[int]) -> tuple[list[int], np.ndarray, np.ndarray, np.ndarray]:
        """(constraints, variables decided, fixed decisions on the border, which objective
        terms are on variables decided) of the neighbourhood `key` freeing `free` (indices
        into the decisions)."""
        if key not in self.parts:
            inside = np.zeros(len(self.var_cons), dtype=bool)
            frontier = [int(v) for v in self.decision_index[list(free)]]
            inside[frontier] = True
            seen: set[int] = set()
            border: set[int] = set()
            while frontier:
                v = frontier.pop()
                for c in self.var_cons[v]:
                    if c in seen:
                        continue
                    seen.add(c)
                    for u in self.cons_vars[c]:
                        if inside[u]:
                            continue
                        if self.decision[u]:
                            border.add(u)
                        else:
                            inside[u] = True
                            frontier.append(u)
            self.parts[key] = (sorted(seen), np.flatnonzero(inside), np.array(sorted(border), dtype=np.int64),
                               inside[self.obj_vars])
        return self.parts[key]

    def sub_model(self, key: int, free: Sequence[int], values: np.ndarray) -> tuple[cp_model.CpModel, np.ndarray]:
        """The sub-model freeing neighbourhood `key` around the incumbent `values`, and the
        variables whose values it decides."""
        constraints, decided, border, keep = self.part(key, free)
        proto = self.model.proto
        sub = self.fixed.clone()
        variables = sub.proto.variables
        for v in decided.tolist():
            variables[v].copy_from(proto.variables[v])
        for v, value in zip(border.tolist(), values[border].tolist(), strict=True):
            domain = variables[v].domain  # fixed through its domain: cheaper to presolve than a constraint
            domain.clear()
            domain.extend([value, value])
        for c in constraints:
            sub.proto.constraints.append(proto.constraints[c])
        sub.proto.objective.vars.extend(self.obj_vars[keep].tolist())
        sub.proto.objective.coeffs.extend(self.obj_coeffs[keep].tolist())
        hint = sub.proto.solution_hint
        hint.vars.extend(decided.tolist())
        hint.values.extend(values[decided].tolist())
        return sub, decided


def lns(model: cp_model.CpModel, decisions: Sequence[cp_model.IntVar], neighbourhoods: Sequence[Sequence[int]],
        incumbent: tuple[int, list[int]], dtime: float, seed: int, *, deadline: float, round_dtime: float = 2.0,
        on_improve: Callable[[int], None] | None = None) -> tuple[int, list[int], bool]:
    """Improve `incumbent` = (objective, values) within `dtime` deterministic seconds.

    Each round is charged CP-SAT's deterministic time plus `SETUP_SECONDS_PER_CONSTRAINT`
    per constraint of its sub-model (building it is Python's work, which CP-SAT does not
    count), so the number of rounds, and the result, repeat on any load. `deadline` (a
    `time.perf_counter()` value) is a wall-clock cap on top.
    `decisions`: the variables that pin a solution down (every other variable of the
    model must follow from them through the constraints: penalties, counters);
    `neighbourhoods`: index lists into `decisions` freed together. The model may hold
    linear, bool_and, bool_or, at_most_one and exactly_one constraints. Returns the best
    (objective, values) and whether the wall-clock cap stopped the search before its work
    was done."""
    reading = SETUP_SECONDS_PER_CONSTRAINT * len(model.proto.constraints)
    if dtime < 3 * reading:
        return incumbent[0], incumbent[1], False  # finding the sub-models would take most of the budget
    rng = np.random.default_rng(seed)
    restriction = _Restriction(model, decisions)
    used = reading
    best_obj = incumbent[0]
    best = np.array(incumbent[1], dtype=np.int64)
    stale = 0
    order: list[int] = []
    while used < dtime and stale < len(neighbourhoods):
        if time.perf_counter() >= deadline - 0.05:
            return best_obj, best.tolist(), True
        if not order:
            order = list(rng.permutation(len(neighbourhoods)))
        key = int(order.pop())
        sub, decided = restriction.sub_model(key, neighbourhoods[key], best)
        solver = cpsat_solver(seed=seed, dtime=min(round_dtime, max(dtime - used, 0.01)),
                              seconds=max(deadline - time.perf_counter(), 0.05), light_presolve=True)
        status = solve_cp(solver, sub)
        used += solver.response_proto.deterministic_time + SETUP_SECONDS_PER_CONSTRAINT * len(sub.proto.constraints)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            stale += 1
            continue
        values = best.copy()
        values[decided] = np.array(solver.response_proto.solution, dtype=np.int64)[decided]
        objective = restriction.objective(values)
        if objective < best_obj:
            best_obj, best = objective, values
            stale = 0
            if on_improve is not None:
                on_improve(best_obj)
        else:
            stale += 1
    return best_obj, best.tolist(), False

"""Reshuffle who works which shift inside a skill group, the coverage left as it is.

Agents of one skill group on the same shift are interchangeable for coverage (breaks and
channels are counted per group), so handing a group's shifts out differently among its
agents - each (day, start, length) worked as many times as before - changes only what is
personal: days off in blocks, one start time a week, the spread of late and weekend
shifts, and labour cost (agents' rates differ). The LNS over whole days cannot see these
moves (a better days-off pattern changes two days of one agent at once); this search
makes them in small exact sub-models: a chunk of a dozen agents of one group, all their
shifts of the week free, each shift's count among them fixed, every hard rule of
`roster_rules.agent_hard_rules` kept and every soft rule and labour cost in the objective.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict

import numpy as np
from ortools.sat.python import cp_model

from scheduler import roster_rules as rules
from scheduler.instance import SCALE, RosterInstance

CHUNK = 3  # agents per sub-model
CHUNK_SECONDS = 0.3  # cap on one sub-solve


def reshuffle(inst: RosterInstance, shift_of: set[tuple[int, int]], seconds: float, seed: int,
              *, chunk: int = CHUNK) -> set[tuple[int, int]]:
    """A roster as good or better than `shift_of` ((agent, shift) pairs) with the same shift
    counts per skill group, after at most `seconds` of chunk sub-solves (passes over every
    group in seeded random chunks until a pass improves nothing)."""
    deadline = time.perf_counter() + seconds
    rng = np.random.default_rng(seed)
    current = set(shift_of)
    members = defaultdict(list)
    for a in range(len(inst.agents)):
        members[inst.agent_group[a]].append(a)
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for g in sorted(members):
            agents = list(rng.permutation(members[g]))
            for i in range(0, len(agents), chunk):
                if time.perf_counter() >= deadline:
                    return current
                part = [int(a) for a in agents[i:i + chunk]]
                if len(part) < 2:
                    continue
                better = _solve_chunk(inst, current, part, deadline, seed)
                if better is not None:
                    current = better
                    improved = True
    return current


def _solve_chunk(inst: RosterInstance, current: set[tuple[int, int]], part: list[int], deadline: float,
                 seed: int) -> set[tuple[int, int]] | None:
    """Re-deal the shifts of the agents in `part` (one skill group) among them; the new
    roster when its personal penalties and labour cost are lower, else None."""
    inside = set(part)
    mine = [(a, s) for a, s in current if a in inside]
    counts = Counter(s for _, s in mine)
    model = cp_model.CpModel()
    allowed = {a: set(inst.allowed[a]) for a in part}
    x = {a: {s: model.NewBoolVar(f"x_{a}_{s}") for s in counts if s in allowed[a]} for a in part}
    for s, n in counts.items():
        model.Add(sum(x[a][s] for a in part if s in x[a]) == n)
    for a in part:
        rules.agent_hard_rules(model, inst, a, x[a])
    terms = _personal_terms(model, inst, current, part, x)
    model.Minimize(sum(coef * expr for expr, coef in terms))
    for a, s in mine:
        model.AddHint(x[a][s], 1)
    before = _value(model, x, {(a, s) for a, s in mine}, deadline, seed)
    solver = _solver(deadline, seed)
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or before is None \
            or solver.ObjectiveValue() > before - 0.5:
        return None
    kept = {(a, s) for a, s in current if a not in inside}
    return kept | {(a, s) for a in part for s, var in x[a].items() if solver.Value(var)}


def _personal_terms(model: cp_model.CpModel, inst: RosterInstance, current: set[tuple[int, int]],
                    part: list[int], x: dict[int, dict[int, cp_model.IntVar]]) -> rules.Terms:
    """The soft rules (as in the full model) and labour cost of `part`; fairness compares
    the chunk's late and weekend counts with everybody else's, held fixed."""
    weights, shifts = inst.config.weights, inst.shifts
    start_minutes = [s.start_minute for s in shifts]
    late = [rules.is_late(s.start_minute, s.length_minutes) for s in shifts]
    terms: rules.Terms = []
    late_counts: list = []
    weekend_counts: list = []
    for a in part:
        works = [sum(var for s, var in x[a].items() if shifts[s].day == d) for d in range(7)]
        terms += rules.days_off_terms(model, works, int(round(weights.consecutive_days_off * SCALE)))
        terms += rules.start_stability_terms(model, x[a], start_minutes, int(round(weights.start_stability * SCALE)))
        terms += rules.labour_cost_terms(x[a], {s: inst.shift_cost(a, s) for s in x[a]})
        if any(late[s] for s in inst.allowed[a]):
            late_counts.append(sum(var for s, var in x[a].items() if late[s]))
        if any(shifts[s].day in rules.WEEKEND_DAYS for s in inst.allowed[a]):
            weekend_counts.append(sum(var for s, var in x[a].items() if shifts[s].day in rules.WEEKEND_DAYS))
    inside = set(part)
    for a in range(len(inst.agents)):
        if a in inside:
            continue
        worked = [s for b, s in current if b == a]
        if any(late[s] for s in inst.allowed[a]):
            late_counts.append(sum(late[s] for s in worked))
        if any(shifts[s].day in rules.WEEKEND_DAYS for s in inst.allowed[a]):
            weekend_counts.append(sum(shifts[s].day in rules.WEEKEND_DAYS for s in worked))
    fair = int(round(weights.fairness * SCALE))
    terms += rules.fairness_terms(model, late_counts, inst.config.rules.max_days_per_week, fair)
    terms += rules.fairness_terms(model, weekend_counts, len(rules.WEEKEND_DAYS), fair)
    return terms


def _solver(deadline: float, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = CHUNK_SECONDS
    solver.parameters.max_time_in_seconds = max(min(CHUNK_SECONDS, deadline - time.perf_counter()), 0.01)
    return solver


def _value(model: cp_model.CpModel, x, chosen: set[tuple[int, int]], deadline: float, seed: int) -> float | None:
    """The objective of the chunk's current shifts (every shift variable fixed)."""
    fixed = model.clone()
    for a, row in x.items():
        for s, var in row.items():
            fixed.Add(fixed.get_int_var_from_proto_index(var.index) == int((a, s) in chosen))
    solver = _solver(deadline + CHUNK_SECONDS, seed)
    status = solver.Solve(fixed)
    return solver.ObjectiveValue() if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

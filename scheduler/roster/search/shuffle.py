"""Reshuffle who works which shift inside a skill group, the coverage left as it is.

Agents of one skill group on the same shift are interchangeable for coverage (breaks and
channels are counted per group), so handing a group's shifts out differently among its
agents - each (day, start, length) worked as many times as before - changes only what is
personal: days off in blocks, one start time a week, the spread of late and weekend
shifts, and labour cost (agents' rates differ). The LNS over whole days cannot see these
moves (a better days-off pattern changes two days of one agent at once); this search
makes them in small exact sub-models: a chunk of three agents of one group, all their
shifts of the week free, each shift's count among them fixed, every hard rule of
`model.rules.agent_hard_rules` kept and every soft rule and labour cost in the objective.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from staffcast.interrupt import solve_cp
from staffcast.scheduler.roster.model import rules
from staffcast.scheduler.roster.model.instance import RosterInstance
from staffcast.scheduler.roster.search.solver import cpsat_solver

CHUNK = 3  # agents per sub-model
CHUNK_SECONDS = 0.3  # cap on one sub-solve (deterministic seconds)
# CP-SAT's set-up of a tiny model costs more wall time than its deterministic clock shows:
# each sub-solve is charged this much more, so that a budget in deterministic seconds
# tracks wall time (about 2 s per deterministic second) as it does for the LNS
SETUP_DTIME = 0.004


def reshuffle(inst: RosterInstance, shift_of: set[tuple[int, int]], dtime: float, seed: int,
              *, chunk: int = CHUNK, deadline: float | None = None) -> tuple[set[tuple[int, int]], float]:
    """A roster as good or better than `shift_of` ((agent, shift) pairs) with the same shift
    counts per skill group, and the deterministic time spent: passes over every group in
    seeded random chunks until a pass improves nothing or the sub-solves have used `dtime`
    (deterministic seconds; so the result repeats) or the wall-clock `deadline` comes."""
    deadline = float("inf") if deadline is None else deadline
    rng = np.random.default_rng(seed)
    deal = _Deal.of(inst, shift_of)
    members = defaultdict(list)
    for a in range(len(inst.agents)):
        members[inst.agent_group[a]].append(a)
    used = 0.0
    improved = True
    while improved:
        improved = False
        for g in sorted(members):
            agents = list(rng.permutation(members[g]))
            for i in range(0, len(agents), chunk):
                if used >= dtime or time.perf_counter() >= deadline:
                    return deal.pairs(), used
                part = [int(a) for a in agents[i:i + chunk]]
                if len(part) < 2:
                    continue
                better, spent = _solve_chunk(deal, part, deadline, seed)
                used += spent
                if better is not None:
                    deal.weeks.update(better)
                    improved = True
    return deal.pairs(), used


@dataclass
class _Deal:
    """The roster being reshuffled: each agent's shifts, and per shift and agent what the
    fairness rules count (late shifts, weekend shifts, and who is eligible for them)."""

    inst: RosterInstance
    weeks: dict[int, list[int]]
    late: np.ndarray  # per shift
    weekend: np.ndarray  # per shift
    late_eligible: np.ndarray  # per agent
    weekend_eligible: np.ndarray  # per agent

    @classmethod
    def of(cls, inst: RosterInstance, shift_of: set[tuple[int, int]]) -> _Deal:
        weeks: dict[int, list[int]] = {a: [] for a in range(len(inst.agents))}
        for a, s in sorted(shift_of):
            weeks[a].append(s)
        late = np.array([rules.is_late(s.start_minute, s.length_minutes) for s in inst.shifts])
        weekend = np.array([s.day in rules.WEEKEND_DAYS for s in inst.shifts])
        late_eligible = np.array([late[list(allowed)].any() if allowed else False for allowed in inst.allowed])
        weekend_eligible = np.array([weekend[list(allowed)].any() if allowed else False for allowed in inst.allowed])
        return cls(inst, weeks, late, weekend, late_eligible, weekend_eligible)

    def pairs(self) -> set[tuple[int, int]]:
        return {(a, s) for a, week in self.weeks.items() for s in week}

    def others(self, counted: np.ndarray, eligible: np.ndarray, part: list[int]) -> list[int]:
        """The largest and smallest count among the eligible agents outside `part` (all
        that the fairness spread needs of them)."""
        counts = [int(counted[week].sum()) for a, week in self.weeks.items() if eligible[a] and a not in part]
        return [max(counts), min(counts)] if counts else []


def _solve_chunk(deal: _Deal, part: list[int], deadline: float,
                 seed: int) -> tuple[dict[int, list[int]] | None, float]:
    """Re-deal the shifts of the agents in `part` (one skill group) among them: their new
    weeks when their personal penalties and labour cost are lower (else None), and the
    deterministic time spent."""
    inst = deal.inst
    counts = Counter(s for a in part for s in deal.weeks[a])
    model = cp_model.CpModel()
    allowed = {a: set(inst.allowed[a]) for a in part}
    x = {a: {s: model.NewBoolVar(f"x_{a}_{s}") for s in counts if s in allowed[a]} for a in part}
    for s, n in counts.items():
        model.Add(sum(x[a][s] for a in part if s in x[a]) == n)
    for a in part:
        rules.agent_hard_rules(model, inst, a, x[a])
    terms = _personal_terms(model, deal, part, x)
    model.Minimize(sum(coef * expr for expr, coef in terms))
    mine = {(a, s) for a in part for s in deal.weeks[a]}
    for a, s in mine:
        model.AddHint(x[a][s], 1)
    before, spent = _value(model, x, mine, seed)
    solver = _solver(deadline, seed)
    status = solve_cp(solver, model)
    spent += solver.response_proto.deterministic_time + SETUP_DTIME
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or before is None \
            or solver.ObjectiveValue() > before - 0.5:
        return None, spent
    return {a: [s for s, var in x[a].items() if solver.Value(var)] for a in part}, spent


def _personal_terms(model: cp_model.CpModel, deal: _Deal, part: list[int],
                    x: dict[int, dict[int, cp_model.IntVar]]) -> rules.Terms:
    """The soft rules (as in the full model) and labour cost of `part`; fairness compares
    the chunk's late and weekend counts with everybody else's, held fixed."""
    inst = deal.inst
    terms: rules.Terms = []
    late_counts: list = deal.others(deal.late, deal.late_eligible, part)
    weekend_counts: list = deal.others(deal.weekend, deal.weekend_eligible, part)
    for a in part:
        mine, late_count, weekend_count = rules.agent_soft_terms(model, inst, a, x[a])
        terms += mine + rules.labour_cost_terms(x[a], {s: inst.shift_cost(a, s) for s in x[a]})
        late_counts += [late_count] if late_count is not None else []
        weekend_counts += [weekend_count] if weekend_count is not None else []
    return terms + rules.shared_fairness_terms(model, inst, late_counts, weekend_counts)


def _solver(deadline: float, seed: int) -> cp_model.CpSolver:
    # the wall-clock limit is a safety net on a loaded machine, and the caller's deadline
    solver = cpsat_solver(seed=seed, dtime=CHUNK_SECONDS, cuts=False,
                          seconds=max(min(3 * CHUNK_SECONDS, deadline - time.perf_counter()), 0.01))
    return solver


def _value(model: cp_model.CpModel, x, chosen: set[tuple[int, int]], seed: int) -> tuple[float | None, float]:
    """The objective of the chunk's current shifts (every shift variable fixed), and the
    deterministic time spent."""
    fixed = model.clone()
    for a, row in x.items():
        for s, var in row.items():
            fixed.Add(fixed.get_int_var_from_proto_index(var.index) == int((a, s) in chosen))
    solver = _solver(float("inf"), seed)
    status = solve_cp(solver, fixed)
    value = solver.ObjectiveValue() if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return value, solver.response_proto.deterministic_time + SETUP_DTIME

"""Decomposed warm start for the full roster model: choose shift counts first, then agents.

Stage 1 (aggregate): per skill group, how many agents work each shift - integer counts
with the group's totals of the per-agent rules (agents available per day, days per
week, contract hours, rest between two shifts at most the group's size) and the full
coverage part (breaks, channels, penalties); labour cost at the group's cheapest rate.
Its size does not grow with the number of agents; it starts from the greedy roster's
counts and improves by deterministic LNS (one day pair or one skill group freed at a
time). Stage 2 (per group, independent): pick each agent's week under every per-agent
hard rule so the counts of stage 1 are met as closely as possible, from a greedy
matching, again improved by LNS (chunks of 8 agents, day pairs). The stage-2 roster is
completed into a solution of the full model, which then polishes it (soft rules, real
costs, anything stage 2 missed).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from scheduler.cpsat_hint import complete_solution
from scheduler.cpsat_lns import lns
from scheduler.instance import SCALE, RosterInstance
from scheduler.realise import Solution
from scheduler.roster_cover import add_coverage

SHORT_WEIGHT = 10  # stage 2: a shift short of the stage-1 count costs this many extra ones


@dataclass(frozen=True)
class WarmStart:
    """Stage-2 roster as (agent, shift) pairs; stage-1 values of the coverage part:
    agents per (group, shift), lunches per (group, shift, start), channel counts per
    (group, channel, interval); stage-1 objective (integer units) and seconds used."""

    shift_of: frozenset[tuple[int, int]]
    counts: dict[tuple[int, int], int]
    breaks: dict[tuple[int, int, int], int]
    cover: dict[tuple[int, int, int], int]
    stage1_objective: int
    seconds: float


def _solver(seconds: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.1)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.interleave_search = workers > 1
    return solver


def aggregate_counts(inst: RosterInstance, seconds: float, seed: int, hint: Solution):
    """Stage 1: agents of each skill group per shift (group totals of the agent rules).
    `hint`: a feasible start (the greedy roster). Returns (counts, breaks, cover,
    objective) or None when no solution came in time."""
    shifts, rules = inst.shifts, inst.config.rules
    model = cp_model.CpModel()
    members = [[a for a in range(len(inst.agents)) if inst.agent_group[a] == g] for g in range(len(inst.groups))]
    on_shift = {}
    for g, group in enumerate(members):
        for s in range(len(shifts)):
            n = sum(s in inst.allowed[a] for a in group)
            if n:
                on_shift[g, s] = model.NewIntVar(0, n, f"n_{g}_{s}")
        for d in range(7):
            available = sum(any(shifts[s].day == d for s in inst.allowed[a]) for a in group)
            model.Add(sum(v for (g2, s), v in on_shift.items() if g2 == g and shifts[s].day == d) <= available)
        mine = {s: v for (g2, s), v in on_shift.items() if g2 == g}
        days = sum(min(rules.max_days_per_week, len({shifts[s].day for s in inst.allowed[a]})) for a in group)
        model.Add(sum(mine.values()) <= days)
        minutes = sum(shifts[s].length_minutes * v for s, v in mine.items())
        model.AddLinearConstraint(minutes, int(np.ceil(sum(inst.agents[a].min_hours_week for a in group) * 60)),
                                  int(np.floor(sum(inst.agents[a].max_hours_week for a in group) * 60)))
        for s, v in mine.items():
            for conflicts in inst.rest_conflicts[s].values():
                later = [mine[s2] for s2 in conflicts if s2 in mine]
                if later:
                    model.Add(v + sum(later) <= len(group))
    cov = add_coverage(model, inst, on_shift, [len(m) for m in members])
    cheapest = [min((inst.agents[a].cost_per_hour for a in group), default=0.0) for group in members]
    cost_terms = []
    for (g, s), v in on_shift.items():
        per_shift = inst.config.weights.cost * cheapest[g] * shifts[s].hours * SCALE
        cost_terms.append((v, int(round(per_shift))))
    model.Minimize(sum(c * e for e, c in cov.terms) + sum(c * v for v, c in cost_terms))
    counts = Counter((inst.agent_group[a], s) for a, s in hint.shift_of)
    started = time.perf_counter()
    start = complete_solution(model, [(var, counts.get(key, 0)) for key, var in on_shift.items()],
                              [(var, source.get(key, 0)) for source, variables in
                               ((hint.breaks, cov.breaks), (hint.cover, cov.cover)) for key, var in variables.items()],
                              seconds, seed)
    if start is None:
        return None
    keys = list(on_shift)
    decisions = [on_shift[k] for k in keys]
    near = [[i for i, (g, s) in enumerate(keys) if shifts[s].day in (d, (d + 1) % 7)] for d in range(7)]
    near += [[i for i, (g, _s) in enumerate(keys) if g == group] for group in range(len(members))]
    objective, values = lns(model, decisions, near, start, seconds - (time.perf_counter() - started), seed,
                            round_dtime=1.0)
    value = lambda d: {k: values[v.index] for k, v in d.items()}  # noqa: E731
    return value(on_shift), value(cov.breaks), value(cov.cover), objective


def assign_agents(inst: RosterInstance, counts: dict[tuple[int, int], int], seconds: float, seed: int,
                  hint: Solution) -> set[tuple[int, int]]:
    """Stage 2: each group's agents take weeks that meet the counts as closely as the
    per-agent rules allow (missing shifts cost SHORT_WEIGHT times their length, extra ones
    their length); the `hint` roster
    is the feasible start, and stays for a group whose model finds nothing better."""
    shifts, rules = inst.shifts, inst.config.rules
    chosen: set[tuple[int, int]] = set()
    groups = range(len(inst.groups))
    for g in groups:
        group_started = time.perf_counter()
        group = [a for a in range(len(inst.agents)) if inst.agent_group[a] == g]
        model = cp_model.CpModel()
        x = {a: {s: model.NewBoolVar("") for s in inst.allowed[a]} for a in group}
        for a in group:
            for d in range(7):
                model.AddAtMostOne(v for s, v in x[a].items() if shifts[s].day == d)
            model.Add(sum(x[a].values()) <= rules.max_days_per_week)
            minutes = sum(shifts[s].length_minutes * v for s, v in x[a].items())
            model.AddLinearConstraint(minutes, int(np.ceil(inst.agents[a].min_hours_week * 60 - 1e-6)),
                                      int(np.floor(inst.agents[a].max_hours_week * 60 + 1e-6)))
            for s, v in x[a].items():
                for conflicts in inst.rest_conflicts[s].values():
                    later = [x[a][s2] for s2 in conflicts if s2 in x[a]]
                    if later:
                        model.Add(v + sum(later) <= 1)
        penalty = []
        for s in range(len(shifts)):
            taken = [x[a][s] for a in group if s in x[a]]
            if not taken:
                continue
            target = counts.get((g, s), 0)
            short = model.NewIntVar(0, target, "")
            extra = model.NewIntVar(0, len(taken), "")
            model.Add(sum(taken) - target == extra - short)
            # a missing shift leaves its hours under-covered, an extra one only over-covers
            penalty.append((SHORT_WEIGHT * short + extra) * shifts[s].length_minutes)
        model.Minimize(sum(penalty))
        start_pairs = _match_counts(inst, group, counts, g, hint)
        fixed = [(v, int((a, s) in start_pairs)) for a in group for s, v in x[a].items()]
        start = complete_solution(model, fixed, [], seconds / len(groups), seed)
        if start is None:
            chosen |= {(a, s) for a, s in hint.shift_of if inst.agent_group[a] == g}
            continue
        decisions = [v for a in group for v in x[a].values()]
        owner = [a for a in group for _ in x[a]]
        day_of = [shifts[s].day for a in group for s in x[a]]
        chunks = [group[i:i + 8] for i in range(0, len(group), 8)]
        near = [[i for i, a in enumerate(owner) if a in chunk] for chunk in chunks]
        near += [[i for i, d in enumerate(day_of) if d in (day, (day + 1) % 7)] for day in range(7)]
        budget = seconds / len(groups) - (time.perf_counter() - group_started)
        _, values = lns(model, decisions, near, start, budget, seed, round_dtime=0.5)
        chosen |= {(a, s) for a in group for s, v in x[a].items() if values[v.index]}
    return chosen


def _match_counts(inst: RosterInstance, group: list[int], counts, g: int, hint: Solution) -> set[tuple[int, int]]:
    """Greedy start for stage 2: agents (fewest open days first) take shifts whose count
    is not yet used up, longest first; an agent whose minimum hours this misses keeps
    the greedy roster's week."""
    shifts, rules = inst.shifts, inst.config.rules
    left = {s: n for (g2, s), n in counts.items() if g2 == g and n > 0}
    chosen: set[tuple[int, int]] = set()
    order = sorted(group, key=lambda a: (len({shifts[s].day for s in inst.allowed[a]}), a))
    for a in order:
        agent, plan, hours = inst.agents[a], [], 0.0
        while len(plan) < rules.max_days_per_week:
            options = [s for s in inst.allowed[a] if left.get(s, 0) > 0 and _fits(inst, s, plan)
                       and hours + shifts[s].hours <= agent.max_hours_week + 1e-9]
            if not options:
                break
            s = max(options, key=lambda s: (left[s], shifts[s].length_minutes, -s))
            plan.append(s)
            hours += shifts[s].hours
        if hours < agent.min_hours_week - 1e-9:
            plan = [s for a2, s in hint.shift_of if a2 == a]
        for s in plan:
            left[s] = left.get(s, 0) - 1
            chosen.add((a, s))
    return chosen


def _fits(inst: RosterInstance, s: int, plan: list[int]) -> bool:
    for other in plan:
        if inst.shifts[other].day == inst.shifts[s].day:
            return False
        if s in inst.rest_conflicts[other].get(inst.shifts[s].day, ()) or \
                other in inst.rest_conflicts[s].get(inst.shifts[other].day, ()):
            return False
    return True


def warm_start(inst: RosterInstance, seconds: float, seed: int, hint: Solution) -> WarmStart | None:
    """Both stages within about `seconds` (70% for stage 1); None when stage 1 finds nothing."""
    started = time.perf_counter()
    stage1 = aggregate_counts(inst, 0.7 * seconds, seed, hint)
    if stage1 is None:
        return None
    counts, breaks, cover, objective = stage1
    left = seconds - (time.perf_counter() - started)
    chosen = assign_agents(inst, counts, max(left, 0.1 * seconds), seed, hint)
    return WarmStart(frozenset(chosen), counts, breaks, cover, objective, time.perf_counter() - started)

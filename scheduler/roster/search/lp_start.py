"""LP-guided starting roster: solve the relaxation, then round it agent by agent.

1. *Classes*: agents of one skill group with the same contract hours and the same open
   shifts are interchangeable but for their hourly cost.
2. *Class LP* (HiGHS, interior point): per class, how many agents work each shift, with
   every agent keeping one start time all week (`starts[k, minute]`: agents of class k
   starting at that local minute on every day they work) - stable weeks for the planner,
   the rest rule met by construction and, on the benchmark instances, about the same LP
   value as the per-agent relaxation. Its coverage part is
   `staffcast.scheduler.roster.search.lp_cover`; labour is the class's cheapest split of its hours.
3. *Relax-and-fix rounding*, one skill group at a time (fewest skills and largest
   first): each agent gets a start time (the LP's agents per start, by largest
   remainder; the cheapest agents take the starts with the most hours), then a small
   CP-SAT model picks every member's days and shift lengths at that start under all
   per-agent rules so the group's agents on shift per interval follow the LP's (falling
   short costs twice as much as going over), then cheapest, then with days off
   together (a group of more than CHUNK agents in parts); the LP is then solved again
   for the groups left, with the rounded ones fixed, so the more flexible groups make
   up what the rounding lost.
4. *Lunches and channels* from the coverage LP for the rounded shifts (`cover_for`).

CP-SAT alone cannot do the global step: its LP on the coverage model is slow to finish its
root for a hundred-odd agents, and its search from a greedy start stalls far above the
bound. The roster search (`strategy`) completes the rounded shifts into a full solution
and polishes it by LNS.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from staffcast.interrupt import solve_cp
from staffcast.scheduler.roster.model import rules
from staffcast.scheduler.roster.model.instance import SCALE, RosterInstance
from staffcast.scheduler.roster.model.model import Solution
from staffcast.scheduler.roster.search.lp_cover import CoverLP, add_coverage_lp, solve_lp
from staffcast.scheduler.roster.search.solver import cpsat_solver

PROFILE_WEIGHT = 3  # per hundredth of an agent the group's on-shift profile misses the LP's, per interval
CHUNK = 45  # a larger skill group is rounded in parts of at most this many (a whole large group may find no week)
SHORT_WEIGHT = 2  # an interval short of the LP's profile costs this many times more than one above it


@dataclass(frozen=True)
class AgentClass:
    """Interchangeable agents (but for cost): skill group, members (agent indices, cheapest
    first), shifts open to all of them, and contract minutes per week."""

    group: int
    members: tuple[int, ...]
    allowed: tuple[int, ...]
    min_minutes: int
    max_minutes: int


@dataclass(frozen=True)
class ClassPlan:
    """The class LP's solution: `agents[k, minute]` (agents of class k at that start time),
    `minutes[k, minute]` (their paid minutes in all) and `shifts[k, s]` (agents of class k
    on shift s), all fractional."""

    agents: dict[tuple[int, int], float]
    minutes: dict[tuple[int, int], float]
    shifts: dict[tuple[int, int], float]


def agent_classes(inst: RosterInstance) -> list[AgentClass]:
    """Agents grouped by skill group, contract hours and open shifts."""
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for a in range(len(inst.agents)):
        by_key[inst.agent_group[a], *inst.contract_minutes(a), inst.allowed[a]].append(a)
    return [AgentClass(g, tuple(sorted(members, key=lambda a: (inst.agents[a].cost_per_hour, a))), allowed, low, high)
            for (g, low, high, allowed), members in by_key.items() if allowed]


def _by_start(inst: RosterInstance, cls: AgentClass) -> dict[int, list[int]]:
    by_start: dict[int, list[int]] = defaultdict(list)
    for s in cls.allowed:
        by_start[inst.shifts[s].start_minute].append(s)
    return by_start


def class_lp(inst: RosterInstance, classes: list[AgentClass], fixed: Counter | None = None,
             deadline: float | None = None) -> ClassPlan | None:
    """Step 2: the stable-start LP per class, on top of `fixed[g, s]` agents already placed
    on shift s from group g; None when it does not solve (by `deadline`, a
    `time.perf_counter()` value)."""
    solver = pywraplp.Solver.CreateSolver("HIGHS_LP")
    solver.SuppressOutput()
    objective = solver.Objective()
    shifts, max_days = inst.shifts, inst.config.rules.max_days_per_week
    agents, minutes, counts, per_group = {}, {}, {}, defaultdict(list)
    for k, cls in enumerate(classes):
        m = len(cls.members)
        for minute, options in _by_start(inst, cls).items():
            here = agents[k, minute] = solver.NumVar(0.0, m, "")
            mine = {s: solver.NumVar(0.0, m, "") for s in options}
            for d in inst.days:  # one shift a day each, max days, contract minutes (summed)
                day = [var for s, var in mine.items() if shifts[s].day == d]
                if day:
                    solver.Add(sum(day) <= here)
            solver.Add(sum(mine.values()) <= max_days * here)
            minutes[k, minute] = sum(shifts[s].length_minutes * var for s, var in mine.items())
            solver.Add(minutes[k, minute] >= cls.min_minutes * here)
            solver.Add(minutes[k, minute] <= cls.max_minutes * here)
            counts.update({(k, s): var for s, var in mine.items()})
            for s, var in mine.items():
                per_group[cls.group, s].append(var)
        solver.Add(sum(agents[k, minute] for minute in _by_start(inst, cls)) == m)
        # labour: the class's hours split over its members within their contracts
        hours = [solver.NumVar(cls.min_minutes / 60, cls.max_minutes / 60, "") for _ in cls.members]
        solver.Add(60 * sum(hours) == sum(minutes[k, minute] for minute in _by_start(inst, cls)))
        for a, var in zip(cls.members, hours, strict=True):
            objective.SetCoefficient(var, inst.config.weights.cost * inst.agents[a].cost_per_hour * SCALE)
    for key, n in (fixed or {}).items():
        per_group[key].append(float(n))
    add_coverage_lp(solver, inst, {key: sum(vs) for key, vs in per_group.items()})
    if not solve_lp(solver, vertex=True, deadline=deadline):
        return None
    return ClassPlan({key: var.solution_value() for key, var in agents.items()},
                     {key: expr.solution_value() for key, expr in minutes.items()},
                     {key: var.solution_value() for key, var in counts.items()})


def assign_starts(inst: RosterInstance, classes: list[AgentClass], plan: ClassPlan) -> dict[int, int]:
    """Step 3a: each agent's start time (local minute after midnight)."""
    start_of = {}
    for k, cls in enumerate(classes):
        minutes = sorted(_by_start(inst, cls))
        share = np.array([plan.agents[k, minute] for minute in minutes])
        count = np.floor(share + 1e-6).astype(int)
        extra = np.argsort(-(share - count), kind="stable")[: len(cls.members) - int(count.sum())]
        count[extra] += 1
        per_agent = np.array([plan.minutes[k, m] / max(plan.agents[k, m], 1e-9) for m in minutes])
        slots = [minutes[i] for i in np.argsort(-per_agent, kind="stable") for _ in range(count[i])]
        start_of.update(zip(cls.members, slots, strict=True))
    return start_of


def contract_week(inst: RosterInstance, a: int, options: list[int]) -> set[int]:
    """A week for agent a among `options` (shift indices, at most one a day is taken)
    within their contract minutes and max days: the fewest days, earliest first, each
    shift the shortest and then lengthened as the minimum hours need (empty when there is
    none such). A hint for `assign_group`'s search, which may move every day."""
    low, high = inst.contract_minutes(a)
    length = lambda s: inst.shifts[s].length_minutes  # noqa: E731
    by_day: dict[int, list[int]] = defaultdict(list)
    for s in options:
        by_day[inst.shifts[s].day].append(s)
    days = sorted(by_day)
    for n in range(1, min(inst.config.rules.max_days_per_week, len(days)) + 1):
        chosen = {d: min(by_day[d], key=length) for d in days[:n]}
        for d in days[:n]:
            missing = low - sum(length(s) for s in chosen.values())
            if missing <= 0:
                break
            chosen[d] = max(by_day[d], key=lambda s: (min(length(s) - length(chosen[d]), missing), -length(s)))
        if low <= sum(length(s) for s in chosen.values()) <= high:
            return set(chosen.values())
    return set()


def assign_group(inst: RosterInstance, classes: list[AgentClass], g: int, start_of: dict[int, int],
                 plan: ClassPlan, seconds: float, seed: int, deadline: float,
                 hinted: bool = False) -> set[tuple[int, int]] | None:
    """Step 3b for skill group g: every member's shifts at their start time, under the
    per-agent rules, so that the group's agents on shift per interval follow the LP's
    (short intervals cost SHORT_WEIGHT times more than full ones), then labour cost, then
    isolated days off. A group of more than CHUNK members is rounded CHUNK-sized part by
    part (members dealt out in turn by start time), each part following its members' share
    of the profile plus what the parts before it fell short or went over.
    `hinted`: start the search from each member's `contract_week` (a solution comes at
    once, but the search from it ends higher). None when a part finds no week in its
    share of `seconds`."""
    shifts, n_t = inst.shifts, inst.horizon.n_intervals
    share: dict[int, np.ndarray] = {}  # each member's part of the LP's on-shift profile
    for k, cls in enumerate(classes):
        if cls.group != g:
            continue
        by_start = _by_start(inst, cls)
        for a in cls.members:
            minute = start_of[a]
            share[a] = np.zeros(n_t)
            if plan.agents[k, minute] > 1e-9:
                for s in by_start[minute]:
                    share[a][shifts[s].start:min(shifts[s].end, n_t)] += plan.shifts[k, s] / plan.agents[k, minute]
    members = sorted(share, key=lambda a: (start_of[a], a))
    n_parts = -(-len(members) // CHUNK)
    chosen: set[tuple[int, int]] = set()
    behind = np.zeros(n_t)  # the profile the parts so far fell short of (negative: went over)
    for part in range(n_parts):
        mine = members[part::n_parts]
        target = sum(share[a] for a in mine) + behind
        weeks = _round_part(inst, mine, start_of, np.maximum(target, 0.0), seconds * len(mine) / len(members),
                            seed, deadline, hinted)
        if weeks is None:
            return None
        chosen |= weeks
        for _a, s in weeks:
            target[shifts[s].start:min(shifts[s].end, n_t)] -= 1
        behind = target
    return chosen


def _round_part(inst: RosterInstance, members: list[int], start_of: dict[int, int], target: np.ndarray,
                seconds: float, seed: int, deadline: float, hinted: bool) -> set[tuple[int, int]] | None:
    """`members`' weeks at their start times following the on-shift profile `target`
    (agents per interval), by CP-SAT within `seconds` of deterministic time."""
    shifts, n_t = inst.shifts, inst.horizon.n_intervals
    model = cp_model.CpModel()
    on_shift: list[list] = [[] for _ in range(n_t)]
    terms = []
    x = {}
    for a in members:
        options = [s for s in inst.allowed[a] if shifts[s].start_minute == start_of[a]]
        mine = x[a] = {s: model.NewBoolVar("") for s in options}
        rules.agent_hard_rules(model, inst, a, mine)
        if hinted:
            week = contract_week(inst, a, options)
            for s, var in mine.items():
                model.AddHint(var, s in week)
        works = rules.worked_days(inst, a, mine)
        terms += rules.days_off_terms(model, works, int(round(inst.config.weights.consecutive_days_off * SCALE)),
                                      inst.agents[a].agent_id)
        terms += rules.labour_cost_terms(mine, {s: inst.shift_cost(a, s) for s in mine})
        for s, var in mine.items():
            for t in range(shifts[s].start, min(shifts[s].end, n_t)):
                on_shift[t].append(var)
    for t in range(n_t):
        if not on_shift[t] and target[t] < 1e-6:
            continue
        goal = int(round(100 * target[t]))
        short = model.NewIntVar(0, max(goal, 0), "")
        above = model.NewIntVar(0, 100 * len(on_shift[t]), "")
        model.Add(100 * sum(on_shift[t]) - goal == above - short)
        terms += [(short, SHORT_WEIGHT * PROFILE_WEIGHT), (above, PROFILE_WEIGHT)]
    model.Minimize(sum(c * e for e, c in terms))
    # deterministic time for reproducible rounding; the wall-clock limit is a safety net on a
    # loaded machine, and the caller's deadline
    solver = cpsat_solver(seed=seed, dtime=max(seconds, 0.2),
                          seconds=max(min(3 * max(seconds, 0.2), deadline - time.perf_counter()), 0.01))
    status = solve_cp(solver, model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {(a, s) for a, mine in x.items() for s, var in mine.items() if solver.Value(var)}


def lp_start(inst: RosterInstance, seconds: float, seed: int, deadline: float, *,
             relax_and_fix: bool = True) -> Solution | None:
    """Steps 1-4; the roundings take about `seconds` of CP-SAT's deterministic time in all
    (the LPs as long as they need). None when a step finds nothing or `deadline` (a
    `time.perf_counter()` value, a wall-clock cap) comes first (the caller keeps its
    other starting roster).

    The groups are rounded one at a time, fewest skills and largest first. With
    `relax_and_fix`, the LP is solved again for the groups left with the rounded ones
    fixed, so the more flexible groups make up what rounding the others lost; without,
    the first LP's plan serves every group (one LP: for short time limits). (It matters
    most on capacity-tight weeks, where one group's rounding loss is another's to make
    up; docs/roster.md has figures.)"""
    classes = agent_classes(inst)
    sizes = Counter(inst.agent_group[a] for c in classes for a in c.members)
    order = sorted(sizes, key=lambda g: (len(inst.groups[g]), -sizes[g], g))
    shift_of: set[tuple[int, int]] = set()
    total = sum(sizes.values())
    plan, planned_for, start_of = None, classes, {}
    for g in order:
        if plan is None or relax_and_fix:
            planned_for = [c for c in classes if c.group in order[order.index(g):]]
            plan = class_lp(inst, planned_for, Counter((inst.agent_group[a], s) for a, s in shift_of), deadline)
            if plan is None:
                return None
            start_of = assign_starts(inst, planned_for, plan)
        budget = seconds * sizes[g] / total
        chosen = (assign_group(inst, planned_for, g, start_of, plan, budget, seed, deadline)
                  or assign_group(inst, planned_for, g, start_of, plan, budget, seed, deadline, hinted=True))
        if chosen is None:
            return None
        shift_of |= chosen
    breaks, cover = cover_for(inst, shift_of, deadline)
    if time.perf_counter() > deadline:
        return None
    return Solution(shift_of, breaks, cover)


def _largest_remainder(values: dict, total: int) -> dict:
    """Integers summing to `total`, each the floor or ceiling of its value (by remainder)."""
    keys = list(values)
    share = np.array([max(values[k], 0.0) for k in keys])
    count = np.floor(share + 1e-6).astype(int)
    extra = total - int(count.sum())
    if extra > 0:
        count[np.argsort(-(share - count), kind="stable")[:extra]] += 1
    elif extra < 0:  # (only through rounding noise) take from the largest
        for i in np.argsort(-count, kind="stable")[:-extra]:
            count[i] -= 1
    return {k: int(n) for k, n in zip(keys, count, strict=True)}


def cover_for(inst: RosterInstance, shift_of: set[tuple[int, int]], deadline: float | None = None):
    """Step 4: lunches and channel counts for fixed shifts, from the coverage LP (HiGHS,
    basic solution): lunches rounded to sum to the agents on each shift, then the LP solved
    again with them fixed for the channel counts (rounded, never above the agents working)."""
    counts = Counter((inst.agent_group[a], s) for a, s in shift_of)
    solver = pywraplp.Solver.CreateSolver("HIGHS_LP")
    solver.SuppressOutput()
    lp: CoverLP = add_coverage_lp(solver, inst, {key: float(n) for key, n in counts.items()})
    if not solve_lp(solver, vertex=True, deadline=deadline):
        return {}, {}
    breaks: dict[tuple[int, int, int], int] = {}
    for (g, s), n in counts.items():
        keys = [(g, s, p) for p in inst.shifts[s].break_starts]
        if keys:
            breaks.update(_largest_remainder({k: lp.breaks[k].solution_value() for k in keys}, n))
    # with the lunches fixed, the channel split is a flow problem: its basic solution is integral
    for key, var in lp.breaks.items():
        var.SetBounds(breaks.get(key, 0), breaks.get(key, 0))
    if not solve_lp(solver, vertex=True, deadline=deadline):
        return {}, {}
    working = inst.working(counts, breaks)
    by_slot = defaultdict(dict)
    for (g, c, t), var in lp.cover.items():
        by_slot[g, t][g, c, t] = var.solution_value()
    cover: dict[tuple[int, int, int], int] = {}
    for (g, t), values in by_slot.items():
        cover.update(_largest_remainder(values, max(sum(working[g][t]), 0)))
    return breaks, cover

"""LP-guided starting roster: solve the relaxation, then round it agent by agent.

1. *Classes*: agents of one skill group with the same contract hours and the same open
   shifts are interchangeable but for their hourly cost.
2. *Class LP* (HiGHS, interior point): per class, how many agents work each shift, with
   every agent keeping one start time all week (`starts[k, minute]`: agents of class k
   starting at that local minute on every day they work) - stable weeks for the planner,
   the rest rule met by construction and, on the benchmark instances, the same LP value
   as the per-agent relaxation (150 agents: 9,174.7 against 9,174.0). Its coverage part is
   `scheduler.lp_cover`; labour is the class's cheapest split of its hours.
3. *Rounding*: each agent gets a start time (the LP's agents per start, by largest
   remainder; the cheapest agents take the starts with the most hours), then per class a
   small CP-SAT model picks every member's days and shift lengths at that start under
   all per-agent rules, bringing the class's shift counts as close as it can to the LP's
   (scaled to the rounded agents per start), then cheapest, then with days off together.

CP-SAT itself cannot do this global step: its LP on the coverage model does not finish
its root in half a minute and its search from a greedy start stalls 25-30% above the
bound. The shifts get greedy lunches and channels (`roster_greedy.greedy_cover`); the roster
model (`scheduler.roster`) completes them with better ones and polishes the roster.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduler import roster_rules as rules
from scheduler.instance import SCALE, RosterInstance
from scheduler.lp_cover import CoverLP, add_coverage_lp, solve_lp
from scheduler.realise import Solution

COUNT_WEIGHT = 100  # per hundredth of a shift the class's counts miss the LP's: ahead of cost and days off


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
    for a, agent in enumerate(inst.agents):
        low = int(math.ceil(agent.min_hours_week * 60 - 1e-6))
        high = int(math.floor(agent.max_hours_week * 60 + 1e-6))
        by_key[inst.agent_group[a], low, high, inst.allowed[a]].append(a)
    return [AgentClass(g, tuple(sorted(members, key=lambda a: (inst.agents[a].cost_per_hour, a))), allowed, low, high)
            for (g, low, high, allowed), members in by_key.items() if allowed]


def _by_start(inst: RosterInstance, cls: AgentClass) -> dict[int, list[int]]:
    by_start: dict[int, list[int]] = defaultdict(list)
    for s in cls.allowed:
        by_start[inst.shifts[s].start_minute].append(s)
    return by_start


def class_lp(inst: RosterInstance, classes: list[AgentClass]) -> ClassPlan | None:
    """Step 2: the stable-start LP per class; None when it does not solve."""
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
            for d in range(7):  # one shift a day each, max days, contract minutes (summed)
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
    add_coverage_lp(solver, inst, {key: sum(vs) for key, vs in per_group.items()})
    if not solve_lp(solver, vertex=True):
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


def assign_class(inst: RosterInstance, cls: AgentClass, k: int, start_of: dict[int, int], plan: ClassPlan,
                 carry: dict[int, float], seconds: float, seed: int) -> set[tuple[int, int]] | None:
    """Step 3b for one class: every member's shifts at their start time, under the per-agent
    rules; None when no week is found in `seconds`."""
    shifts = inst.shifts
    model = cp_model.CpModel()
    x, terms = {}, []
    for a in cls.members:
        mine = x[a] = {s: model.NewBoolVar("") for s in cls.allowed if shifts[s].start_minute == start_of[a]}
        for d in range(7):
            model.AddAtMostOne(var for s, var in mine.items() if shifts[s].day == d)
        model.Add(sum(mine.values()) <= inst.config.rules.max_days_per_week)
        model.AddLinearConstraint(sum(shifts[s].length_minutes * var for s, var in mine.items()),
                                  cls.min_minutes, cls.max_minutes)
        works = [sum(var for s, var in mine.items() if shifts[s].day == d) for d in range(7)]
        terms += rules.days_off_terms(model, works, int(round(inst.config.weights.consecutive_days_off * SCALE)))
        terms += rules.labour_cost_terms(mine, {s: inst.shift_cost(a, s) for s in mine})
    for minute, options in _by_start(inst, cls).items():
        here = [a for a in cls.members if start_of[a] == minute]
        if not here:
            continue
        scale = len(here) / max(plan.agents[k, minute], 1e-9)
        for s in options:  # count short of / above the target, in hundredths of a shift
            target = int(round(100 * max(scale * plan.shifts[k, s] + carry.get(s, 0.0), 0.0)))
            count = 100 * sum(x[a][s] for a in here)
            short = model.NewIntVar(0, max(target, 0), "")
            above = model.NewIntVar(0, 100 * len(here), "")
            model.Add(count - target == above - short)
            terms += [(short, COUNT_WEIGHT), (above, COUNT_WEIGHT)]
    model.Minimize(sum(c * e for e, c in terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.2)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {(a, s) for a in cls.members for s, var in x[a].items() if solver.Value(var)}


def lp_start(inst: RosterInstance, seconds: float, seed: int) -> Solution | None:
    """Steps 1-3 within about `seconds` (plus the LP); None when a step finds nothing (the
    caller keeps its other starting roster)."""
    classes = agent_classes(inst)
    plan = class_lp(inst, classes)
    if plan is None:
        return None
    started = time.perf_counter()
    start_of = assign_starts(inst, classes, plan)
    shift_of: set[tuple[int, int]] = set()
    carry: dict[int, dict[int, float]] = defaultdict(dict)
    total = sum(len(c.members) for c in classes)
    for k, cls in enumerate(classes):
        budget = max(seconds - (time.perf_counter() - started), 0.0) * len(cls.members) / total
        chosen = assign_class(inst, cls, k, start_of, plan, carry[cls.group], budget, seed)
        if chosen is None:
            return None
        shift_of |= chosen
        # what this class misses or adds on a shift is carried to the group's next class
        taken = Counter(s for _a, s in chosen)
        for s in cls.allowed:
            carry[cls.group][s] = carry[cls.group].get(s, 0.0) + plan.shifts[k, s] - taken.get(s, 0)
        total -= len(cls.members)
    breaks, cover = cover_for(inst, shift_of)
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


def cover_for(inst: RosterInstance, shift_of: set[tuple[int, int]]):
    """Step 4: lunches and channel counts for fixed shifts, from the coverage LP (HiGHS,
    basic solution) rounded consistently: lunches sum to the agents on each shift, channel
    counts never exceed the agents working."""
    counts = Counter((inst.agent_group[a], s) for a, s in shift_of)
    solver = pywraplp.Solver.CreateSolver("HIGHS_LP")
    solver.SuppressOutput()
    lp: CoverLP = add_coverage_lp(solver, inst, {key: float(n) for key, n in counts.items()})
    if not solve_lp(solver, vertex=True):
        return {}, {}
    breaks: dict[tuple[int, int, int], int] = {}
    for (g, s), n in counts.items():
        keys = [(g, s, p) for p in inst.shifts[s].break_starts]
        if keys:
            breaks.update(_largest_remainder({k: lp.breaks[k].solution_value() for k in keys}, n))
    brk = inst.config.shifts.break_minutes // inst.config.interval_minutes
    working = Counter()
    for (g, s), n in counts.items():
        for t in range(inst.shifts[s].start, min(inst.shifts[s].end, inst.horizon.n_intervals)):
            working[g, t] += n
    for (g, _s, p), n in breaks.items():
        for t in range(p, min(p + brk, inst.horizon.n_intervals)):
            working[g, t] -= n
    by_slot = defaultdict(dict)
    for (g, c, t), var in lp.cover.items():
        by_slot[g, t][g, c, t] = var.solution_value()
    cover: dict[tuple[int, int, int], int] = {}
    for (g, t), values in by_slot.items():
        cover.update(_largest_remainder(values, max(working[g, t], 0)))
    return breaks, cover

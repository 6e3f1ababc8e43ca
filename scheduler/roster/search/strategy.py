"""How the roster model is solved, and how the time limit is shared among the stages.

CP-SAT alone stalls on the roster model (its LP on the coverage part does not finish
its root for a hundred-odd agents), so the search builds good rosters first:
1. a greedy roster (`greedy`, its lunches and channels from the coverage LP), completed
   at once into a full solution of the model;
2. an LP-guided roster (`lp_start`: the LP relaxation per class of interchangeable
   agents with one start time per agent, solved by HiGHS' interior-point method and
   rounded group by group), completed the same way; the better of the two is kept;
3. a deterministic LNS (`lns`: one day and one skill group's shifts free, the rest of
   the week fixed; each sub-model holds only the constraints the freed day reaches);
4. when the LNS has time to spare (`Budget.shuffle_when` seconds per agent), reshuffles
   (`shuffle`: each skill group's shifts dealt anew among its agents in small exact
   sub-models, coverage unchanged) of the LP-guided start and of the polished roster:
   days off in blocks, stable start times, cheaper agents - moves a day-by-day LNS
   cannot make;
5. a last CP-SAT run on the whole model from the best roster as a complete hint, which
   reports the status and CP-SAT's proven bound.

Determinism: the seed goes to every solver; every stage's work is budgeted in CP-SAT's
deterministic time, set from the time limit and the model's size alone (`Budget`), the
LPs run to the end, the LNS and the stages run one worker per sub-model and the last run
uses `workers` in CP-SAT's deterministic parallel mode: the same inputs, seed, worker
count and limit give the same roster on any machine load. The limit is also a wall-clock
cap on the whole roster stage, counted from its start: every CP-SAT and LP solve gets the
wall time left, and a stage whose estimated wall time (`Budget.*_cost`, scaled by how long
building the model took) no longer fits is skipped; when the cap stops or skips a stage
(a loaded or slow machine, a short limit), the outcome says so (`cut`).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ortools.sat.python import cp_model

from staffcast.errors import InputError
from staffcast.interrupt import solve_cp
from staffcast.scheduler.roster.model.instance import SCALE
from staffcast.scheduler.roster.model.model import RosterModel, Solution
from staffcast.scheduler.roster.search.greedy import greedy_solution
from staffcast.scheduler.roster.search.hint import complete_solution, set_hint
from staffcast.scheduler.roster.search.lns import lns
from staffcast.scheduler.roster.search.lp_start import cover_for, lp_start
from staffcast.scheduler.roster.search.shuffle import reshuffle
from staffcast.scheduler.roster.search.solver import cpsat_solver

ProgressCallback = Callable[[float, float | None, float], None]  # objective, bound (None: not yet), seconds


@dataclass(frozen=True)
class Budget:
    """How the time limit is shared: every stage's work is set from the limit and the
    model's size alone, in CP-SAT's deterministic seconds, so the same inputs give the
    same roster on any machine load; the limit itself stays a wall-clock cap on top.

    `hint_share`: deterministic seconds per second of the limit completing each starting
    roster; `lp_share`: rounding the LP into agents' weeks (the LPs run to the end);
    `final_share`: the last whole-model CP-SAT run; `shuffle_share`: each reshuffle;
    `round_dtime`: one LNS sub-solve at most. `shuffle_when` and `relax_fix_when`: the
    reshuffles and relax-and-fix run only when the limit gives this many seconds per agent.
    `overhead_per_constraint`: the wall seconds the stages CP-SAT's clock does not count
    (instance, LPs, starting rosters, reading the model) take per constraint of the
    model, kept out of the LNS's share so that a typical run on an idle machine ends
    a little before the limit (room for load).

    The wall-clock cap: `*_cost` are each stage's wall time in multiples of the wall
    seconds building the instance and model took in this run (which follow the model's
    size and the machine's speed and load): `first_cost` the greedy roster with its
    completion, `lp_cost` the LP-guided roster, `complete_cost` one completion,
    `lns_cost` the LNS reading the model, `final_cost` the last run loading it. A stage
    whose estimate does not fit in the wall time left is skipped (and the outcome `cut`).
    """

    hint_share: float = 0.1
    lp_share: float = 0.1
    final_share: float = 0.025
    shuffle_share: float = 0.025
    round_dtime: float = 2.0
    shuffle_when: float = 0.2
    relax_fix_when: float = 0.2
    overhead_per_constraint: float = 3.5e-4
    first_cost: float = 1.5
    lp_cost: float = 4.0
    complete_cost: float = 0.6
    lns_cost: float = 0.5
    final_cost: float = 0.15


@dataclass(frozen=True)
class SearchOutcome:
    """The best roster found: its CP-SAT status name, objective (integer units) and
    values (proto order), CP-SAT's proven bound (integer units, >= 0), the wall seconds
    in all and to the first roster, and `cut`: whether the wall-clock limit stopped a stage
    before its deterministic work was done (the roster may then depend on machine load)."""

    status: str
    objective: int
    values: list[int]
    bound: float
    wall_seconds: float
    first_seconds: float
    cut: bool = False


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_solution: ProgressCallback | None, started: float) -> None:
        super().__init__()
        self.on_solution = on_solution
        self.started = started
        self.first: float | None = None

    def report(self, objective: float, bound: float | None) -> None:
        seconds = time.perf_counter() - self.started
        if self.first is None:
            self.first = seconds
        if self.on_solution is not None:
            self.on_solution(objective, bound, seconds)

    def on_solution_callback(self) -> None:
        # every objective term is >= 0: a negative interim bound says no more than 0
        self.report(self.ObjectiveValue() / SCALE, max(self.BestObjectiveBound(), 0.0) / SCALE)


def solve_roster(rm: RosterModel, *, limit: float, workers: int, seed: int,
                 on_solution: ProgressCallback | None = None, budget: Budget = Budget(),
                 started: float | None = None, built_seconds: float = 0.0, reserve: float = 0.0) -> SearchOutcome:
    """Search `rm` with the work `limit` (seconds) buys, within `limit - reserve` seconds of
    wall time counted from `started` (default now; `reserve`: wall seconds the caller keeps
    for itself after the search). `built_seconds`: the wall seconds building the instance
    and model took, the yardstick of the stages' wall-time estimates (`Budget.*_cost`;
    0: no stage is skipped on its estimate). Every CP-SAT and LP solve gets the wall time
    left as its limit.

    Raises InputError when the hard rules leave no roster, or none was found in time.
    """
    started = time.perf_counter() if started is None else started
    cap = started + limit - reserve
    inst, agents = rm.inst, len(rm.inst.agents)
    progress = _Progress(on_solution, started)
    final = max(budget.final_share * limit, 1.0)
    shuffle = budget.shuffle_share * limit if limit >= budget.shuffle_when * agents else 0.0
    complete = budget.hint_share * limit

    def fits(cost: float) -> bool:
        return time.perf_counter() + cost * built_seconds < cap

    stopped_at = []  # the wall-clock deadlines a stage ran into (it then stopped short of its work)

    def until(deadline: float, result):
        """`result`, noting when its stage ran into the wall-clock `deadline` (stopped short of
        its deterministic work, or gave up: the outcome may then depend on the machine's load)."""
        if time.perf_counter() >= deadline - 0.05:
            stopped_at.append(deadline)
        return result

    def timed_out() -> InputError:
        return InputError("", f"no roster found within the time limit of {limit:g} s (building the model took "
                          f"{built_seconds:.1f} s of it on this machine now); raise --time-limit "
                          f"([solver] time_limit_seconds)")

    # ------------------------------------------------------------------ starting rosters
    if time.perf_counter() >= cap:
        raise timed_out()
    greedy = greedy_solution(inst)
    breaks, cover = until(cap, cover_for(inst, greedy.shift_of, deadline=cap))
    if breaks or cover:  # lunches and channels from the coverage LP: it keeps up with the deferred plans
        greedy = Solution(greedy.shift_of, breaks, cover)
    best = until(cap, _complete(rm, greedy, complete, seed, cap)) if time.perf_counter() < cap else None
    if best is not None:
        progress.report(best[0] / SCALE, None)
    skipped = False  # a stage left out because its wall-time estimate did not fit
    guided = None
    if fits(budget.lp_cost + budget.complete_cost + budget.final_cost):
        lp_deadline = cap - max(1.0, (budget.complete_cost + budget.final_cost) * built_seconds)
        guided = until(lp_deadline, lp_start(inst, budget.lp_share * limit, seed, deadline=lp_deadline,
                                             relax_and_fix=limit >= budget.relax_fix_when * agents))
    else:
        skipped = True
    if guided is not None and shuffle:
        dealt, _ = until(cap - 1.0, reshuffle(inst, guided.shift_of, shuffle, seed, deadline=cap - 1.0))
        guided = replace(guided, shift_of=dealt)
    if guided is not None:
        candidate = until(cap, _complete(rm, guided, complete, seed, cap)) if time.perf_counter() < cap else None
        if candidate is not None and (best is None or candidate[0] < best[0]):
            best = candidate
            progress.report(best[0] / SCALE, None)

    # ------------------------------------------------------------------ polish
    cut = skipped or bool(stopped_at) or time.perf_counter() >= cap - 1.0
    keep = max(final, budget.final_cost * built_seconds)  # wall seconds kept for the last run
    if best is not None:
        after = 2 * shuffle + 1.0 if shuffle else 0.0  # the last reshuffle and its completion
        if fits(budget.lns_cost) and time.perf_counter() < cap - keep - after:
            decisions, near = _day_neighbourhoods(rm)
            overhead = budget.overhead_per_constraint * len(rm.model.proto.constraints)
            work = limit - overhead - 2 * complete - budget.lp_share * limit - shuffle - final - after
            objective, values, stopped = lns(rm.model, decisions, near, best, work, seed, deadline=cap - keep - after,
                                             round_dtime=budget.round_dtime,
                                             on_improve=lambda objective: progress.report(objective / SCALE, None))
            best, cut = (objective, values), cut or stopped
        else:
            cut = True
        if shuffle and fits(budget.complete_cost + budget.final_cost):
            current = rm.solution(best[1])
            dealt, _ = until(cap - keep, reshuffle(inst, current.shift_of, shuffle, seed, deadline=cap - keep))
            if dealt != current.shift_of and fits(budget.complete_cost + budget.final_cost):
                dealt_week = replace(current, shift_of=dealt)
                candidate = until(cap - keep, _complete(rm, dealt_week, shuffle, seed, cap - keep))
                if candidate is not None and candidate[0] < best[0]:
                    best = candidate
                    progress.report(best[0] / SCALE, None)
        elif shuffle:
            cut = True
        set_hint(rm.model, best[1])
    cut = cut or bool(stopped_at)

    # ------------------------------------------------------------------ last whole-model run
    if best is not None and not fits(budget.final_cost):  # no time to load the whole model again
        wall = time.perf_counter() - started
        return SearchOutcome("FEASIBLE", best[0], best[1], 0.0, wall,
                             progress.first if progress.first is not None else wall, True)
    if time.perf_counter() >= cap:
        raise timed_out()
    solver = cpsat_solver(seed=seed, workers=workers, dtime=final, seconds=max(cap - time.perf_counter(), 0.05))
    status = solve_cp(solver, rm.model, progress)
    wall = time.perf_counter() - started
    stopped = wall >= limit - reserve - 0.05 and solver.response_proto.deterministic_time < final - 1e-3
    cut = cut or (status == cp_model.FEASIBLE and stopped)
    if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
        raise InputError("", "no roster satisfies the hard rules (contract hours, rest, max days, "
                         "availability); relax them or check the agents file")
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found and (best is None or solver.ObjectiveValue() <= best[0]):
        best = int(round(solver.ObjectiveValue())), list(solver.response_proto.solution)
    elif best is None:
        raise timed_out()
    else:  # the last run did not better the polished start (e.g. ran out of time loading it)
        status = cp_model.FEASIBLE
    bound = solver.BestObjectiveBound()
    # every objective term is >= 0, so 0 is a valid bound when the last run proved none
    bound = min(bound, best[0]) if np.isfinite(bound) and bound > 0 else 0.0
    return SearchOutcome(solver.StatusName(status), best[0], best[1], bound, wall,
                         progress.first if progress.first is not None else wall, cut)


def _complete(rm: RosterModel, start: Solution, dtime: float, seed: int, cap: float) -> tuple[int, list[int]] | None:
    """Complete a starting roster into a full solution of the model: its shifts, breaks
    and channels fixed, only penalty variables left (solved at once); when its breaks or
    channels do not fit its shifts, they are solved for within `dtime` deterministic
    seconds instead (`cap`: the wall-clock limit). (The LNS improves breaks and channels
    later, one day at a time.)"""
    inst = rm.inst
    fixed = [(var, int((a, s) in start.shift_of)) for a, mine in enumerate(rm.works) for s, var in mine.items()]
    counts = Counter((inst.agent_group[a], s) for a, s in start.shift_of)
    pairs = ((counts, rm.on_shift), (start.breaks, rm.cover.breaks), (start.cover, rm.cover.cover))
    hinted = [(var, source.get(key, 0)) for source, variables in pairs for key, var in variables.items()]
    seconds = cap - time.perf_counter()
    return (complete_solution(rm.model, fixed + hinted, [], max(dtime, 5.0), seed, seconds=seconds)
            or complete_solution(rm.model, fixed, hinted, dtime, seed, seconds=cap - time.perf_counter()))


def _day_neighbourhoods(rm: RosterModel) -> tuple[list, list[list[int]]]:
    """LNS decisions and neighbourhoods, one per day and skill group.

    Decisions: every shift, lunch and channel variable, the group counts per shift and
    the deferred channels' work done per interval (these follow from the others, but as
    decisions they keep each sub-model local: `lns` stops at fixed decisions).
    Neighbourhood (day d, group g) frees the group's shifts on day d, every lunch and
    channel on day d, and the work done from day d on (before it, nothing changes)."""
    inst = rm.inst
    day_of_interval = np.minimum(np.arange(inst.horizon.n_intervals) * 7 // inst.horizon.week_intervals, 6)
    every_group, onwards = -1, -2  # tags of lunches and channels, and of work done
    decisions, day, tag = [], [], []
    shift_day = [max(shift.day, 0) for shift in inst.shifts]  # a lead-in shift is freed with Monday
    for a, mine in enumerate(rm.works):
        for s, var in mine.items():
            decisions.append(var)
            day.append(shift_day[s])
            tag.append(inst.agent_group[a])
    for (g, s), var in rm.on_shift.items():
        decisions.append(var)
        day.append(shift_day[s])
        tag.append(g)
    for (_g, s, _p), var in rm.cover.breaks.items():
        decisions.append(var)
        day.append(shift_day[s])
        tag.append(every_group)
    for (_g, _c, t), var in rm.cover.cover.items():
        decisions.append(var)
        day.append(int(day_of_interval[t]))
        tag.append(every_group)
    for (_c, t), var in rm.cover.done.items():
        decisions.append(var)
        day.append(int(day_of_interval[t]))
        tag.append(onwards)
    near = [[i for i, (d, k) in enumerate(zip(day, tag, strict=True))
             if (d == today and k in (every_group, g)) or (k == onwards and d >= today)]
            for today in range(7) for g in range(len(inst.groups))]
    return decisions, near

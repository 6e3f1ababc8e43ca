"""Weekly named-agent roster with OR-Tools CP-SAT, built top-down in one function.

Model (after OR-Tools' shift_scheduling_sat.py): a boolean per agent and allowed shift
(day, start, length); breaks and channels are modelled per *skill group* as integer
counts - how many of the group's agents on shift s take their lunch at position p, how
many of the group's working agents cover channel c in interval t - which a cheap
post-pass (`staffcast.scheduler.roster.results.realise`) turns into named breaks and channels that reproduce the
counts exactly (agents of one skill group on the same shift are interchangeable for
coverage). Hard rules: skills, availability, at most one shift a day, max days a week,
min rest between shifts (also from last week's ends), contract hours. Coverage is soft
(convex under-coverage by depth weighted by channel importance, light over-coverage), so
demand above the staff available never makes the model infeasible; a deferred channel's
coverage is cumulative over its open intervals: the roster must keep up with the staffing
plan (which already lets contacts wait within their response window) and may work ahead of
it on work that has arrived, paying the channel's weight per agent-interval and interval
behind (`roster_rules`, `RosterInstance.deferred_curves`).

Search (CP-SAT alone stalls on this model: its LP on the coverage part does not finish
its root in half a minute for 150 agents): a greedy roster (`roster_greedy`, its lunches
and channels from the coverage LP), completed at once into a full solution, is the first
roster; then an LP-guided one
(`roster_lp_start`: the LP relaxation per class of interchangeable agents with one start
time per agent, solved by HiGHS' interior-point method and rounded group by group, with
lunches and channels from the coverage LP), completed the same way; the better is
polished by a deterministic LNS (`cpsat_lns`: one day free - its lunches and channels,
and one skill group's shifts - the rest of the week fixed; each sub-model holds only the
constraints the freed day reaches) and handed as a complete hint
to a last CP-SAT run on the whole model, which reports the status and the proven bound.
When the LNS has time to spare (SHUFFLE_WHEN seconds per agent), the LP-guided start and
the polished roster are also reshuffled (`roster_shuffle`: each skill group's shifts dealt
anew among its agents in small exact sub-models, coverage unchanged), which puts days off
in blocks, keeps start times and moves hours to cheaper agents - moves a day-by-day LNS
cannot make.
Every CP-SAT run uses linearization level 2.

Determinism: the seed goes to every `solver.parameters.random_seed`; the LNS and the
stages run one worker per sub-model with deterministic-time limits; the last run uses
`workers` with `interleave_search` (CP-SAT's deterministic parallel mode). Results
repeat for a fixed seed, worker count and time limit except where the wall-clock limit
cuts the LNS after a different number of rounds on a loaded machine (or, near the
SHUFFLE_WHEN threshold, decides whether the reshuffles run); runs that prove optimality
always agree.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from staffcast.config import PlanningConfig
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.model import rules
from staffcast.scheduler.roster.model.cover import add_coverage
from staffcast.scheduler.roster.model.instance import SCALE, RosterInstance, build_instance
from staffcast.scheduler.roster.results.coverage import coverage_frame
from staffcast.scheduler.roster.results.realise import Solution, assignments_frame, realise, roster_frame
from staffcast.scheduler.roster.results.shortfall import shortfall_report
from staffcast.scheduler.roster.search.greedy import greedy_solution
from staffcast.scheduler.roster.search.hint import complete_solution, set_hint
from staffcast.scheduler.roster.search.lns import lns
from staffcast.scheduler.roster.search.lower_bound import lp_lower_bound
from staffcast.scheduler.roster.search.lp_start import cover_for, lp_start
from staffcast.scheduler.roster.search.shuffle import reshuffle

HINT_SHARE = 0.1  # at most this share of the time limit completes each starting roster
LP_SHARE = 0.1  # share of the time limit for rounding the LP into agents' weeks (the LPs run to the deadline)
COMPLETE_SECONDS = 2.0  # kept for completing the LP-guided roster into a full solution
ROUND_DTIME = 2.0  # deterministic-time limit of one LNS sub-solve
FINAL_SHARE = 0.025  # share of the time limit for the last whole-model CP-SAT run
SHUFFLE_SHARE = 0.025  # deterministic seconds per second of the time limit, for each reshuffle (`roster_shuffle`)
SHUFFLE_WHEN = 0.2  # reshuffle only when the LNS has this many seconds per agent or more
ProgressCallback = Callable[[float, float | None, float], None]  # objective, bound (None: not yet), seconds


@dataclass(frozen=True)
class RosterResult:
    """Outcome of `build_roster`.

    `objective`, `best_bound` and `lower_bound` are in objective units (the config's
    weights: under-coverage per missing agent-interval, cost per currency unit, ...).
    `gap` = (objective - best_bound) / objective (CP-SAT's own proof); `lower_bound` is the
    LP relaxation of the same model without the soft rules and `lower_bound_gap` =
    (objective - lower_bound) / objective (both None when the bound was not asked for).
    `soft_penalty`: the part of the objective from the soft rules (days off, start
    stability, fairness); the rest, `objective - soft_penalty`, is the staffing cost
    (coverage penalties and labour) that the bound is a bound on, and `staffing_gap` =
    (staffing cost - lower_bound) / staffing cost.
    Times in seconds. Frames: `roster` and `coverage` of DESIGN.md; `assignments` (extra:
    agent_id, interval_start, channel) says which channel each working agent covers per
    interval. `shortfall`: planner lines.
    """

    status: str
    objective: float
    best_bound: float
    gap: float
    wall_seconds: float
    first_feasible_seconds: float
    lower_bound: float | None
    lower_bound_gap: float | None
    soft_penalty: float
    staffing_gap: float | None
    roster: pd.DataFrame
    assignments: pd.DataFrame
    coverage: pd.DataFrame
    shortfall: tuple[str, ...]


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


def _complete(model: cp_model.CpModel, inst: RosterInstance, x, on_shift, cov, start: Solution, seconds: float,
              seed: int) -> tuple[int, list[int]] | None:
    """Complete a starting roster into a full solution of `model`: its shifts, breaks and
    channels fixed, only penalty variables left (solved at once); when its breaks or
    channels do not fit its shifts, they are solved for within `seconds` instead. (The
    LNS improves breaks and channels later, one day at a time.)"""
    fixed = [(var, int((a, s) in start.shift_of)) for a in range(len(inst.agents)) for s, var in x[a].items()]
    counts = Counter((inst.agent_group[a], s) for a, s in start.shift_of)
    pairs = ((counts, on_shift), (start.breaks, cov.breaks), (start.cover, cov.cover))
    hinted = [(var, source.get(key, 0)) for source, variables in pairs for key, var in variables.items()]
    return (complete_solution(model, fixed + hinted, [], max(seconds, 5.0), seed)
            or complete_solution(model, fixed, hinted, seconds, seed))


def _day_neighbourhoods(inst: RosterInstance, x, on_shift, cov) -> tuple[list, list[list[int]]]:
    """LNS decisions and neighbourhoods, one per day and skill group.

    Decisions: every shift, lunch and channel variable, the group counts per shift and
    the deferred channels' work done per interval (these follow from the others, but as
    decisions they keep each sub-model local: `cpsat_lns` stops at fixed decisions).
    Neighbourhood (day d, group g) frees the group's shifts on day d, every lunch and
    channel on day d, and the work done from day d on (before it, nothing changes)."""
    day_of_interval = np.minimum(np.arange(inst.horizon.n_intervals) * 7 // inst.horizon.week_intervals, 6)
    every_group, onwards = -1, -2  # tags of lunches and channels, and of work done
    decisions, day, tag = [], [], []
    for a in range(len(inst.agents)):
        for s, var in x[a].items():
            decisions.append(var)
            day.append(inst.shifts[s].day)
            tag.append(inst.agent_group[a])
    for (g, s), var in on_shift.items():
        decisions.append(var)
        day.append(inst.shifts[s].day)
        tag.append(g)
    for (_g, s, _p), var in cov.breaks.items():
        decisions.append(var)
        day.append(inst.shifts[s].day)
        tag.append(every_group)
    for (_g, _c, t), var in cov.cover.items():
        decisions.append(var)
        day.append(int(day_of_interval[t]))
        tag.append(every_group)
    for (_c, t), var in cov.done.items():
        decisions.append(var)
        day.append(int(day_of_interval[t]))
        tag.append(onwards)
    near = [[i for i, (d, k) in enumerate(zip(day, tag, strict=True))
             if (d == today and k in (every_group, g)) or (k == onwards and d >= today)]
            for today in range(7) for g in range(len(inst.groups))]
    return decisions, near


def _solution(inst: RosterInstance, x, cov, values: list[int]) -> Solution:
    """The roster in a full solution vector of the model."""
    return Solution(
        shift_of={(a, s) for a in range(len(inst.agents)) for s, var in x[a].items() if values[var.index]},
        breaks={k: values[v.index] for k, v in cov.breaks.items()},
        cover={k: values[v.index] for k, v in cov.cover.items()},
    )


def _relative_gap(objective: float, bound: float) -> float:
    return max(0.0, objective - bound) / max(abs(objective), 1e-9) if objective else 0.0


def build_roster(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: PlanningConfig, *,
                 previous_shift_ends: Mapping[str, pd.Timestamp] | None = None,
                 time_limit_seconds: float | None = None, workers: int | None = None,
                 seed: int | None = None, on_solution: ProgressCallback | None = None,
                 lower_bound: bool = True) -> RosterResult:
    """Roster `agents` for the config's week against the requirements frame's `staff`.

    `previous_shift_ends` maps agent_id to the end (tz-aware) of their last shift of the
    previous week, for the rest rule across the week boundary. `time_limit_seconds`,
    `workers` and `seed` override `[solver]`. `on_solution(objective, bound, seconds)` is
    called on each improving roster. Raises InputError when the hard rules leave no roster.
    """
    # ------------------------------------------------------------------ data
    started = time.perf_counter()
    inst = build_instance(requirements, agents, config, previous_shift_ends)
    shifts = inst.shifts
    model = cp_model.CpModel()

    # ------------------------------------------------------------------ variables
    x = [{s: model.NewBoolVar(f"x_{a}_{s}") for s in inst.allowed[a]} for a in range(len(agents))]
    members = [[a for a in range(len(agents)) if inst.agent_group[a] == g] for g in range(len(inst.groups))]
    on_shift = {}  # (g, s) -> agents of group g working shift s
    for g, group in enumerate(members):
        for s in range(len(shifts)):
            chosen = [x[a][s] for a in group if s in x[a]]
            if chosen:
                on_shift[g, s] = model.NewIntVar(0, len(chosen), f"n_{g}_{s}")
                model.Add(on_shift[g, s] == sum(chosen))
    # breaks per (group, shift, lunch start) and channel counts per (group, channel, interval)
    cov = add_coverage(model, inst, on_shift, [len(m) for m in members])

    # ------------------------------------------------------------------ hard rules
    for a in range(len(agents)):
        rules.agent_hard_rules(model, inst, a, x[a])

    # ------------------------------------------------------------------ soft rules
    soft: rules.Terms = []  # days off, start stability, fairness
    late_counts, weekend_counts = [], []
    for a in range(len(agents)):
        mine, late_count, weekend_count = rules.agent_soft_terms(model, inst, a, x[a])
        soft += mine
        late_counts += [late_count] if late_count is not None else []
        weekend_counts += [weekend_count] if weekend_count is not None else []
    soft += rules.shared_fairness_terms(model, inst, late_counts, weekend_counts)
    terms: rules.Terms = [*cov.terms, *soft]  # coverage: under (convex), over, idle; then the soft rules
    for a in range(len(agents)):  # labour cost last
        terms += rules.labour_cost_terms(x[a], {s: inst.shift_cost(a, s) for s in x[a]})

    # ------------------------------------------------------------------ objective
    model.Minimize(sum(coef * expr for expr, coef in terms))

    # ------------------------------------------------------------------ starting rosters
    # greedy roster (feasible at once), then the LP-guided one (`roster_lp_start`); each is
    # completed into a full solution of this model, the better kept
    limit = float(time_limit_seconds or config.solver.time_limit_seconds)
    n_workers = int(workers or config.solver.workers)
    seed = int(config.solver.seed if seed is None else seed)
    progress = _Progress(on_solution, started)
    elapsed = lambda: time.perf_counter() - started  # noqa: E731
    greedy = greedy_solution(inst)
    breaks, cover = cover_for(inst, greedy.shift_of, deadline=time.perf_counter() + HINT_SHARE * limit)
    if breaks or cover:  # lunches and channels from the coverage LP: it keeps up with the deferred plans
        greedy = Solution(greedy.shift_of, breaks, cover)
    best = _complete(model, inst, x, on_shift, cov, greedy, HINT_SHARE * limit, seed)
    if best is not None:
        progress.report(best[0] / SCALE, None)
    final = max(FINAL_SHARE * limit, 1.0)
    guided = lp_start(inst, LP_SHARE * limit, seed, deadline=started + limit - final - COMPLETE_SECONDS)
    # reshuffles (`roster_shuffle`: days off in blocks, stable starts, cheaper agents, at
    # no coverage cost) of the LP-guided start and of the polished roster, when the LNS has
    # time to spare: with little time per agent every second of LNS gains more
    shuffle = SHUFFLE_SHARE * limit if limit - elapsed() - final >= SHUFFLE_WHEN * len(agents) else 0.0
    if guided is not None and shuffle:
        dealt, _ = reshuffle(inst, guided.shift_of, shuffle, seed, deadline=started + limit - final - COMPLETE_SECONDS)
        guided = replace(guided, shift_of=dealt)
    if guided is not None:
        candidate = _complete(model, inst, x, on_shift, cov, guided, HINT_SHARE * limit, seed)
        if candidate is not None and (best is None or candidate[0] < best[0]):
            best = candidate
            progress.report(best[0] / SCALE, None)

    # ------------------------------------------------------------------ solve
    # polish by LNS (deterministic, one worker per sub-model): one day at a time, its
    # shifts (of one skill group), lunches and channels free and the rest of the week
    # fixed; then reshuffle each group's shifts among its agents (coverage unchanged) and
    # hand the result to a last CP-SAT run on the whole model for the status and the
    # proven bound
    if best is not None:
        decisions, near = _day_neighbourhoods(inst, x, on_shift, cov)
        after = 1.2 * shuffle + 1.0 if shuffle else 0.0  # the last reshuffle and its completion
        best = lns(model, decisions, near, best, limit - elapsed() - final - after,
                   seed, round_dtime=ROUND_DTIME, on_improve=lambda objective: progress.report(objective / SCALE, None))
        if shuffle:
            current = _solution(inst, x, cov, best[1])
            dealt, _ = reshuffle(inst, current.shift_of, shuffle, seed, deadline=started + limit - final)
            candidate = _complete(model, inst, x, on_shift, cov, replace(current, shift_of=dealt), COMPLETE_SECONDS,
                                  seed)
            if candidate is not None and candidate[0] < best[0]:
                best = candidate
                progress.report(best[0] / SCALE, None)
        set_hint(model, best[1])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(limit - elapsed(), 1.0)
    solver.parameters.num_workers = n_workers
    solver.parameters.random_seed = seed
    solver.parameters.interleave_search = n_workers > 1
    solver.parameters.linearization_level = 2
    status = solver.Solve(model, progress)
    wall = elapsed()
    if status == cp_model.INFEASIBLE or status == cp_model.MODEL_INVALID:
        raise InputError("", "no roster satisfies the hard rules (contract hours, rest, max days, "
                         "availability); relax them or check the agents file")
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found and (best is None or solver.ObjectiveValue() <= best[0]):
        best = int(round(solver.ObjectiveValue())), list(solver.response_proto.solution)
    elif best is None:
        raise InputError("", f"no roster found within {limit:g} s; raise the time limit (--time-limit)")
    else:  # the last run did not better the polished start (e.g. ran out of time loading it)
        status = cp_model.FEASIBLE

    # ------------------------------------------------------------------ report
    objective, values = best
    solution = _solution(inst, x, cov, values)
    # every soft-rule term is a single variable (an isolated day off, start changes, an excess)
    soft_penalty = sum(coef * values[expr.index] for expr, coef in soft)
    return _report(inst, solver, status, objective, soft_penalty, wall, progress, solution, lower_bound)


def _report(inst: RosterInstance, solver: cp_model.CpSolver, status: int, objective: int, soft_penalty: int,
            wall: float, progress: _Progress, solution: Solution, with_bound: bool) -> RosterResult:
    bound = solver.BestObjectiveBound()
    # every objective term is >= 0, so 0 is a valid bound when the last run proved none
    bound = min(bound, objective) / SCALE if np.isfinite(bound) and bound > 0 else 0.0
    objective, soft = objective / SCALE, soft_penalty / SCALE
    lower = lp_lower_bound(inst) if with_bound else None
    realised = realise(inst, solution)
    roster = roster_frame(inst, realised)
    assignments = assignments_frame(inst, realised)
    coverage = coverage_frame(inst, assignments)
    return RosterResult(
        status=solver.StatusName(status), objective=objective, best_bound=bound,
        gap=_relative_gap(objective, bound), wall_seconds=wall,
        first_feasible_seconds=progress.first if progress.first is not None else wall,
        lower_bound=lower, lower_bound_gap=None if lower is None else _relative_gap(objective, lower),
        soft_penalty=soft, staffing_gap=None if lower is None else _relative_gap(objective - soft, lower),
        roster=roster, assignments=assignments, coverage=coverage,
        shortfall=tuple(shortfall_report(inst, coverage, realised)),
    )

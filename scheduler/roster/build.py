"""Weekly named-agent rosters: `build_roster` lays out the instance, builds the CP-SAT
model (`model.model.build_model`), searches it (`search.strategy.solve_roster`) and reads
the result (`results`): the roster and coverage frames, the shortfall report and the
gaps to CP-SAT's bound and to the LP lower bound (`search.lower_bound`).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.model.instance import SCALE, RosterInstance, build_instance
from staffcast.scheduler.roster.model.model import build_model
from staffcast.scheduler.roster.model.previous import previous_week
from staffcast.scheduler.roster.model.shifts import local_timestamp
from staffcast.scheduler.roster.results.coverage import coverage_frame
from staffcast.scheduler.roster.results.realise import assignments_frame, realise, roster_frame
from staffcast.scheduler.roster.results.shortfall import shortfall_report
from staffcast.scheduler.roster.results.view import roster_shifts
from staffcast.scheduler.roster.search.lower_bound import ConcurrentBound
from staffcast.scheduler.roster.search.strategy import ProgressCallback, SearchOutcome, solve_roster

READ_OUT_COST = 0.25  # wall seconds reading the roster, coverage and shortfall out take, per second building the model


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
    Times in seconds. Frames: `roster` and `coverage` of docs/design.md; `assignments` (extra:
    agent_id, interval_start, channel) says which channel each working agent covers per
    interval. `shortfall`: planner lines. `week_boundary`: how the week's first hours are
    covered, in words (last week's shifts carried in, or lead-in shifts of this roster).
    `notes`: what the planner should know about how the result was reached (the time limit
    cut the deterministic search short; the LP bound did not finish in time). `teams`: one
    `roster.teams.TeamSummary` per team when the agents file has a `team` column (each team
    its own solve, `roster.teams.merge_results`), else empty.
    Everything but the `*_seconds` fields repeats for the same inputs, seed, workers and
    limit, unless a note says the limit cut the search.
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
    week_boundary: str
    notes: tuple[str, ...] = ()
    teams: tuple = ()


def build_roster(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: PlanningConfig, *,
                 previous_roster: pd.DataFrame | None = None,
                 previous_shift_ends: Mapping[str, pd.Timestamp] | None = None,
                 time_limit_seconds: float | None = None, workers: int | None = None,
                 seed: int | None = None, on_solution: ProgressCallback | None = None,
                 lower_bound: bool = True) -> RosterResult:
    """Roster `agents` for the config's week against the requirements frame's `staff`.

    The week boundary: `previous_roster` (last week's roster frame, as `run` or
    `schedule` wrote it, checked by `inputs.frames.read_previous_roster`) carries its
    shifts that run into this week in as fixed coverage, and its ends bind the rest rule
    and days off in blocks; without it, shifts may start on the day before the week
    (lead-in) to cover its first hours. `previous_shift_ends` maps agent_id to the end
    (tz-aware) of a last shift of the previous week, for the rest rule alone.
    `time_limit_seconds`, `workers` and `seed` override `[solver]`; the limit is a
    wall-clock cap on this whole call, from laying out the instance to the frames read
    out. `on_solution(objective, bound, seconds)` is called on each improving roster.
    Raises InputError when the hard rules leave no roster, or none was found in time.
    """
    started = time.perf_counter()
    previous = None
    if previous_roster is not None:
        origin = local_timestamp(config, config.week_start, 0)
        previous = previous_week(roster_shifts(previous_roster, config.timezone), config.week_start, origin)
    limit = float(config.solver.time_limit_seconds if time_limit_seconds is None else time_limit_seconds)
    if not (math.isfinite(limit) and limit > 0):
        raise InputError("", f"time limit: expected seconds > 0, got {limit:g}")
    inst = build_instance(requirements, agents, config, previous_shift_ends, previous)
    with ConcurrentBound(inst, enabled=lower_bound) as bound:  # the LP bound on the other core meanwhile
        roster_model = build_model(inst)
        built = time.perf_counter() - started
        reserve = READ_OUT_COST * built  # reading the roster out after the search, inside the limit
        outcome = solve_roster(roster_model, limit=limit, workers=int(workers or config.solver.workers),
                               seed=int(config.solver.seed if seed is None else seed),
                               on_solution=on_solution, started=started, built_seconds=built, reserve=reserve)
        lower = bound.result(deadline=started + limit - reserve)
    notes = []
    if outcome.cut:
        notes.append("the time limit cut the search short of its deterministic budget: the roster may depend "
                     "on the machine's load; raise --time-limit for a repeatable one")
    if lower_bound and lower is None:
        notes.append("the LP lower bound did not finish within the time limit")
    return _result(inst, outcome, roster_model.soft_penalty(outcome.values), roster_model.solution(outcome.values),
                   lower, tuple(notes))


def relative_gap(objective: float, bound: float) -> float:
    """(objective - bound) / objective, 0 when below the bound or the objective is 0."""
    return max(0.0, objective - bound) / max(abs(objective), 1e-9) if objective else 0.0


def _result(inst: RosterInstance, outcome: SearchOutcome, soft_penalty: int, solution, lower: float | None,
            notes: tuple[str, ...]) -> RosterResult:
    objective, bound, soft = outcome.objective / SCALE, outcome.bound / SCALE, soft_penalty / SCALE
    realised = realise(inst, solution)
    assignments = assignments_frame(inst, realised)
    coverage = coverage_frame(inst, assignments)
    return RosterResult(
        status=outcome.status, objective=objective, best_bound=bound,
        gap=relative_gap(objective, bound), wall_seconds=outcome.wall_seconds,
        first_feasible_seconds=outcome.first_seconds,
        lower_bound=lower, lower_bound_gap=None if lower is None else relative_gap(objective, lower),
        soft_penalty=soft, staffing_gap=None if lower is None else relative_gap(objective - soft, lower),
        roster=roster_frame(inst, realised), assignments=assignments, coverage=coverage,
        shortfall=tuple(shortfall_report(inst, coverage, realised)),
        week_boundary=_week_boundary(inst, realised), notes=notes,
    )


def _week_boundary(inst: RosterInstance, realised) -> str:
    """How the roster covers the week's first hours, for the planner."""
    if not inst.lead_in:
        return (f"last week's roster carried in: {len(inst.carried)} agents on shifts that run into "
                f"{inst.config.week_start:%a %d %b} count as coverage, its ends bind the rest rule")
    before = inst.config.week_start - dt.timedelta(days=1)
    taken = sum(1 for _a, s in realised.shifts if inst.shifts[s].day < 0)
    if not any(shift.day < 0 for shift in inst.shifts):
        return "no previous roster given; no shift of the day before reaches into the week"
    return (f"no previous roster given: {taken} shifts start on {before:%a %d %b} (lead-in) to cover the week's "
            f"first hours; they count toward this week's hours and rules")

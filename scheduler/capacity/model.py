"""The hiring-plan MIP: when to start classes of new hires, and how large, per skill group.

For one skill group over weeks t = 0..N-1 (docs/design.md, "Capacity planning"):

    s_t   integer class size starting in week t, s_t = 0 or class_min <= s_t <= class_max,
          and s_t = 0 for t < lead_weeks (a binary y_t opens the class)
    heads_t = H0 (1-a)^t + sum_{tau<=t} s_tau (1-a)^(t-tau)
    p_t     = H0 (1-a)^t + sum_{tau<=t} s_tau (1-a)^(t-tau) prod(t-tau)
    0 <= o_t <= overtime_max_share * p_t                    overtime FTE
    u_t >= required_t - p_t - o_t,  u_t >= 0                 shortfall FTE
    minimise sum_t [c_fte heads_t + f_ot c_fte o_t + c_short u_t] + c_hire sum_t s_t

`prod(k)` is 0 in training, then the ramp, then 1 (`supply.productivity_by_age`). Skill
groups share nothing, so each is its own model, solved by SCIP through OR-Tools' pywraplp
to a zero relative and absolute gap: the exact minimum of the cost. `heads` and `p` are
expected values, fractional.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.capacity_config import CapacityConfig
from staffcast.scheduler.capacity.supply import cohort_matrices, existing_heads

PLAN_COLUMNS = ("week_start", "skill", "fte_required", "heads", "productive_fte", "hires",
                "overtime_fte", "shortfall_fte", "cost")


@dataclass(frozen=True)
class SkillSolve:
    """How one skill group's MIP ended: SCIP's status, the plan's cost (currency), SCIP's
    proven bound, the relative gap and the solve's wall time (seconds)."""

    skill: str
    status: str
    objective: float
    best_bound: float
    gap: float
    wall_seconds: float


@dataclass(frozen=True)
class CapacityPlan:
    """The hiring plan: `plan` has PLAN_COLUMNS (one row per week and skill group) plus
    `in_training` (heads still in training); `solves` one SkillSolve per skill group;
    `cost` the total (currency)."""

    plan: pd.DataFrame
    solves: tuple[SkillSolve, ...]
    cost: float
    wall_seconds: float


_STATUS = {0: "OPTIMAL", 1: "FEASIBLE", 2: "INFEASIBLE", 3: "UNBOUNDED", 4: "ABNORMAL", 6: "NOT_SOLVED"}


def _variables(solver, capacity: CapacityConfig, weeks: int):
    """Class sizes s_t (integer) and their open flags y_t, from week lead_weeks on."""
    low, high = capacity.class_size
    sizes, opens = {}, {}
    for t in range(capacity.lead_weeks, weeks):
        sizes[t] = solver.IntVar(0, high, f"class_size_w{t}")
        opens[t] = solver.BoolVar(f"class_opens_w{t}")
        solver.Add(sizes[t] >= low * opens[t], f"class_min_w{t}")
        solver.Add(sizes[t] <= high * opens[t], f"class_max_w{t}")
    return sizes, opens


def _supply_terms(capacity: CapacityConfig, sizes: Mapping[int, object], heads_today: float, weeks: int):
    """heads_t and p_t as linear expressions of the class sizes."""
    heads_m, prod_m, _ = cohort_matrices(capacity, weeks)
    today = existing_heads(capacity, heads_today, weeks)
    heads, productive = [], []
    for t in range(weeks):
        started = [tau for tau in sizes if tau <= t]
        heads.append(today[t] + sum(float(heads_m[t, tau]) * sizes[tau] for tau in started))
        productive.append(today[t] + sum(float(prod_m[t, tau]) * sizes[tau] for tau in started
                                         if prod_m[t, tau] > 0))
    return heads, productive


def _overtime_and_shortfall(solver, capacity: CapacityConfig, required: np.ndarray, productive):
    """Overtime o_t (capped by a share of p_t) and shortfall u_t >= required_t - p_t - o_t."""
    overtime, shortfall = [], []
    for t, need in enumerate(required):
        o = solver.NumVar(0.0, solver.infinity(), f"overtime_w{t}")
        u = solver.NumVar(0.0, solver.infinity(), f"shortfall_w{t}")
        solver.Add(o <= capacity.overtime_max_share * productive[t], f"overtime_cap_w{t}")
        solver.Add(u >= float(need) - productive[t] - o, f"shortfall_w{t}")
        overtime.append(o)
        shortfall.append(u)
    return overtime, shortfall


def _value(expr) -> float:
    return float(expr.solution_value()) if hasattr(expr, "solution_value") else float(expr)


def solve_skill(required: np.ndarray, heads_today: float, capacity: CapacityConfig, *,
                skill: str = "", time_limit_seconds: float = 600.0) -> tuple[dict[str, np.ndarray], SkillSolve]:
    """The optimal plan of one skill group: weekly arrays (hires, heads, productive_fte,
    in_training, overtime_fte, shortfall_fte, cost) and how the solve ended."""
    from ortools.linear_solver import pywraplp

    started = time.perf_counter()
    required = np.asarray(required, dtype=float)
    weeks = len(required)
    solver = pywraplp.Solver.CreateSolver("SCIP")
    solver.SetNumThreads(1)
    solver.SetTimeLimit(int(time_limit_seconds * 1000))
    solver.SetSolverSpecificParametersAsString("limits/gap = 0\nlimits/absgap = 0\nrandomization/randomseedshift = 0\n")

    sizes, opens = _variables(solver, capacity, weeks)
    heads, productive = _supply_terms(capacity, sizes, heads_today, weeks)
    overtime, shortfall = _overtime_and_shortfall(solver, capacity, required, productive)

    fte = capacity.cost_per_fte_week
    week_cost = [fte * heads[t] + capacity.overtime_cost_factor * fte * overtime[t]
                 + capacity.shortfall_cost_per_fte_week * shortfall[t] for t in range(weeks)]
    hire_cost = [capacity.cost_per_hire * sizes[t] if t in sizes else 0.0 for t in range(weeks)]
    solver.Minimize(solver.Sum([w + h for w, h in zip(week_cost, hire_cost, strict=True)]))

    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
    status = solver.Solve(params)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise RuntimeError(f"hiring plan of {skill or 'a skill group'}: SCIP ended {_STATUS.get(status, status)}")
    hires = np.array([round(sizes[t].solution_value()) if t in sizes else 0 for t in range(weeks)], dtype=float)
    from staffcast.scheduler.capacity.supply import supply

    got = supply(capacity, heads_today, hires)
    o = np.array([v.solution_value() for v in overtime])
    u = np.array([v.solution_value() for v in shortfall])
    cost = (fte * got["heads"] + capacity.overtime_cost_factor * fte * o
            + capacity.shortfall_cost_per_fte_week * u + capacity.cost_per_hire * hires)
    objective = float(solver.Objective().Value())
    bound = float(solver.Objective().BestBound())
    result = {"hires": hires, **got, "overtime_fte": o, "shortfall_fte": u, "cost": cost}
    return result, SkillSolve(skill, _STATUS.get(status, str(status)), objective, bound,
                              abs(objective - bound) / abs(objective) if objective else 0.0,
                              time.perf_counter() - started)


def plan_hiring(required: pd.DataFrame, heads_today: Mapping[str, float], capacity: CapacityConfig, *,
                time_limit_seconds: float = 600.0) -> CapacityPlan:
    """The hiring plan for a weekly requirement frame (`week_start`, `skill`,
    `fte_required`; the same consecutive weeks for every skill) and today's heads per skill
    group (a group missing from `heads_today` starts from 0)."""
    started = time.perf_counter()
    frames, solves = [], []
    for skill, part in required.groupby("skill", sort=False):
        part = part.sort_values("week_start")
        arrays, solved = solve_skill(part["fte_required"].to_numpy(float), float(heads_today.get(skill, 0.0)),
                                     capacity, skill=str(skill), time_limit_seconds=time_limit_seconds)
        frame = pd.DataFrame({"week_start": part["week_start"].to_numpy(), "skill": skill,
                              "fte_required": part["fte_required"].to_numpy(float), **arrays})
        frames.append(frame)
        solves.append(solved)
    plan = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PLAN_COLUMNS)
    plan["hires"] = plan["hires"].astype(int)
    plan = plan[[*PLAN_COLUMNS, "in_training"]]
    return CapacityPlan(plan, tuple(solves), float(plan["cost"].sum()), time.perf_counter() - started)

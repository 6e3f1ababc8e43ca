"""Complete hints for CP-SAT: turn a partial start (some variables fixed, some hinted)
into a value for every variable of a model, and install it as the model's hint.

A complete, feasible hint is taken by CP-SAT as its first solution at once, where a
partial one may be lost while the search fills in the rest.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from staffcast.interrupt import solve_cp
from staffcast.scheduler.roster.search.solver import cpsat_solver


def complete_solution(model: cp_model.CpModel, fixed, hinted, dtime: float, seed: int, *,
                      seconds: float | None = None) -> tuple[int, list[int]] | None:
    """Solve a copy of `model` with `fixed` (var, value) pairs fixed and `hinted` ones
    hinted (one worker, `dtime` deterministic seconds at most, `seconds` of wall time as a
    cap). Returns (objective, every variable's value) or None when the copy finds no
    solution in time."""
    copy = model.clone()
    for var, value in fixed:
        copy.Add(copy.get_int_var_from_proto_index(var.index) == int(value))
    for var, value in hinted:
        copy.AddHint(copy.get_int_var_from_proto_index(var.index), int(value))
    solver = cpsat_solver(seed=seed, dtime=max(dtime, 0.5), seconds=None if seconds is None else max(seconds, 0.05))
    status = solve_cp(solver, copy)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return int(round(solver.ObjectiveValue())), list(solver.response_proto.solution)


def set_hint(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint every variable of `model` (values in proto order, as `complete_solution` returns)."""
    model.ClearHints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)

"""Every CP-SAT solver of the roster search is set up here, through `solver.parameters`.

One function names the settings the stages differ in: workers, seed, deterministic and
wall-clock limits, cuts, presolve effort.
"""

from __future__ import annotations

from ortools.sat.python import cp_model


def cpsat_solver(*, seed: int, workers: int = 1, dtime: float | None = None, seconds: float | None = None,
                 cuts: bool = True, light_presolve: bool = False) -> cp_model.CpSolver:
    """A CP-SAT solver with the roster search's settings.

    `dtime`: CP-SAT's deterministic-time limit (reproducible work; None: none);
    `seconds`: wall-clock limit in seconds (None: none); `workers` > 1 runs CP-SAT's
    deterministic parallel mode (`interleave_search`); `cuts` sets linearization level 2,
    whose cuts make the covering LP of these models near-integral (without: CP-SAT's
    default level 1, enough for the reshuffle's small assignment models); `light_presolve` skips probing and
    symmetry detection, which cost wall time and find little on small, mostly fixed
    sub-models.
    """
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = workers
    solver.parameters.interleave_search = workers > 1
    if cuts:
        solver.parameters.linearization_level = 2
    if dtime is not None:
        solver.parameters.max_deterministic_time = dtime
    if seconds is not None:
        solver.parameters.max_time_in_seconds = seconds
    if light_presolve:
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
    return solver

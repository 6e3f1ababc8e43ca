"""The week's roster for `schedule` and `run`: one solve, or one solve per team fanned out.

Without a `team` column in the agents file this is `build_roster` as it is. With one,
each team (`scheduler.roster.teams.split_teams`: its agents, its channels, its share of
the time limit) is one task of `staffcast.fanout.map_queues` - serially in-process by
default, on a local Dask cluster of `workers` processes, or on the cluster at `scheduler`
- and the results are merged into one `RosterResult` (`merge_results`), the same bytes
whatever ran the tasks: each team's search is budgeted in deterministic work from its
own limit, and CP-SAT's `search_workers` are the same for every team.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from staffcast.config import PlanningConfig


@dataclass(frozen=True)
class _InProcess:
    """A team solve that may start the LP bound's child process: a Dask worker is a daemonic
    process, which Python forbids children, so the flag is lifted for the solve (the child
    is stopped when the solve ends)."""

    solve: Callable

    def __call__(self, team):
        process = multiprocessing.current_process()
        daemon = process.daemon
        if daemon:
            process.daemon = False
        try:
            return self.solve(team)
        finally:
            if daemon:
                process.daemon = True


def roster_week(requirements: pd.DataFrame, agents, config: PlanningConfig, *,
                previous_roster: pd.DataFrame | None = None, time_limit_seconds: float | None = None,
                search_workers: int | None = None, seed: int | None = None, on_solution=None,
                lower_bound: bool = True, workers: int | None = None, scheduler: str | None = None,
                progress: Callable[[int, int], None] | None = None):
    """The `RosterResult` of the week. `time_limit_seconds` (default `[solver]`): the wall-clock
    cap on the whole roster stage, shared among teams by their agents; `search_workers` and
    `seed` override `[solver]` for every solve; `on_solution(objective, bound, seconds)` is
    called during a single solve only; `progress(done, total)` counts teams done."""
    from staffcast.fanout import map_queues
    from staffcast.scheduler.roster.build import build_roster
    from staffcast.scheduler.roster.teams import TeamSolve, has_teams, merge_results, split_teams

    if not has_teams(agents):
        return build_roster(requirements, agents, config, previous_roster=previous_roster,
                            time_limit_seconds=time_limit_seconds, workers=search_workers, seed=seed,
                            on_solution=on_solution, lower_bound=lower_bound)
    started = time.perf_counter()
    limit = float(config.solver.time_limit_seconds if time_limit_seconds is None else time_limit_seconds)
    teams = split_teams(agents, config, limit)
    task = _InProcess(TeamSolve(requirements, previous_roster, None, search_workers, seed, lower_bound))
    results = map_queues(task, teams, workers=workers, scheduler=scheduler, progress=progress)
    return merge_results(teams, results, agents, config, time.perf_counter() - started)

"""Rosters per team: when the agents file has a `team` column, each team is its own roster solve.

A team covers the channels its agents have skills for (`inputs.agents` refuses a channel
served by agents of two teams); a channel no agent has the skill for goes with the first
team, where it stays uncovered as it would in one solve. `split_teams` lays the teams
out: each with its agents, the config restricted to its channels, and its share of the
time limit, `limit x team agents / all agents` (seconds), which is both the team's
deterministic search budget and its wall-clock cap; it does not depend on who runs the
teams, and run one after the other they fit in the limit. `TeamSolve` is one team's
`build_roster` on its channels' requirements and its agents' rows of last week's roster;
`merge_results` makes one `RosterResult` of the teams' results, in the agents file's and
the config's order, so every export reads it as one roster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.build import RosterResult, build_roster, relative_gap


@dataclass(frozen=True)
class Team:
    """One team's roster problem: its name, agents (file order), the config restricted to
    its channels (config order) and its time limit in seconds."""

    name: str
    agents: tuple[Agent, ...]
    config: PlanningConfig
    limit: float


@dataclass(frozen=True)
class TeamSummary:
    """One team's solve: CP-SAT status, objective and bound (objective units), relative gap."""

    team: str
    agents: int
    status: str
    objective: float
    best_bound: float
    gap: float


def has_teams(agents: Sequence[Agent]) -> bool:
    """Whether the agents came from a file with a `team` column."""
    return any(agent.team for agent in agents)


def split_teams(agents: Sequence[Agent], config: PlanningConfig, limit: float) -> tuple[Team, ...]:
    """The teams in order of their first agent in the file (see the module docstring)."""
    names = list(dict.fromkeys(agent.team for agent in agents))
    members = {name: tuple(a for a in agents if a.team == name) for name in names}
    served = {name: set().union(*(a.channels for a in members[name])) for name in names}
    served[names[0]] |= set(config.channel_names) - set().union(*served.values())
    return tuple(Team(name, members[name], replace(config, channels=tuple(c for c in config.channels
                                                                        if c.name in served[name])),
                      limit * len(members[name]) / len(agents))
                 for name in names)


@dataclass(frozen=True)
class TeamSolve:
    """`build_roster` of one team (the task the fan-out runs): the requirements' rows of its
    channels, its agents' rows of last week's roster and their shift ends; `workers` and
    `seed` are CP-SAT's, the same for every team."""

    requirements: pd.DataFrame
    previous_roster: pd.DataFrame | None = None
    previous_shift_ends: Mapping[str, pd.Timestamp] | None = None
    workers: int | None = None
    seed: int | None = None
    lower_bound: bool = True

    def __call__(self, team: Team) -> RosterResult:
        ids = {agent.agent_id for agent in team.agents}
        needs = self.requirements[self.requirements["channel"].isin(team.config.channel_names)]
        previous = self.previous_roster
        if previous is not None:
            previous = previous[previous["agent_id"].isin(ids)].reset_index(drop=True)
        ends = None if self.previous_shift_ends is None else {
            k: v for k, v in self.previous_shift_ends.items() if k in ids}
        try:
            return build_roster(needs.reset_index(drop=True), team.agents, team.config, previous_roster=previous,
                                previous_shift_ends=ends, time_limit_seconds=team.limit, workers=self.workers,
                                seed=self.seed, lower_bound=self.lower_bound)
        except InputError as exc:
            raise InputError(exc.file, f"team {team.name!r}: {exc.message}", row=exc.row, column=exc.column) from None


def merge_results(teams: Sequence[Team], results: Sequence[RosterResult], agents: Sequence[Agent],
                  config: PlanningConfig, wall_seconds: float) -> RosterResult:
    """One result of the teams' results: roster and assignments in the agents file's order,
    coverage in the config's channel order, objective, bounds and soft penalty summed (the
    teams share no agent and no channel, so the sums are the whole roster's), status
    OPTIMAL only when every team's is, `first_feasible_seconds` the slowest team's,
    `wall_seconds` the caller's, shortfall, week boundary and notes per team, and `teams`."""
    rank = {agent.agent_id: i for i, agent in enumerate(agents)}
    channel_rank = {name: i for i, name in enumerate(config.channel_names)}

    def ordered(frames: list[pd.DataFrame], key: str, ranks: dict) -> pd.DataFrame:
        # a team without shifts has an empty frame of untyped columns: left out, it keeps the dtypes
        frame = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
        order = frame[key].map(ranks).to_numpy()
        return frame.iloc[order.argsort(kind="stable")].reset_index(drop=True)

    objective = sum(r.objective for r in results)
    bound = sum(r.best_bound for r in results)
    soft = sum(r.soft_penalty for r in results)
    lower = None if any(r.lower_bound is None for r in results) else sum(r.lower_bound for r in results)
    statuses = {r.status for r in results}
    boundaries = list(dict.fromkeys(r.week_boundary for r in results))
    week_boundary = boundaries[0] if len(boundaries) == 1 else "; ".join(
        f"team {t.name}: {r.week_boundary}" for t, r in zip(teams, results, strict=True))
    notes = tuple(f"team {t.name}: {note}" for t, r in zip(teams, results, strict=True) for note in r.notes)
    return RosterResult(
        status=statuses.pop() if len(statuses) == 1 else "FEASIBLE", objective=objective, best_bound=bound,
        gap=relative_gap(objective, bound), wall_seconds=wall_seconds,
        first_feasible_seconds=max(r.first_feasible_seconds for r in results),
        lower_bound=lower, lower_bound_gap=None if lower is None else relative_gap(objective, lower),
        soft_penalty=soft, staffing_gap=None if lower is None else relative_gap(objective - soft, lower),
        roster=ordered([r.roster for r in results], "agent_id", rank),
        assignments=ordered([r.assignments for r in results], "agent_id", rank),
        coverage=ordered([r.coverage for r in results], "channel", channel_rank),
        shortfall=tuple(line for r in results for line in r.shortfall),
        week_boundary=week_boundary, notes=notes,
        teams=tuple(TeamSummary(t.name, len(t.agents), r.status, r.objective, r.best_bound, r.gap)
                    for t, r in zip(teams, results, strict=True)),
    )

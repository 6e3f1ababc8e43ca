"""One roster problem laid out as arrays: what the CP-SAT model and the LP bound share.

Agents with the same skill set form a *skill group*; coverage is modelled per group
(how many of the group's agents work each interval and on which channel), individual
agents only through their shifts. Objective coefficients are integers: every weight of
the config is multiplied by `SCALE` and rounded, so the CP-SAT objective divided by
`SCALE` is in the config's units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.model.demand import Demand, demand_arrays
from staffcast.scheduler.roster.model.previous import PreviousWeek
from staffcast.scheduler.roster.model.shifts import (
    Horizon,
    Shift,
    break_intervals,
    build_horizon,
    enumerate_shifts,
    local_minutes,
    shift_dates,
)

SCALE = 100
# The k-th missing agent of a channel in one interval costs UNDER_SLOPES[k-1] times the
# channel's under-coverage weight (the last slope applies to every deeper one): convex.
UNDER_SLOPES = (1.0, 1.5, 2.0, 2.5, 3.0)


@dataclass(frozen=True)
class RosterInstance:
    """Grid, shift candidates, demand and agents of one roster problem.

    `assignable[c, t]`: an agent may cover channel c in interval t (queue channels only
    while open; deferred channels at any time since their work waits). `allowed[a]`:
    shift indices agent a may work (availability, last week's rest). `rest_conflicts[s]`:
    per later day, the shifts that start less than `min_rest_hours` after shift s ends.
    The week boundary: `carried` holds, per agent index, the grid intervals in which a
    shift of last week's roster still has them on duty (not on a break) - fixed coverage;
    `worked_before` the agents who worked the day before the week (for days off in
    blocks); without last week's roster the shifts may include lead-in shifts (day -1).
    """

    config: PlanningConfig
    horizon: Horizon
    shifts: tuple[Shift, ...]
    agents: tuple[Agent, ...]
    demand: Demand
    open: np.ndarray
    assignable: np.ndarray
    groups: tuple[frozenset[str], ...]
    agent_group: tuple[int, ...]
    allowed: tuple[tuple[int, ...], ...]
    rest_conflicts: tuple[dict[int, tuple[int, ...]], ...]
    carried: tuple[tuple[int, tuple[int, ...]], ...] = ()
    worked_before: frozenset[int] | None = None

    @property
    def channels(self) -> tuple[str, ...]:
        return self.config.channel_names

    def group_channels(self, g: int) -> tuple[int, ...]:
        return tuple(c for c, name in enumerate(self.channels) if name in self.groups[g])

    # ------------------------------------------------------------ objective coefficients
    def under_costs(self, c: int) -> tuple[int, ...]:
        """Integer cost of the 1st, 2nd, ... missing agent of queue channel c in one interval
        (deferred channels: `under_costs(c)[0]` per agent-interval not done in the horizon,
        and `late_cost(c)` per agent-interval and interval behind the plan)."""
        base = self.config.weights.under_coverage * self.config.channels[c].importance * SCALE
        return tuple(int(round(base * s)) for s in UNDER_SLOPES)

    def short_interval_cost(self, c: int) -> int:
        """Integer cost of an interval of queue channel c below its requirement at all, once
        however many agents it misses (`[weights] short_interval` missing agents' worth at the
        channel's flat cost); 0 for deferred channels, whose work waits."""
        if self.config.channels[c].kind == "deferred":
            return 0
        return int(round(self.config.weights.short_interval * self.under_costs(c)[0]))

    def late_cost(self, c: int) -> int:
        """Integer cost of one agent-interval of deferred channel c's work for every open
        interval the roster stays behind the staffing plan: the channel's full
        under-coverage weight, as a missing agent on a queue of the same importance."""
        return self.under_costs(c)[0]

    def deferred_curves(self, c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Deferred channel c's open intervals over the horizon (grid indices, in order) and,
        cumulative up to the end of each (agents on shift x intervals, like `staff`), the
        work due and the work arrived.

        Due: the staffing plan's own `staff` (`staffing.deferred` plans it to answer every
        contact within `response_hours`, with the margin integer staffing adds; a roster
        cut to the bare work loses that margin and misses the deadlines in simulation).
        The roster may work ahead
        of the plan but only on work that has arrived: from the requirements' `volume` x
        `aht_seconds` (agent-seconds, shrinkage added back as `staff` does) arriving in, or
        before when closed, each open interval; never less than the plan (nor, without
        volumes, more).
        """
        positions = np.flatnonzero(self.open[c])
        planned = np.cumsum(self.demand.staff[c, positions])
        work = self.demand.volume[c] * self.demand.aht_seconds[c]
        if work.sum() <= 0:
            return positions, planned, planned
        rank = np.searchsorted(positions, np.arange(len(work)))  # open rank at or after each interval
        inside = rank < len(positions)  # arrivals after the last opening are next week's
        arrived = np.cumsum(np.bincount(rank[inside], weights=work[inside], minlength=len(positions)))
        per_staff = self.config.interval_minutes * 60.0 * (1.0 - self.config.channels[c].shrinkage)
        arrived = np.maximum(np.ceil(arrived / per_staff - 1e-6).astype(np.int64), planned)
        return positions, planned, arrived

    def contract_minutes(self, a: int) -> tuple[int, int]:
        """Agent a's contract as whole paid minutes per week (min, max)."""
        agent = self.agents[a]
        return (int(np.ceil(agent.min_hours_week * 60 - 1e-6)), int(np.floor(agent.max_hours_week * 60 + 1e-6)))

    @property
    def over_cost(self) -> int:
        """Integer cost of one agent-interval above the requirement (or idle)."""
        return int(round(self.config.weights.over_coverage * SCALE))

    @property
    def days(self) -> tuple[int, ...]:
        """The days shifts start on: the week's 0..6, and -1 where lead-in shifts exist."""
        return tuple(sorted({shift.day for shift in self.shifts} | set(range(7))))

    @property
    def lead_in(self) -> bool:
        """Whether the week's first hours are covered by lead-in shifts of this roster
        (no previous roster), rather than by last week's shifts carried in."""
        return self.worked_before is None

    @property
    def break_intervals(self) -> int:
        """Length of the lunch break in grid intervals."""
        return break_intervals(self.config)

    def working(self, on_shift: Mapping[tuple[int, int], Any],
                breaks: Mapping[tuple[int, int, int], Any]) -> list[list[list[Any]]]:
        """Agents on shift and not on their lunch, per skill group and interval, as terms
        to add up: `working[g][t]` holds `on_shift[g, s]` for every shift s covering t and
        `-breaks[g, s, p]` for every lunch starting at p that covers t. The counts may be
        CP-SAT or LP variables, or numbers."""
        n_t = self.horizon.n_intervals
        brk = self.break_intervals
        working: list[list[list[Any]]] = [[[] for _ in range(n_t)] for _ in self.groups]
        for (g, s), count in on_shift.items():
            for t in range(self.shifts[s].start, min(self.shifts[s].end, n_t)):
                working[g][t].append(count)
        for (g, _s, p), count in breaks.items():
            for t in range(p, min(p + brk, n_t)):
                working[g][t].append(-count)
        for a, intervals in self.carried:
            for t in intervals:
                working[self.agent_group[a]][t].append(1)
        return working

    def shift_cost(self, a: int, s: int) -> int:
        """Integer labour cost of agent a working shift s."""
        return int(round(self.config.weights.cost * self.agents[a].cost_per_hour
                         * self.shifts[s].hours * SCALE))


def _allowed_shifts(config, horizon, shifts, agent: Agent, previous_end) -> tuple[int, ...]:
    rest = pd.Timedelta(hours=config.rules.min_rest_hours)
    allowed = []
    for s, shift in enumerate(shifts):
        if not all(agent.available_on(d) for d in shift_dates(config, shift, horizon)):
            continue
        if previous_end is not None and horizon.stamp(shift.first) < previous_end + rest:
            continue
        allowed.append(s)
    return tuple(allowed)


def _rest_conflicts(config, shifts) -> tuple[dict[int, tuple[int, ...]], ...]:
    rest_minutes = config.rules.min_rest_hours * 60
    step = config.interval_minutes
    out = []
    for shift in shifts:
        conflicts: dict[int, list[int]] = {}
        for s2, later in enumerate(shifts):
            if later.day > shift.day and (later.start - shift.end) * step < rest_minutes:
                conflicts.setdefault(later.day, []).append(s2)
        out.append({day: tuple(v) for day, v in conflicts.items()})
    return tuple(out)


def check_contracts(config: PlanningConfig, agents, allowed, shifts) -> None:
    """Raise InputError when an agent's minimum hours cannot be reached on the days and
    shifts open to them (no roster could then exist)."""
    for agent, mine in zip(agents, allowed, strict=True):
        best_per_day: dict[int, float] = {}
        for s in mine:
            best_per_day[shifts[s].day] = max(best_per_day.get(shifts[s].day, 0.0), shifts[s].hours)
        best = sum(sorted(best_per_day.values(), reverse=True)[: config.rules.max_days_per_week])
        if best + 1e-9 < agent.min_hours_week:
            raise InputError("", f"agent {agent.agent_id} needs {agent.min_hours_week:g} h but at most "
                             f"{best:g} h fit the days and shifts open to them", column="min_hours_week")
        lengths = sorted({shifts[s].hours for s in mine})
        if agent.min_hours_week > 0 and not _reachable(agent.min_hours_week, agent.max_hours_week, lengths,
                                                       min(len(best_per_day), config.rules.max_days_per_week)):
            raise InputError("", f"agent {agent.agent_id}: no sum of shift lengths {lengths} h lies between "
                             f"{agent.min_hours_week:g} and {agent.max_hours_week:g} h", column="max_hours_week")


def _reachable(low: float, high: float, lengths: list[float], days: int) -> bool:
    """True when some sum of at most `days` shift lengths (hours) lies in [low, high]."""
    sums = {0.0}
    for _ in range(days):
        sums |= {round(x + h, 6) for x in sums for h in lengths}
    return any(low - 1e-9 <= x <= high + 1e-9 for x in sums)


def build_instance(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: PlanningConfig,
                   previous_shift_ends: Mapping[str, pd.Timestamp] | None = None,
                   previous_week: PreviousWeek | None = None) -> RosterInstance:
    """Lay out the roster problem; raise InputError on contradictions in the inputs.

    `previous_week` (last week's roster): its shifts that run into this week are fixed
    coverage and its ends bind the rest rule; without it, lead-in shifts (starting the
    day before the week) may cover the week's first hours. `previous_shift_ends` adds
    ends for the rest rule alone (agent_id -> tz-aware end)."""
    horizon = build_horizon(config)
    shifts = enumerate_shifts(config, horizon, lead_in=previous_week is None)
    demand = demand_arrays(requirements, config, horizon)
    minutes = local_minutes(horizon.stamps())
    open_ = np.array([[ch.is_open_at(int(m)) for m in minutes] for ch in config.channels], dtype=bool)
    deferred = np.array([ch.kind == "deferred" for ch in config.channels])
    assignable = open_ | deferred[:, None]
    groups: list[frozenset[str]] = []
    for agent in agents:
        if agent.channels not in groups:
            groups.append(agent.channels)
    groups.sort(key=lambda g: (len(g), sorted(g)))
    agent_group = tuple(groups.index(a.channels) for a in agents)
    previous = dict(previous_shift_ends or {})
    if previous_week is not None:
        for agent_id, end in previous_week.last_end.items():
            previous[agent_id] = max(end, previous.get(agent_id, end))
    allowed = tuple(_allowed_shifts(config, horizon, shifts, a, previous.get(a.agent_id)) for a in agents)
    check_contracts(config, agents, allowed, shifts)
    carried, worked_before = (), None
    if previous_week is not None:
        carried = tuple((a, intervals) for a, agent in enumerate(agents)
                        if (intervals := previous_week.intervals_on_duty(agent.agent_id, horizon)))
        worked_before = frozenset(a for a, agent in enumerate(agents)
                                  if agent.agent_id in previous_week.worked_last_day)
    return RosterInstance(config, horizon, shifts, tuple(agents), demand, open_, assignable,
                          tuple(groups), agent_group, allowed, _rest_conflicts(config, shifts), carried, worked_before)

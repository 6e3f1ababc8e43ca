"""The rest of today's roster laid out on the week's interval grid: which shifts the
intraday re-plan may change, and the changes each may take.

A shift is open to change when it is still on at the first interval after `now` (or starts
later) and starts before the end of today. Nothing before `first` (the first grid point at
or after `now`) changes: a started shift keeps its start, a started or finished lunch stays
where it is. Each open shift may end at any of `ends` (its planned end, later by up to
`[intraday] max_overtime_minutes`, earlier by up to `max_early_leave_minutes` when
`early_leave` is on), each end kept within the agent's weekly minimum and maximum hours,
`min_rest_hours` before the agent's next shift, the agent's availability, and room for
the lunch inside its window; a lunch not yet started may move to any of `lunches` (its
window `[shifts] break_not_first_hours` after the start and `break_not_last_hours` before
the end, not before `first`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.model.demand import demand_arrays
from staffcast.scheduler.roster.model.instance import RosterInstance
from staffcast.scheduler.roster.model.shifts import Horizon, build_horizon, local_minutes
from staffcast.scheduler.roster.results.view import WorkedShift


@dataclass(frozen=True)
class OpenShift:
    """One shift the re-plan may change. Grid indices: `start`, planned `end` (one past the
    last interval) and `lunch` (planned lunch start, None without a break); `lunch_fixed`
    when the lunch has started by `first`; `ends` and `lunches` the allowed ends and lunch
    starts (the planned ones included); `channels` the agent's skills (config indices);
    `shift` its position in `DayInstance.shifts`."""

    agent: int
    shift: int
    start: int
    end: int
    lunch: int | None
    lunch_fixed: bool
    ends: tuple[int, ...]
    lunches: tuple[int, ...]
    channels: tuple[int, ...]


@dataclass(frozen=True)
class DayInstance:
    """The re-plan's data. `week`: the week's grid, updated demand and coverage costs (a
    RosterInstance without shift candidates); `shifts`: the whole week's roster; `first`:
    the first interval that may change; `last`: one past the last interval an open shift
    can reach; `planned[i, t]`: the channel open shift i covers in interval t under the
    plan (absent: on a break or idle); `fixed[c, t]`: agents of shifts outside the re-plan
    covering channel c in interval t; `hours[a]`: agent a's planned hours this week;
    `backlog_volume[c, t]`: the contacts a queue's carried backlog is priced at (the
    reforecast's upper band, `staffcast.intraday.replan_day`; None: the requirement's
    volume)."""

    week: RosterInstance
    shifts: tuple[WorkedShift, ...]
    open: tuple[OpenShift, ...]
    first: int
    last: int
    planned: dict[tuple[int, int], int]
    fixed: np.ndarray
    hours: tuple[float, ...]
    backlog_volume: np.ndarray | None = None

    @property
    def config(self) -> PlanningConfig:
        return self.week.config

    @property
    def agents(self) -> tuple[Agent, ...]:
        return self.week.agents

    @property
    def brk(self) -> int:
        """Lunch length in intervals."""
        return self.week.break_intervals

    def working(self, i: int, end: int, lunch: int | None) -> list[int]:
        """Intervals from `first` in which open shift i works with this end and lunch."""
        shift = self.open[i]
        return [t for t in range(max(self.first, shift.start), end)
                if lunch is None or not lunch <= t < lunch + self.brk]


def week_grid(requirements: pd.DataFrame, agents: tuple[Agent, ...], config: PlanningConfig) -> RosterInstance:
    """The week's grid, demand and coverage costs as a RosterInstance without shift
    candidates, its horizon long enough for the overtime of a Sunday night shift."""
    base = build_horizon(config)
    extra = math.ceil(config.intraday.max_overtime_minutes / config.interval_minutes)
    horizon = Horizon(base.origin, base.interval_minutes, base.week_intervals, base.n_intervals + extra)
    minutes = local_minutes(horizon.stamps())
    open_ = np.array([[ch.is_open_at(int(m)) for m in minutes] for ch in config.channels], dtype=bool)
    deferred = np.array([ch.kind == "deferred" for ch in config.channels])
    groups = tuple(sorted({a.channels for a in agents}, key=lambda g: (len(g), sorted(g))))
    return RosterInstance(config, horizon, (), tuple(agents), demand_arrays(requirements, config, horizon), open_,
                          open_ | deferred[:, None], groups, tuple(groups.index(a.channels) for a in agents),
                          tuple(() for _ in agents), ())


def first_index(horizon: Horizon, now: pd.Timestamp) -> int:
    """The first grid interval starting at or after `now`."""
    return int(math.ceil(horizon.index_of(now) - 1e-9))


def build_day(week: RosterInstance, shifts: Sequence[WorkedShift], coverage: pd.DataFrame,
              now: pd.Timestamp) -> DayInstance:
    """The re-plan of the rest of `now`'s local day over the week's roster `shifts` and its
    coverage frame (the plan's `scheduled` counts)."""
    config, horizon = week.config, week.horizon
    cfg = config.intraday
    step = config.interval_minutes
    first = first_index(horizon, now)
    today = now.tz_convert(config.tz).date()
    midnight = pd.Timestamp(dt.datetime.combine(today + dt.timedelta(days=1), dt.time())).tz_localize(
        config.tz, nonexistent="shift_forward", ambiguous=True)
    day_end = int(math.ceil(horizon.index_of(midnight)))
    index = {a.agent_id: k for k, a in enumerate(week.agents)}
    shifts = tuple(shifts)
    grid = [(int(round(horizon.index_of(s.start))), int(round(horizon.index_of(s.end)))) for s in shifts]
    hours = [0.0] * len(week.agents)
    for s in shifts:
        hours[index[s.agent_id]] += s.hours
    brk = week.break_intervals
    not_first = math.ceil(config.shifts.break_not_first_hours * 60 / step)
    not_last = math.ceil(config.shifts.break_not_last_hours * 60 / step)
    overtime = cfg.max_overtime_minutes // step
    early = cfg.max_early_leave_minutes // step if cfg.early_leave else 0
    rest = pd.Timedelta(hours=config.rules.min_rest_hours)
    open_shifts = []
    for k, s in enumerate(shifts):
        start, end = grid[k]
        if end <= first or start >= day_end:
            continue
        a = index[s.agent_id]
        agent = week.agents[a]
        lunch = int(round(horizon.index_of(s.breaks[0][0]))) if s.breaks and brk else None
        fixed_lunch = lunch is not None and lunch < first
        later = [o.start for o in shifts if o.agent_id == s.agent_id and o.start > s.start]
        ends = []
        for offset in range(-early, overtime + 1):
            new_end = end + offset
            change = offset * step / 60
            if offset and (new_end < max(first, start + 1) or new_end > horizon.n_intervals
                           or hours[a] + change > agent.max_hours_week + 1e-9
                           or hours[a] + change < agent.min_hours_week - 1e-9
                           or (later and min(later) - horizon.stamp(new_end) < rest)
                           or not agent.available_on((horizon.stamp(new_end) - pd.Timedelta(seconds=1)).date())):
                continue
            if lunch is not None and (lunch if fixed_lunch else max(first, start + not_first)) + brk \
                    > new_end - not_last:
                continue  # no room left for the lunch inside its window
            ends.append(new_end)
        if lunch is None:
            lunches: tuple[int, ...] = ()
        elif fixed_lunch:
            lunches = (lunch,)
        else:
            lunches = tuple(range(max(first, start + not_first), max(ends) - not_last - brk + 1))
        channels = tuple(c for c, name in enumerate(config.channel_names) if name in agent.channels)
        open_shifts.append(OpenShift(a, k, start, end, lunch, fixed_lunch, tuple(ends), lunches, channels))
    last = max([max(o.ends) for o in open_shifts], default=first)
    planned, fixed = _planned(week, open_shifts, grid, shifts, coverage, first, last)
    return DayInstance(week, shifts, tuple(open_shifts), first, last, planned, fixed, tuple(hours))


def _planned(week, open_shifts, grid, shifts, coverage, first, last):
    """The plan's channel per (open shift, interval) from `first`, and the coverage of
    everyone else. The roster frame names the channels a shift covers, the coverage frame
    how many agents cover each channel: an agent of one channel covers it whenever working;
    agents of several take, interval by interval, a channel still short of its scheduled
    count among those their row names (the previous interval's first). What the roster's
    shifts leave of the scheduled counts is coverage by shifts outside it (last week's)."""
    horizon, brk = week.horizon, week.break_intervals
    channel_index = {name: c for c, name in enumerate(week.channels)}
    scheduled = np.zeros((len(week.channels), horizon.n_intervals), dtype=np.int64)
    ts = np.round(np.asarray((pd.DatetimeIndex(coverage["interval_start"]) - horizon.origin) / horizon.step,
                             dtype=float)).astype(np.int64)
    rows = coverage["channel"].map(channel_index).to_numpy()
    inside = (ts >= 0) & (ts < horizon.n_intervals)
    scheduled[rows[inside], ts[inside]] = coverage["scheduled"].to_numpy()[inside]
    owner = {o.shift: i for i, o in enumerate(open_shifts)}
    planned: dict[tuple[int, int], int] = {}
    residual = scheduled.copy()
    previous: dict[int, int] = {}
    for t in range(first, last):
        working = []
        for k, s in enumerate(shifts):
            start, end = grid[k]
            lunch = int(round(horizon.index_of(s.breaks[0][0]))) if s.breaks and brk else None
            if start <= t < end and not (lunch is not None and lunch <= t < lunch + brk):
                working.append(k)
        working.sort(key=lambda k: len(shifts[k].channels))
        for k in working:
            options = [channel_index[n] for n in shifts[k].channels if n in channel_index]
            short = [c for c in options if residual[c, t] > 0]
            if not short:
                continue  # idle under the plan
            c = previous[k] if previous.get(k) in short else short[0]
            residual[c, t] -= 1
            previous[k] = c
            if k in owner:
                planned[owner[k], t] = c
    return planned, np.maximum(residual, 0) * (np.arange(horizon.n_intervals) >= first)

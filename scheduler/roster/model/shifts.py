"""The planning horizon's time grid and the shift candidates of every day.

Times inside the roster model are integer interval indices counted from the week's
Monday 00:00 local (the horizon origin); index `k` is the interval starting at
`origin + k * interval_minutes` of absolute time, so a daylight-saving change shifts the
local clock but never the grid. A shift starts on the configured local start-time grid of
its day, lasts one of the configured paid lengths (hours, break included) and may cross
midnight, covering the next day's first intervals. The lunch break (`break_minutes`) may
start at any grid point that keeps it `break_not_first_hours` from the shift's start and
`break_not_last_hours` from its end. Shift lengths are hours actually worked: a night
shift across a clock change keeps its length in absolute time (an 8-hour 23:00 shift ends at
06:00 when the clocks go back, 08:00 when they go forward); a start time the clock skips
that day is not offered, and one it shows twice means its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError


@dataclass(frozen=True)
class Horizon:
    """The interval grid: `origin` (tz-aware Monday 00:00 local), interval length
    (minutes), `week_intervals` (intervals of the 7 planning days) and `n_intervals`
    (the week plus the spill of overnight shifts into the following Monday)."""

    origin: pd.Timestamp
    interval_minutes: int
    week_intervals: int
    n_intervals: int

    @property
    def step(self) -> pd.Timedelta:
        return pd.Timedelta(minutes=self.interval_minutes)

    def stamps(self) -> pd.DatetimeIndex:
        """Start (tz-aware, local) of every interval of the horizon."""
        return pd.DatetimeIndex([self.origin + k * self.step for k in range(self.n_intervals)])

    def stamp(self, index: int) -> pd.Timestamp:
        return self.origin + index * self.step

    def index_of(self, stamp: pd.Timestamp) -> float:
        """Interval index of a tz-aware timestamp (float: may fall between grid points)."""
        return (stamp - self.origin) / self.step


@dataclass(frozen=True)
class Shift:
    """One shift candidate: planning day (0 = Monday; -1 = the Sunday before the week, for
    a lead-in shift), local start (minutes after midnight), paid length (minutes, break
    included), first and one-past-last interval index on the grid, the interval indices
    where the lunch break may start, and `lead`: intervals of a lead-in shift before the
    grid's origin (it starts `lead` intervals before `start` = 0, in last week's time)."""

    day: int
    start_minute: int
    length_minutes: int
    start: int
    end: int
    break_starts: tuple[int, ...]
    lead: int = 0

    @property
    def first(self) -> int:
        """Grid index where the shift really starts (negative for a lead-in shift)."""
        return self.start - self.lead

    @property
    def hours(self) -> float:
        return self.length_minutes / 60.0

    @property
    def label(self) -> str:
        """Readable name for solver variables, e.g. `Mon_0700_9h`."""
        hours = f"{self.hours:g}".replace(".", "h")
        day = "SunBefore" if self.day < 0 else WEEKDAYS[self.day]
        return f"{day}_{self.start_minute // 60:02d}{self.start_minute % 60:02d}_{hours}h"


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def break_intervals(config: PlanningConfig) -> int:
    """Length of the lunch break in grid intervals (`break_minutes` is a whole number of them)."""
    return config.shifts.break_minutes // config.interval_minutes


def local_timestamp(config: PlanningConfig, day: dt.date, minute: int) -> pd.Timestamp:
    """Tz-aware timestamp of local wall-clock `minute` after midnight of `day`; a time
    skipped by a daylight-saving jump moves forward, an ambiguous one takes the first."""
    naive = pd.Timestamp(day) + pd.Timedelta(minutes=minute)
    return naive.tz_localize(config.timezone, nonexistent="shift_forward", ambiguous=True)


def check_supported(config: PlanningConfig) -> None:
    """Raise InputError for shift settings the roster model does not implement."""
    if config.shifts.short_breaks:
        raise InputError("", "short breaks are not supported by the roster solver yet; "
                         "set short_breaks = 0", column="shifts.short_breaks")


def build_horizon(config: PlanningConfig) -> Horizon:
    """The grid of the planning week plus room for shifts that cross Sunday midnight."""
    origin = local_timestamp(config, config.week_start, 0)
    week_end = local_timestamp(config, config.week_start + dt.timedelta(days=7), 0)
    step = pd.Timedelta(minutes=config.interval_minutes)
    week = int((week_end - origin) / step)
    spill = math.ceil(max(config.shifts.lengths_hours) * 60 / config.interval_minutes)
    return Horizon(origin, config.interval_minutes, week, week + spill)


def enumerate_shifts(config: PlanningConfig, horizon: Horizon, *, lead_in: bool = False) -> tuple[Shift, ...]:
    """Every (day, start time, length) shift of the week with its lunch-break starts.

    With `lead_in`, also the shifts that start on the Sunday before the week and run past
    its Monday 00:00 (e.g. a 23:00 night shift): they cover the week's first hours when no
    previous roster does, and belong to this week's roster, hours and rules. The part
    before Monday 00:00 is last week's to cover: such a shift starts on the grid at 0,
    `lead` intervals after it really starts, and takes its lunch inside the week."""
    check_supported(config)
    step = config.interval_minutes
    brk = break_intervals(config)
    days = ([-1] if lead_in else []) + list(range(7))
    shifts = []
    for day_index in days:
        day = config.week_start + dt.timedelta(days=day_index)
        for start_time in config.shifts.start_times:
            minute = start_time.hour * 60 + start_time.minute
            stamp = local_timestamp(config, day, minute)
            if stamp.hour * 60 + stamp.minute != minute:
                continue  # the clock skips this start time that day (clocks go forward)
            begin = int(round(horizon.index_of(stamp)))
            for hours in config.shifts.lengths_hours:
                length = int(round(hours * 60))
                end = begin + length // step
                if end <= 0:
                    continue  # a shift of the Sunday before that ends by Monday 00:00
                start = max(begin, 0)
                if brk:
                    first = begin + math.ceil(config.shifts.break_not_first_hours * 60 / step)
                    last = end - math.ceil(config.shifts.break_not_last_hours * 60 / step) - brk
                    break_starts = tuple(range(max(first, start), last + 1))
                else:
                    break_starts = ()
                shifts.append(Shift(day_index, minute, length, start, end, break_starts, lead=start - begin))
    return tuple(shifts)


def shift_dates(config: PlanningConfig, shift: Shift, horizon: Horizon) -> tuple[dt.date, ...]:
    """Local dates a shift touches (its own day, and the next one when it crosses midnight)."""
    first = config.week_start + dt.timedelta(days=shift.day)
    last_stamp = horizon.stamp(shift.end - 1)
    days = (last_stamp.date() - first).days
    return tuple(first + dt.timedelta(days=i) for i in range(days + 1))


def local_minutes(stamps: pd.DatetimeIndex) -> np.ndarray:
    """Local minute after midnight of each tz-aware stamp."""
    return np.asarray(stamps.hour * 60 + stamps.minute, dtype=np.int64)

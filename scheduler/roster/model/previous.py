"""What last week's roster hands this week's roster model at the week boundary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from staffcast.scheduler.roster.model.shifts import Horizon


@dataclass(frozen=True)
class PreviousWeek:
    """Last week's roster as the model needs it, keyed by agent_id.

    `last_end`: the end of each agent's last shift (tz-aware; binds the rest rule);
    `worked_last_day`: agents with a shift dated the day before the week (a day off on
    Monday between it and a Tuesday shift is an isolated day off); `on_duty`: the
    stretches (start, end instants) in which an agent is on a shift and not on a break,
    for the shifts that run into this week.
    """

    last_end: Mapping[str, pd.Timestamp]
    worked_last_day: frozenset[str]
    on_duty: Mapping[str, tuple[tuple[pd.Timestamp, pd.Timestamp], ...]]

    def intervals_on_duty(self, agent_id: str, horizon: Horizon) -> tuple[int, ...]:
        """Grid intervals of this week that `agent_id` works whole under last week's roster."""
        step = horizon.step
        out = []
        for start, end in self.on_duty.get(agent_id, ()):
            first = max(0, int(-(-(start - horizon.origin) // step)))
            last = min(horizon.week_intervals, int((end - horizon.origin) // step))
            out += range(first, last)
        return tuple(sorted(set(out)))


def previous_week(shifts: Iterable, week_start: dt.date, origin: pd.Timestamp) -> PreviousWeek:
    """`PreviousWeek` from last week's worked shifts (`results.view.WorkedShift`s:
    agent_id, date, start, end, breaks); `origin` is this week's Monday 00:00 (tz-aware)."""
    last_end: dict[str, pd.Timestamp] = {}
    worked: set[str] = set()
    on_duty: dict[str, list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for shift in shifts:
        last_end[shift.agent_id] = max(shift.end, last_end.get(shift.agent_id, shift.end))
        if shift.date == week_start - dt.timedelta(days=1):
            worked.add(shift.agent_id)
        if shift.end > origin:
            begin = shift.start
            for b0, b1 in sorted(shift.breaks):
                if b0 > begin:
                    on_duty.setdefault(shift.agent_id, []).append((begin, b0))
                begin = max(begin, b1)
            if shift.end > begin:
                on_duty.setdefault(shift.agent_id, []).append((begin, shift.end))
    return PreviousWeek(last_end, frozenset(worked), {k: tuple(v) for k, v in on_duty.items()})

"""Independent roster checker: re-verifies every hard rule from the roster frame and the
inputs, and recomputes coverage from the channel assignments.

Shares nothing with the model but the config and agent types: it reads the frames as a
planner would (timestamps, "HH:MM-HH:MM" breaks) and checks skills, availability, shift
shapes (start grid, lengths), at most one shift a day, max days per week, min rest
(also from last week's ends), contract hours, the lunch break (length and window),
that agents cover only their channels, one channel at a time, only while on shift and
not on break, and queue channels only while open or required. At the week boundary: a
shift dated the day before the week (lead-in) is allowed when it runs into the week, and
counts toward this week's days and hours; last week's roster, when given, has its ends
bind the rest rule and its shifts that run into the week may be covered by its agents.
Returns violations as sentences; an empty list means the roster is valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.scheduler.inputs.agents import Agent


def _first_clock(after: pd.Timestamp, clock: dt.time, tz, strictly: bool) -> pd.Timestamp | None:
    """The first instant at (or strictly after) `after` whose local clock reads `clock`,
    walking the absolute time in minutes over two days (repeated and skipped hours alike)."""
    base = after.tz_convert(tz).floor("min")
    for minutes in range(int(strictly), 2 * 24 * 60 + 120):
        probe = base + pd.Timedelta(minutes=minutes)
        if probe.hour == clock.hour and probe.minute == clock.minute:
            return probe
    return None


def _lunches(text: str, start: pd.Timestamp, end: pd.Timestamp, tz) -> list[tuple[pd.Timestamp, pd.Timestamp]] | None:
    """Break intervals of "HH:MM-HH:MM;..." (clock times, each the first at or after the
    shift start, the end strictly after the break start) or "START/END" (ISO 8601 with
    offsets) placed inside [start, end); None if malformed."""
    out = []
    for token in filter(None, (t.strip() for t in str(text or "").split(";"))):
        if "/" in token:
            try:
                placed, finish = (pd.Timestamp(x).tz_convert(tz) for x in token.split("/"))
            except (ValueError, TypeError):
                return None
        else:
            try:
                first, last = (dt.time.fromisoformat(x) for x in token.split("-"))
            except ValueError:
                return None
            placed = _first_clock(start, first, tz, strictly=False)
            finish = None if placed is None else _first_clock(placed, last, tz, strictly=True)
        if placed is None or finish is None or not start <= placed < finish <= end:
            return None
        out.append((placed, finish))
    return out


def check_roster(roster: pd.DataFrame, agents: tuple[Agent, ...], config: PlanningConfig, *,
                 assignments: pd.DataFrame | None = None, requirements: pd.DataFrame | None = None,
                 coverage: pd.DataFrame | None = None,
                 previous_shift_ends: Mapping[str, pd.Timestamp] | None = None,
                 previous_roster: pd.DataFrame | None = None) -> list[str]:
    """Every hard-rule violation of `roster` (and of `assignments`, `coverage` if given).

    `previous_roster`: last week's roster frame (agent_id, shift_start, shift_end, breaks)."""
    problems: list[str] = []
    by_id = {a.agent_id: a for a in agents}
    tz = config.tz
    starts = {t.hour * 60 + t.minute for t in config.shifts.start_times}
    lengths = {round(h * 60) for h in config.shifts.lengths_hours}
    week = set(config.week_dates)
    day_before = config.week_start - dt.timedelta(days=1)
    week_begins = pd.Timestamp(dt.datetime.combine(config.week_start, dt.time())).tz_localize(
        tz, nonexistent="shift_forward", ambiguous=True)
    spans: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, list]]] = {}
    for row in roster.itertuples(index=False):
        who = f"{row.agent_id} {row.date}"
        agent = by_id.get(row.agent_id)
        if agent is None:
            problems.append(f"{who}: unknown agent")
            continue
        start, end = pd.Timestamp(row.shift_start).tz_convert(tz), pd.Timestamp(row.shift_end).tz_convert(tz)
        day = pd.Timestamp(row.date).date()
        lead_in = day == day_before and end > week_begins
        if start.date() != day or not (day in week or lead_in):
            problems.append(f"{who}: shift starts {start} outside its date or the planning week")
        if start.hour * 60 + start.minute not in starts:
            problems.append(f"{who}: start {start:%H:%M} is not an allowed start time")
        minutes = (end - start) / pd.Timedelta(minutes=1)
        if round(minutes) not in lengths:
            problems.append(f"{who}: shift lasts {minutes:g} min, not an allowed length")
        touched = {start.date(), (end - pd.Timedelta(seconds=1)).date()}
        if not all(agent.available_on(d) for d in touched):
            problems.append(f"{who}: agent is unavailable")
        skills = set(filter(None, str(row.channels or "").split(";")))
        if not skills <= agent.channels:
            problems.append(f"{who}: covers {sorted(skills - agent.channels)} without the skill")
        lunches = _lunches(row.breaks, start, end, tz)
        if lunches is None:
            problems.append(f"{who}: breaks {row.breaks!r} malformed or outside the shift")
            lunches = []
        elif config.shifts.break_minutes:
            if len(lunches) != 1:
                problems.append(f"{who}: expected one lunch break, got {len(lunches)}")
            for b0, b1 in lunches:
                if (b1 - b0) != pd.Timedelta(minutes=config.shifts.break_minutes):
                    problems.append(f"{who}: break {b0:%H:%M}-{b1:%H:%M} is not {config.shifts.break_minutes} min")
                if b0 < start + pd.Timedelta(hours=config.shifts.break_not_first_hours) or \
                        b1 > end - pd.Timedelta(hours=config.shifts.break_not_last_hours):
                    problems.append(f"{who}: break {b0:%H:%M}-{b1:%H:%M} outside the allowed window")
        spans.setdefault(row.agent_id, []).append((start, end, lunches))
    rest = pd.Timedelta(hours=config.rules.min_rest_hours)
    previous = dict(previous_shift_ends or {})
    carried: dict[str, list[tuple[pd.Timestamp, pd.Timestamp, list]]] = {}
    for row in (previous_roster.itertuples(index=False) if previous_roster is not None else ()):
        start, end = pd.Timestamp(row.shift_start).tz_convert(tz), pd.Timestamp(row.shift_end).tz_convert(tz)
        previous[row.agent_id] = max(end, pd.Timestamp(previous.get(row.agent_id, end)))
        if end > week_begins:
            carried.setdefault(row.agent_id, []).append((start, end, _lunches(row.breaks, start, end, tz) or []))
    for agent in agents:
        mine = sorted(spans.get(agent.agent_id, []), key=lambda x: x[0])
        dates = [s.date() for s, _, _ in mine]
        if len(set(dates)) != len(dates):
            problems.append(f"{agent.agent_id}: more than one shift on a day")
        if len(mine) > config.rules.max_days_per_week:
            problems.append(f"{agent.agent_id}: works {len(mine)} days, max {config.rules.max_days_per_week}")
        hours = sum((e - s) / pd.Timedelta(hours=1) for s, e, _ in mine)
        if not agent.min_hours_week - 1e-9 <= hours <= agent.max_hours_week + 1e-9:
            problems.append(f"{agent.agent_id}: {hours:g} h outside the contract "
                            f"{agent.min_hours_week:g}-{agent.max_hours_week:g} h")
        ends = [pd.Timestamp(previous[agent.agent_id])] if agent.agent_id in previous else []
        ends += [e for _, e, _ in mine]
        begins = [s for s, _, _ in mine]
        offset = len(ends) - len(mine)
        for k, begin in enumerate(begins):
            if k + offset - 1 >= 0 and begin - ends[k + offset - 1] < rest:
                problems.append(f"{agent.agent_id}: only {(begin - ends[k + offset - 1]) / pd.Timedelta(hours=1):g} h "
                                f"rest before the shift at {begin}")
    if assignments is not None:
        on_duty = {agent_id: spans.get(agent_id, []) + carried.get(agent_id, []) for agent_id in by_id}
        problems += _check_assignments(assignments, on_duty, by_id, config, requirements)
        if coverage is not None:
            problems += _check_coverage(assignments, coverage, config)
    return problems


def _check_assignments(assignments, spans, by_id, config, requirements) -> list[str]:
    problems = []
    tz = config.tz
    step = pd.Timedelta(minutes=config.interval_minutes)
    required = set()
    if requirements is not None and len(requirements):
        positive = requirements[requirements["staff"] > 0]
        required = {(c, pd.Timestamp(t)) for c, t in zip(positive["channel"], positive["interval_start"], strict=True)}
    duplicated = assignments.duplicated(["agent_id", "interval_start"])
    for row in assignments[duplicated].itertuples(index=False):
        problems.append(f"{row.agent_id} {row.interval_start}: covers two channels at once")
    for row in assignments.itertuples(index=False):
        agent = by_id.get(row.agent_id)
        stamp = pd.Timestamp(row.interval_start).tz_convert(tz)
        where = f"{row.agent_id} {stamp:%a %H:%M}"
        if agent is None or row.channel not in agent.channels:
            problems.append(f"{where}: covers {row.channel} without the skill")
            continue
        on = [(s, e, lunches) for s, e, lunches in spans.get(row.agent_id, []) if s <= stamp and stamp + step <= e]
        if not on:
            problems.append(f"{where}: covers {row.channel} while not on shift")
        elif any(b0 < stamp + step and stamp < b1 for b0, b1 in on[0][2]):
            problems.append(f"{where}: covers {row.channel} while on break")
        channel = config.channel(row.channel)
        if channel.kind == "queue" and not channel.is_open_at(stamp.hour * 60 + stamp.minute) \
                and (row.channel, stamp) not in required:
            problems.append(f"{where}: covers {row.channel} while it is closed")
    return problems


def recompute_coverage(assignments: pd.DataFrame) -> pd.Series:
    """Agents covering each (channel, interval_start), counted from the assignments."""
    return assignments.groupby(["channel", "interval_start"]).size()


def _check_coverage(assignments, coverage, config) -> list[str]:
    counted = recompute_coverage(assignments)
    problems = []
    for row in coverage.itertuples(index=False):
        expected = int(counted.get((row.channel, row.interval_start), 0))
        if int(row.scheduled) != expected:
            problems.append(f"coverage {row.channel} {row.interval_start}: scheduled {row.scheduled}, "
                            f"assignments give {expected}")
    missing = set(counted.index) - set(zip(coverage["channel"], coverage["interval_start"], strict=True))
    if missing:
        problems.append(f"coverage lacks {len(missing)} staffed (channel, interval) rows")
    return problems

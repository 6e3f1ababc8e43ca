"""Agents file (CSV) parsed once into typed, frozen `Agent` objects."""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from staffcast.config import WEEKDAYS, PlanningConfig
from staffcast.errors import InputError, describe

REQUIRED = ("agent_id", "name", "channels", "min_hours_week", "max_hours_week")
OPTIONAL = ("unavailable", "cost_per_hour", "skill", "team")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NAMES = {**{d.lower(): i for i, d in enumerate(WEEKDAYS)},
                  **{d: i for i, d in enumerate(_FULL_NAMES)}}


@dataclass(frozen=True)
class Agent:
    """A named agent: skills, weekly contract hours (hours on shift, breaks included),
    unavailable dates and weekdays (0 = Monday), cost per paid hour, and the capacity
    plan's skill group (`skill`, empty when the agents file has no `skill` column; the
    roster does not use it), and the roster team (`team`, empty without a `team` column;
    each team is its own roster solve, `roster.teams`)."""

    agent_id: str
    name: str
    channels: frozenset[str]
    min_hours_week: float
    max_hours_week: float
    unavailable_dates: frozenset[dt.date] = frozenset()
    unavailable_weekdays: frozenset[int] = frozenset()
    cost_per_hour: float = 0.0
    skill: str = ""
    team: str = ""

    def available_on(self, day: dt.date) -> bool:
        return day not in self.unavailable_dates and day.weekday() not in self.unavailable_weekdays


def _hours(path, row, column, text) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= 168:
        raise InputError(path, f"expected hours between 0 and 168, got {describe(text)}",
                         row=row, column=column)
    return value


def _unavailable(path, row, text: str) -> tuple[frozenset[dt.date], frozenset[int]]:
    dates, weekdays = set(), set()
    for token in filter(None, (t.strip() for t in text.split(";"))):
        if token.lower() in _WEEKDAY_NAMES:
            weekdays.add(_WEEKDAY_NAMES[token.lower()])
            continue
        try:
            dates.add(dt.date.fromisoformat(token))
        except ValueError:
            raise InputError(path, "expected dates (YYYY-MM-DD) or weekdays (Mon..Sun) "
                             f"separated by ';', got {describe(token)}",
                             row=row, column="unavailable") from None
    return frozenset(dates), frozenset(weekdays)


def load_agents(path: str | Path, config: PlanningConfig) -> tuple[Agent, ...]:
    """Read and validate the agents CSV against the config's channels."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(path, f"cannot read the agents file: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        for column in REQUIRED:
            if column not in header:
                raise InputError(path, f"missing column {column!r}; expected columns "
                                 f"{', '.join(REQUIRED + OPTIONAL)}", row=1)
        for column in header:
            if column not in REQUIRED + OPTIONAL:
                raise InputError(path, f"unknown column; expected {', '.join(REQUIRED + OPTIONAL)}",
                                 row=1, column=column)
        reader.fieldnames = header
        agents: list[Agent] = []
        seen: set[str] = set()
        known = set(config.channel_names)
        for row_number, record in enumerate(reader, start=2):
            agent_id = (record.get("agent_id") or "").strip()
            if not agent_id:
                raise InputError(path, "expected an agent id, got an empty cell",
                                 row=row_number, column="agent_id")
            if agent_id in seen:
                raise InputError(path, f"agent id {agent_id!r} appears twice",
                                 row=row_number, column="agent_id")
            seen.add(agent_id)
            skills = frozenset(s.strip().lower() for s in (record.get("channels") or "").split(";")
                               if s.strip())
            unknown = sorted(skills - known)
            if not skills or unknown:
                raise InputError(
                    path, f"expected channels from {', '.join(config.channel_names)} separated "
                    f"by ';', got {describe(record.get('channels') or '')}",
                    row=row_number, column="channels")
            low = _hours(path, row_number, "min_hours_week", record.get("min_hours_week"))
            high = _hours(path, row_number, "max_hours_week", record.get("max_hours_week"))
            if high < low:
                raise InputError(path, f"expected max_hours_week >= min_hours_week ({low:g}), "
                                 f"got {describe(record.get('max_hours_week'))}",
                                 row=row_number, column="max_hours_week")
            dates, weekdays = _unavailable(path, row_number, record.get("unavailable") or "")
            cost_text = (record.get("cost_per_hour") or "").strip()
            cost = 0.0
            if cost_text:
                try:
                    cost = float(cost_text)
                except ValueError:
                    cost = math.nan
                if not math.isfinite(cost) or cost < 0:
                    raise InputError(path, f"expected a number >= 0, got {describe(cost_text)}",
                                     row=row_number, column="cost_per_hour")
            skill = (record.get("skill") or "").strip()
            if "skill" in header and not skill:
                raise InputError(path, "expected a skill group name (the file has a skill column), "
                                 "got an empty cell", row=row_number, column="skill")
            team = (record.get("team") or "").strip()
            if "team" in header and not team:
                raise InputError(path, "expected a team name (the file has a team column), got an empty cell",
                                 row=row_number, column="team")
            agents.append(Agent(agent_id, (record.get("name") or "").strip(), skills, low, high,
                                dates, weekdays, cost, skill, team))
    if not agents:
        raise InputError(path, "no agents in the file")
    _check_teams(path, agents, config.channel_names)
    return tuple(agents)


def _check_teams(path: Path, agents: list[Agent], channels: tuple[str, ...]) -> None:
    """A channel is served by one team only: its requirement cannot be split between two
    rosters. The error names the row of the first agent of a second team."""
    owner: dict[str, str] = {}
    for row_number, agent in enumerate(agents, start=2):
        for channel in sorted(agent.channels, key=channels.index):
            first = owner.setdefault(channel, agent.team)
            if first != agent.team:
                raise InputError(path, f"channel {channel!r} is served by agents of teams {first!r} and "
                                 f"{agent.team!r}; each team is its own roster, so a channel's agents must all "
                                 "be in one team", row=row_number, column="team")

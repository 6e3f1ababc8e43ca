"""The independent checker catches each hard-rule violation in hand-made rosters."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
from roster_cases import VOICE, agent, config, stamp

from staffcast.config import RulesConfig
from staffcast.scheduler.roster.results.checker import check_roster


def roster(*rows):
    """Rows: (agent_id, day, "HH:MM" start, hours, breaks, channels)."""
    out = []
    for agent_id, day, clock, hours, breaks, channels in rows:
        start = stamp(day, clock)
        out.append({"agent_id": agent_id, "date": start.date(), "shift_start": start,
                    "shift_end": start + pd.Timedelta(hours=hours), "breaks": breaks, "channels": channels})
    return pd.DataFrame(out)


CFG = config(break_minutes=60, starts=("07:00", "15:00"))
A = agent("A", low=8.0, high=24.0)


def test_valid_roster_passes():
    frame = roster(("A", 0, "07:00", 8, "10:00-11:00", "voice"), ("A", 2, "15:00", 8, "18:00-19:00", "voice"))
    assert check_roster(frame, (A,), CFG) == []


@pytest.mark.parametrize("rows, agents, fragment", [
    ([("A", 0, "08:00", 8, "10:00-11:00", "voice")], (A,), "not an allowed start time"),
    ([("A", 0, "07:00", 7, "10:00-11:00", "voice")], (A,), "not an allowed length"),
    ([("A", 0, "07:00", 8, "10:00-11:00", "chat")], (A,), "without the skill"),
    ([("A", 0, "07:00", 8, "07:30-08:30", "voice")], (A,), "outside the allowed window"),
    ([("A", 0, "07:00", 8, "10:00-10:30", "voice")], (A,), "is not 60 min"),
    ([("A", 0, "07:00", 8, "", "voice")], (A,), "expected one lunch break"),
    ([("A", 0, "15:00", 8, "18:00-19:00", "voice"), ("A", 1, "07:00", 8, "10:00-11:00", "voice")], (A,),
     "rest before"),
    ([("A", 0, "07:00", 8, "10:00-11:00", "voice"), ("A", 0, "15:00", 8, "18:00-19:00", "voice")], (A,),
     "more than one shift on a day"),
    ([("A", d, "07:00", 8, "10:00-11:00", "voice") for d in range(4)], (A,), "outside the contract"),
    ([("A", 0, "07:00", 8, "10:00-11:00", "voice")], (agent("A", off_days=(0,)),), "unavailable"),
    ([("B", 0, "07:00", 8, "10:00-11:00", "voice")], (A,), "unknown agent"),
])
def test_violation_is_reported(rows, agents, fragment):
    problems = check_roster(roster(*rows), agents, CFG)
    assert any(fragment in p for p in problems), problems


def test_max_days_and_last_week_rest():
    cfg = config(break_minutes=60, starts=("07:00",), rules=RulesConfig(2, 11.0))
    frame = roster(*[("A", d, "07:00", 8, "10:00-11:00", "voice") for d in range(3)])
    problems = check_roster(frame, (agent("A", high=40.0),), cfg, previous_shift_ends={"A": stamp(-1, "22:00")})
    assert any("works 3 days, max 2" in p for p in problems)
    assert any("only 9 h rest" in p for p in problems)


def test_assignments_and_coverage_are_checked():
    frame = roster(("A", 0, "07:00", 8, "10:00-11:00", "voice"))
    assignments = pd.DataFrame({"agent_id": ["A", "A", "A", "A"],
                                "interval_start": [stamp(0, "10:00"), stamp(0, "16:00"), stamp(0, "08:00"),
                                                   stamp(0, "08:00")],
                                "channel": ["voice", "voice", "voice", "voice"]})
    coverage = pd.DataFrame({"channel": ["voice"], "interval_start": [stamp(0, "08:00")], "required": [1],
                             "scheduled": [1], "service_level": [float("nan")]})
    problems = check_roster(frame, (A,), CFG, assignments=assignments, coverage=coverage)
    assert any("while on break" in p for p in problems)
    assert any("while not on shift" in p for p in problems)
    assert any("two channels at once" in p for p in problems)
    assert any("scheduled 1, assignments give 2" in p for p in problems)


def test_queue_channel_closed_hours():
    cfg = config(channels=(replace(VOICE, open_from=dt.time(9)),), starts=("07:00",))
    frame = roster(("A", 0, "07:00", 8, "", "voice"))
    assignments = pd.DataFrame({"agent_id": ["A"], "interval_start": [stamp(0, "07:30")], "channel": ["voice"]})
    problems = check_roster(frame, (A,), cfg, assignments=assignments)
    assert any("while it is closed" in p for p in problems)

"""Small hand-built roster cases shared by the roster tests (not a test module)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from staffcast.config import (
    ChannelConfig,
    PlanningConfig,
    RulesConfig,
    ShiftConfig,
    SolverConfig,
    WeightsConfig,
)
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.roster.results.checker import check_roster

TZ = "Asia/Shanghai"
MONDAY = dt.date(2026, 12, 7)
VOICE = ChannelConfig("voice", "queue", 0.3, 0.8, 20, open_from=dt.time(7), open_until_minutes=23 * 60)
CHAT = ChannelConfig("chat", "queue", 0.3, 0.8, 60, concurrency=2)
EMAIL = ChannelConfig("email", "deferred", 0.3, response_hours=4, open_from=dt.time(8), open_until_minutes=22 * 60,
                      importance=0.5)
NO_SOFT = WeightsConfig(consecutive_days_off=0, start_stability=0, fairness=0, short_interval=0)
RULES = RulesConfig(5, 11.0)


def config(channels=(VOICE,), lengths=(8.0,), starts=("07:00", "11:00", "15:00"), break_minutes=0,
           rules=RULES, weights=NO_SOFT, seconds=5.0, first=2.0, last=2.0) -> PlanningConfig:
    times = tuple(dt.time.fromisoformat(s) for s in starts)
    shifts = ShiftConfig(tuple(lengths), times, break_minutes, first, last)
    return PlanningConfig(TZ, 30, MONDAY, tuple(channels), shifts, rules, weights, SolverConfig(seconds, 1, 0))


def agent(agent_id, channels=("voice",), low=0.0, high=40.0, cost=10.0, off_days=(), off_dates=()) -> Agent:
    return Agent(agent_id, agent_id, frozenset(channels), low, high, frozenset(off_dates), frozenset(off_days), cost)


def stamp(day: int, clock: str) -> pd.Timestamp:
    """Local timestamp of `clock` on planning day `day` (0 = Monday)."""
    return pd.Timestamp(f"{MONDAY + dt.timedelta(days=day)} {clock}").tz_localize(TZ)


def demand(*blocks) -> pd.DataFrame:
    """Requirements frame from (channel, day, "HH:MM", "HH:MM", staff) blocks (end exclusive)."""
    rows = []
    for channel, day, first, last, staff in blocks:
        t, end = stamp(day, first), stamp(day, last)
        if end <= t:
            end += pd.Timedelta(days=1)
        while t < end:
            rows.append((channel, t, 10.0 * staff, 240.0, staff))
            t += pd.Timedelta(minutes=30)
    frame = pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds", "staff"])
    return frame.groupby(["channel", "interval_start"], as_index=False).sum()


def solve(requirements, agents, cfg, **kwargs):
    """Roster and assert the independent checker finds nothing wrong."""
    result = build_roster(requirements, tuple(agents), cfg, **kwargs)
    problems = check_roster(result.roster, tuple(agents), cfg, assignments=result.assignments,
                            requirements=requirements, coverage=result.coverage,
                            previous_shift_ends=kwargs.get("previous_shift_ends"),
                            previous_roster=kwargs.get("previous_roster"))
    assert problems == [], problems
    return result


def scheduled(result, channel, day, clock) -> int:
    cov = result.coverage
    hit = cov[(cov["channel"] == channel) & (cov["interval_start"] == stamp(day, clock))]
    return int(hit["scheduled"].iloc[0]) if len(hit) else 0

"""Stretches of the day in planner lines: an end at the next midnight reads 24:00, so a
whole day short reads 00:00-24:00 (never 00:00-00:00), also on a 25-hour DST day."""

from __future__ import annotations

import pandas as pd
from roster_cases import CHAT, agent, config, demand, solve

from staffcast.scheduler.roster.results.clock import span_label


def test_span_label_writes_the_next_midnight_as_24():
    day = pd.Timestamp("2026-12-07", tz="Asia/Shanghai")
    assert span_label(day + pd.Timedelta(hours=7), day + pd.Timedelta(hours=9)) == "07:00-09:00"
    assert span_label(day + pd.Timedelta(hours=22), day + pd.Timedelta(days=1)) == "22:00-24:00"
    assert span_label(day, day + pd.Timedelta(days=1)) == "00:00-24:00"
    assert span_label(day, day + pd.Timedelta(hours=2)) == "00:00-02:00"


def test_span_label_on_the_day_the_clocks_go_back():
    start = pd.Timestamp("2026-10-25 00:00", tz="Europe/London")
    end = (start + pd.Timedelta(hours=25)).tz_convert("Europe/London")  # 25 hours later: Mon 00:00 GMT
    assert end == pd.Timestamp("2026-10-26 00:00", tz="Europe/London")
    assert span_label(start, end) == "00:00-24:00"


def test_a_whole_day_short_reads_00_00_to_24_00():
    """Chat needs one agent all Tuesday; the only agent is off on Tuesdays."""
    cfg = config(channels=(CHAT,), starts=("07:00",))
    result = solve(demand(("chat", 1, "00:00", "00:00", 1)), [agent("A", ("chat",), off_days=(1,))], cfg)
    line, = result.shortfall
    assert line.startswith("chat Tue 00:00-24:00: short 1 agent (24 agent-hours)"), line
    assert line.endswith("nobody scheduled 00:00-24:00"), line

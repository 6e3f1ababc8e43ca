"""Deferred channels: FIFO backlog, deadlines in open hours, the taut string."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffcast.scheduler.staffing.deferred import performance, plan, taut_string

OPEN = (8 * 60, 22 * 60)


def _day(days=2, minutes=30):
    idx = pd.date_range("2026-12-07", periods=days * 24 * 60 // minutes, freq=f"{minutes}min", tz="Asia/Shanghai")
    hour = idx.hour
    volume = np.where((hour >= 9) & (hour < 18), 30.0, 4.0)
    return idx, volume


def test_plan_answers_everyone_within_the_response_time():
    idx, volume = _day()
    res = plan(idx, volume, 300.0, interval_minutes=30, open_minutes=OPEN, response_hours=4)
    assert res.service_level.min() == pytest.approx(1.0)
    hour = idx.hour
    closed = (hour < 8) | (hour >= 22)
    assert np.all(res.agents[closed] == 0)  # nobody works the backlog at night
    assert np.all(res.agents[~closed & (hour >= 9)] > 0)
    # night arrivals wait for the morning: backlog grows overnight, is worked off in the day
    assert res.backlog[(hour == 7) & (idx.minute == 30)][0] == pytest.approx(4.0 * 16)
    # mean response time of contacts arriving at night includes the wait for the opening
    assert res.asa_seconds[(hour == 2)][0] > 5 * 3600
    # every agent-second staffed while there is a backlog is used (the string is taut)
    assert res.occupancy[res.agents > 0].mean() > 0.9


def test_plan_is_smooth_and_needs_no_more_than_the_peak_bound():
    idx, volume = _day(days=3)
    res = plan(idx, volume, 300.0, interval_minutes=30, open_minutes=OPEN, response_hours=4)
    open_day = res.agents[(idx.hour >= 10) & (idx.hour < 20)]
    # Arrivals from 9 to 18 need 5 agents each half hour (30 x 300 s / 1800 s), but a 4-hour
    # deadline lets the plan spread a day's 110 agent-intervals over 28 open intervals.
    assert open_day.max() <= 4 and open_day.min() >= 3
    assert np.abs(np.diff(open_day)).max() <= 1
    # all work is staffed once, except the last evening's, carried past the horizon (backlog)
    carried = res.backlog[-1] * 300 / 1800
    assert res.agents.sum() + carried == pytest.approx(3 * 110, abs=1)


def test_fewer_agents_miss_deadlines_and_backlog_is_conserved():
    idx, volume = _day()
    res = plan(idx, volume, 300.0, interval_minutes=30, open_minutes=OPEN, response_hours=4)
    cut = res.agents.copy()
    cut[(idx.hour >= 10) & (idx.hour < 16)] -= 1
    worse = performance(idx, volume, 300.0, cut, interval_minutes=30, open_minutes=OPEN, response_hours=4)
    assert worse.service_level.min() < 0.99
    assert np.all(worse.backlog >= res.backlog - 1e-9)
    # contacts in = contacts answered + backlog: backlog never exceeds arrivals so far
    assert np.all(worse.backlog <= np.cumsum(volume) + 1e-9)
    same = performance(idx, volume, 300.0, res.agents, interval_minutes=30, open_minutes=OPEN, response_hours=4)
    assert same.service_level.min() == pytest.approx(1.0)


def test_short_deadline_staffs_closer_to_arrivals():
    idx, volume = _day()
    slow = plan(idx, volume, 300.0, interval_minutes=30, open_minutes=OPEN, response_hours=8)
    fast = plan(idx, volume, 300.0, interval_minutes=30, open_minutes=OPEN, response_hours=1)
    assert fast.agents.max() >= slow.agents.max()
    assert fast.backlog.max() <= slow.backlog.max()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 50.0), min_size=2, max_size=40), st.integers(1, 6))
def test_taut_string_stays_in_the_corridor_and_minimises_the_peak(work, lag):
    arrived = np.concatenate([[0.0], np.cumsum(work)])
    due = np.concatenate([[0.0] * lag, arrived[:-lag]])[: arrived.size]
    due[-1] = arrived[-1]
    path = taut_string(due, arrived)
    assert np.all(path >= due - 1e-6) and np.all(path <= arrived + 1e-6)
    assert np.all(np.diff(path) >= -1e-9)
    # No feasible path has a lower peak rate than the largest forced average slope.
    k = np.arange(arrived.size)
    forced = max(((due[j] - arrived[i]) / (j - i) for i in k for j in k if j > i), default=0.0)
    assert np.diff(path).max() <= max(forced, 0.0) + 1e-6


def test_zero_volume_needs_no_agents():
    idx, _ = _day(days=1)
    res = plan(idx, np.zeros(len(idx)), 300.0, interval_minutes=30, open_minutes=OPEN, response_hours=4)
    assert res.agents.sum() == 0 and res.backlog.sum() == 0 and res.service_level.min() == 1.0


@settings(max_examples=40, deadline=None)
@given(volume=st.lists(st.floats(0.0, 40.0), min_size=48, max_size=48), aht=st.floats(30.0, 1800.0),
       hours=st.floats(0.5, 10.0), open_from=st.integers(0, 10), open_len=st.integers(4, 14))
def test_plan_always_meets_every_deadline(volume, aht, hours, open_from, open_len):
    idx = pd.date_range("2026-12-07", periods=96, freq="30min", tz="Asia/Shanghai")
    vol = np.tile(np.asarray(volume), 2)
    window = (open_from * 60, (open_from + open_len) * 60)
    res = plan(idx, vol, aht, interval_minutes=30, open_minutes=window, response_hours=hours)
    assert res.service_level.min() >= 1.0 - 1e-9
    minute = idx.hour * 60 + idx.minute
    closed = (minute < window[0]) | (minute >= window[1])
    assert np.all(res.agents[closed] == 0)
    again = performance(idx, vol, aht, res.agents, interval_minutes=30, open_minutes=window, response_hours=hours)
    assert np.allclose(again.backlog, res.backlog)
    # staffed time covers the work done, within one agent-interval of rounding per interval
    worked = (res.occupancy * res.agents).sum() * 1800
    assert worked <= vol.sum() * aht + 1e-6

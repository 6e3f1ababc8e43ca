"""Deferred channels in the roster model: coverage is cumulative over the open intervals.
The roster must keep up with the staffing plan (which already lets contacts wait within
their response window), paying the channel's full weight per agent-interval and interval
it stays behind; it may work ahead of the plan, but not before the work arrives. Queue
channels keep the per-interval rule. Each roster re-verified by the independent checker
(`solve`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from roster_cases import VOICE, agent, config, demand, scheduled, solve

from staffcast.config import ChannelConfig
from staffcast.scheduler.roster.model.instance import build_instance

# response 2 h on a 30-min grid: the window is 4 open intervals (the peak's own and 3 more)
SOCIAL = ChannelConfig("social", "deferred", 0.3, response_hours=2, open_from=dt.time(8),
                       open_until_minutes=22 * 60)
SOCIAL_AS_QUEUE = ChannelConfig("social", "queue", 0.3, 0.8, 60, open_from=dt.time(8), open_until_minutes=22 * 60)
# a peak of one agent at 10:30 Monday, then nothing until one agent 12:00-19:00; the only
# shift start is 11:00 (8 h), so the peak can be worked only after it, at 11:00 or 11:30
PEAK = (("social", 0, "10:30", "11:00", 1), ("social", 0, "12:00", "19:00", 1))
LABOUR = 8 * 10.0 * 0.05  # one 8-h shift at 10/h, cost weight 0.05
OVER = 1.0  # over-coverage (or idle) weight per agent-interval


def test_peak_made_up_later_costs_the_intervals_behind_the_plan():
    cfg = config(channels=(SOCIAL,), starts=("11:00",))
    result = solve(demand(*PEAK), [agent("A", ("social",))], cfg)
    assert result.status == "OPTIMAL"
    assert scheduled(result, "social", 0, "10:30") == 0  # the peak interval itself is uncovered ...
    assert scheduled(result, "social", 0, "11:00") == 1  # ... and its work done at once after it
    # labour, two agent-intervals above the intervals' own requirement (11:00, 11:30), and
    # one interval behind the plan (10:30) at the full weight 100
    assert result.objective == pytest.approx(LABOUR + 2 * OVER + 100.0)
    assert LABOUR < result.lower_bound <= result.objective + 1e-9  # the LP relaxation stays a bound


def test_working_ahead_of_the_plan_on_arrived_work_costs_nothing():
    # the plan wants one agent 12:00-19:00 (14 agent-intervals); the work arrives 08:00-12:00
    # (volume: 8 x 2400 s, 16 staff-intervals), and the only shift is 10:00-18:00: working
    # ahead from 10:00 keeps the roster ahead of the plan all day, 18:00-19:00 included
    cfg = config(channels=(SOCIAL,), starts=("10:00",))
    req = demand(("social", 0, "12:00", "19:00", 1))
    req.loc[:, "volume"] = 0.0
    early = demand(("social", 0, "08:00", "12:00", 1)).assign(staff=0)
    req = pd.concat([early, req], ignore_index=True)  # 10 x 240 s arriving each interval from 08:00
    result = solve(req, [agent("A", ("social",))], cfg)
    assert scheduled(result, "social", 0, "10:00") == 1
    # labour and 10:00-12:00 above their own (zero) requirement; nothing behind the plan
    assert result.objective == pytest.approx(LABOUR + 4 * OVER)


def test_same_peak_on_a_queue_channel_is_charged_per_interval():
    cfg = config(channels=(SOCIAL_AS_QUEUE,), starts=("11:00",))
    result = solve(demand(*PEAK), [agent("A", ("social",))], cfg)
    assert result.status == "OPTIMAL"
    assert scheduled(result, "social", 0, "10:30") == 0
    # the per-interval rule charges the missing agent at 10:30 (weight 100, importance 1)
    assert result.objective == pytest.approx(LABOUR + 2 * OVER + 100.0)
    assert result.shortfall != ()


def test_work_made_up_later_is_charged_per_interval_behind():
    # the only start is 14:00: the 10:30 peak is done at 14:00 at the earliest, 7 intervals
    # behind the plan (10:30 .. 13:30) at 100 each, and 14:00 itself is covered above its
    # own requirement
    cfg = config(channels=(SOCIAL,), starts=("14:00",))
    req = demand(("social", 0, "10:30", "11:00", 1), ("social", 0, "14:30", "22:00", 1))
    result = solve(req, [agent("A", ("social",))], cfg)
    assert scheduled(result, "social", 0, "14:00") == 1
    assert result.objective == pytest.approx(LABOUR + OVER + 7 * 100.0)
    assert result.lower_bound <= result.objective + 1e-9


def test_work_never_done_costs_every_interval_behind():
    # nobody can work social: the 10:30 Monday peak (importance 0.5) is behind the plan from
    # 10:30 to the last opening, Sunday 21:30 (23 open intervals Monday, 28 on each of 6
    # days: 191 at 50)
    cfg = config(channels=(replace(SOCIAL, importance=0.5), VOICE), starts=("11:00",))
    result = solve(demand(("social", 0, "10:30", "11:00", 1)), [agent("A", ("voice",))], cfg)
    assert result.objective == pytest.approx(191 * 50.0)
    assert result.lower_bound == pytest.approx(result.objective)


def test_deferred_curves_follow_the_plan_and_the_arrivals():
    cfg = config(channels=(SOCIAL,), starts=("11:00",))
    req = demand(("social", 0, "08:00", "09:30", 1), ("social", 1, "21:30", "22:00", 2))
    req.loc[:, "volume"] = 3.0  # 3 x 240 s = 720 s per interval, under one staff (1260 s productive)
    inst = build_instance(req, (agent("A", ("social",)),), cfg)
    positions, due, arrived = inst.deferred_curves(0)
    assert len(positions) == 7 * 28
    # due: the plan's staff, cumulative (1, 2, 3 from Monday 08:00)
    np.testing.assert_array_equal(due[:5], [1, 2, 3, 3, 3])
    # arrivals (0.57, 1.14, 1.71 staff, rounded up) never below the plan
    np.testing.assert_array_equal(arrived[:5], [1, 2, 3, 3, 3])
    # Tuesday 21:30's contacts: due and arrived at Tuesday's last opening
    tuesday_close = 28 + 27
    assert due[tuesday_close] == 5 and arrived[tuesday_close] == 5
    assert due[tuesday_close - 1] == 3


def test_work_cannot_be_done_before_it_arrives():
    # the only shift (08:00-16:00) ends before the 17:00 peak: covering social early does
    # nothing, so A (off after Monday) is not rostered; the peak stays behind the plan to
    # the last opening, Sunday 21:30 (10 open intervals Monday, 28 on each of 6 days, at 100)
    cfg = config(channels=(SOCIAL,), starts=("08:00",))
    result = solve(demand(("social", 0, "17:00", "17:30", 1)), [agent("A", ("social",), off_days=range(1, 7))], cfg)
    assert len(result.roster) == 0
    assert result.objective == pytest.approx(178 * 100.0)
    assert result.lower_bound == pytest.approx(result.objective)

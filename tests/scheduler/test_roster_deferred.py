"""Deferred channels in the roster model: staff missing in one interval may be made up
later, before its contacts fall due (cumulative coverage over the open intervals), but not
before they arrive; queue channels keep the per-interval rule. Each roster re-verified by
the independent checker (`solve`). The cases' contacts (10 per staff, 240 s) are more work
than their `staff`, so the deadlines follow the `staff` plan (never more due than planned)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest
from roster_cases import VOICE, agent, config, demand, scheduled, solve

from scheduler.config import ChannelConfig
from scheduler.instance import build_instance

# response 2 h on a 30-min grid: the window is 4 open intervals (the peak's own and 3 more)
SOCIAL = ChannelConfig("social", "deferred", 0.3, response_hours=2, open_from=dt.time(8),
                       open_until_minutes=22 * 60)
SOCIAL_AS_QUEUE = ChannelConfig("social", "queue", 0.3, 0.8, 60, open_from=dt.time(8), open_until_minutes=22 * 60)
# a peak of one agent at 10:30 Monday, then nothing until one agent 12:00-19:00; the only
# shift start is 11:00 (8 h), so the peak can be worked only after it, at 11:00 or 11:30
PEAK = (("social", 0, "10:30", "11:00", 1), ("social", 0, "12:00", "19:00", 1))
LABOUR = 8 * 10.0 * 0.05  # one 8-h shift at 10/h, cost weight 0.05
OVER = 1.0  # over-coverage (or idle) weight per agent-interval


def test_peak_made_up_within_the_window_costs_no_under_coverage():
    cfg = config(channels=(SOCIAL,), starts=("11:00",))
    result = solve(demand(*PEAK), [agent("A", ("social",))], cfg)
    assert result.status == "OPTIMAL"
    assert scheduled(result, "social", 0, "10:30") == 0  # the peak interval itself is uncovered ...
    assert scheduled(result, "social", 0, "11:00") == 1  # ... and its work done within 2 h
    # labour plus two agent-intervals above the interval's own requirement (11:00, 11:30); no under-coverage
    assert result.objective == pytest.approx(LABOUR + 2 * OVER)
    assert LABOUR < result.lower_bound <= result.objective + 1e-9  # the LP relaxation stays a bound


def test_same_peak_on_a_queue_channel_is_charged_per_interval():
    cfg = config(channels=(SOCIAL_AS_QUEUE,), starts=("11:00",))
    result = solve(demand(*PEAK), [agent("A", ("social",))], cfg)
    assert result.status == "OPTIMAL"
    assert scheduled(result, "social", 0, "10:30") == 0
    # the per-interval rule charges the missing agent at 10:30 (weight 100, importance 1)
    assert result.objective == pytest.approx(LABOUR + 2 * OVER + 100.0)
    assert result.shortfall != ()


def test_work_made_up_after_the_window_is_charged_per_interval_late():
    # the only start is 14:00: the 10:30 peak is due by the end of 12:00 and done at 14:00
    # at the earliest, 4 intervals late (12:00 .. 13:30), at 100 / 4 per interval late, and
    # 14:00 itself is covered above its own requirement
    cfg = config(channels=(SOCIAL,), starts=("14:00",))
    req = demand(("social", 0, "10:30", "11:00", 1), ("social", 0, "14:30", "22:00", 1))
    result = solve(req, [agent("A", ("social",))], cfg)
    assert scheduled(result, "social", 0, "14:00") == 1
    assert result.objective == pytest.approx(LABOUR + OVER + 4 * 25.0)
    assert result.lower_bound <= result.objective + 1e-9


def test_work_never_done_costs_the_full_weight_plus_lateness():
    # nobody can work social: the 10:30 Monday peak (importance 0.5) is due by the end of
    # 12:00, late from there to Sunday 21:00 (20 - 1 open intervals Monday, 28 on each of 6
    # days: 187 at 50 / 4) and still missing at the last opening, Sunday 21:30 (50)
    cfg = config(channels=(replace(SOCIAL, importance=0.5), VOICE), starts=("11:00",))
    result = solve(demand(("social", 0, "10:30", "11:00", 1)), [agent("A", ("voice",))], cfg)
    assert result.objective == pytest.approx(187 * 12.5 + 50.0)
    assert result.lower_bound == pytest.approx(result.objective)


def test_deferred_curves_follow_the_deadlines_and_the_arrivals():
    cfg = config(channels=(SOCIAL,), starts=("11:00",))
    req = demand(("social", 0, "08:00", "09:30", 1), ("social", 1, "21:30", "22:00", 2))
    req.loc[:, "volume"] = 3.0  # 3 x 240 s = 720 s per interval, under one staff (1260 s productive)
    inst = build_instance(req, (agent("A", ("social",)),), cfg)
    assert inst.deferred_window(0) == 4
    positions, due, arrived = inst.deferred_curves(0)
    assert len(positions) == 7 * 28
    # Monday 08:00, 08:30, 09:00 bring 720 s each, due 3 intervals later: 0.57, 1.14, 1.71
    # staff rounded up (arrivals: never below the plan's 1, 2, 3)
    np.testing.assert_array_equal(due[:8], [0, 0, 0, 1, 2, 2, 2, 2])
    np.testing.assert_array_equal(arrived[:5], [1, 2, 3, 3, 3])
    # Tuesday 21:30's contacts fall due Wednesday 09:00 (the clock stops while closed)
    tuesday_close, wednesday_nine = 28 + 27, 2 * 28 + 2
    assert due[tuesday_close] == 2 and arrived[tuesday_close] == 5
    assert due[wednesday_nine - 1] == 2 and due[wednesday_nine] == 3


def test_work_cannot_be_done_before_it_arrives():
    # the only shift (08:00-16:00) ends before the 17:00 peak: covering social early does
    # nothing, so A (off after Monday) is not rostered; the peak, due by the end of 18:30,
    # is late to Sunday 21:00 (7 - 1 open intervals Monday, 28 on each of 6 days at 100 / 4)
    # and then missing
    cfg = config(channels=(SOCIAL,), starts=("08:00",))
    result = solve(demand(("social", 0, "17:00", "17:30", 1)), [agent("A", ("social",), off_days=range(1, 7))], cfg)
    assert len(result.roster) == 0
    assert result.objective == pytest.approx(174 * 25.0 + 100.0)
    assert result.lower_bound == pytest.approx(result.objective)

"""Deferred channels in the roster model: staff missing in one interval may be made up
later within the response window (cumulative coverage over the open day), queue channels
keep the per-interval rule. Each roster re-verified by the independent checker (`solve`)."""

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


def test_work_never_done_by_the_close_costs_the_full_weight_plus_lateness():
    # nobody can work social: the 10:30 peak (importance 0.5) is late from 12:00 to 21:00
    # (19 intervals at 50 / 4 per interval) and still missing at the 21:30 close (50)
    cfg = config(channels=(replace(SOCIAL, importance=0.5), VOICE), starts=("11:00",))
    result = solve(demand(("social", 0, "10:30", "11:00", 1)), [agent("A", ("voice",))], cfg)
    assert result.objective == pytest.approx(19 * 12.5 + 50.0)
    assert result.lower_bound == pytest.approx(result.objective)


def test_deferred_days_lag_the_requirement_by_the_window():
    cfg = config(channels=(SOCIAL,), starts=("11:00",))
    inst = build_instance(demand(("social", 0, "08:00", "09:30", 1), ("social", 1, "21:30", "22:00", 2)),
                          (agent("A", ("social",)),), cfg)
    assert inst.deferred_window(0) == 4
    days = inst.deferred_days(0)
    assert len(days) == 7 and all(len(positions) == 28 for positions, _, _ in days)
    monday, tuesday = days[0][1], days[1][1]
    # 08:00, 08:30, 09:00 need one each, due 3 intervals later; all done by the close
    np.testing.assert_array_equal(monday[:8], [0, 0, 0, 1, 2, 3, 3, 3])
    assert monday[-1] == 3
    # ... and each may be worked from its own interval on, not before
    np.testing.assert_array_equal(days[0][2][:5], [1, 2, 3, 3, 3])
    # the last interval's work is due at the close the same day (not carried to Wednesday)
    assert tuesday.max() == 2 and tuesday[-1] == 2 and tuesday[-2] == 0


def test_work_cannot_be_done_before_it_arrives():
    # the only shift (08:00-16:00) ends before the 17:00 peak: covering social early does
    # nothing, so nobody is rostered and the peak is late 18:30 .. 21:00 and missing at the close
    cfg = config(channels=(SOCIAL,), starts=("08:00",))
    result = solve(demand(("social", 0, "17:00", "17:30", 1)), [agent("A", ("social",))], cfg)
    assert len(result.roster) == 0
    assert result.objective == pytest.approx(6 * 25.0 + 100.0)
    assert result.lower_bound == pytest.approx(result.objective)

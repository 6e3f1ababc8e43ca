"""The short-interval bound: the fewest intervals of a queue channel that every roster of
the agents leaves below the requirement, hand-counted, and never above a real roster's."""

from __future__ import annotations

import pytest
from roster_cases import CHAT, VOICE, agent, config, demand

from staffcast.config import RulesConfig
from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.roster.model.instance import build_instance
from staffcast.scheduler.roster.search.lower_bound import shortfall_lower_bound
from staffcast.scheduler.roster.search.short_intervals import short_interval_bound

STARTS = ("07:00", "09:00", "11:00")


def test_a_team_two_days_short_leaves_two_whole_days_short():
    """Two voice needed 09:00-13:00 every day (8 intervals a day, 56 in the week), two
    agents of five 8-hour days: 14 agent-days needed, 10 worked. Covering an interval takes
    both agents that day, and a shift covering any of 09:00-11:00 covers the whole window,
    so each day is covered in 0, 4 or 8 intervals at two agent-days: at most 5 x 8 = 40
    covered, 16 short (two empty days), while the agent-intervals short are 4 x 8 = 32."""
    req = demand(*[("voice", d, "09:00", "13:00", 2) for d in range(7)])
    cfg = config(channels=(VOICE,), starts=STARTS, seconds=10.0)
    two = (agent("A0"), agent("A1"))
    inst = build_instance(req, two, cfg)
    bound = short_interval_bound(inst, 30.0)["voice"]
    assert (bound.bound, bound.incumbent, bound.intervals, bound.status, bound.gap) == (16, 16, 56, "OPTIMAL", 0.0)
    assert shortfall_lower_bound(inst)["voice"] == pytest.approx(32, abs=1e-4)
    result = build_roster(req, two, cfg, lower_bound=False)
    both = req.merge(result.coverage, on=["channel", "interval_start"])
    assert int((both["scheduled"] < both["staff"]).sum()) >= 16


def test_enough_agent_days_leave_no_interval_short_and_each_channel_is_bounded_alone():
    """A third agent brings 15 agent-days for the 14 needed: no voice interval must be
    short. Chat 09:00-13:00 on Monday needs 1 and nobody has chat: all 8 short, whatever
    voice gets."""
    req = demand(*[("voice", d, "09:00", "13:00", 2) for d in range(7)], ("chat", 0, "09:00", "13:00", 1))
    cfg = config(channels=(VOICE, CHAT), starts=STARTS)
    bounds = short_interval_bound(build_instance(req, (agent("A0"), agent("A1"), agent("A2")), cfg), 30.0)
    assert (bounds["voice"].bound, bounds["voice"].intervals) == (0, 56)
    assert (bounds["chat"].bound, bounds["chat"].intervals, bounds["chat"].status) == (8, 8, "OPTIMAL")


def test_one_agent_short_of_four_counts_the_interval_whole():
    """Four voice needed 09:00-13:00 every day, three agents working all seven days: one
    short in each of the 56 intervals. The count is 56, not the 14 a fractional `y`
    (shortfall / requirement) would give."""
    req = demand(*[("voice", d, "09:00", "13:00", 4) for d in range(7)])
    cfg = config(channels=(VOICE,), starts=STARTS, rules=RulesConfig(7, 11.0))
    inst = build_instance(req, tuple(agent(f"A{i}", high=56.0) for i in range(3)), cfg)
    assert shortfall_lower_bound(inst)["voice"] == pytest.approx(56, abs=1e-4)
    assert short_interval_bound(inst, 30.0)["voice"].bound == 56

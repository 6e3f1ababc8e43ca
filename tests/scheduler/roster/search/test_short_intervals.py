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
    bound = short_interval_bound(inst, 30.0)
    assert (bound.bound, bound.incumbent, bound.intervals, bound.status, bound.gap) == (16, 16, 56, "OPTIMAL", 0.0)
    assert shortfall_lower_bound(inst)["voice"] == pytest.approx(32, abs=1e-4)
    result = build_roster(req, two, cfg, lower_bound=False)
    both = req.merge(result.coverage, on=["channel", "interval_start"])
    assert int((both["scheduled"] < both["staff"]).sum()) >= 16


def test_a_channel_alone_borrows_the_shared_agents_and_together_they_cannot():
    """Two voice needed 09:00-13:00 every day (14 agent-days), one chat 09:00-13:00 on
    Monday (1 agent-day); three agents of five days with both skills (15 agent-days).
    Voice alone or chat alone: nothing short. Together, Monday needs three agents in the
    window: also fine (15 agent-days for 15). A fourth channel-day (chat on Tuesday too)
    leaves 16 agent-days for 15: one day's window short, 8 intervals, on one channel or the
    other, while each alone still has none short."""
    blocks = [("voice", d, "09:00", "13:00", 2) for d in range(7)]
    cfg = config(channels=(VOICE, CHAT), starts=STARTS)
    team = tuple(agent(f"A{i}", channels=("voice", "chat")) for i in range(3))
    inst = build_instance(demand(*blocks, ("chat", 0, "09:00", "13:00", 1)), team, cfg)
    assert [short_interval_bound(inst, 30.0, names).bound for names in (("voice",), ("chat",), None)] == [0, 0, 0]
    inst = build_instance(demand(*blocks, *[("chat", d, "09:00", "13:00", 1) for d in (0, 1)]), team, cfg)
    alone = [short_interval_bound(inst, 30.0, (name,)) for name in ("voice", "chat")]
    together = short_interval_bound(inst, 30.0)
    assert [(b.bound, b.intervals) for b in alone] == [(0, 56), (0, 16)]
    assert (together.bound, together.intervals, together.status) == (8, 72, "OPTIMAL")


def test_one_agent_short_of_four_counts_the_interval_whole():
    """Four voice needed 09:00-13:00 every day, three agents working all seven days: one
    short in each of the 56 intervals. The count is 56, not the 14 a fractional `y`
    (shortfall / requirement) would give."""
    req = demand(*[("voice", d, "09:00", "13:00", 4) for d in range(7)])
    cfg = config(channels=(VOICE,), starts=STARTS, rules=RulesConfig(7, 11.0))
    inst = build_instance(req, tuple(agent(f"A{i}", high=56.0) for i in range(3)), cfg)
    assert shortfall_lower_bound(inst)["voice"] == pytest.approx(56, abs=1e-4)
    assert short_interval_bound(inst, 30.0).bound == 56


def test_whole_shifts_close_what_a_fractional_agent_leaves_open():
    """One agent on an exact 40-hour contract, 8- or 9-hour shifts from 07:00, one needed
    07:00-16:00 Monday to Thursday. Shares of shifts cover it all (four 9-hour days and
    half an 8-hour one); whole shifts make 40 h only as five 8-hour days, each of the four
    days then short 15:00-16:00: 8 intervals."""
    req = demand(*[("voice", d, "07:00", "16:00", 1) for d in range(4)])
    cfg = config(channels=(VOICE,), lengths=(8.0, 9.0), starts=("07:00",))
    inst = build_instance(req, (agent("A0", low=40.0, high=40.0),), cfg)
    assert short_interval_bound(inst, 30.0).bound == 0
    whole = short_interval_bound(inst, 30.0, integral_shifts=True)
    assert (whole.bound, whole.incumbent, whole.intervals, whole.status) == (8, 8, 72, "OPTIMAL")

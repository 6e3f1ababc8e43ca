"""The MIP bound (integral shifts per agent): never above an optimally solved roster's
staffing cost, never below the LP bound, and tight where the LP's fractional agents are not."""

from __future__ import annotations

import pytest
from roster_cases import VOICE, agent, config, demand

from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.roster.model.instance import build_instance
from staffcast.scheduler.roster.search.lower_bound import lp_lower_bound
from staffcast.scheduler.roster.search.mip_bound import mip_lower_bound


def test_integral_shifts_close_what_a_fractional_agent_leaves_open():
    """One agent on an exact 40-hour contract, 8- or 9-hour shifts from 07:00, one needed
    07:00-16:00 Monday to Thursday. The LP works four 9-hour days and half an 8-hour
    Friday (40 h); whole shifts cannot make 40 h of 9-hour ones, so the roster works
    five 8-hour days: two intervals short each of four days and a whole idle Friday. The
    MIP bound is that roster's optimum; the LP bound is far below it."""
    req = demand(*[("voice", d, "07:00", "16:00", 1) for d in range(4)])
    agents = (agent("A0", low=40.0, high=40.0),)
    cfg = config(channels=(VOICE,), lengths=(8.0, 9.0), starts=("07:00",), seconds=10.0)
    inst = build_instance(req, agents, cfg)
    lp, mip = lp_lower_bound(inst), mip_lower_bound(inst, 30.0)
    result = build_roster(req, agents, cfg, lower_bound=False)
    assert result.status == "OPTIMAL" and mip.status == "OPTIMAL"
    assert lp < mip.bound <= result.objective - result.soft_penalty + 1e-6
    assert mip.bound == pytest.approx(result.objective, rel=1e-4)
    assert lp < 0.1 * result.objective
    hours = (result.roster["shift_end"] - result.roster["shift_start"]).dt.total_seconds() / 3600
    assert len(result.roster) == 5 and (hours == 8.0).all()


def test_the_bound_lies_between_the_lp_bound_and_the_optimal_roster():
    """Service-aware costs (a thin morning, a thick peak), seven agents: LP <= MIP <= the
    optimal roster's objective (soft rules off, so objective = staffing cost)."""
    blocks = [("voice", d, "07:00", "09:00", 2) for d in range(7)]
    blocks += [("voice", d, "09:00", "13:00", 9) for d in range(7)]
    blocks += [("voice", d, "13:00", "23:00", 3) for d in range(7)]
    req = demand(*blocks)
    agents = tuple(agent(f"A{i}", low=32.0) for i in range(7))
    cfg = config(channels=(VOICE,), lengths=(8.0, 9.0), seconds=20.0)
    inst = build_instance(req, agents, cfg)
    lp, mip = lp_lower_bound(inst), mip_lower_bound(inst, 30.0)
    result = build_roster(req, agents, cfg, lower_bound=False)
    assert result.status == "OPTIMAL" and mip.status == "OPTIMAL"
    assert lp * (1 - 1e-5) <= mip.bound <= result.objective + 1e-6
    assert mip.incumbent == pytest.approx(result.objective, rel=1e-4)

"""The LP lower bound, computed in a child process beside the search: the same value as
computed inline, or nothing when it cannot finish by the deadline."""

from __future__ import annotations

import os
import time

import pytest
from roster_cases import VOICE, agent, config, demand

from staffcast.config import RulesConfig
from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.roster.model.instance import build_instance
from staffcast.scheduler.roster.search.lower_bound import ConcurrentBound, lp_lower_bound, shortfall_lower_bound


def instance():
    req = demand(*[("voice", d, "07:00", "23:00", 2) for d in range(7)])
    return build_instance(req, tuple(agent(f"A{i}") for i in range(6)), config(channels=(VOICE,)))


def test_the_bound_from_the_child_process_is_the_inline_bound():
    inst = instance()
    with ConcurrentBound(inst) as bound:
        value = bound.result(deadline=time.perf_counter() + 60)
    assert value == pytest.approx(lp_lower_bound(inst), rel=1e-12) and value > 0


def test_the_bound_takes_only_the_cpu_the_search_leaves(monkeypatch):
    # the child runs at the lowest priority, so on a loaded machine the search (whose
    # deterministic budget is what makes the roster repeatable) is not slowed by it
    from staffcast.scheduler.roster.search import lower_bound

    monkeypatch.setattr(lower_bound, "lp_lower_bound", lambda inst: os.getpriority(os.PRIO_PROCESS, 0))
    with ConcurrentBound(instance()) as bound:
        child = bound.result(deadline=time.perf_counter() + 60)
    assert child == 19


def test_no_bound_when_the_deadline_has_passed_or_none_was_asked_for():
    inst = instance()
    with ConcurrentBound(inst) as bound:
        assert bound.result(deadline=time.perf_counter() - 1) is None
    assert not bound.process.is_alive()  # leaving the block stops the child
    with ConcurrentBound(inst, enabled=False) as bound:
        assert bound.result(deadline=time.perf_counter() + 60) is None


def test_the_bound_holds_under_service_aware_costs():
    """Volumes that vary (a thin early morning, a thick peak) make the coverage costs differ
    interval by interval; the LP must carry the same costs, or its value is no bound (a
    flat-cost LP exceeds the roster's objective when agents are short at thick intervals)."""
    blocks = [("voice", d, "07:00", "09:00", 2) for d in range(7)]
    blocks += [("voice", d, "09:00", "13:00", 9) for d in range(7)]
    blocks += [("voice", d, "13:00", "23:00", 3) for d in range(7)]
    req = demand(*blocks)
    agents = tuple(agent(f"A{i}") for i in range(7))
    cfg = config(channels=(VOICE,), seconds=20.0)
    inst = build_instance(req, agents, cfg)
    bound = lp_lower_bound(inst)
    result = build_roster(req, agents, cfg, lower_bound=False)
    assert result.status == "OPTIMAL"
    assert bound <= result.objective + 1e-6
    assert bound >= 0.9 * result.objective  # and a tight one on this small case


def test_the_shortfall_bound_is_what_no_roster_can_avoid():
    """Three voice agents of at most one 8-hour shift a day, five days a week, against 4
    needed 09:00-13:00 every day: one short on each of the 7 days and the 6 agent-days the
    week lacks, 8 intervals each (104 agent-intervals), whatever the roster; with seven-day
    weeks 56; with a fourth agent none. The roster itself is no better than the bound."""
    req = demand(*[("voice", d, "09:00", "13:00", 4) for d in range(7)])
    cfg = config(channels=(VOICE,), starts=("07:00", "09:00", "11:00"))
    three = tuple(agent(f"A{i}", high=56.0) for i in range(3))
    assert shortfall_lower_bound(build_instance(req, three, cfg))["voice"] == pytest.approx(104, abs=1e-4)
    cfg = config(channels=(VOICE,), starts=("07:00", "09:00", "11:00"), rules=RulesConfig(7, 11.0))
    bound = shortfall_lower_bound(build_instance(req, three, cfg))["voice"]
    assert bound == pytest.approx(7 * 8, abs=1e-4)
    result = build_roster(req, three, cfg, lower_bound=False)
    short = (req.merge(result.coverage, on=["channel", "interval_start"]).eval("staff - scheduled").clip(lower=0)).sum()
    assert short >= bound - 1e-6
    four = (*three, agent("A3", high=56.0))
    assert shortfall_lower_bound(build_instance(req, four, cfg))["voice"] == pytest.approx(0.0, abs=1e-4)

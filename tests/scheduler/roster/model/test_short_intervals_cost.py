"""The `[weights] short_interval` rule: an interval below its plan at all costs once, so the
roster packs an unavoidable shortfall into few intervals instead of spreading it."""

from __future__ import annotations

import dataclasses

import pytest
from ortools.sat.python import cp_model
from roster_cases import NO_SOFT, VOICE, agent, config, demand

from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.roster.model import rules
from staffcast.scheduler.roster.model.instance import build_instance
from staffcast.scheduler.roster.search.lower_bound import lp_lower_bound


def _two_intervals(short_cost: int) -> tuple[list[int], int]:
    """Two intervals needing 3 agents each and 4 agents to share: (missing per interval, objective)."""
    model = cp_model.CpModel()
    cover = [model.NewIntVar(0, 4, f"cover_{t}") for t in range(2)]
    model.Add(sum(cover) == 4)
    terms = []
    for t in range(2):
        terms += rules.under_coverage_terms(model, cover[t], 3, (100, 150, 200), f"voice_{t}", short_cost)
    model.Minimize(sum(coef * var for var, coef in terms))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    return sorted(3 - solver.Value(c) for c in cover), round(solver.ObjectiveValue())


def test_without_the_rule_a_shortfall_is_spread():
    assert _two_intervals(0) == ([1, 1], 200)


def test_an_interval_short_at_all_costs_once_so_the_shortfall_is_packed():
    # spread: 2 x (100 + 60); packed: 100 + 150 + 60 once
    assert _two_intervals(60) == ([0, 2], 310)


def test_a_cheap_short_charge_does_not_outweigh_the_convex_depth_cost():
    # packing costs 50 more in depth than spreading; a charge of 40 saves only 40
    assert _two_intervals(40) == ([1, 1], 280)


def test_the_first_missing_agent_says_whether_the_interval_is_short():
    # with the rule the missing agents fill in order: the deeper ones only after the first
    model = cp_model.CpModel()
    cover = model.NewIntVar(0, 9, "cover")
    model.Add(cover == 7)
    terms = rules.under_coverage_terms(model, cover, 9, (100, 50, 50), "voice", 10)
    model.Minimize(sum(coef * var for var, coef in terms))  # 2nd segment cheaper than the 1st
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    assert solver.ObjectiveValue() == 100 + 50 + 10


def _week(weight: float):
    # 4 voice agents of five 8-hour days against 4 needed 09:00-13:00 every day: 8 agent-days
    # short whatever the roster, spread over the week or packed into two days
    req = demand(*[("voice", d, "09:00", "13:00", 4) for d in range(7)])
    cfg = config(channels=(VOICE,), starts=("07:00", "09:00", "11:00"), seconds=20.0,
                 weights=dataclasses.replace(NO_SOFT, short_interval=weight))
    return req, tuple(agent(f"A{i}") for i in range(4)), cfg


def _short_intervals(result, req) -> int:
    both = req.merge(result.coverage, on=["channel", "interval_start"], how="left")
    return int((both["staff"] > both["scheduled"].fillna(0)).sum())


def test_the_roster_leaves_fewer_intervals_short_with_the_rule():
    req, agents, flat = _week(0.0)
    spread = build_roster(req, agents, flat, lower_bound=False)
    _, _, packed_cfg = _week(5.0)
    packed = build_roster(req, agents, packed_cfg, lower_bound=False)
    assert spread.status == packed.status == "OPTIMAL"
    assert _short_intervals(spread, req) == 56  # every day one or two agents short
    assert _short_intervals(packed, req) == 16  # two days without anyone, five full


@pytest.mark.parametrize("weight", [2.0, 10.0])
def test_the_lp_bound_holds_with_the_rule(weight):
    req, agents, cfg = _week(weight)
    result = build_roster(req, agents, cfg, lower_bound=False)
    bound = lp_lower_bound(build_instance(req, agents, cfg))
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert 0 < bound <= result.objective + 1e-6

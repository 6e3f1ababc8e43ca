"""The hiring-plan MIP against exhaustive search, and the supply rules it rests on."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from staffcast.capacity_config import CapacityConfig
from staffcast.scheduler.capacity.model import plan_hiring, solve_skill
from staffcast.scheduler.capacity.supply import productivity_by_age, supply


def _brute_force(required, heads_today, capacity: CapacityConfig) -> tuple[float, np.ndarray]:
    """The minimum cost over every choice of class sizes, with each week's best overtime
    (used before shortfall whenever it is the cheaper of the two) computed in closed form."""
    weeks = len(required)
    low, high = capacity.class_size
    choices = [0, *range(low, high + 1)]
    open_weeks = range(capacity.lead_weeks, weeks)
    ot_price = capacity.overtime_cost_factor * capacity.cost_per_fte_week
    best, best_hires = np.inf, None
    for combo in itertools.product(choices, repeat=len(open_weeks)):
        hires = np.zeros(weeks)
        hires[list(open_weeks)] = combo
        got = supply(capacity, heads_today, hires)
        p = got["productive_fte"]
        gap = np.maximum(0.0, required - p)
        cheaper = ot_price < capacity.shortfall_cost_per_fte_week
        o = np.minimum(capacity.overtime_max_share * p, gap) if cheaper else 0 * p
        u = gap - o
        cost = (capacity.cost_per_fte_week * got["heads"].sum() + ot_price * o.sum()
                + capacity.shortfall_cost_per_fte_week * u.sum() + capacity.cost_per_hire * hires.sum())
        if cost < best - 1e-9:
            best, best_hires = cost, hires
    return best, best_hires


SMALL = [
    (CapacityConfig(attrition_per_week=0.02, lead_weeks=1, training_weeks=1, ramp=(0.5,), class_size=(1, 3),
                    cost_per_hire=300, cost_per_fte_week=100, overtime_max_share=0.1,
                    overtime_cost_factor=1.5, shortfall_cost_per_fte_week=600),
     np.array([10, 10, 11, 12, 13, 13, 14.5]), 10.0),
    (CapacityConfig(attrition_per_week=0.05, lead_weeks=2, training_weeks=2, ramp=(0.3, 0.8), class_size=(2, 4),
                    cost_per_hire=100, cost_per_fte_week=50, overtime_max_share=0.2,
                    overtime_cost_factor=1.2, shortfall_cost_per_fte_week=400),
     np.array([8, 9, 9, 12, 14, 15, 15, 16]), 9.0),
    (CapacityConfig(attrition_per_week=0.0, lead_weeks=0, training_weeks=0, ramp=(), class_size=(2, 2),
                    cost_per_hire=1000, cost_per_fte_week=80, overtime_max_share=0.0,
                    overtime_cost_factor=1.5, shortfall_cost_per_fte_week=90),
     np.array([5, 7, 7, 3, 9, 9]), 4.0),
    (CapacityConfig(attrition_per_week=0.03, lead_weeks=1, training_weeks=1, ramp=(0.6,), class_size=(1, 3),
                    cost_per_hire=50, cost_per_fte_week=100, overtime_max_share=0.15,
                    overtime_cost_factor=8.0, shortfall_cost_per_fte_week=500),
     np.array([4, 6, 8, 8, 9, 9, 10]), 5.0),
]


@pytest.mark.parametrize(("capacity", "required", "heads_today"), SMALL)
def test_cost_equals_exhaustive_optimum(capacity, required, heads_today):
    plan, solved = solve_skill(required, heads_today, capacity)
    best, best_hires = _brute_force(required, heads_today, capacity)
    assert solved.status == "OPTIMAL"
    assert plan["cost"].sum() == pytest.approx(best, rel=1e-7)
    assert solved.objective == pytest.approx(best, rel=1e-7)
    low, high = capacity.class_size
    assert all(h == 0 or low <= h <= high for h in plan["hires"])
    assert not plan["hires"][: capacity.lead_weeks].any()


def test_hire_productive_only_after_lead_and_training():
    capacity = CapacityConfig(attrition_per_week=0.0, lead_weeks=3, training_weeks=2, ramp=(0.5, 0.75),
                              class_size=(4, 4), cost_per_hire=0, cost_per_fte_week=1, overtime_max_share=0,
                              shortfall_cost_per_fte_week=1000)
    # the need grows from week 5 exactly as a class started in week 3, the earliest, ramps up
    required = np.array([0, 0, 0, 0, 0, 2, 3, 4, 4, 4, 4, 4.0])
    plan, _ = solve_skill(required, 0.0, capacity)
    assert plan["hires"].tolist() == [0, 0, 0, 4] + [0] * 8
    assert plan["productive_fte"].tolist() == pytest.approx([0, 0, 0, 0, 0, 2, 3] + [4] * 5)
    assert plan["in_training"].tolist() == pytest.approx([0, 0, 0, 4, 4] + [0] * 7)
    assert plan["heads"].tolist() == pytest.approx([0, 0, 0] + [4] * 9)
    assert productivity_by_age(capacity, 6).tolist() == [0, 0, 0.5, 0.75, 1, 1]


def test_zero_attrition_and_ample_staff_hire_nobody():
    capacity = CapacityConfig(attrition_per_week=0.0)
    required = pd.DataFrame({"week_start": np.tile(pd.date_range("2027-01-04", periods=52, freq="7D"), 2),
                             "skill": np.repeat(["voice", "chat;email"], 52),
                             "fte_required": np.r_[np.full(52, 40.0), np.linspace(10, 29, 52)]})
    result = plan_hiring(required, {"voice": 45, "chat;email": 30}, capacity)
    assert result.plan["hires"].sum() == 0
    assert result.plan["shortfall_fte"].max() == pytest.approx(0, abs=1e-9)
    assert result.cost == pytest.approx(900 * 52 * 75)


def test_attrition_compounds_on_every_cohort():
    capacity = CapacityConfig(attrition_per_week=0.1, training_weeks=0, ramp=())
    got = supply(capacity, 10.0, np.array([0, 0, 5, 0]))
    assert got["heads"].tolist() == pytest.approx([10, 9, 8.1 + 5, 7.29 + 4.5])

"""The simulation agrees with Erlang C and A where their assumptions hold, and shows where
they do not (queue carried over a peak, a short interval starting empty)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from staffing_testdata import load_planning, make_forecast

from staffcast.scheduler.simulation.frame import OUTPUT_COLUMNS, simulate_frame
from staffcast.scheduler.simulation.queue import simulate_intervals
from staffcast.scheduler.staffing.erlang import asa_seconds, service_level
from staffcast.scheduler.staffing.erlang_a import erlang_a
from staffcast.scheduler.staffing.requirements import requirements


@pytest.fixture
def planning(tmp_path):
    return load_planning(tmp_path)


@pytest.fixture
def forecast_factory():
    return make_forecast



def test_agrees_with_erlang_c_on_a_stationary_day():
    res = simulate_intervals(np.full(48, 100.0), 180.0, 14, interval_minutes=30, answer_seconds=20,
                             replications=20, seed=1)
    expected = float(service_level(14, 10.0, 180, 20))  # 0.88835
    assert abs(res.overall_service_level - expected) <= res.overall_service_level_halfwidth
    assert res.overall_service_level_halfwidth < 0.02
    assert res.overall_asa_seconds == pytest.approx(float(asa_seconds(14, 10.0, 180)), rel=0.15)
    # per interval, the Erlang value lies inside most intervals' 95% confidence bands
    inside = np.abs(res.service_level - expected) <= res.service_level_halfwidth
    assert inside.mean() >= 0.85
    assert np.all(res.abandon_rate == 0)


def test_agrees_with_erlang_a_on_a_stationary_day():
    # A 95% interval misses for about one seed in twenty; the seed is fixed, so this is stable.
    res = simulate_intervals(np.full(48, 100.0), 180.0, 12, interval_minutes=30, answer_seconds=20,
                             patience_seconds=180.0, replications=20, seed=11)
    exact = erlang_a(12, 10.0, 180.0, 180.0, 20.0)
    assert abs(res.overall_service_level - float(exact.service_level[0])) <= res.overall_service_level_halfwidth
    assert res.overall_abandon_rate == pytest.approx(float(exact.abandon_rate[0]), rel=0.12)
    assert res.overall_asa_seconds == pytest.approx(float(exact.asa_seconds[0]), rel=0.15)


def test_queue_carried_over_a_peak_breaks_the_interval_by_interval_formula():
    # 15-minute intervals: steady, then a peak the 14 agents cannot absorb, then steady again.
    volume = np.array([50.0] * 4 + [75.0] * 2 + [50.0] * 4)  # load 10 Erlangs, peak 15
    res = simulate_intervals(volume, 180.0, 14, interval_minutes=15, answer_seconds=20, replications=40, seed=3)
    erlang_after = float(service_level(14, 10.0, 180, 20))  # 0.888: Erlang C sees a calm interval
    after = 6  # first interval after the peak starts with the peak's queue
    assert res.service_level[after] + res.service_level_halfwidth[after] < erlang_after - 0.1
    # ...and the backlog is gone a few intervals later, where Erlang C is right again
    assert abs(res.service_level[-1] - erlang_after) <= res.service_level_halfwidth[-1] + 0.02


def test_short_interval_starting_empty_beats_the_steady_state_formula():
    # One 15-minute interval, 11 agents for 10 Erlangs: steady state says a long queue,
    # but an empty centre at the interval start has not built one yet.
    res = simulate_intervals(np.array([50.0]), 180.0, 11, interval_minutes=15, answer_seconds=20,
                             replications=40, seed=4)
    steady = float(service_level(11, 10.0, 180, 20))
    assert res.service_level[0] - res.service_level_halfwidth[0] > steady + 0.05


def test_seeded_and_reproducible():
    kw = dict(interval_minutes=30, answer_seconds=20, patience_seconds=120.0, replications=5)
    a = simulate_intervals(np.full(6, 80.0), 200.0, 10, seed=7, **kw)
    b = simulate_intervals(np.full(6, 80.0), 200.0, 10, seed=7, **kw)
    c = simulate_intervals(np.full(6, 80.0), 200.0, 10, seed=8, **kw)
    assert np.array_equal(a.service_level, b.service_level) and np.array_equal(a.asa_seconds, b.asa_seconds)
    assert not np.array_equal(a.service_level, c.service_level)


def test_less_variable_handle_times_serve_better():
    kw = dict(interval_minutes=30, answer_seconds=20, replications=20, seed=5)
    expo = simulate_intervals(np.full(24, 100.0), 180.0, 12, **kw)
    logn = simulate_intervals(np.full(24, 100.0), 180.0, 12, handle="lognormal", handle_cv=0.4, **kw)
    assert logn.overall_service_level > expo.overall_service_level + 0.03


def test_no_agents_means_nobody_answered():
    res = simulate_intervals(np.array([10.0, 10.0]), 180.0, np.array([0, 0]), interval_minutes=30,
                             answer_seconds=20, replications=3, seed=0)
    assert res.service_level.tolist() == [0.0, 0.0]
    assert np.isinf(res.asa_seconds).all()


def test_simulate_frame_for_requirements_and_coverage(planning, forecast_factory):
    forecast = forecast_factory(days=1)
    req = requirements(forecast, planning)
    sim = simulate_frame(req, planning, replications=6, seed=0)
    assert list(sim.columns) == list(OUTPUT_COLUMNS)
    assert len(sim) == len(req) and (sim["channel"] == req["channel"]).all()
    busy = req["volume"] > 5
    # the plan's targets roughly hold in simulation for queue channels at the agents planned
    for name in ("voice", "chat"):
        mask = busy & (req["channel"] == name)
        assert sim.loc[mask, "sim_service_level"].mean() > 0.75
    voice = req["channel"] == "voice"
    assert sim.loc[voice & busy, "sim_abandon_rate"].mean() == pytest.approx(
        req.loc[voice & busy, "abandon_rate"].mean(), abs=0.03)
    # a coverage frame: scheduled staff, less 30% shrinkage, gives the planned agents back
    coverage = pd.DataFrame({"channel": req["channel"], "interval_start": req["interval_start"],
                             "required": req["staff"], "scheduled": req["staff"]})
    sim_cov = simulate_frame(coverage, planning, requirements=req, replications=6, seed=0)
    assert (sim_cov["sim_service_level"] >= sim["sim_service_level"] - 1e-12).mean() > 0.5
    understaffed = coverage.assign(scheduled=(req["staff"] // 2))
    sim_low = simulate_frame(understaffed, planning, requirements=req, replications=6, seed=0)
    assert sim_low.loc[busy, "sim_service_level"].mean() < sim_cov.loc[busy, "sim_service_level"].mean() - 0.2
    with pytest.raises(ValueError, match="requirements"):
        simulate_frame(coverage, planning)

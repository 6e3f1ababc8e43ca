"""Erlang B/C: the published worked example, stability over the load range, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffcast.scheduler.staffing.erlang import (
    asa_seconds,
    erlang_b,
    erlang_c,
    occupancy,
    offered_load,
    required_agents,
    service_level,
)


def test_reference_example_100_calls_per_half_hour():
    # 100 calls per 30 min, AHT 180 s, 80% in 20 s (the classic Erlang C worked example).
    load = offered_load(100, 180, 30)
    assert load == pytest.approx(10.0)
    agents = required_agents(load, 180, service_level_target=0.8, answer_seconds=20)
    assert agents.tolist() == [14]
    assert float(service_level(14, load, 180, 20)) == pytest.approx(0.88835, abs=5e-6)
    assert float(asa_seconds(14, load, 180)) == pytest.approx(7.84, abs=5e-3)
    assert float(occupancy(14, load)) == pytest.approx(0.714, abs=5e-4)
    assert float(erlang_c(14, load)) == pytest.approx(0.1741, abs=5e-5)
    assert float(service_level(13, load, 180, 20)) < 0.8  # 13 would fail
    assert math.ceil(14 / (1 - 0.30) - 1e-9) == 20  # grossed up for 30% shrinkage


def _erlang_b_recurrence(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


@pytest.mark.parametrize(("n", "a"), [(1, 0.5), (5, 3.0), (10, 10.0), (30, 25.5), (3, 40.0), (200, 180.0),
                                      (40, 400.0), (2000, 5000.0), (5100, 5000.0)])
def test_erlang_b_matches_the_textbook_recurrence(n, a):
    assert float(erlang_b(n, a)) == pytest.approx(_erlang_b_recurrence(n, a), rel=1e-9)


def test_erlang_b_published_value():
    assert float(erlang_b(5, 3.0)) == pytest.approx(0.11005, abs=5e-6)


def test_stable_from_zero_to_5000_erlangs():
    load = np.concatenate([[0.0, 1e-9, 1e-3], np.linspace(0.1, 5000, 2001)])
    agents = required_agents(load, 300.0, service_level_target=0.9, answer_seconds=15, max_occupancy=0.95)
    assert agents[0] == 0
    assert np.all(agents[1:] > load[1:])
    for n in (agents, agents - 1, np.floor(load), np.zeros_like(agents)):
        for values in (erlang_b(n, load), erlang_c(n, load), service_level(n, load, 300, 15),
                       occupancy(n, load)):
            assert np.all(np.isfinite(values)) and np.all((values >= 0) & (values <= 1))
        asa = asa_seconds(n, load, 300)
        assert not np.any(np.isnan(asa)) and np.all(asa >= 0)
    # At 5,000 Erlangs the excess over the load is of order sqrt(load), not the load.
    assert agents[-1] - 5000 < 5 * math.sqrt(5000)


def test_zero_volume_needs_zero_agents_and_is_fully_served():
    assert required_agents(0.0, 300, service_level_target=0.8, answer_seconds=20).tolist() == [0]
    assert float(service_level(0, 0.0, 300, 20)) == 1.0
    assert float(asa_seconds(0, 0.0, 300)) == 0.0


def test_unstable_queue_is_reported_not_nan():
    assert float(erlang_c(10, 10.0)) == 1.0
    assert float(service_level(9, 10.0, 180, 20)) == 0.0
    assert math.isinf(float(asa_seconds(10, 10.0, 180)))


loads = st.floats(min_value=0.05, max_value=400.0, allow_nan=False)
ahts = st.floats(min_value=10.0, max_value=1800.0)
targets = st.floats(min_value=0.5, max_value=0.99)
answers = st.floats(min_value=1.0, max_value=120.0)


@settings(max_examples=80, deadline=None)
@given(load=loads, aht=ahts, answer=answers, extra=st.integers(1, 30))
def test_service_level_rises_and_asa_falls_with_agents(load, aht, answer, extra):
    n = np.arange(math.floor(load) + 1, math.floor(load) + 1 + extra + 1)
    sl = service_level(n, load, aht, answer)
    asa = asa_seconds(n, load, aht)
    assert np.all(np.diff(sl) >= -1e-12)
    assert np.all(np.diff(asa) <= 1e-12)


@settings(max_examples=80, deadline=None)
@given(load=loads, aht=ahts, target=targets, answer=answers,
       asa=st.one_of(st.none(), st.floats(5.0, 120.0)), occ=st.one_of(st.none(), st.floats(0.6, 1.0)))
def test_required_agents_is_minimal(load, aht, target, answer, asa, occ):
    n = int(required_agents(load, aht, service_level_target=target, answer_seconds=answer,
                            asa_target_seconds=asa, max_occupancy=occ)[0])

    def meets(k):
        if k <= load:
            return False
        ok = service_level(k, load, aht, answer) >= target
        if asa is not None:
            ok &= asa_seconds(k, load, aht) <= asa
        if occ is not None:
            ok &= load / k <= occ + 1e-12
        return bool(ok)

    assert meets(n)
    assert not meets(n - 1)


def test_vectorised_equals_one_by_one():
    rng = np.random.default_rng(3)
    load = rng.uniform(0, 300, 200)
    aht = rng.uniform(60, 900, 200)
    together = required_agents(load, aht, service_level_target=0.8, answer_seconds=20, max_occupancy=0.9)
    alone = [int(required_agents(a, h, service_level_target=0.8, answer_seconds=20, max_occupancy=0.9)[0])
             for a, h in zip(load, aht, strict=True)]
    assert together.tolist() == alone

"""Erlang A (M/M/n+M): exactness against the birth-death chain, the Erlang C limit,
minimal agents."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from staffcast.scheduler.staffing.erlang import asa_seconds, erlang_c, service_level
from staffcast.scheduler.staffing.erlang_a import erlang_a, required_agents_a


def _chain(n: int, load: float, aht: float, patience: float, states: int = 4000):
    """Stationary distribution of the M/M/n+M birth-death chain, by brute force."""
    lam, mu, theta = load / aht, 1 / aht, 1 / patience
    k = np.arange(states)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    log_pi = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    pi = np.exp(log_pi - special.logsumexp(log_pi))
    return k, pi, lam, theta


@pytest.mark.parametrize(("n", "load", "aht", "patience"), [
    (14, 10.0, 180.0, 180.0), (8, 10.0, 180.0, 60.0), (3, 10.0, 300.0, 120.0), (50, 48.0, 240.0, 600.0),
    (0, 2.0, 200.0, 100.0), (120, 140.0, 300.0, 180.0),
])
def test_wait_and_abandonment_match_the_birth_death_chain(n, load, aht, patience):
    k, pi, lam, theta = _chain(n, load, aht, patience)
    r = erlang_a(n, load, aht, patience, 20.0)
    assert float(r.wait_probability[0]) == pytest.approx(pi[k >= n].sum(), rel=1e-9, abs=1e-12)
    queued = np.maximum(k - n, 0) @ pi
    # Little + rate balance: abandonment flux theta * E[queue] over the arrival rate.
    assert float(r.abandon_rate[0]) == pytest.approx(theta * queued / lam, rel=1e-9, abs=1e-12)
    if n:  # occupancy = carried load (agents busy on average) per agent
        assert float(r.occupancy[0]) * n == pytest.approx(np.minimum(k, n) @ pi, rel=1e-9)


def test_service_level_matches_numerical_integration():
    # P(answered within t | m queued ahead) integrated by brute force over the stage times.
    n, load, aht, patience, t = 6, 6.5, 200.0, 90.0, 30.0
    k, pi, lam, theta = _chain(n, load, aht, patience)
    mu = 1 / aht
    rng = np.random.default_rng(0)
    total = pi[k < n].sum()
    for m in range(0, 80):
        rates = n * mu + np.arange(m + 1) * theta  # queue ahead shrinks; tagged one not yet served
        v = rng.exponential(1 / rates, size=(40_000, m + 1)).sum(axis=1)
        tau = rng.exponential(patience, size=v.size)
        total += pi[n + m] * np.mean((v <= t) & (tau > v))
    r = erlang_a(n, load, aht, patience, t)
    assert float(r.service_level[0]) == pytest.approx(total, abs=3e-3)


@settings(max_examples=40, deadline=None)
@given(load=st.floats(0.5, 200.0), aht=st.floats(30.0, 900.0), answer=st.floats(5.0, 120.0),
       extra=st.integers(1, 15))
def test_converges_to_erlang_c_as_patience_grows(load, aht, answer, extra):
    n = int(np.floor(load + 0.5)) + extra  # at least half an agent of headroom (utilisation < 1)
    c_sl = float(service_level(n, load, aht, answer))
    c_asa = float(asa_seconds(n, load, aht))
    gaps = []
    for patience in (aht * 1e2, aht * 1e4, aht * 1e6, aht * 1e8):
        r = erlang_a(n, load, aht, patience, answer)
        gaps.append(abs(float(r.service_level[0]) - c_sl))
        assert float(r.wait_probability[0]) <= float(erlang_c(n, load)) + 1e-9
    # Convergence is linear in 1/patience, slowest in heavy traffic (n just above the load).
    assert all(later <= earlier + 1e-9 for earlier, later in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] < 1e-4
    assert float(r.asa_seconds[0]) == pytest.approx(c_asa, rel=1e-3, abs=1e-3)


@settings(max_examples=40, deadline=None)
@given(load=st.floats(0.2, 150.0), aht=st.floats(60.0, 600.0), patience=st.floats(20.0, 900.0),
       target=st.floats(0.5, 0.95), occ=st.one_of(st.none(), st.floats(0.7, 1.0)))
def test_required_agents_a_is_minimal(load, aht, patience, target, occ):
    n = int(required_agents_a(load, aht, patience, service_level_target=target, answer_seconds=20,
                              max_occupancy=occ)[0])

    def meets(k):
        r = erlang_a(k, load, aht, patience, 20)
        ok = r.service_level[0] >= target
        if occ is not None:
            ok &= r.occupancy[0] <= occ + 1e-12
        return bool(ok)

    assert meets(n)
    assert n == 0 or not meets(n - 1)


def test_agents_monotone_and_abandonment_lowers_need():
    n = np.arange(0, 25)
    r = erlang_a(n, 12.0, 240.0, 120.0, 20.0)
    assert np.all(np.diff(r.service_level) >= -1e-12)
    assert np.all(np.diff(r.abandon_rate) <= 1e-12)
    assert np.all(np.diff(r.asa_seconds[1:]) <= 1e-9)
    a_need = required_agents_a(12.0, 240.0, 120.0, service_level_target=0.8, answer_seconds=20)
    from staffcast.scheduler.staffing.erlang import required_agents
    c_need = required_agents(12.0, 240.0, service_level_target=0.8, answer_seconds=20)
    assert a_need[0] <= c_need[0]


def test_zero_load_and_no_agents():
    r = erlang_a([0, 0], [0.0, 3.0], 300.0, 120.0, 20.0)
    assert r.service_level.tolist() == [1.0, 0.0]
    assert r.abandon_rate.tolist() == [0.0, 1.0]
    assert np.isinf(r.asa_seconds[1]) and r.asa_seconds[0] == 0.0

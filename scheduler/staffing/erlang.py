"""Erlang B and C (M/M/n), vectorised over arrays of intervals.

Every function takes NumPy arrays (or scalars) that broadcast together, one element per
interval, and returns float arrays. Units: `load` in Erlangs (offered traffic, contacts in
service at once on average), `agents` a count (servers), `aht_seconds` and `answer_seconds`
in seconds. Nothing overflows or returns NaN for loads from 0 to well beyond 5,000
Erlangs: the work is done on ``log r`` with ``r = 1/B - 1`` (B the Erlang B blocking
probability), which is ``Q(n, A) / pmf(n; A)`` in closed form near and above the load and a
short convergent series far below it.

Conventions for degenerate intervals: with no load, service level is 1, ASA 0, occupancy
0 and zero agents are required. With ``agents <= load`` the queue is unstable: everyone
waits (Erlang C = 1), service level 0 and ASA infinite.
"""

from __future__ import annotations

import numpy as np
from scipy import special

_UNDERFLOW = 1e-280  # below this Q(n, A) loses relative accuracy; use the series instead


def offered_load(volume, aht_seconds, interval_minutes) -> np.ndarray:
    """Offered load in Erlangs: contacts per interval times handle time (seconds), over the
    interval length (`interval_minutes`, converted to seconds)."""
    volume = np.asarray(volume, dtype=float)
    aht = np.asarray(aht_seconds, dtype=float)
    return np.where(volume > 0, volume * np.where(volume > 0, aht, 0.0), 0.0) / (
        np.asarray(interval_minutes, dtype=float) * 60.0)


def log_blocking_ratio(agents, load) -> np.ndarray:
    """``log(1/B(n, A) - 1)``: log of the sum over k < n of pi_k / pi_n in M/M/n/n.

    `agents` n >= 0 (integers), `load` A >= 0 Erlangs. Returns -inf where n = 0 and +inf
    where A = 0 < n (no blocking at all).
    """
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=float), np.asarray(load, dtype=float))
    out = np.full(n.shape, -np.inf)
    live = (n > 0) & (a > 0)
    out[(n > 0) & (a <= 0)] = np.inf
    if not live.any():
        return out
    nl, al = n[live], a[live]
    q = special.gammaincc(nl, al)  # P(Poisson(A) <= n - 1)
    log_pmf = nl * np.log(al) - al - special.gammaln(nl + 1)
    with np.errstate(divide="ignore"):
        closed = np.log(q) - log_pmf
    far = q < _UNDERFLOW  # n far below A: sum_{j=1..n} n!/((n-j)! A^j), ratio <= n/A < 1
    if far.any():
        closed[far] = np.log(_falling_series(nl[far], al[far]))
    out[live] = closed
    return out


def _falling_series(n: np.ndarray, a: np.ndarray) -> np.ndarray:
    """sum_{j=1..n} prod_{i<j} (n - i) / A for n well below A (terms shrink geometrically)."""
    term = n / a
    total = term.copy()
    for j in range(1, int(n.max())):
        term = term * np.maximum(n - j, 0.0) / a
        total += term
        if (term <= 1e-17 * total).all():
            break
    return total


def erlang_b(agents, load) -> np.ndarray:
    """Erlang B: probability a contact is blocked with `agents` servers and `load` Erlangs
    and no queue (M/M/n/n)."""
    return special.expit(-log_blocking_ratio(agents, load))


def _log_wait_odds(agents, load) -> np.ndarray:
    """log of (1 - A/n) * r, so that Erlang C = 1 / (1 + exp(.)); -inf where unstable."""
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=float), np.asarray(load, dtype=float))
    stable = n > a
    out = np.full(n.shape, -np.inf)
    if stable.any():
        out[stable] = np.log1p(-a[stable] / n[stable]) + log_blocking_ratio(n[stable], a[stable])
    return out


def erlang_c(agents, load) -> np.ndarray:
    """Erlang C: probability an arriving contact waits (M/M/n, infinite patience), with
    `agents` servers and `load` Erlangs; 1 where agents <= load (unstable), 0 at zero load."""
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=float), np.asarray(load, dtype=float))
    p = special.expit(-_log_wait_odds(n, a))
    return np.where(a <= 0, 0.0, p)


def service_level(agents, load, aht_seconds, answer_seconds) -> np.ndarray:
    """Share of contacts answered within `answer_seconds` (seconds) in M/M/n:
    ``1 - C * exp(-(n - A) * answer_seconds / aht_seconds)``; 1 at zero load, 0 when
    agents <= load."""
    n, a, aht, t = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                         for x in (agents, load, aht_seconds, answer_seconds)))
    c = erlang_c(n, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        decay = np.exp(-np.maximum(n - a, 0.0) * t / np.where(aht > 0, aht, 1.0))
    sl = np.where(n > a, 1.0 - c * decay, 0.0)
    return np.where(a <= 0, 1.0, sl)


def asa_seconds(agents, load, aht_seconds) -> np.ndarray:
    """Average speed of answer (mean wait in queue over all contacts, seconds) in M/M/n:
    ``C * aht_seconds / (n - A)``; 0 at zero load, +inf when agents <= load."""
    n, a, aht = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (agents, load, aht_seconds)))
    c = erlang_c(n, a)
    gap = np.where(n > a, n - a, 1.0)
    asa = np.where(n > a, c * aht / gap, np.inf)
    return np.where(a <= 0, 0.0, asa)


def occupancy(agents, load) -> np.ndarray:
    """Share of agent time busy with contacts: ``min(A / n, 1)``; 0 at zero load, 1 when
    load arrives and there are no agents."""
    n, a = np.broadcast_arrays(np.asarray(agents, dtype=float), np.asarray(load, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(n > 0, a / np.where(n > 0, n, 1.0), 1.0)
    return np.where(a <= 0, 0.0, np.minimum(occ, 1.0))


def required_agents(load, aht_seconds, *, service_level_target, answer_seconds,
                    asa_target_seconds=None, max_occupancy=None, max_steps: int = 100_000) -> np.ndarray:
    """Smallest integer agent count meeting every target in M/M/n (Erlang C).

    `load` in Erlangs, `aht_seconds` mean handle time (seconds), `service_level_target` the
    share to answer within `answer_seconds` (seconds), optional `asa_target_seconds` (mean
    wait, seconds) and `max_occupancy` (share of time busy). Returns an int64 array; zero
    load needs zero agents.

    The search starts at ``max(floor(A) + 1, ceil(A / max_occupancy))`` with ``log r`` in
    closed form and steps up with the stable recurrence
    ``r(n + 1) = (n + 1) / A * (1 + r(n))`` on the intervals still short of a target, so the
    cost is the number of agents above the load, not the load itself.
    """
    a = np.atleast_1d(np.asarray(load, dtype=float))
    shape = a.shape
    a = a.ravel()
    aht = np.broadcast_to(np.asarray(aht_seconds, dtype=float), shape).ravel()
    sl_t = np.broadcast_to(np.asarray(service_level_target, dtype=float), shape).ravel()
    t = np.broadcast_to(np.asarray(answer_seconds, dtype=float), shape).ravel()
    asa_t = None if asa_target_seconds is None else np.broadcast_to(
        np.asarray(asa_target_seconds, dtype=float), shape).ravel()
    occ_t = None if max_occupancy is None else np.broadcast_to(
        np.asarray(max_occupancy, dtype=float), shape).ravel()
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ValueError("load must be finite and >= 0 Erlangs")

    result = np.zeros(a.shape, dtype=np.int64)
    idx = np.flatnonzero(a > 0)
    if idx.size == 0:
        return result.reshape(shape)
    n = np.floor(a[idx]) + 1.0
    if occ_t is not None:
        n = np.maximum(n, np.ceil(a[idx] / occ_t[idx] - 1e-12))
    ai, ahti, sl_i = a[idx], aht[idx], sl_t[idx]
    asa_i = None if asa_t is None else asa_t[idx]
    ratio = t[idx] / ahti  # answer time in handle times
    with np.errstate(over="ignore"):  # r = inf: no blocking left, C = 0, every target met
        r = np.exp(log_blocking_ratio(n, ai))
    decay = np.exp(-(n - ai) * ratio)  # exp(-(n - A) t / aht), one factor exp(-t/aht) per step
    step = np.exp(-ratio)
    alive = np.ones(idx.size, dtype=bool)
    for _ in range(max_steps):
        c = 1.0 / (1.0 + (1.0 - ai / n) * r)  # Erlang C from r = 1/B - 1
        ok = alive & (1.0 - c * decay >= sl_i)
        if asa_i is not None:
            ok &= c * ahti <= asa_i * (n - ai)
        result[idx[ok]] = n[ok].astype(np.int64)
        alive &= ~ok
        left = int(alive.sum())
        if left == 0:
            return result.reshape(shape)
        if left < alive.size // 2:  # compact once half the intervals are done
            idx, n, r, ai, ahti, sl_i, decay, step = (v[alive] for v in (idx, n, r, ai, ahti, sl_i, decay, step))
            asa_i = None if asa_i is None else asa_i[alive]
            alive = np.ones(idx.size, dtype=bool)
        n = n + 1.0
        r = n / ai * (1.0 + r)  # stable: r(n + 1) = (n + 1) / A * (1 + r(n))
        decay = decay * step
    raise RuntimeError("required_agents did not converge")  # pragma: no cover

"""Erlang A (M/M/n+M): Poisson arrivals, exponential handle times, `n` agents and
exponentially distributed patience; exact, vectorised over intervals.

Model (Palm; Mandelbaum & Zeltyn). With service rate mu = 1/aht_seconds, abandonment rate
theta = 1/patience_seconds, load A = lambda/mu Erlangs, write x = n mu / theta and
y = lambda / theta. The stationary probabilities above n agents busy are
``pi_{n+m} = pi_n * y^m / ((x+1)(x+2)...(x+m))`` and below ``pi_k`` follow Erlang B.
An arrival that finds m contacts queued is answered only if it outlasts m+1 exponential
stages with rates ``theta (x + j + 1)``, j = 0..m, each of which it survives with
probability ``(x + j) / (x + j + 1)``; the product telescopes to ``x / (x + m + 1)`` and
the stage times are independent of the outcome (competing exponentials), so:

- P(answered within t | m) = x / (x + m + 1) * I_q(m + 1, x + 1), q = 1 - exp(-theta t), the
  regularised incomplete beta (m+1 of x+m+1 exponential clocks of rate theta rang by t);
- E[wait; answered | m] = x / (x + m + 1) * sum_{j=1..m+1} 1 / (x + j) / theta.

`service_level` is the share of *offered* contacts answered within `answer_seconds`
(abandoned contacts count as missed), `asa_seconds` the mean wait of answered contacts,
`abandon_rate` the share of offered contacts that abandon. As patience grows all of them
converge to Erlang C. The sum over m is truncated where its terms fall below 1e-17 of the
peak (about ``max(0, y - x) + 12 sqrt(y)`` terms), done in log space in blocks of intervals.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from staffcast.scheduler.staffing.erlang import log_blocking_ratio
from staffcast.scheduler.staffing.erlang import required_agents as erlang_c_required_agents

_BLOCK_CELLS = 400_000  # intervals x queue-length terms evaluated at once


@dataclass(frozen=True)
class ErlangAResult:
    """Per-interval Erlang A figures (arrays): `service_level` (share of offered contacts
    answered within answer_seconds), `asa_seconds` (mean wait of answered contacts, seconds;
    inf when nobody is answered), `abandon_rate` (share of offered contacts abandoning),
    `wait_probability` (share that has to queue), `occupancy` (share of agent time busy)."""

    service_level: np.ndarray
    asa_seconds: np.ndarray
    abandon_rate: np.ndarray
    wait_probability: np.ndarray
    occupancy: np.ndarray


def _terms_needed(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Queue lengths m to sum so the omitted tail of y^m / (x+1)_m is negligible."""
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.where(y > 0, 40.0 / np.log((x + 1.0) / np.maximum(y, 1e-300)), 0.0)
    wide = np.maximum(y - x, 0.0) + 12.0 * np.sqrt(y)
    need = np.where(y < x + 1.0, np.minimum(wide, np.where(np.isfinite(below), below, wide)), wide)
    return np.ceil(need).astype(np.int64) + 30


def erlang_a(agents, load, aht_seconds, patience_seconds, answer_seconds) -> ErlangAResult:
    """Erlang A figures for each interval.

    `agents` (integers >= 0), `load` (Erlangs), `aht_seconds` (mean handle time, seconds),
    `patience_seconds` (mean patience, seconds, > 0) and `answer_seconds` (service level
    threshold, seconds) broadcast together. Zero load gives service level 1, no waiting.
    """
    arrays = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in
                                   (agents, load, aht_seconds, patience_seconds, answer_seconds)))
    shape = arrays[0].shape
    n, a, aht, pat, t = (v.ravel() for v in arrays)
    size = n.size
    sl = np.ones(size)
    asa = np.zeros(size)
    ab = np.zeros(size)
    pw = np.zeros(size)
    occ = np.zeros(size)
    live = np.flatnonzero(a > 0)
    if live.size:
        x_all = n * pat / np.where(aht > 0, aht, 1.0)
        y_all = a * pat / np.where(aht > 0, aht, 1.0)
        need = _terms_needed(x_all[live], y_all[live])
        order = live[np.argsort(need, kind="stable")]
        need_sorted = np.sort(need, kind="stable")
        start = 0
        while start < order.size:
            stop = min(start + max(1, _BLOCK_CELLS // int(need_sorted[start])), order.size)
            stop = min(start + max(1, _BLOCK_CELLS // int(need_sorted[stop - 1])), stop)
            block = order[start:stop]
            m_max = int(need_sorted[stop - 1])
            res = _block(n[block], a[block], x_all[block], y_all[block], pat[block], t[block], m_max)
            sl[block], asa[block], ab[block], pw[block] = res
            start = stop
        occ[live] = np.where(n[live] > 0, a[live] * (1.0 - ab[live]) / np.maximum(n[live], 1.0), 1.0)
    return ErlangAResult(*(v.reshape(shape) for v in (sl, asa, ab, pw, np.minimum(occ, 1.0))))


def _block(n, a, x, y, pat, t, m_max):
    """Erlang A for a block of live intervals, summing queue lengths 0..m_max-1."""
    m = np.arange(m_max, dtype=float)[None, :]
    xc, yc = x[:, None], y[:, None]
    # log y^m / ((x+1)...(x+m)) and sum_{j=1..m+1} 1/(x+j) as running sums of small terms:
    # no cancellation between huge gammaln / digamma values when patience is long.
    with np.errstate(divide="ignore"):  # y underflowing to 0 gives log 0 = -inf: no queue
        steps = np.log(yc / (xc + m[:, 1:]))
    log_w = np.concatenate([np.zeros((x.size, 1)), np.cumsum(steps, axis=1)], axis=1)
    harmonic = np.cumsum(1.0 / (np.maximum(xc, 0.0) + m + 1.0), axis=1)
    log_s = special.logsumexp(log_w, axis=1)
    log_r = log_blocking_ratio(n, a)
    log_pi_n = -np.logaddexp(log_r, log_s)
    p_now = np.exp(log_r + log_pi_n)  # answered at once: fewer than n busy
    p_m = np.exp(log_pi_n[:, None] + log_w)
    served = n > 0
    xs = np.where(served, x, 1.0)[:, None]
    p_ans = np.where(served[:, None], xs / (xs + m + 1.0), 0.0)
    within = np.where(served[:, None], _within(m, xs, (t / pat)[:, None]), 0.0)
    sl = p_now + np.sum(p_m * p_ans * within, axis=1)
    abandon = np.sum(p_m * (1.0 - p_ans), axis=1)
    wait_mass = np.sum(p_m * p_ans * harmonic, axis=1)
    answered = 1.0 - abandon
    with np.errstate(divide="ignore", invalid="ignore"):
        asa = np.where(answered > 1e-300, wait_mass * pat / answered, np.inf)
    return np.clip(sl, 0.0, 1.0), asa, np.clip(abandon, 0.0, 1.0), np.clip(1.0 - p_now, 0.0, 1.0)


def _within(m: np.ndarray, x: np.ndarray, theta_t: np.ndarray) -> np.ndarray:
    """I_q(m + 1, x + 1) for m = 0, 1, ... with q = 1 - exp(-theta_t), by the recurrence
    I_q(a + 1, b) = I_q(a, b) - q^a (1 - q)^b / (a B(a, b)) (DLMF 8.17.20): the subtracted
    terms T_m follow T_m / T_(m-1) = q (x + m + 1) / (m + 1), a running sum of logs, so no
    incomplete beta function is evaluated per term."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_q = np.log(-np.expm1(-theta_t))
        log_t0 = log_q - (x + 1.0) * theta_t + np.log(x + 1.0)
        steps = log_q + np.log((x + m[:, 1:] + 1.0) / (m[:, 1:] + 1.0))
        log_terms = np.concatenate([log_t0, log_t0 + np.cumsum(steps, axis=1)], axis=1)
        used = np.cumsum(np.exp(log_terms), axis=1)
    first = -np.expm1(-(x + 1.0) * theta_t)  # I_q(1, x + 1) = 1 - (1 - q)^(x + 1)
    within = first - np.concatenate([np.zeros((used.shape[0], 1)), used[:, :-1]], axis=1)
    return np.clip(np.nan_to_num(within, nan=0.0), 0.0, 1.0)


def required_agents_a(load, aht_seconds, patience_seconds, *, service_level_target, answer_seconds,
                      asa_target_seconds=None, max_occupancy=None) -> np.ndarray:
    """Smallest integer agent count meeting every target under Erlang A.

    Units as in `erlang_a`; targets: `service_level_target` (share of offered contacts
    answered within `answer_seconds`), optional `asa_target_seconds` (mean wait of answered
    contacts, seconds) and `max_occupancy`. Starts from the Erlang C requirement (raised
    until it passes), gallops down and bisects: SL rises with agents, occupancy falls.
    """
    a = np.atleast_1d(np.asarray(load, dtype=float))
    shape = a.shape
    a = a.ravel()
    aht, pat, sl_t, t = (np.broadcast_to(np.asarray(v, dtype=float), shape).ravel() for v in
                         (aht_seconds, patience_seconds, service_level_target, answer_seconds))
    asa_t = None if asa_target_seconds is None else np.broadcast_to(
        np.asarray(asa_target_seconds, dtype=float), shape).ravel()
    occ_t = None if max_occupancy is None else np.broadcast_to(
        np.asarray(max_occupancy, dtype=float), shape).ravel()

    def ok(idx, agents):
        r = erlang_a(agents, a[idx], aht[idx], pat[idx], t[idx])
        good = r.service_level >= sl_t[idx]
        if asa_t is not None:
            good &= r.asa_seconds <= asa_t[idx]
        if occ_t is not None:
            good &= r.occupancy <= occ_t[idx] + 1e-12
        return good

    result = np.zeros(a.shape, dtype=np.int64)
    idx = np.flatnonzero(a > 0)
    if idx.size == 0:
        return result.reshape(shape)
    hi = erlang_c_required_agents(a[idx], aht[idx], service_level_target=sl_t[idx], answer_seconds=t[idx],
                                  asa_target_seconds=None if asa_t is None else asa_t[idx],
                                  max_occupancy=None if occ_t is None else occ_t[idx]).astype(float)
    for _ in range(64):
        bad = ~ok(idx, hi)
        if not bad.any():
            break
        hi[bad] = np.ceil(hi[bad] * 1.5) + 1
    # Gallop down from the Erlang C count (abandonment usually saves 0-3 agents): try
    # hi - 1, hi - 2, hi - 4, ... until a count fails, then bisect. n = 0 always fails.
    lo = np.full_like(hi, -1.0)
    step = np.ones_like(hi)
    while True:
        open_ = lo < 0
        if not open_.any():
            break
        sub = np.flatnonzero(open_)
        cand = hi[sub] - step[sub]
        at_zero = cand <= 0
        lo[sub[at_zero]] = 0.0
        sub, cand = sub[~at_zero], cand[~at_zero]
        if sub.size:
            good = ok(idx[sub], cand)
            hi[sub[good]] = cand[good]
            step[sub[good]] *= 2
            lo[sub[~good]] = cand[~good]
    while True:
        open_ = hi - lo > 1
        if not open_.any():
            break
        sub = np.flatnonzero(open_)
        mid = np.floor((lo[sub] + hi[sub]) / 2)
        good = ok(idx[sub], mid)
        hi[sub[good]] = mid[good]
        lo[sub[~good]] = mid[~good]
    result[idx] = hi.astype(np.int64)
    return result.reshape(shape)

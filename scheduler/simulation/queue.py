"""Discrete-event simulation of a contact queue over consecutive intervals.

What the Erlang formulas assume away, the simulation keeps: the queue carries over interval
boundaries, intervals are short, and staff changes at the boundaries. Model per
replication:

- arrivals: Poisson at each interval's rate (a Poisson count spread uniformly over the
  interval, which is the same thing);
- handle times: exponential (as Erlang) or lognormal with the given coefficient of
  variation, mean `aht_seconds` of the contact's arrival interval;
- patience: exponential with mean `patience_seconds` (Erlang A), or infinite;
- servers: ``agents * concurrency`` slots; slot j is on duty in interval i when
  ``j < slots_i``. A slot that goes off duty finishes its contact first; after the last
  interval the last interval's slots stay on until the queue is empty;
- discipline: first come, first served; each contact takes the slot that becomes free
  first (a heap of slot free times); it abandons when its wait would exceed its patience.

Figures are per arrival interval: `service_level` the share of offered contacts answered
within the threshold (abandoned contacts count as missed), `asa_seconds` the mean wait of
answered contacts, `abandon_rate` the share abandoning. Means over replications come with
95% confidence half-widths (Student t over replications). With `deadline_seconds` (deferred
channels) "answered" means the reply is finished, the threshold is that absolute deadline
and the ASA is the mean arrival-to-reply time.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class SimulationResult:
    """Per-interval simulated figures (arrays, one per interval) with 95% half-widths over
    replications, plus the whole-horizon figures (floats). Units: seconds for ASA.

    An interval where no replication had a contact reports service level 1, ASA 0,
    abandonment 0 and zero half-widths; a half-width needs two replications with contacts
    (infinite otherwise)."""

    service_level: np.ndarray
    service_level_halfwidth: np.ndarray
    asa_seconds: np.ndarray
    asa_halfwidth: np.ndarray
    abandon_rate: np.ndarray
    abandon_halfwidth: np.ndarray
    overall_service_level: float
    overall_service_level_halfwidth: float
    overall_asa_seconds: float
    overall_abandon_rate: float
    replications: int


def _next_on_duty(slots: np.ndarray) -> np.ndarray:
    """next[j, i]: first interval >= i where slot j is on duty (len(slots) if none)."""
    top = int(slots.max(initial=0))
    count = slots.size
    on = slots[None, :] > np.arange(top)[:, None]
    idx = np.where(on, np.arange(count)[None, :], count)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]
    return np.concatenate([nxt, np.full((top, 1), count)], axis=1)


def _one_replication(arrival, handle, patience, slots, seconds):
    """FCFS multi-slot queue with time-varying slots; returns service start times (inf:
    abandoned or never served)."""
    count = slots.size
    nxt = _next_on_duty(slots)
    last = int(slots[-1]) if count else 0
    heap = [(float(nxt[j, 0]) * seconds, j) for j in range(nxt.shape[0]) if nxt[j, 0] < count]
    heapq.heapify(heap)
    start = np.full(arrival.size, np.inf)
    for k in range(arrival.size):
        t = arrival[k]
        while heap:
            free, j = heapq.heappop(heap)
            s = free if free > t else t
            i = int(s // seconds)
            if i >= count:
                if j < last:
                    break
                continue  # off duty for good
            if slots[i] > j:
                break
            later = nxt[j, i]
            if later < count:
                heapq.heappush(heap, (later * seconds, j))
        else:
            break  # no slot will ever serve: the rest stay unanswered
        if s - t > patience[k]:
            heapq.heappush(heap, (free, j))  # abandons; the slot stays as it was
            continue
        start[k] = s
        heapq.heappush(heap, (s + handle[k], j))
    return start


def _handle_times(rng, mean, kind: str, cv: float):
    if kind == "exponential":
        return rng.exponential(mean)
    if kind == "lognormal":
        sigma2 = np.log1p(cv * cv)
        return rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2))
    raise ValueError(f'handle must be "exponential" or "lognormal", got {kind!r}')


def simulate_intervals(volume, aht_seconds, agents, *, interval_minutes: int, answer_seconds: float,
                       patience_seconds: float | None = None, concurrency: int = 1,
                       concurrency_slowdown: float = 0.0, handle: str = "exponential", handle_cv: float = 1.0,
                       deadline_seconds=None, replications: int = 20, seed: int = 0) -> SimulationResult:
    """Simulate consecutive intervals of one channel, `replications` times (seeded).

    `volume` expected contacts per interval, `aht_seconds` mean handle time (seconds, of a
    contact worked alone; stretched by ``1 + concurrency_slowdown * (concurrency - 1)``),
    `agents` productive agents per interval (whole numbers; fractions are floored),
    `answer_seconds` the service level threshold (seconds), `patience_seconds` mean
    patience (None: infinite). `deadline_seconds` (optional, per interval, seconds from the
    first interval's start) switches to deferred-channel semantics (see the module).
    """
    volume = np.maximum(np.asarray(volume, dtype=float), 0.0)
    aht = np.asarray(aht_seconds, dtype=float) * (1.0 + concurrency_slowdown * (concurrency - 1))
    aht = np.broadcast_to(aht, volume.shape)
    slots = (np.floor(np.maximum(np.asarray(agents, dtype=float), 0.0) + 1e-9) * concurrency).astype(np.int64)
    slots = np.broadcast_to(slots, volume.shape)
    if replications < 2:
        raise ValueError("replications must be at least 2 for a confidence half-width")
    seconds = interval_minutes * 60.0
    count = volume.size
    rng = np.random.default_rng(seed)
    offered = np.zeros((replications, count))
    within = np.zeros((replications, count))
    answered = np.zeros((replications, count))
    waited = np.zeros((replications, count))
    abandoned = np.zeros((replications, count))
    for r in range(replications):
        n = rng.poisson(volume)
        interval = np.repeat(np.arange(count), n)
        arrival = (interval + rng.random(interval.size)) * seconds
        order = np.argsort(arrival, kind="stable")
        arrival, interval = arrival[order], interval[order]
        h = _handle_times(rng, np.where(aht[interval] > 0, aht[interval], 1.0), handle, handle_cv)
        pat = (rng.exponential(patience_seconds, interval.size) if patience_seconds is not None
               else np.full(interval.size, np.inf))
        start = _one_replication(arrival, h, pat, slots, seconds)
        served = np.isfinite(start)
        if deadline_seconds is None:
            wait = start - arrival
            ok = served & (wait <= answer_seconds)
        else:
            wait = start + h - arrival
            ok = served & (start + h <= np.asarray(deadline_seconds, dtype=float)[interval])
        gave_up = ~served & (pat < np.inf)
        offered[r] = np.bincount(interval, minlength=count)
        within[r] = np.bincount(interval, weights=ok, minlength=count)
        answered[r] = np.bincount(interval, weights=served, minlength=count)
        waited[r] = np.bincount(interval, weights=np.where(served, wait, 0.0), minlength=count)
        abandoned[r] = np.bincount(interval, weights=gave_up, minlength=count)
    sl, sl_hw = _mean_hw(within, offered, empty=1.0)
    asa, asa_hw = _mean_hw(waited, answered, empty=0.0)
    never = (answered.sum(axis=0) == 0) & (offered.sum(axis=0) > 0)
    asa = np.where(never, np.inf, asa)  # contacts came but nobody was ever answered
    ab, ab_hw = _mean_hw(abandoned, offered, empty=0.0)
    tot = offered.sum(axis=1)
    rep_sl = np.where(tot > 0, within.sum(axis=1) / np.maximum(tot, 1), 1.0)
    t_crit = stats.t.ppf(0.975, replications - 1)
    ans_tot = answered.sum()
    return SimulationResult(
        sl, sl_hw, asa, asa_hw, ab, ab_hw,
        float(rep_sl.mean()), float(t_crit * rep_sl.std(ddof=1) / np.sqrt(replications)),
        float(waited.sum() / ans_tot) if ans_tot else float("inf"),
        float(abandoned.sum() / max(offered.sum(), 1.0)), replications,
    )


def _mean_hw(num: np.ndarray, den: np.ndarray, *, empty: float):
    """Mean over replications of num/den where den > 0, and its 95% half-width."""
    has = den > 0
    k = has.sum(axis=0)
    ratio = np.where(has, num / np.where(has, den, 1.0), 0.0)
    mean = np.where(k > 0, ratio.sum(axis=0) / np.maximum(k, 1), empty)
    dev = np.where(has, ratio - mean[None, :], 0.0)
    var = (dev ** 2).sum(axis=0) / np.maximum(k - 1, 1)
    t_crit = stats.t.ppf(0.975, np.maximum(k - 1, 1))
    hw = np.where(k >= 2, t_crit * np.sqrt(var / np.maximum(k, 1)), np.where(k == 1, np.inf, 0.0))
    return mean, hw

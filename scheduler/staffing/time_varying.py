"""Time-varying staffing of queue channels: the modified offered load (MOL) and the
simulation-based iterative staffing algorithm (ISA).

Per-interval Erlang C/A (SIPP, "stationary independent period by period") staffs every
interval as if its arrival rate had lasted forever. Where demand moves fast that fails
twice: the load on the agents lags the arrivals by about one handle time (after a peak the
agents are still busy with the peak's contacts), and a queue built in one interval carries
into the next. Two remedies, both over whole arrays of consecutive intervals of one
channel (a regular grid: intervals with no contacts and no agents where the channel has no
rows):

- **MOL** (Green, Kolesar & Whitt 2007, "Coping with time-varying demand when setting
  staffing requirements for a service system"). The offered load m(t) is the mean number
  of contacts in service in an infinite-server system with the same arrivals:
  ``m'(t) = lambda(t) - m(t) / aht``. With the arrival rate constant within an interval
  the ODE is solved exactly (`modified_offered_load`): m moves from its value at the
  interval start towards ``lambda * aht`` with time constant ``aht``. Each interval is then
  staffed with the stationary formula at m(t), the interval's service level being the mean
  over its arrivals (uniform within the interval) of the stationary service level at the
  load they meet (`mol_required_agents`; `MOL_NODES` midpoints). With constant arrivals and
  handle time m(t) is the stationary load and MOL is SIPP exactly. lag-SIPP (staffing at
  the arrival rate one handle time earlier) is the cruder form of the same idea.
- **ISA** (Feldman, Mandelbaum, Massey & Whitt 2008, "Staffing of time-varying queues to
  achieve time-stable performance"). Simulate the horizon with the project's own
  discrete-event simulation (`staffcast.scheduler.simulation.queue.simulate_intervals`:
  queues carry over interval boundaries, patience, concurrency) and raise the agents of
  every interval whose simulated service level (mean over `ISA_REPLICATIONS`
  replications) is below the target by one; repeat until no interval misses or
  `ISA_MAX_ITERATIONS`. It starts from the smaller of the SIPP and MOL agents of each
  interval and only raises, so it stops; every iteration replays the same seeded
  replications (common random numbers), so the result is deterministic and a raise
  never reflects noise between iterations.

Units: volumes in contacts per interval, handle, answer and patience times in seconds,
loads in Erlangs (contacts in service at once), intervals in minutes. Chat concurrency:
the caller passes slots (servers) and the stretched handle time; patience enters the
stationary formula (Erlang A) and the simulation; shrinkage never enters here (the caller
grosses agents up to staff afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from staffcast.scheduler.simulation.queue import simulate_intervals
from staffcast.scheduler.staffing.erlang import asa_seconds, required_agents, service_level
from staffcast.scheduler.staffing.erlang_a import erlang_a, required_agents_a

METHODS = ("sipp", "mol", "isa")
"""Staffing methods of `requirements(..., method=...)` and `[staffing] method`."""

MOL_NODES = 8
"""Points per interval (midpoints of equal parts) at which MOL evaluates the stationary
formula; the interval's service level is their mean."""

ISA_REPLICATIONS = 100
"""Simulated replications of the horizon per ISA iteration."""

ISA_MAX_ITERATIONS = 25
"""ISA stops after this many simulate-and-raise rounds even if some interval still misses."""


def _fill_aht(aht_seconds: np.ndarray) -> np.ndarray:
    """Handle times with the gaps (<= 0 or NaN: no contacts) filled from the last known one
    (the first known one before it); 1 s when none is known."""
    aht = np.asarray(aht_seconds, dtype=float)
    known = np.isfinite(aht) & (aht > 0)
    if not known.any():
        return np.ones(aht.shape)
    idx = np.where(known, np.arange(aht.size), -1)
    idx = np.maximum.accumulate(idx)
    idx = np.where(idx < 0, np.flatnonzero(known)[0], idx)
    return aht[idx]


def _affine_scan(a: np.ndarray, b: np.ndarray, x0: float) -> np.ndarray:
    """x[0] = x0, x[i + 1] = a[i] * x[i] + b[i]; returns x[0..n-1] (vectorised doubling scan,
    O(n log n), no overflow as 0 <= a <= 1)."""
    big_a, big_b = a.astype(float).copy(), b.astype(float).copy()
    step = 1
    while step < big_a.size:
        prev_a, prev_b = big_a[:-step].copy(), big_b[:-step].copy()
        big_b[step:] = big_a[step:] * prev_b + big_b[step:]
        big_a[step:] = big_a[step:] * prev_a
        step *= 2
    x = np.empty(a.size)
    if a.size:
        x[0] = x0
        x[1:] = big_a[:-1] * x0 + big_b[:-1]
    return x


def modified_offered_load(volume, aht_seconds, interval_minutes: int, fractions=None) -> np.ndarray:
    """The infinite-server offered load m(t) (Erlangs) of consecutive intervals.

    Solves ``m'(t) = lambda(t) - m(t) / aht_seconds`` exactly for arrivals at a constant
    rate ``lambda = volume / interval seconds`` within each interval, starting in the
    stationary state of the first interval. `aht_seconds` is the mean handle time (seconds)
    of each interval's contacts; where it is missing (no contacts) the last known one
    decays the load. Returns the mean of m over each interval (shape (n,)), or, with
    `fractions` (in [0, 1]), m at those points of each interval (shape (n, len(fractions))).
    With constant volume and handle time every value is ``volume * aht / interval seconds``.
    """
    volume = np.maximum(np.asarray(volume, dtype=float), 0.0)
    tau = _fill_aht(aht_seconds)
    seconds = interval_minutes * 60.0
    target = volume / seconds * tau  # the stationary load each interval tends to
    decay = np.exp(-seconds / tau)
    start = _affine_scan(decay, target * (1.0 - decay), float(target[0]) if target.size else 0.0)
    if fractions is None:
        return target + (start - target) * tau / seconds * (1.0 - decay)
    u = np.asarray(fractions, dtype=float)[None, :] * seconds
    return target[:, None] + (start - target)[:, None] * np.exp(-u / tau[:, None])


def _nodes() -> np.ndarray:
    return (np.arange(MOL_NODES) + 0.5) / MOL_NODES


@dataclass(frozen=True)
class Performance:
    """Per-interval figures (arrays): service level (share of offered contacts answered
    within the threshold), ASA (seconds, answered contacts), occupancy (share of slot time
    busy) and abandonment (share of offered contacts)."""

    service_level: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray
    abandon_rate: np.ndarray


def stationary_performance(slots, load, aht_seconds, answer_seconds: float,
                           patience_seconds: float | None = None) -> Performance:
    """Erlang C (Erlang A with `patience_seconds`) figures at `slots` servers and `load`
    Erlangs, elementwise over arrays of any shape (`aht_seconds` > 0)."""
    slots, load, aht = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (slots, load, aht_seconds)))
    if patience_seconds is not None:
        r = erlang_a(slots.ravel(), load.ravel(), aht.ravel(), patience_seconds, answer_seconds)
        return Performance(*(np.reshape(v, slots.shape) for v in (r.service_level, r.asa_seconds, r.occupancy,
                                                                    r.abandon_rate)))
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(load <= 0, 0.0, np.where(slots > 0, np.minimum(load / np.where(slots > 0, slots, 1), 1), 1))
    return Performance(service_level(slots, load, aht, answer_seconds), asa_seconds(slots, load, aht), occ,
                       np.zeros(slots.shape))


def _meets(slots, loads, aht, *, service_level_target, answer_seconds, patience_seconds, asa_target_seconds,
           max_occupancy) -> np.ndarray:
    """Whether `slots` (n,) meet every target over the interval's load points `loads` (n, K):
    mean service level and mean ASA over the points, busy share at the mean load."""
    perf = stationary_performance(slots[:, None], loads, aht[:, None], answer_seconds, patience_seconds)
    ok = perf.service_level.mean(axis=1) >= service_level_target
    if asa_target_seconds is not None:
        ok &= perf.asa_seconds.mean(axis=1) <= asa_target_seconds
    if max_occupancy is not None:
        ok &= loads.mean(axis=1) <= max_occupancy * slots + 1e-9
    return ok | (loads.max(axis=1) <= 0)


def _stationary_required(load, aht, *, patience_seconds, **targets) -> np.ndarray:
    if patience_seconds is not None:
        return required_agents_a(load, aht, patience_seconds, **targets)
    return required_agents(load, aht, **targets)


def mol_required_agents(volume, aht_seconds, interval_minutes: int, *, service_level_target: float,
                        answer_seconds: float, patience_seconds: float | None = None,
                        asa_target_seconds: float | None = None, max_occupancy: float | None = None) -> np.ndarray:
    """Fewest servers (slots) per interval meeting the targets at the modified offered load.

    `volume` contacts per interval, `aht_seconds` handle time per contact (seconds, already
    stretched for concurrency), `answer_seconds`, `patience_seconds` (Erlang A; None:
    Erlang C) and `asa_target_seconds` in seconds, `service_level_target` and
    `max_occupancy` shares. An interval meets the service level (and the ASA target) when
    the mean over its `MOL_NODES` points of the stationary figure at the load m(t) there
    does; occupancy is judged at the interval's mean load. Bisection between the
    stationary requirement at the smallest and at the largest m(t) of the interval, which
    bound the answer. Returns int64 slots; the caller turns slots into agents.
    """
    loads = modified_offered_load(volume, aht_seconds, interval_minutes, _nodes())
    aht = _fill_aht(aht_seconds)
    targets = dict(service_level_target=service_level_target, answer_seconds=answer_seconds,
                   asa_target_seconds=asa_target_seconds, max_occupancy=max_occupancy)
    lo = _stationary_required(loads.min(axis=1), aht, patience_seconds=patience_seconds, **targets)
    hi = _stationary_required(loads.max(axis=1), aht, patience_seconds=patience_seconds, **targets)
    lo = np.minimum(lo, hi).astype(np.int64)  # lo meets a target at the lightest point only if
    hi = hi.astype(np.int64)                  # it meets it everywhere: the answer is in [lo, hi]
    check = dict(service_level_target=service_level_target, answer_seconds=answer_seconds,
                 patience_seconds=patience_seconds, asa_target_seconds=asa_target_seconds,
                 max_occupancy=max_occupancy)
    low_ok = np.zeros(lo.shape, dtype=bool)
    todo = np.flatnonzero(lo < hi)
    if todo.size:
        low_ok[todo] = _meets(lo[todo].astype(float), loads[todo], aht[todo], **check)
    hi = np.where(low_ok, lo, hi)
    while True:  # invariant: hi meets the targets, lo does not (or lo == hi)
        todo = np.flatnonzero(hi - lo > 1)
        if todo.size == 0:
            return hi
        mid = (lo[todo] + hi[todo]) // 2
        good = _meets(mid.astype(float), loads[todo], aht[todo], **check)
        hi[todo[good]] = mid[good]
        lo[todo[~good]] = mid[~good]


def mol_performance(volume, aht_seconds, slots, interval_minutes: int, *, answer_seconds: float,
                    patience_seconds: float | None = None) -> Performance:
    """Figures per interval at `slots` servers under MOL: the mean over the interval's
    points of the stationary Erlang C/A figures at the modified offered load (occupancy:
    mean load over slots). Units as in `mol_required_agents`."""
    loads = modified_offered_load(volume, aht_seconds, interval_minutes, _nodes())
    aht = _fill_aht(aht_seconds)
    slots = np.asarray(slots, dtype=float)
    perf = stationary_performance(slots[:, None], loads, aht[:, None], answer_seconds, patience_seconds)
    mean_load = loads.mean(axis=1)
    if patience_seconds is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            occ = np.where(mean_load <= 0, 0.0, np.where(slots > 0, np.minimum(mean_load / np.maximum(slots, 1), 1), 1))
    else:
        occ = perf.occupancy.mean(axis=1)
    return Performance(perf.service_level.mean(axis=1), perf.asa_seconds.mean(axis=1), occ,
                       perf.abandon_rate.mean(axis=1))


@dataclass(frozen=True)
class IsaResult:
    """ISA's staffing and what its own simulation says of it (arrays per interval):
    `agents` (productive agents), the simulated `service_level`, `asa_seconds` and
    `abandon_rate` at those agents (means over the replications), `iterations` run and
    whether every interval met the targets (`converged`)."""

    agents: np.ndarray
    service_level: np.ndarray
    service_level_halfwidth: np.ndarray
    asa_seconds: np.ndarray
    abandon_rate: np.ndarray
    iterations: int
    converged: bool


def isa_agents(volume, aht_seconds, start_agents, *, interval_minutes: int, service_level_target: float,
               answer_seconds: float, patience_seconds: float | None = None, asa_target_seconds: float | None = None,
               concurrency: int = 1, concurrency_slowdown: float = 0.0, staffed=None,
               replications: int = ISA_REPLICATIONS, max_iterations: int = ISA_MAX_ITERATIONS,
               seed: int = 0) -> IsaResult:
    """The simulation-based iterative staffing algorithm over consecutive intervals.

    `volume` contacts per interval, `aht_seconds` handle time of a contact worked alone
    (seconds; the simulation stretches it for `concurrency`), `start_agents` the first
    productive agents per interval (a lower start: ISA only raises), `staffed` (bool per
    interval, default all) where agents may be raised (closed gaps stay at zero). Each
    round simulates the horizon `replications` times with the same `seed` (queues carry
    over interval boundaries, patience, concurrency as in `simulate_intervals`) and adds
    one agent to every staffed interval with contacts whose mean simulated service level
    is below `service_level_target` (or whose mean ASA of answered contacts exceeds
    `asa_target_seconds`). Stops when none misses or after `max_iterations` rounds.
    """
    volume = np.maximum(np.asarray(volume, dtype=float), 0.0)
    aht = np.where(volume > 0, np.asarray(aht_seconds, dtype=float), 1.0)
    agents = np.floor(np.maximum(np.asarray(start_agents, dtype=float), 0.0) + 1e-9)
    staffed = np.ones(volume.shape, dtype=bool) if staffed is None else np.asarray(staffed, dtype=bool)
    agents = np.where(staffed, agents, 0.0)
    kw = dict(interval_minutes=interval_minutes, answer_seconds=answer_seconds, patience_seconds=patience_seconds,
              concurrency=concurrency, concurrency_slowdown=concurrency_slowdown, replications=replications,
              seed=seed)
    iterations = 0
    while True:
        sim = simulate_intervals(volume, aht, agents, **kw)
        miss = sim.service_level < service_level_target - 1e-12
        if asa_target_seconds is not None:
            miss |= sim.asa_seconds > asa_target_seconds
        miss &= staffed & (volume > 0)
        if not miss.any() or iterations >= max_iterations:
            return IsaResult(agents.astype(np.int64), sim.service_level, sim.service_level_halfwidth,
                             sim.asa_seconds, sim.abandon_rate, iterations, not miss.any())
        agents = agents + miss
        iterations += 1

"""Deferred channels (email, social): first-in-first-out backlog staffing, no Erlang.

Model (a fluid FIFO queue on the interval grid):
- Contacts arrive spread evenly over their interval; each needs `aht_seconds` of agent
  time. An agent gives `interval_minutes * 60` seconds of work per interval, and may start
  on an interval's arrivals within that interval (a fluid approximation, balanced by the
  deadline below being counted from the interval start, not the arrival).
- The backlog is worked only while the channel is open (`open_hours`); contacts arriving
  while it is closed wait for the opening.
- The response clock runs in open hours (a business-hours deadline): a contact arriving in
  open interval k is due by the end of open interval ``k + D - 1`` with
  ``D = floor(response_hours * 60 / interval_minutes)`` (at least 1), which is never later
  than arrival + `response_hours` of open time.
- Contacts still open at the end of the horizon are due in the open intervals that follow
  it; the plan staffs that tail too (it is not reported: it belongs to the next period),
  and `performance` assumes the tail repeats the staff of the horizon's last day.

`plan` finds the smoothest staffing that answers everyone on time: the cumulative work done
must stay between "work already due" (below) and "work already arrived" (above); the taut
string between those two curves minimises the peak rate and every convex cost of the
rates. It is rounded to whole agents interval by interval, never falling behind the string.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DeferredResult:
    """Per-interval figures of a deferred channel on the input rows (arrays):
    `agents` (productive agents working the backlog), `backlog` (contacts waiting at the
    interval end), `service_level` (share of the interval's contacts answered within the
    response time), `asa_seconds` (mean response time of the interval's contacts, seconds,
    arrival to reply), `occupancy` (share of staffed agent time spent on contacts)."""

    agents: np.ndarray
    backlog: np.ndarray
    service_level: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray


@dataclass(frozen=True)
class _Grid:
    """The regular interval grid covering the input rows plus the tail of open intervals."""

    rows: np.ndarray  # grid position of each input row
    size: int  # intervals in the horizon
    open: np.ndarray  # bool per grid interval, tail included
    volume: np.ndarray  # contacts per grid interval (tail: 0)
    work: np.ndarray  # agent-seconds of work arriving per grid interval
    deadline: np.ndarray  # grid index whose end is the deadline of each interval's arrivals
    seconds: float  # interval length (seconds)


def _grid(interval_start, volume, aht_seconds, interval_minutes, open_minutes, response_hours) -> _Grid:
    stamps = pd.DatetimeIndex(interval_start)
    if len(stamps) == 0:
        raise ValueError("no intervals")
    step = pd.Timedelta(minutes=interval_minutes)
    first = stamps.min()
    pos = np.asarray((stamps - first) // step, dtype=np.int64)
    if np.any((stamps - first) % step != pd.Timedelta(0)) or len(np.unique(pos)) != len(pos):
        raise ValueError("interval starts must be distinct and on the interval grid")
    size = int(pos.max()) + 1
    per_day = 24 * 60 // interval_minutes
    due = max(1, int(np.floor(response_hours * 60 / interval_minutes + 1e-9)))
    tail = due + per_day * ((due // max(1, (open_minutes[1] - open_minutes[0]) // interval_minutes)) + 2)
    grid = pd.date_range(first, periods=size + tail, freq=step)
    minute = np.asarray(grid.hour * 60 + grid.minute)
    is_open = (minute >= open_minutes[0]) & (minute < open_minutes[1])
    vol = np.zeros(size + tail)
    work = np.zeros(size + tail)
    v = np.maximum(np.asarray(volume, dtype=float), 0.0)
    vol[pos] = v
    work[pos] = v * np.where(v > 0, np.asarray(aht_seconds, dtype=float), 0.0)
    open_idx = np.flatnonzero(is_open)
    first_open = np.searchsorted(open_idx, np.arange(size + tail))  # open rank at or after g
    rank = np.minimum(first_open + due - 1, open_idx.size - 1)
    deadline = open_idx[rank]
    return _Grid(pos, size, is_open, vol, work, deadline, interval_minutes * 60.0)


def taut_string(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Shortest path from (0, 0) between two non-decreasing cumulative curves.

    `lower[k] <= upper[k]` for k = 1..K (index 0 is the start, both 0) and
    ``lower[K] == upper[K]``. Returns the path's value at each k: piecewise linear,
    bending only where it touches a curve, so its increments are as even as possible.
    """
    k_end = len(lower) - 1
    path = np.zeros(k_end + 1)
    s, ys = 0, 0.0
    eps = 1e-9 * max(1.0, float(upper[-1]))
    while s < k_end:
        best_lo, arg_lo, best_up, arg_up = -np.inf, s, np.inf, s
        bend = None
        for k in range(s + 1, k_end + 1):
            d = k - s
            sl_lo, sl_up = (lower[k] - ys) / d, (upper[k] - ys) / d
            if sl_lo > best_up + eps / d:
                bend = (arg_up, best_up, upper[arg_up])
                break
            if sl_up < best_lo - eps / d:
                bend = (arg_lo, best_lo, lower[arg_lo])
                break
            if sl_lo >= best_lo:
                best_lo, arg_lo = sl_lo, k
            if sl_up <= best_up:
                best_up, arg_up = sl_up, k
        if bend is None:
            bend = (k_end, (lower[k_end] - ys) / (k_end - s), lower[k_end])
        end, slope, y_end = bend
        path[s + 1:end + 1] = ys + slope * np.arange(1, end - s + 1)
        path[end] = y_end
        s, ys = end, y_end
    return path


def plan(interval_start, volume, aht_seconds, *, interval_minutes: int, open_minutes: tuple[int, int],
         response_hours: float) -> DeferredResult:
    """Smoothest whole-agent staffing answering every contact within `response_hours`.

    `interval_start` regular, tz-aware local starts; `volume` contacts and `aht_seconds`
    (seconds) per interval; `open_minutes` (from, until) minutes after midnight when the
    channel is worked. Closed intervals get zero agents.
    """
    g = _grid(interval_start, volume, aht_seconds, interval_minutes, open_minutes, response_hours)
    open_idx = np.flatnonzero(g.open)
    arrived = np.cumsum(g.work)
    due_by = np.cumsum(np.bincount(g.deadline, weights=g.work, minlength=g.open.size))
    upper = np.concatenate([[0.0], arrived[open_idx]])
    lower = np.concatenate([[0.0], due_by[open_idx]])
    lower[-1] = upper[-1] = arrived[-1]
    lower = np.minimum(lower, upper)
    target = taut_string(lower, upper)
    agents = np.zeros(g.open.size)
    done = 0.0
    for rank, gi in enumerate(open_idx, start=1):
        need = target[rank] - done
        a = float(np.ceil(need / g.seconds * (1.0 - 1e-12))) if need > 0 else 0.0
        agents[gi] = a
        done = min(done + a * g.seconds, upper[rank])
    return _performance(g, agents)


def performance(interval_start, volume, aht_seconds, agents, *, interval_minutes: int,
                open_minutes: tuple[int, int], response_hours: float) -> DeferredResult:
    """Service of a deferred channel worked FIFO by `agents` productive agents per interval.

    Agents work whenever they are given (open or not); the open hours set the deadlines.
    Staff after the horizon repeats the horizon's last day (see the module docstring).
    """
    g = _grid(interval_start, volume, aht_seconds, interval_minutes, open_minutes, response_hours)
    return _performance(g, _extend_agents(g, agents))


def _extend_agents(g: _Grid, agents) -> np.ndarray:
    """Agents on the whole grid: given rows, zero in gaps, the last day repeated in the tail."""
    full = np.zeros(g.open.size)
    full[g.rows] = np.maximum(np.asarray(agents, dtype=float), 0.0)
    per_day = int(round(24 * 3600 / g.seconds))
    tail = np.arange(g.size, g.open.size)
    source = tail - per_day * ((tail - g.size) // per_day + 1)  # same slot, last horizon day
    full[tail] = np.where(source >= 0, full[np.maximum(source, 0)], 0.0)
    return full


@dataclass(frozen=True)
class SimulationGrid:
    """A deferred channel laid on its regular grid (tail included) for the simulator:
    `rows` (grid position of each input row), per grid interval `volume` (contacts),
    `aht_seconds`, `agents` and `deadline_seconds` (seconds from the first interval's start
    by which the interval's contacts are due)."""

    rows: np.ndarray
    volume: np.ndarray
    aht_seconds: np.ndarray
    agents: np.ndarray
    deadline_seconds: np.ndarray


def simulation_grid(interval_start, volume, aht_seconds, agents, *, interval_minutes: int,
                    open_minutes: tuple[int, int], response_hours: float) -> SimulationGrid:
    """The inputs `staffcast.scheduler.simulation.queue.simulate_intervals` needs for a deferred channel."""
    g = _grid(interval_start, volume, aht_seconds, interval_minutes, open_minutes, response_hours)
    with np.errstate(divide="ignore", invalid="ignore"):
        aht = np.where(g.volume > 0, g.work / np.where(g.volume > 0, g.volume, 1.0), 1.0)
    return SimulationGrid(g.rows, g.volume, aht, _extend_agents(g, agents), (g.deadline + 1) * g.seconds)


def _performance(g: _Grid, agents: np.ndarray) -> DeferredResult:
    """Run the fluid FIFO queue on the grid and read off per-interval figures."""
    arrived_work = np.cumsum(g.work)
    arrived_n = np.cumsum(g.volume)
    done = np.zeros(g.open.size)
    level = 0.0
    capacity = agents * g.seconds
    for i in range(g.open.size):  # done(i) = min(done(i-1) + capacity, arrived)
        level = min(level + capacity[i], arrived_work[i])
        done[i] = level
    worked = np.diff(np.concatenate([[0.0], done]))
    # FIFO: contacts done follow the arrival curve of work -> contacts.
    xp = np.concatenate([[0.0], arrived_work])
    fp = np.concatenate([[0.0], arrived_n])
    keep = np.concatenate([[True], np.diff(xp) > 0])
    done_n = np.interp(done, xp[keep], fp[keep])
    backlog = np.maximum(arrived_n - done_n, 0.0)
    before = arrived_n - g.volume
    # FIFO: the contacts not replied to by an interval's deadline are its latest arrivals.
    late = np.clip(arrived_n - done_n[g.deadline], 0.0, g.volume)
    late[late <= 1e-9 * np.maximum(arrived_n, 1.0)] = 0.0  # float noise, not contacts
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = np.where(g.volume > 0, 1.0 - late / np.where(g.volume > 0, g.volume, 1.0), 1.0)
        occ = np.where(capacity > 0, worked / capacity, 0.0)
    asa = _mean_response(g, done_n, before)
    r = g.rows
    return DeferredResult(agents[r].astype(np.int64), backlog[r], sl[r], asa[r], np.clip(occ[r], 0.0, 1.0))


def _mean_response(g: _Grid, done_n: np.ndarray, before: np.ndarray, points: int = 16) -> np.ndarray:
    """Mean arrival-to-reply time (seconds) of each interval's contacts, by quantiles."""
    frac = (np.arange(points) + 0.5) / points
    contact = before[:, None] + frac[None, :] * g.volume[:, None]
    arrival = (np.arange(g.open.size)[:, None] + frac[None, :]) * g.seconds
    ends = np.concatenate([[0.0], done_n])  # contacts done at each boundary
    slack = 1e-9 * max(1.0, float(ends[-1]))
    contact = np.where(contact - ends[-1] <= slack, np.minimum(contact, ends[-1]), contact)  # float noise
    idx = np.searchsorted(ends, contact, side="left")
    finite = idx < ends.size
    idx_c = np.clip(idx, 1, ends.size - 1)
    lo_n, hi_n = ends[idx_c - 1], ends[idx_c]
    with np.errstate(divide="ignore", invalid="ignore"):
        part = np.where(hi_n > lo_n, (contact - lo_n) / (hi_n - lo_n), 1.0)
    finish = (idx_c - 1 + np.clip(part, 0.0, 1.0)) * g.seconds
    wait = np.where(finite, np.maximum(finish - arrival, 0.0), np.inf)
    return np.where(g.volume > 0, wait.mean(axis=1), 0.0)

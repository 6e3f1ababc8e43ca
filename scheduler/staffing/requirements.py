"""The requirements frame: productive agents and staff per channel and interval.

`requirements(forecast, config)` turns a docs/design.md forecast frame into the requirements
frame. Columns (one row per forecast row, in the forecast's order):

- `channel`, `interval_start`: as in the forecast;
- `volume`: contacts reaching agents (after the what-if knobs: the volume column chosen
  by `staff_to`, times `volume_multiplier`, times ``1 - deflection[channel]``);
- `aht_seconds`: handle time per contact (seconds) after `aht_multiplier` (0 where the
  forecast has none);
- `agents`: productive agents needed (integer); `staff`: ``ceil(agents / (1 - shrinkage))``;
- `service_level`, `asa_seconds`, `occupancy`: achieved with exactly `agents`;
- `backlog`: contacts waiting at the interval end (deferred channels; 0 for queues);
- `abandon_rate`: share of offered contacts abandoning (Erlang A channels; else 0).

Queue channels (kind = "queue"): Erlang C, or Erlang A when `patience_seconds` is set,
applied over time by `method` (`[staffing] method`; docs/staffing.md):
- "sipp": per interval at its own load; every interval with forecast contacts is staffed
  and one without gets none (the forecast decides when a queue channel has contacts; open
  hours shape the deferred backlog); the figures below are Erlang C/A at `agents`;
- "mol" (the default): at the modified offered load, which lags the arrivals
  (`staffcast.scheduler.staffing.time_varying`); an interval without contacts right after
  busy ones may need agents; the figures are the stationary ones at the modified load,
  averaged over the interval; with constant arrivals this is "sipp" exactly;
- "isa": raised from min(sipp, mol) where a seeded simulation with queues
  carried over misses the target; the figures are that simulation's at `agents` (occupancy:
  modified load x (1 - abandonment) / slots).
`service_level` is the share of offered contacts answered within `answer_seconds`
(abandoned contacts count as missed), `asa_seconds` the mean wait of answered contacts,
`occupancy` the share of agent (slot) time busy.

Chat concurrency: an agent works up to `concurrency` (c) contacts at once. Model: each
agent is c independent servers ("slots"), and a contact's handle time stretches to
``aht_seconds * (1 + concurrency_slowdown * (c - 1))`` because attention is split. The
queue is M/M/(c n) with that stretched handle time, and `agents` is the fewest whole
agents whose slots meet the targets: ``ceil(slots / c)``. Assumption: agents always run c
contacts when the queue allows and `aht_seconds` is the handle time of a contact worked
alone; a slowdown of 0 treats concurrent chats as fully parallel (optimistic).

Deferred channels (kind = "deferred"): see `staffcast.scheduler.staffing.deferred`. `service_level` is the
share of the interval's contacts answered within `response_hours` (of open time),
`asa_seconds` the mean arrival-to-reply time in seconds, `occupancy` the share of staffed
agent time spent on contacts, `backlog` the contacts waiting at the interval end.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from staffcast.config import STAFFING_METHODS, ChannelConfig, PlanningConfig
from staffcast.scheduler.staffing import deferred, time_varying
from staffcast.scheduler.staffing.erlang import asa_seconds, occupancy, offered_load, required_agents, service_level
from staffcast.scheduler.staffing.erlang_a import erlang_a, required_agents_a

COLUMNS = ("channel", "interval_start", "volume", "aht_seconds", "agents", "staff", "service_level",
           "asa_seconds", "occupancy", "backlog", "abandon_rate")


def effective_aht(channel: ChannelConfig, aht_seconds) -> np.ndarray:
    """Handle time per contact (seconds) when an agent runs `concurrency` contacts at once."""
    return np.asarray(aht_seconds, dtype=float) * (1.0 + channel.concurrency_slowdown * (channel.concurrency - 1))


def _open_minutes(channel: ChannelConfig) -> tuple[int, int]:
    return channel.open_from.hour * 60 + channel.open_from.minute, channel.open_until_minutes


def queue_performance(channel: ChannelConfig, volume, aht_seconds, agents, interval_minutes: int) -> dict:
    """Service level, ASA (seconds), occupancy and abandonment of a queue channel with
    `agents` productive agents per interval (arrays: contacts, seconds, agents)."""
    aht = effective_aht(channel, aht_seconds)
    load = offered_load(volume, aht, interval_minutes)
    slots = np.asarray(agents, dtype=float) * channel.concurrency
    if channel.patience_seconds is not None:
        r = erlang_a(slots, load, np.where(aht > 0, aht, 1.0), channel.patience_seconds, channel.answer_seconds)
        return {"service_level": r.service_level, "asa_seconds": r.asa_seconds, "occupancy": r.occupancy,
                "abandon_rate": r.abandon_rate}
    return {"service_level": service_level(slots, load, np.where(aht > 0, aht, 1.0), channel.answer_seconds),
            "asa_seconds": asa_seconds(slots, load, aht), "occupancy": occupancy(slots, load),
            "abandon_rate": np.zeros(load.shape)}


def queue_agents(channel: ChannelConfig, volume, aht_seconds, interval_minutes: int) -> np.ndarray:
    """Fewest whole productive agents meeting the channel's service level, optional ASA
    target and optional max occupancy (contacts, seconds per interval)."""
    aht = effective_aht(channel, aht_seconds)
    load = offered_load(volume, aht, interval_minutes)
    safe_aht = np.where(aht > 0, aht, 1.0)
    kw = dict(service_level_target=channel.service_level, answer_seconds=channel.answer_seconds,
              asa_target_seconds=channel.asa_seconds, max_occupancy=channel.max_occupancy)
    if channel.patience_seconds is not None:
        slots = required_agents_a(load, safe_aht, channel.patience_seconds, **kw)
    else:
        slots = required_agents(load, safe_aht, **kw)
    return -(-slots // channel.concurrency)


def projected_service_level(channel: ChannelConfig, interval_start: pd.Series, volume: np.ndarray,
                            aht_seconds: np.ndarray, agents: np.ndarray, interval_minutes: int) -> np.ndarray:
    """Service level achieved per interval with `agents` productive agents.

    Queue channels: Erlang C (Erlang A with `patience_seconds`), concurrency honoured.
    Deferred channels: FIFO backlog carried between the given intervals (one channel,
    regular grid); share of each interval's contacts answered within `response_hours`.
    `volume` in contacts, `aht_seconds` in seconds, `agents` may be fractional for queues
    (rounded down: a part-time agent does not answer contacts) and deferred channels.
    """
    volume = np.asarray(volume, dtype=float)
    aht = np.asarray(aht_seconds, dtype=float)
    agents = np.maximum(np.asarray(agents, dtype=float), 0.0)
    if channel.kind == "deferred":
        res = deferred.performance(interval_start, volume, aht, agents, interval_minutes=interval_minutes,
                                   open_minutes=_open_minutes(channel), response_hours=channel.response_hours)
        return res.service_level
    return queue_performance(channel, volume, aht, np.floor(agents + 1e-9), interval_minutes)["service_level"]


def _grid(starts: pd.Series, interval_minutes: int, name: str) -> tuple[np.ndarray, int]:
    """Positions of a channel's interval starts on its regular grid, and the grid's size."""
    stamps = pd.DatetimeIndex(starts)
    step = pd.Timedelta(minutes=interval_minutes)
    first = stamps.min()
    pos = np.asarray((stamps - first) // step, dtype=np.int64)
    if np.any((stamps - first) % step != pd.Timedelta(0)) or np.unique(pos).size != pos.size:
        raise ValueError(f"channel {name!r}: interval starts must be distinct and on the grid")
    return pos, int(pos.max()) + 1


def isa_seed(config: PlanningConfig, name: str) -> int:
    """ISA's simulation seed for a channel: fixed by `[solver] seed` and the channel's place
    in the config, and a stream apart from the seeds `simulate_frame` uses (seed + k), so a
    later simulation checks ISA's plan on contacts it never saw."""
    k = config.channel_names.index(name)
    return int(np.random.SeedSequence([config.solver.seed, k, 14]).generate_state(1)[0])


def time_varying_queue(channel: ChannelConfig, starts: pd.Series, volume: np.ndarray, aht_seconds: np.ndarray,
                       interval_minutes: int, method: str, seed: int = 0) -> tuple[np.ndarray, dict]:
    """Agents and figures of one queue channel's rows under `method` "mol" or "isa" (see
    `staffcast.scheduler.staffing.time_varying`). The rows are laid on the channel's
    regular grid; grid intervals without a row have no contacts and no agents (closed).

    Concurrency: the offered load is computed with the stretched handle time, in slots, and
    agents = ceil(slots / concurrency) (ISA: the simulation runs agents x concurrency
    slots). Patience: Erlang A at the modified offered load (MOL), abandonment in the
    simulation (ISA). Shrinkage is not used here (`staff` grosses agents up afterwards).
    Figures: MOL's are the stationary Erlang C/A figures at the modified offered load,
    averaged over each interval; ISA's are its own simulation's at the final agents (mean
    over the replications; occupancy = mean modified load x (1 - abandonment) / slots).
    """
    pos, size = _grid(starts, interval_minutes, channel.name)
    vol_g, aht_g = np.zeros(size), np.zeros(size)
    vol_g[pos], aht_g[pos] = volume, np.where(volume > 0, aht_seconds, 0.0)
    eff_g = np.where(vol_g > 0, effective_aht(channel, aht_g), 0.0)
    c = channel.concurrency
    kw = dict(service_level_target=channel.service_level, answer_seconds=channel.answer_seconds,
              patience_seconds=channel.patience_seconds, asa_target_seconds=channel.asa_seconds)
    slots = time_varying.mol_required_agents(vol_g, eff_g, interval_minutes, max_occupancy=channel.max_occupancy,
                                             **kw)
    mol = -(-slots[pos] // c)
    if method == "mol":
        agents_g = np.zeros(size)
        agents_g[pos] = mol
        perf = time_varying.mol_performance(vol_g, eff_g, agents_g * c, interval_minutes,
                                            answer_seconds=channel.answer_seconds,
                                            patience_seconds=channel.patience_seconds)
        return mol, {"service_level": perf.service_level[pos], "asa_seconds": perf.asa_seconds[pos],
                     "occupancy": perf.occupancy[pos], "abandon_rate": perf.abandon_rate[pos]}
    mean_load = time_varying.modified_offered_load(vol_g, eff_g, interval_minutes)
    floor = np.zeros(size)
    if channel.max_occupancy is not None:  # the busy share of the modified load, as MOL judges it
        floor[pos] = np.ceil(mean_load[pos] / (channel.max_occupancy * c) - 1e-9)
    start = np.zeros(size)
    start[pos] = np.minimum(queue_agents(channel, volume, aht_seconds, interval_minutes), mol)
    staffed = np.zeros(size, dtype=bool)
    staffed[pos] = True
    res = time_varying.isa_agents(vol_g, np.where(vol_g > 0, aht_g, 1.0), np.maximum(start, floor),
                                  interval_minutes=interval_minutes, concurrency=c,
                                  concurrency_slowdown=channel.concurrency_slowdown, staffed=staffed, seed=seed, **kw)
    slots_g = res.agents * c
    with np.errstate(divide="ignore", invalid="ignore"):
        occ = np.where(mean_load <= 0, 0.0, np.minimum(mean_load * (1 - res.abandon_rate) / slots_g, 1.0))
    return res.agents[pos], {"service_level": res.service_level[pos], "asa_seconds": res.asa_seconds[pos],
                             "occupancy": occ[pos], "abandon_rate": res.abandon_rate[pos]}


def _volume(forecast: pd.DataFrame, staff_to: str) -> np.ndarray:
    if staff_to not in ("volume", "volume_hi"):
        raise ValueError(f'staff_to must be "volume" or "volume_hi", got {staff_to!r}')
    if staff_to not in forecast.columns:
        raise ValueError(f"the forecast has no {staff_to!r} column")
    return np.asarray(forecast[staff_to], dtype=float)


def requirements(forecast: pd.DataFrame, config: PlanningConfig, *, staff_to: str = "volume",
                 volume_multiplier: float = 1.0, aht_multiplier: float = 1.0,
                 deflection: Mapping[str, float] | None = None, method: str | None = None) -> pd.DataFrame:
    """The requirements frame (see the module docstring) for a forecast frame.

    `method` staffs the queue channels: "sipp" (per-interval Erlang C/A), "mol" (Erlang C/A
    at the modified offered load) or "isa" (simulation-based iterative staffing); None
    takes the config's `[staffing] method` ("mol" unless set; see
    `staffcast.scheduler.staffing.time_varying`). Deferred channels are planned the same
    way under every method.

    `staff_to` = "volume" (the central forecast) or "volume_hi" (the upper 80% bound, for
    risk-averse plans). What-if knobs: `volume_multiplier` scales contacts,
    `aht_multiplier` scales handle time, `deflection` maps channel -> share of contacts a
    self-service bot answers before they reach an agent (in [0, 1)). Channels absent from
    `config` raise ValueError; rows keep the forecast's order.
    """
    method = config.staffing.method if method is None else method
    if method not in STAFFING_METHODS:
        raise ValueError(f"method must be one of {', '.join(STAFFING_METHODS)}, got {method!r}")
    deflection = dict(deflection or {})
    for name, share in deflection.items():
        if name not in config.channel_names:
            raise ValueError(f"deflection names unknown channel {name!r}")
        if not 0.0 <= share < 1.0:
            raise ValueError(f"deflection for {name!r} must be in [0, 1), got {share}")
    if volume_multiplier < 0 or aht_multiplier <= 0:
        raise ValueError("volume_multiplier must be >= 0 and aht_multiplier > 0")
    frame = forecast.reset_index(drop=True)
    volume_all = _volume(frame, staff_to) * volume_multiplier
    aht_all = np.asarray(frame["aht_seconds"], dtype=float) * aht_multiplier
    out = {name: np.zeros(len(frame)) for name in COLUMNS[2:]}
    minutes = config.interval_minutes
    for name, rows in frame.groupby("channel", sort=False).indices.items():
        if name not in config.channel_names:
            raise ValueError(f"forecast channel {name!r} is not in the config")
        channel = config.channel(name)
        rows = np.asarray(rows)
        vol = np.maximum(volume_all[rows], 0.0) * (1.0 - deflection.get(name, 0.0))
        aht = np.where(vol > 0, np.nan_to_num(aht_all[rows], nan=0.0), 0.0)
        # The upper band can be positive where the central forecast, and so its handle time,
        # is empty (a channel or hour without contacts): there the channel's mean known handle
        # time is used, and without any the band's contacts are not staffed.
        gap = (vol > 0) & (aht <= 0) & ~(np.asarray(frame["volume"], dtype=float)[rows] > 0)
        if staff_to != "volume" and gap.any():
            known = aht > 0
            aht = np.where(gap, aht[known].mean(), aht) if known.any() else aht
            vol = np.where(gap & ~known.any(), 0.0, vol)
        if np.any((vol > 0) & (aht <= 0)):
            raise ValueError(f"channel {name!r}: aht_seconds must be > 0 where volume > 0")
        if channel.kind == "deferred":
            starts = frame["interval_start"].iloc[rows]
            order = np.argsort(np.asarray(starts), kind="stable")
            res = deferred.plan(starts.iloc[order], vol[order], aht[order], interval_minutes=minutes,
                                open_minutes=_open_minutes(channel), response_hours=channel.response_hours)
            back = np.empty_like(order)
            back[order] = np.arange(order.size)
            agents = res.agents[back]
            perf = {"service_level": res.service_level[back], "asa_seconds": res.asa_seconds[back],
                    "occupancy": res.occupancy[back], "backlog": res.backlog[back],
                    "abandon_rate": np.zeros(rows.size)}
        elif method == "sipp" or not np.any(vol > 0):
            agents = queue_agents(channel, vol, aht, minutes)
            perf = queue_performance(channel, vol, aht, agents, minutes)
            perf["backlog"] = np.zeros(rows.size)
        else:
            agents, perf = time_varying_queue(channel, frame["interval_start"].iloc[rows], vol, aht, minutes, method,
                                              seed=isa_seed(config, name))
            perf["backlog"] = np.zeros(rows.size)
        out["volume"][rows] = vol
        out["aht_seconds"][rows] = np.where(gap & (aht > 0), aht, np.nan_to_num(aht_all[rows], nan=0.0))
        out["agents"][rows] = agents
        out["staff"][rows] = np.ceil(agents / (1.0 - channel.shrinkage) - 1e-9)
        for key, values in perf.items():
            out[key][rows] = values
    result = pd.DataFrame({"channel": frame["channel"], "interval_start": frame["interval_start"]})
    for key in COLUMNS[2:]:
        result[key] = out[key]
    result["agents"] = result["agents"].astype("int64")
    result["staff"] = result["staff"].astype("int64")
    return result


def requirements_summary(req: pd.DataFrame, config: PlanningConfig) -> pd.DataFrame:
    """One row per channel of a requirements frame: kind, contacts, peak agents and staff,
    agent-hours and staff-hours (agents x interval hours), volume-weighted service level and
    ASA (seconds) at `agents`, and the largest backlog (deferred channels; 0 for queues)."""
    hours = config.interval_minutes / 60
    rows = []
    for name, part in req.groupby("channel", sort=False):
        volume = float(part["volume"].sum())
        weights = part["volume"].to_numpy() if volume > 0 else None
        rows.append({
            "channel": name, "kind": config.channel(name).kind, "contacts": volume,
            "peak_agents": int(part["agents"].max()), "peak_staff": int(part["staff"].max()),
            "agent_hours": float(part["agents"].sum() * hours), "staff_hours": float(part["staff"].sum() * hours),
            "service_level": float(np.average(part["service_level"], weights=weights)),
            "asa_seconds": float(np.average(np.minimum(part["asa_seconds"], 1e12), weights=weights)),
            "max_backlog": float(part["backlog"].max()) if "backlog" in part else 0.0,
        })
    return pd.DataFrame(rows)

"""Simulate a requirements or coverage frame, channel by channel (for `staffcast simulate`).

Input is either
- a requirements frame (docs/design.md): simulated with its `agents` (productive agents); or
- a coverage frame (`channel`, `interval_start`, `scheduled`, ...) joined with a
  requirements frame for `volume` and `aht_seconds`: simulated with
  ``floor(scheduled * (1 - shrinkage))`` productive agents (a fraction of an agent does
  not answer contacts), the same staff `projected_service_level` uses. A coverage row
  without a requirements row (closed hours, which coverage lists) has no contacts.

Output: `channel`, `interval_start`, `sim_service_level`, `sim_service_level_halfwidth`
(95%, over replications), `sim_asa_seconds`, `sim_abandon_rate`, one row per input row in
the input order. Queue channels use their answer threshold, patience and concurrency;
deferred channels use FIFO with their open hours and response deadlines (service level:
share replied to by the deadline; ASA: mean arrival-to-reply seconds). Gaps in a channel's
intervals are simulated as intervals with no contacts and no agents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.scheduler.simulation.queue import simulate_intervals
from staffcast.scheduler.staffing import deferred

OUTPUT_COLUMNS = ("channel", "interval_start", "sim_service_level", "sim_service_level_halfwidth",
                  "sim_asa_seconds", "sim_abandon_rate")


def productive_agents(frame: pd.DataFrame, config: PlanningConfig,
                      requirements: pd.DataFrame | None = None) -> pd.DataFrame:
    """channel, interval_start, volume, aht_seconds, agents (productive) for either input."""
    if "scheduled" in frame.columns:
        if requirements is None:
            raise ValueError("a coverage frame needs the requirements frame for volume and aht_seconds")
        keys = ["channel", "interval_start"]
        merged = frame[keys + ["scheduled"]].merge(requirements[keys + ["volume", "aht_seconds"]], on=keys,
                                                   how="left", validate="one_to_one")
        # Coverage lists every interval of the week, closed hours included; the requirements
        # have rows only where the forecast has contacts. No row: no contacts arrive then
        # (the scheduled agents still work any queue carried over).
        merged["volume"] = merged["volume"].fillna(0.0)
        shrink = merged["channel"].map({c.name: c.shrinkage for c in config.channels})
        merged["agents"] = np.floor(merged["scheduled"].to_numpy(float) * (1.0 - shrink.to_numpy(float)) + 1e-9)
        return merged.drop(columns="scheduled")
    if "agents" not in frame.columns:
        raise ValueError("expected a requirements frame (agents column) or a coverage frame (scheduled column)")
    return frame[["channel", "interval_start", "volume", "aht_seconds", "agents"]].reset_index(drop=True)


def simulate_frame(frame: pd.DataFrame, config: PlanningConfig, *, requirements: pd.DataFrame | None = None,
                   replications: int = 20, seed: int = 0, handle: str = "exponential",
                   handle_cv: float = 1.0) -> pd.DataFrame:
    """Simulated service per channel and interval (see the module docstring). Seeded:
    channel number k (config order) uses seed + k."""
    data = productive_agents(frame, config, requirements)
    out = {key: np.zeros(len(data)) for key in OUTPUT_COLUMNS[2:]}
    step = pd.Timedelta(minutes=config.interval_minutes)
    for name, rows in data.groupby("channel", sort=False).indices.items():
        if name not in config.channel_names:
            raise ValueError(f"channel {name!r} is not in the config")
        channel = config.channel(name)
        part = data.iloc[rows]
        stamps = pd.DatetimeIndex(part["interval_start"])
        volume = part["volume"].to_numpy(float)
        aht = np.where(volume > 0, part["aht_seconds"].to_numpy(float), 1.0)
        agents = part["agents"].to_numpy(float)
        channel_seed = seed + config.channel_names.index(name)
        if channel.kind == "deferred":
            open_minutes = (channel.open_from.hour * 60 + channel.open_from.minute, channel.open_until_minutes)
            g = deferred.simulation_grid(stamps, volume, aht, agents, interval_minutes=config.interval_minutes,
                                         open_minutes=open_minutes, response_hours=channel.response_hours)
            res = simulate_intervals(g.volume, g.aht_seconds, g.agents, interval_minutes=config.interval_minutes,
                                     answer_seconds=0.0, deadline_seconds=g.deadline_seconds,
                                     handle=handle, handle_cv=handle_cv, replications=replications,
                                     seed=channel_seed)
            pos = g.rows
        else:
            first = stamps.min()
            pos = np.asarray((stamps - first) // step, dtype=np.int64)
            if np.any((stamps - first) % step != pd.Timedelta(0)) or np.unique(pos).size != pos.size:
                raise ValueError(f"channel {name!r}: interval starts must be distinct and on the grid")
            size = int(pos.max()) + 1
            vol_g, aht_g, ag_g = np.zeros(size), np.ones(size), np.zeros(size)
            vol_g[pos], aht_g[pos], ag_g[pos] = volume, aht, agents
            res = simulate_intervals(vol_g, aht_g, ag_g, interval_minutes=config.interval_minutes,
                                     answer_seconds=channel.answer_seconds, patience_seconds=channel.patience_seconds,
                                     concurrency=channel.concurrency,
                                     concurrency_slowdown=channel.concurrency_slowdown, handle=handle,
                                     handle_cv=handle_cv, replications=replications, seed=channel_seed)
        out["sim_service_level"][rows] = res.service_level[pos]
        out["sim_service_level_halfwidth"][rows] = res.service_level_halfwidth[pos]
        out["sim_asa_seconds"][rows] = res.asa_seconds[pos]
        out["sim_abandon_rate"][rows] = res.abandon_rate[pos]
    result = pd.DataFrame({"channel": data["channel"], "interval_start": data["interval_start"]})
    for key in OUTPUT_COLUMNS[2:]:
        result[key] = out[key]
    return result

"""The coverage frame of docs/design.md: required staff, scheduled staff and the projected
service level per channel and interval of a roster.

`scheduled` counts the agents covering the channel in the interval (on shift, not on a
break, assigned to that channel); `service_level` is the staffing engine's projection
with `scheduled * (1 - shrinkage)` productive agents (NaN where it is not defined: no
contacts, or a deferred channel, whose target is a response time).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.scheduler.roster.model.instance import RosterInstance


def scheduled_counts(inst: RosterInstance, assignments: pd.DataFrame) -> np.ndarray:
    """Agents covering each channel (rows, config order) in each interval (columns)."""
    counts = np.zeros((len(inst.channels), inst.horizon.n_intervals), dtype=np.int64)
    if len(assignments):
        t = np.round(np.asarray((pd.DatetimeIndex(assignments["interval_start"]) - inst.horizon.origin)
                                / inst.horizon.step, dtype=float)).astype(np.int64)
        c = assignments["channel"].map({name: i for i, name in enumerate(inst.channels)}).to_numpy(dtype=np.int64)
        np.add.at(counts, (c, t), 1)
    return counts


def _service_level(inst: RosterInstance, c: int, stamps, volume, aht, scheduled) -> np.ndarray:
    channel = inst.config.channels[c]
    try:
        from staffcast.scheduler.staffing.requirements import projected_service_level
    except ImportError:  # pragma: no cover - until the staffing engine is merged
        return np.full(len(stamps), np.nan)
    agents = scheduled * (1.0 - channel.shrinkage)
    return np.asarray(projected_service_level(channel, stamps, volume, aht, agents=agents,
                                              interval_minutes=inst.config.interval_minutes), dtype=float)


def coverage_frame(inst: RosterInstance, assignments: pd.DataFrame) -> pd.DataFrame:
    """channel, interval_start, required, scheduled, service_level for every channel and
    interval of the week (plus the next Monday's early intervals where staffed)."""
    scheduled = scheduled_counts(inst, assignments)
    stamps = inst.horizon.stamps()
    frames = []
    for c, name in enumerate(inst.channels):
        keep = np.arange(inst.horizon.n_intervals) < inst.horizon.week_intervals
        keep |= (scheduled[c] > 0) | (inst.demand.staff[c] > 0)
        sl = _service_level(inst, c, stamps[keep], inst.demand.volume[c, keep],
                            inst.demand.aht_seconds[c, keep], scheduled[c, keep])
        frames.append(pd.DataFrame({
            "channel": name, "interval_start": stamps[keep],
            "required": inst.demand.staff[c, keep], "scheduled": scheduled[c, keep], "service_level": sl,
        }))
    return pd.concat(frames, ignore_index=True)

"""Service-aware coverage costs of a queue channel, per interval, from Erlang C/A.

A missing agent costs the service level it loses at that interval's load: the k-th
missing agent of interval t costs the channel's under-coverage weight times
`loss[t, k] / reference`, where `loss[t, k]` is the drop in the share answered within
target (Erlang C, or Erlang A with patience; chat concurrency and shrinkage as in the
staffing plan) between `staff - k + 1` and `staff - k` agents on shift, and `reference`
the median first-agent loss over the channel's staffed intervals. One agent short of 3
loses far more service than one short of 30, so thin intervals weigh more. The factors
are clipped to `FACTOR_RANGE`, made non-decreasing in k and multiplied by the channel's
depth slopes (`UNDER_SLOPES`: 1, 1.5, 2, ...), so the penalty is strictly convex in the
agents missing even where Erlang's loss per agent flattens (deep in a shortfall).

An agent above the requirement costs less where it buys service: at and after peaks,
where backlog carries over from a busier interval before. Its value is the contacts it
brings within target at the load carried over into the interval (`surplus_factors`); the
over-coverage cost falls linearly from the full weight (no value) to `1 - SURPLUS_DISCOUNT`
of it (the channel's largest value), so hours contracts force beyond the plan go there and
not into troughs already above target.

Intervals without volumes (or handle times) keep the channel's flat costs.
"""

from __future__ import annotations

import numpy as np

from staffcast.config import ChannelConfig
from staffcast.scheduler.staffing.requirements import effective_aht, queue_performance

FACTOR_RANGE = (0.25, 6.0)
SURPLUS_DISCOUNT = 0.6


def _service_level(channel: ChannelConfig, volume, aht_seconds, staff, interval_minutes: int) -> np.ndarray:
    """Share answered within target with `staff` agents on shift (shrinkage taken off)."""
    productive = np.maximum(np.asarray(staff, dtype=float), 0.0) * (1.0 - channel.shrinkage)
    return queue_performance(channel, volume, aht_seconds, productive, interval_minutes)["service_level"]


def shortfall_factors(channel: ChannelConfig, staff, volume, aht_seconds, interval_minutes: int,
                      slopes) -> np.ndarray:
    """Cost multipliers (intervals x `len(slopes)`) of the 1st, 2nd, ... missing agent of each
    interval (`staff`: agents on shift required; `volume`: contacts; `aht_seconds`: seconds),
    non-decreasing along each row; the flat `slopes` where the interval has no volume or
    handle time."""
    staff = np.asarray(staff, dtype=float)
    volume = np.asarray(volume, dtype=float)
    aht = np.asarray(aht_seconds, dtype=float)
    known = (staff > 0) & (volume > 0) & (aht > 0)
    depth = len(slopes)
    factors = np.tile(np.asarray(slopes, dtype=float), (staff.size, 1))
    if not known.any():
        return factors
    levels = np.stack([_service_level(channel, volume[known], aht[known], staff[known] - k, interval_minutes)
                       for k in range(depth + 1)], axis=1)
    loss = np.maximum(levels[:, :-1] - levels[:, 1:], 0.0)
    reference = float(np.median(loss[:, 0]))
    if reference <= 0:
        return factors
    # the depth slopes on top keep the penalty strictly convex where Erlang's losses flatten
    scaled = np.maximum.accumulate(np.clip(loss / reference, *FACTOR_RANGE), axis=1)
    factors[known] = scaled * (np.asarray(slopes, dtype=float) / slopes[0])
    return factors


def surplus_factors(channel: ChannelConfig, staff, volume, aht_seconds, interval_minutes: int) -> np.ndarray:
    """Over-coverage cost multipliers per interval, in [1 - SURPLUS_DISCOUNT, 1]: lowest where
    one agent above `staff` answers most contacts more within target (contacts per interval
    times the service-level gain plus any deficit to target), at the load carried over from
    a busier interval before (work in service spills over for about one handle time: the
    previous load's excess times `aht / interval`); 1 where volumes are unknown."""
    staff = np.asarray(staff, dtype=float)
    volume = np.asarray(volume, dtype=float)
    aht = np.asarray(aht_seconds, dtype=float)
    known = (staff > 0) & (volume > 0) & (aht > 0)
    factors = np.ones(staff.size)
    if not known.any():
        return factors
    spill = np.minimum(1.0, effective_aht(channel, aht) / (interval_minutes * 60.0))
    before = np.concatenate([[0.0], volume[:-1]])
    carried = volume + np.maximum(before - volume, 0.0) * spill  # contacts' worth of work
    now = _service_level(channel, carried[known], aht[known], staff[known], interval_minutes)
    more = _service_level(channel, carried[known], aht[known], staff[known] + 1, interval_minutes)
    target = channel.service_level if channel.service_level is not None else 0.0
    value = carried[known] * (np.maximum(more - now, 0.0) + np.maximum(target - now, 0.0))
    top = float(value.max())
    if top > 0:
        factors[known] = 1.0 - SURPLUS_DISCOUNT * value / top
    return factors

"""The requirements frame (docs/design.md) as demand arrays on the roster's interval grid
(the file itself is read by `staffcast.scheduler.inputs.frames.read_requirements`).

Only the `staff` column (agents on shift needed, shrinkage included) drives the roster;
`volume` and `aht_seconds` are kept for the projected service level. Intervals absent
from the frame need nobody. Rows before the week and after the horizon are ignored (a
requirements file may span several weeks). Rows of the next Monday's early hours, which
this Sunday's overnight shifts reach, count: next week's roster takes those shifts over
as carried-in coverage (`--previous-roster`), and nothing later in it can cover those
hours. Their shortfall is next week's to report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.scheduler.roster.model.shifts import Horizon


@dataclass(frozen=True)
class Demand:
    """Per channel (rows, in config order) and interval (columns): `staff` needed
    (agents), `volume` (contacts) and `aht_seconds` (seconds; 0 where unknown)."""

    staff: np.ndarray
    volume: np.ndarray
    aht_seconds: np.ndarray


def demand_arrays(requirements: pd.DataFrame, config: PlanningConfig, horizon: Horizon) -> Demand:
    """Place the requirements frame on the horizon grid (rows outside it are ignored)."""
    shape = (len(config.channels), horizon.n_intervals)
    staff = np.zeros(shape, dtype=np.int64)
    volume = np.zeros(shape)
    aht = np.zeros(shape)
    if len(requirements) == 0:
        return Demand(staff, volume, aht)
    stamps = pd.DatetimeIndex(requirements["interval_start"])
    if stamps.tz is None:
        raise ValueError("requirements interval_start must be tz-aware")
    position = np.asarray((stamps - horizon.origin) / horizon.step, dtype=float)
    on_grid = np.isclose(position, np.round(position))
    if not on_grid.all():
        bad = stamps[~on_grid][0]
        raise ValueError(f"requirements interval_start {bad} is not on the {horizon.interval_minutes}-minute grid")
    index = np.round(position).astype(np.int64)
    inside = (index >= 0) & (index < horizon.n_intervals)
    channel_index = {name: i for i, name in enumerate(config.channel_names)}
    rows = requirements["channel"].map(channel_index)
    if rows.isna().any():
        raise ValueError(f"unknown channel in requirements: {requirements['channel'][rows.isna()].iloc[0]}")
    rows = rows.to_numpy(dtype=np.int64)
    staff[rows[inside], index[inside]] = requirements["staff"].to_numpy()[inside].astype(np.int64)
    for column, target in (("volume", volume), ("aht_seconds", aht)):
        if column in requirements.columns:
            values = pd.to_numeric(requirements[column]).fillna(0.0).to_numpy(dtype=float)
            target[rows[inside], index[inside]] = values[inside]
    return Demand(staff, volume, aht)

"""The requirements frame (DESIGN.md) as demand arrays on the roster's interval grid,
and the one reader of the requirements file.

Only the `staff` column (agents on shift needed, shrinkage included) drives the roster;
`volume` and `aht_seconds` are kept for the projected service level. Intervals absent
from the frame need nobody; rows outside the planning horizon are ignored (a
requirements file may span several weeks).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scheduler.config import PlanningConfig
from scheduler.shifts import Horizon
from staffcast_common import InputError, describe

REQUIRED_COLUMNS = ("channel", "interval_start", "staff")


@dataclass(frozen=True)
class Demand:
    """Per channel (rows, in config order) and interval (columns): `staff` needed
    (agents), `volume` (contacts) and `aht_seconds` (seconds; 0 where unknown)."""

    staff: np.ndarray
    volume: np.ndarray
    aht_seconds: np.ndarray


def read_requirements(path: str | Path, config: PlanningConfig) -> pd.DataFrame:
    """Read a requirements CSV/Parquet written by `staffcast staff`; InputError on bad
    content naming the row (header = row 1) and column."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".parquet":
            frame = pd.read_parquet(path)
        else:
            frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, f"cannot read the requirements file: {exc}") from None
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise InputError(path, f"missing column {column!r}; expected the requirements frame "
                             "(channel, interval_start, volume, aht_seconds, agents, staff, ...)", row=1)
    channels = frame["channel"].astype(str).str.strip().str.lower()
    unknown = ~channels.isin(config.channel_names)
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(path, f"expected a channel from {', '.join(config.channel_names)}, got "
                         f"{describe(frame['channel'].iloc[row])}", row=row + 2, column="channel")
    stamps = pd.to_datetime(frame["interval_start"], errors="coerce", utc=True, format="ISO8601")
    if stamps.isna().any():
        row = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise InputError(path, "expected an ISO 8601 timestamp with UTC offset, got "
                         f"{describe(frame['interval_start'].iloc[row])}", row=row + 2,
                         column="interval_start")
    out = pd.DataFrame({"channel": channels, "interval_start": stamps.dt.tz_convert(config.timezone)})
    for column in ("staff", "volume", "aht_seconds"):
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values < 0)
        if column == "staff":
            bad |= values.notna() & (values != values.round())
        if column != "staff":
            bad &= frame[column].notna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            kind = "an integer >= 0" if column == "staff" else "a number >= 0"
            raise InputError(path, f"expected {kind}, got {describe(frame[column].iloc[row])}",
                             row=row + 2, column=column)
        out[column] = values
    duplicated = out.duplicated(["channel", "interval_start"])
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise InputError(path, "this channel and interval appear twice", row=row + 2,
                         column="interval_start")
    return out


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

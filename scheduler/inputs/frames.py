"""Read the forecast, requirements and coverage frame files (DESIGN.md) for the scheduler.

CSV (timestamps with their UTC offset, as staffcast writes them; naive ones are taken as
planning-timezone local time) or Parquet. Every mistake becomes a one-line `InputError`
naming the file, row (CSV: the header is row 1) and column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError, describe
from staffcast.frame_io import is_parquet, offset_timestamps, plain_numbers, read_frame


def frame_columns(path) -> tuple[str, ...]:
    """Column names of a frame file (to tell a requirements file from a coverage file)."""
    frame, _ = read_frame(path)
    return tuple(frame.columns)


def _fail(path, frame, mask, first_row, column, expected):
    i = int(np.flatnonzero(np.asarray(mask))[0])
    raise InputError(path, f"expected {expected}, got {describe(frame[column].iloc[i])}",
                     row=i + first_row, column=column)


def _numbers(path, frame, column, first_row, *, blank_ok=False, integer=False) -> pd.Series:
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw):
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        blank = values.isna()
    elif (parsed := plain_numbers(raw)) is not None:
        values, blank = parsed
    else:
        text = raw.astype(str).str.strip()
        blank = text == ""
        values = pd.to_numeric(text.where(~blank, None), errors="coerce").astype(float)
    bad = (values.isna() & ~(blank & blank_ok)) | (values < 0) | np.isinf(values)
    if integer:
        bad |= values.notna() & (values != np.round(values))
    if bad.any():
        kind = "a whole number >= 0" if integer else "a number >= 0"
        _fail(path, frame, bad, first_row, column, kind + (" or an empty cell" if blank_ok else ""))
    return values


def _stamps(path, frame, first_row, config: PlanningConfig) -> pd.Series:
    raw = frame["interval_start"]
    tz = config.tz
    if pd.api.types.is_datetime64_any_dtype(raw):
        stamps = pd.Series(raw)
        stamps = stamps.dt.tz_convert(tz) if stamps.dt.tz is not None else stamps.dt.tz_localize(
            tz, ambiguous="NaT", nonexistent="NaT")
    elif (utc := offset_timestamps(raw)) is not None:
        stamps = utc.dt.tz_convert(tz)
    else:
        text = raw.astype(str).str.strip()
        aware = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$")
        stamps = pd.Series(pd.NaT, index=raw.index, dtype=f"datetime64[ns, {tz.key}]")
        if aware.any():
            parsed = pd.to_datetime(text.where(aware), errors="coerce", utc=True, format="ISO8601")
            stamps[aware] = parsed[aware].dt.tz_convert(tz)
        if (~aware).any():
            naive = pd.to_datetime(text.where(~aware), errors="coerce", format="ISO8601")
            stamps[~aware] = naive[~aware].dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    bad = stamps.isna()
    if bad.any():
        _fail(path, frame, bad, first_row, "interval_start",
              "a timestamp like 2026-12-07T08:30:00+08:00 (naive times must exist once in the timezone)")
    step = pd.Timedelta(minutes=config.interval_minutes)
    local = stamps.dt.tz_localize(None)
    off = (local - local.dt.normalize()) % step != pd.Timedelta(0)
    if off.any():
        _fail(path, frame, off, first_row, "interval_start",
              f"an interval start on the {config.interval_minutes}-minute grid")
    return stamps


def _frame(path, config: PlanningConfig, required: tuple[str, ...], numeric: tuple[str, ...],
           integer: tuple[str, ...] = (), blank_ok: tuple[str, ...] = ()) -> pd.DataFrame:
    path = Path(path)
    frame, first_row = read_frame(path)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}; expected {', '.join(required)}", row=1)
    if frame.empty:
        raise InputError(path, "no rows")
    channel = frame["channel"].astype(str).str.strip().str.lower()
    unknown = ~channel.isin(list(config.channel_names))
    if unknown.any():
        _fail(path, frame, unknown, first_row, "channel", f"one of {', '.join(config.channel_names)}")
    out = pd.DataFrame({"channel": channel, "interval_start": _stamps(path, frame, first_row, config)})
    for column in numeric:
        if column in frame.columns:
            out[column] = _numbers(path, frame, column, first_row, integer=column in integer,
                                   blank_ok=column in blank_ok)
    dup = out.duplicated(["channel", "interval_start"])
    if dup.any():
        _fail(path, frame, dup, first_row, "interval_start", "one row per channel and interval (a duplicate)")
    return out


def read_forecast(path, config: PlanningConfig, staff_to: str = "volume") -> pd.DataFrame:
    """The forecast frame: channel, interval_start, volume, volume_lo, volume_hi (when
    present), aht_seconds (seconds; > 0 where the staffed volume is > 0)."""
    required = ("channel", "interval_start", "volume", "aht_seconds") + (
        (staff_to,) if staff_to != "volume" else ())
    out = _frame(path, config, required, ("volume", "volume_lo", "volume_hi", "aht_seconds"),
                 blank_ok=("aht_seconds",))
    need = (out[staff_to] > 0) & ~(out["aht_seconds"] > 0)
    if need.any():
        i = int(np.flatnonzero(need.to_numpy())[0])
        raise InputError(path, f"expected a handle time > 0 where {staff_to} > 0",
                         row=i + (1 if is_parquet(path) else 2),
                         column="aht_seconds")
    return out


def read_requirements(path, config: PlanningConfig) -> pd.DataFrame:
    """The requirements frame (extra numeric columns such as backlog are kept)."""
    numeric = ("volume", "aht_seconds", "agents", "staff", "service_level", "asa_seconds", "occupancy",
               "backlog", "abandon_rate")
    out = _frame(path, config, ("channel", "interval_start", "volume", "aht_seconds", "agents", "staff"),
                 numeric, integer=("agents", "staff"), blank_ok=("aht_seconds",))
    out["aht_seconds"] = out["aht_seconds"].fillna(0.0)
    for column in ("agents", "staff"):
        out[column] = out[column].astype("int64")
    return out


def read_coverage(path, config: PlanningConfig) -> pd.DataFrame:
    """The coverage frame: channel, interval_start, scheduled (staff on duty; may be
    fractional when agents split time between channels), required and service_level (may
    be empty where no level is projected) when present."""
    return _frame(path, config, ("channel", "interval_start", "scheduled"),
                  ("required", "scheduled", "service_level"), blank_ok=("service_level",))

"""History and events files: read, validate once, return trusted frames.

This is the one place these two file formats are parsed (DESIGN.md). Every user mistake
becomes an `InputError` naming the file, row and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from staffcast.errors import InputError, describe
from staffcast.frame_io import read_frame

EVENT_KINDS = ("holiday", "onboarding", "migration", "release", "outage", "campaign", "other")
OPEN_SHARE = 0.5  # a weekly slot is open when rows exist in at least this share of weeks
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_ISO = r"\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True)
class OpenHours:
    """Which slots of the week each channel is open, learned from history.

    `table[channel]` is a bool array (7 weekdays x slots per day), Monday first; a slot is
    the `interval_minutes`-long interval starting `slot * interval_minutes` after midnight.
    """

    interval_minutes: int
    table: Mapping[str, np.ndarray]

    def is_open(self, channel: str, interval_start: pd.Series | pd.DatetimeIndex) -> np.ndarray:
        """Bool array: is `channel` open in each interval (local, tz-aware timestamps)?"""
        if channel not in self.table:
            return np.zeros(len(interval_start), dtype=bool)
        weekday, slot = week_slots(interval_start, self.interval_minutes)
        return self.table[channel][weekday, slot]

    def frame(self) -> pd.DataFrame:
        """Long frame: channel, weekday (0 = Monday), minute_of_day, open."""
        rows = []
        for channel, grid in self.table.items():
            wd, slot = np.meshgrid(np.arange(7), np.arange(grid.shape[1]), indexing="ij")
            rows.append(pd.DataFrame({"channel": channel, "weekday": wd.ravel(),
                                      "minute_of_day": slot.ravel() * self.interval_minutes,
                                      "open": grid.ravel()}))
        return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class History:
    """Validated history: the DESIGN.md history frame plus what was learned about it.

    `closed_dates` are local dates with no rows for any channel (the centre was closed);
    `filled_intervals` counts gaps filled with zero contacts under `fill_zero`.
    """

    frame: pd.DataFrame
    open_hours: OpenHours
    timezone: str
    interval_minutes: int
    closed_dates: tuple[dt.date, ...] = ()
    filled_intervals: int = 0
    channels: tuple[str, ...] = field(default=())


def week_slots(stamps: pd.Series | pd.DatetimeIndex, interval_minutes: int):
    """(weekday, slot-of-day) integer arrays of local tz-aware timestamps."""
    idx = pd.DatetimeIndex(stamps)
    minutes = idx.hour * 60 + idx.minute
    return np.asarray(idx.day_of_week), np.asarray(minutes // interval_minutes)


def _off_grid(stamps: pd.DatetimeIndex, interval_minutes: int) -> np.ndarray:
    """Seconds past the last local grid line (0 when on the grid)."""
    seconds = stamps.hour * 3600 + stamps.minute * 60 + stamps.second
    return np.asarray(seconds % (interval_minutes * 60)) + np.asarray(stamps.microsecond != 0)


# ---------------------------------------------------------------- validating


def _numbers(path, frame, column, first_row, *, allow_empty=False, positive=False):
    raw = frame[column]
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        text = raw.astype(str).str.strip()
        values = pd.to_numeric(text.where(text != "", None), errors="coerce")
        empty = text == ""
    else:
        values = pd.to_numeric(raw, errors="coerce").astype(float)
        empty = values.isna()
    bad = (values.isna() & ~(empty & allow_empty)) | (values < 0) | np.isinf(values)
    if positive:
        bad |= values == 0
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        expected = "a number > 0" if positive else "a number >= 0"
        if allow_empty:
            expected += " or an empty cell"
        raise InputError(path, f"expected {expected}, got {describe(raw.iloc[i])}",
                         row=i + first_row, column=column)
    return values.astype(float)


def _timestamps(path, frame, column, first_row, tz: ZoneInfo) -> pd.Series:
    """Parse a timestamp column into tz-aware local times (offsets converted, naive
    taken as local; a naive time repeated by a DST fall-back is read in file order)."""
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        stamps = pd.Series(raw)
        if stamps.dt.tz is not None:
            return stamps.dt.tz_convert(tz)
        text = None
        naive = stamps
        offset = pd.Series(False, index=raw.index)
    else:
        text = raw.astype(str).str.strip()
        text = text.where(text.str.fullmatch(_ISO), "not a time")
        offset = text.str.contains(_OFFSET)
        naive = pd.to_datetime(text.where(~offset), errors="coerce", format="ISO8601")
    result = pd.Series(pd.NaT, index=raw.index, dtype=f"datetime64[ns, {tz.key}]")
    if offset.any():
        aware = pd.to_datetime(text.where(offset), errors="coerce", format="ISO8601", utc=True)
        result[offset] = aware[offset].dt.tz_convert(tz)
    bad = result.isna() & (offset | naive.isna())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(path, f"expected a timestamp like 2026-03-02 08:30, got {describe(raw.iloc[i])}",
                         row=i + first_row, column=column)
    todo = ~offset
    if todo.any():
        local = naive[todo]
        probe = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
        gap = probe.isna() & local.dt.tz_localize(tz, ambiguous=True, nonexistent="NaT").isna()
        if gap.any():
            i = int(np.flatnonzero(todo.to_numpy())[np.flatnonzero(gap.to_numpy())[0]])
            raise InputError(path, f"{describe(raw.iloc[i])} does not exist in {tz.key} "
                             "(clocks go forward); give the time with its UTC offset",
                             row=i + first_row, column=column)
        # Repeated wall-clock hour: first occurrence is daylight time, the next standard.
        keys = [local] + ([frame.loc[todo, "channel"]] if "channel" in frame else [])
        first_seen = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)}).groupby(
            [f"k{i}" for i in range(len(keys))], sort=False).cumcount().to_numpy() == 0
        result[todo] = local.dt.tz_localize(tz, ambiguous=first_seen, nonexistent="raise")
    return result


def _channels(path, frame, first_row, known: Iterable[str] | None) -> pd.Series:
    names = frame["channel"].astype(str).str.strip().str.lower()
    bad = ~names.str.fullmatch(r"[a-z][a-z0-9_]*")
    if known is not None:
        bad |= ~names.isin(list(known))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        expected = f"one of {', '.join(known)}" if known is not None else "a channel name"
        raise InputError(path, f"expected {expected}, got {describe(frame['channel'].iloc[i])}",
                         row=i + first_row, column="channel")
    return names


# ---------------------------------------------------------------- history


def _interval_level(path, frame, first_row, tz, interval_minutes, known):
    channel = _channels(path, frame, first_row, known)
    start = _timestamps(path, frame, "interval_start", first_row, tz)
    off = _off_grid(pd.DatetimeIndex(start), interval_minutes)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise InputError(path, f"expected an interval start on the {interval_minutes}-minute "
                         f"planning grid, got {describe(frame['interval_start'].iloc[i])}",
                         row=i + first_row, column="interval_start")
    volume = _numbers(path, frame, "volume", first_row)
    if "aht_seconds" in frame:
        aht = _numbers(path, frame, "aht_seconds", first_row, allow_empty=True)
        missing = (aht.isna() | (aht == 0)) & (volume > 0)
        if missing.any():
            i = int(np.flatnonzero(missing.to_numpy())[0])
            raise InputError(path, "expected a handle time > 0 where volume > 0, got "
                             f"{describe(frame['aht_seconds'].iloc[i])}",
                             row=i + first_row, column="aht_seconds")
        aht = aht.where(volume > 0)
    else:
        aht = pd.Series(np.nan, index=frame.index)
    out = pd.DataFrame({"channel": channel, "interval_start": start, "volume": volume,
                        "aht_seconds": aht})
    dup = out.duplicated(["channel", "interval_start"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise InputError(path, f"duplicate interval: channel {out.channel.iloc[i]} at "
                         f"{out.interval_start.iloc[i]:%Y-%m-%d %H:%M} appears twice",
                         row=i + first_row, column="interval_start")
    return out


def _contacts(path, frame, first_row, tz, interval_minutes, known) -> pd.DataFrame:
    """Validated contact rows: channel, arrived_at, interval_start, handle_seconds,
    wait_seconds (NaN when not given), abandoned (bool)."""
    for column in ("channel", "arrived_at", "handle_seconds"):
        if column not in frame:
            raise InputError(path, f"missing column {column!r} for a contact-level history", row=1)
    channel = _channels(path, frame, first_row, known)
    arrived = _timestamps(path, frame, "arrived_at", first_row, tz)
    handle = _numbers(path, frame, "handle_seconds", first_row, allow_empty=True)
    if "abandoned" in frame:
        text = frame["abandoned"].astype(str).str.strip().str.lower()
        bad = ~text.isin(_TRUE | _FALSE)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(path, f"expected true or false, got {describe(frame['abandoned'].iloc[i])}",
                             row=i + first_row, column="abandoned")
        abandoned = text.isin(_TRUE)
    else:
        abandoned = pd.Series(False, index=frame.index)
    wait = pd.Series(np.nan, index=frame.index)
    if "wait_seconds" in frame:
        wait = _numbers(path, frame, "wait_seconds", first_row, allow_empty=True)
    unhandled = handle.isna() & ~abandoned
    if unhandled.any():
        i = int(np.flatnonzero(unhandled.to_numpy())[0])
        raise InputError(path, "expected a handle time for a contact that was not abandoned",
                         row=i + first_row, column="handle_seconds")
    offset = pd.to_timedelta(_off_grid(pd.DatetimeIndex(arrived), interval_minutes), unit="s")
    start = (arrived - offset).dt.floor("s")
    return pd.DataFrame({"channel": channel, "arrived_at": arrived, "interval_start": start,
                         "handle_seconds": handle.where(~abandoned), "wait_seconds": wait,
                         "abandoned": abandoned.to_numpy(bool)})


def _contact_level(path, frame, first_row, tz, interval_minutes, known):
    contacts = _contacts(path, frame, first_row, tz, interval_minutes, known).rename(
        columns={"handle_seconds": "handled"})
    grouped = contacts.groupby(["channel", "interval_start"], sort=True)
    out = grouped.agg(volume=("handled", "size"), aht_seconds=("handled", "mean")).reset_index()
    out["volume"] = out["volume"].astype(float)
    return out


def _learn_open_hours(frame: pd.DataFrame, interval_minutes: int, closed: set[dt.date]):
    slots = 24 * 60 // interval_minutes
    table = {}
    local_dates = frame["interval_start"].dt.date
    for channel, rows in frame.groupby("channel", sort=True):
        first, last = rows["interval_start"].min().date(), rows["interval_start"].max().date()
        days = pd.date_range(first, last, freq="D")
        weeks_per_weekday = np.bincount(
            [d.weekday() for d in days.date if d not in closed], minlength=7)
        wd, slot = week_slots(rows["interval_start"], interval_minutes)
        seen = pd.DataFrame({"d": local_dates[rows.index], "wd": wd, "slot": slot}).drop_duplicates()
        counts = np.zeros((7, slots))
        np.add.at(counts, (seen["wd"].to_numpy(), seen["slot"].to_numpy()), 1)
        table[channel] = counts >= OPEN_SHARE * np.maximum(weeks_per_weekday, 1)[:, None]
    return OpenHours(interval_minutes, table)


def load_history(path: str | Path, timezone: str, interval_minutes: int, *,
                 fill_zero: bool = False, channels: Iterable[str] | None = None) -> History:
    """Read an interval- or contact-level history file into a validated `History`.

    `timezone` is the planning timezone (IANA name); `interval_minutes` the planning grid.
    Missing intervals inside a channel's open hours are an error unless `fill_zero`; days
    with no rows for any channel are closed days, weekly slots without rows are closed hours.
    """
    path = Path(path)
    tz = ZoneInfo(timezone)
    frame, first_row = read_frame(path)
    known = list(channels) if channels is not None else None
    if "arrived_at" in frame.columns:
        out = _contact_level(path, frame, first_row, tz, interval_minutes, known)
        fill_zero = True  # no contact in an interval simply means zero contacts
    elif {"channel", "interval_start", "volume"} <= set(frame.columns):
        out = _interval_level(path, frame, first_row, tz, interval_minutes, known)
    else:
        raise InputError(path, "expected columns channel, interval_start, volume[, aht_seconds] "
                         "or channel, arrived_at, handle_seconds[, wait_seconds, abandoned]", row=1)
    if out.empty:
        raise InputError(path, "no rows of history")
    out = out.sort_values(["channel", "interval_start"], ignore_index=True)
    dates = set(out["interval_start"].dt.date)
    span = pd.date_range(min(dates), max(dates), freq="D").date
    closed = {d for d in span if d not in dates}
    open_hours = _learn_open_hours(out, interval_minutes, closed)
    out, filled = _check_gaps(path, out, open_hours, interval_minutes, closed, fill_zero)
    return History(out, open_hours, timezone, interval_minutes, tuple(sorted(closed)), filled,
                   tuple(sorted(out["channel"].unique())))


@dataclass(frozen=True)
class Actuals:
    """Today's actuals: `frame` a history frame (channel, interval_start, volume, aht_seconds)
    of the intervals seen; `contacts` the contact rows (channel, arrived_at, interval_start,
    handle_seconds, wait_seconds, abandoned) when the file is contact level, else None."""

    frame: pd.DataFrame
    contacts: pd.DataFrame | None = None


def load_actuals(path: str | Path, timezone: str, interval_minutes: int, *,
                 channels: Iterable[str] | None = None, now: pd.Timestamp | None = None) -> Actuals:
    """Read interval- or contact-level actuals (the history file formats) so far.

    With `now` (tz-aware), a row whose interval (interval level) or arrival (contact level)
    is not over by `now` is an error. No gap check: an interval without a row is unobserved
    (interval level) or had no contacts (contact level, where the intervals from the first
    arrival to `now` get rows)."""
    path = Path(path)
    tz = ZoneInfo(timezone)
    frame, first_row = read_frame(path)
    known = list(channels) if channels is not None else None
    step = pd.Timedelta(minutes=interval_minutes)
    if "arrived_at" in frame.columns:
        contacts = _contacts(path, frame, first_row, tz, interval_minutes, known)
        late = contacts["arrived_at"] >= now if now is not None else pd.Series(False, index=contacts.index)
        column = "arrived_at"
        out = _contact_level(path, frame, first_row, tz, interval_minutes, known)
    elif {"channel", "interval_start", "volume"} <= set(frame.columns):
        contacts = None
        out = _interval_level(path, frame, first_row, tz, interval_minutes, known)
        late = out["interval_start"] + step > now if now is not None else pd.Series(False, index=out.index)
        column = "interval_start"
    else:
        raise InputError(path, "expected columns channel, interval_start, volume[, aht_seconds] "
                         "or channel, arrived_at, handle_seconds[, wait_seconds, abandoned]", row=1)
    if late.any():
        i = int(np.flatnonzero(late.to_numpy())[0])
        raise InputError(path, f"expected actuals before now ({now:%Y-%m-%d %H:%M}), got "
                         f"{describe(frame[column].iloc[i])}", row=i + first_row, column=column)
    if contacts is not None:
        out = _zero_fill(out, step, now)
    return Actuals(out.sort_values(["channel", "interval_start"], ignore_index=True), contacts)


def _zero_fill(out: pd.DataFrame, step: pd.Timedelta, now: pd.Timestamp | None) -> pd.DataFrame:
    """Contact-level intervals without contacts, from each channel's first contact to the
    last interval over by `now` (or its last contact), as zero-contact rows."""
    parts = []
    for channel, rows in out.groupby("channel", sort=True):
        last = rows["interval_start"].max() if now is None else now - step
        grid = pd.date_range(rows["interval_start"].min(), last, freq=step)
        full = pd.DataFrame({"channel": channel, "interval_start": grid})
        parts.append(full.merge(rows, on=["channel", "interval_start"], how="left").fillna({"volume": 0.0}))
    return pd.concat(parts, ignore_index=True) if parts else out


def _check_gaps(path, out, open_hours, interval_minutes, closed, fill_zero):
    pieces, filled = [out], 0
    for channel, rows in out.groupby("channel", sort=True):
        start, end = rows["interval_start"].iloc[0], rows["interval_start"].iloc[-1]
        grid = pd.date_range(start, end, freq=f"{interval_minutes}min")
        grid = grid[open_hours.is_open(channel, grid) & ~pd.Index(grid.date).isin(list(closed))]
        missing = grid.difference(pd.DatetimeIndex(rows["interval_start"]))
        if len(missing) and not fill_zero:
            raise InputError(path, f"{len(missing)} missing interval(s) for channel {channel} "
                             f"inside its open hours, first at {missing[0]:%Y-%m-%d %H:%M}; "
                             "pass --fill-zero to count them as zero contacts",
                             column="interval_start")
        if len(missing):
            filled += len(missing)
            pieces.append(pd.DataFrame({"channel": channel, "interval_start": missing,
                                        "volume": 0.0, "aht_seconds": np.nan}))
    if filled:
        out = pd.concat(pieces, ignore_index=True).sort_values(
            ["channel", "interval_start"], ignore_index=True)
    return out, filled


# ---------------------------------------------------------------- events


def load_events(path: str | Path, timezone: str, channels: Iterable[str] | None = None) -> pd.DataFrame:
    """Read the events calendar into a frame: name, kind, start, end (tz-aware local,
    end exclusive), channels (tuple of channel names; `*` expands to `channels`), size
    (float, NaN when not given)."""
    path = Path(path)
    tz = ZoneInfo(timezone)
    frame, first_row = read_frame(path)
    for column in ("name", "kind", "start", "end", "channels"):
        if column not in frame.columns:
            raise InputError(path, f"missing column {column!r}; expected name, kind, start, end, "
                             "channels[, size]", row=1)
    known = list(channels) if channels is not None else None
    if frame.empty:
        return pd.DataFrame({"name": pd.Series(dtype=str), "kind": pd.Series(dtype=str),
                             "start": pd.Series(dtype=f"datetime64[ns, {tz.key}]"),
                             "end": pd.Series(dtype=f"datetime64[ns, {tz.key}]"),
                             "channels": pd.Series(dtype=object), "size": pd.Series(dtype=float)})
    kind = frame["kind"].astype(str).str.strip().str.lower()
    bad = ~kind.isin(EVENT_KINDS)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(path, f"expected one of {', '.join(EVENT_KINDS)}, got "
                         f"{describe(frame['kind'].iloc[i])}", row=i + first_row, column="kind")
    start = _timestamps(path, frame, "start", first_row, tz)
    end = _timestamps(path, frame, "end", first_row, tz)
    backwards = (end <= start).to_numpy()
    if backwards.any():
        i = int(np.flatnonzero(backwards)[0])
        raise InputError(path, f"expected an end after the start ({frame['start'].iloc[i]}), got "
                         f"{describe(frame['end'].iloc[i])}", row=i + first_row, column="end")
    parsed = []
    for i, text in enumerate(frame["channels"].astype(str)):
        names = tuple(n.strip().lower() for n in text.split(";") if n.strip())
        if names == ("*",):
            parsed.append(tuple(known) if known is not None else ("*",))
            continue
        if not names or (known is not None and any(n not in known for n in names)):
            expected = f"* or channels from {', '.join(known)}" if known else "* or channel names"
            raise InputError(path, f"expected {expected} separated by ';', got {describe(text)}",
                             row=i + first_row, column="channels")
        parsed.append(names)
    if "size" in frame.columns:
        size = _numbers(path, frame, "size", first_row, allow_empty=True)
    else:
        size = pd.Series(np.nan, index=frame.index)
    names = frame["name"].astype(str).str.strip()
    return pd.DataFrame({"name": names, "kind": kind, "start": start, "end": end,
                         "channels": parsed, "size": size})

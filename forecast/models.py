"""The forecast-model protocol, shared calendar helpers and the two seasonal baselines.

A volume model is fitted on a history frame (docs/design.md: channel, interval_start, volume,
aht_seconds) plus the events calendar, then predicts the expected contacts per interval
for any index frame (channel, interval_start). Times are tz-aware local timestamps; the
models work on local wall-clock dates and slots so a DST change never shifts a profile.
"""

from __future__ import annotations

import math
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd


@runtime_checkable
class VolumeModel(Protocol):
    """Fit on history + events, predict `volume` (contacts per interval) for an index."""

    name: str

    def fit(self, history: pd.DataFrame, events: pd.DataFrame, *, interval_minutes: int,
            timezone: str) -> VolumeModel: ...

    def predict(self, index: pd.DataFrame) -> pd.DataFrame:
        """Frame with the index columns (channel, interval_start) plus `volume` (>= 0)."""
        ...


# ---------------------------------------------------------------- calendar helpers


def local_clock(stamps: pd.Series) -> pd.Series:
    """Naive local wall-clock timestamps of tz-aware local `stamps`."""
    stamps = pd.Series(stamps)
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def day_and_slot(stamps: pd.Series, interval_minutes: int) -> tuple[pd.Series, np.ndarray]:
    """(naive local midnight of each stamp, slot of the day = minutes // interval_minutes)."""
    clock = local_clock(stamps)
    slot = (clock.dt.hour.to_numpy() * 60 + clock.dt.minute.to_numpy()) // interval_minutes
    return clock.dt.normalize(), slot


def daily_totals(history: pd.DataFrame) -> dict[str, pd.Series]:
    """Contacts per local date per channel (only dates with rows), indexed by naive midnight."""
    day = local_clock(history["interval_start"]).dt.normalize()
    grouped = history.assign(day=day.to_numpy()).groupby(["channel", "day"], sort=True)["volume"].sum()
    return {str(ch): part.droplevel(0) for ch, part in grouped.groupby(level=0)}


def event_days(events: pd.DataFrame, channel: str, *, before: int = 0, after: int = 0) -> pd.DatetimeIndex:
    """Naive local dates touched by events on `channel`, widened by `before`/`after` days."""
    days: list[pd.Timestamp] = []
    for ev in events.itertuples():
        if channel not in ev.channels and "*" not in ev.channels:
            continue
        first = local_clock(pd.Series([ev.start])).iloc[0].normalize()
        last = (local_clock(pd.Series([ev.end])).iloc[0] - pd.Timedelta(microseconds=1)).normalize()
        days.extend(pd.date_range(first - pd.Timedelta(days=before), last + pd.Timedelta(days=after)))
    return pd.DatetimeIndex(sorted(set(days)))


def event_interval_mask(frame: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """True for rows of `frame` (channel, interval_start) inside an event [start, end)."""
    mask = np.zeros(len(frame), dtype=bool)
    stamps = frame["interval_start"]
    for ev in events.itertuples():
        on = frame["channel"].isin(ev.channels) | ("*" in ev.channels)
        mask |= (on & (stamps >= ev.start) & (stamps < ev.end)).to_numpy()
    return mask


# ---------------------------------------------------------------- baselines


class _SameSlotWeeks:
    """Shared machinery: look up the same local slot 1, 2, 3... weeks back."""

    name = "base"
    weeks = 1

    def fit(self, history: pd.DataFrame, events: pd.DataFrame, *, interval_minutes: int,
            timezone: str) -> _SameSlotWeeks:
        clock = local_clock(history["interval_start"])
        self._series = {str(ch): pd.Series(part["volume"].to_numpy(), index=pd.DatetimeIndex(clock[part.index]))
                        for ch, part in history.groupby("channel", sort=True)}
        self._series = {ch: s[~s.index.duplicated()] for ch, s in self._series.items()}
        self._last = {ch: s.index.max() for ch, s in self._series.items()}
        return self

    def _lags(self, channel: str, clock: pd.Series) -> np.ndarray:
        """Matrix (rows x weeks back) of same-slot volumes at or before the history end."""
        series = self._series.get(channel)
        if series is None or clock.empty:
            return np.full((len(clock), 1), np.nan)
        reach = (clock.max() - self._last[channel]).days
        depth = max(1, math.ceil(max(reach, 0) / 7) + self.weeks + 6)
        cols = []
        for m in range(1, depth + 1):
            back = pd.DatetimeIndex(clock - pd.Timedelta(days=7 * m))
            values = series.reindex(back).to_numpy(dtype=float, copy=True)
            values[back > self._last[channel]] = np.nan
            cols.append(values)
        return np.column_stack(cols)

    def _combine(self, lags: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def predict(self, index: pd.DataFrame) -> pd.DataFrame:
        out = index[["channel", "interval_start"]].reset_index(drop=True)
        volume = np.zeros(len(out))
        clock = local_clock(out["interval_start"])
        for ch, rows in out.groupby("channel", sort=False):
            lags = self._lags(str(ch), clock[rows.index])
            volume[rows.index] = np.nan_to_num(self._combine(lags), nan=0.0)
        return out.assign(volume=volume)


class SeasonalNaiveWeek(_SameSlotWeeks):
    """Same local interval one week earlier (the latest observed week for longer horizons)."""

    name = "snaive_week"

    def _combine(self, lags: np.ndarray) -> np.ndarray:
        seen = ~np.isnan(lags)
        first = np.argmax(seen, axis=1)
        pick = lags[np.arange(len(lags)), first]
        return np.where(seen.any(axis=1), pick, np.nan)


class MeanOfWeeks(_SameSlotWeeks):
    """Mean of the same local interval over the last `weeks` observed weeks."""

    def __init__(self, weeks: int = 3) -> None:
        self.weeks = weeks
        self.name = f"mean_{weeks}w"

    def _combine(self, lags: np.ndarray) -> np.ndarray:
        seen = ~np.isnan(lags)
        rank = np.cumsum(seen, axis=1)
        keep = seen & (rank <= self.weeks)
        total = np.where(keep, lags, 0.0).sum(axis=1)
        count = keep.sum(axis=1)
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)

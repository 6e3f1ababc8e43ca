"""Average handle time (seconds) per channel and interval.

AHT = profile[weekday, slot] x recent level x event effect, where
- the profile is the volume-weighted mean handle time of each weekly slot over the whole
  history (event days left out), falling back to the slot's mean over all weekdays and
  then to the channel mean where a slot has no handled contacts;
- the recent level is the ratio of the last four weeks' actual to profiled handle time;
- the event effect is, per event kind and channel, the mean ratio of actual to profiled
  handle time on past event days (e.g. migrations bring longer calls); events shorter
  than a day (outages) act on their own intervals only.
A channel whose history has no handle times gets NaN (nothing to learn from).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.forecast.models import day_and_slot, event_days, local_clock

RECENT_DAYS = 28


def event_hits(events: pd.DataFrame, channel: str, stamps: pd.Series) -> dict[str, np.ndarray]:
    """Per event kind, which `stamps` (tz-aware interval starts) it covers on `channel`:
    every interval of its days, or for an event shorter than a day (key "kind (hours)")
    only the intervals inside [start, end)."""
    hits: dict[str, np.ndarray] = {}
    day = local_clock(stamps).dt.normalize()
    for ev in events.itertuples():
        if channel not in ev.channels and "*" not in ev.channels:
            continue
        if ev.end - ev.start < pd.Timedelta(days=1):
            key, hit = f"{ev.kind} (hours)", ((stamps >= ev.start) & (stamps < ev.end)).to_numpy()
        else:
            key, hit = str(ev.kind), day.isin(event_days(events.loc[[ev.Index]], channel)).to_numpy()
        hits[key] = hits.get(key, np.zeros(len(stamps), dtype=bool)) | hit
    return hits


class AhtModel:
    """Fit on the history frame and events; `predict(index)` adds `aht_seconds`."""

    def fit(self, history: pd.DataFrame, events: pd.DataFrame, *, interval_minutes: int,
            timezone: str) -> AhtModel:
        self.interval_minutes = interval_minutes
        self.events = events
        self._fits: dict[str, tuple[np.ndarray, float, dict[str, float]]] = {}
        for channel, rows in history.groupby("channel", sort=True):
            channel = str(channel)
            rows = rows[rows["aht_seconds"].notna() & (rows["volume"] > 0)]
            if rows.empty:
                continue
            day, slot = day_and_slot(rows["interval_start"], interval_minutes)
            weekday = day.dt.day_of_week.to_numpy()
            vol = rows["volume"].to_numpy(dtype=float)
            work = vol * rows["aht_seconds"].to_numpy(dtype=float)
            clean = ~day.isin(event_days(events, channel)).to_numpy()
            if not clean.any():
                clean[:] = True
            profile = self._profile(weekday[clean], slot[clean], vol[clean], work[clean])
            expected = profile[weekday, slot]
            recent = (day >= day.max() - pd.Timedelta(days=RECENT_DAYS)).to_numpy() & clean
            level = work[recent].sum() / max((vol * expected)[recent].sum(), 1e-9) if recent.any() else 1.0
            effects = {}
            for key, hit in event_hits(events, channel, rows["interval_start"]).items():
                if hit.any():
                    effects[key] = work[hit].sum() / max((vol * expected)[hit].sum(), 1e-9)
            self._fits[channel] = (profile, float(level), effects)
        return self

    def _profile(self, weekday, slot, vol, work) -> np.ndarray:
        slots = 24 * 60 // self.interval_minutes
        v = np.zeros((7, slots))
        w = np.zeros((7, slots))
        np.add.at(v, (weekday, slot), vol)
        np.add.at(w, (weekday, slot), work)
        overall = w.sum() / max(v.sum(), 1e-9)
        by_slot = np.where(v.sum(axis=0) > 0, w.sum(axis=0) / np.maximum(v.sum(axis=0), 1e-9), overall)
        return np.where(v > 0, w / np.maximum(v, 1e-9), by_slot[None, :])

    def predict(self, index: pd.DataFrame) -> np.ndarray:
        """AHT (seconds) for each row of `index` (channel, interval_start); NaN if unknown."""
        out = np.full(len(index), np.nan)
        index = index.reset_index(drop=True)
        for channel, rows in index.groupby("channel", sort=False):
            if channel not in self._fits:
                continue
            profile, level, effects = self._fits[str(channel)]
            day, slot = day_and_slot(rows["interval_start"], self.interval_minutes)
            aht = profile[day.dt.day_of_week.to_numpy(), slot] * level
            for key, hit in event_hits(self.events, str(channel), rows["interval_start"]).items():
                if key in effects:
                    aht = np.where(hit, aht * effects[key], aht)
            out[rows.index] = aht
        return out

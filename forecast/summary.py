"""A per-channel summary of a validated history, for the CLI and notebooks."""

from __future__ import annotations

import pandas as pd

from staffcast.forecast.data import History


def history_summary(history: History, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per channel: intervals, first and last interval, total volume, mean daily
    volume, the peak interval and its volume, open hours per week, and past/future events."""
    rows = []
    frame = history.frame
    last_seen = frame["interval_start"].max()
    for channel, part in frame.groupby("channel", sort=True):
        peak = part.loc[part["volume"].idxmax()]
        days = part["interval_start"].dt.date.nunique()
        open_slots = int(history.open_hours.table[channel].sum())
        row = {
            "channel": channel,
            "intervals": len(part),
            "first": part["interval_start"].min(),
            "last": part["interval_start"].max(),
            "volume": float(part["volume"].sum()),
            "volume_per_day": float(part["volume"].sum()) / max(days, 1),
            "peak_interval": peak["interval_start"],
            "peak_volume": float(peak["volume"]),
            "open_hours_per_week": open_slots * history.interval_minutes / 60,
        }
        if events is not None:
            mine = [channel in c or "*" in c for c in events["channels"]]
            hits = events[pd.Series(mine, index=events.index, dtype=bool)]  # bool even when empty
            row["past_events"] = int((hits["start"] <= last_seen).sum())
            row["future_events"] = int((hits["start"] > last_seen).sum())
        rows.append(row)
    return pd.DataFrame(rows)

"""Plot history and forecast with the 80% band, event waves shaded and labelled."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

HISTORY_DAYS = 28  # days of history shown before the forecast


def plot_forecast(history_frame: pd.DataFrame, forecast_frame: pd.DataFrame, events: pd.DataFrame | None = None,
                  channel: str | None = None, ax=None) -> Figure:
    """Contacts per interval for one channel (default: the first in the forecast): the last
    four weeks of history (solid black), the forecast (dashed) with its 80% band (grey),
    and events shaded (hatched) and labelled. Greyscale-safe; returns the Figure."""
    if channel is None:
        channel = str(sorted(forecast_frame["channel"].unique())[0])
    fc = forecast_frame[forecast_frame["channel"] == channel].sort_values("interval_start")
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 4.5), layout="constrained")
    else:
        fig = ax.figure
    start = fc["interval_start"].min() if len(fc) else history_frame["interval_start"].max()
    hist = history_frame[(history_frame["channel"] == channel)
                         & (history_frame["interval_start"] >= start - pd.Timedelta(days=HISTORY_DAYS))]
    hist = hist.sort_values("interval_start")
    interval = _interval_minutes(forecast_frame, history_frame)
    hist, fc = _break_gaps(hist, interval), _break_gaps(fc, interval)
    ax.plot(hist["interval_start"], hist["volume"], color="black", lw=0.7, label="history")
    ax.fill_between(fc["interval_start"], fc["volume_lo"], fc["volume_hi"], color="0.75", lw=0,
                    label="80% prediction interval")
    ax.plot(fc["interval_start"], fc["volume"], color="0.25", lw=1.0, ls="--", label="forecast")
    lo = hist["interval_start"].min() if len(hist) else start
    hi = fc["interval_start"].max() if len(fc) else start
    top = max(fc["volume_hi"].max() if len(fc) else 0, hist["volume"].max() if len(hist) else 0) or 1
    shaded, labels = False, 0
    for ev in (events.itertuples() if events is not None else []):
        if (channel not in ev.channels and "*" not in ev.channels) or ev.end < lo or ev.start > hi:
            continue
        ax.axvspan(max(ev.start, lo), min(ev.end, hi), facecolor="none", edgecolor="0.45", hatch="///", lw=0.5,
                   label=None if shaded else "event")
        shaded = True
        size = "" if pd.isna(ev.size) else f" ({ev.size:,.0f})"
        ax.text(max(ev.start, lo), top * (1.02 + 0.07 * (labels % 2)), f" {ev.name}{size}", fontsize=7,
                va="bottom", ha="left", color="black", clip_on=True)
        labels += 1
    model = ", ".join(sorted(fc["model"].unique())) if "model" in fc and len(fc) else "?"
    ax.set_ylim(0, top * 1.2)
    ax.set_title(f"{channel}: contacts per {interval}-minute interval, history and forecast (model {model})")
    ax.set_ylabel(f"contacts per {interval} min")
    ax.set_xlabel(f"local time ({fc['interval_start'].dt.tz if len(fc) else ''})")
    ax.legend(loc="upper left", fontsize=8, ncols=4)
    ax.grid(True, color="0.9", lw=0.5)
    return fig


def plot_forecast_panels(history_frame: pd.DataFrame, forecast_frame: pd.DataFrame,
                         events: pd.DataFrame | None = None) -> Figure:
    """`plot_forecast` for every channel of the forecast, one panel each, in one Figure."""
    channels = sorted(forecast_frame["channel"].unique())
    fig, axes = plt.subplots(len(channels), 1, figsize=(12, 3.6 * len(channels)), layout="constrained",
                             squeeze=False)
    for ax, channel in zip(axes[:, 0], channels, strict=True):
        plot_forecast(history_frame, forecast_frame, events, channel=channel, ax=ax)
    return fig


def _break_gaps(frame: pd.DataFrame, interval: int) -> pd.DataFrame:
    """Insert an empty row after each gap (closed hours) so lines do not bridge it."""
    if frame.empty:
        return frame
    stamps = frame["interval_start"]
    gap = stamps.diff() > pd.Timedelta(minutes=interval)
    if not gap.any():
        return frame
    fillers = frame.loc[gap.to_numpy()].copy()
    fillers["interval_start"] = stamps[gap.to_numpy()] - pd.Timedelta(minutes=interval)
    for column in fillers.columns:
        if column not in ("interval_start", "channel", "model"):
            fillers[column] = float("nan")
    return pd.concat([frame, fillers]).sort_values("interval_start", kind="stable")


def _interval_minutes(*frames: pd.DataFrame) -> int:
    for frame in frames:
        stamps = frame["interval_start"].drop_duplicates().sort_values()
        if len(stamps) > 1:
            return int(stamps.diff().dropna().min() / pd.Timedelta(minutes=1))
    return 30

"""Plots of an intraday re-plan (matplotlib; each function returns a Figure): today's
actuals against the forecast and the plan so far, and the rest of the day's projected
service before and after. Styles follow `plots.py`: titled, units on the axes, lines told
apart by style as well as colour, times in the planning timezone of the frames.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from staffcast.scheduler.outputs.plots import _SCHEDULED, PlannerFigure, _num, _regular, _with_planner_fonts
from staffcast.scheduler.roster.results.view import as_local_times


def _day(frame: pd.DataFrame, now: pd.Timestamp, timezone: str | None) -> pd.DataFrame:
    frame = frame.copy()
    frame["interval_start"] = as_local_times(frame["interval_start"], timezone)
    start = now.tz_convert(frame["interval_start"].dt.tz).normalize()
    return frame[(frame["interval_start"] >= start) & (frame["interval_start"] < start + pd.Timedelta(days=1))]


def _day_axis(ax, now: pd.Timestamp, tz) -> None:
    """Hours of `now`'s day on the x axis, `now` as a vertical line."""
    start = now.tz_convert(tz).normalize()
    ax.set_xlim(_num(start), _num(start + pd.Timedelta(days=1)))
    ax.xaxis.set_major_locator(mdates.HourLocator(byhour=range(0, 24, 3), tz=tz))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=tz))
    ax.axvline(_num(now.tz_convert(tz)), color="0.3", linestyle=":", linewidth=1.2)


@_with_planner_fonts
def plot_intraday_day(forecast: pd.DataFrame, reforecast: pd.DataFrame, plan_coverage: pd.DataFrame,
                      coverage: pd.DataFrame, now: pd.Timestamp, *, timezone: str | None = None) -> Figure:
    """Per channel, `now`'s day: left, contacts per interval (the plan's forecast dashed,
    the actuals so far solid with markers: the `reforecast` rows with `model` = `actual`,
    the reforecast of the rest of the day dash-dotted); right, staff on shift (agents): the
    plan's requirement dashed, the updated requirement dash-dotted, the plan's scheduled
    thin and the re-plan's scheduled thick. A dotted vertical line marks `now`."""
    plan_f, new_f = _day(forecast, now, timezone), _day(reforecast, now, timezone)
    plan_c, new_c = _day(plan_coverage, now, timezone), _day(coverage, now, timezone)
    channels = list(dict.fromkeys(plan_f["channel"]))
    tz = plan_f["interval_start"].dt.tz
    fig = PlannerFigure(figsize=(13, 2.6 * len(channels) + 0.9), layout="constrained")
    axes = fig.subplots(len(channels), 2, squeeze=False)
    for row, name in zip(axes, channels, strict=True):
        ax = row[0]
        part = _regular(plan_f[plan_f["channel"] == name], ["volume"])
        ax.step(part.index, part["volume"], where="post", color="black", linestyle="--", linewidth=1.1,
                label="forecast (plan)")
        mine = new_f[new_f["channel"] == name]
        seen = _regular(mine[mine["model"] == "actual"], ["volume"])
        ax.step(seen.index, seen["volume"], where="post", color="#c0392b", linewidth=1.6, marker="o",
                markersize=2.5, label="actual so far")
        rest = _regular(mine[mine["interval_start"] >= now], ["volume"])
        ax.step(rest.index, rest["volume"], where="post", color=_SCHEDULED, linestyle="-.", linewidth=1.4,
                label="reforecast")
        observed = mine["model"] == "actual"
        same = plan_f[plan_f["channel"] == name].set_index("interval_start")["volume"]
        actual = float(mine.loc[observed, "volume"].sum())
        planned = float(same.reindex(mine.loc[observed, "interval_start"]).sum())
        change = f" ({actual / planned - 1:+.0%})" if planned > 0 else ""
        ax.set_title(f"{name}: {actual:,.0f} contacts so far against {planned:,.0f} forecast{change}",
                     loc="left", fontsize=10)
        ax.set_ylabel("contacts per interval")
        ax.set_ylim(bottom=0)
        _day_axis(ax, now, tz)
        ax = row[1]
        before = _regular(plan_c[plan_c["channel"] == name], ["required", "scheduled"])
        after = _regular(new_c[new_c["channel"] == name], ["required", "scheduled"])
        ax.step(before.index, before["required"], where="post", color="black", linestyle="--", linewidth=1.1,
                label="required (plan)")
        ax.step(after.index, after["required"], where="post", color="#c0392b", linestyle="-.", linewidth=1.2,
                label="required (updated)")
        ax.step(before.index, before["scheduled"], where="post", color="0.55", linewidth=1.0,
                label="scheduled (plan)")
        ax.step(after.index, after["scheduled"], where="post", color=_SCHEDULED, linewidth=2.0,
                label="scheduled (re-plan)")
        ax.set_title(f"{name}: staff on shift", loc="left", fontsize=10)
        ax.set_ylabel("staff (agents)")
        ax.set_ylim(bottom=0)
        _day_axis(ax, now, tz)
    for ax in axes[0]:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.08), ncols=2, fontsize=8, frameon=False,
                  borderaxespad=0.1)
    for ax in axes[-1]:
        ax.set_xlabel(f"interval start (local time, {tz})")
    fig.suptitle(f"Today so far and the re-plan ({now:%a %d %b %H:%M})", fontsize=13, fontweight="bold")
    return fig


@_with_planner_fonts
def plot_intraday_service(before: pd.DataFrame, after: pd.DataFrame, now: pd.Timestamp,
                          targets: Mapping[str, float], *, timezone: str | None = None) -> Figure:
    """Per channel, the simulated service level (%) of the rest of `now`'s day under the
    plan (dashed) and after the re-plan (solid), the target as a dotted line; `before` and
    `after` are simulation frames (`sim_service_level`)."""
    b, a = _day(before, now, timezone), _day(after, now, timezone)
    channels = [c for c in dict.fromkeys(b["channel"]) if b.loc[b["channel"] == c, "sim_service_level"].notna().any()]
    tz = b["interval_start"].dt.tz
    fig = PlannerFigure(figsize=(12, 2.3 * max(len(channels), 1) + 0.9), layout="constrained")
    axes = fig.subplots(max(len(channels), 1), 1, squeeze=False)[:, 0]
    for ax, name in zip(axes, channels, strict=False):
        for frame, style, label in ((b, dict(color="black", linestyle="--", linewidth=1.2), "plan"),
                                    (a, dict(color=_SCHEDULED, linewidth=1.8), "after re-plan")):
            part = _regular(frame[frame["channel"] == name], ["sim_service_level"])
            ax.step(part.index, 100 * part["sim_service_level"], where="post", label=label, **style)
        target = targets.get(name)
        if target is not None:
            ax.axhline(100 * target, color="0.4", linestyle=":", linewidth=1.0, label=f"target {target:.0%}")
        mean_b = np.nanmean(b.loc[b["channel"] == name, "sim_service_level"])
        mean_a = np.nanmean(a.loc[a["channel"] == name, "sim_service_level"])
        ax.set_title(f"{name}: interval mean, rest of the day, {mean_b:.0%} -> {mean_a:.0%}", loc="left", fontsize=10)
        ax.set_ylabel("service level (%)")
        ax.set_ylim(0, 102)
        _day_axis(ax, now, tz)
        ax.legend(loc="lower left", fontsize=8, frameon=False, ncols=3)
    axes[-1].set_xlabel(f"interval start (local time, {tz})")
    fig.suptitle("Projected service level, rest of today (simulated)", fontsize=13, fontweight="bold")
    return fig

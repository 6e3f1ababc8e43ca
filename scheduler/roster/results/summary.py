"""Headline readings of a coverage or simulation frame: which intervals meet their
channel's target, and the share of them per channel, for the CLI, the report and the
notebooks alike.

The shortfall report in words lives in `results.shortfall` (it can name the binding rule).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig


def _ordered(channels, config: PlanningConfig) -> list[str]:
    present = list(dict.fromkeys(channels))
    return [c for c in config.channel_names if c in present] + sorted(set(present) - set(config.channel_names))


def interval_targets(frame: pd.DataFrame, config: PlanningConfig) -> pd.DataFrame:
    """Per row of a coverage or simulation frame: is it `counted`, and does it `meet` the
    channel's target?

    Counted: the channel is open at that time of day (its `open_hours`), on a date of
    the planning week, and there is something to judge - staffing (`required` and
    `scheduled` columns) or a service level (`sim_service_level` of a simulation frame,
    else `service_level`). Meets target: scheduled staff at or above required, where the
    frame has staffing, and the service level at or above the target, where one is
    defined (NaN: no contacts). A queue channel's target is its `service_level`; a
    deferred channel's is every contact answered within `response_hours` (level 1).
    Rows of channels the config does not name are never counted.
    """
    column = "sim_service_level" if "sim_service_level" in frame.columns else "service_level"
    staffed = {"required", "scheduled"} <= set(frame.columns)
    stamps = pd.DatetimeIndex(frame["interval_start"])
    minutes = np.asarray(stamps.hour * 60 + stamps.minute)
    in_week = np.isin(np.asarray(stamps.date), np.asarray(config.week_dates))
    counted = np.zeros(len(frame), dtype=bool)
    meets = np.zeros(len(frame), dtype=bool)
    names = frame["channel"].to_numpy()
    level = frame[column].to_numpy(dtype=float) if column in frame.columns else np.full(len(frame), np.nan)
    for spec in config.channels:
        rows = names == spec.name
        is_open = np.array([spec.is_open_at(int(m)) for m in minutes[rows]], dtype=bool)
        judged = np.ones(int(rows.sum()), dtype=bool) if staffed else ~np.isnan(level[rows])
        counted[rows] = is_open & in_week[rows] & judged
        target = spec.service_level if spec.kind == "queue" else 1.0
        ok = np.isnan(level[rows]) | (level[rows] >= target - 1e-9)
        if staffed:
            ok &= frame["scheduled"].to_numpy()[rows] >= frame["required"].to_numpy()[rows]
        meets[rows] = ok
    return pd.DataFrame({"channel": names, "interval_start": frame["interval_start"].to_numpy(),
                         "counted": counted, "meets": meets & counted})


def target_share(frame: pd.DataFrame, config: PlanningConfig) -> dict[str, float]:
    """Share (0..1) of each channel's counted intervals that meet its target
    (`interval_targets`); channels with no counted interval are left out."""
    judged = interval_targets(frame, config)
    judged = judged[judged["counted"]]
    means = judged.groupby("channel", sort=False)["meets"].mean()
    return {c: float(means[c]) for c in _ordered(judged["channel"], config)}


def coverage_summary(coverage: pd.DataFrame, config: PlanningConfig) -> pd.DataFrame:
    """Per channel of the config: counted (open) intervals of the week, the share of them
    meeting the target (`target_share`) and the under-covered agent-hours (missing
    agents times interval hours, over the whole frame)."""
    hours = config.interval_minutes / 60.0
    counted = interval_targets(coverage, config).groupby("channel")["counted"].sum()
    shares = target_share(coverage, config)
    short = (coverage["required"] - coverage["scheduled"]).clip(lower=0).groupby(coverage["channel"]).sum()
    return pd.DataFrame([{"channel": spec.name, "open_intervals": int(counted.get(spec.name, 0)),
                          "share_meeting_target": shares.get(spec.name, float("nan")),
                          "under_agent_hours": float(short.get(spec.name, 0) * hours)}
                         for spec in config.channels])

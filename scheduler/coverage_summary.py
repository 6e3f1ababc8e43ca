"""Headline readings of a coverage (or simulation) frame for the report and the CLI."""

from __future__ import annotations

import pandas as pd

from scheduler.config import PlanningConfig
from scheduler.roster_view import as_local_times


def _ordered(channels, config: PlanningConfig | None) -> list[str]:
    present = list(dict.fromkeys(channels))
    if config is None:
        return sorted(present)
    return [c for c in config.channel_names if c in present] + sorted(
        set(present) - set(config.channel_names))


def shortfall_stretches(coverage: pd.DataFrame, *, interval_minutes: int | None = None,
                        timezone: str | None = None) -> pd.DataFrame:
    """Consecutive intervals where scheduled staff is below required, one row per stretch:
    `channel`, `start`, `end` (exclusive, local time), `intervals`, `max_short` (agents)
    and `agent_intervals` (sum of missing agents over the stretch)."""
    frame = coverage.copy()
    frame["interval_start"] = as_local_times(frame["interval_start"], timezone)
    frame = frame.sort_values(["channel", "interval_start"])
    rows = []
    for channel, part in frame.groupby("channel", sort=False):
        step = pd.Timedelta(minutes=interval_minutes) if interval_minutes else (
            part["interval_start"].diff().dropna().min() if len(part) > 1 else pd.Timedelta(minutes=30))
        short = part[part["scheduled"] < part["required"]]
        if short.empty:
            continue
        gap = (short["required"] - short["scheduled"]).to_numpy()
        starts = short["interval_start"].reset_index(drop=True)
        stretch_id = starts.diff().ne(step).cumsum().to_numpy()
        for sid in dict.fromkeys(stretch_id):
            mask = stretch_id == sid
            start = starts[mask].iloc[0]
            rows.append({"channel": channel, "start": start, "end": start + step * int(mask.sum()),
                         "intervals": int(mask.sum()), "max_short": int(gap[mask].max()),
                         "agent_intervals": int(gap[mask].sum())})
    columns = ["channel", "start", "end", "intervals", "max_short", "agent_intervals"]
    return pd.DataFrame(rows, columns=columns)


def shortfall_report(coverage: pd.DataFrame, config: PlanningConfig | None = None, *,
                     limit: int = 40) -> list[str]:
    """One line per understaffed stretch, e.g. ``voice Mon 07 Dec 09:00-10:30: 3 intervals,
    up to 2 agents short, 2 agent-hours missing``, channels in config order then by time. At
    most `limit` lines; a last line counts the stretches left out."""
    stretches = shortfall_stretches(
        coverage, interval_minutes=config.interval_minutes if config else None,
        timezone=config.timezone if config else None)
    order = {c: i for i, c in enumerate(_ordered(stretches["channel"], config))}
    stretches = stretches.assign(rank=stretches["channel"].map(order)).sort_values(["rank", "start"])
    lines = []
    for s in stretches.itertuples():
        start, end = pd.Timestamp(s.start), pd.Timestamp(s.end)
        next_day = "+1" if end.date() != start.date() and (end.hour, end.minute) != (0, 0) else ""
        plural = "s" if s.intervals != 1 else ""
        hours = s.agent_intervals * (end - start).total_seconds() / 3600 / s.intervals
        lines.append(f"{s.channel} {start:%a %d %b %H:%M}-{end:%H:%M}{next_day}: {s.intervals} interval{plural}, "
                     f"up to {s.max_short} agent{'s' if s.max_short != 1 else ''} short, "
                     f"{hours:g} agent-hours missing")
    if len(lines) > limit:
        rest = len(lines) - limit
        lines = lines[:limit] + [f"... and {rest} more understaffed stretch{'es' if rest != 1 else ''}"]
    return lines


def target_share(frame: pd.DataFrame, config: PlanningConfig) -> dict[str, float]:
    """Share (0..1) of a channel's intervals that meet its target, per channel.

    Reads `sim_service_level` (simulation frame) or `service_level` (coverage frame): a
    queue channel's interval meets target at or above the channel's `service_level`; a
    deferred channel's when every contact is answered within `response_hours` (service
    level 1). Counted over intervals with a value (and, in a coverage frame, a requirement
    above zero). Without a service-level column: scheduled staff at or above required."""
    column = "sim_service_level" if "sim_service_level" in frame.columns else "service_level"
    shares: dict[str, float] = {}
    for channel in _ordered(frame["channel"], config):
        part = frame[frame["channel"] == channel]
        if "required" in part.columns:
            part = part[part["required"] > 0]
        try:
            spec = config.channel(channel)
        except KeyError:
            continue
        if column in part.columns:
            values = part[column].dropna()
            target = spec.service_level if spec.kind == "queue" else 1.0
            if len(values):
                shares[channel] = float((values >= target - 1e-9).mean())
        elif {"required", "scheduled"} <= set(part.columns) and len(part):
            shares[channel] = float((part["scheduled"] >= part["required"]).mean())
    return shares

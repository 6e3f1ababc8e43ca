"""Headline readings of a coverage or simulation frame for the report and the CLI.

The shortfall report in words lives in `staffcast.scheduler.roster.results.shortfall` (it can name the binding rule)."""

from __future__ import annotations

import pandas as pd

from staffcast.config import PlanningConfig


def _ordered(channels, config: PlanningConfig | None) -> list[str]:
    present = list(dict.fromkeys(channels))
    if config is None:
        return sorted(present)
    return [c for c in config.channel_names if c in present] + sorted(
        set(present) - set(config.channel_names))


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

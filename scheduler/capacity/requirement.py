"""The weekly FTE requirement per skill group from a requirements frame.

A channel's staff-hours of a week are sum(staff x interval hours) over its intervals whose
local date falls in that Monday week. They are shared among the skill groups with agents
working the channel, in proportion to each group's heads today able to work it (so the
split follows the current workforce); a group's FTE requirement is its staff-hours /
`productive_hours_per_fte_week`. A channel no agent covers goes to a group of its own name.
"""

from __future__ import annotations

import pandas as pd

from staffcast.config import PlanningConfig


def weekly_fte(requirements: pd.DataFrame, config: PlanningConfig,
               channel_heads: dict[str, dict[str, float]]) -> pd.DataFrame:
    """`week_start`, `skill`, `fte_required` for every week and skill group of
    `channel_heads` (per group, its heads today able to work each channel:
    `inputs.channel_heads_by_skill`)."""
    local = requirements["interval_start"].dt.tz_convert(config.timezone).dt.tz_localize(None)
    day = local.dt.normalize()
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    hours = requirements.assign(week_start=week, staff_hours=requirements["staff"] * config.interval_minutes / 60)
    by_channel = hours.groupby(["week_start", "channel"])["staff_hours"].sum().unstack(fill_value=0.0)
    groups = {g: dict(by) for g, by in channel_heads.items()}
    for channel in by_channel.columns:
        if not any(by.get(channel, 0) > 0 for by in groups.values()):
            groups.setdefault(channel, {})[channel] = 1.0
    fte = pd.DataFrame(0.0, index=by_channel.index, columns=list(groups))
    for channel in by_channel.columns:
        covering = {g: by[channel] for g, by in groups.items() if by.get(channel, 0) > 0}
        total = sum(covering.values())
        for g, h in covering.items():
            fte[g] += by_channel[channel] * h / total
    fte = fte / config.capacity.productive_hours_per_fte_week
    long = fte.stack().rename("fte_required").reset_index().rename(columns={"level_1": "skill"})
    long.columns = ["week_start", "skill", "fte_required"]
    return long.sort_values(["skill", "week_start"], kind="stable").reset_index(drop=True)

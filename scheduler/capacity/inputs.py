"""The capacity planner's inputs: a weekly requirement file and today's heads per skill group.

An agent's skill group is its `skill` when the agents file has that column; otherwise its
channel set, named by its channels `;`-joined in the config's order (`voice;chat`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError, describe
from staffcast.frame_io import read_frame

COLUMNS = ("week_start", "skill", "fte_required")


def skill_name(channels: Iterable[str], config: PlanningConfig) -> str:
    """The group name of a channel set: its channels `;`-joined in the config's order."""
    chosen = set(channels)
    return ";".join(c for c in config.channel_names if c in chosen)


def skill_group(agent, config: PlanningConfig) -> str:
    """An agent's skill group: its `skill` column, else the name of its channel set."""
    return agent.skill or skill_name(agent.channels, config)


def heads_by_skill(agents, config: PlanningConfig) -> dict[str, float]:
    """Heads on payroll today per skill group (one head per agent of the agents file)."""
    return dict(Counter(skill_group(a, config) for a in agents))


def channel_heads_by_skill(agents, config: PlanningConfig) -> dict[str, dict[str, float]]:
    """Per skill group, its heads today able to work each channel (channels no agent of
    the group works are left out)."""
    out: dict[str, dict[str, float]] = {}
    for agent in agents:
        group = out.setdefault(skill_group(agent, config), {})
        for channel in agent.channels:
            group[channel] = group.get(channel, 0.0) + 1.0
    return out


def _skill(path: Path, text: str, row: int, config: PlanningConfig, groups: Collection[str] | None) -> str:
    if groups is not None:
        name = str(text).strip()
        if name not in groups:
            raise InputError(path, f"expected a skill group of the agents file's skill column "
                             f"({', '.join(sorted(groups))}), got {describe(text)}", row=row, column="skill")
        return name
    parts = [p.strip() for p in str(text).split(";") if p.strip()]
    unknown = [p for p in parts if p not in config.channel_names]
    if not parts or unknown:
        raise InputError(path, f"expected channels of the config ({', '.join(config.channel_names)}) "
                         f"joined by ';', got {describe(text)}", row=row, column="skill")
    return skill_name(parts, config)


def load_weekly_requirements(path: str | Path, config: PlanningConfig,
                             groups: Collection[str] | None = None) -> pd.DataFrame:
    """Read `week_start, skill, fte_required` (CSV or Parquet): Mondays, consecutive and the
    same weeks for every skill group, fte_required >= 0. `skill` is a channel set of the
    config, or, given `groups` (the agents file's `skill` column), one of those names.
    One-line errors name the row."""
    path = Path(path)
    frame, first = read_frame(path)
    for column in COLUMNS:
        if column not in frame.columns:
            raise InputError(path, f"missing column {column!r}; expected {', '.join(COLUMNS)}", row=1)
    extra = [c for c in frame.columns if c not in COLUMNS]
    if extra:
        raise InputError(path, f"unknown column; expected {', '.join(COLUMNS)}", row=1, column=extra[0])
    if frame.empty:
        raise InputError(path, "no weeks; expected one row per week and skill group", row=first)
    weeks, skills, need = [], [], []
    for i, rec in enumerate(frame.itertuples(index=False)):
        row = first + i
        try:
            day = dt.date.fromisoformat(str(rec.week_start).strip()[:10])
        except ValueError:
            day = None
        if day is None or day.weekday() != 0:
            raise InputError(path, f"expected the date of a Monday (YYYY-MM-DD), got {describe(rec.week_start)}",
                             row=row, column="week_start")
        try:
            value = float(rec.fte_required)
        except (TypeError, ValueError):
            value = float("nan")
        if not np.isfinite(value) or value < 0:
            raise InputError(path, f"expected FTE >= 0, got {describe(rec.fte_required)}", row=row,
                             column="fte_required")
        weeks.append(pd.Timestamp(day))
        skills.append(_skill(path, rec.skill, row, config, groups))
        need.append(value)
    out = pd.DataFrame({"week_start": weeks, "skill": skills, "fte_required": need})
    dup = out.duplicated(["week_start", "skill"])
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise InputError(path, f"week {weeks[i]:%Y-%m-%d} of skill {skills[i]!r} is listed twice", row=first + i)
    span = pd.date_range(out["week_start"].min(), out["week_start"].max(), freq="7D")
    for skill, part in out.groupby("skill", sort=False):
        missing = span.difference(pd.DatetimeIndex(part["week_start"]))
        if len(missing):
            raise InputError(path, f"skill {skill!r} has no row for week {missing[0]:%Y-%m-%d}; every skill "
                             "group needs every week from the first to the last", column="week_start")
    return out.sort_values(["skill", "week_start"], kind="stable").reset_index(drop=True)

"""The capacity planner's inputs: a weekly requirement file and today's heads per skill group.

A skill group is a set of channels, named by its channels `;`-joined in the config's order
(`voice;chat`); every agent belongs to the group of its channel set.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
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


def heads_by_skill(agents, config: PlanningConfig) -> dict[str, float]:
    """Heads on payroll today per skill group (one head per agent of the agents file)."""
    return dict(Counter(skill_name(a.channels, config) for a in agents))


def _skill(path: Path, text: str, row: int, config: PlanningConfig) -> str:
    parts = [p.strip() for p in str(text).split(";") if p.strip()]
    unknown = [p for p in parts if p not in config.channel_names]
    if not parts or unknown:
        raise InputError(path, f"expected channels of the config ({', '.join(config.channel_names)}) "
                         f"joined by ';', got {describe(text)}", row=row, column="skill")
    return skill_name(parts, config)


def load_weekly_requirements(path: str | Path, config: PlanningConfig) -> pd.DataFrame:
    """Read `week_start, skill, fte_required` (CSV or Parquet): Mondays, consecutive and the
    same weeks for every skill group, fte_required >= 0. One-line errors name the row."""
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
        skills.append(_skill(path, rec.skill, row, config))
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

"""A small many-queue case: a planning config naming a queues table, and generated history.

`write_queue_case(folder, queues=4, weeks=6)` writes `planning.toml` (the shared BASE's
planning, shifts and rules; `[queues] file = "queues.csv"` and `[channel_defaults]`),
`queues.csv` (one row per queue: queue channels with different targets and a deferred
one) and `history.parquet` (hourly volumes with a daily and weekly shape, a Poisson draw
from a fixed seed, a different level per queue; Sundays closed on one queue), and returns
the three paths.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from planning_config import BASE, render

DEFAULTS = {"kind": "queue", "service_level": 0.8, "answer_seconds": 20, "shrinkage": 0.3,
            "open_hours": "08:00-20:00"}
HISTORY_END = dt.date(2026, 12, 6)  # the Sunday before BASE's week_start


def queue_rows(queues: int) -> pd.DataFrame:
    """Queue names with some keys set per row (empty cells take [channel_defaults])."""
    rows = []
    for i in range(queues):
        row = {"name": f"q{i:03d}", "kind": "", "service_level": "",
               "answer_seconds": "", "response_hours": "", "concurrency": ""}
        if i % 4 == 1:
            row.update(service_level="0.9", answer_seconds="30")
        if i % 4 == 2:
            row.update(concurrency="2")
        if i % 4 == 3:
            row.update(kind="deferred", response_hours="4")
        rows.append(row)
    return pd.DataFrame(rows)


def queue_config_text(defaults: dict | None = None, file: str = "queues.csv") -> str:
    """BASE without its [[channel]] tables, with [queues] and [channel_defaults]."""
    doc = tomllib.loads(BASE)
    doc.pop("channel")
    text = render(doc)
    lines = ["[queues]", f'file = "{file}"', "", "[channel_defaults]"]
    for key, value in (DEFAULTS if defaults is None else defaults).items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    return text + "\n" + "\n".join(lines) + "\n"


def queue_history(names: list[str], *, weeks: int, seed: int = 7, timezone: str = "Asia/Shanghai") -> pd.DataFrame:
    """Hourly history frame for `names`, open 08:00-20:00, ending HISTORY_END."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(HISTORY_END - dt.timedelta(days=7 * weeks - 1), tz=timezone)
    grid = pd.date_range(start, pd.Timestamp(HISTORY_END + dt.timedelta(days=1), tz=timezone), freq="60min",
                         inclusive="left")
    grid = grid[(grid.hour >= 8) & (grid.hour < 20)]
    parts = []
    for i, name in enumerate(names):
        stamps = grid[grid.day_of_week != 6] if i % 5 == 4 else grid
        hour = stamps.hour.to_numpy()
        day = np.where(stamps.day_of_week.to_numpy() >= 5, 0.6, 1.0)
        rate = (5 + 3 * i) * day * (1 + 0.6 * np.sin((hour - 8) / 12 * np.pi))
        volume = rng.poisson(rate).astype(float)
        aht = np.where(volume > 0, rng.normal(300 + 10 * i, 20, len(stamps)).round(1), np.nan)
        parts.append(pd.DataFrame({"channel": name, "interval_start": stamps, "volume": volume,
                                   "aht_seconds": aht}))
    return pd.concat(parts, ignore_index=True)


def write_queue_case(folder: Path, *, queues: int = 4, weeks: int = 6, interval_minutes: int = 60) -> tuple[Path, ...]:
    """planning.toml, queues.csv and history.parquet of the case in `folder`."""
    folder = Path(folder)
    config = folder / "planning.toml"
    text = queue_config_text().replace("interval_minutes = 30", f"interval_minutes = {interval_minutes}")
    config.write_text(text.replace("/30min", f"/{interval_minutes}min"), encoding="utf-8")
    table = queue_rows(queues)
    table.to_csv(folder / "queues.csv", index=False)
    history = folder / "history.parquet"
    queue_history(list(table["name"]), weeks=weeks).to_parquet(history, index=False)
    return config, folder / "queues.csv", history

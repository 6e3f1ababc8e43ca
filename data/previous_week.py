"""Write `previous_roster.csv`: the sample help desk's roster of the week before its
planning week, so the demo plans a real week whose Monday starts with last week's night
shift on duty.

staffcast builds it itself: the actual contacts of that week (from `history.parquet`)
are staffed with the sample config and rostered for the sample agents, as a planner's
last `staffcast run` would have done. Its Sunday night shifts run into the planning
week's Monday, whose early hours are staffed from the same hours a week before (what
that planner's forecast would have had). Run after `generate.py`:
`python data/previous_week.py` (a few minutes; fixed seed, deterministic time budget).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from staffcast.config import load_config
from staffcast.files import write_frame_atomic
from staffcast.forecast.data import load_history
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.staffing.requirements import requirements

TIME_LIMIT_SECONDS = 120


def main(data_dir: Path) -> None:
    """Roster the week before the sample's `week_start` and write it beside the sample."""
    config = load_config(data_dir / "planning.toml")
    week = config.week_start - dt.timedelta(days=7)
    last = dataclasses.replace(config, week_start=week)
    history = load_history(data_dir / "history.parquet", config.timezone, config.interval_minutes).frame
    stamps = history["interval_start"]
    actual = history[(stamps.dt.date >= week) & (stamps.dt.date < config.week_start)].copy()
    early = actual[actual["interval_start"] < actual["interval_start"].min() + pd.Timedelta(hours=12)].copy()
    early["interval_start"] += pd.Timedelta(days=7)  # the next Monday's morning, as last Monday's
    actual = pd.concat([actual, early], ignore_index=True)
    actual["volume_lo"] = actual["volume_hi"] = actual["volume"]
    actual["model"] = "actual"
    needs = requirements(actual, last)
    agents = load_agents(data_dir / "agents.csv", last)
    result = build_roster(needs, agents, last, time_limit_seconds=TIME_LIMIT_SECONDS, lower_bound=False)
    write_frame_atomic(result.roster, data_dir / "previous_roster.csv")
    print(f"{len(result.roster)} shifts for the week of {week}: {result.status}, "
          f"objective {result.objective:,.1f}; {result.week_boundary}")


if __name__ == "__main__":
    main(Path(__file__).parent)

"""Read last week's roster (the roster file a previous `schedule` or `run` wrote) for the
week boundary: its shifts that run into this week, and its ends for the rest rule.

Every mistake becomes a one-line `InputError` naming the file, row and column: an agent
the agents file does not know, a shift that starts inside the week being planned (a
previous roster may only run into it), a malformed time.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError, describe
from staffcast.frame_io import read_frame
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.results.view import roster_shifts


def read_previous_roster(path: str | Path, config: PlanningConfig, agents: tuple[Agent, ...]) -> pd.DataFrame:
    """The previous week's roster frame (agent_id, date, shift_start, shift_end, breaks,
    channels; times tz-aware in the planning timezone), checked against this week."""
    path = Path(path)
    frame, first_row = read_frame(path)
    try:
        shifts = roster_shifts(frame, config.timezone)
    except InputError as exc:  # roster_shifts names the frame "roster"; name the user's file
        row = exc.row if exc.row is None or exc.row == 1 else exc.row + first_row - 2
        raise InputError(path, exc.message, row=row, column=exc.column) from None
    known = {agent.agent_id for agent in agents}
    week_begins = pd.Timestamp(dt.datetime.combine(config.week_start, dt.time())).tz_localize(config.tz)
    for shift in sorted(shifts, key=lambda s: s.row):
        row = shift.row + first_row - 2  # roster_shifts counts a CSV's rows; Parquet has no header row
        if shift.agent_id not in known:
            raise InputError(path, f"agent {describe(shift.agent_id)} is not in the agents file", row=row,
                             column="agent_id")
        if shift.start >= week_begins:
            raise InputError(path, f"shift starts {shift.start:%a %Y-%m-%d %H:%M}, inside the week of "
                             f"{config.week_start} being planned; a previous roster may only run into it",
                             row=row, column="shift_start")
    return pd.DataFrame({
        "agent_id": [s.agent_id for s in shifts], "date": [s.date for s in shifts],
        "shift_start": [s.start for s in shifts], "shift_end": [s.end for s in shifts],
        "breaks": [s.breaks_text for s in shifts], "channels": [";".join(s.channels) for s in shifts],
    }, columns=["agent_id", "date", "shift_start", "shift_end", "breaks", "channels"])

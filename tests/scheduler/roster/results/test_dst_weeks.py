"""Weeks with a clock change (Europe/London and America/New_York, spring and autumn) through
the roster, the independent checker, the roster file read back, simulation and the
exports: shift lengths are hours actually worked, breaks in the repeated hour are exact."""

from __future__ import annotations

import dataclasses
import datetime as dt

import icalendar
import openpyxl
import pandas as pd
import pytest
from roster_cases import agent, config

from staffcast.frame_io import read_frame
from staffcast.scheduler.outputs.calendars import write_calendars, write_csvs, write_roster_xlsx
from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.roster.model.shifts import build_horizon
from staffcast.scheduler.roster.results.checker import check_roster
from staffcast.scheduler.roster.results.view import roster_shifts
from staffcast.scheduler.simulation.frame import simulate_frame

WEEKS = [  # timezone, Monday, hours in the week
    ("Europe/London", dt.date(2026, 10, 19), 169),
    ("Europe/London", dt.date(2026, 3, 23), 167),
    ("America/New_York", dt.date(2026, 10, 26), 169),
    ("America/New_York", dt.date(2026, 3, 2), 167),
]


def dst_config(tz, monday):
    base = config(starts=("23:00", "07:00", "15:00", "01:00", "02:00"), break_minutes=60, seconds=3.0)
    voice = dataclasses.replace(base.channels[0], open_from=dt.time(0), open_until_minutes=24 * 60)
    return dataclasses.replace(base, timezone=tz, week_start=monday, channels=(voice,))


@pytest.mark.parametrize("tz, monday, hours", WEEKS)
def test_dst_week_roster_checker_files_and_simulation(tmp_path, tz, monday, hours):
    cfg = dst_config(tz, monday)
    horizon = build_horizon(cfg)
    assert horizon.week_intervals == 2 * hours
    stamps = horizon.stamps()[:horizon.week_intervals]
    req = pd.DataFrame({"channel": "voice", "interval_start": stamps, "volume": 6.0, "aht_seconds": 240.0,
                        "staff": 1, "agents": 1})
    agents = tuple(agent(f"A{i}", high=40.0) for i in range(6))
    result = build_roster(req, agents, cfg, lower_bound=False)
    assert check_roster(result.roster, agents, cfg, assignments=result.assignments, requirements=req,
                        coverage=result.coverage) == []
    lengths = (result.roster["shift_end"] - result.roster["shift_start"]) / pd.Timedelta(hours=1)
    assert set(lengths) == {8.0}  # hours worked, whatever the clock says
    # a start time the clock skips is never offered; one it shows twice is its first pass
    assert all(s.hour * 60 + s.minute in {23 * 60, 7 * 60, 15 * 60, 60, 120} for s in result.roster["shift_start"])
    # the roster file read back gives the same instants, breaks included (ISO form in a repeated hour)
    write_csvs(tmp_path, roster=result.roster, coverage=result.coverage)
    back, _ = read_frame(tmp_path / "roster.csv")
    assert check_roster(back, agents, cfg) == []
    shifts = roster_shifts(back, tz)
    assert all(b1 - b0 == pd.Timedelta(hours=1) and s.start <= b0 < b1 <= s.end
               for s in shifts for b0, b1 in s.breaks)
    assert sum(s.hours for s in shifts) == pytest.approx(8.0 * len(result.roster))
    # exports: calendars carry the same instants, the workbook one row per interval of each day
    write_calendars(tmp_path, back, cfg, agents=agents, dtstamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    events = [e for a in agents for e in icalendar.Calendar.from_ical(
        (tmp_path / "calendars" / f"{a.agent_id}.ics").read_bytes()).walk("VEVENT")]
    worked = sorted(e.end.astimezone(dt.UTC) - e.start.astimezone(dt.UTC) for e in events)
    assert worked == [dt.timedelta(hours=8)] * len(result.roster)
    write_roster_xlsx(tmp_path / "roster.xlsx", back, result.coverage, agents, cfg)
    book = openpyxl.load_workbook(tmp_path / "roster.xlsx")
    cov_rows = sum(book[name].max_row - 3 for name in book.sheetnames if name.startswith("Cov "))
    assert cov_rows == result.coverage["interval_start"].nunique()
    sim = simulate_frame(result.coverage, cfg, requirements=req, replications=3, seed=1)
    assert len(sim) == len(result.coverage) and sim["sim_service_level"].between(0, 1).all()

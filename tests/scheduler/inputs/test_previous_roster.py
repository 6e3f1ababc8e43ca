"""Last week's roster as an input: read back from the roster file `schedule` writes,
checked against this week (one-line errors), and used by `schedule --previous-roster`."""

from __future__ import annotations

import pandas as pd
import pytest
from planning_config import channel, planning_toml
from roster_cases import demand, stamp
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.files import write_frame_atomic
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.inputs.previous_roster import read_previous_roster

PLANNING = planning_toml(channels=[channel("chat", concurrency=None)],
                         shifts={"lengths_hours": [8], "start_times": ["07:00", "15:00", "23:00"]},
                         solver={"time_limit_seconds": 5, "workers": 1, "seed": 1})
AGENTS = "agent_id,name,channels,min_hours_week,max_hours_week\nA,Ann,chat,0,40\nB,Bo,chat,0,40\n"


def last_week(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"agent_id": a, "date": stamp(day, clock).date(), "shift_start": stamp(day, clock),
                          "shift_end": stamp(day, clock) + pd.Timedelta(hours=8), "breaks": "", "channels": "chat"}
                         for a, day, clock in rows])


@pytest.fixture
def files(tmp_path):
    (tmp_path / "planning.toml").write_text(PLANNING, encoding="utf-8")
    (tmp_path / "agents.csv").write_text(AGENTS, encoding="utf-8")
    return tmp_path


def test_the_roster_file_schedule_writes_reads_back_as_last_week(files):
    cfg = load_config(files / "planning.toml")
    write_frame_atomic(last_week(("A", -1, "23:00"), ("B", -2, "07:00")), files / "roster.csv")
    frame = read_previous_roster(files / "roster.csv", cfg, load_agents(files / "agents.csv", cfg))
    assert list(frame["agent_id"]) == ["A", "B"]
    assert frame["shift_end"].iloc[0] == stamp(0, "07:00") and str(frame["shift_end"].dt.tz) == "Asia/Shanghai"


@pytest.mark.parametrize(("rows", "message"), [
    ((("A", -1, "23:00"), ("Z", -1, "07:00")), 'row 3, column agent_id: agent "Z" is not in the agents file'),
    ((("B", 0, "07:00"), ("A", -1, "23:00")), "row 2, column shift_start: shift starts Mon 2026-12-07 07:00, "
                                               "inside the week of 2026-12-07 being planned"),
])
def test_a_previous_roster_that_does_not_fit_this_week_is_a_one_line_error(files, rows, message):
    cfg = load_config(files / "planning.toml")
    write_frame_atomic(last_week(*rows), files / "last.csv")
    with pytest.raises(InputError, match=message) as caught:
        read_previous_roster(files / "last.csv", cfg, load_agents(files / "agents.csv", cfg))
    assert str(caught.value).startswith("last.csv row ") and "\n" not in str(caught.value)
    # the CLI says the same on one line, exit 2, before any solving
    demand(("chat", 0, "00:00", "07:00", 1)).assign(agents=1).to_csv(files / "requirements.csv", index=False)
    result = CliRunner().invoke(app, ["schedule", str(files / "requirements.csv"), "--agents",
                                      str(files / "agents.csv"), "--config", str(files / "planning.toml"),
                                      "--out", str(files / "out"), "--previous-roster", str(files / "last.csv")])
    assert result.exit_code == 2 and result.stderr.strip().startswith("error: last.csv row ")
    assert message in result.stderr and not (files / "out").exists()


def test_schedule_with_last_weeks_roster_covers_monday_morning_without_new_shifts(files):
    write_frame_atomic(last_week(("A", -1, "23:00")), files / "last.csv")
    demand(("chat", 0, "00:00", "07:00", 1)).assign(agents=1).to_csv(files / "requirements.csv", index=False)
    args = ["schedule", str(files / "requirements.csv"), "--agents", str(files / "agents.csv"),
            "--config", str(files / "planning.toml")]
    carried = CliRunner().invoke(app, [*args, "--out", str(files / "carried"), "--previous-roster",
                                       str(files / "last.csv")])
    assert carried.exit_code == 0, carried.output
    assert "week boundary: last week's roster carried in: 1 agents" in carried.output
    coverage = pd.read_csv(files / "carried" / "coverage.csv")
    monday = coverage[(coverage["channel"] == "chat") & (coverage["required"] > 0)]
    assert len(monday) == 14 and (monday["scheduled"] == 1).all()
    assert len(pd.read_csv(files / "carried" / "roster.csv")) == 0
    # without it, two lead-in night shifts (one covers the other's lunch) start the Sunday before
    lead = CliRunner().invoke(app, [*args, "--out", str(files / "lead")])
    assert lead.exit_code == 0
    assert "week boundary: no previous roster given: 2 shifts start on Sun 06 Dec (lead-in)" in lead.output
    roster = pd.read_csv(files / "lead" / "roster.csv")
    assert list(roster["date"]) == ["2026-12-06"] * 2
    assert roster["shift_start"].str.startswith("2026-12-06 23:00").all()

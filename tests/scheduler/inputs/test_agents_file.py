"""Agents file: skills, hours and availability parsed; each mistake rejected with row and column."""

from __future__ import annotations

import datetime as dt

import pytest

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import load_agents

HEADER = "agent_id,name,channels,min_hours_week,max_hours_week,unavailable,cost_per_hour\n"
ROWS = "A001,Li Wei,voice;chat,32,45,2026-12-08;Sat,35\nA002,Ana Souza,Email,16,24,,28.5\n"


@pytest.fixture
def config(planning_path):
    return load_config(planning_path)


def test_agents_parse(tmp_path, config):
    path = tmp_path / "agents.csv"
    path.write_text(HEADER + ROWS)
    first, second = load_agents(path, config)
    assert first.channels == frozenset({"voice", "chat"}) and second.channels == frozenset({"email"})
    assert not first.available_on(dt.date(2026, 12, 8)) and not first.available_on(dt.date(2026, 12, 12))
    assert first.available_on(dt.date(2026, 12, 9)) and second.cost_per_hour == 28.5


@pytest.mark.parametrize(("row", "message"), [
    ("A003,X,voice;fax,32,40,,30", 'column channels: expected channels from voice, chat, email separated by '
     '\';\', got "voice;fax"'),
    ("A003,X,voice,40,32,,30", 'column max_hours_week: expected max_hours_week >= min_hours_week (40), got "32"'),
    ("A001,X,voice,32,40,,30", "column agent_id: agent id 'A001' appears twice"),
    ("A003,X,voice,32,40,someday,30", 'column unavailable: expected dates (YYYY-MM-DD) or weekdays (Mon..Sun) '
     'separated by \';\', got "someday"'),
    ("A003,X,voice,thirty,40,,30", 'column min_hours_week: expected hours between 0 and 168, got "thirty"'),
    ("A003,X,voice,32,40,,-1", 'column cost_per_hour: expected a number >= 0, got "-1"'),
])
def test_agent_rejections(tmp_path, config, row, message):
    path = tmp_path / "agents.csv"
    path.write_text(HEADER + ROWS + row + "\n")
    with pytest.raises(InputError) as info:
        load_agents(path, config)
    assert str(info.value) == f"agents.csv row 4, {message}"


def test_skill_column_parsed_and_empty_cell_rejected(tmp_path, config):
    path = tmp_path / "agents.csv"
    path.write_text("agent_id,name,channels,min_hours_week,max_hours_week,skill\n"
                    "A001,Li Wei,voice;chat,32,45, Frontline \nA002,Zoë,email,16,24,Back office\n", encoding="utf-8")
    first, second = load_agents(path, config)
    assert (first.skill, second.skill) == ("Frontline", "Back office")
    assert load_agents(tmp_path / "agents.csv", config)[0].channels == frozenset({"voice", "chat"})
    path.write_text(path.read_text(encoding="utf-8") + "A003,Bo,voice,16,24,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_agents(path, config)
    assert str(info.value) == ("agents.csv row 4, column skill: expected a skill group name (the file has a "
                               "skill column), got an empty cell")


def test_schedule_ignores_the_skill_column(tmp_path):
    """The roster reads agents with a skill column and writes the same files as without it."""
    from planning_config import channel, planning_toml
    from roster_cases import demand
    from typer.testing import CliRunner

    from staffcast.cli import app

    planning = planning_toml(channels=[channel("voice", max_occupancy=None, patience_seconds=None,
                                               open_hours="07:00-23:00")],
                             shifts={"lengths_hours": [8], "start_times": "07:00-15:00/240min"},
                             solver={"time_limit_seconds": 2, "workers": 1, "seed": 1})
    (tmp_path / "planning.toml").write_text(planning, encoding="utf-8")
    req = demand(("voice", 0, "07:00", "15:00", 1), ("voice", 2, "11:00", "19:00", 2))
    req["agents"] = req["staff"]
    req.to_csv(tmp_path / "requirements.csv", index=False)
    plain = "agent_id,name,channels,min_hours_week,max_hours_week\nA1,Ann,voice,0,40\nA2,Bo,voice,0,40\n"
    skilled = ("agent_id,name,channels,min_hours_week,max_hours_week,skill\n"
               "A1,Ann,voice,0,40,tier 1\nA2,Bo,voice,0,40,tier 2\n")
    written = []
    for name, text in (("plain", plain), ("skilled", skilled)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
        out = tmp_path / f"out-{name}"
        result = CliRunner().invoke(app, ["schedule", str(tmp_path / "requirements.csv"), "--agents",
                                          str(tmp_path / f"{name}.csv"), "--config", str(tmp_path / "planning.toml"),
                                          "--out", str(out)])
        assert result.exit_code == 0, result.output
        written.append([(out / f).read_bytes() for f in ("roster.csv", "coverage.csv")])
    assert written[0] == written[1]
    wednesday = [line for line in written[0][0].decode().splitlines() if ",2026-12-09," in line]
    assert sorted(line.split(",")[0] for line in wednesday) == ["A1", "A2"]  # two needed 11:00-19:00

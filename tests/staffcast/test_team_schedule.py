"""`staffcast schedule` with a team column: one solve per team, serially and on a LocalCluster
of 2 processes with the same bytes, the merged roster valid for the independent checker, and
a channel served by two teams a one-line error."""

from __future__ import annotations

import pandas as pd
from planning_config import channel, planning_toml
from roster_cases import demand
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.config import load_config
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.roster.results.checker import check_roster

PLANNING = planning_toml(
    channels=[channel("voice", max_occupancy=None, patience_seconds=None, open_hours="07:00-23:00"),
              channel("email", open_hours="08:00-22:00")],
    shifts={"lengths_hours": [8], "start_times": "07:00-15:00/240min"},
    solver={"time_limit_seconds": 6, "workers": 1, "seed": 1},
)
AGENTS = """agent_id,name,channels,min_hours_week,max_hours_week,cost_per_hour,team
V1,Ann,voice,0,40,30,Front
E1,Eve,email,0,40,25,Back office
V2,Bo,voice,0,40,30,Front
E2,Kai,email,0,24,25,Back office
"""


def _inputs(tmp_path, agents=AGENTS):
    req = demand(("voice", 0, "07:00", "15:00", 2), ("voice", 2, "11:00", "19:00", 1),
                 ("email", 1, "09:00", "12:00", 1), ("email", 4, "08:00", "16:00", 2))
    req["agents"] = req["staff"]
    req.to_csv(tmp_path / "requirements.csv", index=False)
    (tmp_path / "planning.toml").write_text(PLANNING)
    (tmp_path / "agents.csv").write_text(agents, encoding="utf-8")
    return ["schedule", str(tmp_path / "requirements.csv"), "--agents", str(tmp_path / "agents.csv"),
            "--config", str(tmp_path / "planning.toml")]


def test_teams_serial_and_local_cluster_write_the_same_valid_roster(tmp_path):
    args = _inputs(tmp_path)
    written = {}
    for name, extra in [("serial", ()), ("local", ("--workers", "2"))]:
        result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / name), *extra])
        assert result.exit_code == 0, result.output
        assert "team Front: 2 agents, status " in result.output
        assert "team Back office: 2 agents, status " in result.output
        written[name] = [(tmp_path / name / f).read_bytes() for f in ("roster.csv", "coverage.csv")]
    assert written["serial"] == written["local"]
    cfg = load_config(tmp_path / "planning.toml")
    agents = load_agents(tmp_path / "agents.csv", cfg)
    roster = pd.read_csv(tmp_path / "serial" / "roster.csv")
    for column in ("shift_start", "shift_end"):
        roster[column] = pd.to_datetime(roster[column]).dt.tz_convert(cfg.timezone)
    assert check_roster(roster, agents, cfg) == []
    assert set(roster["agent_id"]) == {"V1", "V2", "E1", "E2"}
    order = {"V1": 0, "E1": 1, "V2": 2, "E2": 3}  # the agents file's order across teams
    assert roster["agent_id"].map(order).is_monotonic_increasing
    coverage = pd.read_csv(tmp_path / "serial" / "coverage.csv")
    assert list(coverage["channel"].drop_duplicates()) == ["voice", "email"]
    friday = coverage[(coverage["channel"] == "email") & coverage["interval_start"].str.startswith("2026-12-11")]
    assert friday["required"].max() == 2 and friday["scheduled"].max() == 2  # both email agents on Friday


def test_a_channel_served_by_two_teams_is_one_line_exit_2(tmp_path):
    args = _inputs(tmp_path, AGENTS.replace("E2,Kai,email,", "E2,Kai,email;voice,"))
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "error: agents.csv row 5, column team: channel 'voice' is served by agents of teams 'Front' and "
        "'Back office'; each team is its own roster, so a channel's agents must all be in one team"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

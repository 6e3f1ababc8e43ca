"""`staffcast schedule` with a team column: one solve per team, serially and on a LocalCluster
of 2 processes with the same bytes, the merged roster valid for the independent checker, and
a channel served by two teams a one-line error."""

from __future__ import annotations

import pandas as pd
from queue_cases import write_queue_case
from team_cases import AGENTS, write_team_case
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.config import load_config
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.roster.results.checker import check_roster


def test_teams_serial_and_local_cluster_write_the_same_valid_roster(tmp_path):
    args = write_team_case(tmp_path)
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
    args = write_team_case(tmp_path, AGENTS.replace("E2,Kai,email,", "E2,Kai,email;voice,"))
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "error: agents.csv row 5, column team: channel 'voice' is served by agents of teams 'Front' and "
        "'Back office'; each team is its own roster, so a channel's agents must all be in one team"]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_run_with_teams_each_team_its_own_solve_on_a_local_cluster(tmp_path):
    """`run --workers 2` on two queues and two teams: the requirements are those of the serial
    per-queue run, each team's roster covers its own queue and passes the checker, and the
    report's solver summary has a line per team. (Byte identity of the merged roster across
    serial and cluster runs is the schedule test's above, on an instance solved to optimality:
    here the teams stop FEASIBLE, where the search's wall-clock cap on a loaded machine decides.)"""
    config, _, history = write_queue_case(tmp_path, queues=2, weeks=5)
    (tmp_path / "events.csv").write_text("name,kind,start,end,channels,size\n", encoding="utf-8")
    rows = ["agent_id,name,channels,min_hours_week,max_hours_week,team"]
    rows += [f"A{i},Agent {i},q000,0,40,North" for i in range(3)] + [f"B{i},Agent {i},q001,0,40,South"
                                                                      for i in range(3)]
    (tmp_path / "agents.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cfg = load_config(config)
    agents = load_agents(tmp_path / "agents.csv", cfg)
    needs = {}
    for name, workers in [("serial", "1"), ("local", "2")]:
        out = tmp_path / name
        result = CliRunner().invoke(app, ["run", str(history), "--events", str(tmp_path / "events.csv"), "--config",
                                          str(config), "--agents", str(tmp_path / "agents.csv"), "--out", str(out),
                                          "--folds", "1", "--backtest-days", "7", "--model", "profile",
                                          "--time-limit", "6", "--workers", workers])
        assert result.exit_code == 0, result.output
        needs[name] = (out / "requirements.csv").read_bytes()
        report = (out / "report.html").read_text(encoding="utf-8")
        assert "team North</th><td>3 agents, " in report and "team South</th><td>3 agents, " in report
        roster = pd.read_csv(out / "roster.csv")
        for column in ("shift_start", "shift_end"):
            roster[column] = pd.to_datetime(roster[column]).dt.tz_convert(cfg.timezone)
        assert check_roster(roster, agents, cfg) == []
        by_team = roster.assign(team=roster["agent_id"].str[0]).groupby("team")["channels"].agg(
            lambda cells: set(";".join(cells).split(";")))
        assert by_team.to_dict() == {"A": {"q000"}, "B": {"q001"}}  # each team covers its own queue
        coverage = pd.read_csv(out / "coverage.csv")
        assert list(coverage["channel"].drop_duplicates()) == ["q000", "q001"]
        assert (coverage.groupby("channel")["scheduled"].max() > 0).all()
    assert needs["serial"] == needs["local"]


def test_a_team_without_a_roster_is_named_in_the_one_line_error(tmp_path):
    args = write_team_case(tmp_path, AGENTS.replace("E2,Kai,email,0,24,", "E2,Kai,email,48,48,"))
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "team 'Back office': agent E2 needs 48 h but at most 40 h fit" in lines[0]
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

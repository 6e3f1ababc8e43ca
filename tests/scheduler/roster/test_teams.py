"""Rosters per team: two teams with disjoint channels give the two separate solves merged,
the merged roster passes the independent checker, and the agents file's `team` column is
validated (blank cell, one channel served by two teams)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from roster_cases import EMAIL, MONDAY, VOICE, agent, config, demand, stamp

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.roster.build import build_roster
from staffcast.scheduler.roster.results.checker import check_roster
from staffcast.scheduler.roster.teams import TeamSolve, merge_results, split_teams

LIMIT = 6.0


def _case():
    cfg = config(channels=(VOICE, EMAIL), seconds=LIMIT)
    agents = (replace(agent("V1"), team="front"), replace(agent("E1", ("email",)), team="back"),
              replace(agent("V2", off_days=(6,)), team="front"), replace(agent("V3"), team="front"))
    needs = demand(("voice", 0, "07:00", "15:00", 2), ("voice", 2, "11:00", "19:00", 1),
                   ("voice", 6, "07:00", "15:00", 3), ("email", 1, "09:00", "12:00", 1),
                   ("email", 3, "08:00", "16:00", 1))
    return cfg, agents, needs


def test_two_teams_merge_to_the_two_separate_solves_and_pass_the_checker():
    cfg, agents, needs = _case()
    teams = split_teams(agents, cfg, LIMIT)
    assert [(t.name, [a.agent_id for a in t.agents], t.config.channel_names, t.limit) for t in teams] == [
        ("front", ["V1", "V2", "V3"], ("voice",), 4.5), ("back", ["E1"], ("email",), 1.5)]
    results = [TeamSolve(needs)(team) for team in teams]
    merged = merge_results(teams, results, agents, cfg, wall_seconds=1.0)
    front = build_roster(needs[needs["channel"] == "voice"].reset_index(drop=True), teams[0].agents,
                         replace(cfg, channels=(VOICE,)), time_limit_seconds=4.5)
    back = build_roster(needs[needs["channel"] == "email"].reset_index(drop=True), teams[1].agents,
                        replace(cfg, channels=(EMAIL,)), time_limit_seconds=1.5)
    expected_roster = pd.concat([front.roster, back.roster], ignore_index=True)
    expected_roster = expected_roster.sort_values("agent_id", key=lambda ids: ids.map(
        {"V1": 0, "E1": 1, "V2": 2, "V3": 3}), kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(merged.roster, expected_roster)
    pd.testing.assert_frame_equal(merged.coverage, pd.concat([front.coverage, back.coverage], ignore_index=True))
    assert merged.objective == pytest.approx(front.objective + back.objective)
    assert merged.best_bound == pytest.approx(front.best_bound + back.best_bound)
    assert [(s.team, s.agents, s.status) for s in merged.teams] == [
        ("front", 3, front.status), ("back", 1, back.status)]
    assert list(merged.shortfall) == [*front.shortfall, *back.shortfall]
    assert check_roster(merged.roster, agents, cfg, assignments=merged.assignments, requirements=needs,
                        coverage=merged.coverage) == []
    # the merged coverage is the whole week of both channels, and Sunday's voice is short:
    # V2 is off, so at most two of the three voice agents needed 07:00-15:00 are there
    assert set(merged.coverage["channel"]) == {"voice", "email"}
    sunday = merged.coverage[(merged.coverage["channel"] == "voice")
                             & (merged.coverage["interval_start"].dt.day_of_week == 6)]
    assert sunday["required"].max() == 3 and sunday["scheduled"].max() == 2
    assert any(line.startswith("voice Sun 07:00-15:00") for line in merged.shortfall)


def test_a_channel_nobody_serves_goes_with_the_first_team():
    chat = replace(VOICE, name="chat")
    cfg = config(channels=(VOICE, EMAIL, chat), seconds=LIMIT)
    agents = (replace(agent("E1", ("email",)), team="back"), replace(agent("V1"), team="front"))
    teams = split_teams(agents, cfg, LIMIT)
    assert [t.config.channel_names for t in teams] == [("email", "chat"), ("voice",)]
    assert [t.limit for t in teams] == [3.0, 3.0]


AGENTS_HEADER = "agent_id,name,channels,min_hours_week,max_hours_week,team\n"


def test_team_column_parsed_blank_cell_and_shared_channel_rejected(tmp_path, planning_path):
    cfg = load_config(planning_path)
    path = tmp_path / "agents.csv"
    path.write_text(AGENTS_HEADER + "A1,Li,voice;chat,0,40, Nord \nA2,Zoë,email,0,40,Süd\nA3,Bo,chat,0,40,Nord\n",
                    encoding="utf-8")
    assert [a.team for a in load_agents(path, cfg)] == ["Nord", "Süd", "Nord"]
    path.write_text(AGENTS_HEADER + "A1,Li,voice,0,40,Nord\nA2,Zoë,email,0,40,\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_agents(path, cfg)
    assert str(info.value) == ("agents.csv row 3, column team: expected a team name (the file has a team "
                               "column), got an empty cell")
    path.write_text(AGENTS_HEADER + "A1,Li,voice;chat,0,40,Nord\nA2,Zoë,email,0,40,Süd\nA3,Bo,email;chat,0,40,Süd\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_agents(path, cfg)
    assert str(info.value) == ("agents.csv row 4, column team: channel 'chat' is served by agents of teams 'Nord' "
                               "and 'Süd'; each team is its own roster, so a channel's agents must all be in one "
                               "team")


def test_last_weeks_roster_binds_each_teams_rest_rule():
    """V1 (front) and E1 (back) worked until 23:00 the Sunday before: with 11 hours' rest
    neither may start at 07:00 on Monday, though both teams need staff then."""
    cfg, agents, needs = _case()
    needs = pd.concat([needs, demand(("email", 0, "08:00", "11:00", 1))], ignore_index=True)
    morning = (needs["channel"] == "voice") & (needs["interval_start"] >= stamp(0, "07:00")) & (
        needs["interval_start"] < stamp(0, "10:00"))
    needs.loc[morning, "staff"] = 3  # all three voice agents asked for on Monday morning
    previous = pd.DataFrame([{"agent_id": a, "date": stamp(-1, "15:00").date(), "shift_start": stamp(-1, "15:00"),
                              "shift_end": stamp(-1, "23:00"), "breaks": "", "channels": c}
                             for a, c in (("V1", "voice"), ("E1", "email"))])
    teams = split_teams(agents, cfg, LIMIT)
    results = [TeamSolve(needs, previous_roster=previous)(team) for team in teams]
    merged = merge_results(teams, results, agents, cfg, wall_seconds=1.0)
    assert check_roster(merged.roster, agents, cfg, assignments=merged.assignments, requirements=needs,
                        coverage=merged.coverage, previous_roster=previous) == []
    monday = merged.roster[merged.roster["date"] == MONDAY].set_index("agent_id")["shift_start"]
    assert monday["V2"] == monday["V3"] == stamp(0, "07:00")
    assert "V1" not in monday or monday["V1"] >= stamp(0, "10:00")
    assert monday["E1"] == stamp(0, "11:00")  # the email's only agent, rested from 10:00
    early = merged.coverage[(merged.coverage["channel"] == "voice")
                            & (merged.coverage["interval_start"] == stamp(0, "07:00"))].iloc[0]
    assert (early["required"], early["scheduled"]) == (3, 2)
    assert merged.week_boundary.startswith("last week's roster carried in: 0 agents")


def test_a_team_without_shifts_leaves_the_merged_frames_typed():
    cfg = config(channels=(VOICE, EMAIL), seconds=4.0)
    agents = (replace(agent("V1"), team="front"), replace(agent("E1", ("email",)), team="back"))
    needs = demand(("voice", 0, "07:00", "15:00", 1))
    teams = split_teams(agents, cfg, 4.0)
    results = [TeamSolve(needs)(team) for team in teams]
    assert [len(r.roster) for r in results] == [1, 0]
    merged = merge_results(teams, results, agents, cfg, wall_seconds=1.0)
    pd.testing.assert_frame_equal(merged.roster, results[0].roster)
    pd.testing.assert_frame_equal(merged.assignments, results[0].assignments)
    assert str(merged.roster["shift_start"].dtype).startswith("datetime64")

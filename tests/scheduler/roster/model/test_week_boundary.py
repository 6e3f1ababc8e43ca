"""The week boundary: a 24/7 channel whose only night shift starts at 23:00 has its
Monday 00:00-07:00 covered, by last week's roster carried in or by lead-in shifts of this
week's roster; last week's ends bind the rest rule; the independent checker knows both."""

from __future__ import annotations

import pandas as pd
from roster_cases import CHAT, agent, config, demand, scheduled, solve, stamp

from staffcast.scheduler.roster.results.checker import check_roster

NIGHT = config(channels=(CHAT,), starts=("07:00", "15:00", "23:00"))
MONDAY_MORNING = ("chat", 0, "00:00", "07:00", 2)
MORNING = [f"{h:02d}:{m}" for h in range(7) for m in ("00", "30")]


def last_week(*rows) -> pd.DataFrame:
    """Roster frame of the week before from (agent, start day, "HH:MM", hours) rows."""
    records = []
    for agent_id, day, clock, hours in rows:
        start = stamp(day, clock)
        records.append({"agent_id": agent_id, "date": start.date(), "shift_start": start,
                        "shift_end": start + pd.Timedelta(hours=hours), "breaks": "", "channels": "chat"})
    return pd.DataFrame(records)


def test_without_a_previous_roster_lead_in_shifts_cover_monday_morning():
    result = solve(demand(MONDAY_MORNING), [agent("A", ("chat",)), agent("B", ("chat",))], NIGHT)
    assert [scheduled(result, "chat", 0, clock) for clock in MORNING] == [2] * 14
    lead = result.roster[result.roster["shift_start"] == stamp(-1, "23:00")]
    assert len(lead) == 2 and set(lead["date"]) == {stamp(-1, "23:00").date()}  # dated the Sunday before
    assert "lead-in" in result.week_boundary and "2 shifts start on Sun 06 Dec" in result.week_boundary


def test_a_previous_roster_carries_its_night_shifts_into_monday():
    previous = last_week(("A", -1, "23:00", 8), ("B", -1, "23:00", 8))
    result = solve(demand(MONDAY_MORNING), [agent("A", ("chat",)), agent("B", ("chat",))], NIGHT,
                   previous_roster=previous)
    assert [scheduled(result, "chat", 0, clock) for clock in MORNING] == [2] * 14
    assert len(result.roster) == 0  # last week's shifts cover it; nothing is added
    assert "carried in: 2 agents" in result.week_boundary
    assert set(result.assignments["agent_id"]) == {"A", "B"}


def test_rest_binds_across_the_boundary_when_last_week_ends_late():
    cover_afternoon = demand(("chat", 0, "15:00", "23:00", 1))
    free = solve(cover_afternoon, [agent("A", ("chat",))], NIGHT)
    assert (free.roster["shift_start"] == stamp(0, "15:00")).any()
    # last week's night shift ends Mon 07:00: a 15:00 start leaves 8 h of rest, less than 11
    bound = solve(cover_afternoon, [agent("A", ("chat",))], NIGHT, previous_roster=last_week(("A", -1, "23:00", 8)))
    assert not (bound.roster["shift_start"] == stamp(0, "15:00")).any()
    assert scheduled(bound, "chat", 0, "15:00") == 0
    assert any("rest from last week" in line for line in bound.shortfall)


def test_the_checker_knows_last_weeks_ends_and_lead_in_shifts():
    agents = (agent("A", ("chat",)),)
    monday = last_week(("A", 0, "15:00", 8))
    previous = last_week(("A", -1, "23:00", 8))
    problems = check_roster(monday, agents, NIGHT, previous_roster=previous)
    assert any("rest before the shift" in p for p in problems)
    assert check_roster(monday, agents, NIGHT) == []
    lead = last_week(("A", -1, "23:00", 8))
    assert check_roster(lead, agents, NIGHT) == []  # a lead-in shift belongs to this week
    early = last_week(("A", -1, "07:00", 8))  # ends Sunday 15:00: not this week's
    assert any("outside its date or the planning week" in p for p in check_roster(early, agents, NIGHT))


def test_last_weeks_carried_agents_may_cover_only_while_on_their_shift():
    previous = last_week(("A", -1, "23:00", 8))
    result = solve(demand(("chat", 0, "00:00", "09:00", 1)), [agent("A", ("chat",)), agent("B", ("chat",))],
                   NIGHT, previous_roster=previous)
    assert scheduled(result, "chat", 0, "06:30") >= 1 and scheduled(result, "chat", 0, "07:00") >= 1
    carried = result.assignments[result.assignments["agent_id"] == "A"]
    assert carried["interval_start"].max() < stamp(0, "07:00")  # A's shift ended; B starts at 07:00


def test_hours_with_nobody_scheduled_lead_the_shortfall_report():
    cfg = config(channels=(CHAT,), starts=("07:00",))
    req = demand(("chat", 0, "00:00", "03:00", 1), ("chat", 0, "07:00", "15:00", 2))
    result = solve(req, [agent("A", ("chat",))], cfg)
    first, second = result.shortfall
    assert first.startswith("chat Mon 00:00-03:00: short 1 agent") and first.endswith("nobody scheduled 00:00-03:00")
    assert second.startswith("chat Mon 07:00-15:00: short 1 agent (8 agent-hours)") and "nobody" not in second


def test_sunday_night_shifts_serve_next_mondays_early_hours_they_reach():
    cfg = config(channels=(CHAT,), starts=("07:00", "23:00"), break_minutes=60)
    # next Monday needs a chat agent 00:00-04:00 and 05:00-07:00: the lunch goes where it needs nobody
    req = demand(("chat", 6, "23:00", "04:00", 1), ("chat", 7, "05:00", "07:00", 1))
    result = solve(req, [agent("A", ("chat",))], cfg)
    night = result.roster[result.roster["shift_start"] == stamp(6, "23:00")]
    assert len(night) == 1 and night["breaks"].iloc[0] == "04:00-05:00"
    assert scheduled(result, "chat", 7, "06:30") == 1 and result.shortfall == ()

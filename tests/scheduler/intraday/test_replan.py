"""The intraday re-plan on small real rosters: each change kind, nothing before now changes,
overtime within rest and weekly hours, the independent checker passes on the result."""

from __future__ import annotations

import dataclasses

import pandas as pd
from roster_cases import VOICE, agent, config, stamp

from staffcast.config import ChannelConfig
from staffcast.intraday import intraday_lengths
from staffcast.intraday_config import IntradayConfig
from staffcast.scheduler.intraday.day import build_day, week_grid
from staffcast.scheduler.intraday.replan import change_list, new_coverage, new_shifts, replan, roster_frame
from staffcast.scheduler.roster.results.checker import check_roster
from staffcast.scheduler.roster.results.view import roster_shifts

CHAT = ChannelConfig("chat", "queue", 0.0, 0.8, 60)
VOICE0 = dataclasses.replace(VOICE, shrinkage=0.0)


def _cfg(channels=(VOICE0,), **intraday):
    cfg = config(channels=channels, lengths=(8.0,), starts=("07:00", "11:00", "15:00"), break_minutes=60)
    return dataclasses.replace(cfg, intraday=IntradayConfig(**intraday))


def _roster(rows):
    return pd.DataFrame([{"agent_id": a, "date": stamp(0, s).date(), "shift_start": stamp(0, s),
                          "shift_end": stamp(0, e), "breaks": b, "channels": ch} for a, s, e, b, ch in rows])


def _needs(cfg, staff: dict[tuple[str, str], int], default=1):
    rows = []
    for name in cfg.channel_names:
        t = stamp(0, "07:00")
        while t < stamp(0, "23:00"):
            n = staff.get((name, f"{t:%H:%M}"), default)
            rows.append((name, t, 3.0 * n, 300.0, n))  # half a busy agent per agent required
            t += pd.Timedelta(minutes=30)
    return pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds", "staff"])


def _coverage(cfg, roster, needs):
    """The plan's coverage frame, counted from the roster as the roster model would."""
    shifts = roster_shifts(roster, cfg.timezone)
    out = needs[["channel", "interval_start", "staff"]].rename(columns={"staff": "required"}).copy()
    out["scheduled"] = 0
    for s in shifts:
        for k, row in out.iterrows():
            t = row.interval_start
            on = s.start <= t < s.end and not any(b0 <= t < b1 for b0, b1 in s.breaks)
            if on and row.channel == s.channels[0]:
                out.loc[k, "scheduled"] += 1
    out["service_level"] = float("nan")
    return out


def _solve(cfg, agents, roster, needs, now):
    week = week_grid(needs, agents, cfg)
    coverage = _coverage(cfg, roster, needs)
    day = build_day(week, roster_shifts(roster, cfg.timezone), coverage, now)
    result = replan(day, dtime=5.0)
    shifts = new_shifts(result)
    frame = roster_frame(shifts)
    assert check_roster(frame, agents, intraday_lengths(cfg)) == []
    return result, frame, change_list(result), new_coverage(result, coverage)


def test_overtime_covers_a_late_surge_and_nothing_before_now_changes():
    cfg = _cfg()
    agents = (agent("A", high=40.0), agent("B", high=40.0))
    roster = _roster([("A", "07:00", "15:00", "11:00-12:00", "voice"), ("B", "11:00", "19:00", "14:00-15:00", "voice")])
    needs = _needs(cfg, {("voice", "19:00"): 1, ("voice", "19:30"): 1, ("voice", "15:00"): 2})
    result, frame, changes, coverage = _solve(cfg, agents, roster, needs, stamp(0, "10:00"))
    kinds = {(c["agent_id"], c["change"]) for c in changes}
    assert ("B", "overtime") in kinds
    b = frame[frame.agent_id == "B"].iloc[0]
    assert b.shift_end == stamp(0, "20:00")  # 60 minutes of overtime at most
    before = coverage[coverage.interval_start < stamp(0, "10:00")]
    assert before["scheduled"].tolist() == _coverage(cfg, roster, needs).query(
        "interval_start < @stamp(0, '10:00')")["scheduled"].tolist()
    assert frame.iloc[0].shift_start == stamp(0, "07:00") and frame.iloc[0].breaks == "11:00-12:00"


def test_overtime_respects_weekly_hours_and_rest():
    cfg = _cfg()
    needs = _needs(cfg, {("voice", "19:00"): 1, ("voice", "19:30"): 1})
    full = (agent("B", high=8.0),)  # 8 h worked: no room for overtime
    roster = _roster([("B", "11:00", "19:00", "14:00-15:00", "voice")])
    _, _, changes, _ = _solve(cfg, full, roster, needs, stamp(0, "10:00"))
    assert not [c for c in changes if c["change"] == "overtime"]
    tired = (agent("B", high=40.0),)  # next shift 07:00 tomorrow: 12 h rest only up to 19:00
    roster = _roster([("B", "11:00", "19:00", "14:00-15:00", "voice")])
    roster = pd.concat([roster, pd.DataFrame([{"agent_id": "B", "date": stamp(1, "07:00").date(),
                                               "shift_start": stamp(1, "07:00"), "shift_end": stamp(1, "15:00"),
                                               "breaks": "11:00-12:00", "channels": "voice"}])], ignore_index=True)
    cfg12 = dataclasses.replace(cfg, rules=dataclasses.replace(cfg.rules, min_rest_hours=12.0))
    _, _, changes, _ = _solve(cfg12, tired, roster, needs, stamp(0, "10:00"))
    assert not [c for c in changes if c["change"] == "overtime"]


def test_a_lunch_moves_out_of_a_peak():
    cfg = _cfg(max_overtime_minutes=0, early_leave=False)
    agents = (agent("A"), agent("B"))
    roster = _roster([("A", "07:00", "15:00", "12:00-13:00", "voice"), ("B", "07:00", "15:00", "10:00-11:00", "voice")])
    needs = _needs(cfg, {("voice", "12:00"): 2, ("voice", "12:30"): 2, ("voice", "10:30"): 0, ("voice", "11:00"): 0,
                         ("voice", "11:30"): 0})
    _, frame, changes, _ = _solve(cfg, agents, roster, needs, stamp(0, "10:30"))
    assert [c["change"] for c in changes] == ["break_move"]
    assert frame.set_index("agent_id").loc["A", "breaks"] in ("10:30-11:30", "11:00-12:00")
    assert frame.set_index("agent_id").loc["B", "breaks"] == "10:00-11:00"  # started before now: kept


def test_a_multi_skilled_agent_switches_to_the_short_channel():
    cfg = _cfg(channels=(VOICE0, CHAT), max_overtime_minutes=0, early_leave=False)
    agents = (agent("A", channels=("voice", "chat")), agent("B", channels=("voice",)))
    roster = _roster([("A", "07:00", "15:00", "11:00-12:00", "chat"), ("B", "07:00", "15:00", "11:00-12:00", "voice")])
    needs = _needs(cfg, {("chat", f"{h:02d}:{m:02d}"): 0 for h in range(12, 15) for m in (0, 30)}
                   | {("voice", f"{h:02d}:{m:02d}"): 2 for h in range(12, 15) for m in (0, 30)})
    _, _, changes, coverage = _solve(cfg, agents, roster, needs, stamp(0, "12:00"))
    assert {c["change"] for c in changes} == {"switch"}
    voice = coverage[(coverage.channel == "voice") & (coverage.interval_start == stamp(0, "13:00"))]
    assert int(voice.scheduled.iloc[0]) == 2


def test_early_leave_where_over_staffed_within_weekly_minimum():
    cfg = _cfg(max_overtime_minutes=0, early_leave_cost=2.0)  # 4 idle agent-intervals cost 4
    needs = _needs(cfg, {("voice", f"{h:02d}:{m:02d}"): 0 for h in range(13, 24) for m in (0, 30)})
    agents = (agent("A", low=0.0), agent("B", low=8.0))
    roster = _roster([("A", "07:00", "15:00", "10:00-11:00", "voice"), ("B", "07:00", "15:00", "10:00-11:00", "voice")])
    _, frame, changes, _ = _solve(cfg, agents, roster, needs, stamp(0, "12:00"))
    assert [(c["agent_id"], c["change"]) for c in changes] == [("A", "early_leave")]
    assert frame.set_index("agent_id").loc["A", "shift_end"] == stamp(0, "13:00")  # 120 min, break window kept

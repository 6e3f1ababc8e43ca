"""Every agent's .ics parsed back with icalendar and its events matched to the roster."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import icalendar
import pandas as pd
import pytest
from outputs_frames import make_roster, write_config

from staffcast.scheduler.outputs.calendars import calendar_file_name, calendar_file_names, write_calendars


def parse(path):
    return icalendar.Calendar.from_ical(path.read_bytes())


def check_calendars(folder, roster, config):
    files = sorted((folder / "calendars").glob("*.ics"))
    assert [f.name for f in files] == sorted(f"{a}.ics" for a in roster["agent_id"].unique())
    matched = 0
    for path in files:
        cal = parse(path)
        tzids = [tz["TZID"] for tz in cal.walk("VTIMEZONE")]
        assert tzids == [config.timezone]
        rows = roster[roster["agent_id"] == path.stem]
        events = cal.walk("VEVENT")
        assert len(events) == len(rows)
        by_uid = {str(e["UID"]): e for e in events}
        for row in rows.to_dict("records"):
            event = by_uid[f"{row['date']:%Y%m%d}-{row['agent_id']}@staffcast"]
            start, end = event.start, event.end
            # same instants, expressed in the planning timezone (TZID), not UTC or floating
            assert start == row["shift_start"].to_pydatetime()
            assert end == row["shift_end"].to_pydatetime()
            assert start.tzinfo.key == config.timezone == end.tzinfo.key
            assert event["DTSTART"].params["TZID"] == config.timezone
            description = str(event["DESCRIPTION"])
            if "/" not in row["breaks"]:  # an ISO interval (repeated hour) is shown with zone names
                assert f"Breaks: {row['breaks'].replace(';', ', ')}" in description
            assert f"Channels: {row['channels'].replace(';', ', ')}" in description
            matched += 1
    assert matched == len(roster)


def test_calendars_match_roster(tmp_path, roster, config):
    write_calendars(tmp_path, roster, config)
    check_calendars(tmp_path, roster, config)
    # the shift across midnight ends the next morning, local time
    cal = parse(tmp_path / "calendars" / "A05.ics")
    friday = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("20261211"))
    assert friday.end == dt.datetime(2026, 12, 12, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert friday.end - friday.start == dt.timedelta(hours=9)
    saturday = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("20261212"))
    assert "Breaks: 23:30-00:30" in str(saturday["DESCRIPTION"])


def test_night_shift_across_dst_change(tmp_path):
    """New York leaves daylight time at 02:00 on Sun 1 Nov 2026: a 9-hour shift from 22:00
    (hours worked) ends at 06:00 on the clock; its lunch in the repeated hour is written as
    an ISO interval and shown with both zone names; the calendar carries both offsets."""
    config = write_config(tmp_path, tz="America/New_York", week="2026-10-26")
    lunch = "2026-11-01T01:30-04:00/2026-11-01T01:30-05:00"
    roster = make_roster(config, [("N1", 5, "22:00", 9, lunch), ("N1", 3, "09:00", 8, "13:00-14:00")])
    assert (roster["shift_end"] - roster["shift_start"]).iloc[0] == pd.Timedelta(hours=9)
    write_calendars(tmp_path, roster, config)
    check_calendars(tmp_path, roster, config)
    cal = parse(tmp_path / "calendars" / "N1.ics")
    night = next(e for e in cal.walk("VEVENT") if str(e["UID"]).startswith("20261031"))
    assert night.end.astimezone(dt.UTC) - night.start.astimezone(dt.UTC) == dt.timedelta(hours=9)
    assert (night.start.hour, night.end.hour) == (22, 6)
    assert night.start.utcoffset() == dt.timedelta(hours=-4)
    assert night.end.utcoffset() == dt.timedelta(hours=-5)
    assert "Breaks: 01:30 EDT-01:30 EST\n8 h working + 1 h break" in str(night["DESCRIPTION"])
    offsets = {sub["TZOFFSETTO"].td for tz in cal.walk("VTIMEZONE") for sub in tz.subcomponents}
    assert {dt.timedelta(hours=-4), dt.timedelta(hours=-5)} <= offsets


def test_uids_stable_and_output_reproducible(tmp_path, roster, config, agents):
    stamp = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    first = write_calendars(tmp_path / "a", roster, config, agents=agents, dtstamp=stamp)
    # a later run with one shift moved: same UIDs, so importing replaces instead of duplicating
    moved = roster.copy()
    moved.loc[0, "shift_start"] += pd.Timedelta(hours=1)
    moved.loc[0, "shift_end"] += pd.Timedelta(hours=1)
    second = write_calendars(tmp_path / "b", moved, config, agents=agents, dtstamp=stamp)
    again = write_calendars(tmp_path / "c", roster, config, agents=agents, dtstamp=stamp)
    for a, b, c in zip(first, second, again, strict=True):
        uids_a = sorted(str(e["UID"]) for e in parse(a).walk("VEVENT"))
        uids_b = sorted(str(e["UID"]) for e in parse(b).walk("VEVENT"))
        assert uids_a == uids_b
        assert a.read_bytes() == c.read_bytes()
    assert parse(second[0]).walk("VEVENT")[0].start.hour == 8


def test_unrostered_agent_gets_empty_calendar(tmp_path, roster, config, agents):
    only_a01 = roster[roster["agent_id"] == "A01"]
    paths = write_calendars(tmp_path, only_a01, config, agents=agents)
    assert [p.name for p in paths] == [f"{a.agent_id}.ics" for a in agents]
    empty = parse(tmp_path / "calendars" / "A02.ics")
    assert empty.walk("VEVENT") == []
    assert [tz["TZID"] for tz in empty.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert "Zhang Min" in str(empty["X-WR-CALNAME"])


@pytest.mark.parametrize("agent_id, name", [("A01", "A01.ics"), ("张三01", "张三01.ics"), ("Zoë-2", "Zoë-2.ics"),
                                            ("team/7 x", "team_7_x-"), ("..secret", "secret-"), ("CON", "CON-")])
def test_calendar_file_names_are_safe(agent_id, name):
    """Unicode letters and digits stay; anything unsafe is replaced and the ID's hash added."""
    file_name = calendar_file_name(agent_id)
    assert file_name == name if name.endswith(".ics") else re.fullmatch(re.escape(name) + r"[0-9a-f]{8}\.ics",
                                                                          file_name)


def test_calendar_file_names_are_distinct():
    ids = ["张三01", "李四01", "a/01", "a:01", "a 01", "A01", "a01"]
    names = calendar_file_names(ids)
    assert len({n.casefold() for n in names.values()}) == len(ids)
    assert names["张三01"] == "张三01.ics" and names["李四01"] == "李四01.ics" and names["A01"] == "A01.ics"


def test_chinese_agent_ids_get_a_calendar_each(tmp_path, config):
    roster = make_roster(config)
    first, second = roster["agent_id"].unique()[:2]
    roster["agent_id"] = roster["agent_id"].replace({first: "张三01", second: "李四01"})
    paths = write_calendars(tmp_path, roster, config)
    assert {"张三01.ics", "李四01.ics"} <= {p.name for p in paths}
    assert len(paths) == roster["agent_id"].nunique()
    cal = parse(tmp_path / "calendars" / "张三01.ics")
    assert len(cal.walk("VEVENT")) == (roster["agent_id"] == "张三01").sum()
    assert all(str(e["UID"]).endswith("-张三01@staffcast") for e in cal.walk("VEVENT"))


def test_export_week_writes_every_file(tmp_path, roster, coverage, config, agents):
    from staffcast.scheduler.outputs.calendars import export_week

    forecast = coverage[["channel", "interval_start"]].assign(volume=10.0, volume_lo=8.0, volume_hi=12.0,
                                                               aht_seconds=300.0, model="ets_events")
    written = export_week(tmp_path / "week", roster=roster, coverage=coverage, config=config, agents=agents,
                          forecast=forecast, inputs_summary={"agents": len(agents)})
    assert sorted(written) == ["calendars", "coverage", "forecast", "roster", "xlsx"]
    names = sorted(p.relative_to(tmp_path / "week").as_posix() for p in (tmp_path / "week").rglob("*"))
    assert names == ["calendars", *[f"calendars/A0{i}.ics" for i in range(1, 6)],
                     "coverage.csv", "forecast.csv", "roster.csv", "roster.xlsx"]
    back = pd.read_csv(tmp_path / "week" / "roster.csv")
    assert (pd.to_datetime(back["shift_end"]) == roster["shift_end"]).all()
    check_calendars(tmp_path / "week", roster, config)

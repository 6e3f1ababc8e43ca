"""The roster workbook opened with openpyxl and checked cell by cell against the frames."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from staffcast.errors import InputError
from staffcast.scheduler.outputs.calendars import write_csvs, write_roster_xlsx


def expected_text(row) -> str:
    """The Week cell for one roster row, written out independently of the exporter."""
    start, end = pd.Timestamp(row["shift_start"]), pd.Timestamp(row["shift_end"])
    text = f"{start:%H:%M}-{end:%H:%M}"
    if end.date() != start.date():
        text += "+1"
    if row["breaks"]:
        text += "\nbreak " + row["breaks"].replace(";", ", ")
    return text


def week_cells(sheet):
    header = [c.value for c in sheet[2]]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}
    return header, rows


def test_week_sheet_matches_roster(tmp_path, roster, coverage, agents, config):
    path = write_roster_xlsx(tmp_path / "roster.xlsx", roster, coverage, agents, config,
                             {"history file": "history.parquet", "agents": len(agents)})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Week" and book.sheetnames[-2:] == ["Hours", "Inputs"]
    sheet = book["Week"]
    assert sheet.freeze_panes == "D3"
    header, rows = week_cells(sheet)
    days = {d: header.index(f"{d:%a %d %b}") + 1 for d in config.week_dates}
    worked = set()
    for row in roster.to_dict("records"):
        cell = sheet.cell(row=rows[row["agent_id"]], column=days[row["date"]])
        assert cell.value == expected_text(row)
        assert cell.fill.fill_type is None
        worked.add((row["agent_id"], row["date"]))
    # every other agent-day is a shaded day off; A02 is unavailable on Saturdays and A03 on 9 Dec
    for agent in agents:
        for day in config.week_dates:
            if (agent.agent_id, day) in worked:
                continue
            cell = sheet.cell(row=rows[agent.agent_id], column=days[day])
            assert cell.value == ("off" if agent.available_on(day) else "unavailable")
            assert cell.fill.fill_type is not None
    assert sheet.cell(row=rows["A02"], column=days[dt.date(2026, 12, 12)]).value == "unavailable"
    # A05's Friday shift runs 16:00 to 01:00 the next morning
    assert sheet.cell(row=rows["A05"], column=days[dt.date(2026, 12, 11)]).value == \
        "16:00-01:00+1\nbreak 20:00-21:00"
    hours_col = header.index("Hours on shift") + 1
    for agent_id, part in roster.groupby("agent_id"):
        hours = ((part["shift_end"] - part["shift_start"]).dt.total_seconds() / 3600).sum()
        assert sheet.cell(row=rows[agent_id], column=hours_col).value == pytest.approx(hours)
    assert sheet.column_dimensions["D"].width >= 12
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$2"


def test_coverage_sheets_match_and_highlight_shortfall(tmp_path, roster, coverage, agents, config):
    path = write_roster_xlsx(tmp_path / "roster.xlsx", roster, coverage, agents, config, {})
    book = openpyxl.load_workbook(path)
    shortfalls = 0
    for day in config.week_dates:
        sheet = book[f"Cov {day:%a %d %b}"]
        assert sheet.freeze_panes == "B4"
        channels = [sheet.cell(row=2, column=c).value for c in range(2, sheet.max_column + 1, 4)]
        assert channels == ["voice", "chat", "email"]
        assert [sheet.cell(row=3, column=c).value for c in range(2, 6)] == \
            ["required", "scheduled", "gap", "service level"]
        times = {sheet.cell(row=r, column=1).value: r for r in range(4, sheet.max_row + 1)}
        part = coverage[coverage["interval_start"].dt.date == day]
        for rec in part.to_dict("records"):
            r = times[f"{rec['interval_start']:%H:%M}"]
            c = 2 + 4 * channels.index(rec["channel"])
            assert sheet.cell(row=r, column=c).value == rec["required"]
            assert sheet.cell(row=r, column=c + 1).value == rec["scheduled"]
            assert sheet.cell(row=r, column=c + 2).value == rec["scheduled"] - rec["required"]
            assert sheet.cell(row=r, column=c + 3).value == pytest.approx(rec["service_level"], abs=1e-4)
            short = rec["scheduled"] < rec["required"]
            scheduled_cell = sheet.cell(row=r, column=c + 1)
            assert (scheduled_cell.fill.fill_type == "solid") == short
            assert bool(scheduled_cell.font.bold) == short
            shortfalls += short
        # closed voice intervals (before 08:00) are blank, open chat intervals are not
        assert sheet.cell(row=times["07:00"], column=2).value is None
        assert sheet.cell(row=times["07:00"], column=6).value is not None
    assert shortfalls == int((coverage["scheduled"] < coverage["required"]).sum()) > 0


def test_hours_and_inputs_sheets(tmp_path, roster, coverage, agents, config):
    path = write_roster_xlsx(tmp_path / "roster.xlsx", roster, coverage, agents, config,
                             {"history file": "history.parquet", "forecast WAPE voice": 0.123})
    book = openpyxl.load_workbook(path)
    hours = book["Hours"]
    head = [c.value for c in hours[2]]
    by_agent = {hours.cell(row=r, column=1).value: [c.value for c in hours[r]]
                for r in range(3, hours.max_row + 1)}
    # A01: five shifts, 9+9+8+9+9 = 44 h on shift, 5 h of breaks; within 32..45
    a01 = dict(zip(head, by_agent["A01"], strict=True))
    assert (a01["Shifts"], a01["Hours on shift"], a01["Break hours"], a01["Working hours"]) == (5, 44, 5, 39)
    assert a01["Within contract"] == "yes"
    # A03 works 16 h (min 16): within; A05 works 18 h with min 0: within; A04 34 h: within
    assert dict(zip(head, by_agent["A03"], strict=True))["Hours on shift"] == 16
    inputs = {r[0].value: r[1].value for r in book["Inputs"].iter_rows(min_row=3)}
    assert inputs["timezone"] == "Asia/Shanghai"
    assert inputs["history file"] == "history.parquet"
    assert inputs["forecast WAPE voice"] == pytest.approx(0.123)
    assert inputs["channel voice"].startswith("queue; 80% answered within 20 s")


def test_contract_breach_is_flagged(tmp_path, roster, coverage, agents, config):
    short = roster[~((roster["agent_id"] == "A02") & (roster["date"] != config.week_start))]
    book = openpyxl.load_workbook(write_roster_xlsx(tmp_path / "r.xlsx", short, coverage, agents,
                                                    config, {}))
    hours = book["Hours"]
    row = next(r for r in range(3, hours.max_row + 1) if hours.cell(row=r, column=1).value == "A02")
    assert hours.cell(row=row, column=4).value == 9
    assert hours.cell(row=row, column=9).value == "NO"
    assert hours.cell(row=row, column=9).font.bold


def test_workbook_from_csv_roundtrip(tmp_path, roster, coverage, agents, config):
    """roster.csv and coverage.csv read back (strings with offsets) give the same workbook."""
    write_csvs(tmp_path, roster=roster, coverage=coverage)
    back_roster = pd.read_csv(tmp_path / "roster.csv")
    back_coverage = pd.read_csv(tmp_path / "coverage.csv")
    assert back_roster["date"].iloc[0] == "2026-12-07"
    assert back_roster["shift_start"].iloc[0] == "2026-12-07 07:00:00+08:00"
    a = openpyxl.load_workbook(write_roster_xlsx(tmp_path / "a.xlsx", roster, coverage, agents, config, {}))
    b = openpyxl.load_workbook(write_roster_xlsx(tmp_path / "b.xlsx", back_roster, back_coverage,
                                                 agents, config, {}))
    for name in a.sheetnames:
        values_a = [[c.value for c in row] for row in a[name].iter_rows()]
        values_b = [[c.value for c in row] for row in b[name].iter_rows()]
        assert values_a == values_b, name


def test_bad_roster_row_is_one_line_error(tmp_path, roster, coverage, agents, config):
    bad = roster.copy()
    bad.loc[3, "breaks"] = "11:00-25:00"
    with pytest.raises(InputError, match=r"roster row 5, column breaks: expected breaks"):
        write_roster_xlsx(tmp_path / "x.xlsx", bad, coverage, agents, config, {})
    bad = roster.copy()
    bad.loc[0, "breaks"] = "05:00-06:00"
    with pytest.raises(InputError, match=r"row 2, column breaks: break 05:00-06:00 does not lie"):
        write_roster_xlsx(tmp_path / "x.xlsx", bad, coverage, agents, config, {})
    assert not (tmp_path / "x.xlsx").exists()
    assert not list(tmp_path.glob(".x.xlsx*"))

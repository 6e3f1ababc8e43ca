"""The roster workbook's sheets (openpyxl), built in memory; `export.py` saves it atomically."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from staffcast.config import PlanningConfig
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.roster.results.clock import clock
from staffcast.scheduler.roster.results.view import WorkedShift, as_local_times

# Fills are light enough to print in greyscale under black text; meaning is never carried
# by colour alone: days off say "off", shortfall cells are bold with a negative gap.
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
OFF_FILL = PatternFill("solid", fgColor="BFBFBF")
UNAVAILABLE_FILL = PatternFill("lightGray", fgColor="808080", bgColor="BFBFBF")
SHORT_FILL = PatternFill("solid", fgColor="F4B6B6")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def day_label(day: dt.date) -> str:
    """``Mon 07 Dec``: the Week sheet's column header and the coverage sheets' name stem."""
    return f"{day:%a %d %b}"


def shift_cell_text(shifts: list[WorkedShift]) -> str:
    """The Week sheet's text for one agent-day: ``07:00-16:00`` and, on the next line,
    ``break 11:00-12:00`` (several shifts in a day are listed one after the other)."""
    parts = []
    for shift in shifts:
        text = shift.label
        if shift.breaks:
            text += "\nbreak " + shift.breaks_label
        parts.append(text)
    return "\n".join(parts)


def _header(ws: Worksheet, row: int, values: list[str]) -> None:
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column, value=value)
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BOX, CENTER


def _print_setup(ws: Worksheet, title_rows: str) -> None:
    """Landscape, one page wide, header rows repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def _widths(ws: Worksheet, minimum: int = 6, maximum: int = 40, skip_rows: int = 0) -> None:
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=skip_rows + 1):
        for cell in row:
            if cell.value is None:
                continue
            longest = max(len(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, minimum), maximum)


def _week_sheet(ws: Worksheet, shifts: list[WorkedShift], agents: tuple[Agent, ...],
                config: PlanningConfig, days: list[dt.date]) -> None:
    ws.title = "Week"
    ws.cell(row=1, column=1, value=f"Roster, week of {days[0]:%a %d %b %Y} "
            f"({config.timezone}; shift times local, +1 = ends next day)").font = TITLE
    _header(ws, 2, ["Agent", "Name", "Channels"] + [day_label(d) for d in days]
            + ["Shifts", "Hours on shift"])
    known = {a.agent_id: a for a in agents}
    ids = [a.agent_id for a in agents] + sorted({s.agent_id for s in shifts} - set(known))
    by_cell: dict[tuple[str, dt.date], list[WorkedShift]] = {}
    for shift in shifts:
        by_cell.setdefault((shift.agent_id, shift.date), []).append(shift)
    for r, agent_id in enumerate(ids, start=3):
        agent = known.get(agent_id)
        mine = [s for s in shifts if s.agent_id == agent_id]
        skills = sorted(agent.channels) if agent else sorted({c for s in mine for c in s.channels})
        ws.cell(row=r, column=1, value=agent_id).font = BOLD
        ws.cell(row=r, column=2, value=agent.name if agent else "")
        ws.cell(row=r, column=3, value=", ".join(skills))
        for c, day in enumerate(days, start=4):
            cell = ws.cell(row=r, column=c)
            worked = by_cell.get((agent_id, day))
            if worked:
                cell.value = shift_cell_text(worked)
            elif agent is not None and not agent.available_on(day):
                cell.value, cell.fill = "unavailable", UNAVAILABLE_FILL
            else:
                cell.value, cell.fill = "off", OFF_FILL
            cell.alignment, cell.border = CENTER, BOX
        ws.cell(row=r, column=4 + len(days), value=len(mine))
        hours = ws.cell(row=r, column=5 + len(days), value=round(sum(s.hours for s in mine), 2))
        hours.number_format = "0.0"
        ws.row_dimensions[r].height = 30
    ws.freeze_panes = "D3"
    _print_setup(ws, "1:2")
    _widths(ws, skip_rows=1)
    for c in range(4, 4 + len(days)):
        ws.column_dimensions[get_column_letter(c)].width = 16


def _coverage_sheet(ws: Worksheet, day: dt.date, part: pd.DataFrame, channels: list[str],
                    config: PlanningConfig) -> None:
    has_sl = "service_level" in part.columns
    ws.title = f"Cov {day_label(day)}"
    ws.cell(row=1, column=1, value=f"Coverage {day:%a %d %b %Y}: staff required vs scheduled "
            "per interval (shortfall = scheduled below required: shaded, bold, negative gap)"
            ).font = TITLE
    sub = ["required", "scheduled", "gap"] + (["service level"] if has_sl else [])
    width = len(sub)
    _header(ws, 2, ["Interval"] + [""] * width * len(channels))
    _header(ws, 3, ["start"] + sub * len(channels))
    for i, channel in enumerate(channels):
        first = 2 + i * width
        ws.cell(row=2, column=first, value=channel)
        ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + width - 1)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=1)
    times = sorted(part["interval_start"].unique())
    index = {t: r for r, t in enumerate(times, start=4)}
    for t, r in index.items():
        ws.cell(row=r, column=1, value=clock(pd.Timestamp(t))).border = BOX
    for i, channel in enumerate(channels):
        first = 2 + i * width
        rows = part[part["channel"] == channel]
        for record in rows.itertuples(index=False):
            r = index[record.interval_start]
            required, scheduled = int(record.required), int(record.scheduled)
            cells = [ws.cell(row=r, column=first, value=required),
                     ws.cell(row=r, column=first + 1, value=scheduled),
                     ws.cell(row=r, column=first + 2, value=scheduled - required)]
            if has_sl and pd.notna(record.service_level):
                sl = ws.cell(row=r, column=first + 3, value=round(float(record.service_level), 4))
                sl.number_format = "0%"
                cells.append(sl)
            for cell in cells:
                cell.border = BOX
            if scheduled < required:
                for cell in cells[1:3]:
                    cell.fill, cell.font = SHORT_FILL, BOLD
    ws.freeze_panes = "B4"
    _print_setup(ws, "1:3")
    _widths(ws, minimum=9, skip_rows=2)
    ws.column_dimensions["A"].width = 9


def _hours_sheet(ws: Worksheet, shifts: list[WorkedShift], agents: tuple[Agent, ...]) -> None:
    ws.title = "Hours"
    ws.cell(row=1, column=1, value="Hours per agent (on shift = working + breaks; contract "
            "bounds are hours on shift)").font = TITLE
    _header(ws, 2, ["Agent", "Name", "Shifts", "Hours on shift", "Break hours", "Working hours",
                    "Min hours", "Max hours", "Within contract"])
    known = {a.agent_id: a for a in agents}
    ids = [a.agent_id for a in agents] + sorted({s.agent_id for s in shifts} - set(known))
    for r, agent_id in enumerate(ids, start=3):
        mine = [s for s in shifts if s.agent_id == agent_id]
        on_shift = round(sum(s.hours for s in mine), 2)
        breaks = round(sum(s.break_hours for s in mine), 2)
        agent = known.get(agent_id)
        within = "" if agent is None else (
            "yes" if agent.min_hours_week - 1e-9 <= on_shift <= agent.max_hours_week + 1e-9 else "NO")
        values = [agent_id, agent.name if agent else "", len(mine), on_shift, breaks,
                  round(on_shift - breaks, 2), agent.min_hours_week if agent else None,
                  agent.max_hours_week if agent else None, within]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.border = BOX
            if 4 <= c <= 8:
                cell.number_format = "0.0"
        if within == "NO":
            for c in (4, 9):
                ws.cell(row=r, column=c).fill = SHORT_FILL
                ws.cell(row=r, column=c).font = BOLD
    ws.freeze_panes = "C3"
    _print_setup(ws, "1:2")
    _widths(ws, skip_rows=1)


def _inputs_sheet(ws: Worksheet, config: PlanningConfig, summary: dict) -> None:
    ws.title = "Inputs"
    ws.cell(row=1, column=1, value="Inputs of this plan").font = TITLE
    _header(ws, 2, ["Item", "Value"])
    rows: list[tuple[str, object]] = [
        ("timezone", config.timezone), ("interval minutes", config.interval_minutes),
        ("week start", config.week_start.isoformat()),
        ("shift lengths (h)", ", ".join(f"{x:g}" for x in config.shifts.lengths_hours)),
        ("shift starts", ", ".join(f"{t:%H:%M}" for t in config.shifts.start_times)),
        ("break minutes", config.shifts.break_minutes),
        ("max days per week", config.rules.max_days_per_week),
        ("min rest hours", config.rules.min_rest_hours),
    ]
    for c in config.channels:
        if c.kind == "queue":
            target = f"{c.service_level:.0%} answered within {c.answer_seconds:g} s"
        else:
            target = f"all answered within {c.response_hours:g} h"
        rows.append((f"channel {c.name}", f"{c.kind}; {target}; shrinkage {c.shrinkage:.0%}"))
    rows += [(str(k), v) for k, v in summary.items()]
    for r, (key, value) in enumerate(rows, start=3):
        if not isinstance(value, int | float | str | dt.date) or isinstance(value, bool):
            value = str(value)
        ws.cell(row=r, column=1, value=key).font = BOLD
        ws.cell(row=r, column=2, value=value).alignment = WRAP
    ws.freeze_panes = "A3"
    _widths(ws, maximum=80, skip_rows=1)


def build_workbook(shifts: list[WorkedShift], coverage: pd.DataFrame, agents: tuple[Agent, ...],
                   config: PlanningConfig, inputs_summary: dict) -> Workbook:
    """The roster workbook: Week, one coverage sheet per day, Hours, Inputs."""
    coverage = coverage.copy()
    coverage["interval_start"] = as_local_times(coverage["interval_start"], config.timezone)
    coverage["day"] = coverage["interval_start"].dt.date
    days = sorted(set(config.week_dates) | {s.date for s in shifts})
    order = list(config.channel_names)
    channels = [c for c in order if c in set(coverage["channel"])] + sorted(
        set(coverage["channel"]) - set(order))
    workbook = Workbook()
    _week_sheet(workbook.active, shifts, agents, config, days)
    for day in sorted(set(coverage["day"])):
        _coverage_sheet(workbook.create_sheet(), day, coverage[coverage["day"] == day], channels,
                        config)
    _hours_sheet(workbook.create_sheet(), shifts, agents)
    _inputs_sheet(workbook.create_sheet(), config, inputs_summary)
    return workbook

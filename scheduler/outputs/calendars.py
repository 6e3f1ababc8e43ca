"""Exports of the planned week: CSV frames, the roster workbook and agents' calendars.

Every file is written atomically (temporary file beside the target, then rename), so a
crash never leaves a half-written export behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

import icalendar
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.files import atomic_path, write_frame_atomic
from staffcast.scheduler.inputs.agents import Agent
from staffcast.scheduler.outputs.workbook import build_workbook
from staffcast.scheduler.roster.results.view import WorkedShift, roster_shifts

CSV_FRAMES = ("forecast", "requirements", "roster", "coverage")


def write_csvs(folder: str | Path, **frames: pd.DataFrame | None) -> list[Path]:
    """Write each given frame as ``folder/<name>.csv`` (e.g. ``roster=...``); None is skipped.

    Timestamps keep their UTC offset (ISO 8601); roster dates are written YYYY-MM-DD."""
    folder = Path(folder)
    written = []
    for name, frame in frames.items():
        if frame is None:
            continue
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a frame name: {name!r}")
        out = frame.copy()
        if "date" in out.columns:
            out["date"] = [d.isoformat() if isinstance(d, dt.date) else d for d in out["date"]]
        target = folder / f"{name}.csv"
        write_frame_atomic(out, target)
        written.append(target)
    return written


def write_roster_xlsx(path: str | Path, roster: pd.DataFrame, coverage: pd.DataFrame,
                      agents: Iterable[Agent] | None, config: PlanningConfig,
                      inputs_summary: Mapping[str, object] | None = None) -> Path:
    """Write the roster workbook for a planner (Excel or LibreOffice).

    Sheets: ``Week`` (agents x days: shift times and breaks, days off shaded, hours on
    shift), one ``Cov <Day DD Mon>`` sheet per day (per interval and channel: required and
    scheduled staff, their difference and projected service level; shortfall cells shaded
    and bold), ``Hours`` (per agent: hours on shift, break and working hours against the
    contract) and ``Inputs`` (planning settings and `inputs_summary`). Header rows are
    frozen and column widths set."""
    path = Path(path)
    shifts = roster_shifts(roster, config.timezone)
    workbook = build_workbook(shifts, coverage, tuple(agents or ()), config, dict(inputs_summary or {}))
    with atomic_path(path) as tmp:
        tmp.write_bytes(_workbook_bytes(workbook, _fixed_stamp(config).replace(tzinfo=None)))
    return path


def _fixed_stamp(config: PlanningConfig) -> dt.datetime:
    """The creation time the exports carry: the planning week's Monday 00:00 UTC, so the
    same inputs give byte-identical files (no wall-clock time in any export)."""
    return dt.datetime.combine(config.week_start, dt.time(), tzinfo=dt.UTC)


def _workbook_bytes(workbook, stamp: dt.datetime) -> bytes:
    """The .xlsx bytes with `stamp` as created/modified time and as every zip entry's time
    (openpyxl's own save writes the clock's time into both)."""
    from io import BytesIO
    from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = workbook.properties.modified = stamp
    raw = BytesIO()
    ExcelWriter(workbook, ZipFile(raw, "w", ZIP_DEFLATED, allowZip64=True)).save()
    out = BytesIO()
    with ZipFile(raw) as source, ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True) as target:
        for item in source.infolist():
            entry = ZipInfo(item.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}


def _safe_stem(agent_id: str) -> str:
    """`agent_id` (NFC) with every character that is not a Unicode letter or digit, `.`,
    `-` or `_` replaced by `_`, no leading dots, at most 80 characters."""
    text = unicodedata.normalize("NFC", agent_id)
    stem = "".join(c if c.isalnum() or c in "._-" else "_" for c in text).lstrip(".").rstrip(". ")
    return stem[:80]


def calendar_file_name(agent_id: str) -> str:
    """``AGENT_ID.ics`` when the ID is a safe file name on every system (Unicode letters and
    digits such as ``张三01`` included); otherwise the ID with unsafe characters replaced by
    ``_`` and ``-`` plus 8 hex digits of its SHA-256, so that different IDs never share a
    file (``a/01`` and ``a:01`` give ``a_01-....ics`` with different digits)."""
    stem = _safe_stem(agent_id)
    if stem != agent_id or not stem or stem.lower().partition(".")[0] in _WINDOWS_RESERVED:
        stem = f"{stem}-{hashlib.sha256(agent_id.encode('utf-8')).hexdigest()[:8]}"
    return stem + ".ics"


def calendar_file_names(agent_ids: Iterable[str]) -> dict[str, str]:
    """`calendar_file_name` of each ID, made distinct also where only letter case differs
    (``A01`` and ``a01`` are one file on macOS and Windows): the later ID gets the digits."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for agent_id in agent_ids:
        name = calendar_file_name(agent_id)
        if name.casefold() in taken:
            digest = hashlib.sha256(agent_id.encode("utf-8")).hexdigest()
            name = f"{name[:-4]}-{digest[:8]}.ics"
            n = 8
            while name.casefold() in taken:
                n += 2
                name = f"{name.rsplit('-', 1)[0]}-{digest[:n]}.ics"
        taken.add(name.casefold())
        names[agent_id] = name
    return names


def _event(shift: WorkedShift, uid: str, dtstamp: dt.datetime) -> icalendar.Event:
    channels = ", ".join(shift.channels) or "any"
    breaks = shift.breaks_label
    working = shift.hours - shift.break_hours
    description = (f"Shift {shift.label} ({shift.start:%a %d %b %Y})\n"
                   f"Channels: {channels}\n"
                   f"Breaks: {breaks}\n"
                   f"{working:g} h working + {shift.break_hours:g} h break")
    event = icalendar.Event.new(
        uid=uid, summary=f"Shift {shift.label} ({channels})", description=description,
        start=shift.start.to_pydatetime(), end=shift.end.to_pydatetime(), stamp=dtstamp,
    )
    event.add("categories", ["staffcast", "shift"])
    event.add("transp", "OPAQUE")
    return event


def agent_calendar(agent_id: str, shifts: list[WorkedShift], config: PlanningConfig, *,
                   name: str = "", dtstamp: dt.datetime | None = None) -> icalendar.Calendar:
    """One agent's shifts as an iCalendar with a VTIMEZONE for the planning timezone.

    Each shift is a VEVENT with TZID-qualified start and end, breaks in the description
    and a UID stable across runs (agent and roster date), so re-importing an updated
    roster replaces the day's event instead of duplicating it. DTSTAMP is `dtstamp`, by
    default the week's Monday 00:00 UTC (same inputs, same bytes)."""
    dtstamp = dtstamp or _fixed_stamp(config)
    label = f"{name} ({agent_id})" if name else agent_id
    calendar = icalendar.Calendar.new(prodid="-//staffcast//roster//EN",
                                      uid=f"staffcast-{agent_id}", name=f"Shifts: {label}")
    calendar.add("x-wr-timezone", config.timezone)
    calendar.add("method", "PUBLISH")
    used: dict[str, int] = {}
    for shift in sorted(shifts, key=lambda s: s.start):
        uid = f"{shift.date:%Y%m%d}-{agent_id}@staffcast"
        used[uid] = used.get(uid, 0) + 1
        if used[uid] > 1:
            uid = f"{shift.date:%Y%m%d}-{used[uid]}-{agent_id}@staffcast"
        calendar.add_component(_event(shift, uid, dtstamp))
    week = config.week_dates
    first = min([week[0]] + [s.date for s in shifts]) - dt.timedelta(days=1)
    last = max([week[-1]] + [s.end.date() for s in shifts]) + dt.timedelta(days=2)
    if shifts:
        calendar.add_missing_timezones(first_date=first, last_date=last)
    else:
        from zoneinfo import ZoneInfo

        calendar.add_component(icalendar.Timezone.from_tzinfo(ZoneInfo(config.timezone),
                                                              first_date=first, last_date=last))
    return calendar


def write_calendars(folder: str | Path, roster: pd.DataFrame, config: PlanningConfig, *,
                    agents: Iterable[Agent] | None = None,
                    dtstamp: dt.datetime | None = None) -> list[Path]:
    """Write ``folder/calendars/AGENT_ID.ics`` for every agent in the roster (and every
    agent in `agents`, with an empty calendar when not rostered). Returns the paths."""
    shifts = roster_shifts(roster, config.timezone)
    names = {a.agent_id: a.name for a in agents or ()}
    by_agent: dict[str, list[WorkedShift]] = {agent_id: [] for agent_id in names}
    for shift in shifts:
        by_agent.setdefault(shift.agent_id, []).append(shift)
    target_dir = Path(folder) / "calendars"
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    file_names = calendar_file_names(sorted(by_agent))
    for agent_id, agent_shifts in by_agent.items():
        file_name = file_names[agent_id]
        calendar = agent_calendar(agent_id, agent_shifts, config, name=names.get(agent_id, ""),
                                  dtstamp=dtstamp)
        target = target_dir / file_name
        with atomic_path(target) as tmp:
            tmp.write_bytes(calendar.to_ical())
        written.append(target)
    return written



def export_week(folder: str | Path, *, roster: pd.DataFrame, coverage: pd.DataFrame,
                config: PlanningConfig, agents: Iterable[Agent] | None = None,
                forecast: pd.DataFrame | None = None, requirements: pd.DataFrame | None = None,
                inputs_summary: Mapping[str, object] | None = None,
                dtstamp: dt.datetime | None = None) -> dict[str, Path | list[Path]]:
    """Every export of the week into `folder`: forecast.csv, requirements.csv (when given),
    roster.csv, coverage.csv, roster.xlsx and calendars/AGENT_ID.ics. Returns the paths
    by name ("forecast", ..., "xlsx", "calendars")."""
    folder = Path(folder)
    agents = tuple(agents or ())
    written: dict[str, Path | list[Path]] = {}
    csvs = write_csvs(folder, forecast=forecast, requirements=requirements, roster=roster,
                      coverage=coverage)
    written.update({p.stem: p for p in csvs})
    written["xlsx"] = write_roster_xlsx(folder / "roster.xlsx", roster, coverage, agents, config,
                                        inputs_summary)
    written["calendars"] = write_calendars(folder, roster, config, agents=agents, dtstamp=dtstamp)
    return written

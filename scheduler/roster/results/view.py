"""The roster frame read back into shifts with exact instants, for exports and plots.

The roster frame (docs/design.md) holds one row per worked shift: `agent_id`, `date`,
`shift_start`, `shift_end` (timezone-aware timestamps, or ISO strings with an offset as
they come back from roster.csv, or local "HH:MM" clock times on `date`), `breaks`
(local clock times ``HH:MM-HH:MM;...``, or ISO 8601 intervals ``START/END`` with offsets
for a break in the hour repeated when the clocks go back; see `clock`) and `channels`
(``voice;chat``). A shift or a break may run past midnight: each clock time is placed at
its first occurrence at or after the shift's start.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from staffcast.errors import InputError, describe
from staffcast.scheduler.roster.results.clock import break_span, break_token, clock

ROSTER_COLUMNS = ("agent_id", "date", "shift_start", "shift_end", "breaks", "channels")
_CLOCK = re.compile(r"\s*(\d{1,2}):(\d{2})\s*")


@dataclass(frozen=True)
class WorkedShift:
    """One worked shift: agent, roster date, start and end instants (tz-aware), breaks as
    (start, end) instants, the channels the agent covers, and the spreadsheet row it was
    read from (None when built in memory)."""

    agent_id: str
    date: dt.date
    start: pd.Timestamp
    end: pd.Timestamp
    breaks: tuple[tuple[pd.Timestamp, pd.Timestamp], ...]
    channels: tuple[str, ...]
    row: int | None = None

    @property
    def hours(self) -> float:
        """Hours on shift, breaks included."""
        return (self.end - self.start).total_seconds() / 3600

    @property
    def break_hours(self) -> float:
        return sum((b - a).total_seconds() for a, b in self.breaks) / 3600

    @property
    def label(self) -> str:
        """``07:00-16:00``, with ``+1`` when the shift ends on the next calendar day (and
        the zone abbreviation on a clock time the clock shows twice that night)."""
        days = (self.end.date() - self.start.date()).days
        suffix = f"+{days}" if days else ""
        return f"{clock(self.start)}-{clock(self.end)}{suffix}"

    @property
    def breaks_label(self) -> str:
        """``11:00-12:00, 14:30-14:45`` for people (`clock` times), ``none`` without breaks."""
        return ", ".join(f"{clock(a)}-{clock(b)}" for a, b in self.breaks) or "none"

    @property
    def breaks_text(self) -> str:
        """The `breaks` column: ``11:00-12:00;14:30-14:45`` (`break_token`), empty without breaks."""
        return ";".join(break_token(a, b) for a, b in self.breaks)


def _local(naive: dt.datetime, tz: str) -> pd.Timestamp:
    return pd.Timestamp(naive).tz_localize(tz, ambiguous=True, nonexistent="shift_forward")


def _clock_minutes(text: str) -> int | None:
    m = _CLOCK.fullmatch(text)
    if not m or int(m.group(2)) >= 60 or int(m.group(1)) > 24:
        return None
    return int(m.group(1)) * 60 + int(m.group(2))


def _first_at_or_after(after: pd.Timestamp, minutes: int, tz: str) -> pd.Timestamp:
    """The first local clock time `minutes` after midnight at or after `after`."""
    day = after.tz_convert(tz).date()
    candidate = _local(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes), tz)
    if candidate < after:
        candidate = _local(dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
                           + dt.timedelta(minutes=minutes), tz)
    return candidate


def _instant(value, day: dt.date | None, tz: str, after: pd.Timestamp | None, row: int,
             column: str) -> pd.Timestamp:
    if isinstance(value, str) and (minutes := _clock_minutes(value)) is not None:
        if after is not None:
            return _first_at_or_after(after, minutes, tz)
        if day is None:
            raise InputError("roster", "a clock time needs a date", row=row, column=column)
        return _local(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes), tz)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if stamp is pd.NaT or pd.isna(stamp):
        raise InputError("roster", f"expected a timestamp or HH:MM, got {describe(value)}",
                         row=row, column=column)
    return stamp.tz_localize(tz) if stamp.tzinfo is None else stamp.tz_convert(tz)


def _date(value, row: int) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError("roster", f"expected a date YYYY-MM-DD, got {describe(value)}",
                         row=row, column="date") from None


def _breaks(text, start: pd.Timestamp, end: pd.Timestamp, tz: str, row: int):
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ()
    spans = []
    for token in filter(None, (t.strip() for t in str(text).split(";"))):
        span = break_span(token, tz) if "/" in token else None
        parts = token.split("-")
        clocks = [_clock_minutes(p) for p in parts] if len(parts) == 2 else [None]
        if span is None and None in clocks:
            raise InputError("roster", f"expected breaks as HH:MM-HH:MM;... (or START/END with UTC offsets), "
                             f"got {describe(token)}", row=row, column="breaks")
        if span is not None:
            b0, b1 = span
        else:
            b0 = _first_at_or_after(start, clocks[0], tz)
            b1 = _first_at_or_after(b0, clocks[1], tz)
        if b0 < start or b1 <= b0 or b1 > end:
            raise InputError("roster", f"break {token} does not lie inside the shift "
                             f"{clock(start)}-{clock(end)}", row=row, column="breaks")
        spans.append((b0, b1))
    return tuple(sorted(spans))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        not isinstance(value, str) and bool(pd.isna(value)))


def roster_shifts(roster: pd.DataFrame, timezone: str) -> list[WorkedShift]:
    """Read the roster frame into `WorkedShift`s in the planning `timezone`, sorted by agent and
    start. Rows with neither start nor end (days off, if a roster lists them) are skipped.
    Raises InputError (file "roster", spreadsheet row) on a malformed row."""
    missing = [c for c in ("agent_id", "shift_start", "shift_end") if c not in roster.columns]
    if missing:
        raise InputError("roster", f"missing column {missing[0]!r}; expected columns "
                         f"{', '.join(ROSTER_COLUMNS)}", row=1)
    shifts = []
    for position, record in enumerate(roster.to_dict("records")):
        row = position + 2
        if all(_blank(record[c]) for c in ("shift_start", "shift_end")):
            continue  # a day-off row: nothing scheduled
        day = _date(record.get("date"), row)
        start = _instant(record["shift_start"], day, timezone, None, row, "shift_start")
        end = _instant(record["shift_end"], day, timezone, start, row, "shift_end")
        if end <= start:
            raise InputError("roster", f"shift ends ({end}) before it starts ({start})",
                             row=row, column="shift_end")
        raw_channels = record.get("channels")
        channels = () if raw_channels is None or (not isinstance(raw_channels, str)
                                                  and pd.isna(raw_channels)) else tuple(
            c.strip() for c in str(raw_channels).split(";") if c.strip())
        shifts.append(WorkedShift(str(record["agent_id"]).strip(), day or start.date(), start, end,
                            _breaks(record.get("breaks"), start, end, timezone, row), channels, row))
    shifts.sort(key=lambda s: (s.agent_id, s.start))
    return shifts


def as_local_times(values: pd.Series, timezone: str | None = None) -> pd.Series:
    """Timestamps of a frame column as tz-aware times (in `timezone` when given).

    Accepts tz-aware datetimes or ISO strings with offsets (as read back from CSV)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(timezone) if timezone else values
    try:
        parsed = pd.to_datetime(values)
    except (ValueError, TypeError):
        parsed = pd.to_datetime(values, utc=True)
    if not isinstance(parsed.dtype, pd.DatetimeTZDtype):
        if timezone is None:
            return parsed
        return parsed.dt.tz_localize(timezone)
    return parsed.dt.tz_convert(timezone) if timezone else parsed

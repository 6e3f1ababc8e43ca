"""Local clock times of roster instants, unambiguous across a daylight-saving change.

A roster's times are instants; people read them on the local clock. When the clocks go
back, one hour's clock times occur twice (01:00-02:00 in Europe/London on the last Sunday
of October), so ``HH:MM`` alone cannot name an instant in it. The rules:

- `clock(stamp)`: ``HH:MM``, followed by the zone's abbreviation when the clock shows that
  time twice that night (``01:00 BST``, ``01:00 GMT``): for people (workbook, calendars).
- `span_label(start, end)`: a stretch of the day, ``HH:MM-HH:MM``, its end at the next
  midnight written ``24:00`` (``00:00-24:00`` is the whole day, never ``00:00-00:00``).
- `break_token(start, end)`: a break in the roster's `breaks` column, ``HH:MM-HH:MM``; a
  break with an end in a repeated hour is written as an ISO 8601 interval with offsets
  instead (``2026-10-25T01:00+01:00/2026-10-25T01:00+00:00``), which `break_span` reads.
"""

from __future__ import annotations

import pandas as pd


def repeated(stamp: pd.Timestamp) -> bool:
    """True when `stamp`'s local clock time occurs twice that night (clocks going back)."""
    naive = stamp.tz_localize(None)
    try:
        naive.tz_localize(stamp.tz, ambiguous="raise", nonexistent="raise")
    except ValueError:  # pandas' AmbiguousTimeError
        return True
    return False


def clock(stamp: pd.Timestamp) -> str:
    """``HH:MM`` local, with the zone abbreviation when that clock time is repeated."""
    return f"{stamp:%H:%M} {stamp:%Z}" if repeated(stamp) else f"{stamp:%H:%M}"


def span_label(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``HH:MM-HH:MM`` local for a stretch starting on `start`'s day; an `end` at midnight
    after `start` reads ``24:00``."""
    midnight = end > start and end.date() != start.date() and (end.hour, end.minute) == (0, 0)
    return f"{start:%H:%M}-" + ("24:00" if midnight else f"{end:%H:%M}")


def break_token(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """One break for the `breaks` column: ``HH:MM-HH:MM``, or an ISO 8601 interval with
    offsets when either end lies in a repeated hour."""
    if repeated(start) or repeated(end):
        return f"{start.isoformat(timespec='minutes')}/{end.isoformat(timespec='minutes')}"
    return f"{start:%H:%M}-{end:%H:%M}"


def break_span(token: str, timezone: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The instants of an ISO 8601 interval token ``START/END`` (both with UTC offsets),
    in `timezone`; None when `token` is not such an interval."""
    parts = token.split("/")
    if len(parts) != 2:
        return None
    try:
        start, end = (pd.Timestamp(p.strip()) for p in parts)
    except ValueError:
        return None
    if start.tzinfo is None or end.tzinfo is None:
        return None
    return start.tz_convert(timezone), end.tz_convert(timezone)

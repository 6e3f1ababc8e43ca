"""Planning config (TOML) parsed once into typed, frozen objects.

Everything past `load_config` trusts these objects; no raw dicts travel further.
The schema is the one in DESIGN.md plus the optional keys documented on each class.
Each caller asks only for the sections it uses: every stage needs `[planning]` and the
channels, only rostering needs `[shifts]` (see `load_config`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from staffcast.errors import InputError, describe
from staffcast.intraday_config import IntradayConfig, parse_intraday

if TYPE_CHECKING:
    from staffcast.capacity_config import CapacityConfig

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class ChannelConfig:
    """One contact channel and its service target.

    queue channels (voice, chat): `service_level` share answered within `answer_seconds`,
    optional `asa_seconds` target (seconds), `max_occupancy` (share of time busy),
    `patience_seconds` (mean patience; Erlang A), `concurrency` (contacts an agent works at
    once) and `concurrency_slowdown` (handle time grows by this share per extra concurrent
    contact). deferred channels (email, social): every contact answered within
    `response_hours`. `shrinkage` is the share of paid time not available for contacts.
    `open_hours` ("08:00-22:00") is when the channel is staffed; `importance` weighs its
    under-coverage in the roster.
    """

    name: str
    kind: Literal["queue", "deferred"]
    shrinkage: float
    service_level: float | None = None
    answer_seconds: float | None = None
    asa_seconds: float | None = None
    max_occupancy: float | None = None
    patience_seconds: float | None = None
    concurrency: int = 1
    concurrency_slowdown: float = 0.0
    response_hours: float | None = None
    open_from: dt.time = dt.time(0, 0)
    open_until_minutes: int = 24 * 60  # minutes after midnight; 1440 = end of day
    importance: float = 1.0

    def is_open_at(self, minute_of_day: int) -> bool:
        """True when an interval starting `minute_of_day` minutes after midnight is staffed."""
        start = self.open_from.hour * 60 + self.open_from.minute
        return start <= minute_of_day < self.open_until_minutes


@dataclass(frozen=True)
class ShiftConfig:
    """Shift shapes: paid lengths (hours, break included), allowed start times (local),
    the lunch break length (minutes) and how far it stays from the shift's start and end
    (hours); optional short breaks (count and minutes)."""

    lengths_hours: tuple[float, ...]
    start_times: tuple[dt.time, ...]
    break_minutes: int = 60
    break_not_first_hours: float = 2.0
    break_not_last_hours: float = 2.0
    short_breaks: int = 0
    short_break_minutes: int = 15


@dataclass(frozen=True)
class RulesConfig:
    """Hard rules of the roster: working days per agent and week, hours of rest between
    two shifts. The defaults (5 days, 11 hours: a five-day week and the EU daily-rest
    minimum) apply when the config has no `[rules]`; they are at least as strict as most
    labour rules, so a roster built on them stays legal where the local rule is looser."""

    max_days_per_week: int = 5
    min_rest_hours: float = 11.0


@dataclass(frozen=True)
class WeightsConfig:
    """Objective weights: under-coverage per missing agent-interval, a queue interval below
    its plan at all (`short_interval`, in missing agents' worth, once per interval),
    over-coverage per extra agent-interval, labour cost per currency unit, and the soft
    rules."""

    under_coverage: float = 100.0
    short_interval: float = 10.0
    over_coverage: float = 1.0
    cost: float = 0.05
    consecutive_days_off: float = 5.0
    start_stability: float = 2.0
    fairness: float = 5.0


@dataclass(frozen=True)
class SolverConfig:
    """CP-SAT settings: wall-time limit (seconds), search workers and random seed."""

    time_limit_seconds: float = 60.0
    workers: int = 2
    seed: int = 0


STAFFING_METHODS = ("sipp", "mol", "isa")
"""Staffing methods of `[staffing] method` (see `staffcast.scheduler.staffing.time_varying`)."""


@dataclass(frozen=True)
class StaffingConfig:
    """How queue channels are staffed over time: `method` "sipp" (per-interval Erlang C/A),
    "mol" (Erlang C/A at the modified offered load, which lags the arrivals) or "isa"
    (raised where the simulation with queues carried over misses the target). Default
    "mol": in `benchmarks/service.py` (requirements -> roster -> simulation, a generated
    week and the sample's), its rosters put the most queue intervals at target on both
    weeks (demo 96.2%, generated 84.2%; ISA 95.3% and 82.0%, SIPP 94.0% and 82.5%) for the
    same scheduled hours as ISA (docs/staffing.md), and it needs no simulation."""

    method: Literal["sipp", "mol", "isa"] = "mol"


@dataclass(frozen=True)
class PlanningConfig:
    """The whole planning config. `shifts` is None when the file has no `[shifts]`:
    `load_config` allows that only to callers that do not build a roster."""

    timezone: str
    interval_minutes: int
    week_start: dt.date
    channels: tuple[ChannelConfig, ...]
    shifts: ShiftConfig | None = None
    rules: RulesConfig = field(default_factory=RulesConfig)
    weights: WeightsConfig = field(default_factory=WeightsConfig)
    solver: SolverConfig = field(default_factory=SolverConfig)
    staffing: StaffingConfig = field(default_factory=StaffingConfig)
    capacity: CapacityConfig | None = None  # the optional [capacity] section (staffcast.capacity_config)
    intraday: IntradayConfig = field(default_factory=IntradayConfig)  # [intraday] (staffcast.intraday_config)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def channel_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.channels)

    def channel(self, name: str) -> ChannelConfig:
        for c in self.channels:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def week_dates(self) -> tuple[dt.date, ...]:
        return tuple(self.week_start + dt.timedelta(days=i) for i in range(7))


# ---------------------------------------------------------------- parsing helpers


class _Toml:
    """Reads keys out of a parsed TOML table and reports mistakes with the line number."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, section: str, index: int | None, key: str | None) -> int | None:
        """Line (1-based) of `key` inside `[section]` or the index-th `[[section]]`."""
        seen = -1
        inside = False
        header_line = None
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            if line.startswith("["):
                name = line.strip("[]").strip()
                inside = name == section and (index is None or seen + 1 == index)
                if name == section and line.startswith("[["):
                    seen += 1
                    inside = seen == index
                if inside:
                    header_line = number
                continue
            if inside and key and re.match(rf"{re.escape(key)}\s*=", line):
                return number
        return header_line

    def error(self, section: str, index: int | None, key: str | None, message: str):
        label = section if index is None else f"{section}[{index + 1}]"
        column = f"{label}.{key}" if key else label
        return InputError(self.path, message, row=self.line_of(section, index, key), column=column)


def _check_keys(toml: _Toml, table: dict, allowed: set[str], section: str, index=None):
    for key in table:
        if key not in allowed:
            raise toml.error(
                section, index, key, f"unknown key; expected one of {', '.join(sorted(allowed))}"
            )


def _number(toml, table, section, index, key, *, default=None, low=None, high=None,
            low_open=False, high_open=False, integer=False, required=False):
    if key not in table:
        if required:
            raise toml.error(section, index, None, f"missing required key {key!r}")
        return default
    value = table[key]
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type or (isinstance(value, float) and math.isnan(value)):
        kind = "an integer" if integer else "a number"
        raise toml.error(section, index, key, f"expected {kind}, got {describe(value)}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        rng = f"{lo}{low if low is not None else '-inf'}, {high if high is not None else 'inf'}{hi}"
        raise toml.error(section, index, key, f"expected a number in {rng}, got {value}")
    return value


def _clock(text: str) -> int | None:
    """Minutes after midnight of "HH:MM" (24:00 allowed), or None when malformed."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if not m:
        return None
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def parse_start_times(text: str) -> tuple[dt.time, ...] | None:
    """Parse "07:00-14:00/30min" (inclusive range, step) into times; None when malformed."""
    m = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*/\s*(\d+)\s*min\s*", text)
    if not m:
        return None
    first, last, step = _clock(m.group(1)), _clock(m.group(2)), int(m.group(3))
    if first is None or last is None or step <= 0 or last < first or last >= 24 * 60:
        return None
    return tuple(dt.time(t // 60, t % 60) for t in range(first, last + 1, step))


def _start_item(item: object) -> tuple[dt.time, ...] | None:
    """One entry of start_times: a range "07:00-14:00/30min" or a single "23:00"."""
    if not isinstance(item, str):
        return None
    if "-" in item:
        return parse_start_times(item)
    clock = _clock(item)
    return None if clock is None or clock >= 24 * 60 else (dt.time(clock // 60, clock % 60),)


# ---------------------------------------------------------------- sections

_CHANNEL_KEYS = {
    "name", "kind", "service_level", "answer_seconds", "asa_seconds", "max_occupancy",
    "shrinkage", "patience_seconds", "concurrency", "concurrency_slowdown", "response_hours",
    "open_hours", "importance",
}


def _channel(toml: _Toml, table: dict, index: int) -> ChannelConfig:
    sec = "channel"
    _check_keys(toml, table, _CHANNEL_KEYS, sec, index)
    name = table.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name.strip().lower()):
        text = name.strip().lower() if isinstance(name, str) else ""
        bad = next((c for i, c in enumerate(text) if not (c in "abcdefghijklmnopqrstuvwxyz"
                                                          or (i and c in "0123456789_"))), None)
        why = (f" ({bad!r} is not allowed: channel names are ASCII a-z, 0-9 and _, starting with a letter, "
               "as they are keys in every file and in ;-lists; agent IDs may be any UTF-8)" if bad is not None
               else "")
        raise toml.error(sec, index, "name", f"expected a channel name like \"voice\", got {describe(name)}{why}")
    kind = table.get("kind", "queue")
    if kind not in ("queue", "deferred"):
        raise toml.error(sec, index, "kind", f'expected "queue" or "deferred", got {describe(kind)}')
    num = lambda key, **kw: _number(toml, table, sec, index, key, **kw)  # noqa: E731
    shrinkage = num("shrinkage", default=0.0, low=0.0, high=1.0, high_open=True)
    open_text = table.get("open_hours", "00:00-24:00")
    m = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*", str(open_text))
    start = _clock(m.group(1)) if m else None
    end = _clock(m.group(2)) if m else None
    if start is None or end is None or end <= start or start % 1 or start >= 24 * 60:
        raise toml.error(sec, index, "open_hours",
                         f'expected "HH:MM-HH:MM" with end after start, got {describe(open_text)}')
    common = dict(
        name=name.strip().lower(), kind=kind, shrinkage=float(shrinkage),
        open_from=dt.time(start // 60, start % 60), open_until_minutes=end,
        importance=float(num("importance", default=1.0, low=0.0, low_open=True)),
    )
    if kind == "deferred":
        for key in ("service_level", "answer_seconds", "asa_seconds", "max_occupancy",
                    "patience_seconds", "concurrency", "concurrency_slowdown"):
            if key in table:
                raise toml.error(sec, index, key, "not used by a deferred channel; remove it")
        hours = num("response_hours", required=True, low=0.0, low_open=True)
        return ChannelConfig(**common, response_hours=float(hours))
    if "response_hours" in table:
        raise toml.error(sec, index, "response_hours", 'only for kind = "deferred"; remove it')
    sl = num("service_level", required=True, low=0.0, high=1.0, low_open=True, high_open=True)
    answer = num("answer_seconds", required=True, low=0.0, low_open=True)
    asa = num("asa_seconds", low=0.0, low_open=True)
    occ = num("max_occupancy", low=0.0, high=1.0, low_open=True)
    patience = num("patience_seconds", low=0.0, low_open=True)
    conc = num("concurrency", default=1, low=1, high=20, integer=True)
    slow = num("concurrency_slowdown", default=0.0, low=0.0, high=2.0)
    return ChannelConfig(
        **common, service_level=float(sl), answer_seconds=float(answer),
        asa_seconds=None if asa is None else float(asa),
        max_occupancy=None if occ is None else float(occ),
        patience_seconds=None if patience is None else float(patience),
        concurrency=int(conc), concurrency_slowdown=float(slow),
    )


def _shifts(toml: _Toml, table: dict, interval_minutes: int) -> ShiftConfig:
    sec = "shifts"
    _check_keys(toml, table, {"lengths_hours", "start_times", "break_minutes",
                              "break_not_first_hours", "break_not_last_hours", "short_breaks",
                              "short_break_minutes"}, sec)
    lengths = table.get("lengths_hours")
    if (not isinstance(lengths, list) or not lengths
            or any(isinstance(x, bool) or not isinstance(x, int | float) or not 1 <= x <= 16
                   for x in lengths)):
        raise toml.error(sec, None, "lengths_hours",
                         f"expected a list of hours between 1 and 16, got {describe(lengths)}")
    for x in lengths:
        if round(x * 60) % interval_minutes:
            raise toml.error(sec, None, "lengths_hours",
                             f"shift length {x} h is not a multiple of {interval_minutes} minutes")
    raw_starts = table.get("start_times")
    items = [raw_starts] if isinstance(raw_starts, str) else raw_starts
    starts: tuple[dt.time, ...] | None = None
    if isinstance(items, list) and items:
        parts = [_start_item(item) for item in items]
        starts = None if None in parts else tuple(t for part in parts for t in part)
    if not starts:
        raise toml.error(sec, None, "start_times",
                         f'expected "HH:MM-HH:MM/NNmin", "HH:MM" or a list of them, got {describe(raw_starts)}')
    if len(set(starts)) != len(starts):
        raise toml.error(sec, None, "start_times", "start times overlap (a time is listed twice)")
    for t in starts:
        if (t.hour * 60 + t.minute) % interval_minutes:
            raise toml.error(sec, None, "start_times",
                             f"start {t:%H:%M} is not on the {interval_minutes}-minute grid")
    num = lambda key, **kw: _number(toml, table, sec, None, key, **kw)  # noqa: E731
    brk = int(num("break_minutes", default=60, low=0, high=240, integer=True))
    if brk % interval_minutes:
        raise toml.error(sec, None, "break_minutes",
                         f"expected a multiple of interval_minutes ({interval_minutes}), got {brk}")
    first = float(num("break_not_first_hours", default=2.0, low=0.0))
    last = float(num("break_not_last_hours", default=2.0, low=0.0))
    if brk and any(first * 60 + last * 60 + brk > x * 60 for x in lengths):
        raise toml.error(sec, None, "break_not_first_hours",
                         "the break window leaves no room for the break in the shortest shift")
    short = int(num("short_breaks", default=0, low=0, high=4, integer=True))
    short_minutes = int(num("short_break_minutes", default=15, low=5, high=60, integer=True))
    return ShiftConfig(tuple(float(x) for x in lengths), starts, brk, first, last, short,
                       short_minutes)


def _simple(toml, table, section, cls, spec):
    """Parse a flat section whose keys are all numbers; `spec` maps key -> bounds."""
    _check_keys(toml, table, set(spec), section)
    values = {}
    for key, kw in spec.items():
        value = _number(toml, table, section, None, key, **kw)
        if value is not None:
            values[key] = value
    return cls(**values)


# What a missing section must hold, quoted in the error that asks for it.
_SECTION_KEYS = {
    "planning": "timezone, interval_minutes, week_start",
    "shifts": "lengths_hours, start_times, break_minutes",
}
ROSTER = ("shifts",)
"""Sections a roster needs beyond `[planning]` and the channels."""


def _missing(path: Path, section: str, command: str | None) -> InputError:
    label = f"[{section}] section ({_SECTION_KEYS[section]})"
    return InputError(path, f"{command} needs the {label}" if command else f"missing the {label}")


def load_config(path: str | Path, *, needs: Collection[str] = ROSTER,
                command: str | None = None) -> PlanningConfig:
    """Read and validate `planning.toml`; raise InputError naming file, line and key.

    `[planning]` and at least one `[[channel]]` are always required. `needs` lists the
    further sections the caller uses: `ROSTER` (the default, so a config loaded without
    thought can build a roster) or `()` for forecasting, staffing and simulation, which
    then get `shifts=None` when the file has none. `[rules]`, `[weights]` and `[solver]`
    are never required: their defaults are documented on their classes. A section that
    is present is validated whether or not it is needed. `command` (e.g. "staffcast
    staff") names the caller in the one-line error about a missing section, which comes
    before any other work. A UTF-8 byte-order mark (as Windows editors write) is skipped.
    """
    path = Path(path)
    unknown = set(needs) - set(ROSTER)
    if unknown:
        raise ValueError(f"needs: unknown section(s) {sorted(unknown)}; expected some of {ROSTER}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the config: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, "not UTF-8 text; save the config as UTF-8",
                         row=raw[:exc.start].count(b"\n") + 1) from None
    toml = _Toml(path, text)
    try:
        doc: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise InputError(path, f"not valid TOML: {exc}", row=int(m.group(1)) if m else None) from None
    for key, value in doc.items():
        if key not in {"planning", "channel", "shifts", "rules", "weights", "solver", "staffing",
                       "capacity", "intraday", "queues", "channel_defaults"}:
            raise toml.error(key, None, None, "unknown section; expected planning, channel, queues, "
                             "channel_defaults, shifts, rules, weights, solver, staffing, capacity or intraday")
        if key == "channel":
            tables = isinstance(value, list) and all(isinstance(v, dict) for v in value)
        else:
            tables = isinstance(value, dict)
        if not tables:
            header = "[[channel]] tables" if key == "channel" else f"a [{key}] table"
            raise toml.error(key, None, None, f"expected {header}, got {describe(value)}")
    planning = doc.get("planning")
    if not isinstance(planning, dict):
        raise _missing(path, "planning", command)
    raw_channels = doc.get("channel", [])
    if not raw_channels and "queues" not in doc:
        subject = f"{command} needs" if command else "expected"
        raise InputError(path, f"{subject} at least one [[channel]] table (name, kind, service target) "
                         "or a [queues] table naming a queues file")
    if "channel_defaults" in doc and "queues" not in doc:
        raise toml.error("channel_defaults", None, None, "only used with a [queues] table (file = \"queues.csv\")")
    for section in needs:
        if section not in doc:
            raise _missing(path, section, command)
    _check_keys(toml, planning, {"timezone", "interval_minutes", "week_start"}, "planning")
    tz = planning.get("timezone")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        raise toml.error("planning", None, "timezone",
                         f'expected an IANA timezone like "Asia/Shanghai", got {describe(tz)}') from None
    interval = planning.get("interval_minutes")
    if interval not in (5, 10, 15, 20, 30, 60) or isinstance(interval, bool):
        raise toml.error("planning", None, "interval_minutes",
                         f"expected one of 5, 10, 15, 20, 30, 60, got {describe(interval)}")
    week_start = planning.get("week_start")
    if isinstance(week_start, str):
        try:
            week_start = dt.date.fromisoformat(week_start)
        except ValueError:
            week_start = None
    if not isinstance(week_start, dt.date) or isinstance(week_start, dt.datetime) \
            or week_start.weekday() != 0:
        raise toml.error("planning", None, "week_start",
                         f"expected the date of a Monday (YYYY-MM-DD), got {describe(planning.get('week_start'))}")
    channels = tuple(_channel(toml, table, i) for i, table in enumerate(raw_channels))
    names = [c.name for c in channels]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise toml.error("channel", i, "name", f"channel {name!r} is defined twice")
    for i, c in enumerate(channels):
        if c.open_from.minute % interval or c.open_until_minutes % interval:
            raise toml.error("channel", i, "open_hours",
                             f"open hours must lie on the {interval}-minute grid")
    if "queues" in doc:
        from staffcast.queues import read_queues

        channels += read_queues(toml, doc, int(interval), taken=tuple(names))
    shifts = _shifts(toml, doc["shifts"], interval) if "shifts" in doc else None
    rules = _simple(toml, doc.get("rules", {}), "rules", RulesConfig, {
        "max_days_per_week": dict(low=1, high=7, integer=True),
        "min_rest_hours": dict(low=0, high=48),
    })
    weights = _simple(toml, doc.get("weights", {}), "weights", WeightsConfig, {
        k: dict(low=0.0) for k in ("under_coverage", "short_interval", "over_coverage", "cost",
                                   "consecutive_days_off", "start_stability", "fairness")
    })
    solver = _simple(toml, doc.get("solver", {}), "solver", SolverConfig, {
        "time_limit_seconds": dict(low=0.0, low_open=True),
        "workers": dict(low=1, high=64, integer=True),
        "seed": dict(low=0, integer=True),
    })
    capacity = None
    if "capacity" in doc:
        from staffcast.capacity_config import parse_capacity

        capacity = parse_capacity(toml, doc["capacity"])
    return PlanningConfig(str(tz), int(interval), week_start, channels, shifts, rules,
                          weights, solver, staffing=_staffing(toml, doc.get("staffing", {})),
                          capacity=capacity,
                          intraday=parse_intraday(toml, doc.get("intraday", {}), int(interval)))


def _staffing(toml: _Toml, table: dict) -> StaffingConfig:
    """The optional `[staffing]` section: `method` = "sipp", "mol" or "isa"."""
    _check_keys(toml, table, {"method"}, "staffing")
    method = table.get("method", StaffingConfig.method)
    if method not in STAFFING_METHODS:
        raise toml.error("staffing", None, "method",
                         f'expected "sipp", "mol" or "isa", got {describe(method)}')
    return StaffingConfig(method)

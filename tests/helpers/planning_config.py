"""The one planning config the tests share, and the variants derived from it.

`BASE` has three channels (Erlang A voice, chat at concurrency 2, deferred email), shifts
and rules; tests/staffcast/test_config.py quotes its line numbers. A test that needs other
channels, hours or shifts derives them with `planning_toml` (or writes them with
`write_planning`) instead of keeping its own copy, so a schema change is made once.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

BASE = """\
[planning]
timezone = "Asia/Shanghai"
interval_minutes = 30
week_start = "2026-12-07"

[[channel]]
name = "voice"
kind = "queue"
service_level = 0.80
answer_seconds = 20
max_occupancy = 0.85
shrinkage = 0.30
patience_seconds = 180
open_hours = "08:00-22:00"

[[channel]]
name = "chat"
service_level = 0.8
answer_seconds = 60
shrinkage = 0.3
concurrency = 2

[[channel]]
name = "email"
kind = "deferred"
response_hours = 4
shrinkage = 0.30

[shifts]
lengths_hours = [8, 9]
start_times = "07:00-14:00/30min"
break_minutes = 60

[rules]
max_days_per_week = 5
min_rest_hours = 11
"""

SECTIONS = ("planning", "shifts", "rules", "weights", "solver", "capacity")


def _changed(table: dict, changes: dict) -> dict:
    """`table` with `changes` applied; a change to None removes the key."""
    out = {**table, **changes}
    return {key: value for key, value in out.items() if value is not None}


def channel(name: str, **changes) -> dict:
    """BASE's channel `name` as a table, with keys changed (None removes a key)."""
    tables = tomllib.loads(BASE)["channel"]
    return _changed(next(t for t in tables if t["name"] == name), changes)


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def render(doc: dict) -> str:
    """TOML text of a parsed planning config (tables of scalars and lists, as tomllib reads)."""
    blocks = []
    for section in ("planning", "channel", *SECTIONS[1:]):
        tables = doc.get(section, [] if section == "channel" else None)
        if tables is None:
            continue
        header = "[[channel]]" if section == "channel" else f"[{section}]"
        for table in tables if section == "channel" else [tables]:
            blocks.append("\n".join([header, *(f"{k} = {_value(v)}" for k, v in table.items())]))
    return "\n\n".join(blocks) + "\n"


def planning_toml(*, channels: list[dict] | None = None, without: tuple[str, ...] = (),
                  **sections: dict) -> str:
    """BASE with changes, as TOML text. `channels` replaces the channel list (build entries
    with `channel`); each keyword named after a section (planning, shifts, rules, weights,
    solver) changes keys of that section (None removes a key; a section BASE lacks is
    added); `without` drops whole sections, e.g. `without=("shifts", "rules")`."""
    unknown = (set(sections) - set(SECTIONS)) | (set(without) - {*SECTIONS, "channel"})
    if unknown:
        raise TypeError(f"unknown section(s) {sorted(unknown)}; expected {SECTIONS}")
    doc = tomllib.loads(BASE)
    if channels is not None:
        doc["channel"] = [dict(c) for c in channels]
    for section, changes in sections.items():
        doc[section] = _changed(doc.get(section, {}), changes)
    for section in without:
        doc.pop(section, None)
    return render(doc)


def write_planning(folder: Path, **changes) -> Path:
    """Write BASE, or `planning_toml(**changes)` when changes are given, as
    folder/planning.toml and return its path."""
    path = Path(folder) / "planning.toml"
    path.write_text(planning_toml(**changes) if changes else BASE, encoding="utf-8")
    return path

"""The queues table: many queues (channel x product x language x site) in one CSV or Parquet file.

A planning config names it in `[queues] file = "queues.csv"` (relative to the config) and
gives what the queues share in `[channel_defaults]`. Each row is one queue with the keys
of a `[[channel]]` table as columns (`name` required; an empty cell takes the default).
Every row is validated exactly as a `[[channel]]` table is (`staffcast.config._channel`):
a mistake in a cell names the file, its row (header = row 1) and the column; a mistake in
a default names the config line of `[channel_defaults]`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from staffcast.config import _CHANNEL_KEYS, ChannelConfig, _channel, _check_keys, _Toml
from staffcast.errors import InputError, describe
from staffcast.frame_io import read_frame

QUEUE_KEYS = frozenset({"file"})
DEFAULT_KEYS = frozenset(_CHANNEL_KEYS - {"name"})
_INTEGER_KEYS = {"concurrency"}
_TEXT_KEYS = {"name", "kind", "open_hours"}
_QUEUE_ONLY = {"service_level", "answer_seconds", "asa_seconds", "max_occupancy", "patience_seconds",
               "concurrency", "concurrency_slowdown"}
_DEFERRED_ONLY = {"response_hours"}


class _RowErrors:
    """Reports `_channel`'s mistakes at the table's row and column, or at the
    `[channel_defaults]` line when the value came from there."""

    def __init__(self, path: Path, row: int, toml: _Toml, from_defaults: set[str]) -> None:
        self.path, self.row, self.toml, self.from_defaults = path, row, toml, from_defaults

    def error(self, section: str, index: int | None, key: str | None, message: str) -> InputError:
        if key in self.from_defaults:
            return self.toml.error("channel_defaults", None, key, message)
        return InputError(self.path, message, row=self.row, column=key)


def _cell(key: str, value: object) -> object:
    """A cell as the TOML value it stands for: numbers from text, None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if key in _TEXT_KEYS:
            return text
        try:
            return int(text) if key in _INTEGER_KEYS and text.lstrip("+-").isdigit() else float(text)
        except ValueError:
            return text
    if key in _INTEGER_KEYS and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_queues(toml: _Toml, doc: dict, interval_minutes: int, taken: tuple[str, ...]) -> tuple[ChannelConfig, ...]:
    """The queues of the `[queues]` table's file, each merged over `[channel_defaults]`
    and validated as a `[[channel]]` table; `taken` are the names the config's
    `[[channel]]` tables already use (a queue may not repeat one)."""
    table = doc["queues"]
    _check_keys(toml, table, set(QUEUE_KEYS), "queues")
    name = table.get("file")
    if not isinstance(name, str) or not name.strip():
        raise toml.error("queues", None, "file", f'expected the queues table\'s file name, got {describe(name)}')
    defaults = doc.get("channel_defaults", {})
    _check_keys(toml, defaults, set(DEFAULT_KEYS), "channel_defaults")
    path = Path(name.strip())
    path = path if path.is_absolute() else toml.path.parent / path
    frame, first_row = read_frame(path)
    columns = [str(c) for c in frame.columns]
    if "name" not in columns:
        raise InputError(path, "missing column 'name' (one row per queue)", row=1)
    for column in columns:
        if column not in _CHANNEL_KEYS:
            raise InputError(path, f"unknown column; expected some of {', '.join(sorted(_CHANNEL_KEYS))}",
                             row=1, column=column)
    if frame.empty:
        raise InputError(path, "no queues (expected one row per queue)")
    seen = {n: None for n in taken}
    queues = []
    for i, record in enumerate(frame.to_dict("records")):
        row = i + first_row
        cells = {k: v for k, v in ((str(k), _cell(str(k), v)) for k, v in record.items()) if v is not None}
        kind = cells.get("kind", defaults.get("kind", "queue"))
        other = _QUEUE_ONLY if kind == "deferred" else _DEFERRED_ONLY if kind == "queue" else set()
        merged = {**{k: v for k, v in defaults.items() if k not in other}, **cells}
        errors = _RowErrors(path, row, toml, set(merged) - set(cells))
        queue = _channel(errors, merged, i)  # type: ignore[arg-type]
        if queue.name in seen:
            where = "a [[channel]] table" if seen[queue.name] is None else f"row {seen[queue.name]}"
            raise InputError(path, f"queue {queue.name!r} is defined twice (also {where})", row=row,
                             column="name")
        if queue.open_from.minute % interval_minutes or queue.open_until_minutes % interval_minutes:
            raise errors.error("channel", i, "open_hours", f"open hours must lie on the {interval_minutes}-minute grid")
        seen[queue.name] = row
        queues.append(queue)
    return tuple(queues)

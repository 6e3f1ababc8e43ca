"""What every stage shares: the user-error type and atomic file writing.

`forecast/` and `scheduler/` never import each other; both import this leaf module.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class InputError(Exception):
    """A mistake in a user's file or option, reported as one line.

    `row` is the line number a spreadsheet or text editor shows (the header is row 1,
    the first data row is row 2). The CLI prints ``error: <str(self)>`` and exits 2.
    """

    def __init__(
        self,
        file: str | os.PathLike[str],
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = Path(file).name if file else ""
        self.message = message
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        location = " ".join(where)
        if self.column is not None:
            location = f"{location}, column {self.column}" if location else f"column {self.column}"
        return f"{location}: {self.message}" if location else self.message


def describe(value: object) -> str:
    """Quote a bad value for an error message: one line, control characters escaped,
    shortened to 40 characters."""
    text = str(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return json.dumps(text, ensure_ascii=False)


@contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` only on success.

    A crash or error never leaves a half-written `target` behind.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; give the file normal permissions
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text_atomic(target: str | os.PathLike[str], text: str) -> None:
    """Write `text` (UTF-8) to `target` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_frame_atomic(frame, target: str | os.PathLike[str]) -> None:
    """Write a pandas frame as CSV or Parquet (by suffix) atomically.

    Timestamps are written in ISO 8601 with their UTC offset.
    """
    target = Path(target)
    with atomic_path(target) as tmp:
        if target.suffix.lower() == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)

"""The one error type every stage raises for a user's mistake, and how to quote a bad value.

A leaf module: `forecast/` and `scheduler/` both import it and never each other.
"""

from __future__ import annotations

import json
import os
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

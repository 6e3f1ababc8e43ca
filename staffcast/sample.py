"""The bundled sample's files, found as package data wherever staffcast is installed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from importlib.resources import as_file, files
from pathlib import Path

SAMPLE_FILES = ("history.parquet", "events.csv", "planning.toml", "agents.csv", "previous_roster.csv")


@contextmanager
def sample_files() -> Iterator[tuple[Path, ...]]:
    """Paths of the sample's history, events, planning config, agents and the roster of the
    week before (roster.csv as `run` writes it), valid inside the block."""
    with ExitStack() as stack:
        yield tuple(stack.enter_context(as_file(files("staffcast.data") / name)) for name in SAMPLE_FILES)

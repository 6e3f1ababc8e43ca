"""Atomic file writing: every output goes to a temporary name beside its target and is
renamed onto it only when complete, so a failed run never leaves a half-written file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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
    """Write a pandas frame (without its index) atomically: Parquet when the name ends in
    `.parquet` or `.pq`, else CSV.

    CSV is written as pandas' `to_csv(index=False)` writes it: timestamps in ISO 8601 with
    their UTC offset (`2026-12-07 08:00:00+08:00`), missing values as empty cells
    (`staffcast.frame_io`).
    """
    from staffcast import frame_io

    target = Path(target)
    with atomic_path(target) as tmp:
        frame_io.write_frame(frame, tmp, parquet=frame_io.is_parquet(target))

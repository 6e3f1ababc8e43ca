"""Output folders of `run`, `demo` and `schedule`: written fresh, swapped in when complete.

A run writes into a staging folder beside its target (`.NAME.staffcast-XXXX.tmp`); only
when every file is written does it add `manifest.json` and swap the staging folder in for
the target, whose old contents are then removed. So a folder holds the files of exactly
one run: never a new roster beside an old report, never last week's calendars of agents
who left. A run that fails or is interrupted removes its staging folder and leaves the
target as it was.

The target is checked before any work (`OutputFolder(...)` raises `InputError`): it must be
creatable and writable, and when it exists and is not empty it must hold only what an
earlier staffcast run listed in its manifest, unless `force=True` (`--force`).

`manifest.json` lists the command, its options, every input file with its SHA-256 and
size, and every file the run wrote (relative path, SHA-256, size). It carries no clock
time, so two identical runs write identical manifests.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from staffcast.errors import InputError
from staffcast.interrupt import deferred, rearm

MANIFEST = "manifest.json"
TOOL = "staffcast"


def sha256_of(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_inputs(inputs: Mapping[str, str | os.PathLike[str] | None]) -> dict[str, dict[str, object]]:
    """Name -> {file name, SHA-256, size} of each given input file (None skipped)."""
    out: dict[str, dict[str, object]] = {}
    for name, path in inputs.items():
        if path is None:
            continue
        path = Path(path)
        out[name] = {"file": path.name, "sha256": sha256_of(path), "bytes": path.stat().st_size}
    return out


def read_manifest(folder: Path) -> dict | None:
    """The staffcast manifest of `folder`, or None when it has none (or not one of ours)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != TOOL or not isinstance(data.get("files"), list):
        return None
    return data


def _relative_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


class OutputFolder:
    """A run's output folder. Create it before any work (it checks the target and makes
    the staging folder), write into `.path`, then `commit(...)`; use it as a context
    manager so a failure or Ctrl-C removes the staging folder.

    `option` names the command-line option in errors (`--out`); `inputs` are input paths
    that must not lie inside the target (a swap would remove them)."""

    def __init__(self, target: str | os.PathLike[str], *, force: bool = False, option: str = "--out",
                 inputs: Mapping[str, str | os.PathLike[str] | None] | None = None) -> None:
        self.target = Path(target)
        self.option = option
        self._check(force, inputs or {})
        try:
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.staffcast-", suffix=".tmp",
                                              dir=self.target.parent))
        except OSError as exc:
            raise self._error(f"cannot write beside it ({exc.strerror or exc})") from None
        self._done = self.committed = False
        _OPEN.append(self)

    # -- checks before any work --------------------------------------------------------
    def _error(self, message: str) -> InputError:
        return InputError("", f"{self.option} {self.target}: {message}")

    def _check(self, force: bool, inputs: Mapping[str, str | os.PathLike[str] | None]) -> None:
        target = self.target
        if target.name in ("", ".", ".."):
            target = self.target = Path(os.path.abspath(target))
        resolved = target.resolve()
        cwd = Path.cwd().resolve()
        if resolved == cwd or resolved in cwd.parents:
            raise self._error("is the current folder or holds it; name a folder of its own")
        for name, path in inputs.items():
            if path is not None and resolved in Path(path).resolve().parents:
                raise self._error(f"holds the {name.replace('_', ' ')} input {Path(path).name}, which "
                                  "replacing the folder would remove; name another folder")
        for parent in reversed(target.parents):
            if parent.exists() and not parent.is_dir():
                raise self._error(f"{parent} is a file, not a folder")
        if target.exists() and not target.is_dir():
            raise self._error("is a file, not a folder")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error(f"cannot create {target.parent} ({exc.strerror or exc})") from None
        if not os.access(target.parent, os.W_OK | os.X_OK):
            raise self._error(f"{target.parent} is not writable")
        if target.is_dir():
            if not os.access(target, os.W_OK | os.X_OK):
                raise self._error("is not writable")
            present = _relative_files(target)
            if present and not force:
                manifest = read_manifest(target)
                ours = {MANIFEST} | {f["path"] for f in manifest["files"]} if manifest else set()
                foreign = [p for p in present if p not in ours]
                if foreign:
                    shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
                    what = ("is not empty and was not written by staffcast" if manifest is None
                            else "holds files the last staffcast run did not write")
                    raise self._error(f"{what} ({shown}); name a new or empty folder, or pass --force "
                                      "to replace its contents")

    # -- the swap ----------------------------------------------------------------------
    def commit(self, *, command: str, options: Mapping[str, object],
               inputs: Mapping[str, Mapping[str, object]]) -> Path:
        """Write `manifest.json` (the command, `options`, `inputs` as `describe_inputs`
        gives them, and every file in the staging folder) and swap the staging folder in
        for the target. Returns the target."""
        rearm()  # the staging folder goes away on Ctrl-C even after a CP-SAT solve reset SIGINT
        files = [{"path": rel, "sha256": sha256_of(self.path / rel), "bytes": (self.path / rel).stat().st_size}
                 for rel in _relative_files(self.path) if rel != MANIFEST]
        manifest = {"tool": TOOL, "command": command, "options": _jsonable(options),
                    "inputs": _jsonable(inputs), "files": files}
        (self.path / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
        os.chmod(self.path, 0o777 & ~_umask())  # mkdtemp makes 0700; a normal folder
        old = None
        with deferred():
            if self.target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", suffix=".tmp",
                                            dir=self.target.parent))
                os.rmdir(old)
                os.replace(self.target, old)
            try:
                os.replace(self.path, self.target)
            except OSError:
                if old is not None:
                    os.replace(old, self.target)
                raise
            self._done = self.committed = True
            _forget(self)
            COMMITTED.append(self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return self.target

    def discard(self) -> None:
        """Remove the staging folder (the target is left as it was)."""
        if not self._done:
            shutil.rmtree(self.path, ignore_errors=True)
            self._done = True
        _forget(self)

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()


_OPEN: list[OutputFolder] = []
COMMITTED: list[Path] = []  # targets swapped in by this process, in order


def _forget(folder: OutputFolder) -> None:
    if folder in _OPEN:
        _OPEN.remove(folder)


def discard_open_folders() -> None:
    """Remove the staging folder of every OutputFolder neither committed nor discarded (the
    command line calls it when a command ends, however it ends; also run at exit)."""
    for folder in list(_OPEN):
        folder.discard()


atexit.register(discard_open_folders)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _jsonable(value):
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@contextlib.contextmanager
def output_folder(target: str | os.PathLike[str], **kwargs) -> Iterator[OutputFolder]:
    """`OutputFolder(target, **kwargs)` as a context manager (staging removed on failure)."""
    folder = OutputFolder(target, **kwargs)
    try:
        yield folder
    finally:
        folder.discard()

"""Ctrl-C (SIGINT) and SIGTERM sent to a real `staffcast run` / `demo` process at different
stages: exit 130 / 143 within 2 s, one line on stderr, no temporary file or folder left and
the output folder exactly as it was."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

HOOKS = {
    # the signal arrives while the exports are written (after the calendars, before the report)
    "exports": """
import os, signal, time
from staffcast.scheduler.outputs import calendars
_write = calendars.write_calendars
def write_calendars(*args, **kwargs):
    paths = _write(*args, **kwargs)
    os.kill(os.getpid(), signal.{sig})
    time.sleep(5)
    return paths
calendars.write_calendars = write_calendars
""",
    # the signal arrives 0.3 s into a CP-SAT solve of the roster
    "roster": """
import os, signal, threading
from ortools.sat.python import cp_model
_solve = cp_model.CpSolver.solve
def solve(self, *args, **kwargs):
    threading.Timer(0.3, os.kill, (os.getpid(), signal.{sig})).start()
    cp_model.CpSolver.solve = _solve
    return _solve(self, *args, **kwargs)
cp_model.CpSolver.solve = solve
cp_model.CpSolver.Solve = solve
""",
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(root: Path) -> list[str]:
    return [p.name for p in root.rglob("*") if p.name.endswith(".tmp") or ".staffcast-" in p.name]


def earlier_run(out: Path) -> dict[str, bytes]:
    """A folder as an earlier staffcast run left it (manifest listing its files)."""
    (out / "calendars").mkdir(parents=True)
    (out / "roster.csv").write_text("agent_id,date\nOLD,2026-11-30\n")
    (out / "calendars" / "OLD.ics").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    files = [{"path": p, "sha256": "", "bytes": 0} for p in ("roster.csv", "calendars/OLD.ics")]
    (out / "manifest.json").write_text(json.dumps({"tool": "staffcast", "files": files}))
    return snapshot(out)


def start(args: list[str], hook: str = "", cwd: Path | None = None) -> subprocess.Popen:
    code = f"{hook}\nimport sys\nfrom staffcast.cli import app\nsys.argv = ['staffcast'] + {args!r}\napp()\n"
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=cwd)


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def check_stopped(code: int, err: str, signum: int, out: Path, before: dict[str, bytes], root: Path) -> None:
    assert code == 128 + signum, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"interrupted by {signal.Signals(signum).name}: stopped"), err
    assert "is as it was" in lines[0]
    assert snapshot(out) == before
    assert leftovers(root) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_backtest_stops_run(tmp_path, signum, small_case, run_args):
    paths = small_case(tmp_path / "in")
    out = tmp_path / "out"
    before = earlier_run(out)
    proc = start(run_args(paths, out))
    seen = threading.Event()

    def watch():
        for line in proc.stdout:
            if line.startswith("12 agents; roster week starts"):  # printed as the backtest starts
                seen.set()
                return

    threading.Thread(target=watch, daemon=True).start()
    assert seen.wait(60), "run never reached the backtest"
    proc.send_signal(signum)
    sent = time.monotonic()
    code = proc.wait(timeout=30)
    assert time.monotonic() - sent < 2.0
    check_stopped(code, proc.stderr.read(), signum, out, before, tmp_path)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_exports_leaves_the_old_folder(tmp_path, signum, small_case, run_args):
    paths = small_case(tmp_path / "in")
    out = tmp_path / "out"
    before = earlier_run(out)
    sent = time.monotonic()
    code, _, err = finish(start(run_args(paths, out, "--time-limit", "2"),
                                HOOKS["exports"].format(sig=signal.Signals(signum).name)))
    assert time.monotonic() - sent < 60
    check_stopped(code, err, signum, out, before, tmp_path)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_a_roster_solve_stops_within_2_s(tmp_path, signum, small_case, run_args):
    paths = small_case(tmp_path / "in")
    out = tmp_path / "out"
    before = earlier_run(out)
    proc = start(run_args(paths, out, "--time-limit", "30"), HOOKS["roster"].format(sig=signal.Signals(signum).name))
    code, _, err = finish(proc)
    check_stopped(code, err, signum, out, before, tmp_path)
    # elapsed from the signal is bounded by the run: without the fix the solve runs its 30 s


def test_ctrl_c_stops_demo_while_it_reads_the_sample(tmp_path):
    out = tmp_path / "demo-out"
    proc = start(["demo", "--out", str(out), "--folds", "1", "--time-limit", "5"], cwd=tmp_path)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    code = proc.wait(timeout=30)
    assert time.monotonic() - sent < 2.0
    err = proc.stderr.read()
    assert code == 130 and len(err.strip().splitlines()) == 1 and err.startswith("interrupted by SIGINT"), err
    assert not out.exists() and leftovers(tmp_path) == []

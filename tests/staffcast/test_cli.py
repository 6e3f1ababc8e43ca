"""CLI: every command has --help; user mistakes exit 2 with one line; --help stays light."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from staffcast import cli

runner = CliRunner()
COMMANDS = [c.name or c.callback.__name__ for c in cli.app.registered_commands]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_for_every_command(command):
    result = runner.invoke(cli.app, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_help_does_not_import_the_engines():
    code = "import staffcast.cli, sys; print(sorted(m for m in ('pandas', 'ortools', 'statsmodels', 'matplotlib') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_user_error_exits_2_with_one_line(tmp_path, sample_dir):
    sample = tmp_path / "data"
    shutil.copytree(sample_dir, sample, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (sample / "planning.toml").read_text()
    (sample / "planning.toml").write_text(text.replace("service_level = 0.80", "service_level = 80", 1))
    result = runner.invoke(cli.app, ["run", str(sample / "history.parquet"), "--events", str(sample / "events.csv"),
                                     "--config", str(sample / "planning.toml"), "--agents", str(sample / "agents.csv"),
                                     "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: planning.toml row "), result.stderr
    assert "channel[1].service_level: expected a number in (0.0, 1.0), got 80" in lines[0]


def test_atomic_write_leaves_no_partial_file_and_normal_permissions(tmp_path):
    import os

    from staffcast.files import atomic_path, write_text_atomic

    target = tmp_path / "out.csv"
    write_text_atomic(target, "a,b\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "a,b\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]

"""The wheel as a user gets it: built from the source, installed into a fresh virtualenv.

Every other test imports staffcast from the checkout (an editable install), where a module
left out of the wheel, a sample file missing from the package data or an import of a
path in the repository still works. Here the wheel is built by pip from a copy of the
source tree (the checkout's own build/ folder is neither created nor reused, so the
wheel holds nothing stale), its contents are checked, and it is installed with its
dependencies into a new virtualenv that cannot see the checkout: run from a temporary
folder, no PYTHONPATH, no user site. `staffcast demo` must then produce the roster,
coverage and report from the packaged sample alone.
"""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
import zipfile
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PROJECT["tool"]["setuptools"]
NAME = PROJECT["project"]["name"]
VERSION = PROJECT["project"]["version"]
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
SAMPLE = ("history.parquet", "events.csv", "planning.toml", "agents.csv")

# What a fresh clone does not have (mirrors .gitignore), left out of the copy built from.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache",
                                    ".ruff_cache", ".hypothesis", ".ipynb_checkpoints", "demo-out", "out")


def run(args, *, cwd: Path, env: dict[str, str] | None = None, timeout: float) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, (f"{' '.join(map(str, args))} exited {done.returncode}\n"
                                  f"--- stdout\n{done.stdout[-6000:]}\n--- stderr\n{done.stderr[-6000:]}")
    return done


def isolated_env(venv: Path) -> dict[str, str]:
    """The environment of a user who installed the wheel: nothing points at the checkout or
    at the test run's own virtualenv (pip's configuration, e.g. its index, is kept)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV",
                        "PYTHONSAFEPATH", "__PYVENV_LAUNCHER__")}
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *[p for p in env.get("PATH", "").split(os.pathsep)
                                                         if p and not Path(p).resolve().is_relative_to(ROOT)]])
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip builds from a copy of the source tree (links kept as links)."""
    src = tmp_path_factory.mktemp("src") / NAME
    shutil.copytree(ROOT, src, symlinks=True, ignore=NOT_SOURCE)
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src], cwd=dist, timeout=600)
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A new virtualenv (not seeing the checkout's packages) with the wheel and its dependencies."""
    venv = tmp_path_factory.mktemp("venv") / "fresh"
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    run([sys.executable, "-m", "venv", venv], cwd=elsewhere, timeout=300)
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=elsewhere, env=isolated_env(venv),
        timeout=1800)
    return venv


def test_wheel_holds_only_the_staffcast_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {PurePosixPath(n).parts[0] for n in names}
    assert tops == {"staffcast", DIST_INFO}, sorted(tops)


def expected_modules() -> set[str]:
    """Every .py file under the folders pyproject maps into the package, at its path in the wheel."""
    mapping = SETUPTOOLS["package-dir"]
    expected = set()
    for package in SETUPTOOLS["packages"]:
        base = max((p for p in mapping if package == p or package.startswith(p + ".")), key=len)
        folder = ROOT / mapping[base] / Path(*package[len(base):].lstrip(".").split(".")) if package != base \
            else ROOT / mapping[base]
        expected |= {"/".join([*package.split("."), p.name]) for p in folder.glob("*.py")}
    return expected


def test_wheel_holds_every_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = expected_modules() - names
    assert not missing, sorted(missing)
    for module in ("staffcast/cli.py", "staffcast/pipeline.py", "staffcast/forecast/api.py",
                   "staffcast/scheduler/roster/build.py", "staffcast/data/__init__.py"):
        assert module in names


def test_wheel_holds_the_sample_as_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in SAMPLE:
        assert f"staffcast/data/{name}" in names
    patterns = SETUPTOOLS["package-data"]["staffcast.data"]
    data_files = [p.name for p in (ROOT / "data").iterdir() if any(fnmatch(p.name, pat) for pat in patterns)]
    missing = [n for n in data_files if f"staffcast/data/{n}" not in names]
    assert not missing, missing
    with zipfile.ZipFile(wheel) as zf:
        assert zf.read("staffcast/data/history.parquet") == (ROOT / "data" / "history.parquet").read_bytes()


def test_cli_is_a_real_file_in_the_wheel(wheel):
    """staffcast/cli.py is a link in the checkout; the wheel must carry the file it points to."""
    with zipfile.ZipFile(wheel) as zf:
        info = zf.getinfo("staffcast/cli.py")
        mode = info.external_attr >> 16
        assert not stat.S_ISLNK(mode), "cli.py stored as a symbolic link"
        assert zf.read(info) == (ROOT / "cli.py").read_bytes()


def test_metadata_license_is_spdx(wheel):
    with zipfile.ZipFile(wheel) as zf:
        meta = email.parser.Parser().parsestr(zf.read(f"{DIST_INFO}/METADATA").decode())
        entry_points = zf.read(f"{DIST_INFO}/entry_points.txt").decode()
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["License"] is None  # the deprecated free-text field is not written alongside
    assert tuple(int(x) for x in meta["Metadata-Version"].split(".")) >= (2, 4)
    assert meta["Name"] == NAME and meta["Version"] == VERSION
    assert "staffcast = staffcast.cli:app" in entry_points


def test_installed_package_comes_from_the_venv(venv, tmp_path):
    code = ("import json, sys, importlib.util, staffcast, staffcast.forecast, staffcast.scheduler, "
            "staffcast.data, staffcast.cli, sysconfig\n"
            "print(json.dumps({'files': [m.__file__ for m in (staffcast, staffcast.forecast, staffcast.scheduler, "
            "staffcast.data, staffcast.cli)], 'purelib': sysconfig.get_paths()['purelib'], 'path': sys.path, "
            "'old': {n: importlib.util.find_spec(n) is not None for n in ('forecast', 'scheduler', 'cli', 'data')}}))")
    out = json.loads(run([venv / "bin" / "python", "-c", code], cwd=tmp_path, env=isolated_env(venv),
                         timeout=300).stdout)
    purelib = Path(out["purelib"]).resolve()
    assert purelib.is_relative_to(venv.resolve())
    for file in out["files"]:
        assert Path(file).resolve().is_relative_to(purelib), file
        assert not Path(file).resolve().is_relative_to(ROOT), file
    assert not [p for p in out["path"] if p and Path(p).resolve().is_relative_to(ROOT)], out["path"]
    assert not any(out["old"].values()), f"pre-package top-level names importable: {out['old']}"


def test_demo_runs_from_the_installed_wheel(venv, tmp_path):
    out = tmp_path / "OUT"
    run([venv / "bin" / "staffcast", "demo", "--out", out, "--time-limit", "30", "--folds", "1"], cwd=tmp_path,
        env=isolated_env(venv), timeout=1200)
    for name in ("roster.csv", "coverage.csv", "report.html"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert len((out / "roster.csv").read_text(encoding="utf-8").splitlines()) > 1
    assert "<html" in (out / "report.html").read_text(encoding="utf-8").lower()

"""Fan-out per queue on real clusters: serial, a LocalCluster of processes (--workers 2) and a
cluster started from the command line (`dask scheduler` + two `dask worker` processes on
127.0.0.1) write the same forecast and requirements files byte for byte."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from queue_cases import write_queue_case
from team_cases import write_team_case
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.fanout import map_queues

DASK = Path(sys.executable).with_name("dask")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def command_line_cluster(tmp_path_factory):
    """`tcp://127.0.0.1:PORT` of a scheduler and two single-threaded workers, stopped after the module."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("dask") / "cluster.log"
    with log.open("wb") as sink:
        procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], stdout=sink, stderr=sink)]
        procs += [subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                    "--no-dashboard", "--host", "127.0.0.1"], stdout=sink, stderr=sink)
                  for _ in range(2)]
        try:
            from dask.distributed import Client

            with Client(address, timeout=30) as client:
                client.wait_for_workers(2, timeout=60)
            yield address
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("queues")
    config, _, history = write_queue_case(folder, queues=4, weeks=5)
    return folder, config, history


def _forecast(case, out: Path, *extra: str) -> bytes:
    folder, config, history = case
    result = CliRunner().invoke(app, ["forecast", str(history), "-c", str(config), "--out", str(out),
                                      "--horizon-days", "7", "--model", "profile", *extra])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def _staff(case, forecast: Path, out: Path, *extra: str) -> bytes:
    folder, config, _ = case
    result = CliRunner().invoke(app, ["staff", str(forecast), "-c", str(config), "--out", str(out),
                                      "--method", "sipp", *extra])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_local_and_command_line_clusters_match_serial_byte_for_byte(case, command_line_cluster):
    folder = case[0]
    serial = _forecast(case, folder / "serial.csv", "--workers", "1")
    local = _forecast(case, folder / "local.csv", "--workers", "2")
    remote = _forecast(case, folder / "remote.csv", "--scheduler", command_line_cluster)
    assert serial == local == remote
    frame = pd.read_csv(folder / "serial.csv")
    assert list(frame["channel"].drop_duplicates()) == ["q000", "q001", "q002", "q003"]
    assert (frame["volume"] > 0).all() and len(frame) == 4 * 7 * 12
    staffed = [_staff(case, folder / "serial.csv", folder / f"req_{name}.csv", *extra)
               for name, extra in [("serial", ()), ("local", ("--workers", "2")),
                                   ("remote", ("--scheduler", command_line_cluster))]]
    assert staffed[0] == staffed[1] == staffed[2]
    joint = _staff(case, folder / "serial.csv", folder / "req_joint.csv")
    assert joint == staffed[0]  # staffing is per queue already: the fan-out changes nothing


def test_each_queue_reads_only_its_rows_and_errors_come_back_as_one_line(case, command_line_cluster):
    folder, config, history = case
    frame = pd.read_parquet(history)
    frame.loc[frame.index[frame["channel"] == "q002"][3], "volume"] = -1.0
    bad = folder / "bad.parquet"
    frame.to_parquet(bad, index=False)
    for extra in (["--workers", "1"], ["--scheduler", command_line_cluster]):
        result = CliRunner().invoke(app, ["forecast", str(bad), "-c", str(config), "--out", str(folder / "x.csv"),
                                          "--model", "profile", *extra])
        assert result.exit_code == 2, result.output
        assert "bad[channel=q002].parquet row 4, column volume: expected a number >= 0" in result.output
        assert not (folder / "x.csv").exists()


def test_map_queues_keeps_order_and_reports_progress(command_line_cluster, tmp_path):
    seen = []
    assert map_queues(abs, [0, -1, 2, -3, 4, -5], scheduler=command_line_cluster,
                      progress=lambda d, t: seen.append((d, t))) == [0, 1, 2, 3, 4, 5]
    assert seen[-1] == (6, 6) and len(seen) == 6
    with pytest.raises(InputError, match="^missing.toml: cannot read the config"):
        map_queues(load_config, [tmp_path / "missing.toml"] * 2, scheduler=command_line_cluster)
    assert map_queues(abs, [-3]) == [3]
    start = time.perf_counter()
    assert map_queues(abs, [-2, 3]) == [2, 3] and time.perf_counter() - start < 1  # serial: no cluster


def test_backtest_fanned_out_matches_serial_byte_for_byte(case, command_line_cluster):
    folder, config, history = case
    written = []
    for name, extra in [("serial", ["--workers", "1"]), ("local", ["--workers", "2"]),
                        ("remote", ["--scheduler", command_line_cluster])]:
        out = folder / f"backtest_{name}.csv"
        result = CliRunner().invoke(app, ["backtest", str(history), "-c", str(config), "--out", str(out),
                                          "--folds", "2", "--horizon-days", "7", "--model", "profile", *extra])
        assert result.exit_code == 0, result.output
        written.append(out.read_bytes())
    assert written[0] == written[1] == written[2]
    metrics = pd.read_csv(folder / "backtest_serial.csv")
    assert list(metrics["channel"].drop_duplicates()) == ["q000", "q001", "q002", "q003"]
    assert len(metrics) == 4 * 2 and metrics["chosen"].all()
    assert ((metrics["wape"] > 0) & (metrics["wape"] < 1)).all()


def test_run_fanned_out_up_to_the_requirements_matches_the_joint_run(command_line_cluster, small_case, run_args,
                                                                     tmp_path):
    paths = small_case(tmp_path / "case")
    written = {}
    for name, extra in [("joint", ()), ("serial", ("--workers", "1")),
                        ("remote", ("--scheduler", command_line_cluster))]:
        out = tmp_path / name
        result = CliRunner().invoke(app, run_args(paths, out, "--model", "profile", *extra))
        assert result.exit_code == 0, result.output
        written[name] = [(out / f).read_bytes() for f in ("forecast.csv", "requirements.csv", "backtest.csv")]
    assert written["joint"] == written["serial"] == written["remote"]  # one queue: per queue = joint
    needs = pd.read_csv(tmp_path / "remote" / "requirements.csv")
    assert needs["staff"].max() > 0 and (needs["staff"] >= needs["agents"]).all()


def test_schedule_teams_on_the_command_line_cluster_match_serial(command_line_cluster, tmp_path):
    """Each team's roster solve a task on `dask worker` processes (daemonic: the LP bound's child
    process must still start there): the same roster, coverage and per-team lines as serially."""
    args = write_team_case(tmp_path)
    written = {}
    for name, extra in [("serial", ()), ("remote", ("--scheduler", command_line_cluster))]:
        result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / name), *extra])
        assert result.exit_code == 0, result.output
        teams = [line for line in result.output.splitlines() if line.startswith("  team ")]
        assert len(teams) == 2 and "LP lower bound " in result.output, result.output
        written[name] = ([(tmp_path / name / f).read_bytes() for f in ("roster.csv", "coverage.csv")], teams)
    assert written["serial"] == written["remote"]

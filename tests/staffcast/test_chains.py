"""The tool accepts its own outputs: every documented chain of commands runs on the files
the previous command wrote (small case), and the small option mistakes are one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from staffcast import cli
from staffcast.config import load_config
from staffcast.scheduler.staffing.requirements import requirements

runner = CliRunner()


def ok(args):
    result = runner.invoke(cli.app, [str(a) for a in args])
    assert result.exit_code == 0, result.output + str(result.exception)
    return result


def test_forecast_staff_schedule_simulate_backtest_chain(tmp_path, small_case):
    p = small_case(tmp_path / "in")
    cfg, t = p["config"], tmp_path
    ok(["backtest", p["history"], "-c", cfg, "--out", t / "backtest.csv", "--folds", "1", "--horizon-days", "7"])
    ok(["forecast", p["history"], "-c", cfg, "--events", p["events"], "--out", t / "forecast.csv",
        "--horizon-days", "7", "--plot", t / "forecast.png"])
    for staff_to in ("volume", "volume_hi"):
        ok(["staff", t / "forecast.csv", "-c", cfg, "--out", t / f"req_{staff_to}.csv", "--staff-to", staff_to])
    ok(["simulate", t / "req_volume.csv", "-c", cfg, "--replications", "2", "--out", t / "sim_req.csv"])
    ok(["schedule", t / "req_volume.csv", "--agents", p["agents"], "--config", cfg, "--out", t / "week",
        "--time-limit", "2"])
    coverage = pd.read_csv(t / "week" / "coverage.csv")
    assert len(coverage) > len(pd.read_csv(t / "req_volume.csv"))  # coverage lists the closed hours too
    ok(["simulate", t / "week" / "coverage.csv", "-c", cfg, "--requirements", t / "req_volume.csv",
        "--replications", "2", "--out", t / "sim_cov.csv"])
    assert len(pd.read_csv(t / "sim_cov.csv")) == len(coverage)
    assert (t / "week" / "manifest.json").exists()
    # the next week, with this week's roster as --previous-roster (its ends bind the rest rule)
    next_cfg = t / "next.toml"
    next_cfg.write_text(Path(cfg).read_text().replace("2026-12-07", "2026-12-14"), encoding="utf-8")
    req = pd.read_csv(t / "req_volume.csv")
    req["interval_start"] = (pd.to_datetime(req["interval_start"]) + pd.Timedelta(days=7)).map(pd.Timestamp.isoformat)
    req.to_csv(t / "req_next.csv", index=False)
    ok(["schedule", t / "req_next.csv", "--agents", p["agents"], "--config", next_cfg, "--out", t / "next",
        "--time-limit", "2", "--previous-roster", t / "week" / "roster.csv"])
    assert len(pd.read_csv(t / "next" / "roster.csv")) > 0


def test_staff_to_volume_hi_on_a_channel_without_contacts(tmp_path, small_case):
    """The band is positive where the central forecast and its handle time are empty."""
    p = small_case(tmp_path / "in")
    cfg = load_config(p["config"], needs=())
    stamps = pd.date_range("2026-12-07 08:00", periods=3, freq="60min", tz=cfg.timezone)
    forecast = pd.DataFrame({"channel": "voice", "interval_start": stamps, "volume": [10.0, 0.0, 0.0],
                             "volume_lo": [8.0, 0.0, 0.0], "volume_hi": [12.0, 0.6, 0.6],
                             "aht_seconds": [300.0, float("nan"), float("nan")], "model": "x"})
    req = requirements(forecast, cfg, staff_to="volume_hi")
    assert req["aht_seconds"].tolist() == [300.0, 300.0, 300.0] and (req["agents"] >= 1).all()
    none = requirements(forecast.assign(volume=0.0, aht_seconds=float("nan")), cfg, staff_to="volume_hi")
    assert (none["agents"] == 0).all()


@pytest.mark.parametrize("args, message", [
    (["--backtest-days", "0"], "error: --backtest-days: expected a whole number of days >= 1, got 0"),
    (["--folds", "0"], "error: --folds: expected a whole number of backtest windows >= 1, got 0"),
    (["--model", "X"], "error: --model: expected one of auto, "),
    (["--time-limit", "-1"], "error: --time-limit: expected seconds > 0, got -1"),
    (["--folds", "two"], "error: Invalid value for '--folds': "),
])
def test_run_options_are_checked_before_any_work_on_one_line(tmp_path, small_case, run_args, args, message):
    p = small_case(tmp_path / "in")
    result = runner.invoke(cli.app, run_args(p, tmp_path / "out") + args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert "History" not in result.stdout and not (tmp_path / "out").exists()


def test_help_keeps_literal_brackets():
    result = runner.invoke(cli.app, ["run", "--help"])
    assert result.exit_code == 0 and "[solver]" in " ".join(result.stdout.split())


def test_headline_never_prints_nan():
    from staffcast.pipeline import _share

    assert _share(float("nan")) == "-" and _share(None) == "-" and _share(0.1234) == "12.3%"

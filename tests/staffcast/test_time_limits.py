"""`--time-limit` on `run`, `demo` and `schedule`: seconds > 0 or a one-line error before any
work; a limit too short for any roster is a one-line error with what to do, exit 2, nothing
in --out (real CP-SAT on the small case); each `--verify` re-solve is a roster solve of its
own under the same limit."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from staffcast import pipeline
from staffcast.cli import app
from staffcast.config import load_config
from staffcast.scheduler.roster import build
from staffcast.scheduler.staffing.requirements import requirements

runner = CliRunner()


def week_requirements(paths, out):
    """The small case's voice week (open 08:00-22:00) at 20 contacts an hour, staffed."""
    cfg = load_config(paths["config"], needs=())
    stamps = [pd.Timestamp(day).tz_localize(cfg.timezone) + pd.Timedelta(hours=h)
              for day in cfg.week_dates for h in range(8, 22)]
    forecast = pd.DataFrame({"channel": "voice", "interval_start": stamps, "volume": 20.0, "volume_lo": 16.0,
                             "volume_hi": 24.0, "aht_seconds": 300.0, "model": "x"})
    requirements(forecast, cfg).to_csv(out, index=False)
    return out


def schedule_args(paths, requirements_file, out, *extra):
    return ["schedule", str(requirements_file), "--agents", str(paths["agents"]), "--config", str(paths["config"]),
            "--out", str(out), *extra]


def assert_nothing_written(out):
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*")), "a staging folder was left behind"


def one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1, result.output
    return lines[0]


@pytest.mark.parametrize("command", ["run", "demo", "schedule"])
@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_time_limit_must_be_positive_on_every_command(tmp_path, small_case, run_args, command, value):
    paths = small_case(tmp_path / "in")
    out = tmp_path / "out"
    args = {"run": run_args(paths, out),
            "demo": ["demo", "--out", str(out), "--folds", "1"],
            "schedule": schedule_args(paths, tmp_path / "requirements.csv", out)}[command]
    line = one_error_line(runner.invoke(app, [*args, "--time-limit", value]))
    assert line == f"error: --time-limit: expected seconds > 0, got {value}"
    assert_nothing_written(out)


def test_schedule_times_out_before_any_roster(tmp_path, small_case):
    paths = small_case(tmp_path / "in")
    req = week_requirements(paths, tmp_path / "requirements.csv")
    out = tmp_path / "out"
    line = one_error_line(runner.invoke(app, schedule_args(paths, req, out, "--time-limit", "0.001")))
    assert line.startswith("error: no roster found within the time limit of 0.001 s (building the model took ")
    assert line.endswith("raise --time-limit ([solver] time_limit_seconds)")
    assert_nothing_written(out)
    # the same requirements give a roster when the limit leaves time for one
    result = runner.invoke(app, schedule_args(paths, req, out, "--time-limit", "3"))
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out / "roster.csv")) > 0


def test_run_times_out_before_any_roster_and_writes_nothing(tmp_path, small_case, run_args):
    paths = small_case(tmp_path / "in")
    out = tmp_path / "out"
    result = runner.invoke(app, run_args(paths, out, "--time-limit", "0.001"))
    line = one_error_line(result)
    assert line.startswith("error: no roster found within the time limit of 0.001 s"), line
    assert "raise --time-limit" in line and "Wrote" not in result.stdout
    assert_nothing_written(out)


def test_each_verify_resolve_is_its_own_solve_under_the_limit(tmp_path, small_case, monkeypatch):
    """Six agents cannot staff the week: the simulation misses, `verify=1` re-solves once.
    Each solve is a whole `build_roster` with the same limit (the stage takes at most
    (1 + verify) x the limit) and the progress says the re-solve has a new limit."""
    paths = small_case(tmp_path / "in", agents=6)
    inputs = pipeline.load_inputs(paths["history"], paths["events"], paths["config"], paths["agents"])
    limits, details = [], []
    real = build.build_roster

    def counted(*args, **kwargs):
        limits.append(kwargs["time_limit_seconds"])
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "build_roster", counted)
    plan = pipeline.plan_week(inputs, folds=1, backtest_days=1, time_limit_seconds=2.0, verify=1,
                              progress=lambda stage, done, total, detail: details.append((stage, total, detail)))
    assert plan.verify_rounds == 1 and limits == [2.0, 2.0]
    roster_totals = {total for stage, total, _ in details if stage == "roster"}
    assert roster_totals == {2.0}
    assert any(detail.startswith("verify 1/1: ") and detail.endswith("intervals raised, a new 2 s limit")
               for stage, _, detail in details if stage == "roster"), details

"""The forecast and backtest commands on real files: outputs, plot, exit codes."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from forecast_testdata import TZ, write_case
from planning_config import channel, planning_toml
from typer.testing import CliRunner

from staffcast.cli import app

# One 24-hour voice channel in the case's timezone; no [shifts] or [rules]: forecasting
# and backtesting read only [planning] and the channels.
PLANNING = planning_toml(
    planning={"timezone": TZ, "week_start": "2025-04-07"},
    channels=[channel("voice", max_occupancy=None, patience_seconds=None, open_hours=None)],
    without=("shifts", "rules"),
)


def _files(tmp_path):
    write_case(tmp_path, days=70, waves=[("2025-02-04", 3, 3000.0)], future=[("2025-03-18", 3, 6000.0)])
    (tmp_path / "planning.toml").write_text(PLANNING)
    return [str(tmp_path / "history.csv"), "--config", str(tmp_path / "planning.toml"),
            "--events", str(tmp_path / "events.csv")]


def test_forecast_command_writes_frame_and_plot(tmp_path):
    args = _files(tmp_path)
    out, png = tmp_path / "forecast.csv", tmp_path / "forecast.png"
    result = CliRunner().invoke(app, ["forecast", *args, "--horizon-days", "7", "--model", "waves",
                                      "--out", str(out), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert len(frame) == 7 * 24 and (frame["model"] == "waves").all()
    assert frame["interval_start"].str.endswith(("+01:00", "+02:00")).all()
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_backtest_command_prints_table_and_writes_metrics(tmp_path):
    args = _files(tmp_path)
    out = tmp_path / "metrics.csv"
    result = CliRunner().invoke(app, ["backtest", *args, "--folds", "2", "--horizon-days", "7", "--out", str(out)])
    assert result.exit_code == 0, result.output
    metrics = pd.read_csv(out)
    assert set(metrics["model"]) == {"snaive_week", "mean_3w", "profile", "waves"}
    assert (metrics["fold"].value_counts() == 4).all()
    assert "Backtest: 2 folds x 7 days" in result.output and "waves" in result.output


def test_bad_options_exit_2_with_one_line(tmp_path):
    args = _files(tmp_path)
    result = CliRunner().invoke(app, ["forecast", *args, "--horizon-days", "0", "--out", str(tmp_path / "f.csv")])
    assert result.exit_code == 2
    assert "error: --horizon-days: expected a whole number of days" in result.output
    result = CliRunner().invoke(app, ["backtest", *args, "--model", "arima", "--out", str(tmp_path / "m.csv")])
    assert result.exit_code == 2 and "--model: expected one of auto" in result.output
    assert not (tmp_path / "f.csv").exists() and not (tmp_path / "m.csv").exists()


def _plant_spike(tmp_path, day: str = "2025-03-12", factor: float = 1.6) -> None:
    """Multiply one day of history.csv by `factor`: a day no calendar explains."""
    path = tmp_path / "history.csv"
    history = pd.read_csv(path)
    on = history["interval_start"].str.startswith(day)
    history.loc[on, "volume"] = (history.loc[on, "volume"] * factor).round()
    history.to_csv(path, index=False)


def _reason_pattern(folds: int | None) -> str:
    count = r"\d+" if folds is None else str(folds)
    return (rf"(snaive_week|mean_3w|profile|waves) (0\.\d{{3}}) vs runner-up (snaive_week|mean_3w|profile|waves) "
            rf"(0\.\d{{3}}) \(median WAPE over {count} folds\): .+")


def test_backtest_command_says_why_each_model_was_chosen_and_lists_the_unexplained_day(tmp_path):
    args = _files(tmp_path)
    _plant_spike(tmp_path)
    out = tmp_path / "metrics.csv"
    result = CliRunner().invoke(app, ["backtest", *args, "--folds", "2", "--horizon-days", "7", "--out", str(out)])
    assert result.exit_code == 0, result.output
    metrics = pd.read_csv(out, keep_default_na=False)
    chosen = metrics[metrics["chosen"]]
    assert len(chosen) == 2 and chosen["model"].nunique() == 1  # one model, both folds
    reason = chosen["choice_reason"].iloc[0]
    assert (metrics["choice_reason"] == reason).all()
    match = re.fullmatch(_reason_pattern(2), reason)
    assert match and match[1] == chosen["model"].iloc[0] and match[3] != match[1]
    medians = metrics.groupby("model")["wape"].median()
    assert float(match[2]) == pytest.approx(medians[match[1]], abs=5e-4)
    assert float(match[4]) == pytest.approx(medians.drop(match[1]).min(), abs=5e-4)
    lines = result.output.splitlines()
    assert "Automatic choice per channel and why:" in lines and f"  voice: {reason}" in lines
    assert re.search(r"^  2025-03-12 voice \+[4-7]\d% unexplained: add an event\?$", result.output, re.M)
    assert set(metrics.loc[metrics["fold"] == 1, "unexplained_days"]) == {
        next(s for s in metrics["unexplained_days"] if s.startswith("2025-03-12 +"))}
    assert (metrics.loc[metrics["fold"] == 0, "unexplained_days"] == "").all()


def test_forecast_command_says_why_and_lists_the_unexplained_day(tmp_path):
    args = _files(tmp_path)
    _plant_spike(tmp_path)
    result = CliRunner().invoke(app, ["forecast", *args, "--horizon-days", "7", "--out", str(tmp_path / "f.csv")])
    assert result.exit_code == 0, result.output
    model = pd.read_csv(tmp_path / "f.csv")["model"].iloc[0]
    lines = result.output.splitlines()
    assert "Model per channel and why:" in lines
    why = next(line for line in lines if line.startswith("  voice: "))
    match = re.fullmatch(r"  voice: " + _reason_pattern(None), why)
    assert match and match[1] == model and match[3] != model
    assert re.search(r"^  2025-03-12 voice \+[4-7]\d% unexplained: add an event\?$", result.output, re.M)

"""`staffcast staff` and `staffcast simulate`: real files in, real files out, one-line errors."""

from __future__ import annotations

import math
import tomllib

import pandas as pd
import pytest
from planning_config import write_planning
from sample_paths import SAMPLE_DIR
from staffing_testdata import make_forecast
from typer.testing import CliRunner

from staffcast import cli
from staffcast.files import write_frame_atomic

runner = CliRunner()


@pytest.fixture
def files(tmp_path):
    config = tmp_path / "planning.toml"
    config.write_text((SAMPLE_DIR / "planning.toml").read_text(encoding="utf-8"), encoding="utf-8")
    forecast = tmp_path / "forecast.csv"
    write_frame_atomic(make_forecast(days=1), forecast)
    return tmp_path, config, forecast


def _one_line_error(result):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_staff_writes_the_requirements_frame(files):
    tmp, config, forecast = files
    out = tmp / "req.parquet"
    before = forecast.read_bytes()
    result = runner.invoke(cli.app, ["staff", str(forecast), "--config", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "peak" in result.stdout and "voice" in result.stdout
    req = pd.read_parquet(out)
    assert list(req.columns)[:9] == ["channel", "interval_start", "volume", "aht_seconds", "agents", "staff",
                                     "service_level", "asa_seconds", "occupancy"]
    assert str(req["interval_start"].dt.tz) == "Asia/Shanghai"
    assert (req["staff"] >= req["agents"]).all() and req["agents"].max() > 0
    assert forecast.read_bytes() == before  # input untouched
    hi = tmp / "req_hi.csv"
    result = runner.invoke(cli.app, ["staff", str(forecast), "-c", str(config), "--out", str(hi),
                                     "--staff-to", "volume_hi", "--deflection", "chat=0.3"])
    assert result.exit_code == 0, result.output
    risk = pd.read_csv(hi)
    assert risk.loc[risk.channel == "voice", "agents"].sum() > req.loc[req.channel == "voice", "agents"].sum()


def test_staff_user_errors_are_one_line(files):
    tmp, config, forecast = files
    frame = pd.read_csv(forecast)
    frame.loc[3, "channel"] = "fax"
    bad = tmp / "bad.csv"
    frame.to_csv(bad, index=False)
    line = _one_line_error(runner.invoke(cli.app, ["staff", str(bad), "-c", str(config), "--out",
                                                   str(tmp / "x.csv")]))
    assert "bad.csv row 5, column channel: expected one of voice, chat, email, social" in line
    frame = pd.read_csv(forecast)
    frame.loc[0, "volume"] = -2
    frame.to_csv(bad, index=False)
    line = _one_line_error(runner.invoke(cli.app, ["staff", str(bad), "-c", str(config), "--out",
                                                   str(tmp / "x.csv")]))
    assert "row 2, column volume" in line
    line = _one_line_error(runner.invoke(cli.app, ["staff", str(forecast), "-c", str(config), "--out",
                                                   str(tmp / "x.csv"), "--deflection", "chat=1.5"]))
    assert "--deflection" in line
    assert not (tmp / "x.csv").exists()


def test_simulate_requirements_and_coverage(files):
    tmp, config, forecast = files
    req = tmp / "req.csv"
    assert runner.invoke(cli.app, ["staff", str(forecast), "-c", str(config), "--out", str(req)]).exit_code == 0
    out = tmp / "sim.csv"
    result = runner.invoke(cli.app, ["simulate", str(req), "-c", str(config), "--out", str(out),
                                     "--replications", "4"])
    assert result.exit_code == 0, result.output
    sim = pd.read_csv(out)
    assert list(sim.columns) == ["channel", "interval_start", "sim_service_level", "sim_service_level_halfwidth",
                                 "sim_asa_seconds", "sim_abandon_rate"]
    assert sim["sim_service_level"].between(0, 1).all()
    frame = pd.read_csv(req)
    coverage = tmp / "coverage.csv"
    frame.assign(required=frame["staff"], scheduled=frame["staff"])[
        ["channel", "interval_start", "required", "scheduled"]].to_csv(coverage, index=False)
    line = _one_line_error(runner.invoke(cli.app, ["simulate", str(coverage), "-c", str(config)]))
    assert "--requirements" in line
    result = runner.invoke(cli.app, ["simulate", str(coverage), "-c", str(config), "--requirements", str(req),
                                     "--replications", "3"])
    assert result.exit_code == 0, result.output
    assert "simulated" in result.stdout


def _textbook_service_level(calls: float, aht: float, agents: int, answer: float, minutes: int = 30) -> float:
    """Erlang C service level from the textbook recursion (Erlang B, then C), written out
    here so the check does not lean on the code under test."""
    load = calls * aht / (minutes * 60)
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = load * blocking / (k + load * blocking)
    waits = agents * blocking / (agents - load * (1 - blocking))
    return 1 - waits * math.exp(-(agents - load) * answer / aht)


def _fewest_agents(calls: float, aht: float, target: float, answer: float) -> int:
    n = math.floor(calls * aht / 1800) + 1
    while _textbook_service_level(calls, aht, n, answer) < target:
        n += 1
    return n


def test_staff_needs_only_planning_and_a_channel_and_matches_erlang_c(tmp_path):
    """The worked example of the Erlang C literature (100 calls in 30 minutes, AHT 180 s,
    80% in 20 s: 10 Erlangs, 14 agents, 88.8%) and neighbouring loads, from a config with
    [planning] and one [[channel]] only."""
    config = write_planning(tmp_path, channels=[{"name": "voice", "service_level": 0.8, "answer_seconds": 20}],
                            without=("shifts", "rules"))
    assert set(tomllib.loads(config.read_text())) == {"planning", "channel"}
    cases = [(100, 180), (50, 180), (200, 180), (360, 240), (30, 300), (1000, 120)]
    starts = pd.date_range("2026-12-07 08:00", periods=len(cases), freq="30min", tz="Asia/Shanghai")
    forecast = pd.DataFrame({"channel": "voice", "interval_start": starts,
                             "volume": [float(c) for c, _ in cases], "aht_seconds": [float(a) for _, a in cases]})
    path = tmp_path / "forecast.csv"
    write_frame_atomic(forecast, path)
    out = tmp_path / "req.csv"
    result = runner.invoke(cli.app, ["staff", str(path), "-c", str(config), "--out", str(out), "--method", "sipp"])
    assert result.exit_code == 0, result.output
    req = pd.read_csv(out)
    assert _fewest_agents(100, 180, 0.8, 20) == 14  # the published figure
    assert req["agents"].iloc[0] == 14 and req["service_level"].iloc[0] == pytest.approx(0.8884, abs=5e-4)
    assert list(req["agents"]) == [_fewest_agents(c, a, 0.8, 20) for c, a in cases]
    assert (req["staff"] == req["agents"]).all()  # no shrinkage in the minimal config
    for row, (calls, aht) in zip(req.itertuples(), cases, strict=True):
        assert row.service_level == pytest.approx(_textbook_service_level(calls, aht, row.agents, 20), rel=1e-9)
    # the requirements simulate with the same minimal config
    result = runner.invoke(cli.app, ["simulate", str(out), "-c", str(config), "--replications", "2"])
    assert result.exit_code == 0, result.output


"""`staffcast demo` and `staffcast run` end to end on the bundled sample (reduced backtest and
solver time), every output checked against the others and re-verified by the roster checker."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from sample_paths import SAMPLE_DIR
from typer.testing import CliRunner

from staffcast import cli
from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.inputs.frames import read_requirements
from staffcast.scheduler.roster.results.checker import check_roster

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    result = runner.invoke(cli.app, ["demo", "--out", str(out), "--folds", "1", "--time-limit", "20"])
    assert result.exit_code == 0, result.output + str(result.exception)
    return out, result.output


def test_demo_writes_every_output(demo_out):
    out, output = demo_out
    for name in ("forecast.csv", "requirements.csv", "roster.csv", "coverage.csv", "simulation.csv",
                 "backtest.csv", "roster.xlsx", "report.html"):
        assert (out / name).stat().st_size > 0, name
    roster = pd.read_csv(out / "roster.csv")
    calendars = sorted(p.stem for p in (out / "calendars").glob("*.ics"))
    assert calendars == sorted(roster["agent_id"].unique())
    assert "voice peak staff" in output and "voice answered within 20 s (simulated)" in output
    assert "email answered within 4 h (simulated)" in output and "roster gap to LP lower bound" in output
    assert "report.html" in output
    assert not list(out.glob(".*.tmp"))  # no half-written files left behind


def test_demo_roster_obeys_every_rule_and_covers_the_wave(demo_out):
    out, _ = demo_out
    config = load_config(SAMPLE_DIR / "planning.toml")
    agents = load_agents(SAMPLE_DIR / "agents.csv", config)
    roster = pd.read_csv(out / "roster.csv")
    requirements = read_requirements(out / "requirements.csv", config)
    violations = check_roster(roster, agents, config, requirements=requirements)
    assert list(violations) == []
    forecast = pd.read_csv(out / "forecast.csv", parse_dates=["interval_start"])
    voice = forecast[forecast["channel"] == "voice"]
    daily = voice.groupby(voice["interval_start"].str[:10] if voice["interval_start"].dtype == object
                          else voice["interval_start"].dt.strftime("%Y-%m-%d"))["volume"].sum()
    # The Northwind migration wave (Tue 8 - Fri 11 Dec) lifts voice above the Monday before it.
    assert daily["2026-12-09"] > daily["2026-12-07"] * 1.1


def test_demo_says_why_each_channel_has_its_model(demo_out):
    """The summary and the report give, per channel, the model the forecast used, with its
    median backtest WAPE, the runner-up and the rule that decided."""
    import html
    import re

    out, output = demo_out
    used = pd.read_csv(out / "forecast.csv").groupby("channel")["model"].first()
    lines = output.splitlines()
    start = lines.index("Forecast model per channel and why:")
    reasons = dict(line.strip().split(": ", 1) for line in lines[start + 1:start + 1 + len(used)])
    assert sorted(reasons) == sorted(used.index)
    page = html.unescape((out / "report.html").read_text())
    assert "Forecast model per channel and why" in page
    for channel, reason in reasons.items():
        match = re.match(r"(\w+) (0\.\d{3}) vs runner-up (\w+) (0\.\d{3}) \(median WAPE over (\d+) folds?\): .+",
                         reason)
        assert match and match[1] == used[channel] and match[3] != match[1], reason
        assert reason in page


def test_report_shows_the_summary_figures(demo_out, tmp_path):
    """Every headline figure the command printed is on the rendered page as "label value"
    (text of the DOM in headless Chromium, not a substring of the base64 images)."""
    import html
    import re
    import subprocess

    from staffcast.report import CHROMIUM_FLAGS, find_chromium

    out, output = demo_out
    page = (out / "report.html").read_text()
    assert "<img" in page and "http://" not in page.replace("http://www.w3.org", "")
    browser = find_chromium()
    if browser is None:
        pytest.skip("headless Chromium is not installed (`make test` installs it)")
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          (out / "report.html").resolve().as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    dom = re.sub(r'src="data:[^"]*"', "", dom)  # never match inside an image
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom)))
    rows = [re.split(r"\s*│\s*", line.strip("│ ")) for line in output.splitlines() if line.count("│") == 3]
    figures = [(label, value) for label, value in rows if label and value and label != "figure"]
    assert any("peak staff" in label for label, _ in figures) and len(figures) >= 8
    for label, value in figures:
        assert f"{label} {value}" in text, (label, value)


def test_run_rejects_a_bad_agents_file_with_one_line(tmp_path):
    shutil.copy(SAMPLE_DIR / "agents.csv", tmp_path / "agents.csv")
    text = (tmp_path / "agents.csv").read_text().splitlines()
    text[5] = text[5].replace(",36,45,", ",36,thirty,", 1) if ",36,45," in text[5] else text[5] + "x"
    (tmp_path / "agents.csv").write_text("\n".join(text) + "\n")
    result = runner.invoke(cli.app, ["run", str(SAMPLE_DIR / "history.parquet"),
                                     "--events", str(SAMPLE_DIR / "events.csv"),
                                     "--config", str(SAMPLE_DIR / "planning.toml"),
                                     "--agents", str(tmp_path / "agents.csv"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: agents.csv row 6, column ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_week_start_inside_history_fails_before_any_work(tmp_path):
    from staffcast import pipeline

    config = (SAMPLE_DIR / "planning.toml").read_text().replace('week_start = "2026-12-07"',
                                                                      'week_start = "2026-11-30"')
    (tmp_path / "planning.toml").write_text(config)
    inputs = pipeline.load_inputs(SAMPLE_DIR / "history.parquet", SAMPLE_DIR / "events.csv",
                                  tmp_path / "planning.toml", SAMPLE_DIR / "agents.csv")
    stages = []
    with pytest.raises(InputError, match=r"^planning.toml, column planning.week_start: week_start 2026-11-30 "
                       r"is not after the end of history \(2026-12-06\)$"):
        pipeline.plan_week(inputs, progress=lambda stage, *rest: stages.append(stage))
    assert stages == []

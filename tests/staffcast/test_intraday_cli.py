"""`staffcast intraday` on bad plan folders: one line, exit 2, nothing written."""

from __future__ import annotations

from typer.testing import CliRunner

from staffcast.cli import app


def test_a_missing_plan_folder_is_one_line_and_writes_nothing(tmp_path):
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("channel,interval_start,volume,aht_seconds\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["intraday", "--plan", str(tmp_path / "nowhere"), "--actuals", str(actuals),
                                      "--now", "2026-12-09 10:00", "--out", str(out)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "--plan" in lines[0] and "expected the folder staffcast run or demo wrote" in lines[0]
    assert not out.exists()


def test_a_plan_folder_missing_a_file_names_it(tmp_path):
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "roster.csv").write_text("agent_id,date\n", encoding="utf-8")
    actuals = tmp_path / "actuals.csv"
    actuals.write_text("channel,interval_start,volume,aht_seconds\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["intraday", "--plan", str(plan), "--actuals", str(actuals),
                                      "--now", "2026-12-09 10:00", "--out", str(out)])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "error:" in result.output
    assert not out.exists()

"""`staffcast capacity --requirements`: real files in, the plan and its files out, one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook
from planning_config import planning_toml
from typer.testing import CliRunner

from staffcast import cli

runner = CliRunner()

CAPACITY = dict(attrition_per_week=0.01, lead_weeks=2, training_weeks=2, ramp=[0.5], class_size=[2, 6],
                cost_per_hire=3000, cost_per_fte_week=900, overtime_max_share=0.1, overtime_cost_factor=1.5,
                shortfall_cost_per_fte_week=5000, productive_hours_per_fte_week=32)


@pytest.fixture
def files(tmp_path):
    config = tmp_path / "planning.toml"
    config.write_text(planning_toml(capacity=CAPACITY), encoding="utf-8")
    agents = tmp_path / "agents.csv"
    rows = ["agent_id,name,channels,min_hours_week,max_hours_week"]
    rows += [f"V{i},Agent {i},voice,30,40" for i in range(10)] + [f"C{i},Agent {i},email;chat,30,40" for i in range(4)]
    agents.write_text("\n".join(rows) + "\n", encoding="utf-8")
    weeks = pd.date_range("2027-01-04", periods=12, freq="7D").strftime("%Y-%m-%d")
    need = pd.DataFrame({"week_start": list(weeks) * 2, "skill": ["voice"] * 12 + ["chat;email"] * 12,
                         "fte_required": [10] * 6 + [16] * 6 + [3.0] * 12})
    requirements = tmp_path / "weekly.csv"
    need.to_csv(requirements, index=False)
    return tmp_path, config, agents, requirements


def _run(tmp_path, config, agents, requirements, *extra):
    return runner.invoke(cli.app, ["capacity", "--requirements", str(requirements), "-c", str(config),
                                   "--agents", str(agents), "--out", str(tmp_path / "out"), *extra])


def test_plan_files_and_printed_plan(files):
    tmp_path, config, agents, requirements = files
    result = _run(*files)
    assert result.exit_code == 0, result.output
    plan = pd.read_csv(tmp_path / "out" / "plan.csv")
    assert list(plan.columns) == ["week_start", "skill", "fte_required", "heads", "productive_fte", "hires",
                                  "overtime_fte", "shortfall_fte", "cost"]
    assert len(plan) == 24
    voice = plan[plan["skill"] == "voice"]
    assert voice["hires"].sum() >= 6 and voice["hires"].iloc[:2].sum() == 0  # the jump needs a class, not before lead
    mixed = plan[plan["skill"] == "chat;email"]  # the agents' email;chat, in the config's channel order
    assert len(mixed) == 12 and mixed["hires"].sum() == 0  # 4 heads cover 3 FTE
    assert "Hiring plan" in result.output and "voice" in result.output
    for name in ("weekly.csv", "capacity.xlsx", "capacity.png", "capacity.html", "manifest.json"):
        assert (tmp_path / "out" / name).stat().st_size > 0
    sheet = load_workbook(tmp_path / "out" / "capacity.xlsx")["capacity"]
    assert sheet.max_row == 25
    assert plan["cost"].sum() > 900 * 14 * 12 * 0.9


@pytest.mark.parametrize(("edit", "message"), [
    (lambda f: f.assign(skill=f["skill"].replace("voice", "phone")), "column skill: expected channels"),
    (lambda f: f.assign(week_start=f["week_start"].replace("2027-01-04", "2027-01-05")),
     "row 2, column week_start: expected the date of a Monday"),
    (lambda f: f.assign(fte_required=f["fte_required"].astype(object).where(f.index != 3, "-1")),
     "row 5, column fte_required: expected FTE >= 0"),
    (lambda f: f.drop(index=4), "has no row for week 2027-02-01"),
])
def test_bad_requirement_rows(files, edit, message):
    tmp_path, config, agents, requirements = files
    edit(pd.read_csv(requirements, dtype=str)).to_csv(requirements, index=False)
    result = _run(*files)
    assert result.exit_code == 2
    assert message in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_missing_capacity_section(files):
    tmp_path, config, agents, requirements = files
    config.write_text(planning_toml(), encoding="utf-8")
    result = _run(*files)
    assert result.exit_code == 2 and "needs the [capacity] section" in result.output


def test_skill_column_names_the_groups(files):
    """With a skill column the agents group by it (whatever their channels) and the weekly
    file's skill names those groups; a channel set is then not a group name."""
    tmp_path, config, agents, requirements = files
    rows = ["agent_id,name,channels,min_hours_week,max_hours_week,skill"]
    rows += [f"V{i},Agent {i},voice,30,40,Niveau 1" for i in range(6)]
    rows += [f"M{i},Agent {i},voice;chat,30,40,Niveau 1" for i in range(4)]
    rows += [f"E{i},Agent {i},email,30,40,Back office" for i in range(4)]
    agents.write_text("\n".join(rows) + "\n", encoding="utf-8")
    need = pd.read_csv(requirements)
    need["skill"] = need["skill"].map({"voice": "Niveau 1", "chat;email": "Back office"})
    need.to_csv(requirements, index=False)
    result = _run(*files)
    assert result.exit_code == 0, result.output
    plan = pd.read_csv(tmp_path / "out" / "plan.csv")
    assert set(plan["skill"]) == {"Niveau 1", "Back office"}
    first = plan[plan["skill"] == "Niveau 1"].iloc[0]
    assert first["heads"] == pytest.approx(10) and first["fte_required"] == 10  # the ten heads of both channel sets
    assert plan.loc[plan["skill"] == "Back office", "hires"].sum() == 0
    need["skill"] = need["skill"].replace("Back office", "email")
    need.to_csv(requirements, index=False)
    result = _run(*files, "--force")
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert ("weekly.csv row 14, column skill: expected a skill group of the agents file's skill column "
            "(Back office, Niveau 1), got \"email\"") in result.output


@pytest.fixture
def sample():
    from sample_paths import SAMPLE_DIR

    return SAMPLE_DIR, SAMPLE_DIR / "planning.toml"


def _from_history(tmp_path, sample_dir, config, *extra):
    return runner.invoke(cli.app, ["capacity", str(sample_dir / "history.parquet"), "--events",
                                   str(sample_dir / "events.csv"), "-c", str(config), "--agents",
                                   str(sample_dir / "agents.csv"), "--out", str(tmp_path / "out"), *extra])


def test_from_the_sample_history(tmp_path, sample):
    result = _from_history(tmp_path, *sample, "--weeks", "13")  # the sample's [capacity] method = "sipp"
    assert result.exit_code == 0, result.output
    plan = pd.read_csv(tmp_path / "out" / "plan.csv")
    assert plan["week_start"].iloc[0] == "2026-12-07" and plan["week_start"].nunique() == 13
    assert set(plan["skill"]) == {"voice", "chat", "voice;chat", "email;social", "voice;chat;email;social"}
    assert plan.groupby("week_start")["hires"].sum().iloc[:4].sum() == 0  # lead_weeks = 4
    assert 100 < plan.groupby("week_start")["fte_required"].sum().median() < 300
    assert "no holidays after" in result.output
    weekly = pd.read_csv(tmp_path / "out" / "requirements_weekly.csv")
    assert weekly["fte_required"].to_numpy() == pytest.approx(plan.sort_values(["skill", "week_start"])
                                                              ["fte_required"].to_numpy())


@pytest.mark.parametrize(("extra", "message"), [
    (["--weeks", "110"], "--weeks must be 1-52"),
    (["--method", "erlang"], "--method must be sipp, mol or isa"),
])
def test_history_form_errors(tmp_path, sample, extra, message):
    result = _from_history(tmp_path, *sample, *extra)
    assert result.exit_code == 2 and message in result.output and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_horizon_longer_than_the_history(tmp_path, sample):
    sample_dir, config = sample
    history = pd.read_parquet(sample_dir / "history.parquet")
    short = tmp_path / "short.parquet"
    history[history["interval_start"] >= history["interval_start"].max() - pd.Timedelta(weeks=10)].to_parquet(short)
    result = runner.invoke(cli.app, ["capacity", str(short), "--events", str(sample_dir / "events.csv"), "-c",
                                     str(config), "--agents", str(sample_dir / "agents.csv"), "--out",
                                     str(tmp_path / "out"), "--weeks", "13"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "short.parquet: a 13-week horizon is longer than the history supports (10 weeks)" in result.output
    assert not (tmp_path / "out").exists()

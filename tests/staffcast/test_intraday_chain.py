"""The documented intraday chain on the files the first command wrote: `staffcast run --out P`
keeps its inputs in P/inputs/ (listed in the manifest), then `staffcast intraday --plan P
--actuals A --now T --out D` re-plans the rest of a surge day; the independent checker
passes on D's roster and nothing before `now` changes."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.config import load_config
from staffcast.frame_io import read_frame
from staffcast.intraday import intraday_lengths
from staffcast.plan_folder import keep_inputs
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.roster.results.checker import check_roster

NOW = "2026-12-09 11:00"


def _surge_actuals(plan, path, factor=1.4):
    """Wednesday's intervals over by NOW at `factor` times the plan's forecast."""
    forecast = pd.read_csv(plan / "forecast.csv")
    stamps = pd.to_datetime(forecast["interval_start"], utc=True).dt.tz_convert("Asia/Shanghai")
    now = pd.Timestamp(NOW, tz="Asia/Shanghai")
    seen = forecast[(stamps >= now.normalize()) & (stamps + pd.Timedelta(hours=1) <= now)]
    out = seen[["channel", "interval_start", "aht_seconds"]].copy()
    out.insert(2, "volume", (seen["volume"] * factor).round())
    out.to_csv(path, index=False)


def test_run_then_intraday_on_its_folder(tmp_path, small_case, run_args):
    paths = small_case(tmp_path / "in", agents=12, scale=0.08)
    agents_text = paths["agents"].read_text(encoding="utf-8").replace(",0,40\n", ",0,45\n")
    paths["agents"].write_text(agents_text, encoding="utf-8")  # room for an hour of overtime
    plan = tmp_path / "plan"
    result = CliRunner().invoke(app, run_args(paths, plan, "--time-limit", "5"))
    assert result.exit_code == 0, result.output
    for kept, source in (("planning.toml", "config"), ("agents.csv", "agents"), ("events.csv", "events")):
        assert (plan / "inputs" / kept).read_bytes() == paths[source].read_bytes()
    assert not (plan / "inputs" / "history.csv").exists()
    listed = [f["path"] for f in json.loads((plan / "manifest.json").read_text(encoding="utf-8"))["files"]]
    assert {"inputs/planning.toml", "inputs/agents.csv", "inputs/events.csv"} <= set(listed)

    actuals = tmp_path / "actuals.csv"
    _surge_actuals(plan, actuals)
    out = tmp_path / "day"
    result = CliRunner().invoke(app, ["intraday", "--plan", str(plan), "--actuals", str(actuals), "--now", NOW,
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    changes = pd.read_csv(out / "changes.csv")
    assert len(changes) > 0
    assert list(changes.columns) == ["agent_id", "change", "from", "to", "reason", "expected_service_gain"]
    config = load_config(plan / "inputs" / "planning.toml")
    agents = load_agents(plan / "inputs" / "agents.csv", config)
    roster, _ = read_frame(out / "roster.csv")
    assert check_roster(roster, agents, intraday_lengths(config)) == []
    before, after = pd.read_csv(plan / "coverage.csv"), pd.read_csv(out / "coverage.csv")
    assert after["scheduled"].dtype == after["required"].dtype == "int64"
    key = ["channel", "interval_start"]
    merged = before.merge(after, on=key, suffixes=("_plan", "_day"))
    early = pd.to_datetime(merged["interval_start"], utc=True) < pd.Timestamp(NOW, tz="Asia/Shanghai")
    assert early.sum() > 0 and (merged.loc[early, "scheduled_plan"] == merged.loc[early, "scheduled_day"]).all()
    assert (merged.loc[~early, "scheduled_plan"] != merged.loc[~early, "scheduled_day"]).any()
    page = (out / "intraday.html").read_text(encoding="utf-8")
    for figure in ("Today so far: actuals against forecast and plan",
                   "Rest of today: projected service before and after"):
        assert f'<img alt="{figure}" src="data:image/png;base64,' in page
    assert (out / "manifest.json").stat().st_size > 0
    assert sorted(p.stem for p in (out / "calendars").glob("*.ics")) == sorted(set(changes["agent_id"]))


def test_keep_inputs_copies_the_queues_table_the_config_names(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "planning.toml").write_text(
        '[planning]\ntimezone = "Europe/Berlin"\ninterval_minutes = 30\nweek_start = "2026-12-07"\n\n'
        '[queues]\nfile = "tables/queues.csv"\n\n[channel_defaults]\nservice_level = 0.8\nanswer_seconds = 20\n',
        encoding="utf-8")
    (source / "tables").mkdir()
    (source / "tables" / "queues.csv").write_text("name,shrinkage\nkundendienst,0.3\nrueckruf,0.2\n",
                                                  encoding="utf-8")
    folder = tmp_path / "plan"
    folder.mkdir()
    written = keep_inputs(folder, {"config": source / "planning.toml", "history": source / "missing.csv"})
    assert sorted(p.relative_to(folder).as_posix() for p in written) == ["inputs/planning.toml",
                                                                         "inputs/tables/queues.csv"]
    copied = load_config(folder / "inputs" / "planning.toml", needs=())
    assert copied.channel_names == ("kundendienst", "rueckruf")

"""`staffcast run` on the week the clocks go back in Europe/London (Mon 19 Oct 2026, clocks
back Sun 25 Oct 02:00): a 24-hour voice channel with 23:00 night shifts, every hard rule
re-checked on the written roster, shift lengths in hours worked, simulate on its files."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.config import load_config
from staffcast.frame_io import read_frame
from staffcast.scheduler.inputs.agents import load_agents
from staffcast.scheduler.roster.results.checker import check_roster
from staffcast.scheduler.roster.results.view import roster_shifts


def london_autumn_case(paths):
    """The small case moved to London: history shifted 7 weeks back (ends 18 Oct), nights
    filled with 2 contacts an hour, voice open 24 hours, a 23:00 start added."""
    history = pd.read_csv(paths["history"])
    local = pd.to_datetime(history["interval_start"], utc=True).dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    stamps = (local - pd.Timedelta(days=49)).dt.tz_localize("Europe/London")
    have = pd.DataFrame({"channel": "voice", "interval_start": stamps, "volume": history["volume"],
                         "aht_seconds": history["aht_seconds"]})
    days = sorted(set(stamps.dt.date))
    grid = [pd.Timestamp(d).tz_localize("Europe/London") + pd.Timedelta(hours=k) for d in days for k in range(24)]
    full = pd.DataFrame({"channel": "voice", "interval_start": grid}).merge(have, how="left")
    full["volume"] = full["volume"].fillna(2.0)
    full["aht_seconds"] = full["aht_seconds"].fillna(240.0).where(full["volume"] > 0)
    full.to_csv(paths["history"], index=False)
    paths["events"].write_text("name,kind,start,end,channels,size\n", encoding="utf-8")  # header only
    text = paths["config"].read_text().replace("Asia/Shanghai", "Europe/London").replace("2026-12-07", "2026-10-19")
    paths["config"].write_text(text.replace('"08:00-22:00"', '"00:00-24:00"').replace(
        'start_times = "07:00-14:00/60min"', 'start_times = ["07:00-14:00/60min", "23:00"]'), encoding="utf-8")


def test_run_autumn_london_week(tmp_path, small_case, run_args):
    paths = small_case(tmp_path / "in", agents=14)
    london_autumn_case(paths)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, run_args(paths, out, "--time-limit", "5"))
    assert result.exit_code == 0, result.output
    config = load_config(paths["config"])
    agents = load_agents(paths["agents"], config)
    roster, _ = read_frame(out / "roster.csv")
    assert check_roster(roster, agents, config) == []
    shifts = roster_shifts(roster, config.timezone)
    assert {s.hours for s in shifts} == {8.0} and {s.break_hours for s in shifts} == {1.0}
    # the night of the change: a 23:00 shift ends at 06:00 on the clock after 8 hours worked
    night = [s for s in shifts if str(s.date) == "2026-10-24" and s.start.hour == 23]
    assert night and all(s.end.hour == 6 for s in night)
    coverage, _ = read_frame(out / "coverage.csv")
    assert coverage["interval_start"].nunique() >= 169  # the 25-hour Sunday: 169 hours in the week
    sim = CliRunner().invoke(app, ["simulate", str(out / "coverage.csv"), "-c", str(paths["config"]),
                                   "--requirements", str(out / "requirements.csv"), "--replications", "3"])
    assert sim.exit_code == 0, sim.output
    for name in ("roster.xlsx", "report.html", "simulation.csv"):
        assert (out / name).stat().st_size > 0
    assert len(list((out / "calendars").glob("*.ics"))) == 14


def test_run_twice_writes_byte_identical_files(tmp_path, small_case, run_args):
    """Same inputs and seed: every file of two runs (report, workbook, calendars, manifest
    included) has the same bytes, unless a run says the wall-clock limit cut its work short
    (a machine so loaded that the deterministic budget did not fit): then its summary and
    report say so."""
    paths = small_case(tmp_path / "in", agents=14)
    london_autumn_case(paths)
    notes = []
    for run in ("a", "b"):
        result = CliRunner().invoke(app, run_args(paths, tmp_path / run, "--time-limit", "5"))
        assert result.exit_code == 0, result.output
        said = [line for line in result.output.splitlines() if line.startswith("Note: the ")
                and ("time limit cut" in line or "did not finish within the time limit" in line)]
        page = (tmp_path / run / "report.html").read_text()
        assert all(note[len("Note: "):-1].split(": ")[0] in page for note in said), said
        notes += said
    if notes:
        return
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert len(files) > 20
    different = [str(f) for f in files if (tmp_path / "a" / f).read_bytes() != (tmp_path / "b" / f).read_bytes()]
    assert different == []

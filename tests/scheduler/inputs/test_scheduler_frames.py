"""Reading forecast, requirements and coverage files: timestamps, grid, one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest
from staffing_testdata import load_planning, make_forecast

from staffcast.errors import InputError
from staffcast.files import write_frame_atomic
from staffcast.scheduler.inputs.frames import read_coverage, read_forecast, read_requirements
from staffcast.scheduler.staffing.requirements import requirements


@pytest.fixture
def planning(tmp_path):
    return load_planning(tmp_path)


def test_round_trip_csv_and_parquet(tmp_path, planning):
    forecast = make_forecast(days=1)
    for name in ("f.csv", "f.parquet"):
        write_frame_atomic(forecast, tmp_path / name)
        back = read_forecast(tmp_path / name, planning)
        assert (back["interval_start"] == forecast["interval_start"]).all()
        assert str(back["interval_start"].dt.tz) == "Asia/Shanghai"
        assert back["volume"].tolist() == forecast["volume"].tolist()
    req = requirements(forecast, planning)
    write_frame_atomic(req, tmp_path / "r.csv")
    again = read_requirements(tmp_path / "r.csv", planning)
    assert again["agents"].tolist() == req["agents"].tolist()
    assert again["backlog"].tolist() == pytest.approx(req["backlog"].tolist())


def test_naive_timestamps_are_local_time(tmp_path, planning):
    path = tmp_path / "f.csv"
    path.write_text("channel,interval_start,volume,aht_seconds\nvoice,2026-12-07 09:30,10,200\n", encoding="utf-8")
    back = read_forecast(path, planning)
    assert back["interval_start"].iloc[0] == pd.Timestamp("2026-12-07 09:30", tz="Asia/Shanghai")


@pytest.mark.parametrize(("text", "message"), [
    ("channel,interval_start,volume\nvoice,2026-12-07 09:30,10\n", "row 1: missing column(s) aht_seconds"),
    ("channel,interval_start,volume,aht_seconds\nvoice,2026-12-07 09:40,10,200\n",
     "row 2, column interval_start: expected an interval start on the 30-minute grid"),
    ("channel,interval_start,volume,aht_seconds\nvoice,2026-12-07 09:30,10,200\nvoice,2026-12-07 09:30,3,200\n",
     "row 3, column interval_start: expected one row per channel and interval"),
    ("channel,interval_start,volume,aht_seconds\nvoice,2026-12-07 09:30,10,\n",
     "row 2, column aht_seconds: expected a handle time > 0 where volume > 0"),
    ("channel,interval_start,volume,aht_seconds\nvoice,yesterday,10,200\n", "row 2, column interval_start"),
    ("channel,interval_start,volume,aht_seconds\nvoice,2026-12-07 09:30,lots,200\n",
     "row 2, column volume: expected a number >= 0"),
])
def test_forecast_errors_name_row_and_column(tmp_path, planning, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_forecast(path, planning)
    assert str(err.value).startswith("bad.csv")
    assert message in str(err.value)


def test_requirements_and_coverage_errors(tmp_path, planning):
    path = tmp_path / "req.csv"
    path.write_text("channel,interval_start,volume,aht_seconds,agents,staff\n"
                    "voice,2026-12-07T09:30:00+08:00,10,200,2.5,4\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2, column agents: expected a whole number"):
        read_requirements(path, planning)
    path.write_text("channel,interval_start,required\nvoice,2026-12-07T09:30:00+08:00,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_coverage(path, planning)


def test_coverage_with_empty_service_level_cells(tmp_path, planning):
    path = tmp_path / "coverage.csv"
    path.write_text("channel,interval_start,required,scheduled,service_level\n"
                    "email,2026-12-07T09:30:00+08:00,3,3,\nvoice,2026-12-07T09:30:00+08:00,5,4,0.71\n",
                    encoding="utf-8")
    cov = read_coverage(path, planning)
    assert cov["scheduled"].tolist() == [3.0, 4.0]
    assert cov["service_level"].isna().tolist() == [True, False]

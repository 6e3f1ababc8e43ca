"""Frame files through staffcast.frame_io: what is written reads back the same, CSV bytes
are the ones pandas' to_csv wrote before, and bad files give one-line errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from planning_config import write_planning

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.files import write_frame_atomic
from staffcast.forecast.data import load_history
from staffcast.frame_io import read_frame, write_frame
from staffcast.scheduler.inputs.frames import read_forecast, read_requirements

# Written by the project's earlier writer (pandas `to_csv(index=False)`) for SMALL below.
SMALL_CSV = (
    "channel,interval_start,volume,aht_seconds,agents,open,model\n"
    "voice,2026-03-29 00:30:00+00:00,12.0,300.5,3,True,profile\n"
    "chat,2026-03-29 02:00:00+01:00,0.1,1e-05,0,False,\n"
    "e-mail é,2026-10-25 01:30:00+01:00,,1e+16,12,True,\n"
)


def small_frame() -> pd.DataFrame:
    stamps = pd.to_datetime(["2026-03-29 00:30", "2026-03-29 02:00", "2026-10-25 01:30"])
    return pd.DataFrame({
        "channel": ["voice", "chat", "e-mail é"],
        "interval_start": stamps.tz_localize("Europe/London", ambiguous=[False, False, True]),
        "volume": [12.0, 0.1, np.nan],
        "aht_seconds": [300.5, 1e-05, 1e16],
        "agents": [3, 0, 12],
        "open": [True, False, True],
        "model": ["profile", "", None],
    })


def london_forecast() -> pd.DataFrame:
    """Two channels over both 2026 clock changes in London, 30-minute intervals."""
    spring = pd.date_range("2026-03-28 22:00", "2026-03-29 04:00", freq="30min", tz="Europe/London")
    autumn = pd.date_range("2026-10-24 22:00", "2026-10-25 03:00", freq="30min", tz="UTC").tz_convert(
        "Europe/London")
    starts = spring.append(autumn)
    rng = np.random.default_rng(3)
    parts = []
    for name, aht in (("voice", 287.25), ("chat", 431.0)):
        volume = rng.gamma(4.0, 3.0, len(starts))
        volume[::5] = 0.0
        parts.append(pd.DataFrame({"channel": name, "interval_start": starts, "volume": volume,
                                   "volume_lo": volume * 0.8, "volume_hi": volume * 1.3 + 1 / 3,
                                   "aht_seconds": np.where(volume > 0, aht, np.nan), "model": "profile"}))
    return pd.concat(parts, ignore_index=True)


@pytest.fixture
def london(tmp_path):
    return load_config(write_planning(tmp_path, planning={"timezone": "Europe/London"}))


def test_small_frame_csv_bytes_are_the_earlier_writers(tmp_path):
    path = tmp_path / "small.csv"
    write_frame_atomic(small_frame(), path)
    assert path.read_bytes() == SMALL_CSV.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["small.csv"]  # no temporary file left


def test_csv_bytes_equal_pandas_to_csv_for_many_values(tmp_path):
    rng = np.random.default_rng(11)
    n = 4000
    values = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-9, 19, n)
    values[::7] = np.round(values[::7])
    values[::11] = np.nan
    values[:6] = [0.0, -0.0, np.inf, -np.inf, 5e-324, 123456789012.34567]
    stamps = pd.date_range("2026-01-01", periods=n, freq="97min", tz="America/Sao_Paulo").to_series(
        index=range(n)).where(rng.random(n) > 0.05)
    frame = pd.DataFrame({"when": stamps, "utc": stamps.dt.tz_convert("UTC"), "x": values,
                          "n": rng.integers(-10**12, 10**12, n), "name": rng.choice(["ä", "b c", "", "Ω"], n),
                          "flag": rng.random(n) > 0.5})
    write_frame(frame, tmp_path / "many.csv")
    assert (tmp_path / "many.csv").read_bytes() == frame.to_csv(index=False).encode("utf-8")


def test_cells_that_need_quotes_are_written_as_pandas_quotes_them(tmp_path):
    frame = pd.DataFrame({"name": ['a, "b"', "line\nbreak"], "kind": ["x", "y"]})
    write_frame_atomic(frame, tmp_path / "q.csv")
    assert (tmp_path / "q.csv").read_text(encoding="utf-8") == frame.to_csv(index=False)
    back, first_row = read_frame(tmp_path / "q.csv")
    assert first_row == 2 and back["name"].tolist() == frame["name"].tolist()


@pytest.mark.parametrize("name", ["small.csv", "small.parquet"])
def test_round_trip_keeps_text_empty_cells_and_instants(tmp_path, name):
    frame = small_frame()
    write_frame_atomic(frame, tmp_path / name)
    back, first_row = read_frame(tmp_path / name)
    assert first_row == (1 if name.endswith(".parquet") else 2)
    assert back["channel"].tolist() == ["voice", "chat", "e-mail é"]
    assert back["model"].iloc[1] == ""
    instants = pd.to_datetime(back["interval_start"], utc=True, format="ISO8601")
    assert (instants == frame["interval_start"].dt.tz_convert("UTC")).all()


@pytest.mark.parametrize("name", ["f.csv", "f.parquet", "f.pq"])
def test_forecast_round_trip_across_clock_changes(tmp_path, london, name):
    forecast = london_forecast()
    write_frame_atomic(forecast, tmp_path / name)
    back = read_forecast(tmp_path / name, london)
    assert str(back["interval_start"].dt.tz) == "Europe/London"
    assert (back["interval_start"] == forecast["interval_start"]).all()
    for column in ("volume", "volume_lo", "volume_hi"):
        assert back[column].tolist() == forecast[column].tolist()  # exact: shortest round-trip text
    assert np.array_equal(back["aht_seconds"].to_numpy(), forecast["aht_seconds"].to_numpy(), equal_nan=True)


def test_requirements_written_read_and_written_again_are_the_same_bytes(tmp_path, london):
    forecast = london_forecast()
    req = forecast[["channel", "interval_start", "volume", "aht_seconds"]].assign(
        aht_seconds=forecast["aht_seconds"].fillna(0.0), agents=3, staff=5, service_level=0.8125,
        asa_seconds=1.5e-07, occupancy=forecast["volume"] / 97)
    write_frame_atomic(req, tmp_path / "r.csv")
    again = read_requirements(tmp_path / "r.csv", london)
    write_frame_atomic(again, tmp_path / "r2.csv")
    assert (tmp_path / "r2.csv").read_bytes() == (tmp_path / "r.csv").read_bytes()


def test_csv_with_byte_order_mark_is_read(tmp_path, london):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfchannel,interval_start,volume,aht_seconds\n"
                     b"voice,2026-03-29 02:00:00+01:00,10,200\n")
    back = read_forecast(path, london)
    assert back["interval_start"].iloc[0] == pd.Timestamp("2026-03-29 01:00", tz="UTC")
    history = tmp_path / "history.csv"
    history.write_bytes(b"\xef\xbb\xbfchannel,interval_start,volume\nvoice,2026-03-02 08:00,3\n")
    assert load_history(history, "Europe/London", 30).frame["volume"].tolist() == [3.0]


@pytest.mark.parametrize(("body", "message"), [
    (b"voice,2026-12-07 09:30:00+00:00,10,200\nvoice,2026-12-07 10:00:00+00:00,lots,200\n",
     'bad.csv row 3, column volume: expected a number >= 0, got "lots"'),
    (b"voice,2026-12-07 09:30:00+00:00,10,200\nvoice,2026-12-07 10:00:00+25:00,1,200\n",
     "bad.csv row 3, column interval_start: expected a timestamp"),
    (b"voice,2026-12-07 09:30:00+00:00,10,200\nvoice,2026-12-07 10:00:00+00:00,1,200,9\n",
     "bad.csv row 3: expected 4 cells as in the header, got 5"),
    (b"voice,2026-12-07 09:30:00+00:00,10,200\nvo\xefce,2026-12-07 10:00:00+00:00,1,200\n",
     "bad.csv row 3: not UTF-8 text (byte 3 of the row); save the file as UTF-8"),
])
def test_bad_cell_gives_one_line_naming_file_row_and_column(tmp_path, london, body, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"channel,interval_start,volume,aht_seconds\n" + body)
    with pytest.raises(InputError) as err:
        read_forecast(path, london)
    text = str(err.value)
    assert "\n" not in text and text.startswith(message), text


def test_empty_and_unreadable_files(tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match=r"^empty.csv row 1: cannot read as CSV or Parquet"):
        read_frame(tmp_path / "empty.csv")
    (tmp_path / "junk.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match=r"^junk.parquet: cannot read as CSV or Parquet: "):
        read_frame(tmp_path / "junk.parquet")
    with pytest.raises(InputError, match=r"^missing.csv: file not found$"):
        read_frame(tmp_path / "missing.csv")

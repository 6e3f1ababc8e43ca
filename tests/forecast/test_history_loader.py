"""History loading: every rejection with its exact message, DST, closed hours, gaps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from staffcast.errors import InputError
from staffcast.forecast.data import load_history


def interval_csv(path, tz="Asia/Shanghai", start="2026-03-02", end="2026-03-30",
                 voice_hours=(8, 20), weekdays_only=True, with_offset=True):
    """Write an interval-level history: voice in `voice_hours`, chat 24 h, closed weekends."""
    stamps = pd.date_range(start, end, freq="30min", tz=tz, inclusive="left")
    rows = []
    for t in stamps:
        if weekdays_only and t.weekday() >= 5:
            continue
        for channel in ("voice", "chat"):
            if channel == "voice" and not voice_hours[0] <= t.hour < voice_hours[1]:
                continue
            volume = 10 + (t.hour % 5)
            text = t.isoformat() if with_offset else t.strftime("%Y-%m-%d %H:%M")
            rows.append((channel, text, volume, 300.0))
    frame = pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds"])
    frame.to_csv(path, index=False)
    return frame


def rewrite(path, frame):
    frame.astype(str).to_csv(path, index=False)


def test_loads_interval_history_with_closed_weekends_and_night(tmp_path):
    path = tmp_path / "history.csv"
    frame = interval_csv(path)
    history = load_history(path, "Asia/Shanghai", 30)
    assert len(history.frame) == len(frame)
    assert str(history.frame["interval_start"].dt.tz) == "Asia/Shanghai"
    voice = history.open_hours.table["voice"]
    assert voice[0].sum() == 24 and voice[5].sum() == 0  # Monday 08-20 open, Saturday closed
    assert history.open_hours.table["chat"][2].all()
    assert dt.date(2026, 3, 7) in history.closed_dates  # weekends: closed, not gaps
    assert history.filled_intervals == 0


def test_gap_inside_open_hours_is_reported_then_filled(tmp_path):
    path = tmp_path / "history.csv"
    frame = interval_csv(path)
    frame.drop(index=frame.index[(frame.channel == "voice")][3]).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"^history.csv, column interval_start: 1 missing interval\(s\) "
                       r"for channel voice inside its open hours, first at 2026-03-02 09:30; "
                       r"pass --fill-zero to count them as zero contacts$"):
        load_history(path, "Asia/Shanghai", 30)
    history = load_history(path, "Asia/Shanghai", 30, fill_zero=True)
    assert history.filled_intervals == 1
    filled = history.frame.set_index(["channel", "interval_start"]).loc[
        ("voice", pd.Timestamp("2026-03-02 09:30", tz="Asia/Shanghai"))]
    assert filled["volume"] == 0 and np.isnan(filled["aht_seconds"])


@pytest.mark.parametrize(("column", "value", "message"), [
    ("volume", "-3", 'column volume: expected a number >= 0, got "-3"'),
    ("volume", "lots", 'column volume: expected a number >= 0, got "lots"'),
    ("aht_seconds", "", 'column aht_seconds: expected a handle time > 0 where volume > 0, got ""'),
    ("interval_start", "2026-03-02T08:10:00+08:00",
     'column interval_start: expected an interval start on the 30-minute planning grid, got '
     '"2026-03-02T08:10:00+08:00"'),
    ("interval_start", "yesterday", 'column interval_start: expected a timestamp like 2026-03-02 08:30, '
     'got "yesterday"'),
    ("channel", "fax!", 'column channel: expected a channel name, got "fax!"'),
])
def test_bad_cell_names_file_row_and_column(tmp_path, column, value, message):
    path = tmp_path / "history.csv"
    frame = interval_csv(path).astype(str)
    frame.loc[1041, column] = value
    frame.to_csv(path, index=False)
    with pytest.raises(InputError) as info:
        load_history(path, "Asia/Shanghai", 30)
    assert str(info.value) == f"history.csv row 1043, {message}"


def test_duplicate_interval_is_rejected(tmp_path):
    path = tmp_path / "history.csv"
    frame = interval_csv(path)
    pd.concat([frame, frame.iloc[[5]]]).to_csv(path, index=False)
    with pytest.raises(InputError, match=rf"^history.csv row {len(frame) + 2}, column interval_start: "
                       r"duplicate interval: channel chat at 2026-03-02 02:30 appears twice$"):
        load_history(path, "Asia/Shanghai", 30)


def test_unknown_channel_and_missing_columns(tmp_path):
    path = tmp_path / "history.csv"
    interval_csv(path)
    with pytest.raises(InputError, match=r'row 2, column channel: expected one of voice, email, got "chat"'):
        load_history(path, "Asia/Shanghai", 30, channels=["voice", "email"])
    pd.DataFrame({"when": ["2026-03-02 08:00"], "calls": [3]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"^history.csv row 1: expected columns channel, interval_start"):
        load_history(path, "Asia/Shanghai", 30)
    with pytest.raises(InputError, match=r"^missing.csv: file not found$"):
        load_history(tmp_path / "missing.csv", "Asia/Shanghai", 30)


def test_offsets_are_converted_and_naive_taken_as_local(tmp_path):
    utc = tmp_path / "utc.csv"
    frame = interval_csv(utc, tz="UTC", voice_hours=(0, 24), weekdays_only=False)
    local = load_history(utc, "Asia/Shanghai", 30)
    assert local.frame["interval_start"].min() == pd.Timestamp("2026-03-02 08:00", tz="Asia/Shanghai")
    naive = tmp_path / "naive.csv"
    frame.assign(interval_start=frame["interval_start"].str[:16].str.replace("T", " ")).to_csv(naive, index=False)
    taken = load_history(naive, "Asia/Shanghai", 30)
    assert taken.frame["interval_start"].min() == pd.Timestamp("2026-03-02 00:00", tz="Asia/Shanghai")


@pytest.mark.parametrize(("tz", "spring", "autumn"), [
    ("Europe/London", "2026-03-29", "2026-10-25"),
    ("America/New_York", "2026-03-08", "2026-11-01"),
    ("Asia/Shanghai", "2026-03-29", "2026-10-25"),  # no DST: 48 intervals both days
])
@pytest.mark.parametrize("with_offset", [True, False])
def test_dst_days_have_23_and_25_hours(tmp_path, tz, spring, autumn, with_offset):
    """Naive files list the repeated autumn hour twice, in order; offsets say it outright."""
    path = tmp_path / "history.csv"
    rows = []
    for day in (spring, autumn):
        for t in pd.date_range(day, pd.Timestamp(day) + pd.Timedelta(days=1), freq="30min", tz=tz,
                               inclusive="left"):
            text = t.isoformat() if with_offset else t.strftime("%Y-%m-%d %H:%M")
            rows.append(("chat", text, 5, 200))
    pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds"]).to_csv(path, index=False)
    history = load_history(path, tz, 30, fill_zero=True)
    per_day = history.frame.groupby(history.frame["interval_start"].dt.date).size()
    dst = tz != "Asia/Shanghai"
    assert per_day[dt.date.fromisoformat(spring)] == (46 if dst else 48)
    assert per_day[dt.date.fromisoformat(autumn)] == (50 if dst else 48)
    assert history.frame["interval_start"].is_unique
    steps = history.frame["interval_start"].diff().dropna()
    assert (steps[steps < pd.Timedelta(days=1)] == pd.Timedelta(minutes=30)).all()


def test_nonexistent_local_time_is_rejected(tmp_path):
    path = tmp_path / "history.csv"
    pd.DataFrame({"channel": ["voice"], "interval_start": ["2026-03-29 01:30"], "volume": [3],
                  "aht_seconds": [100]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r'^history.csv row 2, column interval_start: "2026-03-29 01:30" does not '
                       r"exist in Europe/London \(clocks go forward\); give the time with its UTC offset$"):
        load_history(path, "Europe/London", 30)


def test_contact_level_history_is_aggregated(tmp_path):
    path = tmp_path / "contacts.csv"
    pd.DataFrame({
        "channel": ["Voice", "voice", "voice", "chat"],
        "arrived_at": ["2026-03-02T08:05:00+08:00", "2026-03-02 08:29:59", "2026-03-02T00:31:00Z",
                       "2026-03-02 08:10"],
        "handle_seconds": ["100", "300", "", "50"],
        "abandoned": ["false", "no", "true", "0"],
    }).to_csv(path, index=False)
    history = load_history(path, "Asia/Shanghai", 30)
    frame = history.frame.set_index(["channel", "interval_start"])
    voice = frame.loc[("voice", pd.Timestamp("2026-03-02 08:00", tz="Asia/Shanghai"))]
    assert voice["volume"] == 2 and voice["aht_seconds"] == 200  # abandoned: offered, not handled
    assert frame.loc[("voice", pd.Timestamp("2026-03-02 08:30", tz="Asia/Shanghai")), "volume"] == 1
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"channel": ["voice"], "arrived_at": ["2026-03-02 08:05"], "handle_seconds": ["12"],
                  "abandoned": ["maybe"]}).to_csv(bad, index=False)
    with pytest.raises(InputError, match=r'^bad.csv row 2, column abandoned: expected true or false, got "maybe"$'):
        load_history(bad, "Asia/Shanghai", 30)


def test_parquet_history_is_read_and_file_untouched(tmp_path):
    path = tmp_path / "history.parquet"
    frame = interval_csv(tmp_path / "h.csv")
    frame["interval_start"] = pd.to_datetime(frame["interval_start"]).dt.tz_convert("Asia/Shanghai")
    frame.to_parquet(path)
    before = path.read_bytes()
    history = load_history(path, "Asia/Shanghai", 30)
    assert history.frame["volume"].sum() == frame["volume"].sum()
    assert path.read_bytes() == before

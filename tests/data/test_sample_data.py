"""Checks on the bundled sample data in ``data/`` and on its generator."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).parents[2] / "data"
TZ = "Asia/Shanghai"
FILES = ["history.parquet", "events.csv", "agents.csv", "planning.toml", "README.md"]
SKILL_MIXES = {"voice", "chat", "voice;chat", "email;social", "voice;chat;email;social"}


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return pd.read_parquet(DATA / "history.parquet")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    ev = pd.read_csv(DATA / "events.csv", keep_default_na=False, na_values={"size": [""]})
    ev["start"] = pd.to_datetime(ev["start"], format="mixed").dt.tz_localize(TZ)
    ev["end"] = pd.to_datetime(ev["end"], format="mixed").dt.tz_localize(TZ)
    return ev


@pytest.fixture(scope="module")
def daily(history) -> pd.DataFrame:
    """Daily volume, one column per channel, indexed by local midnight."""
    day = history["interval_start"].dt.normalize()
    return history.groupby([day, "channel"])["volume"].sum().unstack("channel")


def same_weekday_ratio(daily, channel, days, weeks=(-3, -2, 2, 3)) -> np.ndarray:
    """Volume of each day over the median of the same weekday in the weeks around."""
    ratios = []
    for day in days:
        refs = [day + pd.Timedelta(weeks=w) for w in weeks]
        refs = [r for r in refs if r in daily.index]
        ratios.append(daily.loc[day, channel] / daily.loc[refs, channel].median())
    return np.array(ratios)


def test_files_exist_and_are_small():
    sizes = [(DATA / name).stat().st_size for name in FILES]
    assert sum(sizes) < 5 * 1024 * 1024


def test_history_columns_and_dtypes(history):
    assert list(history.columns) == ["channel", "interval_start", "volume", "aht_seconds"]
    assert str(history["interval_start"].dt.tz) == TZ
    assert pd.api.types.is_integer_dtype(history["volume"])
    assert pd.api.types.is_float_dtype(history["aht_seconds"])
    assert pd.api.types.is_string_dtype(history["channel"])
    assert set(history["channel"]) == {"voice", "chat", "email", "social"}
    assert (history["volume"] >= 0).all()
    busy = history["volume"] > 0
    assert (history.loc[busy, "aht_seconds"] > 0).all()
    assert history.loc[~busy, "aht_seconds"].isna().all()


def test_history_grid_span_and_uniqueness(history):
    ts = history["interval_start"]
    assert ((ts.dt.minute % 30 == 0) & (ts.dt.second == 0)).all()
    assert not history.duplicated(["channel", "interval_start"]).any()
    assert ts.min() == pd.Timestamp("2024-12-09 00:00", tz=TZ)
    assert ts.max() == pd.Timestamp("2026-12-06 23:30", tz=TZ)
    counts = history.groupby("channel").size()
    assert counts["voice"] == 728 * 28  # every open interval has a row, zero or not
    assert (counts.drop("voice") == 728 * 48).all()


def test_voice_only_in_open_hours(history):
    hours = history.loc[history["channel"] == "voice", "interval_start"].dt.hour
    assert hours.between(8, 21).all()


def test_daily_volumes_are_plausible(daily):
    weekday = daily[daily.index.day_of_week < 5].median()
    weekend = daily[daily.index.day_of_week >= 5].median()
    assert 1400 < weekday["voice"] < 2600
    assert 0.35 < weekend["voice"] / weekday["voice"] < 0.6
    assert 900 < weekday["chat"] < 1700
    assert 200 < weekday["social"] < 400
    first, last = daily.iloc[:91].median(), daily.iloc[-91:].median()
    assert 1.15 < last["voice"] / first["voice"] < 1.5  # ~15 %/year growth


def test_events_parse(events):
    assert list(events.columns) == ["name", "kind", "start", "end", "channels", "size"]
    kinds = {"holiday", "onboarding", "migration", "release", "outage", "campaign", "other"}
    assert set(events["kind"]) <= kinds
    assert (events["end"] > events["start"]).all()
    channels = {"voice", "chat", "email", "social"}
    for value in events["channels"]:
        assert value == "*" or set(value.split(";")) <= channels
    sized = events["size"].notna()
    assert (events.loc[events["kind"] == "holiday", "channels"] == "*").all()
    assert not sized[events["kind"].isin(["holiday", "release"])].any()
    past = events["end"] <= pd.Timestamp("2026-12-07", tz=TZ)
    assert (past & sized & (events["kind"] == "onboarding")).sum() >= 10
    assert (past & sized & (events["kind"] == "migration")).sum() >= 10
    assert (events["kind"] == "outage").sum() == 1


def test_future_events_exist(events):
    future = events[events["start"] > pd.Timestamp("2026-12-06 23:59", tz=TZ)]
    assert {"migration", "onboarding"} <= set(future["kind"])
    assert future["size"].notna().all()


def test_biggest_migration_lifts_voice(daily, events):
    waves = events[(events["kind"] == "migration") & (events["end"] < daily.index[-1])]
    big = waves.loc[waves["size"].idxmax()]
    days = pd.date_range(big["start"], big["end"], freq="D")
    days = [d for d in days if d.day_of_week < 5]
    assert same_weekday_ratio(daily, "voice", days).max() > 1.2


def test_wave_days_are_busier_on_average(daily, events):
    waves = events[events["kind"].isin(["migration", "onboarding"])
                   & (events["end"] < daily.index[-1])]
    ratios = []
    for wave in waves.itertuples():
        channel = "voice" if wave.kind == "migration" else "chat"
        days = pd.date_range(wave.start, wave.end, freq="D")
        ratios.append(same_weekday_ratio(daily, channel, days).max())
    assert np.median(ratios) > 1.1


def test_holidays_lower_volume(daily, events):
    holidays = events[events["kind"] == "holiday"]
    for hol in holidays.itertuples():
        days = pd.date_range(hol.start, hol.end, freq="D", inclusive="left")
        days = [d for d in days if d.day_of_week < 5]
        if days:
            assert same_weekday_ratio(daily, "voice", days).mean() < 0.6, hol.name
            assert same_weekday_ratio(daily, "chat", days).mean() < 0.7, hol.name


def test_agents(events):
    agents = pd.read_csv(DATA / "agents.csv", keep_default_na=False)
    assert list(agents.columns) == ["agent_id", "name", "channels", "min_hours_week",
                                    "max_hours_week", "unavailable", "cost_per_hour"]
    assert 150 <= len(agents) <= 180
    assert agents["agent_id"].is_unique and agents["name"].is_unique
    assert set(agents["channels"]) == SKILL_MIXES
    assert (agents["min_hours_week"] <= agents["max_hours_week"]).all()
    assert agents["cost_per_hour"].between(28, 40).all()
    assert (agents["unavailable"] != "").sum() >= 3


def test_planning_toml_parses():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((DATA / "planning.toml").read_text(encoding="utf-8"))
    assert config["planning"]["week_start"] == "2026-12-07"
    assert [c["name"] for c in config["channel"]] == ["voice", "chat", "email", "social"]


def test_generator_is_deterministic(tmp_path, history):
    spec = importlib.util.spec_from_file_location("generate", DATA / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    began = time.perf_counter()
    generate.main(tmp_path)
    assert time.perf_counter() - began < 30
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "history.parquet"), history)
    assert parquet_layout(tmp_path / "history.parquet") == parquet_layout(DATA / "history.parquet")
    for name in ["events.csv", "agents.csv", "planning.toml"]:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def parquet_layout(path: Path) -> dict:
    """Everything a Parquet file holds but its data and the writing libraries' version stamps.

    The stamps (``created_by``, pandas' ``pandas_version`` and ``creator``) change with every
    pandas or pyarrow release, so the bytes of ``history.parquet`` cannot be compared across
    installs; the Arrow schema, the pandas metadata otherwise, the row groups and the codec can.
    """
    import json

    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    schema = meta.schema.to_arrow_schema()
    pandas_meta = json.loads(schema.metadata[b"pandas"])
    pandas_meta.pop("pandas_version")
    pandas_meta.pop("creator")
    groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
    return {
        "schema": schema.remove_metadata(),
        "pandas": pandas_meta,
        "rows": [g.num_rows for g in groups],
        "codecs": [[g.column(c).compression for c in range(g.num_columns)] for g in groups],
    }

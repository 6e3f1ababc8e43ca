"""Property: whatever a user writes into an input file, staffcast either accepts it or
raises one InputError whose message is a single line naming the file; nothing else escapes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from planning_config import BASE, write_planning

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.forecast.data import load_events, load_history
from staffcast.scheduler.inputs.agents import load_agents

CELLS = st.one_of(
    st.sampled_from(["", "-3", "0", "1e9", "nan", "inf", "voice", "chat", "*", "true", "maybe",
                     "2026-03-02 08:00", "2026-03-02T08:00:00+08:00", "2026-03-29 01:30", "2026-13-40",
                     "08:00-22:00", "voice;fax", "Sat", "2026-12-08;Sun", '"', "\u00e9\u4e2d"]),
    st.text(max_size=12),
    st.integers(-5, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def history_frame() -> pd.DataFrame:
    stamps = pd.date_range("2026-03-02 08:00", periods=12, freq="30min", tz="Asia/Shanghai")
    return pd.DataFrame({"channel": "voice", "interval_start": [t.isoformat() for t in stamps],
                         "volume": [str(v) for v in range(12)], "aht_seconds": "200"})


def assert_accepts_or_one_line(load, path: Path) -> None:
    try:
        load(path)
    except InputError as exc:
        text = str(exc)
        assert "\n" not in text and text.startswith(path.name), text


@SETTINGS
@given(edits=st.lists(st.tuples(st.integers(0, 11), st.sampled_from(["channel", "interval_start", "volume",
                                                                     "aht_seconds"]), CELLS), max_size=4),
       drop=st.sampled_from([None, "volume", "interval_start", "aht_seconds"]))
def test_history_fuzz(edits, drop):
    frame = history_frame()
    for row, column, value in edits:
        frame.loc[row, column] = value
    if drop:
        frame = frame.drop(columns=drop)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.csv"
        frame.to_csv(path, index=False)
        assert_accepts_or_one_line(lambda p: load_history(p, "Europe/London", 30, channels=["voice"]), path)


@SETTINGS
@given(edits=st.lists(st.tuples(st.sampled_from(["name", "kind", "start", "end", "channels", "size"]), CELLS),
                      max_size=4))
def test_events_fuzz(edits):
    frame = pd.DataFrame({"name": ["Wave"], "kind": ["migration"], "start": ["2026-03-03"],
                          "end": ["2026-03-05"], "channels": ["voice"], "size": ["100"]})
    for column, value in edits:
        frame.loc[0, column] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.csv"
        frame.to_csv(path, index=False)
        assert_accepts_or_one_line(lambda p: load_events(p, "Asia/Shanghai", ["voice", "chat"]), path)


TOML_VALUES = st.one_of(st.integers(-10, 100).map(str), st.floats(-2, 2).map(lambda x: f"{x:.3f}"),
                        st.sampled_from(['"x"', '""', "true", "[]", "[8, 9]", '"25:00-26:00"', "{}", "nan"]))
TOML_KEYS = ["service_level", "answer_seconds", "shrinkage", "concurrency", "lengths_hours", "start_times",
             "break_minutes", "open_hours", "max_days_per_week", "min_rest_hours", "interval_minutes",
             "week_start", "timezone", "response_hours", "patience_seconds"]


@SETTINGS
@given(edits=st.lists(st.tuples(st.sampled_from(TOML_KEYS), TOML_VALUES), max_size=3))
def test_config_fuzz(edits):
    lines = BASE.splitlines()
    for key, value in edits:
        for i, line in enumerate(lines):
            if line.startswith(f"{key} ="):
                lines[i] = f"{key} = {value}"
                break
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "planning.toml"
        path.write_text("\n".join(lines) + "\n")
        assert_accepts_or_one_line(load_config, path)


@SETTINGS
@given(cells=st.lists(CELLS, min_size=7, max_size=7))
def test_agents_fuzz(cells):
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(write_planning(Path(tmp)))
        path = Path(tmp) / "agents.csv"
        pd.DataFrame([cells], columns=["agent_id", "name", "channels", "min_hours_week", "max_hours_week",
                                       "unavailable", "cost_per_hour"]).to_csv(path, index=False)
        assert_accepts_or_one_line(lambda p: load_agents(p, config), path)

"""history_summary with an events file that has only its header (no events at all)."""

from __future__ import annotations

import pandas as pd

from staffcast.forecast.data import load_events, load_history
from staffcast.forecast.summary import history_summary


def test_summary_with_header_only_events(tmp_path):
    stamps = pd.date_range("2026-11-02 08:00", periods=20, freq="30min", tz="Asia/Shanghai")
    pd.DataFrame({"channel": "voice", "interval_start": stamps, "volume": 3.0, "aht_seconds": 200.0}).to_csv(
        tmp_path / "history.csv", index=False)
    (tmp_path / "events.csv").write_text("name,kind,start,end,channels,size\n", encoding="utf-8")
    history = load_history(tmp_path / "history.csv", "Asia/Shanghai", 30)
    events = load_events(tmp_path / "events.csv", "Asia/Shanghai", ["voice"])
    summary = history_summary(history, events)
    assert summary[["channel", "volume", "past_events", "future_events"]].to_dict("records") == [
        {"channel": "voice", "volume": 60.0, "past_events": 0, "future_events": 0}]

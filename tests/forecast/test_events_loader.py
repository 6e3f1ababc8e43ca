"""Events calendar: parsing, '*' expansion and each rejection."""

from __future__ import annotations

import pandas as pd
import pytest

from staffcast.errors import InputError
from staffcast.forecast.data import load_events

CHANNELS = ["voice", "chat", "email"]
GOOD = [
    ("Spring Festival", "holiday", "2026-02-15", "2026-02-24", "*", ""),
    ("Acme migration", "migration", "2026-03-03 09:00", "2026-03-06", "voice;email", "30000"),
]


def write(path, rows):
    pd.DataFrame(rows, columns=["name", "kind", "start", "end", "channels", "size"]).to_csv(path, index=False)


def test_events_parse_with_local_times_and_expansion(tmp_path):
    path = tmp_path / "events.csv"
    write(path, GOOD)
    events = load_events(path, "Asia/Shanghai", CHANNELS)
    assert events.loc[0, "channels"] == ("voice", "chat", "email")
    assert events.loc[1, "channels"] == ("voice", "email")
    assert events.loc[1, "start"] == pd.Timestamp("2026-03-03 09:00", tz="Asia/Shanghai")
    assert events.loc[0, "end"] == pd.Timestamp("2026-02-24 00:00", tz="Asia/Shanghai")
    assert pd.isna(events.loc[0, "size"]) and events.loc[1, "size"] == 30000


@pytest.mark.parametrize(("column", "value", "message"), [
    ("kind", "party", 'column kind: expected one of holiday, onboarding, migration, release, outage, campaign, '
     'other, got "party"'),
    ("end", "2026-03-01", 'column end: expected an end after the start (2026-03-03 09:00), got "2026-03-01"'),
    ("channels", "voice;fax", 'column channels: expected * or channels from voice, chat, email separated by '
     '\';\', got "voice;fax"'),
    ("size", "big", 'column size: expected a number >= 0 or an empty cell, got "big"'),
    ("start", "soon", 'column start: expected a timestamp like 2026-03-02 08:30, got "soon"'),
])
def test_event_rejections(tmp_path, column, value, message):
    path = tmp_path / "events.csv"
    rows = [list(r) for r in GOOD]
    rows[1][["name", "kind", "start", "end", "channels", "size"].index(column)] = value
    write(path, rows)
    with pytest.raises(InputError) as info:
        load_events(path, "Asia/Shanghai", CHANNELS)
    assert str(info.value) == f"events.csv row 3, {message}"

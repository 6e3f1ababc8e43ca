"""Planning config: the sample parses; every constraint of DESIGN.md is checked with line numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from planning_config import BASE

from staffcast.config import load_config, parse_start_times
from staffcast.errors import InputError


def load(tmp_path, text):
    path = tmp_path / "planning.toml"
    path.write_text(text)
    return load_config(path)


def test_base_config_parses_into_typed_objects(tmp_path):
    config = load(tmp_path, BASE)
    assert config.channel_names == ("voice", "chat", "email")
    voice = config.channel("voice")
    assert (voice.service_level, voice.answer_seconds, voice.patience_seconds) == (0.8, 20.0, 180.0)
    assert voice.is_open_at(8 * 60) and not voice.is_open_at(22 * 60)
    assert config.channel("chat").concurrency == 2 and config.channel("email").response_hours == 4
    assert config.shifts.start_times[0] == dt.time(7) and len(config.shifts.start_times) == 15
    assert config.week_dates[-1] == dt.date(2026, 12, 13)
    assert config.solver.seed == 0 and config.rules.min_rest_hours == 11


@pytest.mark.parametrize(("old", "new", "message"), [
    ("service_level = 0.80", "service_level = 1.0",
     "row 9, column channel[1].service_level: expected a number in (0.0, 1.0), got 1.0"),
    ("answer_seconds = 20", "answer_seconds = 0",
     "row 10, column channel[1].answer_seconds: expected a number in (0.0, inf], got 0"),
    ("shrinkage = 0.30\npatience", "shrinkage = 1.0\npatience",
     "row 12, column channel[1].shrinkage: expected a number in [0.0, 1.0), got 1.0"),
    ('name = "chat"', 'name = "voice"', "row 17, column channel[2].name: channel 'voice' is defined twice"),
    ("concurrency = 2", "concurency = 2",
     "row 21, column channel[2].concurency: unknown key; expected one of answer_seconds, asa_seconds, "
     "concurrency, concurrency_slowdown, importance, kind, max_occupancy, name, open_hours, patience_seconds, "
     "response_hours, service_level, shrinkage"),
    ('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"',
     'row 2, column planning.timezone: expected an IANA timezone like "Asia/Shanghai", got "Mars/Olympus"'),
    ('week_start = "2026-12-07"', 'week_start = "2026-12-08"',
     'row 4, column planning.week_start: expected the date of a Monday (YYYY-MM-DD), got "2026-12-08"'),
    ("interval_minutes = 30", "interval_minutes = 25",
     'row 3, column planning.interval_minutes: expected one of 5, 10, 15, 20, 30, 60, got "25"'),
    ('start_times = "07:00-14:00/30min"', 'start_times = ["07:00", "08:00", "07:00"]',
     "row 31, column shifts.start_times: start times overlap (a time is listed twice)"),
    ('start_times = "07:00-14:00/30min"', 'start_times = "7 to 2"',
     'row 31, column shifts.start_times: expected "HH:MM-HH:MM/NNmin", "HH:MM" or a list of them, got "7 to 2"'),
    ('start_times = "07:00-14:00/30min"', 'start_times = "07:15-14:15/60min"',
     "row 31, column shifts.start_times: start 07:15 is not on the 30-minute grid"),
    ("response_hours = 4", "response_hours = 4\nservice_level = 0.9",
     "row 27, column channel[3].service_level: not used by a deferred channel; remove it"),
    ("[rules]", "[rule]", "row 34, column rule: unknown section; expected planning, channel, shifts, rules, "
     "weights or solver"),
    ('open_hours = "08:00-22:00"', 'open_hours = "22:00-08:00"',
     'row 14, column channel[1].open_hours: expected "HH:MM-HH:MM" with end after start, got "22:00-08:00"'),
    ("max_days_per_week = 5", "max_days_per_week = 8",
     "row 35, column rules.max_days_per_week: expected a number in [1, 7], got 8"),
])
def test_each_rejection_names_line_and_key(tmp_path, old, new, message):
    assert old in BASE
    with pytest.raises(InputError) as info:
        load(tmp_path, BASE.replace(old, new, 1))
    assert str(info.value) == f"planning.toml {message}"


def test_syntax_error_and_missing_sections(tmp_path):
    with pytest.raises(InputError, match=r"^planning.toml row 3: not valid TOML"):
        load(tmp_path, "[planning]\ntimezone = 'UTC'\ninterval_minutes = = 3\n")
    with pytest.raises(InputError, match=r"^planning.toml: missing the \[shifts\] section$"):
        load(tmp_path, BASE.split("[shifts]")[0])


def test_start_times_mix_ranges_and_single_times(tmp_path):
    config = load(tmp_path, BASE.replace('start_times = "07:00-14:00/30min"',
                                         'start_times = ["07:00-08:00/30min", "23:00"]'))
    assert config.shifts.start_times == (dt.time(7), dt.time(7, 30), dt.time(8), dt.time(23))
    with pytest.raises(InputError, match="start times overlap"):
        load(tmp_path, BASE.replace('start_times = "07:00-14:00/30min"',
                                    'start_times = ["07:00-08:00/30min", "08:00"]'))


def test_start_time_ranges():
    assert parse_start_times("07:00-08:00/30min") == (dt.time(7), dt.time(7, 30), dt.time(8))
    assert parse_start_times("08:00-07:00/30min") is None

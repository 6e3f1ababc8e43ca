"""Planning config: the sample parses; every constraint of DESIGN.md is checked with line numbers;
each command asks only for the sections it uses."""

from __future__ import annotations

import datetime as dt

import pytest
from planning_config import BASE, write_planning
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.config import ROSTER, RulesConfig, load_config, parse_start_times
from staffcast.errors import InputError
from staffcast.pipeline import load_inputs


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
    ("[rules]", "[rule]", "row 34, column rule: unknown section; expected planning, channel, queues, "
     "channel_defaults, shifts, rules, weights, solver, staffing, capacity or intraday"),
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
    with pytest.raises(InputError, match=r"^planning.toml: missing the \[shifts\] section "
                       r"\(lengths_hours, start_times, break_minutes\)$"):
        load(tmp_path, BASE.split("[shifts]")[0])
    with pytest.raises(InputError) as info:
        load(tmp_path, "shifts = 3\n" + BASE.split("[shifts]")[0])
    assert str(info.value) == 'planning.toml, column shifts: expected a [shifts] table, got "3"'


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


def test_each_caller_asks_only_for_the_sections_it_uses(tmp_path):
    path = write_planning(tmp_path, without=("shifts", "rules"))
    config = load_config(path, needs=())
    assert config.shifts is None and config.rules == RulesConfig(5, 11.0)
    with pytest.raises(InputError) as info:
        load_config(path, needs=ROSTER, command="staffcast schedule")
    assert str(info.value) == ("planning.toml: staffcast schedule needs the [shifts] section "
                               "(lengths_hours, start_times, break_minutes)")
    # a section that is present is checked even when the caller does not need it
    path = write_planning(tmp_path, shifts={"break_minutes": 45})
    with pytest.raises(InputError, match=r"shifts.break_minutes: expected a multiple of interval_minutes"):
        load_config(path, needs=())
    path = write_planning(tmp_path, without=("planning",))
    with pytest.raises(InputError) as info:
        load_config(path, needs=(), command="staffcast staff")
    assert str(info.value) == ("planning.toml: staffcast staff needs the [planning] section "
                               "(timezone, interval_minutes, week_start)")
    path = write_planning(tmp_path, channels=[])
    with pytest.raises(InputError) as info:
        load_config(path, needs=(), command="staffcast forecast")
    assert str(info.value) == ("planning.toml: staffcast forecast needs at least one [[channel]] table "
                               "(name, kind, service target) or a [queues] table naming a queues file")


def test_a_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "planning.toml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_config(path).channel_names == ("voice", "chat", "email")
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("max_days_per_week = 5", "max_days_per_week = 8").encode())
    with pytest.raises(InputError, match=r"^planning.toml row 35, column rules.max_days_per_week: "):
        load_config(path)
    path.write_bytes(b"[planning]\ntimezone = \"\xff\"\n")
    with pytest.raises(InputError, match=r"^planning.toml row 2: not UTF-8 text; save the config as UTF-8$"):
        load_config(path)


ROSTER_COMMANDS = {"schedule", "run"}


@pytest.mark.parametrize("command", ["forecast", "backtest", "staff", "simulate", "schedule", "run"])
def test_commands_name_the_section_they_miss(tmp_path, command):
    """Without [shifts] only the roster commands stop at the config (before reading any
    other file); the others go on to the data file, here missing. Without [planning]
    every command stops, naming itself."""
    for name in ("agents.csv", "events.csv"):
        (tmp_path / name).write_text("x\n")
    data = str(tmp_path / "missing.csv")
    args = {
        "forecast": [data, "--out", str(tmp_path / "f.csv")],
        "backtest": [data, "--out", str(tmp_path / "m.csv")],
        "staff": [data, "--out", str(tmp_path / "r.csv")],
        "simulate": [data],
        "schedule": [data, "--agents", str(tmp_path / "agents.csv"), "--out", str(tmp_path / "out")],
        "run": [data, "--events", str(tmp_path / "events.csv"), "--agents", str(tmp_path / "agents.csv"),
                "--out", str(tmp_path / "out")],
    }[command]
    for without, section in ((("shifts",), "shifts"), (("planning",), "planning")):
        config = write_planning(tmp_path, without=without)
        result = CliRunner().invoke(app, [command, *args, "--config", str(config)])
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        if section == "planning" or command in ROSTER_COMMANDS:
            assert lines[0].startswith(f"error: planning.toml: staffcast {command} needs the [{section}] section (")
        else:
            assert lines[0].startswith("error: missing.csv") and "[shifts]" not in lines[0]
    assert not (tmp_path / "out").exists()


def test_pipeline_load_inputs_needs_shifts_before_reading_history(tmp_path, sample_dir):
    config = write_planning(tmp_path, without=("shifts",))
    with pytest.raises(InputError) as info:
        load_inputs(tmp_path / "missing.csv", sample_dir / "events.csv", config, sample_dir / "agents.csv")
    assert str(info.value) == ("planning.toml: staffcast.pipeline.load_inputs needs the [shifts] section "
                               "(lengths_hours, start_times, break_minutes)")

"""The queues table: rows merged over [channel_defaults] and validated as [[channel]] tables,
with one-line errors naming the file, row and column (or the config line of a default)."""

from __future__ import annotations

import pytest
from planning_config import BASE
from queue_cases import queue_config_text, queue_rows, write_queue_case

from staffcast.config import load_config
from staffcast.errors import InputError


def test_rows_take_defaults_and_their_own_cells(tmp_path):
    config, _, _ = write_queue_case(tmp_path, queues=4)
    cfg = load_config(config)
    assert cfg.channel_names == ("q000", "q001", "q002", "q003")
    q0, q1, q2, q3 = cfg.channels
    assert (q0.kind, q0.service_level, q0.answer_seconds, q0.shrinkage) == ("queue", 0.8, 20.0, 0.3)
    assert (q1.service_level, q1.answer_seconds) == (0.9, 30.0)
    assert q2.concurrency == 2 and isinstance(q2.concurrency, int)
    assert (q3.kind, q3.response_hours, q3.service_level) == ("deferred", 4.0, None)
    assert all(q.open_until_minutes == 20 * 60 for q in cfg.channels)


def test_channels_and_queues_together_and_parquet_table(tmp_path):
    text = BASE + "\n" + queue_config_text(file="queues.parquet").split("[queues]", 1)[1].join(["[queues]", ""])
    (tmp_path / "planning.toml").write_text(text, encoding="utf-8")
    queue_rows(2).to_parquet(tmp_path / "queues.parquet", index=False)
    cfg = load_config(tmp_path / "planning.toml")
    assert cfg.channel_names == ("voice", "chat", "email", "q000", "q001")


def _case(tmp_path, rows: str, defaults: dict | None = None):
    (tmp_path / "planning.toml").write_text(queue_config_text(defaults), encoding="utf-8")
    (tmp_path / "queues.csv").write_text(rows, encoding="utf-8")
    return tmp_path / "planning.toml"


@pytest.mark.parametrize(("rows", "expected"), [
    ("name,service_level\nvoice,0.8\nchat,1.5\n",
     "queues.csv row 3, column service_level: expected a number in (0.0, 1.0), got 1.5"),
    ("name,answer_seconds\nvoice,fast\n",
     'queues.csv row 2, column answer_seconds: expected a number, got "fast"'),
    ("name,concurrency\nvoice,2.5\n", "queues.csv row 2, column concurrency: expected an integer, got \"2.5\""),
    ("name\nvoice\nVoice\n", "queues.csv row 3, column name: queue 'voice' is defined twice (also row 2)"),
    ("name\nvoice-en\n", 'queues.csv row 2, column name: expected a channel name like "voice", got "voice-en"'),
    ("name,open_hours\nvoice,08:15-20:00\n",
     "queues.csv row 2, column open_hours: open hours must lie on the 30-minute grid"),
    ("name,colour\nvoice,red\n", "queues.csv row 1, column colour: unknown column; expected some of"),
    ("service_level\n0.8\n", "queues.csv row 1: missing column 'name' (one row per queue)"),
    ("name\n", "queues.csv: no queues (expected one row per queue)"),
    ("name,kind,response_hours\nmail,deferred,\n", "queues.csv row 2: missing required key 'response_hours'"),
])
def test_each_bad_cell_names_file_row_and_column(tmp_path, rows, expected):
    with pytest.raises(InputError) as err:
        load_config(_case(tmp_path, rows))
    assert str(err.value).startswith(expected)


def test_a_bad_default_names_its_config_line(tmp_path):
    config = _case(tmp_path, "name\nvoice\n", {**{"kind": "queue", "answer_seconds": 20}, "service_level": 2})
    with pytest.raises(InputError) as err:
        load_config(config)
    line = config.read_text().splitlines().index("service_level = 2") + 1
    assert str(err.value) == (f"planning.toml row {line}, column channel_defaults.service_level: "
                              "expected a number in (0.0, 1.0), got 2")


def test_config_level_mistakes(tmp_path):
    config = _case(tmp_path, "name\nvoice\n")
    config.write_text(config.read_text().replace('file = "queues.csv"', 'file = "missing.csv"'))
    with pytest.raises(InputError, match="missing.csv: file not found"):
        load_config(config)
    config.write_text(BASE + '\n[channel_defaults]\nshrinkage = 0.2\n')
    with pytest.raises(InputError, match=r"channel_defaults: only used with a \[queues\] table"):
        load_config(config)
    config.write_text(BASE + '\n[queues]\nfile = "queues.csv"\nsheet = 1\n')
    with pytest.raises(InputError, match=r"column queues.sheet: unknown key; expected one of file"):
        load_config(config)
    (tmp_path / "queues.csv").write_text("name\nvoice\n", encoding="utf-8")
    config.write_text(BASE + '\n[queues]\nfile = "queues.csv"\n\n[channel_defaults]\n'
                      'response_hours = 4\nkind = "deferred"\n')
    with pytest.raises(InputError, match=r"queues.csv row 2, column name: queue 'voice' is defined twice "
                       r"\(also a \[\[channel\]\] table\)"):
        load_config(config)

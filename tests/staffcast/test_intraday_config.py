"""The [intraday] section: defaults without it, values read, one-line errors naming the line."""

from __future__ import annotations

import pytest
from planning_config import BASE

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.intraday_config import IntradayConfig


def _config(tmp_path, section: str):
    path = tmp_path / "planning.toml"
    path.write_text(BASE + section, encoding="utf-8")
    return load_config(path)


def test_defaults_without_the_section(tmp_path):
    assert _config(tmp_path, "").intraday == IntradayConfig()


def test_values_are_read(tmp_path):
    cfg = _config(tmp_path, "\n[intraday]\nmax_overtime_minutes = 90\novertime_cost_factor = 2\n"
                            "early_leave = false\nswitch_cost = 0.5\n")
    assert (cfg.intraday.max_overtime_minutes, cfg.intraday.overtime_cost_factor, cfg.intraday.early_leave,
            cfg.intraday.switch_cost) == (90, 2.0, False, 0.5)


@pytest.mark.parametrize(("body", "message"), [
    ("max_overtime_minutes = 45",
     r"row 39, column intraday.max_overtime_minutes: .*multiple of the 30-minute interval, got 45"),
    ("max_overtime_minutes = -30", r"row 39, column intraday.max_overtime_minutes: .*expected a number in \[0, 240\]"),
    ("early_leave = 1", r"row 39, column intraday.early_leave: .*expected true or false"),
    ("overtime_cost = -1", r"row 39, column intraday.overtime_cost: .*expected a number in \[0"),
    ("lunch = 3", r"row 39, column intraday.lunch: .*unknown key"),
])
def test_mistakes_are_one_line_errors(tmp_path, body, message):
    with pytest.raises(InputError, match=message) as caught:
        _config(tmp_path, f"\n[intraday]\n{body}\n")
    assert "\n" not in str(caught.value)

"""The [capacity] section: defaults, parsed values and one-line errors naming line and key."""

from __future__ import annotations

import pytest
from planning_config import planning_toml

from staffcast.capacity_config import CapacityConfig
from staffcast.config import load_config
from staffcast.errors import InputError


def _load(tmp_path, **capacity):
    path = tmp_path / "planning.toml"
    path.write_text(planning_toml(capacity=capacity), encoding="utf-8")
    return load_config(path, needs=())


def test_values_parsed_and_defaults_kept(tmp_path):
    cfg = _load(tmp_path, attrition_per_week=0.01, ramp=[0.5, 1.0], class_size=[3, 8], lead_weeks=2)
    assert cfg.capacity == CapacityConfig(attrition_per_week=0.01, ramp=(0.5, 1.0), class_size=(3, 8),
                                          lead_weeks=2)
    assert cfg.capacity.training_weeks == 3 and cfg.capacity.productive_hours_per_fte_week == 32
    assert cfg.capacity.method is None and _load(tmp_path, method="sipp").capacity.method == "sipp"


def test_no_section_no_capacity(tmp_path):
    path = tmp_path / "planning.toml"
    path.write_text(planning_toml(), encoding="utf-8")
    assert load_config(path, needs=()).capacity is None


@pytest.mark.parametrize(("capacity", "message"), [
    (dict(ramp=[0.5, 1.2]), "column capacity.ramp: expected a list of productivities in (0, 1]"),
    (dict(ramp=[0, 0.5]), "column capacity.ramp: expected a list of productivities in (0, 1]"),
    (dict(class_size=[20, 5]), "column capacity.class_size: expected [min, max] whole agents a class "
     "hires with 1 <= min <= max"),
    (dict(class_size=[0, 5]), "column capacity.class_size"),
    (dict(class_size=[2.5, 5]), "column capacity.class_size"),
    (dict(attrition_per_week=1.0), "column capacity.attrition_per_week: expected a number in [0.0, 1.0)"),
    (dict(lead_weeks=1.5), "column capacity.lead_weeks: expected an integer"),
    (dict(productive_hours_per_fte_week=0), "column capacity.productive_hours_per_fte_week"),
    (dict(hires_per_week=3), "column capacity.hires_per_week: unknown key"),
    (dict(method="erlang"), 'column capacity.method: expected "sipp", "mol" or "isa", got "erlang"'),
])
def test_bad_values_are_one_line_errors(tmp_path, capacity, message):
    with pytest.raises(InputError) as err:
        _load(tmp_path, **capacity)
    text = str(err.value)
    assert text.startswith("planning.toml row ") and message in text and "\n" not in text

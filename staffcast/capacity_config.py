"""The `[capacity]` section of the planning config: supply and costs of the hiring plan.

`load_config` parses it (through `parse_capacity`) whenever it is present, so a mistake
is a one-line error naming the line and key whichever command reads the config.
"""

from __future__ import annotations

from dataclasses import dataclass

from staffcast.errors import describe


@dataclass(frozen=True)
class CapacityConfig:
    """Supply and cost of the hiring plan (docs/design.md, "Capacity planning").

    `attrition_per_week`: share of every cohort leaving each week, in [0, 1);
    `lead_weeks`: a class starts no earlier than this many weeks from now;
    `training_weeks`: weeks paid at productivity 0 after a class starts;
    `ramp`: productivity (in (0, 1]) in the weeks after training, then 1;
    `class_size`: (min, max) agents a class starting in a week hires, or 0;
    `cost_per_hire` (currency per hire), `cost_per_fte_week` (currency per head on payroll
    and week, trainees included), `overtime_max_share` (overtime FTE as a share of the
    week's productive FTE), `overtime_cost_factor` (x `cost_per_fte_week` per overtime
    FTE), `shortfall_cost_per_fte_week` (currency per missing FTE and week),
    `productive_hours_per_fte_week` (hours on shift per FTE and week: the requirement's
    staff-hours divide by it); `method`: interval staffing method ("sipp", "mol" or "isa")
    of the requirement from history, None for the `[staffing] method` (`--method` overrides
    both).
    """

    attrition_per_week: float = 0.005
    lead_weeks: int = 4
    training_weeks: int = 3
    ramp: tuple[float, ...] = (0.5, 0.75, 0.9)
    class_size: tuple[int, int] = (5, 20)
    cost_per_hire: float = 3000.0
    cost_per_fte_week: float = 900.0
    overtime_max_share: float = 0.10
    overtime_cost_factor: float = 1.5
    shortfall_cost_per_fte_week: float = 5000.0
    productive_hours_per_fte_week: float = 32.0
    method: str | None = None


_NUMBERS = {
    "attrition_per_week": dict(low=0.0, high=1.0, high_open=True),
    "lead_weeks": dict(low=0, high=520, integer=True),
    "training_weeks": dict(low=0, high=520, integer=True),
    "cost_per_hire": dict(low=0.0),
    "cost_per_fte_week": dict(low=0.0),
    "overtime_max_share": dict(low=0.0, high=1.0),
    "overtime_cost_factor": dict(low=0.0),
    "shortfall_cost_per_fte_week": dict(low=0.0),
    "productive_hours_per_fte_week": dict(low=0.0, high=168.0, low_open=True),
}


def parse_capacity(toml, table: dict) -> CapacityConfig:
    """The `[capacity]` table as a CapacityConfig; `toml` is config.py's line finder."""
    from staffcast.config import STAFFING_METHODS, _check_keys, _number

    _check_keys(toml, table, set(_NUMBERS) | {"ramp", "class_size", "method"}, "capacity")
    values: dict = {}
    for key, bounds in _NUMBERS.items():
        value = _number(toml, table, "capacity", None, key, **bounds)
        if value is not None:
            values[key] = float(value) if not bounds.get("integer") else int(value)
    if "ramp" in table:
        ramp = table["ramp"]
        if not isinstance(ramp, list) or any(isinstance(x, bool) or not isinstance(x, int | float)
                                             or not 0 < x <= 1 for x in ramp):
            raise toml.error("capacity", None, "ramp", "expected a list of productivities in (0, 1] "
                             f"(the weeks after training, e.g. [0.5, 0.75, 0.9]), got {describe(ramp)}")
        values["ramp"] = tuple(float(x) for x in ramp)
    if "class_size" in table:
        size = table["class_size"]
        ok = (isinstance(size, list) and len(size) == 2
              and all(isinstance(x, int) and not isinstance(x, bool) for x in size))
        if not ok or not 1 <= size[0] <= size[1]:
            raise toml.error("capacity", None, "class_size",
                             "expected [min, max] whole agents a class hires with 1 <= min <= max, "
                             f"got {describe(size)}")
        values["class_size"] = (int(size[0]), int(size[1]))
    if "method" in table:
        if table["method"] not in STAFFING_METHODS:
            raise toml.error("capacity", None, "method",
                             f'expected "sipp", "mol" or "isa", got {describe(table["method"])}')
        values["method"] = table["method"]
    return CapacityConfig(**values)

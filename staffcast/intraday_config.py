"""The `[intraday]` section of the planning config: what `staffcast intraday` may change in
the rest of today's roster and what each change costs.

`load_config` parses it (through `parse_intraday`) whenever it is present, so a mistake is
a one-line error naming the line and key whichever command reads the config; without the
section the defaults below apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from staffcast.errors import describe


@dataclass(frozen=True)
class IntradayConfig:
    """Allowed changes of the intraday re-plan and their costs (docs/design.md, "Intraday").

    `max_overtime_minutes`: a shift may be extended at its end by up to this many minutes
    (a multiple of the interval; 0: no overtime), within rest and weekly maximum hours;
    `overtime_cost_factor`: an overtime hour costs the agent's `cost_per_hour` times this
    factor (through `[weights] cost`); `early_leave`: whether an agent may leave early where
    over-staffed, by up to `max_early_leave_minutes` (a multiple of the interval), within
    the weekly minimum hours and the break window. Change costs, in the units of
    `[weights]` (one missing agent for one interval costs `under_coverage`):
    `break_move_cost` per lunch moved, `switch_cost` per agent-interval on another channel
    than planned, `overtime_cost` per shift extended, `early_leave_cost` per shift cut.
    """

    max_overtime_minutes: int = 60
    overtime_cost_factor: float = 1.5
    early_leave: bool = True
    max_early_leave_minutes: int = 120
    break_move_cost: float = 2.0
    switch_cost: float = 1.0
    overtime_cost: float = 10.0
    early_leave_cost: float = 5.0


_NUMBERS = {
    "max_overtime_minutes": dict(low=0, high=240, integer=True),
    "overtime_cost_factor": dict(low=0.0),
    "max_early_leave_minutes": dict(low=0, high=480, integer=True),
    "break_move_cost": dict(low=0.0),
    "switch_cost": dict(low=0.0),
    "overtime_cost": dict(low=0.0),
    "early_leave_cost": dict(low=0.0),
}


def parse_intraday(toml, table: dict, interval_minutes: int) -> IntradayConfig:
    """The `[intraday]` table as an IntradayConfig; `toml` is config.py's line finder."""
    from staffcast.config import _check_keys, _number

    _check_keys(toml, table, set(_NUMBERS) | {"early_leave"}, "intraday")
    values: dict = {}
    for key, bounds in _NUMBERS.items():
        value = _number(toml, table, "intraday", None, key, **bounds)
        if value is None:
            continue
        if key.endswith("_minutes") and value % interval_minutes:
            raise toml.error("intraday", None, key, f"expected a multiple of the {interval_minutes}-minute "
                             f"interval, got {value}")
        values[key] = int(value) if bounds.get("integer") else float(value)
    if "early_leave" in table:
        if not isinstance(table["early_leave"], bool):
            raise toml.error("intraday", None, "early_leave", f"expected true or false, got "
                             f"{describe(table['early_leave'])}")
        values["early_leave"] = table["early_leave"]
    return IntradayConfig(**values)

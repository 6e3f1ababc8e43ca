"""A roster's service in simulation: Erlang against the simulation, the intervals that miss,
why, and the extra agents that fix them - on a real case where backlog carries over."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from staffcast.config import ChannelConfig, PlanningConfig, RulesConfig, ShiftConfig, SolverConfig, WeightsConfig
from staffcast.scheduler.roster.results.service import (
    MAX_EXTRA,
    extra_agents,
    fix_lines,
    missed_intervals,
    service_comparison,
)
from staffcast.scheduler.simulation.frame import simulate_frame
from staffcast.scheduler.staffing.requirements import requirements

TZ = "Asia/Shanghai"
VOICE = ChannelConfig("voice", "queue", 0.0, 0.8, 20)
CONFIG = PlanningConfig(TZ, 30, dt.date(2026, 12, 7), (VOICE,), ShiftConfig((8.0,), (dt.time(7),), 0, 2.0, 2.0),
                        RulesConfig(), WeightsConfig(), SolverConfig(5, 1, 0))


REPLICATIONS = 200  # half-widths near 0.02: misses are the queue's, not the sampling noise's
SURGE = pd.Timestamp("2026-12-07 10:00", tz=TZ)
AFTER = pd.Timestamp("2026-12-07 10:30", tz=TZ)


def week_of_a_surge():
    """Monday 08:00-12:00 at a steady 60 calls per half hour with a surge to 180 at 10:00,
    rostered to the Erlang requirement but 8 agents short in the surge."""
    stamps = pd.date_range("2026-12-07 08:00", periods=8, freq="30min", tz=TZ)
    volume = np.array([60, 60, 60, 60, 180, 60, 60, 60], dtype=float)
    forecast = pd.DataFrame({"channel": "voice", "interval_start": stamps, "volume": volume, "volume_lo": volume,
                             "volume_hi": volume, "aht_seconds": 300.0, "model": "test"})
    needs = requirements(forecast, CONFIG)
    coverage = needs[["channel", "interval_start"]].assign(required=needs["staff"], scheduled=needs["staff"],
                                                           service_level=needs["service_level"])
    coverage.loc[coverage["interval_start"] == SURGE, "scheduled"] -= 8
    return needs, coverage


def test_the_interval_after_a_short_surge_misses_although_staffed_to_erlang():
    needs, coverage = week_of_a_surge()
    simulation = simulate_frame(coverage, CONFIG, requirements=needs, replications=REPLICATIONS, seed=1)
    missed = missed_intervals(coverage, simulation, CONFIG).set_index("interval_start")
    # nothing misses before the surge; its backlog carries over into 10:30 (and may into 11:00)
    assert missed.index[0] == SURGE and AFTER in missed.index and len(missed) <= 3
    assert missed.loc[SURGE, "reason"] == "short of staff"
    assert (missed["reason"].iloc[1:] == "staffed to the Erlang requirement; the queue carries over from "
            "earlier intervals").all()
    table = service_comparison(coverage, simulation, needs, CONFIG).iloc[0]
    assert table["erlang_intervals_at_target"] == pytest.approx(7 / 8)  # Erlang sees only the surge short
    assert table["simulated_intervals_at_target"] == pytest.approx((8 - len(missed)) / 8)
    assert table["simulated_service_level"] < table["erlang_service_level"]


def test_the_extra_agents_found_do_meet_the_target_in_simulation():
    needs, coverage = week_of_a_surge()
    simulation = simulate_frame(coverage, CONFIG, requirements=needs, replications=REPLICATIONS, seed=1)
    missed = missed_intervals(coverage, simulation, CONFIG)
    extra = extra_agents(coverage, needs, missed, CONFIG, replications=REPLICATIONS, seed=1)
    assert ((extra >= 1) & (extra <= MAX_EXTRA)).all()
    fixed = coverage.merge(missed[["channel", "interval_start"]].assign(extra=extra), how="left")
    fixed["scheduled"] += fixed.pop("extra").fillna(0).astype(int)
    again = simulate_frame(fixed, CONFIG, requirements=needs, replications=REPLICATIONS, seed=1)
    assert missed_intervals(fixed, again, CONFIG).empty
    # with one agent fewer than found somewhere, that interval misses again
    worst = extra.idxmax()
    fewer = fixed.copy()
    row = fewer.index[fewer["interval_start"] == missed.loc[worst, "interval_start"]][0]
    fewer.loc[row, "scheduled"] -= 1
    resimulated = simulate_frame(fewer, CONFIG, requirements=needs, replications=REPLICATIONS, seed=1)
    still = missed_intervals(fewer, resimulated, CONFIG)
    assert not still.empty
    line = fix_lines(missed, extra, CONFIG)[0]
    assert line.startswith("voice Mon 10:00-1") and f"{int(extra.max())} more voice agent" in line
    assert "(short of staff / staffed to the Erlang requirement" in line


def test_nothing_missed_means_no_fix_lines():
    needs, coverage = week_of_a_surge()
    generous = coverage.assign(scheduled=coverage["scheduled"] + 10)
    simulation = simulate_frame(generous, CONFIG, requirements=needs, replications=20, seed=2)
    missed = missed_intervals(generous, simulation, CONFIG)
    assert missed.empty and fix_lines(missed, extra_agents(generous, needs, missed, CONFIG), CONFIG) == []
    assert service_comparison(generous, simulation, needs, CONFIG).iloc[0]["simulated_intervals_at_target"] \
        == pytest.approx(1.0)

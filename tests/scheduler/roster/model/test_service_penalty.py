"""Service-aware coverage costs: thin intervals' shortfalls weigh more, surplus hours go
where backlog carries over (real Erlang curves, a real CP-SAT roster)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from roster_cases import VOICE, agent, config, solve, stamp

from staffcast.scheduler.roster.model import penalty
from staffcast.scheduler.staffing.requirements import queue_agents

SLOPES = (1.0, 1.5, 2.0, 2.5, 3.0)


def staff_for(volume, aht=240.0):
    """Agents on shift meeting voice's 80 % in 20 s (shrinkage added back)."""
    agents = queue_agents(VOICE, np.asarray(volume, dtype=float), np.full(len(volume), aht), 30)
    return np.ceil(agents / (1.0 - VOICE.shrinkage) - 1e-9).astype(int)


def test_thin_interval_shortfall_ranks_above_thick():
    volume = np.array([3.0, 40.0, 150.0, 400.0])
    staff = staff_for(volume)
    assert staff[0] <= 5 and staff[-1] >= 30
    factors = penalty.shortfall_factors(VOICE, staff, volume, np.full(4, 240.0), 30, SLOPES)
    first = factors[:, 0]
    assert np.all(np.diff(first) < 0), first  # thinner interval: dearer first missing agent
    assert first[0] > 2 * first[-1]
    assert np.all(np.diff(factors, axis=1) >= 0)  # convex in the agents missing


def test_unknown_volumes_keep_flat_slopes():
    factors = penalty.shortfall_factors(VOICE, [3, 5], [0.0, 0.0], [0.0, 0.0], 30, SLOPES)
    assert np.allclose(factors, [SLOPES, SLOPES])
    assert np.allclose(penalty.surplus_factors(VOICE, [3, 5], [0.0, 0.0], [0.0, 0.0], 30), 1.0)


def test_surplus_cheapest_right_after_peak():
    volume = np.array([20.0, 20.0, 120.0, 120.0, 20.0, 20.0, 20.0])
    staff = staff_for(volume)
    factors = penalty.surplus_factors(VOICE, staff, volume, np.full(7, 240.0), 30)
    assert factors[4] == factors.min() and factors[4] < factors[6]  # first interval after the peak
    assert factors[6] == 1.0 or factors[6] > factors[4] + 0.3


def requirements(blocks) -> pd.DataFrame:
    """Voice requirements from (day, "HH:MM", "HH:MM", contacts per interval) blocks, staff
    at the Erlang C requirement."""
    rows = []
    for day, first, last, volume in blocks:
        t, end = stamp(day, first), stamp(day, last)
        while t < end:
            rows.append(("voice", t, volume, 240.0))
            t += pd.Timedelta(minutes=30)
    frame = pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds"])
    frame["staff"] = staff_for(frame["volume"].to_numpy())
    return frame


def test_forced_hours_go_to_the_peak_and_after_not_into_the_trough():
    # Monday 07:00-23:00: a 19:00-21:00 peak, quiet otherwise; 8 h shifts at 07, 11, 15.
    # Everyone must work one 8 h shift: the agents beyond the plan join the 15:00 start
    # (peak and the backlog after it), not the quiet morning (07:00). Flat over-coverage
    # costs leave the choice open (that solve puts them all in the morning).
    req = requirements([(0, "07:00", "19:00", 8.0), (0, "19:00", "21:00", 60.0), (0, "21:00", "23:00", 8.0)])
    peak, base = int(req["staff"].max()), int(req["staff"].min())
    n_agents = peak + 2 * base + 2
    agents = [agent(f"A{i}", low=8.0, high=8.0, off_days=(1, 2, 3, 4, 5, 6)) for i in range(n_agents)]
    result = solve(req, agents, config(seconds=10.0))
    starts = result.roster["shift_start"].value_counts()
    assert len(result.roster) == n_agents and result.shortfall == ()
    assert int(starts.get(stamp(0, "07:00"), 0)) == base  # the morning gets exactly its requirement
    assert int(starts.get(stamp(0, "15:00"), 0)) == n_agents - base

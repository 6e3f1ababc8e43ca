"""The re-plan's backlog-aware cost against the simulation: on a queue without patience a
shortfall's backlog waits into the next intervals, so an agent at lunch right after a
peak costs more than the same agent at lunch before it. The per-interval cost (the
roster's) cannot tell the two apart and keeps the plan; the backlog-aware one moves the
lunch, and the discrete-event simulation says that is the better day."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from roster_cases import agent, config, stamp

from staffcast.config import ChannelConfig
from staffcast.intraday import upper_volume
from staffcast.intraday_config import IntradayConfig
from staffcast.scheduler.intraday.day import build_day, week_grid
from staffcast.scheduler.intraday.model import backlog_decay, build_replan_model
from staffcast.scheduler.intraday.replan import replan
from staffcast.scheduler.roster.results.view import roster_shifts
from staffcast.scheduler.roster.search.solver import cpsat_solver
from staffcast.scheduler.simulation.queue import simulate_intervals

CHAT = ChannelConfig("chat", "queue", 0.0, 0.8, 60)  # no patience: contacts wait
AHT = 300.0
PEAK = ("11:00", "11:30")


def _case(peak_load=5.0):
    cfg = config(channels=(CHAT,), lengths=(8.0,), starts=("07:00",), break_minutes=60)
    cfg = dataclasses.replace(cfg, intraday=IntradayConfig(max_overtime_minutes=0, early_leave=False))
    agents = tuple(agent(a, channels=("chat",)) for a in "ABCD")
    rows = [(a, "09:00-10:00") for a in "BCD"] + [("A", "12:00-13:00")]  # B-D at lunch before now
    roster = pd.DataFrame([{"agent_id": a, "date": stamp(0, "07:00").date(), "shift_start": stamp(0, "07:00"),
                            "shift_end": stamp(0, "15:00"), "breaks": b, "channels": "chat"} for a, b in rows])
    needs, t = [], stamp(0, "07:00")
    while t < stamp(0, "15:00"):
        peak = f"{t:%H:%M}" in PEAK
        load = peak_load if peak else 2.0  # busy agents: 4 on shift fall behind above 4
        needs.append(("chat", t, load * 1800.0 / AHT, AHT, 7 if peak else 3))
        t += pd.Timedelta(minutes=30)
    needs = pd.DataFrame(needs, columns=["channel", "interval_start", "volume", "aht_seconds", "staff"])
    return cfg, agents, roster, needs


def _coverage(roster, needs, cfg):
    shifts = roster_shifts(roster, cfg.timezone)
    out = needs[["channel", "interval_start", "staff"]].rename(columns={"staff": "required"})
    out["scheduled"] = [sum(s.start <= t < s.end and not any(b0 <= t < b1 for b0, b1 in s.breaks) for s in shifts)
                        for t in out["interval_start"]]
    out["service_level"] = float("nan")
    return out


def _simulated(needs, agents_per_interval) -> float:
    """Contact-weighted simulated service level of the day from 10:00 (400 replications)."""
    rest = needs[needs["interval_start"] >= stamp(0, "10:00")]
    res = simulate_intervals(rest["volume"].to_numpy(), rest["aht_seconds"].to_numpy(), agents_per_interval,
                             interval_minutes=30, answer_seconds=CHAT.answer_seconds, replications=400, seed=3)
    volume = rest["volume"].to_numpy()
    return float((res.service_level * volume).sum() / volume.sum())


def _day(peak_load=5.0):
    cfg, agents, roster, needs = _case(peak_load)
    day = build_day(week_grid(needs, agents, cfg), roster_shifts(roster, cfg.timezone), _coverage(roster, needs, cfg),
                    stamp(0, "10:00"))
    return day, needs, next(i for i, o in enumerate(day.open) if day.agents[o.agent].agent_id == "A")


def _on_duty(day, lunch) -> np.ndarray:
    """Agents on the channel per interval from 10:00 with A's lunch at grid index `lunch`."""
    return np.array([4 - (lunch <= t < lunch + day.brk) for t in range(day.first, day.first + 10)])


def _priced(day, a, lunch, backlog) -> float:
    rm = build_replan_model(day, backlog=backlog)
    rm.model.Add(rm.lunches[a][lunch] == 1)
    solver = cpsat_solver(seed=0, workers=1, dtime=5.0)
    solver.Solve(rm.model)
    return solver.ObjectiveValue()


def test_the_backlog_aware_cost_ranks_the_lunches_as_the_simulation_does():
    day, needs, a = _day()
    lunches = day.open[a].lunches  # 10:00 ... 12:00
    simulated = [_simulated(needs, _on_duty(day, p)) for p in lunches]
    new = [_priced(day, a, p, True) for p in lunches]
    old = [_priced(day, a, p, False) for p in lunches]
    best, worst = int(np.argmax(simulated)), int(np.argmin(simulated))
    assert (best, worst) == (0, 2)  # clear of the peak; the whole lunch inside it
    assert (int(np.argmin(new)), int(np.argmax(new))) == (best, worst)
    assert int(np.argmin(old)) == len(lunches) - 1 != best  # the old cost prefers right after the peak
    assert new[-1] - new[0] > 5 * (old[0] - old[-1])


def test_no_patience_keeps_the_whole_backlog_and_voice_patience_almost_none():
    assert backlog_decay(CHAT, 30) == 1.0
    voice = dataclasses.replace(CHAT, patience_seconds=180.0)
    assert backlog_decay(voice, 30) < 1e-4


def test_the_backlog_aware_cost_moves_the_lunch_away_from_the_peak_and_simulates_better():
    day, needs, a = _day()
    old = replan(day, dtime=5.0, backlog=False)
    new = replan(day, dtime=5.0, backlog=True)
    horizon = day.week.horizon
    assert horizon.stamp(old.lunch[a]) == stamp(0, "12:00")  # per interval the planned lunch is the cheapest
    assert horizon.stamp(new.lunch[a]) == stamp(0, "10:00")  # the only lunch clear of the peak and its backlog
    old_level = _simulated(needs, _on_duty(day, old.lunch[a]))
    new_level = _simulated(needs, _on_duty(day, new.lunch[a]))
    assert new_level > old_level + 0.02
    assert new.objective_before > new.objective  # the backlog-aware cost agrees it buys service


def test_the_backlog_is_priced_at_the_upper_band():
    """At the forecast the peak just fits (4 busy agents of 4): no backlog, the lunch stays;
    priced at an upper band of 5 busy agents in the peak it moves clear, which is the better
    day when the band comes true."""
    day, _, a = _day(peak_load=4.0)
    surge, needs, _ = _day(peak_load=5.0)
    assert replan(day, dtime=5.0).lunch[a] == day.open[a].lunch
    hedged = replan(dataclasses.replace(day, backlog_volume=surge.week.demand.volume), dtime=5.0)
    assert day.week.horizon.stamp(hedged.lunch[a]) == stamp(0, "10:00")
    assert _simulated(needs, _on_duty(day, hedged.lunch[a])) > _simulated(needs, _on_duty(day, day.open[a].lunch))


def test_upper_volume_places_the_band_on_the_grid():
    day, needs, _ = _day()
    forecast = needs.assign(volume_hi=needs["volume"] * 1.5)
    forecast.loc[0, "volume_hi"] = float("nan")  # no band: the volume
    upper = upper_volume(forecast, day.week)
    t = [int(round(day.week.horizon.index_of(s))) for s in needs["interval_start"]]
    assert np.allclose(upper[0, t[1:]], needs["volume"].to_numpy()[1:] * 1.5)
    assert upper[0, t[0]] == needs["volume"].iloc[0]

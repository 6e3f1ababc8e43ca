"""Generated roster instances for `benchmarks/roster.py`: N agents, 7 days, 30-minute
intervals, 4 channels (voice, chat 24/7, email, social) with mixed skills and a demand
profile sized to about `load` of the agents' working hours."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from staffcast.config import (
    ChannelConfig,
    PlanningConfig,
    RulesConfig,
    ShiftConfig,
    SolverConfig,
    WeightsConfig,
)
from staffcast.scheduler.inputs.agents import Agent

SKILL_MIX = (  # share of agents per skill set
    (("voice",), 0.31), (("voice", "chat"), 0.24), (("chat",), 0.16),
    (("email", "social"), 0.16), (("voice", "chat", "email", "social"), 0.13),
)
CHANNEL_SHARE = {"voice": 0.45, "chat": 0.3, "email": 0.15, "social": 0.10}


def planning_config(seconds: float = 60.0, workers: int = 2, seed: int = 7) -> PlanningConfig:
    """The sample's planning.toml as objects (Asia/Shanghai, week of 2026-12-07)."""
    eight, ten = dt.time(8), 22 * 60
    channels = (
        ChannelConfig("voice", "queue", 0.3, 0.8, 20, max_occupancy=0.85, open_from=eight,
                      open_until_minutes=ten, importance=1.0),
        ChannelConfig("chat", "queue", 0.3, 0.8, 60, max_occupancy=0.85, concurrency=2, importance=0.8),
        ChannelConfig("email", "deferred", 0.3, response_hours=4, open_from=eight, open_until_minutes=ten,
                      importance=0.5),
        ChannelConfig("social", "deferred", 0.3, response_hours=2, open_from=eight, open_until_minutes=ten,
                      importance=0.6),
    )
    starts = tuple(dt.time(m // 60, m % 60) for m in range(7 * 60, 14 * 60 + 1, 30))
    return PlanningConfig("Asia/Shanghai", 30, dt.date(2026, 12, 7), channels,
                          ShiftConfig((8.0, 9.0), starts, 60, 2.0, 2.0), RulesConfig(5, 11.0),
                          WeightsConfig(), SolverConfig(seconds, workers, seed))


def generate(n_agents: int, seed: int = 0, load: float = 0.95, config: PlanningConfig | None = None):
    """(config, agents, requirements frame) of a generated instance."""
    config = config or planning_config()
    rng = np.random.default_rng(seed)
    agents = []
    cumulative = np.cumsum([share for _, share in SKILL_MIX])
    for i in range(n_agents):
        skills = SKILL_MIX[int(np.searchsorted(cumulative, rng.random() * cumulative[-1]))][0]
        part_time = rng.random() < 0.1
        low, high = (18.0, 28.0) if part_time else (36.0, 45.0)
        off = frozenset(rng.choice(7, size=rng.integers(0, 3), replace=False).tolist()) if rng.random() < 0.2 \
            else frozenset()
        agents.append(Agent(f"A{i + 1:03d}", f"Agent {i + 1}", frozenset(skills), low, high,
                            unavailable_weekdays=off, cost_per_hour=float(rng.choice([30, 31.5, 33, 34.5, 36]))))
    # working agent-hours on offer (paid hours less one break hour per ~8.5 h shift)
    supply = sum(0.5 * (a.min_hours_week + a.max_hours_week) for a in agents) * (1 - 1 / 8.5)
    stamps = pd.date_range(pd.Timestamp(config.week_start), periods=7 * 48, freq="30min", tz=config.timezone)
    minute = np.asarray(stamps.hour * 60 + stamps.minute)
    weekday = np.asarray(stamps.weekday)
    rows = []
    for channel in config.channels:
        open_ = np.array([channel.is_open_at(int(m)) for m in minute]) & (minute >= 7 * 60) & (minute < 23 * 60)
        hour = minute / 60.0
        shape = np.exp(-0.5 * ((hour - 11.0) / 2.5) ** 2) + 0.8 * np.exp(-0.5 * ((hour - 16.0) / 3.0) ** 2) + 0.3
        shape *= np.where(weekday >= 5, 0.7, 1.0) * open_
        hours = load * supply * CHANNEL_SHARE[channel.name]
        staff = shape / shape.sum() * hours * 2  # agents per half-hour interval
        staff = np.floor(staff + rng.random(len(staff))).astype(int)
        for s, n in zip(stamps, staff, strict=True):
            if n > 0:
                rows.append((channel.name, s, 20.0 * n, 300.0, n))
    frame = pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds", "staff"])
    return config, tuple(agents), frame



def demo_forecast():
    """The bundled sample's week as the demo plans it (170 agents; voice, 24/7 chat with a
    night shift, deferred email and social, a wave, multi-skill): its config, agents, the
    forecast frame of the week and last week's roster. Returns (config, agents, forecast,
    previous_roster)."""
    from staffcast.forecast.api import forecast
    from staffcast.pipeline import horizon_days, in_week, load_inputs
    from staffcast.sample import sample_files

    with sample_files() as (history, events, planning, agents, previous):
        inputs = load_inputs(history, events, planning, agents, previous_roster=previous)
    predicted = forecast(inputs.history, inputs.events, horizon_days(inputs), model="auto")
    return inputs.config, inputs.agents, in_week(predicted, inputs.config), inputs.previous_roster


def demo_week():
    """`demo_forecast` with the forecast staffed by the config's `[staffing] method`:
    (config, agents, requirements, previous_roster)."""
    from staffcast.scheduler.staffing.requirements import requirements

    cfg, agents, predicted, previous = demo_forecast()
    return cfg, agents, requirements(predicted, cfg, staff_to="volume", method=cfg.staffing.method), previous

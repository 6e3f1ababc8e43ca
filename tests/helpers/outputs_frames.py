"""Small hand-made frames that follow the DESIGN.md contracts exactly, for the export,
plot and report tests (the engines that produce them live elsewhere)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from planning_config import channel as shared_channel
from planning_config import write_planning

from staffcast.config import load_config

# BASE with voice on Erlang C (no patience), email open 08:00-22:00 and starts until 16:00.
CHANNELS = [
    shared_channel("voice", patience_seconds=None),
    shared_channel("chat"),
    shared_channel("email", open_hours="08:00-22:00"),
]
SHIFTS_CHANGES = {"start_times": "07:00-16:00/30min"}

AGENTS = """agent_id,name,channels,min_hours_week,max_hours_week,unavailable
A01,Li Wei,voice;chat,32,45,
A02,Zhang Min,voice,32,45,Sat
A03,Wang Fang,chat;email,16,45,2026-12-09
A04,Chen Jie,voice;chat;email,32,45,
A05,Night Owl,chat,0,45,
"""

# (agent, day offset, start "HH:MM", hours on shift, breaks)
SHIFTS = [
    ("A01", 0, "07:00", 9, "11:00-12:00"), ("A01", 1, "07:00", 9, "11:30-12:30"),
    ("A01", 2, "08:30", 8, "12:00-13:00"), ("A01", 3, "07:00", 9, "11:00-12:00"),
    ("A01", 4, "09:00", 9, "13:00-14:00"),
    ("A02", 0, "13:00", 9, "17:00-18:00"), ("A02", 1, "13:00", 9, "17:00-18:00"),
    ("A02", 2, "14:00", 8, "18:00-19:00"), ("A02", 3, "13:00", 9, "17:30-18:30"),
    ("A02", 6, "13:00", 9, "17:00-18:00"),
    ("A03", 0, "10:00", 8, "13:00-14:00"), ("A03", 3, "10:00", 8, "13:00-14:00"),
    ("A04", 1, "09:30", 9, "13:30-14:30"), ("A04", 2, "09:30", 9, "13:30-14:30"),
    ("A04", 5, "08:00", 9, "12:00-13:00"), ("A04", 6, "08:00", 8, "12:00-13:00"),
    # across midnight: breaks before and after midnight
    ("A05", 4, "16:00", 9, "20:00-21:00"), ("A05", 5, "16:00", 9, "23:30-00:30"),
]


def write_config(folder, tz="Asia/Shanghai", week="2026-12-07"):
    """Write the outputs tests' planning.toml (timezone and week as given) and load it."""
    return load_config(write_planning(folder, planning={"timezone": tz, "week_start": week},
                                      channels=CHANNELS, shifts=SHIFTS_CHANGES))


def make_roster(config, shifts=SHIFTS) -> pd.DataFrame:
    """The roster frame: tz-aware shift_start/shift_end, date, breaks as HH:MM-HH:MM."""
    rows = []
    for agent_id, offset, start, hours, breaks in shifts:
        day = config.week_start + dt.timedelta(days=offset)
        begin = pd.Timestamp(f"{day} {start}").tz_localize(config.timezone)
        end = begin + pd.Timedelta(hours=hours)  # hours actually worked, across a clock change too
        rows.append({"agent_id": agent_id, "date": day, "shift_start": begin, "shift_end": end,
                     "breaks": breaks, "channels": {"A01": "voice;chat", "A02": "voice",
                                                    "A03": "chat;email", "A04": "voice;chat;email",
                                                    "A05": "chat"}.get(agent_id, "voice")})
    return pd.DataFrame(rows)


def make_coverage(config, seed=7) -> pd.DataFrame:
    """The coverage frame over the whole week, open hours only, with some shortfalls."""
    rng = np.random.default_rng(seed)
    rows = []
    for channel in config.channels:
        for day in config.week_dates:
            for slot in range(48):
                minute = slot * 30
                if not channel.is_open_at(minute):
                    continue
                stamp = pd.Timestamp(f"{day}").tz_localize(config.timezone) + pd.Timedelta(minutes=minute)
                peak = 1 + 3 * np.exp(-((minute / 60 - 14) ** 2) / 18)
                required = int(round(peak * (2 if channel.name == "voice" else 1)))
                scheduled = max(0, required + int(rng.integers(-2, 3)))
                sl = float(np.clip(0.8 + 0.08 * (scheduled - required) + rng.normal(0, 0.03), 0, 1))
                rows.append({"channel": channel.name, "interval_start": stamp, "required": required,
                             "scheduled": scheduled, "service_level": sl})
    return pd.DataFrame(rows)


def make_simulation(coverage, seed=3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sim = coverage[["channel", "interval_start"]].copy()
    sim["sim_service_level"] = np.clip(coverage["service_level"] + rng.normal(0, 0.02, len(sim)), 0, 1)
    sim["sim_service_level_halfwidth"] = 0.02
    sim["sim_asa_seconds"] = np.round(30 * (1 - sim["sim_service_level"]) + 2, 1)
    sim["sim_abandon_rate"] = np.round(0.1 * (1 - sim["sim_service_level"]), 4)
    return sim


def make_backtest() -> pd.DataFrame:
    rows = []
    for model, base in (("seasonal_naive", 0.21), ("ets_events", 0.12)):
        for channel in ("voice", "chat", "email"):
            for fold in range(3):
                wape = round(base + 0.01 * fold + (0.02 if channel == "email" else 0), 4)
                rows.append({"model": model, "channel": channel, "fold": fold, "wape": wape,
                             "mase": round(wape * 5, 3), "bias": round(0.01 * (fold - 1), 3),
                             "event_wape": round(wape * 1.5, 4), "coverage80": 0.8 - 0.02 * fold,
                             "poisson_floor": 0.08, "floor_ratio": round(wape / 0.08, 3)})
    return pd.DataFrame(rows)

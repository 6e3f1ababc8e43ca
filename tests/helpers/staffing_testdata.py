"""Shared real inputs for the staffing tests: a planning.toml like the sample's (derived
from the shared BASE) and a synthetic forecast frame (imported by the test modules; not a conftest, to keep
tests/scheduler free for other engineers' fixtures)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from planning_config import channel, planning_toml

from staffcast.config import load_config

# BASE with the sample's four channels: chat slows down at concurrency, email and social
# open 08:00-22:00.
PLANNING = planning_toml(channels=[
    channel("voice"),
    channel("chat", concurrency_slowdown=0.25),
    channel("email", open_hours="08:00-22:00"),
    {"name": "social", "kind": "deferred", "response_hours": 2, "shrinkage": 0.30,
     "open_hours": "08:00-22:00"},
])


def load_planning(folder):
    """Write PLANNING into `folder` and load it with the real config parser."""
    path = folder / "planning.toml"
    path.write_text(PLANNING, encoding="utf-8")
    return load_config(path)


def make_forecast(days: int = 2, interval_minutes: int = 30, seed: int = 0) -> pd.DataFrame:
    """A forecast frame with a daily shape for all four sample channels."""
    starts = pd.date_range("2026-12-07", periods=days * 24 * 60 // interval_minutes,
                           freq=f"{interval_minutes}min", tz="Asia/Shanghai")
    hour = starts.hour + starts.minute / 60
    shape = np.clip(np.sin((hour - 7) / 15 * np.pi), 0, None)
    rng = np.random.default_rng(seed)
    peaks = {"voice": 120.0, "chat": 80.0, "email": 60.0, "social": 25.0}
    ahts = {"voice": 300.0, "chat": 420.0, "email": 480.0, "social": 240.0}
    frames = []
    for name, peak in peaks.items():
        vol = np.round(peak * shape * (interval_minutes / 30) * rng.uniform(0.9, 1.1, len(starts)), 1)
        frames.append(pd.DataFrame({
            "channel": name, "interval_start": starts, "volume": vol,
            "volume_lo": vol * 0.8, "volume_hi": vol * 1.25, "aht_seconds": ahts[name], "model": "test",
        }))
    return pd.concat(frames, ignore_index=True)


"""Small synthetic histories with known truth, written to real files and loaded through
`load_history`/`load_events` like user data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from staffcast.forecast.data import History, load_events, load_history

TZ = "Europe/Berlin"  # has DST: the models must work on local wall-clock slots
WEEKDAY = np.array([1.10, 1.0, 1.0, 0.95, 0.90, 0.50, 0.40])
OPEN_FROM, OPEN_TO = 8, 20  # local hours; outside them the channel is closed
BASE_PER_DAY = 1200.0
# Known wave response: uplift share at size s = PEAK_REF * (s / SIZE_REF) ** ELASTICITY on
# the third and later days; ramp-up on day 0 and 1, decay on the day after the end.
PEAK_REF, SIZE_REF, ELASTICITY = 0.5, 4000.0, 0.7
RAMP = {0: 0.5, 1: 0.9}
DECAY = {0: 0.3}


def intraday(hours: np.ndarray) -> np.ndarray:
    """Relative weight of a local clock hour (two bumps, morning and afternoon)."""
    return 1 + np.exp(-0.5 * ((hours - 10.5) / 1.5) ** 2) + 0.8 * np.exp(-0.5 * ((hours - 15) / 2) ** 2)


def wave_uplift(size: float, day_in_wave: int, length: int) -> float:
    """True uplift share of a wave of `size` on day `day_in_wave` (>= length: after its end)."""
    peak = PEAK_REF * (size / SIZE_REF) ** ELASTICITY
    if day_in_wave >= length:
        return peak * DECAY.get(day_in_wave - length, 0.0)
    return peak * RAMP.get(day_in_wave, 1.0)


REBOUND = 1.3  # the open day after a closed holiday catches up


def truth_frame(first: str, days: int, waves: list[tuple[str, int, float]],
                holidays: tuple[str, ...] = ()) -> pd.DataFrame:
    """Expected contacts per 30-min open interval: channel voice, local times in TZ; the
    centre is closed on `holidays` (no rows) and busier by REBOUND the day after."""
    dates = pd.date_range(first, periods=days, freq="D")
    closed = pd.DatetimeIndex(list(holidays))
    rows = []
    for day in dates:
        if day in closed:
            continue
        factor = WEEKDAY[day.weekday()] * (REBOUND if day - pd.Timedelta(days=1) in closed else 1.0)
        for start, length, size in waves:
            k = (day - pd.Timestamp(start)).days
            if 0 <= k <= length:
                factor *= 1 + wave_uplift(size, k, length)
        clock = day + pd.to_timedelta(np.arange(OPEN_FROM * 2, OPEN_TO * 2) * 30, unit="min")
        weight = intraday(np.asarray(clock.hour + clock.minute / 60 + 0.25))
        rows.append(pd.DataFrame({"interval_start": clock.tz_localize(TZ),
                                  "mean": BASE_PER_DAY * factor * weight / weight.sum()}))
    out = pd.concat(rows, ignore_index=True)
    out.insert(0, "channel", "voice")
    return out


def write_case(folder: Path, *, days: int = 182, waves: list[tuple[str, int, float]] | None = None,
               future: list[tuple[str, int, float]] | None = None, holidays: tuple[str, ...] = (),
               seed: int = 7) -> tuple[History, pd.DataFrame]:
    """Write history.csv (Poisson draws of the truth) and events.csv; load both back.
    `holidays` (past and future dates) are closed days, listed as holiday events."""
    waves = waves or []
    rng = np.random.default_rng(seed)
    truth = truth_frame("2025-01-06", days, waves, holidays)
    history = truth.assign(volume=rng.poisson(truth["mean"]).astype(float),
                           aht_seconds=300.0 + 30 * np.sin(np.arange(len(truth))))
    history = history.drop(columns="mean")
    history["interval_start"] = history["interval_start"].map(lambda t: t.isoformat())
    history.to_csv(folder / "history.csv", index=False)
    lines = ["name,kind,start,end,channels,size"]
    for i, (start, length, size) in enumerate(waves + (future or [])):
        end = (pd.Timestamp(start) + pd.Timedelta(days=length)).date()
        lines.append(f"Customer {i} onboarding,onboarding,{start},{end},voice,{size:g}")
    for day in holidays:
        lines.append(f"Holiday {day},holiday,{day},{(pd.Timestamp(day) + pd.Timedelta(days=1)).date()},*,")
    (folder / "events.csv").write_text("\n".join(lines) + "\n")
    loaded = load_history(folder / "history.csv", TZ, 30)
    return loaded, load_events(folder / "events.csv", TZ, loaded.channels)

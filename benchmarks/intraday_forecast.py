"""Intraday benchmark section `forecast`: rest-of-day WAPE of the reforecast on real bank calls.

Test days: 15 weekdays spread over July-October 2003 (the weekday rotates). Each day is
forecast day-ahead by the project's own `run_forecast` (auto choice, US holiday calendar)
from the history before it; at the cut-offs 10:00, 12:00 and 14:00 the day's actuals so far
update it. Rest-of-day WAPE (intervals from the cut-off to the close, pooled over the
days) of: no update; a simple observed-ratio update with weight 0.8
(`f * (1 + 0.8 * (O/F - 1))`); `staffcast.forecast.reforecast` with weights learned by
`learn_update_weights` against the project's day-ahead forecasts of the earlier days
(rolling: `WARMUP_DAYS` weekdays of June, then the earlier test days; nothing after the
day); and the known-total bound (the rest
of the day's actual total spread by the forecast's shape: what is left once the level is
known exactly). Goal: the reforecast >= 20% below no update on average over the cut-offs
(>= 10% at each), and below the simple ratio update at every cut-off.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from staffcast.forecast.api import run_forecast
from staffcast.forecast.reforecast import learn_update_weights, reforecast

CUTOFFS = ("10:00", "12:00", "14:00")
TEST_DAYS = 15
WARMUP_DAYS = 10
SIMPLE_WEIGHT = 0.8


def _bench_forecast():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_forecast", Path(__file__).with_name("forecast.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_days(frame: pd.DataFrame, first: str = "2003-07-01", stop: str = "2003-11-01",
              count: int = TEST_DAYS) -> list[pd.Timestamp]:
    days = pd.DatetimeIndex(sorted(frame["interval_start"].dt.normalize().unique()))
    days = days[(days >= pd.Timestamp(first, tz=days.tz)) & (days < pd.Timestamp(stop, tz=days.tz))]
    return list(days[np.linspace(0, len(days) - 1, count).round().astype(int)])


def run(bank: Path) -> list[str]:
    if not bank.exists():
        return [f"(forecast) skipped: {bank} not found (give its path with --bank)"]
    bf = _bench_forecast()
    with tempfile.TemporaryDirectory() as tmp:
        history, holidays = bf.bank_history(Path(tmp), bank)
    frame = history.frame
    sums = {c: {"none": 0.0, "simple": 0.0, "reforecast": 0.0, "known total": 0.0, "total": 0.0} for c in CUTOFFS}
    past = [run_forecast(replace(history, frame=frame[frame["interval_start"] < day]), holidays, 1,
                         start=day).frame for day in test_days(frame, "2003-06-01", "2003-07-01", WARMUP_DAYS)]
    for day in test_days(frame):
        train = frame[frame["interval_start"] < day]
        test = frame[(frame["interval_start"] >= day) & (frame["interval_start"] < day + pd.Timedelta(days=1))]
        fc = run_forecast(replace(history, frame=train), holidays, 1, start=day).frame
        weights = learn_update_weights(train, forecasts=pd.concat(past))
        past.append(fc)
        y = fc[["interval_start"]].merge(test, on="interval_start", how="left")["volume"].fillna(0).to_numpy()
        f = fc["volume"].to_numpy()
        for cut in CUTOFFS:
            now = day + pd.Timedelta(hours=int(cut[:2]), minutes=int(cut[3:]))
            seen = (fc["interval_start"] + pd.Timedelta(minutes=30) <= now).to_numpy()
            rest = ~seen
            actuals = test[test["interval_start"] + pd.Timedelta(minutes=30) <= now]
            upd = reforecast(fc, actuals, now, weights=weights, interval_minutes=30)["volume"].to_numpy()
            ratio = y[seen].sum() / max(f[seen].sum(), 1e-9)
            simple = f * (1 + SIMPLE_WEIGHT * (ratio - 1))
            known = f * y[rest].sum() / max(f[rest].sum(), 1e-9)
            s = sums[cut]
            s["total"] += y[rest].sum()
            for name, p in (("none", f), ("simple", simple), ("reforecast", upd), ("known total", known)):
                s[name] += np.abs(y[rest] - p[rest]).sum()
    rows, gains, reachable = [], [], []
    for cut in CUTOFFS:
        s = sums[cut]
        w = {k: s[k] / s["total"] for k in ("none", "simple", "reforecast", "known total")}
        gains.append(1 - w["reforecast"] / w["none"])
        reachable.append(1 - w["known total"] / w["none"])
        rows.append({"cut-off": cut, "no update": f"{w['none']:.4f}", "ratio 0.8": f"{w['simple']:.4f}",
                     "reforecast": f"{w['reforecast']:.4f}", "vs no update": f"{w['reforecast'] / w['none'] - 1:+.1%}",
                     "vs ratio 0.8": f"{w['reforecast'] / w['simple'] - 1:+.1%}",
                     "known-total bound": f"{w['known total']:.4f}"})
    lines = [f"(forecast) bank calls, {TEST_DAYS} test days Jul-Oct 2003, rest-of-day WAPE",
             bf.table(rows, list(rows[0]))]
    lines.append(f"    mean gain over no update {np.mean(gains):.1%} (goal >= 20%, >= 10% at each cut-off; "
                 f"lowest {min(gains):.1%})")
    lines.append(f"    the known-total bound's gain over no update: {np.mean(reachable):.1%} on average, "
                 + " / ".join(f"{g:.1%}" for g in reachable) + " at the cut-offs (what knowing the rest of the "
                 "day's total exactly buys: the most a level update can reach on these days)")
    return lines

"""Rolling-origin backtests: K consecutive test windows of `horizon_days` ending at the
history end; each fold trains only on the intervals before its cut-off (local midnight).

Metrics per model, channel and fold (all on contacts per interval):
WAPE = sum|y - p| / sum y; MASE = mean|y - p| / in-sample MAE of the weekly seasonal
naive forecast; bias = sum(p - y) / sum y; event WAPE = WAPE on intervals inside an
event [start, end); coverage = share of y inside the 80% band; Poisson floor = sum
sqrt(2 y / pi) / sum y, the WAPE a perfect forecast of the Poisson rate would still make;
floor ratio = WAPE / Poisson floor. `unexplained_days` lists the test window's days that a
screen of the whole history finds unexplained (`staffcast.forecast.screen`), e.g.
"2003-09-02 +35%": the days a fold's error may owe to a missing calendar entry.

Each fold's training history is prepared as a forecast's is: the closures its data show
become events and its unexplained days are left out (`staffcast.forecast.screen.prepare`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from staffcast.errors import InputError
from staffcast.forecast.intervals import POISSON, Calibration, calibrate
from staffcast.forecast.models import VolumeModel, event_interval_mask, local_clock
from staffcast.forecast.screen import prepare

MIN_TRAIN_DAYS = 14
CALIBRATION_MIN_DAYS = 14  # inner holdout length: the horizon, at least this, at most 28 days
CALIBRATION_WINDOWS = 2  # inner holdouts pooled for the 80% band


def localize_days(days: pd.DatetimeIndex | pd.Timestamp, timezone: str):
    """Naive local midnights -> tz-aware local timestamps (DST-safe)."""
    return days.tz_localize(timezone, ambiguous=False, nonexistent="shift_forward")


def fold_cutoffs(frame: pd.DataFrame, folds: int, horizon_days: int, timezone: str) -> list[pd.Timestamp]:
    """Cut-offs (tz-aware local midnights), oldest first: fold k tests [cut_k, cut_k + horizon)."""
    if folds < 1:
        raise InputError("", f"--folds: expected an integer >= 1, got {folds}")
    clock = local_clock(frame["interval_start"])
    end_day = clock.max().normalize() + pd.Timedelta(days=1)
    cuts = pd.DatetimeIndex([end_day - pd.Timedelta(days=horizon_days * (folds - k)) for k in range(folds)])
    if cuts[0] - clock.min().normalize() < pd.Timedelta(days=MIN_TRAIN_DAYS):
        span = (end_day - clock.min().normalize()).days
        raise InputError("", f"{folds} fold(s) of {horizon_days} day(s) need more than {span} days of history "
                         f"(at least {MIN_TRAIN_DAYS} days of training before the first fold)")
    return list(localize_days(cuts, timezone))


def seasonal_scale(train: pd.DataFrame) -> dict[str, float]:
    """In-sample MAE (contacts per interval) of the same-slot-last-week forecast, per channel."""
    scale = {}
    clock = local_clock(train["interval_start"])
    for channel, rows in train.groupby("channel"):
        series = pd.Series(rows["volume"].to_numpy(), index=pd.DatetimeIndex(clock[rows.index]))
        series = series[~series.index.duplicated()]
        before = series.reindex(series.index - pd.Timedelta(days=7)).to_numpy()
        diff = np.abs(series.to_numpy() - before)
        scale[str(channel)] = float(np.nanmean(diff)) if np.isfinite(diff).any() else np.nan
    return scale


def score(y: np.ndarray, p: np.ndarray, lo: np.ndarray, hi: np.ndarray, events: np.ndarray,
          scale: float) -> dict[str, float]:
    """The metrics of one model, channel and fold (see the module docstring)."""
    total = y.sum()
    err = np.abs(y - p)
    nan = float("nan")
    floor = np.sqrt(2 * y / np.pi).sum() / total if total > 0 else nan
    wape = err.sum() / total if total > 0 else nan
    return {
        "wape": wape,
        "mase": err.mean() / scale if scale and np.isfinite(scale) and scale > 0 else nan,
        "bias": (p - y).sum() / total if total > 0 else nan,
        "event_wape": err[events].sum() / y[events].sum() if y[events].sum() > 0 else nan,
        "coverage": float(np.mean((y >= lo) & (y <= hi))) if len(y) else nan,
        "poisson_floor": floor,
        "floor_ratio": wape / floor if floor and np.isfinite(floor) and floor > 0 else nan,
        "intervals": int(len(y)),
        "event_intervals": int(events.sum()),
    }


def holdout_calibration(factory: Callable[[], VolumeModel], train: pd.DataFrame, events: pd.DataFrame,
                        horizon_days: int, interval_minutes: int, timezone: str) -> dict[str, Calibration]:
    """Per-channel calibration from inner holdouts inside `train`: the last CALIBRATION_WINDOWS
    windows of `horizon_days` (clipped to CALIBRATION_MIN_DAYS..28 days), each forecast by
    the model fitted on the data before it; their residuals are pooled."""
    days = int(np.clip(horizon_days, CALIBRATION_MIN_DAYS, 28))
    clock = local_clock(train["interval_start"])
    end = clock.max().normalize() + pd.Timedelta(days=1)
    actual, predicted, channel = [], [], []
    for k in range(1, CALIBRATION_WINDOWS + 1):
        cut, stop = (localize_days(end - pd.Timedelta(days=days * j), timezone) for j in (k, k - 1))
        inner = train[train["interval_start"] < cut]
        held = train[(train["interval_start"] >= cut) & (train["interval_start"] < stop)].reset_index(drop=True)
        span = local_clock(inner["interval_start"]).max() - local_clock(inner["interval_start"]).min() \
            if len(inner) else pd.Timedelta(0)
        if held.empty or span < pd.Timedelta(days=MIN_TRAIN_DAYS):
            break
        pred = factory().fit(inner, events, interval_minutes=interval_minutes, timezone=timezone).predict(held)
        actual.append(held["volume"].to_numpy())
        predicted.append(pred["volume"].to_numpy())
        channel.append(held["channel"].to_numpy())
    if not actual:
        return {}
    actual, predicted, channel = (np.concatenate(x) for x in (actual, predicted, channel))
    return {str(ch): calibrate(actual[channel == ch], predicted[channel == ch]) for ch in np.unique(channel)}


def run_backtest(frame: pd.DataFrame, events: pd.DataFrame, factories: Mapping[str, Callable[[], VolumeModel]], *,
                 folds: int, horizon_days: int, interval_minutes: int, timezone: str,
                 progress: Callable[[int, int], None] | None = None,
                 with_intervals: bool = True, screen: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(metrics frame, predictions frame) of every model over `folds` rolling origins.

    Predictions: channel, interval_start, volume (actual), predicted, lo, hi (80% band), model, fold.
    `with_intervals=False` skips the inner-holdout calibration (coverage is then that of a
    plain Poisson band) when only point accuracy is needed; `screen=False` fits on the
    training history as it is (closures are still learned).
    """
    cuts = fold_cutoffs(frame, folds, horizon_days, timezone)
    _, _, found = prepare(frame, events, interval_minutes=interval_minutes, timezone=timezone, screen=screen)
    found = found[found["kind"] == "unexplained"]
    rows, preds = [], []
    total, step = len(cuts) * len(factories), 0
    for fold, cut in enumerate(cuts):
        cut_day = local_clock(pd.Series([cut])).iloc[0]
        stop = localize_days(cut_day + pd.Timedelta(days=horizon_days), timezone)
        raw = frame[frame["interval_start"] < cut]
        test = frame[(frame["interval_start"] >= cut) & (frame["interval_start"] < stop)].reset_index(drop=True)
        fold_events, train, _ = prepare(raw, events, interval_minutes=interval_minutes, timezone=timezone,
                                        end=cut_day, screen=screen)
        scale = seasonal_scale(raw)
        in_event = event_interval_mask(test, fold_events)
        late = found[(found["day"] >= cut_day) & (found["day"] < cut_day + pd.Timedelta(days=horizon_days))]
        for name, factory in factories.items():
            model = factory().fit(train, fold_events, interval_minutes=interval_minutes, timezone=timezone)
            predicted = model.predict(test[["channel", "interval_start"]])["volume"].to_numpy()
            cals = holdout_calibration(factory, train, fold_events, horizon_days, interval_minutes, timezone) \
                if with_intervals else {}
            for channel, part in test.groupby("channel", sort=True):
                i = part.index.to_numpy()
                lo, hi = cals.get(str(channel), POISSON).bounds(predicted[i])
                y = part["volume"].to_numpy(dtype=float)
                rows.append({"model": name, "channel": str(channel), "fold": fold, "cutoff": cut,
                             "train_end": train["interval_start"].max(),
                             "test_start": part["interval_start"].min(), "test_end": part["interval_start"].max(),
                             "horizon_days": horizon_days,
                             **score(y, predicted[i], lo, hi, in_event[i], scale.get(str(channel), np.nan)),
                             "unexplained_days": ";".join(
                                 f"{r.day:%Y-%m-%d} {r.deviation:+.0%}"
                                 for r in late[late["channel"] == str(channel)].itertuples())})
            lo_all, hi_all = np.zeros(len(test)), np.zeros(len(test))
            for channel, part in test.groupby("channel", sort=True):
                i = part.index.to_numpy()
                lo_all[i], hi_all[i] = cals.get(str(channel), POISSON).bounds(predicted[i])
            preds.append(test[["channel", "interval_start", "volume"]].assign(
                predicted=predicted, lo=lo_all, hi=hi_all, model=name, fold=fold))
            step += 1
            if progress is not None:
                progress(step, total)
    return pd.DataFrame(rows), pd.concat(preds, ignore_index=True)

"""Intraday reforecast: update the rest of today (and, fading, the following days) from
today's actuals so far.

The update is a shrunken observed-over-forecast ratio in the spirit of the Bayesian
within-day updating of Weinberg, Brown & Stroud (2007): with a Gamma prior of strength
`k` contacts on the day's level ratio and Poisson counts, the posterior mean ratio after
observing `O` contacts where `F` were forecast is `(O + k) / (F + k)`. A second ratio over
the most recent observed intervals lets the intraday profile shift (its weight decays
with the lead time), and handle time is updated the same way. The 80% band narrows as
the day is observed: the day-level part of the band's variance shrinks by `k / (F + k)`.
`learn_update_weights` picks the weights that minimise rest-of-day WAPE on past days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.errors import InputError

Z80 = 1.2816  # the 10%/90% normal quantile behind the forecast's 80% band
ACTUAL = "actual"  # the `model` of intervals before `now`, replaced by actuals
UNOBSERVED = "unobserved"  # suffix of the `model` of past intervals without actuals
MIN_GAIN = 0.002  # learning: a less shrunk or shifting update must cut rest-of-day WAPE by this share


@dataclass(frozen=True)
class UpdateWeights:
    """How strongly today's actuals move the forecast.

    `level_prior_contacts`: Gamma prior strength `k` of the day's level ratio, in contacts
    (larger: trust the forecast longer). `recent_intervals`, `recent_weight`,
    `recent_decay_intervals`: a second, unshrunk-by-day ratio over the last
    `recent_intervals` observed intervals (shrunk with the same `k`) is blended in with
    weight `recent_weight * exp(-lead / recent_decay_intervals)` (lead: intervals after
    `now`), so the profile can shift. `aht_prior_contacts`: prior strength of the handle
    time ratio, in contacts. `fade_days`: the update's effect on a day d days after today
    is multiplied by `exp(-d / fade_days)` (0: today only).
    """

    level_prior_contacts: float = 200.0
    recent_intervals: int = 4
    recent_weight: float = 0.0
    recent_decay_intervals: float = 4.0
    aht_prior_contacts: float = 200.0
    fade_days: float = 1.0


def grid_minutes(forecast: pd.DataFrame) -> int:
    """The interval length (minutes) of a forecast frame: the smallest step between its
    interval starts."""
    steps = []
    for _, rows in forecast.groupby("channel", sort=False):
        stamps = pd.DatetimeIndex(rows["interval_start"].unique()).sort_values()
        diff = (stamps[1:] - stamps[:-1]) / pd.Timedelta(minutes=1)
        steps.extend(d for d in diff if d > 0)
    if not steps:
        raise InputError("", "the forecast needs at least two intervals to tell its interval length")
    return int(min(steps))


def check_actuals(forecast: pd.DataFrame, actuals: pd.DataFrame, now: pd.Timestamp, *,
                  interval_minutes: int, file: str = "") -> pd.Timestamp:
    """`now` in the forecast's timezone, or InputError: `now` outside the forecast, an
    actuals channel the forecast lacks, an actuals interval not ended by `now`."""
    tz = forecast["interval_start"].dt.tz
    now = pd.Timestamp(now)
    now = now.tz_localize(tz) if now.tzinfo is None else now.tz_convert(tz)
    step = pd.Timedelta(minutes=interval_minutes)
    first, last = forecast["interval_start"].min(), forecast["interval_start"].max() + step
    if not first <= now <= last:
        raise InputError("", f"--now: expected a time inside the forecast ({first:%Y-%m-%d %H:%M} to "
                         f"{last:%Y-%m-%d %H:%M}), got {now:%Y-%m-%d %H:%M}")
    known = set(forecast["channel"])
    bad = ~actuals["channel"].isin(known).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(file, f"expected a channel of the forecast ({', '.join(sorted(known))}), "
                         f"got {actuals['channel'].iloc[i]!r}", row=i + 2, column="channel")
    late = (actuals["interval_start"] + step > now).to_numpy()
    if late.any():
        i = int(np.flatnonzero(late)[0])
        raise InputError(file, f"expected actuals of intervals ended by now ({now:%Y-%m-%d %H:%M}), got "
                         f"{actuals['interval_start'].iloc[i]:%Y-%m-%d %H:%M}", row=i + 2, column="interval_start")
    return now


def _ratio(observed: float, expected: float, prior: float) -> float:
    return (observed + prior) / (expected + prior) if expected + prior > 0 else 1.0


def update_factors(observed: np.ndarray, expected: np.ndarray, leads: np.ndarray,
                   weights: UpdateWeights) -> tuple[np.ndarray, float, float]:
    """(multiplier per future interval, day ratio, observed share of forecast contacts).

    `observed`, `expected`: contacts per observed interval of today, in time order;
    `leads`: intervals after `now` of each future interval (0 = the next)."""
    k = weights.level_prior_contacts
    day = _ratio(observed.sum(), expected.sum(), k)
    n = max(int(weights.recent_intervals), 1)
    recent = _ratio(observed[-n:].sum(), expected[-n:].sum(), k) if len(observed) else day
    w = weights.recent_weight * np.exp(-leads / max(weights.recent_decay_intervals, 1e-9))
    return (1 - w) * day + w * recent, day, float(expected.sum())


def reforecast(forecast: pd.DataFrame, actuals: pd.DataFrame, now: pd.Timestamp, *,
               weights: UpdateWeights | None = None, fade_days: float | None = None,
               interval_minutes: int | None = None) -> pd.DataFrame:
    """The forecast frame (docs/design.md, same columns and rows) updated from `actuals`.

    `actuals`: a history frame (channel, interval_start, volume contacts, aht_seconds) of
    intervals ended by `now`. Intervals ended by `now` take the actual volume (band
    collapsed onto it), handle time and model `actual`; those without an actuals row keep
    the forecast and get model `<model>+unobserved`. Later intervals of `now`'s local day
    are multiplied by the shrunken ratio (`UpdateWeights`), the following days by the same
    update faded with `fade_days` (default `weights.fade_days`); handle times alike. The
    80% band is re-centred and narrowed as the day is observed. A channel without actuals
    today is left as forecast."""
    weights = weights or UpdateWeights()
    fade = weights.fade_days if fade_days is None else float(fade_days)
    minutes = interval_minutes or grid_minutes(forecast)
    now = check_actuals(forecast, actuals, now, interval_minutes=minutes)
    step = pd.Timedelta(minutes=minutes)
    out = forecast.copy()
    out["model"] = out["model"].astype(object)
    ends = out["interval_start"] + step
    today = now.normalize()
    day_index = np.asarray((out["interval_start"].dt.normalize() - today).dt.days)
    actual = out.merge(actuals[["channel", "interval_start", "volume", "aht_seconds"]],
                       on=["channel", "interval_start"], how="left", suffixes=("", "_actual"))
    for channel in out["channel"].unique():
        mine = (out["channel"] == channel).to_numpy()
        past = mine & (ends <= now).to_numpy()
        seen = past & actual["volume_actual"].notna().to_numpy()
        today_seen = seen & (day_index == 0)
        if not today_seen.any():
            continue
        order = np.flatnonzero(today_seen)
        order = order[np.argsort(out["interval_start"].to_numpy()[order])]
        obs = actual["volume_actual"].to_numpy(float)[order]
        exp = out["volume"].to_numpy(float)[order]
        future = mine & ~past & (day_index >= 0)
        fut = np.flatnonzero(future)
        leads = ((out["interval_start"].iloc[fut] - now) / step).to_numpy(float).clip(0)
        factor, _, expected_seen = update_factors(obs, exp, np.floor(leads), weights)
        fading = np.exp(-day_index[fut] / fade) if fade > 0 else (day_index[fut] == 0).astype(float)
        factor = 1 + (factor - 1) * fading
        shrink = weights.level_prior_contacts / (expected_seen + weights.level_prior_contacts) \
            if expected_seen + weights.level_prior_contacts > 0 else 1.0
        shrink = 1 + (shrink - 1) * fading
        _update_volume(out, fut, factor, shrink)
        _update_aht(out, actual, order, fut, fading, weights.aht_prior_contacts)
        i = np.flatnonzero(seen)
        out.loc[out.index[i], "volume"] = actual["volume_actual"].to_numpy(float)[i]
        out.loc[out.index[i], "volume_lo"] = out["volume"].to_numpy()[i]
        out.loc[out.index[i], "volume_hi"] = out["volume"].to_numpy()[i]
        out.loc[out.index[i], "aht_seconds"] = actual["aht_seconds_actual"].to_numpy(float)[i]
        out.loc[out.index[i], "model"] = ACTUAL
        gap = np.flatnonzero(past & ~seen)
        out.loc[out.index[gap], "model"] = out["model"].iloc[gap].astype(str) + "+" + UNOBSERVED
    return out[list(forecast.columns)]


def _update_volume(out: pd.DataFrame, rows: np.ndarray, factor: np.ndarray, shrink: np.ndarray) -> None:
    """Scale volume by `factor` and the band's spread; the day-level (non-Poisson) part of
    the band's variance is multiplied by `shrink` (<= 1)."""
    idx = out.index[rows]
    v = out["volume"].to_numpy(float)[rows]
    lo, hi = out["volume_lo"].to_numpy(float)[rows], out["volume_hi"].to_numpy(float)[rows]
    half = (hi - lo) / (2 * Z80)
    phi = np.where(v > 0, np.maximum(half**2 - v, 0.0) / np.maximum(v, 1e-12) ** 2, 0.0)
    v_new = v * factor
    sd_old = np.sqrt(np.maximum(v + phi * v**2, 1.0))
    sd_new = np.sqrt(np.maximum(v_new + shrink * phi * v_new**2, 1.0))
    out.loc[idx, "volume"] = v_new
    out.loc[idx, "volume_lo"] = np.clip(np.minimum(v_new + (lo - v) / sd_old * sd_new, v_new), 0, None)
    out.loc[idx, "volume_hi"] = np.maximum(v_new + (hi - v) / sd_old * sd_new, v_new)


def _update_aht(out: pd.DataFrame, actual: pd.DataFrame, seen: np.ndarray, rows: np.ndarray,
                fading: np.ndarray, prior: float) -> None:
    """Handle time ratio: (sum v a / a_fc + k) / (sum v + k) over observed intervals."""
    a_fc = out["aht_seconds"].to_numpy(float)[seen]
    a_obs = actual["aht_seconds_actual"].to_numpy(float)[seen]
    v = actual["volume_actual"].to_numpy(float)[seen]
    ok = np.isfinite(a_fc) & np.isfinite(a_obs) & (a_fc > 0) & (v > 0)
    ratio = _ratio(float(np.sum(v[ok] * a_obs[ok] / a_fc[ok])), float(v[ok].sum()), prior)
    idx = out.index[rows]
    out.loc[idx, "aht_seconds"] = out["aht_seconds"].to_numpy(float)[rows] * (1 + (ratio - 1) * fading)


def _day_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    clock = frame["interval_start"].dt.tz_localize(None)
    return frame.assign(day=clock.dt.normalize(), minute=clock.dt.hour * 60 + clock.dt.minute).pivot_table(
        index="day", columns="minute", values="volume", aggfunc="sum", fill_value=0.0)


def learn_update_weights(history: pd.DataFrame, *, forecasts: pd.DataFrame | None = None,
                         cutoffs_minutes: tuple[int, ...] = (600, 720, 840),
                         weeks: int = 3, test_days: int = 40) -> UpdateWeights:
    """Weights minimising rest-of-day WAPE on past days, updated at local times
    `cutoffs_minutes` after midnight. `history`: a history frame (one channel or several
    pooled). `forecasts`: the forecasts those days had (channel, interval_start, volume;
    e.g. past day-ahead forecasts of the project), learned against when given; otherwise
    the last `test_days` days of `history` are each forecast by the mean of the same
    weekday's `weeks` previous weeks. Grid search over the prior strength (in multiples of
    the mean contacts per interval) and the recent-ratio weight, window and decay; a weaker
    prior or a shift is taken only when it lowers the WAPE by `MIN_GAIN` (noise not fitted)."""
    cases = []
    for channel, rows in history.groupby("channel", sort=True):
        m = _day_matrix(rows)
        days, values, minutes = m.index, m.to_numpy(float), m.columns.to_numpy()
        if forecasts is not None:
            mine = forecasts[forecasts["channel"] == channel]
            if mine.empty:
                continue
            f = _day_matrix(mine).reindex(columns=m.columns, fill_value=0.0)
            for day in f.index.intersection(days):
                cases.append((values[days.get_loc(day)], f.loc[day].to_numpy(float), minutes))
            continue
        for d in range(max(len(days) - test_days, 0), len(days)):
            same = [j for j in range(d) if days[j].weekday() == days[d].weekday()][-weeks:]
            if len(same) == weeks:
                cases.append((values[d], values[same].mean(axis=0), minutes))
    if not cases:
        return UpdateWeights()
    scale = float(np.mean([c[1][c[1] > 0].mean() for c in cases if (c[1] > 0).any()]))
    best, best_score = UpdateWeights(), np.inf
    for k in (100.0, 50.0, 20.0, 10.0, 5.0, 2.0, 0.0):  # simplest first: most shrinkage, no shift
        shifts = [(0.0, 4, 6.0)] + [(w, n, d) for w in (0.5, 1.0) for n in (2, 4, 8) for d in (3.0, 6.0, 12.0)]
        for w, n, decay in shifts:
            trial = UpdateWeights(level_prior_contacts=k * scale, recent_weight=w, recent_intervals=n,
                                  recent_decay_intervals=decay)
            err = tot = 0.0
            for y, f, minutes in cases:
                for cut in cutoffs_minutes:
                    seen, rest = (minutes < cut) & (f > 0), (minutes >= cut) & (f > 0)
                    if not rest.any() or not seen.any():
                        continue
                    leads = np.arange(rest.sum(), dtype=float)
                    factor, _, _ = update_factors(y[seen], f[seen], leads, trial)
                    err += np.abs(y[rest] - f[rest] * factor).sum()
                    tot += y[rest].sum()
            score = err / tot if tot else np.inf
            if score < best_score * (1 - MIN_GAIN):
                best, best_score = trial, score
    return best

"""Long-horizon daily forecast (13-52 weeks) per channel, and its two reference models.

`LongHorizonModel` is a Poisson GLM (statsmodels, log link) of a channel's contacts per open
day on:
- growth: a linear trend in years (log scale, so a constant yearly growth rate);
- the weekday (six dummies);
- yearly seasonality: three Fourier pairs of the day of the year, only when the history
  spans at least a year (`yearly` says whether it did);
- holidays from the events calendar, one effect per holiday name (so Spring Festival
  moves with its dates), the two days after each holiday a rebound effect; a future
  holiday whose name the history never saw takes the mean of the learned holiday effects;
- waves (onboarding, migration, campaign, release): per kind one effect of
  `(size / the kind's median past size) ** 0.8` on the event's days (1 without a size);
  the effect is log-linear in that strength, so a wave far larger than any past one is
  extrapolated steeply (the test checks sizes within the range seen).
Days without rows (closed) are left out of the fit. The handle time of a future day is the
channel's contact-weighted mean AHT of the same weekday over the last eight weeks.

Spread: a day's contacts scatter about the expected `volume` with variance
`volume + day_cv**2 * volume**2`. `day_cv**2 = (1 + alpha) * exp(x' C x) - 1`: `alpha` is
the fit's day-level over-dispersion beyond Poisson (method of moments on its residuals,
sum((y - mu)**2 - mu) / sum(mu**2)) and `x' C x` the variance of the day's log rate from
the coefficients' covariance (quasi-Poisson scaled), which grows as the trend is carried
further ahead. `interval_forecast` adds the within-day scatter about the slot shares and
turns both into the 80% band of every interval.

Reference models (`same_week_last_year`, `month_weekday_index`) for the backtest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.errors import InputError
from staffcast.forecast.intervals import POISSON
from staffcast.forecast.models import local_clock

WAVE_KINDS = ("onboarding", "migration", "campaign", "release")
FOURIER = 3
MIN_YEARLY_DAYS = 364


def daily_history(frame: pd.DataFrame) -> pd.DataFrame:
    """`channel`, `day` (naive local midnight), `volume` (contacts), `aht_seconds`
    (contact-weighted mean) per channel and day with rows."""
    day = local_clock(frame["interval_start"]).dt.normalize().to_numpy()
    work = frame.assign(day=day, handled=frame["volume"] * frame["aht_seconds"].fillna(0))
    grouped = work.groupby(["channel", "day"], sort=True)[["volume", "handled"]].sum().reset_index()
    grouped["aht_seconds"] = np.where(grouped["volume"] > 0, grouped["handled"] / grouped["volume"].clip(lower=1),
                                      np.nan)
    return grouped.drop(columns="handled")


def _naive_days(stamps) -> pd.Series:
    return local_clock(pd.Series(pd.DatetimeIndex(stamps))).dt.normalize()


def _touches(channels, channel: str) -> bool:
    return "*" in channels or channel in channels


def _event_days(ev) -> pd.DatetimeIndex:
    first, end = _naive_days([ev.start, ev.end - pd.Timedelta(microseconds=1)])
    return pd.date_range(first, end)


@dataclass(frozen=True)
class _Fit:
    params: pd.Series
    columns: tuple[str, ...]
    origin: pd.Timestamp
    size_ref: dict
    yearly: bool
    aht_by_weekday: np.ndarray
    cov: np.ndarray
    alpha: float


def _design(days: pd.DatetimeIndex, events: pd.DataFrame, channel: str, origin: pd.Timestamp,
            size_ref: dict, yearly: bool) -> pd.DataFrame:
    x = pd.DataFrame(index=days)
    x["const"] = 1.0
    x["trend_years"] = (days - origin).days / 365.25
    for w in range(1, 7):
        x[f"weekday_{w}"] = (days.day_of_week == w).astype(float)
    if yearly:
        angle = 2 * np.pi * days.day_of_year.to_numpy() / 365.25
        for k in range(1, FOURIER + 1):
            x[f"sin_{k}"] = np.sin(k * angle)
            x[f"cos_{k}"] = np.cos(k * angle)
    for ev in events.itertuples():
        if not _touches(ev.channels, channel):
            continue
        span = _event_days(ev)
        if ev.kind == "holiday":
            x.loc[x.index.isin(span), f"holiday:{ev.name}"] = 1.0
            for lag in (1, 2):
                after = span[-1] + pd.Timedelta(days=lag)
                if after in x.index:
                    x.loc[after, f"after_holiday_{lag}"] = 1.0
        elif ev.kind in WAVE_KINDS:
            ref = size_ref.get(ev.kind)
            strength = 1.0 if ref is None or not np.isfinite(ev.size) else (ev.size / ref) ** 0.8
            column = f"wave:{ev.kind}"
            if column not in x:
                x[column] = 0.0
            x.loc[x.index.isin(span), column] += strength
    return x.fillna(0.0)


class LongHorizonModel:
    """Fit per channel on a daily history, then predict any future days (see the module)."""

    def fit(self, daily: pd.DataFrame, events: pd.DataFrame) -> LongHorizonModel:
        import statsmodels.api as sm

        self.events = events
        self.fits: dict[str, _Fit] = {}
        self.notes: list[str] = []
        sizes = events[events["kind"].isin(WAVE_KINDS)].groupby("kind")["size"].median()
        size_ref = {k: float(v) for k, v in sizes.items() if np.isfinite(v) and v > 0}
        for channel, part in daily.groupby("channel", sort=True):
            days = pd.DatetimeIndex(part["day"])
            span = (days.max() - days.min()).days + 1
            yearly = span >= MIN_YEARLY_DAYS
            if not yearly:
                self.notes.append(f"{channel}: {span} days of history, under a year: no yearly seasonality")
            x = _design(days, events, channel, days.min(), size_ref, yearly)
            x = x.loc[:, (x != 0).any(axis=0)]
            y = part["volume"].to_numpy(float)
            result = sm.GLM(y, x.to_numpy(), family=sm.families.Poisson()).fit(scale="X2")
            params = pd.Series(result.params, index=x.columns)
            mu = result.fittedvalues
            alpha = max(0.0, float(np.sum((y - mu) ** 2 - mu) / np.sum(mu**2)))
            recent = part[days >= days.max() - pd.Timedelta(days=55)]
            rd = pd.DatetimeIndex(recent["day"]).day_of_week
            aht = np.full(7, np.nan)
            for w in range(7):
                sel = (rd == w) & recent["aht_seconds"].notna().to_numpy()
                if sel.any():
                    aht[w] = np.average(recent["aht_seconds"][sel], weights=recent["volume"][sel].clip(lower=1))
            aht = np.where(np.isnan(aht), np.nanmean(aht) if np.isfinite(aht).any() else np.nan, aht)
            self.fits[str(channel)] = _Fit(params, tuple(x.columns), days.min(), size_ref, yearly, aht,
                                           np.asarray(result.cov_params()), alpha)
        return self

    def predict(self, days: pd.DatetimeIndex, events: pd.DataFrame | None = None) -> pd.DataFrame:
        """`channel`, `day`, `volume` (expected contacts), `day_cv` (the day's coefficient of
        variation beyond Poisson noise, see the module), `aht_seconds` for every channel and day."""
        events = self.events if events is None else events
        frames = []
        for channel, fit in self.fits.items():
            x = _design(days, events, channel, fit.origin, fit.size_ref, fit.yearly)
            names = list(fit.params.index)
            learned = [i for i, c in enumerate(names) if c.startswith("holiday:")]
            weights = np.zeros((len(days), len(names)))  # eta = weights @ params
            for column in x.columns:
                if column in fit.params.index:
                    weights[:, names.index(column)] += x[column].to_numpy()
                elif column.startswith("holiday:") and learned:  # an unseen name: the mean holiday effect
                    weights[:, learned] += x[column].to_numpy()[:, None] / len(learned)
            eta = weights @ fit.params.to_numpy()
            var_eta = np.einsum("dp,pq,dq->d", weights, fit.cov, weights)
            day_cv = np.sqrt((1 + fit.alpha) * np.exp(var_eta) - 1)
            frames.append(pd.DataFrame({"channel": channel, "day": days, "volume": np.exp(eta), "day_cv": day_cv,
                                        "aht_seconds": fit.aht_by_weekday[days.day_of_week]}))
        return pd.concat(frames, ignore_index=True)


def check_long_horizon(daily: pd.DataFrame, weeks: int, *, source: str = "history") -> None:
    """A horizon of 13-52 weeks, and no longer than the history itself spans."""
    if not 1 <= weeks <= 52:
        raise InputError(source, f"--weeks must be 1-52, got {weeks}")
    span_weeks = ((daily["day"].max() - daily["day"].min()).days + 1) // 7
    if weeks > span_weeks:
        raise InputError(source, f"a {weeks}-week horizon is longer than the history supports "
                         f"({span_weeks} weeks); give more history or a shorter --weeks")


def same_week_last_year(daily: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Each day's volume is the same weekday 52 weeks (364 days) before; a day whose
    reference has no row takes the mean of that channel's last-year weekday."""
    frames = []
    for channel, part in daily.groupby("channel", sort=True):
        series = part.set_index("day")["volume"]
        ref = series.reindex(days - pd.Timedelta(days=364)).to_numpy(float)
        by_weekday = series.groupby(series.index.day_of_week).mean()
        fallback = by_weekday.reindex(days.day_of_week).to_numpy(float)
        frames.append(pd.DataFrame({"channel": channel, "day": days,
                                    "volume": np.where(np.isnan(ref), fallback, ref)}))
    return pd.concat(frames, ignore_index=True)


def month_weekday_index(daily: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Level of the last 364 days x month index x weekday index (each the mean over the
    whole history of that month / weekday relative to the overall mean)."""
    frames = []
    for channel, part in daily.groupby("channel", sort=True):
        series = part.set_index("day")["volume"].astype(float)
        level = series[series.index > series.index.max() - pd.Timedelta(days=364)].mean()
        overall = series.mean()
        month = series.groupby(series.index.month).mean() / overall
        weekday = series.groupby(series.index.day_of_week).mean() / overall
        pred = level * month.reindex(days.month).fillna(1.0).to_numpy() * weekday.reindex(days.day_of_week).to_numpy()
        frames.append(pd.DataFrame({"channel": channel, "day": days, "volume": pred}))
    return pd.concat(frames, ignore_index=True)


REFERENCES = {"same_week_last_year": same_week_last_year, "month_weekday_index": month_weekday_index}


def backtest_long(daily: pd.DataFrame, events: pd.DataFrame, *, weeks: int, origins: int = 3,
                  step_weeks: int = 4) -> pd.DataFrame:
    """Rolling-origin backtest at a `weeks` horizon: origins end - weeks, end - weeks - step,
    ...; each model fitted on the days before the origin. One row per model, channel and
    origin: `model`, `channel`, `origin`, `weeks`, `wape_daily` (sum |y - p| / sum y over
    days), `wape_weekly` (the same over Monday weeks' totals), `bias` (sum (p - y) / sum y)."""
    end = daily["day"].max()
    rows = []
    for k in range(origins):
        cut = end - pd.Timedelta(days=7 * (weeks + k * step_weeks))
        train = daily[daily["day"] <= cut]
        stop = cut + pd.Timedelta(days=7 * weeks)
        test = daily[(daily["day"] > cut) & (daily["day"] <= stop)]
        days = pd.date_range(cut + pd.Timedelta(days=1), stop)
        preds = {"long_horizon": LongHorizonModel().fit(train, events).predict(days)}
        preds.update({name: f(train, days) for name, f in REFERENCES.items()})
        for name, pred in preds.items():
            joined = test.merge(pred[["channel", "day", "volume"]], on=["channel", "day"], suffixes=("", "_p"))
            for channel, part in joined.groupby("channel", sort=True):
                y, p = part["volume"].to_numpy(float), part["volume_p"].to_numpy(float)
                week = part["day"] - pd.to_timedelta(part["day"].dt.day_of_week, unit="D")
                wk = part.assign(week=week).groupby("week")[["volume", "volume_p"]].sum()
                rows.append({"model": name, "channel": channel, "origin": cut, "weeks": weeks,
                             "wape_daily": np.abs(y - p).sum() / y.sum(),
                             "wape_weekly": (wk["volume"] - wk["volume_p"]).abs().sum() / wk["volume"].sum(),
                             "bias": (p - y).sum() / y.sum()})
    return pd.DataFrame(rows)


def _within_day_dispersion(work: pd.DataFrame) -> pd.Series:
    """Per channel, the over-dispersion (1/contacts) of interval contacts about the day's
    total x the slot's share beyond Poisson, sum((y - e)**2 - e) / sum(e**2), with each
    share left-one-day-out (so it is the error of a share estimated without that day)."""
    day_total = work.groupby(["channel", "date"])["volume"].transform("sum")
    slot_sum = work.groupby(["channel", "weekday", "slot"])["volume"].transform("sum")
    days = work.assign(day_total=day_total).drop_duplicates(["channel", "date"])
    by_weekday = days.groupby(["channel", "weekday"])["day_total"].sum().rename("weekday_sum").reset_index()
    weekday_sum = work[["channel", "weekday"]].merge(by_weekday, on=["channel", "weekday"], how="left")
    rest = weekday_sum["weekday_sum"].to_numpy() - day_total.to_numpy()
    share = np.divide(slot_sum - work["volume"], rest, out=np.zeros(len(work)), where=rest > 0)
    e = day_total.to_numpy() * share
    y = work["volume"].to_numpy(float)
    keep = pd.Series(rest > 0, index=work.index)
    parts = pd.DataFrame({"channel": work["channel"], "num": (y - e) ** 2 - e, "den": e**2})[keep]
    sums = parts.groupby("channel")[["num", "den"]].sum()
    return (sums["num"] / sums["den"].where(sums["den"] > 0)).fillna(0.0).clip(lower=0.0)


def interval_forecast(frame: pd.DataFrame, daily: pd.DataFrame, interval_minutes: int, timezone: str) -> pd.DataFrame:
    """A docs/design.md forecast frame from a daily forecast (`channel`, `day`, `volume`,
    optional `day_cv`): each day's contacts spread over the intervals by the channel's share
    of that weekday's contacts in each slot over the history's last eight weeks, with that
    slot's contact-weighted handle time; slots without history contacts get no row.

    `volume_lo`/`volume_hi`: the normal 10%/90% quantiles of a variance `v + phi * v**2`
    (v the interval's contacts), `phi = (1 + phi_within) * (1 + day_cv**2) - 1`, where
    `phi_within` is the channel's scatter about the slot shares in those eight weeks
    (`_within_day_dispersion`) and `day_cv` the daily model's spread (0 without it)."""
    stamps = local_clock(frame["interval_start"])
    recent = frame[stamps >= stamps.max().normalize() - pd.Timedelta(days=55)]
    rs = local_clock(recent["interval_start"])
    slot = (rs.dt.hour * 60 + rs.dt.minute) // interval_minutes
    work = recent.assign(weekday=rs.dt.day_of_week.to_numpy(), slot=slot.to_numpy(), date=rs.dt.normalize().to_numpy(),
                         handled=recent["volume"] * recent["aht_seconds"].fillna(0))
    within = _within_day_dispersion(work)
    prof = work.groupby(["channel", "weekday", "slot"])[["volume", "handled"]].sum().reset_index()
    prof["share"] = prof["volume"] / prof.groupby(["channel", "weekday"])["volume"].transform("sum")
    prof["aht_seconds"] = np.where(prof["volume"] > 0, prof["handled"] / prof["volume"].clip(lower=1), np.nan)
    prof = prof[prof["volume"] > 0]
    days = daily.assign(weekday=pd.DatetimeIndex(daily["day"]).day_of_week)
    out = days.merge(prof[["channel", "weekday", "slot", "share", "aht_seconds"]], on=["channel", "weekday"],
                     suffixes=("_day", ""))
    naive = out["day"] + pd.to_timedelta(out["slot"] * interval_minutes, unit="min")
    start = pd.DatetimeIndex(naive).tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    volume = out["volume"].to_numpy(float) * out["share"].to_numpy(float)
    day_cv = out["day_cv"].to_numpy(float) if "day_cv" in out else np.zeros(len(out))
    phi = (1 + within.reindex(out["channel"]).fillna(0.0).to_numpy()) * (1 + day_cv**2) - 1
    sd = np.sqrt(np.maximum(volume + phi * volume**2, 1.0))
    lo = np.clip(volume + POISSON.z_lo * sd, 0.0, volume)
    hi = np.maximum(volume + POISSON.z_hi * sd, volume)
    result = pd.DataFrame({"channel": out["channel"].to_numpy(), "interval_start": start, "volume": volume,
                           "volume_lo": lo, "volume_hi": hi, "aht_seconds": out["aht_seconds"].to_numpy(),
                           "model": "long_horizon"})
    result = result[result["interval_start"].notna()]
    return result.sort_values(["channel", "interval_start"], kind="stable").reset_index(drop=True)

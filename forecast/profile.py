"""Daily totals x intraday profile: the model WFM practice favours.

Per channel, the log of contacts per local day follows a local level plus an AR(1)
transient, with fixed effects of each open weekday and of the first three and last two
open days of each month (a statsmodels `UnobservedComponents` state-space model fitted by
maximum likelihood; missing and excluded days are simply skipped by the Kalman filter). Each
day's total is spread over its intervals by the share of the day each slot received on
the same weekday, averaged over recent weeks with exponentially decaying weights.

Fitting 730 daily points per channel instead of 35,000 interval points keeps a
two-year, four-channel backtest within seconds.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from threadpoolctl import threadpool_limits

from staffcast.forecast.models import daily_totals, day_and_slot, local_clock

MIN_DAYS_FOR_STATE_SPACE = 21  # fewer observed days: weekday means instead of a fitted model
MIN_DAYS_FOR_MONTH_TURN = 90  # month-turn effects need a few month turns to learn from
MIN_DAYS_FOR_TREND = 180  # growth is only told apart from level moves over half a year or more
TREND_T = 2.0  # the automatic trend stays when the slope is this many standard errors from 0
MONTH_TURN = (("first", 1), ("first", 2), ("first", 3), ("last", 1), ("last", 2))


def calendar_exog(days: pd.DatetimeIndex, weekdays: tuple[int, ...], month_turn: bool) -> np.ndarray | None:
    """Regressors of naive local `days`: one dummy per open weekday but the first, plus
    (with `month_turn`) dummies for the first three and last two open days of each month
    (statement runs, billing: the classic turn-of-month bump)."""
    days = pd.DatetimeIndex(days)
    weekday = np.asarray(days.day_of_week)
    cols = [(weekday == d).astype(float) for d in weekdays[1:]]
    if month_turn:
        first = days.min().replace(day=1)
        last = days.max() + pd.offsets.MonthEnd(0)
        cal = pd.date_range(first, last, freq="D")
        is_open = pd.Series(np.isin(cal.day_of_week, weekdays).astype(int), index=cal)
        month = cal.to_period("M")
        from_start = is_open.groupby(month).cumsum().where(is_open == 1, 0)
        to_end = is_open[::-1].groupby(month[::-1]).cumsum()[::-1].where(is_open == 1, 0)
        for side, k in MONTH_TURN:
            count = from_start if side == "first" else to_end
            cols.append((count.reindex(days).to_numpy() == k).astype(float))
    return np.column_stack(cols) if cols else None


@dataclass
class _ChannelFit:
    first_day: pd.Timestamp
    last_day: pd.Timestamp
    weekdays: tuple[int, ...]  # weekdays with their own effect (the first is the reference)
    month_turn: bool  # month-turn regressors in the model
    result: object | None  # statsmodels results, None for the weekday-mean fallback
    past_log: np.ndarray  # smoothed baseline log1p(total) for every day first..last
    weekday_log: np.ndarray  # (7,) fallback / reference log level per weekday
    shares: np.ndarray  # (7, slots) share of the day's contacts per slot
    quiet_weekday: int  # weekday whose profile a public holiday follows
    forecast_log: np.ndarray | None = None


class DailyProfileModel:
    """Wave-blind daily-total model times a weekday intraday profile.

    `profile_halflife_weeks` (weeks) sets how fast old weeks fade from the intraday
    profile; `autoregressive` adds the AR(1) transient (short shocks decay instead of
    moving the level); `month_turn` the turn-of-month effects (used with >= 90 observed
    days); `trend` a deterministic slope on the level (True/False; None: fitted on histories
    of >= 180 observed days and kept only when it is TREND_T standard errors from zero).
    Subclasses exclude days from the fit with `_excluded_days` and give known day
    multipliers with `_day_adjustment`.
    """

    name = "profile"

    def __init__(self, *, profile_halflife_weeks: float = 8.0, autoregressive: bool = True,
                 month_turn: bool = True, trend: bool | None = None) -> None:
        self.profile_halflife_weeks = profile_halflife_weeks
        self.autoregressive = autoregressive
        self.month_turn = month_turn
        self.trend = trend
        self._warm: dict[tuple[str, bool], np.ndarray] = {}  # last parameters per (channel, trend)
        self._refit = False  # True while a subclass refits the same history (warm start)

    def _excluded_days(self, events: pd.DataFrame, channel: str) -> pd.DatetimeIndex:
        return pd.DatetimeIndex([])

    def _day_adjustment(self, channel: str, days: pd.DatetimeIndex) -> np.ndarray | None:
        """Known multiplier of each day (excluded days with a multiplier >= 0.5 re-enter the
        fit divided by it); None: none known."""
        return None

    def fit(self, history: pd.DataFrame, events: pd.DataFrame, *, interval_minutes: int,
            timezone: str) -> DailyProfileModel:
        self.interval_minutes = interval_minutes
        self.timezone = timezone
        self.events = events
        if not self._refit:  # a fresh fit never depends on what this instance fitted before
            self._warm = {}
        totals = daily_totals(history)
        self._fits: dict[str, _ChannelFit] = {}
        # Tiny matrices: multi-threaded BLAS only adds contention (5x slower on a busy machine).
        with threadpool_limits(limits=1, user_api="blas"):
            for channel, part in history.groupby("channel", sort=True):
                channel = str(channel)
                excluded = self._excluded_days(events, channel)
                self._fits[channel] = self._fit_channel(part, totals[channel], excluded)
        return self

    # ------------------------------------------------------------ fitting

    def _fit_channel(self, rows: pd.DataFrame, totals: pd.Series, excluded: pd.DatetimeIndex) -> _ChannelFit:
        days = pd.date_range(totals.index.min(), totals.index.max(), freq="D")
        y = np.log1p(totals.reindex(days).to_numpy(dtype=float))
        y[days.isin(excluded)] = np.nan
        observed = ~np.isnan(y)
        if observed.sum() < 7:  # too few clean days: fall back to all days
            y = np.log1p(totals.reindex(days).to_numpy(dtype=float))
            observed = ~np.isnan(y)
        clean = days[observed]
        adjust = self._day_adjustment(rows["channel"].iloc[0], days)
        if adjust is not None:  # event days with a known effect: divide it out and keep them
            raw = totals.reindex(days).to_numpy(dtype=float)
            usable = np.isnan(y) & np.isfinite(raw) & (adjust >= 0.5)
            y[usable] = np.log1p(raw[usable] / adjust[usable])
            observed = ~np.isnan(y)
        wd = np.asarray(days.day_of_week)
        weekdays = tuple(int(d) for d in np.unique(wd[observed]))
        weekday_log = np.array([np.nanmean(y[-56:][wd[-56:] == d]) if np.any(observed[-56:] & (wd[-56:] == d))
                                else np.nanmean(y[observed]) for d in range(7)])
        result, past_log = None, weekday_log[wd]
        month_turn = self.month_turn and observed.sum() >= MIN_DAYS_FOR_MONTH_TURN
        if observed.sum() >= MIN_DAYS_FOR_STATE_SPACE:
            exog = calendar_exog(days, weekdays, month_turn)
            trend = self.trend if self.trend is not None else observed.sum() >= MIN_DAYS_FOR_TREND
            channel = str(rows["channel"].iloc[0])
            result = self._fit_state_space(y, exog, trend, channel)
            if trend and self.trend is None:  # automatic: keep a clearly significant slope only
                slope, var = result.trend["smoothed"][-1], result.trend["smoothed_cov"][-1]
                if not abs(slope) >= TREND_T * np.sqrt(max(float(var), 0.0)):
                    result = self._fit_state_space(y, exog, False, channel)
            past_log = np.asarray(result.level.smoothed, dtype=float)
            if exog is not None:
                past_log = past_log + (exog * np.asarray(result.regression_coefficients.smoothed).T).sum(axis=1)
        shares = self._shares(rows, clean, days.max())
        quiet = min(weekdays, key=lambda d: weekday_log[d])
        return _ChannelFit(days.min(), days.max(), weekdays, month_turn, result, past_log, weekday_log, shares,
                           quiet)

    def _shares(self, rows: pd.DataFrame, clean_days: pd.DatetimeIndex, last_day: pd.Timestamp) -> np.ndarray:
        """(7, slots) exponentially weighted share of a day's volume per slot, by weekday."""
        slots = 24 * 60 // self.interval_minutes
        day, slot = day_and_slot(rows["interval_start"], self.interval_minutes)
        keep = day.isin(clean_days).to_numpy()
        if not keep.any():
            keep = np.ones(len(rows), dtype=bool)
        day, slot = day[keep], slot[keep]
        volume = rows["volume"].to_numpy(dtype=float)[keep]
        age_weeks = (last_day - day).dt.days.to_numpy() / 7.0
        weight = 0.5 ** (age_weeks / self.profile_halflife_weeks)
        weekday = day.dt.day_of_week.to_numpy()
        num = np.zeros((7, slots))
        np.add.at(num, (weekday, slot), weight * volume)
        den = np.zeros(7)
        np.add.at(den, weekday, weight * volume)
        overall = num.sum(axis=0) / max(den.sum(), 1e-12)
        shares = np.where(den[:, None] > 0, num / np.maximum(den[:, None], 1e-12), overall[None, :])
        return shares

    def _fit_state_space(self, y: np.ndarray, exog: np.ndarray | None, trend: bool, channel: str):
        """Fit by maximum likelihood, starting from this model's previous fit of the channel
        when there is one (the wave model's second pass), else from `_start_params`."""
        model = sm.tsa.UnobservedComponents(y, level="lldtrend" if trend else "llevel", exog=exog,
                                            mle_regression=False,
                                            autoregressive=1 if self.autoregressive else None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Loose L-BFGS tolerances: the log-likelihood still converges to about 1e-7
            # relative with far fewer evaluations, and the forecasts do not move.
            start = self._warm.get((channel, trend))
            result = model.fit(start_params=self._start_params(y) if start is None else start, disp=False,
                               pgtol=1e-4, factr=1e9)
        self._warm[(channel, trend)] = np.asarray(result.params)
        return result

    def _start_params(self, y: np.ndarray) -> list[float]:
        """Start values near the optimum (5x fewer likelihood evaluations than statsmodels'
        defaults): irregular, level and AR variances from the week-on-week differences."""
        diff = y[7:] - y[:-7]
        s2 = float(np.nanvar(diff) / 2) if np.isfinite(diff).sum() > 2 else float(np.nanvar(y))
        s2 = max(s2, 1e-6)
        return [0.3 * s2, 0.003 * s2, 0.7 * s2, 0.7] if self.autoregressive else [0.5 * s2, 0.01 * s2]

    # ------------------------------------------------------------ prediction

    def baseline_daily(self, channel: str, days: pd.DatetimeIndex) -> np.ndarray:
        """Baseline contacts per day (no events) for naive local `days`, past or future."""
        fit = self._fits[channel]
        days = pd.DatetimeIndex(days)
        offset = np.asarray((days - fit.first_day).days)
        log = fit.weekday_log[np.asarray(days.day_of_week)].astype(float)
        past = (offset >= 0) & (offset < len(fit.past_log))
        log[past] = fit.past_log[offset[past]]
        future = offset >= len(fit.past_log)
        if future.any() and fit.result is not None:
            steps = int(offset.max()) - len(fit.past_log) + 1
            if fit.forecast_log is None or len(fit.forecast_log) < steps:
                ahead = pd.date_range(fit.last_day + pd.Timedelta(days=1), periods=steps, freq="D")
                exog = calendar_exog(ahead, fit.weekdays, fit.month_turn)
                with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
                    warnings.simplefilter("ignore")
                    fit.forecast_log = np.asarray(fit.result.forecast(steps, exog=exog), dtype=float)
            log[future] = fit.forecast_log[offset[future] - len(fit.past_log)]
        return np.clip(np.expm1(log), 0.0, None)

    def day_multiplier(self, channel: str, days: pd.DatetimeIndex) -> np.ndarray:
        """Multiplier on the baseline day total (1 for a wave-blind model)."""
        return np.ones(len(days))

    def holiday_days(self, channel: str, days: pd.DatetimeIndex) -> np.ndarray:
        """True for days whose intraday profile is the quiet weekday's (none here)."""
        return np.zeros(len(days), dtype=bool)

    def predict_baseline(self, channel: str, stamps: pd.Series) -> np.ndarray:
        """Baseline contacts (no events) of `channel` in the intervals starting at `stamps`."""
        fit = self._fits[channel]
        day, slot = day_and_slot(pd.Series(stamps).reset_index(drop=True), self.interval_minutes)
        unique = pd.DatetimeIndex(day.unique())
        pos = unique.get_indexer(pd.DatetimeIndex(day))
        return self.baseline_daily(channel, unique)[pos] * fit.shares[np.asarray(unique.day_of_week)[pos], slot]

    def predict(self, index: pd.DataFrame) -> pd.DataFrame:
        out = index[["channel", "interval_start"]].reset_index(drop=True)
        volume = np.zeros(len(out))
        for channel, rows in out.groupby("channel", sort=False):
            channel = str(channel)
            if channel not in self._fits:
                continue
            fit = self._fits[channel]
            day, slot = day_and_slot(rows["interval_start"], self.interval_minutes)
            unique = pd.DatetimeIndex(day.unique())
            total = self.baseline_daily(channel, unique) * self.day_multiplier(channel, unique)
            weekday = np.where(self.holiday_days(channel, unique), fit.quiet_weekday, unique.day_of_week)
            pos = unique.get_indexer(pd.DatetimeIndex(day))
            volume[rows.index] = total[pos] * fit.shares[weekday[pos], slot]
        return out.assign(volume=np.clip(volume, 0.0, None))


def naive_days(stamps: pd.Series) -> pd.DatetimeIndex:
    """Naive local midnights of tz-aware stamps (helper for callers)."""
    return pd.DatetimeIndex(local_clock(stamps).dt.normalize())

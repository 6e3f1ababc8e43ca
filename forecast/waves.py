"""Wave-aware model: learns what onboarding/migration waves, releases, outages and
holidays do to each channel's daily contacts, and applies it to future events.

Each day's total is the wave-blind daily model's baseline for that day (fitted with all
event days left out, so past waves never distort the weekday seasonality) times
`1 + uplift` of every event influencing it, spread over the day by the intraday profile.
The uplift curve per event kind and channel (size elasticity, ramp/plateau/decay shape,
weekend factor) and how it is fitted are in `staffcast.forecast.uplift`: multi-day kinds are fitted
on all their channels at once, holidays per channel. Days another event also influences
are left out of an event's fit, so overlapping events never blur each other's curve.

An event shorter than a day (an outage, a maintenance window) is learned apart, per
interval: phase `day0` is the uplift of the intervals during it, `day1` of an equally long
window after it (decay); the days it covers keep their baseline otherwise.

A holiday is an event like any other: its uplift is negative (closed days count as
-100%), the days after it learn the rebound, and its days follow the intraday profile of
the quietest weekday.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from staffcast.forecast.models import local_clock
from staffcast.forecast.profile import DailyProfileModel
from staffcast.forecast.uplift import PHASES, POST_DAYS, Uplift, fit_pooled_uplifts, fit_uplift

__all__ = ["PHASES", "Uplift", "WaveModel", "effect_key", "event_phases", "is_short"]

PRE_DAYS = 1
WINDOW = -1  # phase of a day covered by an hours-long event's windows (applied per interval)


def _event_span(ev) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first, last) naive local day an event touches (end exclusive)."""
    first = local_clock(pd.Series([ev.start])).iloc[0].normalize()
    last = (local_clock(pd.Series([ev.end])).iloc[0] - pd.Timedelta(microseconds=1)).normalize()
    return first, last


def is_short(ev) -> bool:
    """An event shorter than a day (an outage, a maintenance window) acts on its hours."""
    return ev.end - ev.start < pd.Timedelta(days=1)


def effect_key(ev) -> str:
    """Uplifts are learned per kind, hours-long events apart: "outage (hours)"."""
    return f"{ev.kind} (hours)" if is_short(ev) else str(ev.kind)


def short_windows(ev) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp]]:
    """The two interval windows of an hours-long event: during [start, end) (phase day0)
    and the decay after it, [end, end + its duration) (phase day1)."""
    return (ev.start, ev.end), (ev.end, ev.end + (ev.end - ev.start))


def event_phases(ev) -> tuple[pd.DatetimeIndex, np.ndarray]:
    """Days an event influences and the phase index (into PHASES) of each; the days an
    hours-long event's windows cover get WINDOW (their effect is applied per interval)."""
    first, last = _event_span(ev)
    if is_short(ev):
        last = (local_clock(pd.Series([short_windows(ev)[1][1]])).iloc[0] - pd.Timedelta(microseconds=1)).normalize()
    days = pd.date_range(first - pd.Timedelta(days=PRE_DAYS), last + pd.Timedelta(days=POST_DAYS), freq="D")
    offset = np.asarray((days - first).days)
    after = np.asarray((days - last).days)
    phase = np.where(offset < 0, 0, np.where(offset == 0, 1, np.where(offset == 1, 2, 3)))
    if is_short(ev):
        phase = np.where(offset >= 0, WINDOW, phase)
    phase = np.where(after > 0, 3 + after, phase)
    return days, phase


def _touches(ev, channel: str) -> bool:
    return channel in ev.channels or "*" in ev.channels


class WaveModel(DailyProfileModel):
    """Daily baseline (event days left out) x learned event uplifts x intraday profile."""

    name = "waves"

    def __init__(self, *, backfit: bool = True, **kw) -> None:
        super().__init__(**kw)
        self.backfit = backfit

    def _excluded_days(self, events: pd.DataFrame, channel: str) -> pd.DatetimeIndex:
        days = [span[1] for span in self._spans if _touches(span[0], channel)]
        return pd.DatetimeIndex(sorted(set().union(*days))) if days else pd.DatetimeIndex([])

    def fit(self, history, events, *, interval_minutes, timezone):
        # (event, influenced days, phase per day, first day, last day), computed once.
        self._spans = [(ev, *event_phases(ev), *_event_span(ev)) for ev in events.itertuples(index=False)]
        self.uplifts: dict[tuple[str, str], Uplift] = {}
        super().fit(history, events, interval_minutes=interval_minutes, timezone=timezone)
        self._learn_uplifts(history, events)
        if self.backfit and self.uplifts:
            # Second pass: event days re-enter the baseline with their learned effect divided
            # out, so the level near recent events rests on more days; then learn again.
            self._refit = True
            try:
                super().fit(history, events, interval_minutes=interval_minutes, timezone=timezone)
            finally:
                self._refit = False
            self._learn_uplifts(history, events)
        return self

    def _day_adjustment(self, channel: str, days: pd.DatetimeIndex) -> np.ndarray | None:
        if not self.uplifts:
            return None
        return self.day_multiplier(channel, days, for_fit=True)

    def _learn_uplifts(self, history, events) -> None:
        totals = {str(ch): s for ch, s in history.assign(
            day=local_clock(history["interval_start"]).dt.normalize().to_numpy()
        ).groupby(["channel", "day"])["volume"].sum().groupby(level=0)}
        self._volumes = {str(ch): pd.Series(rows["volume"].to_numpy(dtype=float), index=rows["interval_start"])
                         for ch, rows in history.groupby("channel")}
        uplifts: dict[tuple[str, str], Uplift] = {}
        keys = sorted({effect_key(span[0]) for span in self._spans})
        pooled, size_refs = [], {}
        with threadpool_limits(limits=1, user_api="blas"):
            for key in keys:
                sized = np.array([span[0].size for span in self._spans if effect_key(span[0]) == key], dtype=float)
                sized = sized[np.isfinite(sized) & (sized > 0)]
                size_refs[key] = float(np.exp(np.mean(np.log(sized)))) if len(sized) else float("nan")
                for channel, fit in self._fits.items():
                    observed = totals[channel].droplevel(0)
                    spans = [span for span in self._spans if effect_key(span[0]) == key and _touches(span[0], channel)]
                    points = self._points(channel, spans, observed, fit)
                    if points.empty or not np.any(points["phase"] == 1):
                        continue
                    if key == "holiday" or key.endswith("(hours)"):
                        uplifts[(key, channel)] = fit_uplift(key, channel, points, size_refs[key])
                    else:
                        pooled.append(points.assign(kind=key, channel=channel, event=points["event"].astype(str)))
            if pooled:
                uplifts.update(fit_pooled_uplifts(pd.concat(pooled, ignore_index=True), size_refs))
        self.uplifts = uplifts

    def _window_uplift(self, channel: str, start: pd.Timestamp, stop: pd.Timestamp) -> float:
        """Observed uplift share of the intervals in [start, stop) over their baseline (NaN
        when the window is not fully inside the history or has no open intervals)."""
        volumes = self._volumes[channel]
        if len(volumes) == 0 or start < volumes.index[0] or stop > volumes.index[-1]:
            return float("nan")
        inside = volumes[(volumes.index >= start) & (volumes.index < stop)]
        if inside.empty:
            return float("nan")
        base = self.predict_baseline(channel, pd.Series(inside.index))
        return float(inside.sum() / base.sum() - 1.0) if base.sum() > 0 else float("nan")

    def _shared_days(self, channel: str) -> pd.DatetimeIndex:
        """Days of `channel` influenced by more than one event (left out of every fit)."""
        days = pd.DatetimeIndex(np.concatenate([np.asarray(span[1]) for span in self._spans
                                                if _touches(span[0], channel)] or [np.array([], "M8[ns]")]))
        return days[days.duplicated()].unique()

    def _points(self, channel, spans, observed: pd.Series, fit) -> pd.DataFrame:
        """Observed uplift of every past day of these events that no other event influences:
        event, size, phase, weekend, uplift."""
        rows = []
        shared = self._shared_days(channel)
        for i, (ev, days, phase, _, _) in enumerate(spans):
            inside = (days >= fit.first_day) & (days <= fit.last_day)
            days, phase = days[inside], phase[inside]
            if not len(days):
                continue
            actual = observed.reindex(days).to_numpy(dtype=float)
            if ev.kind == "holiday":  # a normally open weekday without rows was closed
                closed = np.isnan(actual) & np.isin(days.day_of_week, fit.weekdays)
                actual = np.where(closed, 0.0, actual)
            base = self.baseline_daily(channel, days)
            ok = np.isfinite(actual) & (base > 0) & (phase != WINDOW) & ~days.isin(shared)
            rows.append(pd.DataFrame({"event": i, "size": ev.size, "phase": phase[ok],
                                      "weekend": days.day_of_week[ok] >= 5,
                                      "uplift": actual[ok] / base[ok] - 1.0}))
            if is_short(ev):
                weekend = local_clock(pd.Series([ev.start])).iloc[0].day_of_week >= 5
                for ph, (lo, hi) in zip((1, 2), short_windows(ev), strict=True):
                    share = self._window_uplift(channel, lo, hi)
                    if np.isfinite(share):
                        rows.append(pd.DataFrame({"event": [i], "size": [ev.size], "phase": [ph],
                                                  "weekend": [weekend], "uplift": [share]}))
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["phase"])

    def day_multiplier(self, channel: str, days: pd.DatetimeIndex, *, for_fit: bool = False) -> np.ndarray:
        """Product of the learned day-level effects of every event on each day; days under
        an hours-long event's windows get 1 (NaN with `for_fit`: they stay out of the baseline)."""
        factor = np.ones(len(days))
        days = pd.DatetimeIndex(days)
        for ev, ev_days, phase, _, _ in self._spans:
            uplift = self.uplifts.get((effect_key(ev), channel))
            if uplift is None or not _touches(ev, channel):
                continue
            pos = days.get_indexer(ev_days)
            weekend = np.asarray(ev_days.day_of_week) >= 5
            for p, ph, we in zip(pos, phase, weekend, strict=True):
                if p >= 0 and ph == WINDOW:
                    factor[p] *= np.nan if for_fit else 1.0
                elif p >= 0:
                    factor[p] *= max(0.0, 1.0 + uplift.at(float(ev.size), int(ph), bool(we)))
        return factor

    def predict(self, index: pd.DataFrame) -> pd.DataFrame:
        out = super().predict(index)
        stamps = out["interval_start"]
        for ev, *_ in self._spans:
            if not is_short(ev):
                continue
            weekend = local_clock(pd.Series([ev.start])).iloc[0].day_of_week >= 5
            for channel in out["channel"].unique():
                uplift = self.uplifts.get((effect_key(ev), str(channel)))
                if uplift is None or not _touches(ev, str(channel)):
                    continue
                for ph, (lo, hi) in zip((1, 2), short_windows(ev), strict=True):
                    hit = ((out["channel"] == channel) & (stamps >= lo) & (stamps < hi)).to_numpy()
                    factor = max(0.0, 1.0 + uplift.at(float(ev.size), ph, weekend))
                    out.loc[hit, "volume"] = out.loc[hit, "volume"] * factor
        return out

    def holiday_days(self, channel: str, days: pd.DatetimeIndex) -> np.ndarray:
        mask = np.zeros(len(days), dtype=bool)
        for ev, _, _, first, last in self._spans:
            if ev.kind == "holiday" and _touches(ev, channel) and ("holiday", channel) in self.uplifts:
                mask |= np.asarray((days >= first) & (days <= last))
        return mask

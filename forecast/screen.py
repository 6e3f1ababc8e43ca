"""What the history says that the calendar does not: closures and unexplained days.

- **Closures**: a weekday on which a channel is normally open but no channel has a single
  row, inside the span of the history (up to the forecast start), was a closed day. It
  becomes an event of kind `holiday` named CLOSURE, so the wave model learns its -100% and
  the rebound of the days after it exactly as for a listed holiday.
- **Unexplained days**: a day whose total departs from the structural model's expectation
  (its smoothed baseline times the learned effect of the events on that day) by more than
  the day band: SCREEN_Z standard deviations of the channel's log day residuals (a robust
  day-level spread plus the day's Poisson noise, so quiet days are judged by their own noise),
  and at least SCREEN_MIN_SHARE, or half as many on a day whose residuals pooled over the
  channels pass SCREEN_Z (a wave nobody listed lifts several channels at once). Days an
  event influences are explained by it and never
  flagged. Flagged days are dropped from the history the models are fitted on (`drop_days`):
  they leave the baseline fit, the intraday profile and the naive models' source weeks
  (which then reach one week further back), and are listed for the planner.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.forecast.models import local_clock
from staffcast.forecast.profile import DailyProfileModel
from staffcast.forecast.waves import WaveModel, event_phases

CLOSURE = "closure (no rows in history)"
OPEN_SHARE = 0.5  # a weekday is open for a channel when it has rows on at least this share of its dates
SCREEN_Z = 4.0  # robust standard deviations of the day residuals outside which a day is unexplained
SCREEN_MIN_SHARE = 0.10  # ... and at least this far (10%) from the expected total
SCREEN_MAX_SHARE = 0.05  # at most this share of a channel's days is flagged (the largest departures)
MIN_SCREEN_DAYS = 28  # fewer observed days: nothing is flagged (no stable band yet)
FINDING_COLUMNS = ["channel", "day", "kind", "volume", "expected", "deviation", "note"]


def _naive_days(frame: pd.DataFrame) -> pd.Series:
    return local_clock(frame["interval_start"]).dt.normalize()


def closure_events(frame: pd.DataFrame, events: pd.DataFrame, timezone: str,
                   end: pd.Timestamp | None = None) -> pd.DataFrame:
    """`events` plus one CLOSURE event (kind holiday) per run of consecutive closed days:
    normally open weekdays without a row for any channel between the first day of the
    history and `end` (a naive local midnight, exclusive; default the last day with rows).
    Days a listed event already covers on a channel are left to that event."""
    if frame.empty:
        return events
    day = _naive_days(frame)
    seen = set(day.unique())
    first, last = min(seen), max(seen)
    stop = pd.Timestamp(end) if end is not None else last + pd.Timedelta(days=1)
    span = pd.date_range(first, stop - pd.Timedelta(days=1), freq="D")
    missing = span[~span.isin(list(seen))]
    if not len(missing):
        return events
    listed = {}
    for ev in events.itertuples():
        first_ev = local_clock(pd.Series([ev.start])).iloc[0].normalize()
        last_ev = (local_clock(pd.Series([ev.end])).iloc[0] - pd.Timedelta(microseconds=1)).normalize()
        for d in pd.date_range(first_ev, last_ev, freq="D"):
            listed.setdefault(d, set()).update(ev.channels)
    on_days = pd.DataFrame({"channel": frame["channel"].to_numpy(), "day": day.to_numpy()}).drop_duplicates()
    rows = []
    for channel, part in on_days.groupby("channel", sort=True):
        lo, hi = part["day"].min(), part["day"].max()
        dates = pd.date_range(lo, hi, freq="D")
        has = np.bincount(pd.DatetimeIndex(part["day"]).day_of_week, minlength=7)
        all_wd = np.bincount(dates.day_of_week, minlength=7)
        open_wd = has >= OPEN_SHARE * np.maximum(all_wd, 1)
        for d in missing:
            covered = listed.get(d, set())
            if d >= lo and open_wd[d.day_of_week] and str(channel) not in covered and "*" not in covered:
                rows.append((d, str(channel)))
    if not rows:
        return events
    by_day: dict[pd.Timestamp, tuple[str, ...]] = {}
    for d, channel in rows:
        by_day[d] = tuple(sorted(set(by_day.get(d, ())) | {channel}))
    runs: list[list] = []
    for d in sorted(by_day):
        if runs and d - runs[-1][1] == pd.Timedelta(days=1) and by_day[d] == runs[-1][2]:
            runs[-1][1] = d
        else:
            runs.append([d, d, by_day[d]])
    starts = pd.DatetimeIndex([r[0] for r in runs]).tz_localize(timezone, ambiguous=False,
                                                                nonexistent="shift_forward")
    ends = pd.DatetimeIndex([r[1] + pd.Timedelta(days=1) for r in runs]).tz_localize(
        timezone, ambiguous=False, nonexistent="shift_forward")
    found = pd.DataFrame({"name": CLOSURE, "kind": "holiday", "start": starts, "end": ends,
                          "channels": [r[2] for r in runs], "size": np.nan})
    if events.empty:
        return found
    return pd.concat([events, found], ignore_index=True)


def closures(events: pd.DataFrame) -> pd.DataFrame:
    """The CLOSURE events among `events`, as findings (one row per channel and day)."""
    rows = []
    for ev in events[events["name"] == CLOSURE].itertuples():
        first = local_clock(pd.Series([ev.start])).iloc[0].normalize()
        last = (local_clock(pd.Series([ev.end])).iloc[0] - pd.Timedelta(microseconds=1)).normalize()
        for d in pd.date_range(first, last, freq="D"):
            for channel in ev.channels:
                rows.append({"channel": channel, "day": d, "kind": "closure", "volume": 0.0, "expected": np.nan,
                             "deviation": -1.0, "note": f"{d:%Y-%m-%d} {channel} closed (no rows): "
                             "learned as a closure, with the rebound after it"})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def screen_days(frame: pd.DataFrame, events: pd.DataFrame, *, interval_minutes: int,
                timezone: str) -> pd.DataFrame:
    """Unexplained days of `frame` (see the module docstring), largest departure first:
    channel, day (naive local midnight), kind ("unexplained"), volume (the day's contacts),
    expected (the model's expectation), deviation (volume / expected - 1), note."""
    if frame.empty:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    model = WaveModel() if len(events) else DailyProfileModel()
    model.fit(frame, events, interval_minutes=interval_minutes, timezone=timezone)
    day = _naive_days(frame)
    totals = frame.assign(day=day.to_numpy()).groupby(["channel", "day"], sort=True)["volume"].sum()
    parts = []
    for channel, part in totals.groupby(level=0):
        channel = str(channel)
        part = part.droplevel(0)
        if len(part) < MIN_SCREEN_DAYS or channel not in model._fits:
            continue
        days = pd.DatetimeIndex(part.index)
        expected = model.baseline_daily(channel, days) * model.day_multiplier(channel, days)
        explained = np.zeros(len(days), dtype=bool)
        for ev in events.itertuples():
            if channel in ev.channels or "*" in ev.channels:
                explained |= days.isin(event_phases(ev)[0])
        actual = part.to_numpy(dtype=float)
        resid = np.log1p(actual) - np.log1p(expected)
        usable = ~explained & np.isfinite(resid) & (expected > 0)
        if usable.sum() < MIN_SCREEN_DAYS:
            continue
        # Day noise = a day-level share common to all days + Poisson noise (1 / expected in logs).
        r, poisson = resid[usable], 1.0 / np.maximum(expected[usable], 1.0)
        spread = 1.4826 * float(np.median(np.abs(r - np.median(r))))
        sigma = np.sqrt(max(spread**2 - float(np.median(poisson)), 1e-6) + poisson)
        parts.append(pd.DataFrame({"channel": channel, "day": days[usable], "volume": actual[usable],
                                   "expected": expected[usable], "z": r / sigma,
                                   "resid": resid[usable]}))
    if not parts:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    days = pd.concat(parts, ignore_index=True)
    # A wave nobody listed lifts several channels at once: the channels' residuals of a day
    # pooled (sum / sqrt(n)) reveal it where each channel's day noise alone would hide it.
    joint = days.groupby("day")["z"].agg(["sum", "size"])
    days["joint"] = (joint["sum"] / np.sqrt(joint["size"])).reindex(days["day"]).to_numpy()
    alone = days["z"].abs() > SCREEN_Z
    pooled = (days["joint"].abs() > SCREEN_Z) & (np.sign(days["joint"]) == np.sign(days["z"])) \
        & (days["z"].abs() > SCREEN_Z / 2)
    hit = days[(alone | pooled) & (days["resid"].abs() > np.log1p(SCREEN_MIN_SHARE))]
    keep = []
    for channel, part in hit.groupby("channel"):
        cap = max(1, int(SCREEN_MAX_SHARE * (days["channel"] == channel).sum()))
        keep.append(part.loc[part["resid"].abs().sort_values(ascending=False).index[:cap]])
    if not keep:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    hit = pd.concat(keep, ignore_index=True)
    # The flagged days pulled the smoothed level towards them: their expectation is read
    # again from a fit without them, so the planner sees the whole departure.
    refit = (WaveModel() if len(events) else DailyProfileModel()).fit(
        drop_days(frame, hit), events, interval_minutes=interval_minutes, timezone=timezone)
    rows = []
    for channel, part in hit.groupby("channel"):
        again = pd.DatetimeIndex(part["day"])
        part = part.assign(expected=refit.baseline_daily(channel, again) * refit.day_multiplier(channel, again))
        for r in part.itertuples():
            dev = r.volume / r.expected - 1.0
            rows.append({"channel": channel, "day": r.day, "kind": "unexplained", "volume": r.volume,
                         "expected": float(r.expected), "deviation": float(dev),
                         "note": f"{r.day:%Y-%m-%d} {channel} {dev:+.0%} unexplained: add an event?"})
    out = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    return out.sort_values(["channel", "day"], ignore_index=True) if len(out) else out


def drop_days(frame: pd.DataFrame, flagged: pd.DataFrame) -> pd.DataFrame:
    """`frame` without the rows of the flagged (channel, day) pairs."""
    if flagged.empty:
        return frame
    day = _naive_days(frame)
    key = pd.MultiIndex.from_arrays([frame["channel"].astype(str), day])
    drop = key.isin(pd.MultiIndex.from_arrays([flagged["channel"].astype(str), pd.DatetimeIndex(flagged["day"])]))
    return frame[~drop]


def prepare(frame: pd.DataFrame, events: pd.DataFrame, *, interval_minutes: int, timezone: str,
            end: pd.Timestamp | None = None, screen: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(events with the data's closures, history without its unexplained days, findings:
    the closures and the unexplained days) for a history whose forecast starts at `end`."""
    events = closure_events(frame, events, timezone, end)
    flagged = screen_days(frame, events, interval_minutes=interval_minutes, timezone=timezone) if screen \
        else pd.DataFrame(columns=FINDING_COLUMNS)
    found = pd.concat([x for x in (closures(events), flagged) if len(x)] or [flagged], ignore_index=True)
    found = found.sort_values(["day", "channel"], ignore_index=True) if len(found) else found
    return events, drop_days(frame, flagged), found

"""Public forecasting functions: `forecast` and `backtest` over a validated History."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.errors import InputError
from staffcast.forecast.aht import AhtModel
from staffcast.forecast.backtest import fold_cutoffs, localize_days, run_backtest
from staffcast.forecast.choice import CHOICE_COLUMNS, choice_reasons, mark_choice
from staffcast.forecast.data import History
from staffcast.forecast.intervals import POISSON, Calibration, calibrate
from staffcast.forecast.models import MeanOfWeeks, SeasonalNaiveWeek, VolumeModel, local_clock
from staffcast.forecast.profile import DailyProfileModel
from staffcast.forecast.screen import FINDING_COLUMNS, prepare
from staffcast.forecast.waves import PHASES, WaveModel, effect_key

# Simplest first: ties in the automatic choice go to the earlier model.
MODELS: dict[str, Callable[[], VolumeModel]] = {
    "snaive_week": SeasonalNaiveWeek,
    "mean_3w": lambda: MeanOfWeeks(3),
    "profile": DailyProfileModel,
    "waves": WaveModel,
}
MAX_HORIZON_DAYS = 366
# The automatic choice: test windows of the horizon (at least AUTO_WINDOW_DAYS, at most 28),
# as many as cover AUTO_TEST_DAYS, between AUTO_MIN_FOLDS and AUTO_MAX_FOLDS (fewer when the
# history is short): a day-ahead forecast is chosen on six weeks, not on three days.
AUTO_WINDOW_DAYS = 7
AUTO_TEST_DAYS = 42
AUTO_MIN_FOLDS, AUTO_MAX_FOLDS = 3, 6
FORECAST_COLUMNS = ["channel", "interval_start", "volume", "volume_lo", "volume_hi", "aht_seconds", "model"]


def _empty_events(timezone: str) -> pd.DataFrame:
    return pd.DataFrame({"name": pd.Series(dtype=str), "kind": pd.Series(dtype=str),
                         "start": pd.Series(dtype=f"datetime64[ns, {timezone}]"),
                         "end": pd.Series(dtype=f"datetime64[ns, {timezone}]"),
                         "channels": pd.Series(dtype=object), "size": pd.Series(dtype=float)})


def check_horizon(horizon_days) -> int:
    """The horizon as an int, or InputError naming the option."""
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int | np.integer) \
            or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise InputError("", f"--horizon-days: expected a whole number of days from 1 to {MAX_HORIZON_DAYS}, "
                         f"got {horizon_days!r}")
    return int(horizon_days)


def check_models(names: Sequence[str] | str | None, *, allow_auto: bool) -> list[str]:
    """Validated model names (all models for None or "auto")."""
    if names is None or names == "auto" or names == ["auto"]:
        if names is not None and not allow_auto:
            raise InputError("", "--model: auto is not a model to backtest")
        return list(MODELS)
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in MODELS:
            choices = ", ".join((["auto"] if allow_auto else []) + list(MODELS))
            raise InputError("", f"--model: expected one of {choices}, got {name!r}")
    return names


def future_index(history: History, horizon_days: int, start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Open intervals (channel, interval_start) of `horizon_days` days from `start`
    (default: the interval right after the history end)."""
    step = pd.Timedelta(minutes=history.interval_minutes)
    if start is None:
        start = history.frame["interval_start"].max() + step
    start = pd.Timestamp(start)
    start = start.tz_localize(history.timezone) if start.tzinfo is None else start.tz_convert(history.timezone)
    first = local_clock(pd.Series([start])).iloc[0]
    stop = localize_days(pd.DatetimeIndex([first + pd.Timedelta(days=horizon_days)]), history.timezone)[0]
    grid = pd.date_range(start, stop, freq=step, inclusive="left")
    parts = []
    for channel in history.channels:
        keep = history.open_hours.is_open(channel, grid)
        parts.append(pd.DataFrame({"channel": channel, "interval_start": grid[keep]}))
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True)
class ForecastResult:
    """A forecast and how it was made.

    `frame`: the docs/design.md forecast frame; `models`: channel -> model used; `calibrations`:
    channel -> the 80% band's calibration; `event_effects`: one row per event in the horizon
    and channel it touches: name, kind, size, channel, `peak_uplift` (share of the baseline
    day, e.g. 0.45 = +45%; NaN when the channel's model is wave-blind or the kind was never
    seen on that channel) and `learned_from` (past events of that kind on that channel);
    `reasons`: channel -> why its model was chosen, in one line; `choices`: the same per
    channel as a frame (staffcast.forecast.choice.CHOICE_COLUMNS: the model and its median
    backtest WAPE, the runner-up and its, the folds, the rule); `findings`: what the history shows that
    the calendar does not (staffcast.forecast.screen): one row per channel and day, kind
    `closure` (learned as a closure) or `unexplained` (left out of the fit), with the day's
    volume, the model's expectation, the deviation and a note for the planner.
    """

    frame: pd.DataFrame
    models: Mapping[str, str]
    calibrations: Mapping[str, Calibration]
    event_effects: pd.DataFrame
    reasons: Mapping[str, str] = None  # type: ignore[assignment]
    findings: pd.DataFrame = None  # type: ignore[assignment]
    choices: pd.DataFrame = None  # type: ignore[assignment]


def auto_folds(frame: pd.DataFrame, horizon_days: int, timezone: str, *, several: bool = True) -> tuple[int, int]:
    """(folds, days per test window) of the backtest behind the automatic choice; folds is 0
    when the history is too short for even one window."""
    days = int(np.clip(horizon_days, AUTO_WINDOW_DAYS, 28))
    folds = int(np.clip(-(-AUTO_TEST_DAYS // days), AUTO_MIN_FOLDS, AUTO_MAX_FOLDS)) if several else 1
    while folds:
        try:
            fold_cutoffs(frame, folds, days, timezone)
            return folds, days
        except InputError:
            folds -= 1
    return 0, days


def findings(history: History, events: pd.DataFrame | None) -> pd.DataFrame:
    """What the history shows that the calendar does not (see `ForecastResult.findings`)."""
    events = _empty_events(history.timezone) if events is None else events
    return prepare(history.frame, events, interval_minutes=history.interval_minutes, timezone=history.timezone)[2]


def forecast(history: History, events: pd.DataFrame | None, horizon_days: int, *, model: str = "auto",
             start: pd.Timestamp | None = None) -> pd.DataFrame:
    """Forecast frame (docs/design.md) for every open interval of the next `horizon_days` days.

    `model="auto"` picks per channel a model by backtest (`choice_reasons`); the 80% band
    is calibrated on backtest residuals of the model used. See `run_forecast` for details.
    """
    return run_forecast(history, events, horizon_days, model=model, start=start).frame


def run_forecast(history: History, events: pd.DataFrame | None, horizon_days: int, *, model: str = "auto",
                 start: pd.Timestamp | None = None) -> ForecastResult:
    """`forecast` plus the model used per channel and why, the band calibration, event effects
    and the findings of the history screen.

    Normally open weekdays without rows before the forecast start (`start`: the history is
    taken to cover everything before it) are closures; unexplained days are left out of
    every fit (staffcast.forecast.screen)."""
    horizon_days = check_horizon(horizon_days)
    names = check_models(model, allow_auto=True)
    events = _empty_events(history.timezone) if events is None else events
    tz, minutes = history.timezone, history.interval_minutes
    index = future_index(history, horizon_days, start)
    first_day = local_clock(pd.Series([index["interval_start"].min()])).iloc[0].normalize() if len(index) else None
    raw = history.frame
    events, frame, found = prepare(raw, events, interval_minutes=minutes, timezone=tz, end=first_day)
    folds, test_days = auto_folds(raw, horizon_days, tz, several=len(names) > 1)
    if folds:
        metrics, preds = run_backtest(raw, events, {n: MODELS[n] for n in names}, folds=folds,
                                      horizon_days=test_days, interval_minutes=minutes, timezone=tz,
                                      with_intervals=False)
        why = choice_reasons(metrics, list(MODELS), prefer=_prefer_event_aware(events, index))
    else:
        preds, why = None, pd.DataFrame(columns=CHOICE_COLUMNS)
    choices = {str(r["channel"]): r for r in why.to_dict("records")}
    out = index.assign(volume=0.0, volume_lo=0.0, volume_hi=0.0, aht_seconds=np.nan, model="")
    fitted: dict[str, VolumeModel] = {}
    used: dict[str, str] = {}
    cals: dict[str, Calibration] = {}
    for channel, rows in index.groupby("channel", sort=True):
        if len(names) == 1 or str(channel) not in choices:
            rule = "the only model asked for" if len(names) == 1 else \
                "history too short for a backtest: the structural default"
            choices[str(channel)] = _fixed_choice(str(channel), names[-1] if len(names) == 1 else "profile",
                                                  choices.get(str(channel)), rule)
        name = choices[str(channel)]["model"]
        if name not in fitted:
            fitted[name] = MODELS[name]().fit(frame, events, interval_minutes=minutes, timezone=tz)
        volume = fitted[name].predict(rows)["volume"].to_numpy()
        cal = POISSON
        if preds is not None:
            held = preds[(preds["model"] == name) & (preds["channel"] == channel)]
            cal = calibrate(held["volume"].to_numpy(), held["predicted"].to_numpy())
        lo, hi = cal.bounds(volume)
        i = rows.index.to_numpy()
        out.loc[i, "volume"] = volume
        out.loc[i, "volume_lo"] = np.minimum(lo, volume)
        out.loc[i, "volume_hi"] = np.maximum(hi, volume)
        out.loc[i, "model"] = name
        used[str(channel)], cals[str(channel)] = name, cal
    out["aht_seconds"] = AhtModel().fit(raw, events, interval_minutes=minutes, timezone=tz).predict(index)
    effects = _event_effects(events, index, used, fitted.get("waves"))
    table = pd.DataFrame([choices[c] for c in sorted(used)], columns=CHOICE_COLUMNS)
    reasons = dict(zip(table["channel"], table["reason"], strict=True))
    return ForecastResult(out[FORECAST_COLUMNS], used, cals, effects, reasons, found[FINDING_COLUMNS], table)


def _fixed_choice(channel: str, model: str, backtested: Mapping | None, rule: str) -> dict:
    """A choice row (CHOICE_COLUMNS) for a model not chosen by backtest, with its backtest
    median WAPE when it had one."""
    wape = float(backtested["wape"]) if backtested is not None and backtested["model"] == model else np.nan
    folds = int(backtested["folds"]) if backtested is not None else 0
    score = f" {wape:.3f} (median WAPE over {folds} fold{'s' if folds > 1 else ''})" if wape == wape else ""
    return {"channel": channel, "model": model, "wape": wape, "runner_up": "", "runner_up_wape": np.nan,
            "folds": folds, "rule": rule, "reason": f"{model}{score}: {rule}"}


def _prefer_event_aware(events: pd.DataFrame, index: pd.DataFrame) -> dict[str, str]:
    """Channels touched by a non-holiday event inside the horizon -> "waves": on a backtest
    tie the event-aware model wins there, since the calm backtest windows cannot show what
    the calendar knows about the coming wave."""
    if index.empty or events.empty:
        return {}
    first, last = index["interval_start"].min(), index["interval_start"].max()
    upcoming = events[(events["end"] > first) & (events["start"] <= last) & (events["kind"] != "holiday")]
    touched = {c for channels in upcoming["channels"] for c in channels}
    return {c: "waves" for c in touched if c in set(index["channel"])}


def _event_effects(events: pd.DataFrame, index: pd.DataFrame, used: Mapping[str, str],
                   waves: WaveModel | None) -> pd.DataFrame:
    rows = []
    if len(index):
        first, last = index["interval_start"].min(), index["interval_start"].max()
        upcoming = events[(events["end"] > first) & (events["start"] <= last)]
        for ev in upcoming.itertuples():
            for channel in sorted(used):
                if channel not in ev.channels and "*" not in ev.channels:
                    continue
                uplift = waves.uplifts.get((effect_key(ev), channel)) if waves is not None and \
                    used[channel] == "waves" else None
                peak = np.nan
                if uplift is not None:
                    values = [uplift.at(float(ev.size), p, weekend=False) for p in range(len(PHASES))]
                    peak = max(values, key=abs)
                rows.append({"name": ev.name, "kind": ev.kind, "size": ev.size, "channel": channel,
                             "peak_uplift": peak, "learned_from": uplift.events if uplift is not None else 0})
    return pd.DataFrame(rows, columns=["name", "kind", "size", "channel", "peak_uplift", "learned_from"])


def backtest(history: History, events: pd.DataFrame | None, *, folds: int, horizon_days: int,
             models: Sequence[str] | None = None,
             progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Metrics per model, channel and fold (see staffcast.forecast.backtest); `models` defaults to all.
    `chosen` marks the rows of the model `auto` would choose on these folds and
    `choice_reason` says why (staffcast.forecast.choice). `progress(done, total)` is called
    after each model and fold."""
    horizon_days = check_horizon(horizon_days)
    names = check_models(models, allow_auto=False)
    events = _empty_events(history.timezone) if events is None else events
    metrics, _ = run_backtest(history.frame, events, {n: MODELS[n] for n in names}, folds=folds,
                              horizon_days=horizon_days, interval_minutes=history.interval_minutes,
                              timezone=history.timezone, progress=progress)
    return mark_choice(metrics, choice_reasons(metrics, list(MODELS)))

"""Forecast frame invariants, backtest hygiene and user errors, on small real cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from forecast_testdata import OPEN_FROM, OPEN_TO, TZ, write_case
from hypothesis import given, settings
from hypothesis import strategies as st

from staffcast.errors import InputError
from staffcast.forecast.api import MODELS, backtest, forecast
from staffcast.forecast.backtest import fold_cutoffs, run_backtest
from staffcast.forecast.choice import choose_models
from staffcast.forecast.intervals import calibrate
from staffcast.forecast.models import MeanOfWeeks, SeasonalNaiveWeek

WAVES = [("2025-02-04", 4, 3000.0), ("2025-03-11", 4, 8000.0)]


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    return write_case(tmp_path_factory.mktemp("case"), days=98, waves=WAVES,
                      future=[("2025-04-22", 3, 5000.0)])


@pytest.mark.parametrize("model", ["auto", *MODELS])
def test_forecast_is_non_negative_open_hours_only_and_deterministic(case, model):
    history, events = case
    first = forecast(history, events, 7, model=model)
    second = forecast(history, events, 7, model=model)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == ["channel", "interval_start", "volume", "volume_lo", "volume_hi",
                                   "aht_seconds", "model"]
    assert (first[["volume", "volume_lo", "volume_hi"]].to_numpy() >= 0).all()
    assert (first["volume_lo"] <= first["volume"]).all() and (first["volume"] <= first["volume_hi"]).all()
    hours = first["interval_start"].dt.hour
    assert hours.between(OPEN_FROM, OPEN_TO - 1).all()  # closed hours have no rows
    assert len(first) == 7 * (OPEN_TO - OPEN_FROM) * 2  # every open interval has one
    assert first["interval_start"].iloc[0] == history.frame["interval_start"].max() + pd.Timedelta(hours=12, minutes=30)
    assert first["interval_start"].dt.tz is not None and str(first["interval_start"].dt.tz) == TZ
    assert (first["aht_seconds"].between(250, 350)).all()
    if model != "auto":
        assert (first["model"] == model).all()


def test_forecast_start_argument_moves_the_window(case):
    history, events = case
    start = pd.Timestamp("2025-04-21 00:00", tz=TZ)
    out = forecast(history, events, 2, model="mean_3w", start=start)
    assert out["interval_start"].min() == start + pd.Timedelta(hours=OPEN_FROM)
    assert out["interval_start"].max() < start + pd.Timedelta(days=2)


def test_bad_horizon_and_model_names_are_one_line_errors(case):
    history, events = case
    for bad in (0, -3, 1000, 2.5):
        with pytest.raises(InputError, match=r"--horizon-days: expected a whole number of days from 1 to 366"):
            forecast(history, events, bad)
    with pytest.raises(InputError, match=r"--model: expected one of auto, snaive_week, mean_3w, profile, waves, "
                                         r"got 'prophet'"):
        forecast(history, events, 7, model="prophet")
    with pytest.raises(InputError, match="--model"):
        backtest(history, events, folds=2, horizon_days=7, models=["snaive_week", "nope"])
    with pytest.raises(InputError, match=r"3 fold\(s\) of 40 day\(s\) need more than 98 days"):
        backtest(history, events, folds=3, horizon_days=40)


class _RecordingNaive(SeasonalNaiveWeek):
    """The real seasonal naive model, remembering the last interval it was trained on."""

    seen: list[pd.Timestamp] = []

    def fit(self, history, events, **kw):
        _RecordingNaive.seen.append(history["interval_start"].max())
        return super().fit(history, events, **kw)


def test_backtest_folds_never_see_the_future(case):
    history, events = case
    _RecordingNaive.seen = []
    metrics, preds = run_backtest(history.frame, events, {"spy": _RecordingNaive}, folds=3, horizon_days=7,
                                  interval_minutes=30, timezone=TZ)
    cuts = fold_cutoffs(history.frame, 3, 7, TZ)
    assert [c.strftime("%Y-%m-%d %H:%M") for c in cuts] == ["2025-03-24 00:00", "2025-03-31 00:00", "2025-04-07 00:00"]
    # Three fits per fold (model + two inner calibration holdouts), each strictly before the cut-off.
    assert len(_RecordingNaive.seen) == 9
    for fold, cut in enumerate(cuts):
        seen = _RecordingNaive.seen[3 * fold: 3 * fold + 3]
        assert seen[0] == cut - pd.Timedelta(minutes=30 + 60 * (24 - OPEN_TO))  # last open interval before it
        assert seen[2] < seen[1] < seen[0] < cut
        rows = metrics[metrics["fold"] == fold].iloc[0]
        assert rows["train_end"] < cut <= rows["test_start"] and rows["test_end"] < cut + pd.Timedelta(days=7)
        fold_preds = preds[preds["fold"] == fold]
        assert fold_preds["interval_start"].min() >= cut
    # Seasonal naive one week ahead predicts exactly last week's volume (a reference value).
    frame = history.frame.set_index("interval_start")["volume"]
    sample = preds.iloc[[0, 37, 100]]
    for row in sample.itertuples():
        assert row.predicted == frame[row.interval_start - pd.Timedelta(days=7)]


def test_backtest_metrics_reference_values(case):
    history, events = case
    metrics = backtest(history, events, folds=2, horizon_days=7, models=["mean_3w", "waves"])
    assert set(metrics["model"]) == {"mean_3w", "waves"} and len(metrics) == 4
    for row in metrics.itertuples():
        assert 0 < row.poisson_floor < row.wape < 0.5
        assert row.floor_ratio == pytest.approx(row.wape / row.poisson_floor)
        assert 0.4 <= row.coverage <= 1.0
    # choose_models: a baseline must be clearly (5%) better than the structural model to win.
    fake = pd.DataFrame({"channel": ["a", "a", "b", "b"], "model": ["mean_3w", "waves"] * 2,
                         "wape": [0.0960, 0.100, 0.20, 0.10]})
    assert choose_models(fake, list(MODELS)) == {"a": "waves", "b": "waves"}
    fake_b = fake.assign(wape=[0.100, 0.0995, 0.10, 0.20])
    assert choose_models(fake_b, list(MODELS), prefer={"a": "waves", "b": "waves"}) == {"a": "waves", "b": "mean_3w"}
    # Between structural models ties (within 1%) go to the simpler one unless the horizon
    # holds an event for the channel: then the tied event-aware model wins.
    tie = pd.DataFrame({"channel": ["a", "a"], "model": ["profile", "waves"], "wape": [0.100, 0.0995]})
    assert choose_models(tie, list(MODELS)) == {"a": "profile"}
    assert choose_models(tie, list(MODELS), prefer={"a": "waves"}) == {"a": "waves"}


def test_baselines_skip_missing_weeks():
    # Mondays 09:00 local across the spring DST change: same wall-clock slot every week.
    stamps = pd.date_range("2025-03-10 09:00", periods=6, freq="7D").tz_localize(TZ)
    hist = pd.DataFrame({"channel": "voice", "interval_start": stamps[[0, 1, 3]],
                         "volume": [10.0, 20.0, 40.0], "aht_seconds": np.nan})
    target = pd.DataFrame({"channel": ["voice"] * 2, "interval_start": stamps[[4, 5]]})
    naive = SeasonalNaiveWeek().fit(hist, None, interval_minutes=30, timezone=TZ).predict(target)
    assert naive["volume"].tolist() == [40.0, 40.0]
    mean = MeanOfWeeks(3).fit(hist, None, interval_minutes=30, timezone=TZ).predict(target)
    assert mean["volume"].tolist() == pytest.approx([70 / 3, 70 / 3])


def test_calibrated_band_covers_about_80_percent():
    rng = np.random.default_rng(3)
    mean = rng.uniform(5, 200, 4000)
    day_error = rng.lognormal(0, 0.08, 4000)
    held = rng.poisson(mean * day_error)
    cal = calibrate(held, mean)
    fresh = rng.poisson(mean * rng.lognormal(0, 0.08, 4000))
    lo, hi = cal.bounds(mean)
    coverage = np.mean((fresh >= lo) & (fresh <= hi))
    assert 0.77 <= coverage <= 0.83
    assert 0.003 < cal.phi < 0.012  # lognormal sigma 0.08 -> phi ~ 0.0064


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 500), min_size=12, max_size=80), st.integers(0, 2**16))
def test_band_is_ordered_and_non_negative_for_any_calibration(volumes, seed):
    rng = np.random.default_rng(seed)
    predicted = np.asarray(volumes)
    actual = rng.poisson(predicted * rng.lognormal(0, 0.2, len(predicted)))
    cal = calibrate(actual, predicted)
    lo, hi = cal.bounds(predicted)
    assert (lo >= 0).all() and (lo <= hi).all()
    assert cal.z_lo <= cal.z_hi and cal.phi >= 0


def test_upcoming_non_holiday_events_prefer_the_event_aware_model():
    from staffcast.forecast.api import _prefer_event_aware

    tz = "Asia/Shanghai"
    stamps = pd.date_range("2026-12-07", periods=96, freq="30min", tz=tz)
    index = pd.DataFrame({"channel": ["voice"] * 48 + ["email"] * 48, "interval_start": list(stamps[:48]) * 2})
    events = pd.DataFrame({
        "name": ["wave", "holiday", "past"], "kind": ["migration", "holiday", "onboarding"],
        "start": pd.to_datetime(["2026-12-07 10:00", "2026-12-07 00:00", "2026-11-01 00:00"]).tz_localize(tz),
        "end": pd.to_datetime(["2026-12-09 00:00", "2026-12-08 00:00", "2026-11-03 00:00"]).tz_localize(tz),
        "channels": [("email",), ("voice", "email"), ("voice",)], "size": [100.0, None, 5.0]})
    assert _prefer_event_aware(events, index) == {"email": "waves"}

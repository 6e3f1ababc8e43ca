"""The wave-aware model recovers a known size-dependent uplift and forecasts a future wave."""

from __future__ import annotations

import numpy as np
import pandas as pd
from forecast_testdata import TZ, truth_frame, wave_uplift, write_case

from staffcast.forecast.api import forecast, run_forecast
from staffcast.forecast.profile import DailyProfileModel
from staffcast.forecast.waves import PHASES, WaveModel

# Past waves (start Monday-Wednesday, 4 days, different sizes) and one future wave.
PAST = [("2025-02-04", 4, 1000.0), ("2025-03-05", 4, 16000.0), ("2025-04-01", 4, 4000.0),
        ("2025-05-06", 4, 9000.0), ("2025-06-03", 4, 2000.0)]
FUTURE = [("2025-07-15", 4, 8000.0)]  # Tuesday; history ends Sunday 2025-07-06
DAYS = 182


def _fit(tmp_path):
    history, events = write_case(tmp_path, days=DAYS, waves=PAST, future=FUTURE)
    model = WaveModel().fit(history.frame, events, interval_minutes=30, timezone=TZ)
    return history, events, model


def test_recovers_size_dependent_uplift(tmp_path):
    _, _, model = _fit(tmp_path)
    uplift = model.uplifts[("onboarding", "voice")]
    assert uplift.events == len(PAST)
    hold = PHASES.index("hold")
    for size in (1500.0, 8000.0, 12000.0):  # sizes it never saw
        truth = wave_uplift(size, 3, 4)
        learned = uplift.at(size, hold, weekend=False)
        assert abs(learned - truth) / truth < 0.15, (size, learned, truth)
    assert abs(uplift.elasticity - 0.7) < 0.15


def test_forecasts_future_wave_peak_day(tmp_path):
    history, events, _ = _fit(tmp_path)
    out = forecast(history, events, 14, model="waves")
    day = out["interval_start"].dt.tz_localize(None).dt.normalize()
    daily = out.groupby(day)["volume"].sum()
    truth = truth_frame("2025-01-06", DAYS + 14, PAST + FUTURE)
    truth_daily = truth.groupby(truth["interval_start"].dt.tz_localize(None).dt.normalize())["mean"].sum()
    peak = pd.Timestamp("2025-07-18")  # fourth wave day: full uplift
    assert abs(daily[peak] - truth_daily[peak]) / truth_daily[peak] < 0.15
    # The wave-blind model misses the same peak by far more than 15%.
    blind = forecast(history, events, 14, model="profile")
    blind_daily = blind.groupby(blind["interval_start"].dt.tz_localize(None).dt.normalize())["volume"].sum()
    assert (truth_daily[peak] - blind_daily[peak]) / truth_daily[peak] > 0.3


def test_past_waves_do_not_distort_baseline(tmp_path):
    history, events, waves = _fit(tmp_path)
    blind = DailyProfileModel().fit(history.frame, events, interval_minutes=30, timezone=TZ)
    # Weekday level of a clean future Monday: truth is BASE * 1.10 = 1320 contacts.
    monday = pd.DatetimeIndex([pd.Timestamp("2025-07-07")])
    assert abs(waves.baseline_daily("voice", monday)[0] - 1320) / 1320 < 0.06
    # The smoothed past baseline on a wave peak day stays near the no-wave truth.
    peak = pd.DatetimeIndex([pd.Timestamp("2025-03-08")])  # Saturday of the 16,000 wave
    assert abs(waves.baseline_daily("voice", peak)[0] - 1200 * 0.5) / 600 < 0.1
    assert blind.baseline_daily("voice", peak)[0] > waves.baseline_daily("voice", peak)[0]
    assert np.isfinite(waves.uplifts[("onboarding", "voice")].amplitude)


def test_run_forecast_reports_the_effect_of_upcoming_events(tmp_path):
    history, events, _ = _fit(tmp_path)
    result = run_forecast(history, events, 14, model="waves")
    effect = result.event_effects.iloc[0]
    assert (effect["name"], effect["channel"], effect["learned_from"]) == ("Customer 5 onboarding", "voice", 5)
    truth = wave_uplift(8000.0, 3, 4)
    assert abs(effect["peak_uplift"] - truth) / truth < 0.15
    assert dict(result.models) == {"voice": "waves"}
    blind = run_forecast(history, events, 14, model="profile").event_effects.iloc[0]
    assert np.isnan(blind["peak_uplift"]) and blind["learned_from"] == 0


def test_hours_long_events_act_on_their_hours():
    """Past two-hour outages triple the contacts while they last; a future one (at other
    hours) is forecast in its hours only, not smeared over the day."""
    rng = np.random.default_rng(11)
    truth = truth_frame("2025-01-06", 112, [])
    past = ["2025-02-04 10:00", "2025-03-05 11:00", "2025-03-20 10:00", "2025-04-08 12:00"]
    future = "2025-05-07 14:00"  # Wednesday; the history ends Sunday 2025-04-27
    starts = pd.to_datetime(past + [future]).tz_localize(TZ)
    events = pd.DataFrame({"name": [f"outage {i}" for i in range(5)], "kind": "outage", "start": starts,
                           "end": starts + pd.Timedelta(hours=2), "channels": [("voice",)] * 5, "size": np.nan})
    mean = truth["mean"].to_numpy().copy()
    for start in starts[:-1]:
        hit = ((truth["interval_start"] >= start) & (truth["interval_start"] < start + pd.Timedelta(hours=2)))
        mean[hit.to_numpy()] *= 3.0
    history = truth.assign(volume=rng.poisson(mean).astype(float), aht_seconds=300.0).drop(columns="mean")
    model = WaveModel().fit(history, events, interval_minutes=30, timezone=TZ)
    uplift = model.uplifts[("outage (hours)", "voice")]
    assert abs(uplift.at(float("nan"), 1, weekend=False) - 2.0) < 0.3
    day = truth_frame("2025-05-07", 1, [])
    pred = model.predict(day[["channel", "interval_start"]])["volume"].to_numpy()
    clock = day["interval_start"].dt.hour.to_numpy()
    during = (clock >= 14) & (clock < 16)
    after = (clock >= 16) & (clock < 18)
    elsewhere = ~during & ~after
    assert abs(pred[during].sum() / day["mean"].to_numpy()[during].sum() - 3.0) < 0.45
    assert pred[after].sum() / day["mean"].to_numpy()[after].sum() < 1.5
    assert abs(pred[elsewhere].sum() / day["mean"].to_numpy()[elsewhere].sum() - 1.0) < 0.1

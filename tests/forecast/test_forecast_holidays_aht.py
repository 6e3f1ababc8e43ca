"""Holidays (closed days, rebound after them) and the AHT forecast, on small real cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
from forecast_testdata import BASE_PER_DAY, REBOUND, TZ, WEEKDAY, truth_frame, write_case

from staffcast.forecast.aht import AhtModel
from staffcast.forecast.api import forecast
from staffcast.forecast.models import local_clock

PAST_HOLIDAYS = ("2025-02-12", "2025-03-19", "2025-04-23", "2025-05-28")  # Wednesdays, closed
FUTURE_HOLIDAY = "2025-06-18"  # Wednesday after the history end (Sunday 2025-06-08)


def _daily(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby(local_clock(frame["interval_start"]).dt.normalize())["volume"].sum()


def test_closed_holiday_forecast_near_zero_and_rebound_after(tmp_path):
    history, events = write_case(tmp_path, days=154, holidays=PAST_HOLIDAYS + (FUTURE_HOLIDAY,))
    assert pd.Timestamp(PAST_HOLIDAYS[0]).date() in history.closed_dates
    out = forecast(history, events, 14, model="waves")
    daily = _daily(out)
    holiday, after = pd.Timestamp(FUTURE_HOLIDAY), pd.Timestamp(FUTURE_HOLIDAY) + pd.Timedelta(days=1)
    normal_thursday = BASE_PER_DAY * WEEKDAY[3]
    assert daily[holiday] < 0.1 * BASE_PER_DAY  # learned: the centre is closed on holidays
    assert abs(daily[after] - REBOUND * normal_thursday) / (REBOUND * normal_thursday) < 0.12
    assert abs(daily[pd.Timestamp("2025-06-12")] - normal_thursday) / normal_thursday < 0.08
    blind = _daily(forecast(history, events, 14, model="profile"))
    assert blind[holiday] > 0.8 * BASE_PER_DAY  # a wave-blind model staffs the holiday


def test_aht_profile_level_and_event_effect():
    days = 84
    truth = truth_frame("2025-01-06", days, [("2025-02-11", 3, 5000.0), ("2025-03-11", 3, 5000.0)])
    clock = local_clock(truth["interval_start"])
    hour = clock.dt.hour.to_numpy()
    in_wave = clock.dt.normalize().isin(pd.date_range("2025-02-11", periods=3).append(
        pd.date_range("2025-03-11", periods=3))).to_numpy()
    profile = np.where(hour < 12, 360.0, 300.0)  # longer calls in the morning
    aht = profile * np.where(in_wave, 1.25, 1.0)
    history = truth.assign(volume=np.round(truth["mean"]), aht_seconds=aht).drop(columns="mean")
    events = pd.DataFrame({"name": ["a", "b", "c"], "kind": "onboarding",
                           "start": pd.to_datetime(["2025-02-11", "2025-03-11", "2025-04-08"]).tz_localize(TZ),
                           "end": pd.to_datetime(["2025-02-14", "2025-03-14", "2025-04-11"]).tz_localize(TZ),
                           "channels": [("voice",)] * 3, "size": 5000.0})
    model = AhtModel().fit(history, events, interval_minutes=30, timezone=TZ)
    index = pd.DataFrame({"channel": "voice", "interval_start": pd.to_datetime(
        ["2025-04-07 09:00", "2025-04-07 15:00", "2025-04-09 09:00", "2025-04-09 15:00"]).tz_localize(TZ)})
    assert np.allclose(model.predict(index), [360, 300, 450, 375], rtol=0.02)

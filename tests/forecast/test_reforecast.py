"""Intraday reforecast on small real frames: unchanged when actuals match, moves the right
way when high or low, band narrows, nothing before now but actuals, bad inputs."""

import numpy as np
import pandas as pd
import pytest

from staffcast.errors import InputError
from staffcast.forecast.reforecast import ACTUAL, UpdateWeights, learn_update_weights, reforecast

TZ = "Europe/Berlin"


def _forecast(days=2, level=50.0):
    starts = pd.DatetimeIndex([])
    for d in range(days):
        day = pd.Timestamp("2026-12-07", tz=TZ) + pd.Timedelta(days=d)
        starts = starts.append(pd.date_range(day + pd.Timedelta(hours=8), periods=20, freq="30min"))
    volume = level * (1 + 0.5 * np.sin(np.arange(len(starts)) / 3))
    lo, hi = volume - 1.2816 * np.sqrt(volume + 0.02 * volume**2), volume + 1.2816 * np.sqrt(volume + 0.02 * volume**2)
    return pd.DataFrame({"channel": "voice", "interval_start": starts, "volume": volume, "volume_lo": lo,
                         "volume_hi": hi, "aht_seconds": 300.0, "model": "profile"})


def _actuals(fc, now, scale=1.0, aht=1.0):
    past = fc[fc["interval_start"] + pd.Timedelta(minutes=30) <= now]
    return pd.DataFrame({"channel": past["channel"], "interval_start": past["interval_start"],
                         "volume": past["volume"] * scale, "aht_seconds": past["aht_seconds"] * aht})


NOW = pd.Timestamp("2026-12-07 12:00", tz=TZ)


def test_matching_actuals_leave_forecast_unchanged_and_band_narrows():
    fc = _forecast()
    out = reforecast(fc, _actuals(fc, NOW), NOW)
    assert list(out.columns) == list(fc.columns) and len(out) == len(fc)
    np.testing.assert_allclose(out["volume"], fc["volume"])
    np.testing.assert_allclose(out["aht_seconds"], fc["aht_seconds"])
    later = (fc["interval_start"] >= NOW).to_numpy()
    width_old = (fc["volume_hi"] - fc["volume_lo"]).to_numpy()[later]
    width_new = (out["volume_hi"] - out["volume_lo"]).to_numpy()[later]
    assert np.all(width_new <= width_old + 1e-9) and np.any(width_new < width_old - 1e-6)
    assert (out["model"][~later] == ACTUAL).all()


@pytest.mark.parametrize("scale", [1.4, 0.7])
def test_high_or_low_actuals_move_rest_of_day_their_way_fading(scale):
    fc = _forecast()
    out = reforecast(fc, _actuals(fc, NOW, scale, aht=scale), NOW, weights=UpdateWeights(level_prior_contacts=100))
    rest = ((fc["interval_start"] >= NOW) & (fc["interval_start"] < NOW.normalize() + pd.Timedelta(days=1))).to_numpy()
    tomorrow = (fc["interval_start"] >= NOW.normalize() + pd.Timedelta(days=1)).to_numpy()
    ratio = out["volume"].to_numpy() / fc["volume"].to_numpy()
    seen = fc["volume"].to_numpy()[~rest & ~tomorrow].sum()
    expected = (seen * scale + 100) / (seen + 100)
    np.testing.assert_allclose(ratio[rest], expected)
    np.testing.assert_allclose(ratio[tomorrow], 1 + (expected - 1) * np.exp(-1))
    aht = out["aht_seconds"].to_numpy() / 300.0
    assert np.all(np.sign(aht[rest] - 1) == np.sign(scale - 1))
    np.testing.assert_allclose(out["volume"][~rest & ~tomorrow], fc["volume"][~rest & ~tomorrow] * scale)


def test_bad_inputs_are_one_line_errors():
    fc = _forecast()
    with pytest.raises(InputError, match="inside the forecast"):
        reforecast(fc, _actuals(fc, NOW), pd.Timestamp("2027-01-01 10:00", tz=TZ))
    late = _actuals(fc, pd.Timestamp("2026-12-07 13:00", tz=TZ))
    with pytest.raises(InputError, match="ended by now"):
        reforecast(fc, late, NOW)
    with pytest.raises(InputError, match="channel of the forecast"):
        reforecast(fc, _actuals(fc, NOW).assign(channel="chat"), NOW)


def test_learned_weights_shrink_less_for_level_shifts():
    rng = np.random.default_rng(0)
    rows = []
    for d in pd.date_range("2026-01-05", periods=70, freq="D", tz=TZ):
        if d.weekday() >= 5:
            continue
        level = rng.choice([0.7, 1.0, 1.4])
        for s in pd.date_range(d + pd.Timedelta(hours=8), periods=20, freq="30min"):
            rows.append(("voice", s, float(rng.poisson(60 * level)), 300.0))
    history = pd.DataFrame(rows, columns=["channel", "interval_start", "volume", "aht_seconds"])
    w = learn_update_weights(history, test_days=30)
    assert w.level_prior_contacts <= 5 * 60  # strong day-level swings: trust actuals early


def test_past_intervals_without_actuals_are_marked_and_kept():
    fc = _forecast()
    actuals = _actuals(fc, NOW).iloc[2:]  # 08:00 and 08:30 not reported
    out = reforecast(fc, actuals, NOW)
    assert list(out["model"][:2]) == ["profile+unobserved"] * 2
    np.testing.assert_allclose(out["volume"][:2], fc["volume"][:2])
    assert (out["model"][2:8] == ACTUAL).all()


def test_learning_against_given_forecasts_trusts_a_forecast_that_is_right():
    rng = np.random.default_rng(1)
    fc = _forecast(days=10, level=80.0)
    truth = fc.assign(volume=rng.poisson(fc["volume"]).astype(float))
    # the forecasts are the true rate: any ratio drawn from today's noise can only hurt
    w = learn_update_weights(truth, forecasts=fc)
    assert w.level_prior_contacts >= 20 * 80 and w.recent_weight == 0.0

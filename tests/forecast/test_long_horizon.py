"""The long-horizon daily forecast: growth, yearly season, a moving holiday and waves learned
from a generated history and carried a year ahead; the horizon check; the references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from staffcast.errors import InputError
from staffcast.forecast.long_horizon import (
    LongHorizonModel,
    check_long_horizon,
    daily_history,
    month_weekday_index,
    same_week_last_year,
)

TZ = "Asia/Shanghai"
FESTIVAL = {2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06"}


def _events(waves: list[tuple[str, str, float]]) -> pd.DataFrame:
    rows = [("Spring Festival", "holiday", day, 7, None) for day in FESTIVAL.values()]
    rows += [(f"wave {i}", "migration", day, 4, size) for i, (day, _, size) in enumerate(waves)]
    starts = [pd.Timestamp(r[2], tz=TZ) for r in rows]
    return pd.DataFrame({"name": [r[0] for r in rows], "kind": [r[1] for r in rows], "start": starts,
                         "end": [s + pd.Timedelta(days=r[3]) for s, r in zip(starts, rows, strict=True)],
                         "channels": [("*",) for _ in rows], "size": [np.nan if r[4] is None else r[4] for r in rows]})


def _truth(days: pd.DatetimeIndex, events: pd.DataFrame) -> np.ndarray:
    years = (days - pd.Timestamp("2024-01-01")).days / 365.25
    level = 400 * 1.15 ** years * (1 + 0.10 * np.cos(2 * np.pi * days.day_of_year / 365.25))
    level = level * np.where(days.day_of_week >= 5, 0.5, 1.0)
    for ev in events.itertuples():
        span = pd.date_range(ev.start.tz_localize(None), ev.end.tz_localize(None) - pd.Timedelta(days=1))
        hit = days.isin(span)
        level = level * np.where(hit, 0.4 if ev.kind == "holiday" else 1 + 0.5 * (ev.size / 10_000) ** 0.8, 1.0)
    return np.asarray(level, dtype=float)


def _daily(days: pd.DatetimeIndex, events: pd.DataFrame, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"channel": "voice", "day": days, "volume": rng.poisson(_truth(days, events)),
                         "aht_seconds": 300.0})


def test_learns_growth_season_moving_holiday_and_waves_a_year_ahead():
    events = _events([("2024-05-06", "", 10_000), ("2025-03-03", "", 20_000), ("2025-09-08", "", 5_000),
                      ("2026-06-01", "", 15_000)])
    history = pd.date_range("2024-01-01", "2025-12-31")
    model = LongHorizonModel().fit(_daily(history, events), events)
    future = pd.date_range("2026-01-01", "2026-12-27")
    pred = model.predict(future)["volume"].to_numpy()
    truth = _truth(future, events)
    assert np.abs(pred - truth).sum() / truth.sum() < 0.03  # only sampling noise and a little fit error
    festival = future.isin(pd.date_range("2026-02-17", "2026-02-23"))
    assert pred[festival].mean() / truth[festival].mean() == pytest.approx(1, abs=0.06)  # the moved holiday
    wave = future.isin(pd.date_range("2026-06-01", "2026-06-04"))
    assert pred[wave].mean() / truth[wave].mean() == pytest.approx(1, abs=0.15)  # a size between those seen
    assert not model.notes


def test_beats_both_references_on_a_year_with_a_moved_festival():
    events = _events([])
    history = pd.date_range("2024-01-01", "2025-12-31")
    daily = _daily(history, events)
    future = pd.date_range("2026-01-05", "2026-06-28")
    truth = _truth(future, events)

    def wape(frame):
        return np.abs(frame["volume"].to_numpy() - truth).sum() / truth.sum()

    ours = wape(LongHorizonModel().fit(daily, events).predict(future))
    assert ours < 0.5 * min(wape(same_week_last_year(daily, future)), wape(month_weekday_index(daily, future)))


def test_under_a_year_says_so_and_horizon_checked():
    events = _events([])
    daily = _daily(pd.date_range("2025-06-02", "2025-12-28"), events)
    model = LongHorizonModel().fit(daily, events)
    assert model.notes and "under a year" in model.notes[0]
    check_long_horizon(daily, 26, source="history.csv")
    check_long_horizon(daily, 30, source="history.csv")  # 30 weeks of history
    with pytest.raises(InputError, match="31-week horizon is longer than the history supports"):
        check_long_horizon(daily, 31, source="history.csv")
    with pytest.raises(InputError, match="--weeks must be 1-52"):
        check_long_horizon(daily, 60)


def test_daily_history_weights_aht_by_contacts():
    stamps = pd.to_datetime(["2026-12-07 08:00", "2026-12-07 08:30", "2026-12-08 08:00"]).tz_localize(TZ)
    frame = pd.DataFrame({"channel": "voice", "interval_start": stamps, "volume": [10, 30, 0],
                          "aht_seconds": [100.0, 200.0, np.nan]})
    daily = daily_history(frame)
    assert daily["volume"].tolist() == [40, 0]
    assert daily["aht_seconds"].iloc[0] == pytest.approx(175.0) and np.isnan(daily["aht_seconds"].iloc[1])


def test_interval_band_covers_about_80_percent_on_a_sample_backtest():
    from sample_paths import SAMPLE_DIR

    from staffcast.forecast.data import load_events, load_history
    from staffcast.forecast.long_horizon import interval_forecast

    loaded = load_history(SAMPLE_DIR / "history.parquet", TZ, 30)
    calendar = load_events(SAMPLE_DIR / "events.csv", TZ, loaded.channels)
    frame = loaded.frame
    daily = daily_history(frame)
    cut = daily["day"].max() - pd.Timedelta(weeks=13)
    before = frame[frame["interval_start"].dt.tz_convert(TZ).dt.tz_localize(None) < cut + pd.Timedelta(days=1)]
    days = pd.date_range(cut + pd.Timedelta(days=1), daily["day"].max())
    model = LongHorizonModel().fit(daily[daily["day"] <= cut], calendar)
    predicted = model.predict(days)
    assert (predicted["day_cv"] > 0.03).all() and (predicted["day_cv"] < 0.3).all()
    forecast = interval_forecast(before, predicted, 30, TZ)
    assert (forecast["volume_lo"] <= forecast["volume"]).all() and (forecast["volume"] <= forecast["volume_hi"]).all()
    busy = forecast["volume"] > 1
    assert (forecast.loc[busy, "volume_hi"] - forecast.loc[busy, "volume_lo"] > 1).all()
    joined = forecast.merge(frame[["channel", "interval_start", "volume"]], on=["channel", "interval_start"],
                            suffixes=("", "_actual"))
    assert len(joined) > 0.95 * len(forecast)
    inside = joined["volume_actual"].between(joined["volume_lo"], joined["volume_hi"])
    assert inside.mean() == pytest.approx(0.80, abs=0.04)
    assert inside.groupby(joined["channel"]).mean().between(0.72, 0.88).all()
    without_day_spread = interval_forecast(before, predicted.drop(columns="day_cv"), 30, TZ)
    narrower = joined[["channel", "interval_start"]].merge(without_day_spread, on=["channel", "interval_start"])
    assert (narrower["volume_hi"] - narrower["volume_lo"]).sum() < (joined["volume_hi"] - joined["volume_lo"]).sum()

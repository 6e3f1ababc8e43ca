"""Target shares read off coverage and simulation frames; the backtest table."""

from __future__ import annotations

import pandas as pd
import pytest

from staffcast.scheduler.roster.results.summary import coverage_summary, interval_targets, target_share


def small_coverage(tz="Asia/Shanghai"):
    t0 = pd.Timestamp("2026-12-07 08:00", tz=tz)
    rows = []
    #            08:00 08:30 09:00 09:30 10:00 10:30
    required = [3, 3, 4, 4, 2, 2]
    scheduled = [3, 2, 2, 4, 1, 2]
    for k, (r, s) in enumerate(zip(required, scheduled, strict=True)):
        rows.append({"channel": "voice", "interval_start": t0 + pd.Timedelta(minutes=30 * k),
                     "required": r, "scheduled": s, "service_level": 0.9 if s >= r else 0.5})
        rows.append({"channel": "email", "interval_start": t0 + pd.Timedelta(minutes=30 * k),
                     "required": 1 if k < 5 else 0, "scheduled": 1, "service_level": 1.0})
    # a short stretch across midnight on chat
    for stamp in pd.date_range("2026-12-07 23:00", periods=3, freq="30min", tz=tz):
        rows.append({"channel": "chat", "interval_start": stamp, "required": 2, "scheduled": 1,
                     "service_level": 0.4})
    return pd.DataFrame(rows)


def test_target_share(config):
    shares = target_share(small_coverage(), config)
    # voice: 3 of 6 intervals at or above 0.8; chat: 0 of 3; email (deferred): 5 of 5 with demand
    assert shares == pytest.approx({"voice": 0.5, "chat": 0.0, "email": 1.0})
    sim = small_coverage()[["channel", "interval_start"]].assign(sim_service_level=0.8)
    sim.loc[sim.index[-1], "sim_service_level"] = float("nan")  # no contacts: not counted
    # deferred email needs every contact answered by its deadline (service level 1)
    assert target_share(sim, config) == {"voice": 1.0, "chat": 1.0, "email": 0.0}
    staff_only = small_coverage().drop(columns="service_level")
    assert target_share(staff_only, config) == pytest.approx({"voice": 0.5, "chat": 0.0, "email": 1.0})


def test_cli_summary_and_report_share_one_definition_of_target(config):
    frame = small_coverage()
    summary = coverage_summary(frame, config).set_index("channel")
    assert summary["share_meeting_target"].to_dict() == pytest.approx(target_share(frame, config))
    # an interval outside the week or the channel's open hours is never counted
    late = frame.assign(interval_start=frame["interval_start"] - pd.Timedelta(days=7))
    assert not interval_targets(late, config)["counted"].any()
    assert summary.loc["voice", "open_intervals"] == 6 and summary.loc["voice", "under_agent_hours"] == 2.0


def test_backtest_table(backtest):
    from staffcast.report import backtest_table

    table = backtest_table(backtest)
    assert table.columns.tolist() == ["channel", "model", "folds", "wape", "mase", "bias", "event_wape",
                                      "coverage80", "floor_ratio"]
    assert table["channel"].tolist() == ["chat", "chat", "email", "email", "voice", "voice"]
    assert table["model"].tolist()[:2] == ["ets_events", "seasonal_naive"]  # best WAPE first
    voice = table[(table["channel"] == "voice") & (table["model"] == "ets_events")].iloc[0]
    assert voice["folds"] == 3 and voice["wape"] == pytest.approx((0.12 + 0.13 + 0.14) / 3)

"""The requirements frame, what-if knobs, concurrency and projected service level."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from staffing_testdata import load_planning, make_forecast

from staffcast.config import StaffingConfig
from staffcast.scheduler.staffing.erlang import required_agents
from staffcast.scheduler.staffing.erlang_a import erlang_a
from staffcast.scheduler.staffing.requirements import (
    COLUMNS,
    projected_service_level,
    queue_performance,
    requirements,
    requirements_summary,
)


@pytest.fixture
def planning(tmp_path):
    # these tests check the per-interval Erlang maths, method "sipp"; the time-varying
    # methods (and the default, "mol") are tested in test_time_varying.py
    return dataclasses.replace(load_planning(tmp_path), staffing=StaffingConfig("sipp"))


@pytest.fixture
def forecast_factory():
    return make_forecast



def _single(channel="voice", volume=100.0, aht=180.0, minutes=30):
    return pd.DataFrame({"channel": [channel], "interval_start": [pd.Timestamp("2026-12-07 10:00", tz="Asia/Shanghai")],
                         "volume": [volume], "volume_lo": [volume * 0.8], "volume_hi": [volume * 1.2],
                         "aht_seconds": [aht], "model": ["test"]})


def _erlang_c_voice(planning):
    voice = dataclasses.replace(planning.channel("voice"), patience_seconds=None, max_occupancy=None)
    channels = tuple(voice if c.name == "voice" else c for c in planning.channels)
    return dataclasses.replace(planning, channels=channels)


def test_reference_example_through_the_frame(planning):
    req = requirements(_single(), _erlang_c_voice(planning))
    row = req.iloc[0]
    assert list(req.columns) == list(COLUMNS)
    assert (row.agents, row.staff) == (14, 20)
    assert row.service_level == pytest.approx(0.88835, abs=5e-6)
    assert row.asa_seconds == pytest.approx(7.84, abs=5e-3)
    assert row.occupancy == pytest.approx(0.714, abs=5e-4)
    assert row.backlog == 0 and row.abandon_rate == 0


def test_erlang_a_channel_needs_fewer_agents_and_reports_abandonment(planning):
    with_patience = requirements(_single(), planning).iloc[0]  # voice: patience 180 s, max occ 0.85
    assert with_patience.agents <= 14
    assert with_patience.service_level >= 0.8 and with_patience.occupancy <= 0.85
    exact = erlang_a(with_patience.agents, 10.0, 180.0, 180.0, 20.0)
    assert with_patience.abandon_rate == pytest.approx(float(exact.abandon_rate[0]))
    assert 0 < with_patience.abandon_rate < 0.1
    assert float(erlang_a(with_patience.agents - 1, 10.0, 180.0, 180.0, 20.0).service_level[0]) < 0.8


def test_frame_matches_forecast_rows_and_targets(planning, forecast_factory):
    forecast = forecast_factory(days=2)
    req = requirements(forecast, planning)
    assert len(req) == len(forecast)
    assert (req["channel"] == forecast["channel"]).all()
    assert (req["interval_start"] == forecast["interval_start"]).all()
    assert str(req["interval_start"].dt.tz) == "Asia/Shanghai"
    queue = req[req["channel"].isin(["voice", "chat"]) & (req["volume"] > 0)]
    assert (queue["service_level"] >= 0.8).all()
    assert (req.loc[req["channel"] == "voice", "occupancy"] <= 0.85 + 1e-9).all()
    shrink = 0.30
    assert (req["staff"] == np.ceil(req["agents"] / (1 - shrink) - 1e-9)).all()
    assert (req.loc[req["volume"] == 0, "agents"] == 0).all()
    deferred = req[req["channel"].isin(["email", "social"])]
    assert deferred["service_level"].min() == pytest.approx(1.0)
    assert deferred["backlog"].max() > 0
    closed = (deferred["interval_start"].dt.hour < 8) | (deferred["interval_start"].dt.hour >= 22)
    assert (deferred.loc[closed, "agents"] == 0).all()


def test_what_if_knobs(planning, forecast_factory):
    forecast = forecast_factory(days=1)
    base = requirements(forecast, planning)
    hi = requirements(forecast, planning, staff_to="volume_hi")
    more = requirements(forecast, planning, volume_multiplier=1.3)
    longer = requirements(forecast, planning, aht_multiplier=1.2)
    bot = requirements(forecast, planning, deflection={"chat": 0.4})
    for other in (hi, more, longer):
        assert other["agents"].sum() > base["agents"].sum()
        queue = base["channel"].isin(["voice", "chat"])
        assert (other.loc[queue, "agents"] >= base.loc[queue, "agents"]).all()
    chat = base["channel"] == "chat"
    assert np.allclose(bot.loc[chat, "volume"], base.loc[chat, "volume"] * 0.6)
    assert bot.loc[chat, "agents"].sum() < base.loc[chat, "agents"].sum()
    assert (bot.loc[~chat, "agents"] == base.loc[~chat, "agents"]).all()
    with pytest.raises(ValueError, match="deflection"):
        requirements(forecast, planning, deflection={"fax": 0.1})
    with pytest.raises(ValueError, match="staff_to"):
        requirements(forecast, planning, staff_to="volume_lo")


def test_chat_concurrency_model(planning):
    # chat: concurrency 2, slowdown 0.25 -> handle time 420 * 1.25 s on 2 slots per agent.
    req = requirements(_single("chat", 80.0, 420.0), planning).iloc[0]
    load = 80 * 420 * 1.25 / 1800
    slots = int(required_agents(load, 420 * 1.25, service_level_target=0.8, answer_seconds=60)[0])
    assert req.agents == -(-slots // 2)
    assert req.occupancy == pytest.approx(load / (2 * req.agents))
    single = dataclasses.replace(planning.channel("chat"), concurrency=1, concurrency_slowdown=0.0)
    alone = int(required_agents(80 * 420 / 1800, 420, service_level_target=0.8, answer_seconds=60)[0])
    assert req.agents < alone  # two chats at once beat one, even 25% slower
    assert single.concurrency == 1


def test_projected_service_level_agrees_with_requirements(planning, forecast_factory):
    forecast = forecast_factory(days=2)
    req = requirements(forecast, planning)
    for channel in planning.channels:
        part = req[req["channel"] == channel.name]
        sl = projected_service_level(channel, part["interval_start"], part["volume"].to_numpy(),
                                     part["aht_seconds"].to_numpy(), part["agents"].to_numpy(), 30)
        assert np.allclose(sl, part["service_level"].to_numpy(), atol=1e-9)
        fewer = projected_service_level(channel, part["interval_start"], part["volume"].to_numpy(),
                                        part["aht_seconds"].to_numpy(), np.maximum(part["agents"] - 1, 0), 30)
        busy = part["agents"].to_numpy() > 1
        assert np.all(fewer <= sl + 1e-12)
        assert fewer[busy].mean() < sl[busy].mean()
    # scheduled staff less shrinkage may be fractional: a fraction of an agent does not count
    voice = planning.channel("voice")
    one = _single()
    a = projected_service_level(voice, one["interval_start"], one["volume"].to_numpy(), one["aht_seconds"].to_numpy(),
                                np.array([13.7]), 30)
    b = projected_service_level(voice, one["interval_start"], one["volume"].to_numpy(), one["aht_seconds"].to_numpy(),
                                np.array([13.0]), 30)
    assert a == pytest.approx(b)


def test_asa_target_and_occupancy_cap_bind(planning):
    voice = dataclasses.replace(planning.channel("voice"), patience_seconds=None, max_occupancy=None,
                                asa_seconds=3.0)
    config = dataclasses.replace(planning, channels=(voice,))
    row = requirements(_single(), config).iloc[0]
    assert row.asa_seconds <= 3.0 and row.agents > 14  # the ASA target needs more than the SL target
    one_less = queue_performance(voice, np.array([100.0]), np.array([180.0]), np.array([row.agents - 1]), 30)
    assert one_less["asa_seconds"][0] > 3.0
    capped = dataclasses.replace(voice, asa_seconds=None, max_occupancy=0.6)
    row = requirements(_single(), dataclasses.replace(planning, channels=(capped,))).iloc[0]
    assert row.agents == 17 and row.occupancy <= 0.6  # ceil(10 / 0.6)


def test_requirements_summary(planning):
    forecast = make_forecast(days=1)
    req = requirements(forecast, planning)
    summary = requirements_summary(req, planning).set_index("channel")
    voice = req[req["channel"] == "voice"]
    assert summary.loc["voice", "peak_staff"] == voice["staff"].max()
    assert summary.loc["voice", "agent_hours"] == pytest.approx(voice["agents"].sum() * 0.5)
    assert summary.loc["email", "kind"] == "deferred" and summary.loc["email", "max_backlog"] > 0
    assert summary.loc["voice", "service_level"] >= 0.8

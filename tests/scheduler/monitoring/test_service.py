"""Achieved service from contact-level waits against a hand count; the explanation of a
shortfall names the cause that was planted."""

import numpy as np
import pandas as pd
import pytest

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.forecast.data import load_actuals
from staffcast.scheduler.monitoring.service import achieved_service, explain_service
from tests.helpers.planning_config import write_planning

CONTACTS = """channel,arrived_at,handle_seconds,wait_seconds,abandoned
voice,2026-12-07 08:01:00,200,5,false
voice,2026-12-07 08:10:00,300,20,false
voice,2026-12-07 08:12:00,,40,true
voice,2026-12-07 08:29:59,250,21,false
voice,2026-12-07 09:05:00,100,0,false
chat,2026-12-07 08:20:00,400,61,false
"""


@pytest.fixture()
def setup(tmp_path):
    cfg = load_config(write_planning(tmp_path), needs=())
    path = tmp_path / "actuals.csv"
    path.write_text(CONTACTS)
    now = pd.Timestamp("2026-12-07 09:30", tz=cfg.timezone)
    actuals = load_actuals(path, cfg.timezone, cfg.interval_minutes, channels=cfg.channel_names, now=now)
    return cfg, actuals, path, now


def test_service_level_asa_abandons_match_a_hand_count(setup):
    cfg, actuals, _, _ = setup
    out = achieved_service(actuals.contacts, cfg).set_index(["channel", "interval_start"])
    first = out.loc[("voice", pd.Timestamp("2026-12-07 08:00", tz=cfg.timezone))]
    # 4 offered; within 20 s: 5 and 20 (21 misses, the abandon misses)
    assert first["offered"] == 4 and first["answered"] == 3 and first["abandoned"] == 1
    assert first["service_level"] == pytest.approx(2 / 4)
    assert first["asa_seconds"] == pytest.approx((5 + 20 + 21) / 3)
    assert first["abandon_rate"] == pytest.approx(0.25)
    assert first["aht_seconds"] == pytest.approx(250.0)
    chat = out.loc[("chat", pd.Timestamp("2026-12-07 08:00", tz=cfg.timezone))]
    assert chat["service_level"] == 0.0  # 61 s > answer_seconds 60
    # the interval loader counts every offered contact and zero-fills quiet intervals to now
    frame = actuals.frame.set_index(["channel", "interval_start"])
    assert frame.loc[("voice", pd.Timestamp("2026-12-07 08:00", tz=cfg.timezone)), "volume"] == 4
    assert frame.loc[("voice", pd.Timestamp("2026-12-07 08:30", tz=cfg.timezone)), "volume"] == 0


def test_contacts_after_now_are_a_one_line_error(setup):
    cfg, _, path, _ = setup
    with pytest.raises(InputError, match=r"actuals.csv row 6, column arrived_at: expected actuals before now"):
        load_actuals(path, cfg.timezone, cfg.interval_minutes, channels=cfg.channel_names,
                     now=pd.Timestamp("2026-12-07 09:00", tz=cfg.timezone))


def test_explanation_names_volume_above_forecast_and_fewer_staff(tmp_path):
    cfg = load_config(write_planning(tmp_path), needs=())
    starts = pd.date_range("2026-12-07 10:00", periods=2, freq="30min", tz=cfg.timezone)
    service = pd.DataFrame({"channel": "voice", "interval_start": starts, "offered": [140.0, 100.0],
                            "service_level": [0.3, 0.5], "aht_seconds": [300.0, 300.0],
                            "forecast_volume": [100.0, 100.0], "forecast_aht_seconds": [300.0, 300.0],
                            "scheduled": [30.0, 30.0]})
    out = explain_service(service, cfg, actual_scheduled=pd.Series([30.0, 22.0]))
    assert list(out["main_cause"]) == ["volume above forecast", "fewer staff than planned"]
    assert out["volume_effect"].iloc[0] < 0 and out["volume_effect"].iloc[1] == pytest.approx(0)
    assert out["staff_effect"].iloc[0] == pytest.approx(0) and out["staff_effect"].iloc[1] < 0
    total = out[["volume_effect", "aht_effect", "staff_effect", "other_effect"]].sum(axis=1)
    np.testing.assert_allclose(out["planned_service_level"] + total, out["achieved_service_level"])

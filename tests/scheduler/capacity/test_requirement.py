"""Weekly FTE from interval staffing: staff-hours per Monday week, shared by heads."""

from __future__ import annotations

import pandas as pd
import pytest
from planning_config import planning_toml

from staffcast.config import load_config


def test_staff_hours_per_week_shared_by_heads(tmp_path):
    from staffcast.scheduler.capacity.requirement import weekly_fte

    path = tmp_path / "planning.toml"
    path.write_text(planning_toml(capacity={"productive_hours_per_fte_week": 32}), encoding="utf-8")
    cfg = load_config(path, needs=())
    stamps = pd.date_range("2026-12-06 23:00", periods=4, freq="30min", tz="Asia/Shanghai")  # Sun 23:00..Mon 00:30
    req = pd.DataFrame({"channel": ["voice"] * 4 + ["email"] * 4, "interval_start": list(stamps) * 2,
                        "staff": [64, 64, 32, 32, 16, 16, 16, 16]})
    out = weekly_fte(req, cfg, {"voice": 30, "voice;email": 10})
    got = out.set_index(["week_start", "skill"])["fte_required"]
    sun, mon = pd.Timestamp("2026-11-30"), pd.Timestamp("2026-12-07")
    assert got[(sun, "voice")] == pytest.approx(64 * 0.75 / 32)  # 64 staff-hours on Sunday, 3/4 to voice
    assert got[(sun, "voice;email")] == pytest.approx((64 * 0.25 + 16) / 32)
    assert got[(mon, "voice")] == pytest.approx(32 * 0.75 / 32)
    assert got[(mon, "voice;email")] == pytest.approx((32 * 0.25 + 16) / 32)

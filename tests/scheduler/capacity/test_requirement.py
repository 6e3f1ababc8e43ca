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
    out = weekly_fte(req, cfg, {"voice": {"voice": 30}, "voice;email": {"voice": 10, "email": 10}})
    got = out.set_index(["week_start", "skill"])["fte_required"]
    sun, mon = pd.Timestamp("2026-11-30"), pd.Timestamp("2026-12-07")
    assert got[(sun, "voice")] == pytest.approx(64 * 0.75 / 32)  # 64 staff-hours on Sunday, 3/4 to voice
    assert got[(sun, "voice;email")] == pytest.approx((64 * 0.25 + 16) / 32)
    assert got[(mon, "voice")] == pytest.approx(32 * 0.75 / 32)
    assert got[(mon, "voice;email")] == pytest.approx((32 * 0.25 + 16) / 32)


def test_skill_column_groups_share_by_heads_able_to_work_the_channel(tmp_path):
    from staffcast.scheduler.capacity.inputs import channel_heads_by_skill, heads_by_skill
    from staffcast.scheduler.capacity.requirement import weekly_fte
    from staffcast.scheduler.inputs.agents import load_agents

    path = tmp_path / "planning.toml"
    path.write_text(planning_toml(capacity={"productive_hours_per_fte_week": 40}), encoding="utf-8")
    cfg = load_config(path, needs=())
    agents = tmp_path / "agents.csv"
    rows = ["agent_id,name,channels,min_hours_week,max_hours_week,skill"]
    rows += [f"V{i},Zoë {i},voice,30,40,Première ligne" for i in range(3)]
    rows += ["M1,Ana,voice;email,30,40,Première ligne"]
    rows += [f"E{i},Bo {i},email,30,40,back office" for i in range(2)]
    agents.write_text("\n".join(rows) + "\n", encoding="utf-8")
    staff = load_agents(agents, cfg)
    assert heads_by_skill(staff, cfg) == {"Première ligne": 4, "back office": 2}
    heads = channel_heads_by_skill(staff, cfg)
    assert heads == {"Première ligne": {"voice": 4.0, "email": 1.0}, "back office": {"email": 2.0}}
    stamps = pd.date_range("2026-12-07 09:00", periods=2, freq="30min", tz="Asia/Shanghai")
    req = pd.DataFrame({"channel": ["voice"] * 2 + ["email"] * 2, "interval_start": list(stamps) * 2,
                        "staff": [40, 40, 30, 30]})
    got = weekly_fte(req, cfg, heads).set_index("skill")["fte_required"]
    assert got["Première ligne"] == pytest.approx((40 + 30 / 3) / 40)  # all voice, a third of email
    assert got["back office"] == pytest.approx(30 * 2 / 3 / 40)

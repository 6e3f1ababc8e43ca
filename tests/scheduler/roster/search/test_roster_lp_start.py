"""The LP-guided starting roster (`staffcast.scheduler.roster.search.lp_start`) on small real instances:
classes, the stable-start LP against the per-agent bound, rounded weeks under every hard
rule, and lunches/channels that fit the shifts."""

import time
from collections import Counter

import numpy as np
import pytest
from roster_cases import CHAT, EMAIL, VOICE, agent, config, demand, solve

from staffcast.scheduler.roster.model.instance import build_instance
from staffcast.scheduler.roster.search import lp_start as roster_lp_start
from staffcast.scheduler.roster.search.lower_bound import lp_lower_bound
from staffcast.scheduler.roster.search.lp_start import (
    agent_classes,
    assign_group,
    assign_starts,
    class_lp,
    contract_week,
    cover_for,
    lp_start,
)

STARTS = ("07:00", "08:00", "09:00", "11:00", "13:00", "15:00")


def case():
    cfg = config(channels=(VOICE, CHAT, EMAIL), lengths=(8.0, 9.0), starts=STARTS, break_minutes=60)
    agents = [agent(f"V{i}", ("voice",), 32.0, 40.0, cost=10.0 + i % 3) for i in range(6)]
    agents += [agent(f"M{i}", ("voice", "chat"), 32.0, 45.0, cost=11.0) for i in range(5)]
    agents += [agent(f"E{i}", ("email", "chat"), 16.0, 27.0, cost=9.0, off_days=(6,)) for i in range(3)]
    blocks = [("voice", d, "08:00", "20:00", 3 if d < 5 else 2) for d in range(7)]
    blocks += [("voice", d, "10:00", "13:00", 2) for d in range(5)]
    blocks += [("chat", d, "09:00", "21:00", 2) for d in range(7)]
    blocks += [("email", d, "09:00", "17:00", 1) for d in range(6)]
    return cfg, tuple(agents), demand(*blocks)


def test_classes_gather_interchangeable_agents():
    cfg, agents, req = case()
    classes = agent_classes(build_instance(req, agents, cfg))
    sizes = sorted(len(c.members) for c in classes)
    # voice agents differ in cost only (one class), voice+chat alike, email agents alike
    assert sizes == [3, 5, 6]
    voice = next(c for c in classes if len(c.members) == 6)
    costs = [agents[a].cost_per_hour for a in voice.members]
    assert costs == sorted(costs)  # cheapest first


def test_stable_start_lp_is_no_lower_than_the_per_agent_bound():
    cfg, agents, req = case()
    inst = build_instance(req, agents, cfg)
    classes = agent_classes(inst)
    plan = class_lp(inst, classes)
    bound = lp_lower_bound(inst)
    for k, cls in enumerate(classes):
        here = sum(v for (k2, _), v in plan.agents.items() if k2 == k)
        assert here == pytest.approx(len(cls.members))
    # one start per agent restricts the per-agent relaxation: the plan costs at least the bound
    assert plan.shifts and bound > 0
    result = solve(req, agents, cfg, time_limit_seconds=5.0)
    assert bound <= result.objective + 1e-6


def test_rounded_weeks_keep_one_start_and_every_contract():
    cfg, agents, req = case()
    inst = build_instance(req, agents, cfg)
    start = lp_start(inst, 3.0, seed=0, deadline=time.perf_counter() + 60)
    assert start is not None
    assert_legal_weeks(inst, agents, cfg, start.shift_of)


def assert_legal_weeks(inst, agents, cfg, shift_of):
    per_agent: dict[int, list[int]] = {}
    for a, s in shift_of:
        per_agent.setdefault(a, []).append(s)
    for a, agent_ in enumerate(agents):
        mine = per_agent.get(a, [])
        assert len({inst.shifts[s].start_minute for s in mine}) <= 1  # stable start
        assert len({inst.shifts[s].day for s in mine}) == len(mine)  # one shift a day
        assert len(mine) <= cfg.rules.max_days_per_week
        hours = sum(inst.shifts[s].hours for s in mine)
        assert agent_.min_hours_week - 1e-9 <= hours <= agent_.max_hours_week + 1e-9
        assert all(s in inst.allowed[a] for s in mine)  # availability (Sunday off for email agents)


def test_a_group_rounded_in_parts_keeps_the_rules_and_follows_the_lp(monkeypatch):
    cfg, agents, req = case()
    inst = build_instance(req, agents, cfg)
    classes = agent_classes(inst)
    plan = class_lp(inst, classes)
    start_of = assign_starts(inst, classes, plan)

    def miss(weeks, g) -> float:
        """Agent-intervals between the group's on-shift profile and the LP's."""
        profile = np.zeros(inst.horizon.n_intervals)
        for _a, s in weeks:
            profile[inst.shifts[s].start:inst.shifts[s].end] += 1
        for (k, s), n in plan.shifts.items():
            if classes[k].group == g:
                profile[inst.shifts[s].start:inst.shifts[s].end] -= n
        return float(np.abs(profile).sum())

    groups = sorted({c.group for c in classes})
    whole = {g: assign_group(inst, classes, g, start_of, plan, 2.0, 0, time.perf_counter() + 60) for g in groups}
    monkeypatch.setattr(roster_lp_start, "CHUNK", 2)  # every group in parts of two agents
    parts = {g: assign_group(inst, classes, g, start_of, plan, 2.0, 0, time.perf_counter() + 60) for g in groups}
    assert_legal_weeks(inst, agents, cfg, set().union(*parts.values()))
    for g in groups:
        assert {a for a, _ in parts[g]} == {a for a, _ in whole[g]}  # every member has a week
        # each part makes up what the parts before it missed: close to rounding the group whole
        assert miss(parts[g], g) <= 1.2 * miss(whole[g], g)


def test_lunches_and_channels_fit_the_shifts():
    cfg, agents, req = case()
    inst = build_instance(req, agents, cfg)
    start = lp_start(inst, 3.0, seed=0, deadline=time.perf_counter() + 60)
    counts = Counter((inst.agent_group[a], s) for a, s in start.shift_of)
    lunches = Counter()
    for (g, s, p), n in start.breaks.items():
        assert p in inst.shifts[s].break_starts
        lunches[g, s] += n
    assert lunches == +counts
    working = np.zeros((len(inst.groups), inst.horizon.n_intervals), dtype=int)
    for (g, s), n in counts.items():
        working[g, inst.shifts[s].start:inst.shifts[s].end] += n
    for (g, _s, p), n in start.breaks.items():
        working[g, p:p + 2] -= n  # 60-minute lunch, 30-minute grid
    covering = np.zeros_like(working)
    for (g, c, t), n in start.cover.items():
        assert c in inst.group_channels(g)
        covering[g, t] += n
    assert (covering <= working).all()
    assert cover_for(inst, set()) == ({}, {})


def test_same_seed_same_start():
    cfg, agents, req = case()
    inst = build_instance(req, agents, cfg)
    first = lp_start(inst, 3.0, seed=0, deadline=time.perf_counter() + 60)
    second = lp_start(inst, 3.0, seed=0, deadline=time.perf_counter() + 60)
    assert first.shift_of == second.shift_of and first.breaks == second.breaks and first.cover == second.cover


def test_no_start_after_the_deadline():
    cfg, agents, req = case()
    inst = build_instance(req, agents, cfg)
    assert lp_start(inst, 3.0, seed=0, deadline=time.perf_counter()) is None


@pytest.mark.parametrize(("low", "high", "off", "week"), [
    (36.0, 45.0, (), [9, 9, 9, 9]),  # four 9 h shifts reach 36 h: the fewest days
    (40.0, 45.0, (), [8, 8, 8, 8, 8]),  # five days needed, the shortest shifts reach 40 h
    (18.0, 28.0, (), [9, 9]),  # two days, both lengthened to reach 18 h
    (17.0, 28.0, (0, 2), [9, 8]),  # 17 h: the first open day lengthened, the next kept short
    (44.0, 45.0, (), [9, 9, 9, 9, 8]),  # 44 h: lengthen four of five
    (36.0, 45.0, (2, 3, 4, 5, 6), []),  # only among Monday and Tuesday's shifts: no week
])
def test_contract_week_meets_the_contract_on_the_fewest_days(low, high, off, week):
    cfg = config(lengths=(8.0, 9.0), starts=("08:00",))
    inst = build_instance(demand(("voice", 0, "08:00", "17:00", 1)), (agent("A", low=low, high=high),), cfg)
    options = [s for s in inst.allowed[0] if inst.shifts[s].day not in off]
    chosen = contract_week(inst, 0, options)
    days = sorted(inst.shifts[s].day for s in chosen)
    assert len(days) == len(set(days))  # one shift a day
    assert days == [d for d in range(7) if d not in off][: len(week)]  # earliest open days
    assert [inst.shifts[s].length_minutes // 60 for s in sorted(chosen, key=lambda s: inst.shifts[s].day)] == week

"""The within-group reshuffle (`staffcast.scheduler.roster.search.shuffle`) on small real instances: the
shift counts per skill group never change, every hard rule holds, and the personal part of
the objective - recomputed here from scratch - never rises and falls where it can."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from roster_cases import agent, config, demand

from staffcast.config import WeightsConfig
from staffcast.scheduler.roster.model.instance import build_instance
from staffcast.scheduler.roster.search.shuffle import reshuffle

SOFT = WeightsConfig()  # days off 5, start stability 2, fairness 5; cost 0.05 per currency unit


def instance(agents, starts=("07:00", "15:00")):
    cfg = config(starts=starts, weights=SOFT)
    return build_instance(demand(*[("voice", d, "08:00", "20:00", 1) for d in range(7)]), tuple(agents), cfg)


def shift(inst, day: int, clock: str) -> int:
    minute = int(clock[:2]) * 60 + int(clock[3:])
    return next(s for s, sh in enumerate(inst.shifts) if sh.day == day and sh.start_minute == minute)


def personal_cost(inst, shift_of) -> float:
    """Isolated days off x 5 + extra start times x 2 + fairness excess x 5 + labour x 0.05."""
    total = 0.0
    late, weekend = [], []
    for a, ag in enumerate(inst.agents):
        mine = [s for b, s in shift_of if b == a]
        days = {inst.shifts[s].day for s in mine}
        total += 5 * sum(1 for d in range(1, 6) if d not in days and d - 1 in days and d + 1 in days)
        total += 2 * max(len({inst.shifts[s].start_minute for s in mine}) - 1, 0)
        total += 0.05 * sum(inst.shifts[s].hours * ag.cost_per_hour for s in mine)
        if any(inst.shifts[s].start_minute + inst.shifts[s].length_minutes > 20 * 60 for s in inst.allowed[a]):
            late.append(sum(inst.shifts[s].start_minute + inst.shifts[s].length_minutes > 20 * 60 for s in mine))
        if any(inst.shifts[s].day >= 5 for s in inst.allowed[a]):
            weekend.append(sum(inst.shifts[s].day >= 5 for s in mine))
    for counts in (late, weekend):
        if len(counts) > 1:
            total += 5 * max(max(counts) - min(counts) - 1, 0)
    return total


def assert_hard_rules(inst, shift_of) -> None:
    """One shift a day, max days, contract hours, 11 h rest between consecutive shifts."""
    for a, ag in enumerate(inst.agents):
        mine = sorted((inst.shifts[s] for b, s in shift_of if b == a), key=lambda sh: (sh.day, sh.start))
        assert len({sh.day for sh in mine}) == len(mine) <= inst.config.rules.max_days_per_week
        assert ag.min_hours_week <= sum(sh.hours for sh in mine) <= ag.max_hours_week
        for before, after in zip(mine, mine[1:], strict=False):
            assert (after.start - before.end) * 30 >= 11 * 60
        assert all(s in inst.allowed[a] for b, s in shift_of if b == a)


def counts(shift_of) -> Counter:
    return Counter(s for _, s in shift_of)


def test_isolated_days_off_are_dealt_into_blocks():
    inst = instance([agent("A", low=24, high=24), agent("B", low=24, high=24)])
    # A works Mon, Wed, Fri and B Tue, Thu, Sat: four isolated days off between them
    dealt = {(0, shift(inst, d, "07:00")) for d in (0, 2, 4)} | {(1, shift(inst, d, "07:00")) for d in (1, 3, 5)}
    assert personal_cost(inst, dealt) == pytest.approx(4 * 5 + 0.05 * 48 * 10)
    better, _ = reshuffle(inst, dealt, 10.0, seed=0)
    assert counts(better) == counts(dealt)
    assert_hard_rules(inst, better)
    assert personal_cost(inst, better) == pytest.approx(0.05 * 48 * 10)  # days off in blocks, labour unchanged


def test_cheaper_agents_take_the_hours_their_contracts_allow():
    inst = instance([agent("cheap", low=0, high=40, cost=10.0), agent("dear", low=16, high=40, cost=20.0)])
    dealt = {(1, shift(inst, d, "07:00")) for d in (0, 1, 2, 3)} | {(0, shift(inst, 4, "07:00"))}
    better, _ = reshuffle(inst, dealt, 10.0, seed=0)
    assert counts(better) == counts(dealt)
    assert_hard_rules(inst, better)
    hours = Counter(inst.agents[a].agent_id for a, _ in better)
    assert hours == {"cheap": 3, "dear": 2}  # dear's 16 h minimum holds; 3 + 2 in a block each
    assert personal_cost(inst, better) == pytest.approx(0.05 * (24 * 10 + 16 * 20))


def test_the_rest_rule_is_kept_when_a_better_deal_would_break_it():
    inst = instance([agent("A", low=16, high=16), agent("B", low=16, high=16)])
    # A: Mon and Wed late, B: Tue and Thu early - an isolated day off each and all late
    # shifts on A. Giving A Mon late + Tue early would rest only 8 h; the deal found must
    # keep 11 h between every pair of shifts and still be better
    dealt = {(0, shift(inst, 0, "15:00")), (0, shift(inst, 2, "15:00")),
             (1, shift(inst, 1, "07:00")), (1, shift(inst, 3, "07:00"))}
    better, _ = reshuffle(inst, dealt, 10.0, seed=0)
    assert counts(better) == counts(dealt)
    assert_hard_rules(inst, better)
    assert personal_cost(inst, better) < personal_cost(inst, dealt)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 6), st.sampled_from(["07:00", "15:00"])),
                min_size=4, max_size=20),
       st.lists(st.sampled_from([10.0, 12.0, 15.0]), min_size=4, max_size=4))
def test_reshuffle_never_worsens_and_keeps_the_shift_counts(picks, rates):
    agents = [agent(f"A{i}", low=0, high=40, cost=rates[i]) for i in range(4)]
    inst = instance(agents)
    dealt: set[tuple[int, int]] = set()
    for a, d, clock in picks:  # a legal deal: one shift a day, at most 5 days, 11 h rest
        mine = {inst.shifts[s].day: inst.shifts[s] for b, s in dealt if b == a}
        s = shift(inst, d, clock)
        sh = inst.shifts[s]
        if d in mine or len(mine) >= 5:
            continue
        if (d - 1 in mine and (sh.start - mine[d - 1].end) * 30 < 660) or \
                (d + 1 in mine and (mine[d + 1].start - sh.end) * 30 < 660):
            continue
        dealt.add((a, s))
    better, _ = reshuffle(inst, dealt, 5.0, seed=1)
    assert counts(better) == counts(dealt)
    assert_hard_rules(inst, better)
    assert personal_cost(inst, better) <= personal_cost(inst, dealt) + 1e-9
    assert reshuffle(inst, dealt, 5.0, seed=1)[0] == better  # deterministic

"""The deterministic LNS (`staffcast.scheduler.roster.search.lns`) on small real CP-SAT models: every
solution it returns satisfies the whole model (re-checked by CP-SAT with every variable
fixed), its objective is the model's objective of those values, it never gets worse,
it repeats, and with one neighbourhood holding every decision it finds the optimum that
CP-SAT proves on the whole model."""

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from staffcast.scheduler.roster.search.hint import complete_solution
from staffcast.scheduler.roster.search.lns import lns

DAYS, OPTIONS = 6, 3


def covering_model(seed: int):
    """A week of shift choices (decisions: at most one option a day, at most four days),
    per-day under-coverage penalties, a carried backlog chain across the days (like a
    deferred channel's work done) and labour costs: (model, decisions, per-day neighbourhoods)."""
    rng = random.Random(seed)
    model = cp_model.CpModel()
    x = [[model.NewBoolVar(f"x_{d}_{k}") for k in range(OPTIONS)] for d in range(DAYS)]
    for day in x:
        model.AddAtMostOne(day)
    model.Add(sum(v for day in x for v in day) <= 4)
    terms = []
    done = 0
    for d, day in enumerate(x):
        hours = [rng.randint(1, 4) for _ in range(OPTIONS)]
        worked = sum(h * v for h, v in zip(hours, day, strict=True))
        under = model.NewIntVar(0, 10, f"under_{d}")
        model.Add(worked + under >= rng.randint(0, 5))
        terms.append(7 * under)
        now = model.NewIntVar(0, 3 * (d + 1), f"done_{d}")  # work done so far, capped by what arrived
        model.Add(now <= done + worked)
        done = now
        behind = model.NewIntVar(0, 20, f"behind_{d}")
        model.Add(done + behind >= 2 * d)
        terms.append(3 * behind)
        terms += [rng.randint(1, 9) * v for v in day]
    model.Minimize(sum(terms))
    decisions = [v for day in x for v in day]
    neighbourhoods = [[d * OPTIONS + k for k in range(OPTIONS)] for d in range(DAYS)]
    return model, decisions, neighbourhoods


def start(model, decisions):
    """The empty week completed into a full solution (every shift off)."""
    found = complete_solution(model, [(v, 0) for v in decisions], [], 5.0, seed=1)
    assert found is not None
    return found


def check(model, values) -> int:
    """Objective of `values` when they satisfy every constraint of `model` (else fail)."""
    fixed = model.clone()
    for i, value in enumerate(values):
        domain = fixed.proto.variables[i].domain
        domain.clear()
        domain.extend([value, value])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(fixed) == cp_model.OPTIMAL, "the LNS returned values that break the model"
    return int(round(solver.ObjectiveValue()))


def run_lns(model, decisions, near, first, dtime=5.0):
    """The LNS with `dtime` deterministic seconds and no wall-clock cap in reach."""
    objective, values, cut = lns(model, decisions, near, first, dtime, seed=3, deadline=time.perf_counter() + 600)
    assert not cut
    return objective, values


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000))
def test_lns_keeps_the_model_and_never_gets_worse(seed):
    model, decisions, near = covering_model(seed)
    first = start(model, decisions)
    objective, values = run_lns(model, decisions, near, first)
    assert check(model, values) == objective
    assert objective <= first[0]
    assert run_lns(model, decisions, near, first) == (objective, values)


def test_lns_work_is_deterministic_and_a_wall_cap_says_it_cut_the_search():
    model, decisions, near = covering_model(7)
    first = start(model, decisions)
    small = run_lns(model, decisions, near, first, dtime=0.05)
    assert run_lns(model, decisions, near, first, dtime=0.05) == small  # the same work, the same result
    objective, values, cut = lns(model, decisions, near, first, 5.0, seed=3, deadline=time.perf_counter())
    assert cut and (objective, values) == (first[0], first[1])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_neighbourhood_of_everything_finds_the_optimum(seed):
    model, decisions, _ = covering_model(seed)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.Solve(model) == cp_model.OPTIMAL
    optimum = int(round(solver.ObjectiveValue()))
    objective, values = run_lns(model, decisions, [list(range(len(decisions)))], start(model, decisions))
    assert objective == optimum
    assert check(model, values) == optimum


def test_day_neighbourhoods_improve_an_empty_week():
    model, decisions, near = covering_model(4)
    first = start(model, decisions)
    objective, values = run_lns(model, decisions, near, first)
    assert objective < first[0]
    assert check(model, values) == objective

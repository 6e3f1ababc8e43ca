"""Coverage part of the roster models: breaks, channel choice and coverage penalties,
given how many agents of each skill group work each shift.

Used by the roster model (`model.build_model`), which hands in `on_shift[g, s]` (an
integer variable: agents of skill group g on shift s) and gets back the break counts, the
channel counts and the penalty terms of under-, over- and idle coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from staffcast.scheduler.roster.model import penalty, rules
from staffcast.scheduler.roster.model.instance import RosterInstance


@dataclass(frozen=True)
class CoverVars:
    """`breaks[g, s, p]`: agents of group g on shift s whose lunch starts at interval p;
    `cover[g, c, t]`: agents of group g covering channel c in interval t (the rest of the
    group's working agents idle); `terms`: coverage penalty terms; `done[c, t]`: work of
    deferred channel c done by the end of its open interval t (agent-intervals)."""

    breaks: dict[tuple[int, int, int], cp_model.IntVar]
    cover: dict[tuple[int, int, int], cp_model.IntVar]
    terms: rules.Terms
    done: dict[tuple[int, int], cp_model.IntVar]


def add_coverage(model: cp_model.CpModel, inst: RosterInstance,
                 on_shift: dict[tuple[int, int], cp_model.IntVar], group_size: list[int]) -> CoverVars:
    """Break placement, one channel per working agent and interval, and the penalties."""
    shifts, n_t = inst.shifts, inst.horizon.n_intervals
    n_groups = len(inst.groups)
    breaks = {}
    for (g, s), count in on_shift.items():
        if shifts[s].break_starts:
            lunches = [model.NewIntVar(0, group_size[g], f"b_{g}_{s}_{p}") for p in shifts[s].break_starts]
            breaks.update({(g, s, p): v for p, v in zip(shifts[s].break_starts, lunches, strict=True)})
            model.Add(sum(lunches) == count)
    working = inst.working(on_shift, breaks)  # agents on shift, not on break
    assignable = inst.assignable | (inst.demand.staff > 0)
    cover = {}
    done = {}
    terms: rules.Terms = []
    for g in range(n_groups):
        for t in range(n_t):
            if not working[g][t]:
                continue
            channels = [c for c in inst.group_channels(g) if assignable[c, t]]
            for c in channels:
                cover[g, c, t] = model.NewIntVar(0, group_size[g], f"y_{g}_{c}_{t}")
            # each working agent covers at most one channel; those covering none idle, which
            # costs as much as over-coverage (the post-pass seats them on a channel anyway)
            covered = sum(cover[g, c, t] for c in channels)
            if channels:
                model.Add(covered <= sum(working[g][t]))
            terms.append((sum(working[g][t]) - covered, inst.over_cost))
    for c, channel in enumerate(inst.config.channels):
        costs = inst.under_costs(c)
        under, over = service_costs(inst, c)
        groups = [g for g in range(n_groups) if c in inst.group_channels(g)]
        upper = sum(group_size[g] for g in groups)
        coverage = [sum(cover[g, c, t] for g in groups if (g, c, t) in cover) for t in range(n_t)]
        for t in range(n_t):
            required = int(inst.demand.staff[c, t])
            if channel.kind != "deferred" or not inst.open[c, t]:
                terms += rules.under_coverage_terms(model, coverage[t], required, under[t], f"{channel.name}_{t}",
                                                    inst.short_interval_cost(c))
            if any((g, c, t) in cover for g in groups):
                terms += rules.over_coverage_terms(model, coverage[t], required, upper, over[t],
                                                  f"{channel.name}_{t}")
        if channel.kind == "deferred":  # its work waits: staff missing now may be made up later
            late = inst.late_cost(c)
            positions, due, arrived = inst.deferred_curves(c)
            late_terms, done_vars = rules.deferred_coverage_terms(model, [coverage[t] for t in positions], due,
                                                                  arrived, late, costs[0], channel.name)
            terms += late_terms
            done.update({(c, t): var for t, var in zip(positions, done_vars, strict=True)})
    return CoverVars(breaks, cover, terms, done)


def service_costs(inst: RosterInstance, c: int) -> tuple[list[tuple[int, ...]], list[int]]:
    """Per interval of channel c: the integer costs of the 1st, 2nd, ... missing agent and
    of one agent above the requirement. Queue channels weigh them by the service an agent
    loses or buys there (`penalty`); deferred channels keep their flat costs."""
    costs, n_t = inst.under_costs(c), inst.horizon.n_intervals
    channel = inst.config.channels[c]
    if channel.kind == "deferred":
        return [costs] * n_t, [inst.over_cost] * n_t
    args = (channel, inst.demand.staff[c], inst.demand.volume[c], inst.demand.aht_seconds[c],
            inst.config.interval_minutes)
    short = penalty.shortfall_factors(*args, slopes=[k / costs[0] for k in costs] if costs[0] else [1.0] * len(costs))
    surplus = penalty.surplus_factors(*args)
    under = [tuple(max(1, int(round(costs[0] * f))) for f in row) for row in short]
    over = [max(1, int(round(inst.over_cost * f))) if inst.over_cost else 0 for f in surplus]
    return under, over

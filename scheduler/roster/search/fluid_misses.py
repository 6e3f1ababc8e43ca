"""A lower bound on the intervals every roster misses when queues carry over.

`short_intervals.short_interval_bound` counts intervals below the plan; an interval at plan
can still miss when the queue left by a short one before it is still waiting. This counts
misses in the fluid model of the same queues: no randomness (contacts arrive evenly, each
takes exactly its handle time), first come first served, the queue carried from interval to
interval while the channel stays open. Randomness only adds waiting on average, so the
fluid model is the most a roster could hope for, and an interval it misses is taken as a
miss (a bound in that model, not in the stochastic simulation).

Per interval t of a counted channel, in agent-seconds of work: `a` the work arriving per
second (volume x handle time / interval length, handle time stretched by concurrency as the
simulation does), `n` the productive servers (the relaxation's coverage x (1 - shrinkage) x
concurrency), `W` the work waiting at the start (from the interval before,
`W' >= W + (a - n) T`, `W' >= 0`). A contact arriving at s waits `Q(s) / n` with
`Q(s) = W + (a - n) s`; the share waiting over the answer time `tau` exceeds `phi = 1 -
target + tolerance` (service level below target - tolerance) unless both
`W - n tau <= phi (n - a) T` (the queue drains fast enough when n > a) and
`W - n tau <= (1 - phi) (n - a) T` (it does not grow too long when n < a), both linear. A
binary `y[c, t]` frees them; SCIP minimises the sum of `y` over the relaxation of the
agents' weeks (`lower_bound.coverage_model`), and its proven bound lower-bounds the fluid
misses of every roster.

Channels with patience (Erlang A) are left out: abandonment shortens the queue, which this
model does not track, so it could overstate their misses. So are targets below 0.5 +
tolerance, where "both" above would have to be "either".
"""

from __future__ import annotations

import time

from ortools.linear_solver import pywraplp

from staffcast.scheduler.roster.model.instance import RosterInstance
from staffcast.scheduler.roster.search.lower_bound import coverage_model
from staffcast.scheduler.roster.search.short_intervals import (
    ShortIntervals,
    channel_indices,
    minimise_count,
    scip_solver,
)


def fluid_miss_bound(inst: RosterInstance, seconds: float = 60.0, channels: tuple[str, ...] | None = None, *,
                     tolerance: float = 0.02, below_plan: bool = False, threads: int = 1) -> ShortIntervals:
    """SCIP's proven bound on the open intervals of `channels` (queue channels; None: all of
    them, counted together) whose service level every roster of these agents leaves below
    target - `tolerance` in the fluid model with the queue carried over, after at most
    `seconds` of wall time. `below_plan`: count an interval below the requirement as well
    (the bound is then on intervals below plan or missed by the fluid queue, at least
    `short_interval_bound`'s count). Channels the fluid model leaves out count only when
    `below_plan`, and then only below plan."""
    started = time.perf_counter()
    solver = scip_solver()
    missing, coverage = coverage_model(solver, inst)
    flags = []
    for c in channel_indices(inst, channels):
        channel = inst.config.channels[c]
        fluid = channel.kind == "queue" and not channel.patience_seconds and channel.service_level - tolerance >= 0.5
        if fluid:
            mine = fluid_misses_of_channel(solver, inst, c, coverage, tolerance)
        elif below_plan:
            mine = {key: solver.BoolVar("") for key in missing if key[0] == c}
        else:
            continue
        if below_plan:
            for key, flag in mine.items():
                solver.Add(missing[key] <= float(inst.demand.staff[key]) * flag)
        flags += list(mine.values())
    return minimise_count(solver, flags, intervals=len(flags), seconds=seconds, threads=threads, started=started)


def fluid_misses_of_channel(solver: pywraplp.Solver, inst: RosterInstance, c: int, coverage: dict,
                            tolerance: float) -> dict:
    """Channel c's binaries `y[c, t]`, one per interval with a requirement (keyed like
    `coverage`): 0 only where the fluid queue, carried over from the interval before while
    the channel is open, meets target - tolerance."""
    channel = inst.config.channels[c]
    interval = inst.config.interval_minutes * 60.0
    phi = 1.0 - channel.service_level + tolerance
    stretch = 1.0 + channel.concurrency_slowdown * (channel.concurrency - 1)
    per_agent = (1.0 - channel.shrinkage) * channel.concurrency
    flags, waiting, backlog_cap = {}, None, 0.0
    for t in range(inst.horizon.n_intervals):
        if (c, t) not in coverage:  # closed or nothing needed: the queue starts afresh after
            waiting, backlog_cap = None, 0.0
            continue
        load = float(inst.demand.volume[c, t] * inst.demand.aht_seconds[c, t]) * stretch / interval
        servers = per_agent * coverage[c, t]
        before = 0.0 if waiting is None else waiting
        # W can be no larger than all the work that arrived since opening: the big M
        big_m = backlog_cap + (1.0 - phi) * load * interval + 1.0  # phi <= 0.5
        miss = solver.BoolVar(f"fluid_miss_{c}_{t}")
        drift = (servers - load) * interval
        solver.Add(before - servers * channel.answer_seconds - phi * drift <= big_m * miss)
        solver.Add(before - servers * channel.answer_seconds - (1.0 - phi) * drift <= big_m * miss)
        flags[c, t] = miss
        after = solver.NumVar(0.0, solver.infinity(), f"fluid_queue_{c}_{t}")
        solver.Add(after >= before - drift)
        waiting, backlog_cap = after, backlog_cap + load * interval
    return flags

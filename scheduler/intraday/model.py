"""The intraday re-plan as one CP-SAT model, built top-down in `build_replan_model` (after
OR-Tools' shift_scheduling_sat.py): data, variables, hard rules, soft rules, objective.

The rest of today's roster at minimum disruption (`day.DayInstance`): per open shift, a
boolean per allowed end (the planned end, overtime, early leave) and per allowed lunch
start; per agent, interval and skill, a boolean "covers this channel". Hard rules: one
end, one lunch inside its window for that end, the weekly hours of an agent with several
open shifts, at most one channel at a time and only while on shift and not on a break,
queue channels only while open (or required). Soft rules: the roster's service-aware
coverage costs (`roster.model.cover.service_costs`: the k-th missing agent costs the
service it loses at the interval's new load, an agent above the requirement less where it
buys service; deferred channels cumulative, `rules.deferred_coverage_terms`), the backlog
a queue without patience carries into the next intervals (`backlog_terms`), idling, and
a cost for every change (`[intraday]`): a lunch moved, an agent-interval on another channel
than planned, overtime (a fixed cost plus its hours at `overtime_cost_factor` x the agent's
rate), early leave (a fixed cost less the hours saved), so a change is made only where it
buys more service than it costs. Everything before `first` is data.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from ortools.sat.python import cp_model

from staffcast.scheduler.intraday.day import DayInstance
from staffcast.scheduler.roster.model import rules
from staffcast.scheduler.roster.model.cover import service_costs
from staffcast.scheduler.roster.model.instance import SCALE
from staffcast.scheduler.staffing.requirements import effective_aht

BACKLOG_UNITS = 4  # the backlog chain counts work in quarters of an agent-interval
MIN_DECAY = 0.05  # below this share kept per interval a queue's backlog is not chained


@dataclass(frozen=True)
class ReplanModel:
    """The model and its named variables: `ends[i][e]` open shift i ends at grid index e,
    `lunches[i][p]` its lunch starts at p, `covers[i, c, t]` it covers channel c in
    interval t; `coverage[c][t]` the agents covering channel c in interval t (expression);
    `change_terms` the penalty terms of the changes (each a variable and its cost)."""

    day: DayInstance
    model: cp_model.CpModel
    ends: list[dict[int, cp_model.IntVar]]
    lunches: list[dict[int, cp_model.IntVar]]
    covers: dict[tuple[int, int, int], cp_model.IntVar]
    coverage: list[dict[int, cp_model.LinearExprT]]
    change_terms: rules.Terms


def build_replan_model(day: DayInstance, *, backlog: bool = True) -> ReplanModel:
    """The re-plan model of `day`, objective included; `backlog=False` leaves out the
    backlog carried between intervals (`backlog_terms`): shortfall priced interval by
    interval, as the roster does."""
    model = cp_model.CpModel()
    week, cfg = day.week, day.config
    span = range(day.first, day.last)

    # ------------------------------------------------------------------ variables
    ends, lunches, on_duty = [], [], []
    for o in day.open:
        who = f"{cfg_id(day, o.agent)}_{o.start}"
        ends.append({e: model.NewBoolVar(f"{who}_ends_{e}") for e in o.ends})
        lunches.append({p: model.NewBoolVar(f"{who}_lunch_{p}") for p in o.lunches})
        on_duty.append({t: _working(day, o, ends[-1], lunches[-1], t) for t in span if o.start <= t < max(o.ends)})
    covers = {}
    for i, o in enumerate(day.open):
        for t in on_duty[i]:
            for c in o.channels:
                if week.assignable[c, t] or week.demand.staff[c, t] > 0:
                    covers[i, c, t] = model.NewBoolVar(f"{cfg_id(day, o.agent)}_{cfg.channel_names[c]}_{t}")

    # ------------------------------------------------------------------ hard rules
    for i, o in enumerate(day.open):
        model.AddExactlyOne(ends[i].values())
        if lunches[i]:
            model.AddExactlyOne(lunches[i].values())
            lunch_inside_its_window(model, day, ends[i], lunches[i])
        for t, working in on_duty[i].items():
            model.Add(sum(covers[i, c, t] for c in o.channels if (i, c, t) in covers) <= working)
    weekly_hours_are_kept(model, day, ends)

    # ------------------------------------------------------------------ soft rules
    coverage = [{t: int(day.fixed[c, t]) + sum(covers[i, c, t] for i in range(len(day.open)) if (i, c, t) in covers)
                 for t in span} for c in range(len(cfg.channels))]
    terms = coverage_terms(model, day, coverage, covers)
    terms += backlog_terms(model, day, coverage) if backlog else []
    terms += idle_terms(day, on_duty, covers)
    changes = break_move_terms(day, lunches)
    changes += switch_terms(model, day, on_duty, covers)
    changes += end_change_terms(day, ends)

    # ------------------------------------------------------------------ objective
    model.Minimize(sum(coef * expr for expr, coef in [*terms, *changes]))
    return ReplanModel(day, model, ends, lunches, covers, coverage, changes)


def cfg_id(day: DayInstance, a: int) -> str:
    return day.agents[a].agent_id


def _working(day: DayInstance, o, ends, lunches, t: int) -> cp_model.LinearExprT:
    """1 when open shift `o` works interval t (on shift, not at lunch), as a linear expression."""
    on_shift = sum(var for e, var in ends.items() if e > t) if t >= o.start else 0
    if o.lunch_fixed:
        at_lunch = 1 if o.lunch <= t < o.lunch + day.brk else 0
    else:
        at_lunch = sum(var for p, var in lunches.items() if p <= t < p + day.brk)
    return on_shift - at_lunch


def lunch_inside_its_window(model: cp_model.CpModel, day: DayInstance, ends, lunches) -> None:
    """A lunch at p needs an end at least `break_not_last_hours` after it."""
    not_last = -(-int(day.config.shifts.break_not_last_hours * 60) // day.config.interval_minutes)
    for p, var in lunches.items():
        model.Add(var <= sum(v for e, v in ends.items() if p + day.brk <= e - not_last))


def weekly_hours_are_kept(model: cp_model.CpModel, day: DayInstance, ends) -> None:
    """An agent with several open shifts keeps their sum of changes within the contract."""
    step = day.config.interval_minutes
    by_agent: dict[int, list[int]] = {}
    for i, o in enumerate(day.open):
        by_agent.setdefault(o.agent, []).append(i)
    for a, mine in by_agent.items():
        if len(mine) < 2:
            continue  # one shift: its ends were screened against the contract already
        agent = day.agents[a]
        change = sum((e - day.open[i].end) * step * var for i in mine for e, var in ends[i].items())
        model.Add(change <= int((agent.max_hours_week - day.hours[a]) * 60 + 1e-6))
        model.Add(change >= -int((day.hours[a] - agent.min_hours_week) * 60 + 1e-6))


def coverage_terms(model: cp_model.CpModel, day: DayInstance, coverage, covers) -> rules.Terms:
    """The roster's coverage costs on the rest of the day at the updated requirements."""
    week, terms = day.week, []
    reachable = {(c, t) for _, c, t in covers}
    for c, channel in enumerate(day.config.channels):
        under, over = service_costs(week, c)
        name = channel.name
        if channel.kind == "deferred":
            positions, due, arrived = week.deferred_curves(c)
            keep = (positions >= day.first) & (positions < day.last)
            before = due[~keep & (positions < day.first)][-1:].sum()
            rows = positions[keep]
            late, done = rules.deferred_coverage_terms(model, [coverage[c][t] for t in rows], due[keep] - before,
                                                       arrived[keep] - before, week.late_cost(c),
                                                       week.under_costs(c)[0], name)
            terms += late
        for t in coverage[c]:
            if (c, t) not in reachable:
                continue  # nobody in the re-plan can cover it: a constant
            required = int(week.demand.staff[c, t])
            if channel.kind != "deferred":
                terms += rules.under_coverage_terms(model, coverage[c][t], required, under[t], f"{name}_{t}")
            terms += rules.over_coverage_terms(model, coverage[c][t], required, len(day.open) + int(day.fixed[c, t]),
                                               over[t], f"{name}_{t}")
    return terms


def backlog_decay(channel, interval_minutes: int) -> float:
    """Share of a queue's backlog still waiting one interval later: every waiting contact
    abandons at rate 1 / `patience_seconds` (Erlang A's exponential patience), so
    ``exp(-interval / patience)``; 1 without patience (Erlang C, contacts wait)."""
    if channel.patience_seconds is None:
        return 1.0
    return float(np.exp(-interval_minutes * 60.0 / channel.patience_seconds))


def backlog_terms(model: cp_model.CpModel, day: DayInstance, coverage) -> rules.Terms:
    """The queue backlog carried from interval to interval (a fluid queue), per queue channel
    whose backlog outlives an interval (`backlog_decay` >= `MIN_DECAY`).

    Work arrives at the interval's load, ``volume x effective handle time / interval``
    busy slots (chat: the stretched handle time of `concurrency` contacts at once), at
    `day.backlog_volume` where given (the reforecast's upper band: the backlog is convex in
    the load, so a load above the forecast costs more than one below it saves, and a queue
    without patience never sheds it); the slots serving it are those of the simulation and the Erlang projection,
    ``concurrency x floor(coverage x (1 - shrinkage))`` (a fraction of an agent answers
    nothing: variables `{channel}_productive_{t}`). What they cannot serve waits:
    ``carry_t >= decay x carry_{t-1} + load_t - slots_t`` (slot-intervals of work, in
    `1 / BACKLOG_UNITS` steps), from an empty queue at `first`. A slot-interval carried
    costs a slot's share of the channel's first-missing-agent cost: by Little's law the
    carried work summed over intervals is the contacts' total waiting time, and every
    contact arriving behind a backlog waits past the threshold, so a shortfall next to
    another costs more than the same agents missing apart, and surplus after a shortfall
    buys the service it drains. Variables `{channel}_carry_{t}`."""
    week, q = day.week, BACKLOG_UNITS
    step = day.config.interval_minutes
    span = np.arange(day.first, day.last)
    volume = week.demand.volume if day.backlog_volume is None else day.backlog_volume
    terms: rules.Terms = []
    for c, channel in enumerate(day.config.channels):
        decay = backlog_decay(channel, step) if channel.kind == "queue" else 0.0
        if decay < MIN_DECAY:
            continue
        load = volume[c, span] * effective_aht(channel, week.demand.aht_seconds[c, span]) / (step * 60.0)
        work = np.round(q * load).astype(np.int64)
        share = Fraction(1.0 - channel.shrinkage).limit_denominator(100)
        keep = int(round(decay * 100))
        cost = max(1, week.under_costs(c)[0] // (q * channel.concurrency))
        upper = int(work.sum()) + 1
        carry: cp_model.LinearExprT = 0
        for t, w in zip(span, work, strict=True):
            productive = model.NewIntVar(0, len(day.open) + int(day.fixed[c, t]), f"{channel.name}_productive_{t}")
            model.Add(share.denominator * productive <= share.numerator * coverage[c][t])
            now = model.NewIntVar(0, upper, f"{channel.name}_carry_{t}")
            model.Add(100 * now >= keep * carry + 100 * (int(w) - q * channel.concurrency * productive))
            terms.append((now, cost))
            carry = now
    return terms


def idle_terms(day: DayInstance, on_duty, covers) -> rules.Terms:
    """A working agent covering no channel costs as much as one above the requirement."""
    terms = []
    for i, o in enumerate(day.open):
        for t, working in on_duty[i].items():
            terms.append((working - sum(covers[i, c, t] for c in o.channels if (i, c, t) in covers),
                          day.week.over_cost))
    return terms


def _cost(weight: float) -> int:
    return int(round(weight * SCALE))


def break_move_terms(day: DayInstance, lunches) -> rules.Terms:
    """`break_move_cost` per lunch started elsewhere than planned."""
    cost = _cost(day.config.intraday.break_move_cost)
    return [(var, cost) for i, o in enumerate(day.open) for p, var in lunches[i].items() if p != o.lunch and cost]


def switch_terms(model: cp_model.CpModel, day: DayInstance, on_duty, covers) -> rules.Terms:
    """`switch_cost` per agent-interval worked on another channel than planned (variables
    `{agent}_switched_{t}`)."""
    cost = _cost(day.config.intraday.switch_cost)
    terms = []
    for i, o in enumerate(day.open):
        if len(o.channels) < 2:
            continue
        for t, working in on_duty[i].items():
            c = day.planned.get((i, t))
            if c is None or (i, c, t) not in covers:
                continue
            switched = model.NewBoolVar(f"{cfg_id(day, o.agent)}_switched_{t}")
            model.Add(switched >= working - covers[i, c, t])
            terms.append((switched, cost))
    return terms


def end_change_terms(day: DayInstance, ends) -> rules.Terms:
    """Overtime: `overtime_cost` plus its hours at `overtime_cost_factor` x the agent's rate
    (through `[weights] cost`); early leave: `early_leave_cost` less the hours saved."""
    cfg, step = day.config, day.config.interval_minutes
    terms = []
    for i, o in enumerate(day.open):
        rate = day.agents[o.agent].cost_per_hour * cfg.weights.cost
        for e, var in ends[i].items():
            hours = (e - o.end) * step / 60
            if hours > 0:
                factor = cfg.intraday.overtime_cost_factor
                terms.append((var, _cost(cfg.intraday.overtime_cost + hours * rate * factor)))
            elif hours < 0:
                terms.append((var, _cost(cfg.intraday.early_leave_cost + hours * rate)))
    return terms

"""The roster's soft rules, one small helper per rule family.

Each helper adds the variables and constraints it needs to the CP-SAT model and returns
its penalty terms as `(expression, integer coefficient)` pairs; the model minimises the
sum of coefficient * expression. Every rule costs zero on an ideal roster, so the
penalties measure only what departs from the ideal (and a bound that ignores them stays
comparable to the objective).
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.sat.python import cp_model

from staffcast.scheduler.roster.model.instance import SCALE

Terms = list[tuple[cp_model.LinearExprT, int]]


def at_most_one_shift_a_day(model: cp_model.CpModel, inst, shift_vars: dict[int, cp_model.IntVar]) -> None:
    """An agent works at most one shift starting on each day of the week (and on the day
    before it, for lead-in shifts)."""
    for d in inst.days:
        model.AddAtMostOne(var for s, var in shift_vars.items() if inst.shifts[s].day == d)


def at_most_max_days_a_week(model: cp_model.CpModel, inst, shift_vars: dict[int, cp_model.IntVar]) -> None:
    """An agent works on at most `[rules] max_days_per_week` days."""
    model.Add(sum(shift_vars.values()) <= inst.config.rules.max_days_per_week)


def paid_minutes_within_contract(model: cp_model.CpModel, inst, a: int,
                                 shift_vars: dict[int, cp_model.IntVar]) -> None:
    """An agent's paid minutes of the week lie within their contract's min and max hours."""
    model.AddLinearConstraint(sum(inst.shifts[s].length_minutes * var for s, var in shift_vars.items()),
                              *inst.contract_minutes(a))


def rest_between_shifts_is_kept(model: cp_model.CpModel, inst, shift_vars: dict[int, cp_model.IntVar]) -> None:
    """No shift starts less than `[rules] min_rest_hours` after the agent's previous one
    ends (last week's ends bind through the shifts the instance allows)."""
    for s, var in shift_vars.items():
        for day_conflicts in inst.rest_conflicts[s].values():
            later = [shift_vars[s2] for s2 in day_conflicts if s2 in shift_vars]
            if later:
                model.Add(var + sum(later) <= 1)


def agent_hard_rules(model: cp_model.CpModel, inst, a: int, shift_vars: dict[int, cp_model.IntVar]) -> None:
    """Agent a's hard rules over their shift variables (shift index -> boolean; shifts
    outside their skills and availability are simply absent). `inst`: a RosterInstance."""
    at_most_one_shift_a_day(model, inst, shift_vars)
    at_most_max_days_a_week(model, inst, shift_vars)
    paid_minutes_within_contract(model, inst, a, shift_vars)
    rest_between_shifts_is_kept(model, inst, shift_vars)


# A shift ending after 20:00 local (or past midnight) is a late shift for fairness.
LATE_END_MINUTE = 20 * 60
WEEKEND_DAYS = (5, 6)


def under_coverage_terms(model: cp_model.CpModel, coverage: cp_model.LinearExprT, required: int,
                         costs: Sequence[int], name: str, short_cost: int = 0) -> Terms:
    """Convex piecewise-linear penalty of the missing agents `max(0, required - coverage)`,
    plus `short_cost` once when the interval misses any.

    The missing count is split into unit segments costing `costs[0] <= costs[1] <= ...`
    (the last cost applies to all deeper segments), so one missing agent in an interval
    costs less than half of two missing in the same interval; minimisation fills the
    cheap segments first. `short_cost` > 0 charges the first segment once more: the
    segments are then filled in order (`missing_{k+1}` only with `missing_k`), so
    `{name}_missing_1` says whether the interval is short at all. Variables
    `{name}_missing_{k}` (the k-th missing agent) and `{name}_missing_deep`.
    """
    if required <= 0:
        return []
    n_unit = min(required, len(costs) - 1)
    segments = [model.NewBoolVar(f"{name}_missing_{k + 1}") for k in range(n_unit)]
    terms: Terms = [(seg, cost) for seg, cost in zip(segments, costs, strict=False)]
    rest = required - n_unit
    if rest > 0:
        deep = model.NewIntVar(0, rest, f"{name}_missing_deep")
        terms.append((deep, costs[-1]))
        segments.append(deep)
    model.Add(coverage + sum(segments) >= required)
    if short_cost > 0:
        terms += interval_short_terms(model, segments, rest, short_cost)
    return terms


def interval_short_terms(model: cp_model.CpModel, segments: Sequence[cp_model.IntVar], rest: int,
                         short_cost: int) -> Terms:
    """An interval below its requirement at all costs `short_cost`: the missing-agent
    `segments` (unit booleans, then a deep count of up to `rest`) are filled in order, so
    the first says whether any agent is missing, and it carries the cost."""
    units = segments[:-1] if rest > 0 else segments
    for before, after in zip(units, units[1:], strict=False):
        model.AddImplication(after, before)
    if rest > 0:
        model.Add(segments[-1] <= rest * units[-1])
    return [(segments[0], short_cost)]


def deferred_coverage_terms(model: cp_model.CpModel, coverage: Sequence[cp_model.LinearExprT],
                            due: Sequence[int], arrived: Sequence[int], late_cost: int,
                            miss_cost: int, name: str) -> tuple[Terms, list[cp_model.IntVar]]:
    """Penalty of a deferred channel's work done late, over its open intervals in order.

    `coverage[i]`: agents on the channel in the i-th open interval; `due[i]` and
    `arrived[i]`: the work (agent-intervals, cumulative) due by its end and arrived by
    then (agents working ahead of the arrivals have nothing to do). Staff missing in one
    interval costs nothing when made up before the work falls due; work behind `due` costs
    `late_cost` per agent-interval and open interval behind, and work still missing at the
    last open interval `miss_cost` per agent-interval. Also returns the work-done
    variables, one per open interval. Variables `{name}_done_{i}` and `{name}_behind_{i}`
    (i: the open interval's position).
    """
    terms: Terms = []
    done_vars: list[cp_model.IntVar] = []
    done: cp_model.LinearExprT = 0
    for i, (cov, need, cap) in enumerate(zip(coverage, due, arrived, strict=True)):
        now = model.NewIntVar(0, int(cap), f"{name}_done_{i}")  # work done by the end of interval i
        model.Add(now <= done + cov)
        done = now
        done_vars.append(now)
        if need <= 0:
            continue
        behind = model.NewIntVar(0, int(need), f"{name}_behind_{i}")
        model.Add(done + behind >= int(need))
        terms.append((behind, miss_cost if i == len(due) - 1 else late_cost))
    return terms, done_vars


def over_coverage_terms(model: cp_model.CpModel, coverage: cp_model.LinearExprT, required: int,
                        upper: int, cost: int, name: str) -> Terms:
    """Light linear penalty of agents above the requirement, `max(0, coverage - required)`
    (variable `{name}_over`)."""
    if upper <= required or cost == 0:
        return []
    over = model.NewIntVar(0, upper - required, f"{name}_over")
    model.Add(over >= coverage - required)
    return [(over, cost)]


def labour_cost_terms(shift_vars: dict[int, cp_model.IntVar], costs: dict[int, int]) -> Terms:
    """Labour cost of the shifts an agent works (integer cost per shift)."""
    return [(var, costs[s]) for s, var in shift_vars.items() if costs[s]]


def days_off_terms(model: cp_model.CpModel, works: Sequence[cp_model.LinearExprT], weight: int,
                   name: str) -> Terms:
    """Penalise each isolated day off (worked the day before and after) inside the week,
    so days off come in blocks (variables `{name}_isolated_day_off_{d}`)."""
    if weight == 0:
        return []
    terms: Terms = []
    for d in range(1, len(works) - 1):
        isolated = model.NewBoolVar(f"{name}_isolated_day_off_{d}")
        model.Add(isolated >= works[d - 1] + works[d + 1] - works[d] - 1)
        terms.append((isolated, weight))
    return terms


def start_stability_terms(model: cp_model.CpModel, shift_vars: dict[int, cp_model.IntVar],
                          start_of: Sequence[int], weight: int, name: str) -> Terms:
    """Penalise every distinct start time (local clock) beyond the first that an agent's
    week uses (variables `{name}_starts_at_{HHMM}` and `{name}_start_changes`)."""
    if weight == 0 or not shift_vars:
        return []
    used: dict[int, cp_model.IntVar] = {}
    for s, var in shift_vars.items():
        minute = start_of[s]
        if minute not in used:
            used[minute] = model.NewBoolVar(f"{name}_starts_at_{minute // 60:02d}{minute % 60:02d}")
        model.AddImplication(var, used[minute])
    if len(used) < 2:
        return []
    changes = model.NewIntVar(0, len(used) - 1, f"{name}_start_changes")
    model.Add(changes >= sum(used.values()) - 1)
    return [(changes, weight)]


def fairness_terms(model: cp_model.CpModel, counts: Sequence[cp_model.LinearExprT], upper: int,
                   weight: int, name: str) -> Terms:
    """Penalise the spread of a per-agent count (late shifts, weekend shifts) beyond one:
    `max(0, max_a count - min_a count - 1)` over the agents eligible for such shifts
    (variables `{name}_most`, `{name}_fewest`, `{name}_spread_excess`)."""
    if weight == 0 or len(counts) < 2 or upper == 0:
        return []
    high = model.NewIntVar(0, upper, f"{name}_most")
    low = model.NewIntVar(0, upper, f"{name}_fewest")
    for count in counts:
        model.Add(high >= count)
        model.Add(low <= count)
    excess = model.NewIntVar(0, upper, f"{name}_spread_excess")
    model.Add(excess >= high - low - 1)
    return [(excess, weight)]


def is_late(start_minute: int, length_minutes: int) -> bool:
    """A shift that ends after LATE_END_MINUTE local time (or past midnight)."""
    return start_minute + length_minutes > LATE_END_MINUTE


def worked_days(inst, a: int, shift_vars: dict[int, cp_model.IntVar]) -> list[cp_model.LinearExprT]:
    """Agent a's worked flag per day of `inst.days`, led by a constant for the day before the
    week when last week's roster says whether they worked it (for days off in blocks)."""
    works = [sum(var for s, var in shift_vars.items() if inst.shifts[s].day == d) for d in inst.days]
    if inst.worked_before is not None:
        works.insert(0, int(a in inst.worked_before))
    return works


def agent_soft_terms(model: cp_model.CpModel, inst, a: int, shift_vars: dict[int, cp_model.IntVar]
                     ) -> tuple[Terms, cp_model.LinearExprT | None, cp_model.LinearExprT | None]:
    """Agent a's days-off and start-stability terms over their shift variables, and their
    late and weekend shift counts for `shared_fairness_terms` (None when none of the agent's
    allowed shifts is late, or at a weekend). `inst`: a RosterInstance."""
    shifts, weights = inst.shifts, inst.config.weights
    works = worked_days(inst, a, shift_vars)
    who = inst.agents[a].agent_id
    terms = days_off_terms(model, works, int(round(weights.consecutive_days_off * SCALE)), who)
    terms += start_stability_terms(model, shift_vars, [sh.start_minute for sh in shifts],
                                   int(round(weights.start_stability * SCALE)), who)
    late = [is_late(sh.start_minute, sh.length_minutes) for sh in shifts]
    weekend = [sh.day in WEEKEND_DAYS for sh in shifts]
    late_count = sum(var for s, var in shift_vars.items() if late[s]) \
        if any(late[s] for s in inst.allowed[a]) else None
    weekend_count = sum(var for s, var in shift_vars.items() if weekend[s]) \
        if any(weekend[s] for s in inst.allowed[a]) else None
    return terms, late_count, weekend_count


def shared_fairness_terms(model: cp_model.CpModel, inst, late_counts: Sequence[cp_model.LinearExprT],
                          weekend_counts: Sequence[cp_model.LinearExprT]) -> Terms:
    """Fairness of late and weekend shifts over the agents' counts (`agent_soft_terms`)."""
    fair = int(round(inst.config.weights.fairness * SCALE))
    return (fairness_terms(model, late_counts, inst.config.rules.max_days_per_week, fair, "late_shifts")
            + fairness_terms(model, weekend_counts, len(WEEKEND_DAYS), fair, "weekend_shifts"))

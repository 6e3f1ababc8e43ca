"""The weekly roster as one CP-SAT model, built top-down in `build_model` (after OR-Tools'
shift_scheduling_sat.py): variables, hard rules, soft rules, objective.

A boolean per agent and allowed shift (day, start, length). Breaks and channels are
modelled per *skill group* as integer counts - how many of the group's agents on shift
s take their lunch at position p, how many of the group's working agents cover channel
c in interval t - which `results.realise` turns into named breaks and channels that
reproduce the counts exactly (agents of one skill group on the same shift are
interchangeable for coverage).

Hard rules: skills, availability, at most one shift a day, max days a week, min rest
between shifts (also from last week's ends), contract hours. Coverage is soft (convex
under-coverage by depth weighted by channel importance, a charge per queue interval short
at all, light over-coverage), so demand
above the staff available never makes the model infeasible; a deferred channel's
coverage is cumulative over its open intervals: the roster must keep up with the staffing
plan (which already lets contacts wait within their response window) and may work ahead
of it on work that has arrived, paying the channel's weight per agent-interval and
interval behind (`rules.deferred_coverage_terms`, `RosterInstance.deferred_curves`).
Soft rules: days off in blocks, stable start times, fair late and weekend shifts.
Labour cost last. How the model is solved lives in `roster.search`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from staffcast.scheduler.roster.model import rules
from staffcast.scheduler.roster.model.cover import CoverVars, add_coverage
from staffcast.scheduler.roster.model.instance import RosterInstance


@dataclass(frozen=True)
class Solution:
    """A roster in the model's terms: chosen (agent, shift) pairs, break counts per
    (group, shift, start interval), channel counts per (group, channel, interval)."""

    shift_of: set[tuple[int, int]]
    breaks: dict[tuple[int, int, int], int]
    cover: dict[tuple[int, int, int], int]


@dataclass(frozen=True)
class RosterModel:
    """The CP-SAT model of one roster instance and its named variables.

    `works[a][s]`: agent a works shift s (boolean); `on_shift[g, s]`: agents of skill
    group g on shift s; `cover`: break and channel counts and the coverage penalty terms;
    `soft`: the soft rules' penalty terms (each a single variable times its weight).
    """

    inst: RosterInstance
    model: cp_model.CpModel
    works: list[dict[int, cp_model.IntVar]]
    on_shift: dict[tuple[int, int], cp_model.IntVar]
    cover: CoverVars
    soft: rules.Terms

    def solution(self, values: list[int]) -> Solution:
        """The roster in a full solution vector of the model (values in proto order)."""
        return Solution(
            shift_of={(a, s) for a, mine in enumerate(self.works) for s, var in mine.items() if values[var.index]},
            breaks={k: values[v.index] for k, v in self.cover.breaks.items()},
            cover={k: values[v.index] for k, v in self.cover.cover.items()},
        )

    def soft_penalty(self, values: list[int]) -> int:
        """The soft rules' part of the objective (integer objective units)."""
        return sum(coef * values[expr.index] for expr, coef in self.soft)


def build_model(inst: RosterInstance) -> RosterModel:
    """The roster model of `inst`, objective included."""
    model = cp_model.CpModel()
    agents = range(len(inst.agents))

    # ------------------------------------------------------------------ variables
    works = [{s: model.NewBoolVar(f"{inst.agents[a].agent_id}_works_{inst.shifts[s].label}") for s in inst.allowed[a]}
             for a in agents]
    members = [[a for a in agents if inst.agent_group[a] == g] for g in range(len(inst.groups))]
    on_shift = {}
    for g, group in enumerate(members):
        for s, shift in enumerate(inst.shifts):
            chosen = [works[a][s] for a in group if s in works[a]]
            if chosen:
                on_shift[g, s] = model.NewIntVar(0, len(chosen), f"group{g}_on_{shift.label}")
                model.Add(on_shift[g, s] == sum(chosen))
    cover = add_coverage(model, inst, on_shift, [len(m) for m in members])

    # ------------------------------------------------------------------ hard rules
    for a in agents:
        rules.agent_hard_rules(model, inst, a, works[a])

    # ------------------------------------------------------------------ soft rules
    soft: rules.Terms = []
    late_counts, weekend_counts = [], []
    for a in agents:
        mine, late_count, weekend_count = rules.agent_soft_terms(model, inst, a, works[a])
        soft += mine
        late_counts += [late_count] if late_count is not None else []
        weekend_counts += [weekend_count] if weekend_count is not None else []
    soft += rules.shared_fairness_terms(model, inst, late_counts, weekend_counts)

    # ------------------------------------------------------------------ objective
    # coverage (under: convex, over, idle), the soft rules, labour cost
    terms: rules.Terms = [*cover.terms, *soft]
    for a in agents:
        terms += rules.labour_cost_terms(works[a], {s: inst.shift_cost(a, s) for s in works[a]})
    model.Minimize(sum(coef * expr for expr, coef in terms))
    return RosterModel(inst, model, works, on_shift, cover, soft)

"""Shortfall report in words: runs of under-covered intervals per channel and day, with
the reason that binds when it can be told.

Example: "voice Sat 09:00-12:30: short 3 agents (7.5 agent-hours); only 4 voice-skilled
agents are available then". Reasons, checked at the run's worst interval:
no configured shift covers that time; fewer skilled agents are available (skills,
unavailable days, last week's rest) than needed; the skilled agents who are not on shift
are blocked by the max-days rule, their contract hours or the rest rule; or the skilled
agents on shift are covering other channels or on their break.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from staffcast.scheduler.roster.model.instance import RosterInstance
from staffcast.scheduler.roster.results.clock import span_label
from staffcast.scheduler.roster.results.realise import Realised


def _blocker(inst: RosterInstance, a: int, t: int, mine: list[int]) -> str:
    """Why agent a (not on shift at t) could not take any allowed shift covering t."""
    shifts, config = inst.shifts, inst.config
    days = {shifts[s].day for s in mine}
    hours = sum(shifts[s].hours for s in mine)
    reasons = []
    for s in inst.allowed[a]:
        shift = shifts[s]
        if not shift.start <= t < shift.end:
            continue
        if shift.day in days:
            reasons.append("a shift at other hours that day")
        elif len(days) >= config.rules.max_days_per_week:
            reasons.append("the max-days-per-week rule")
        elif hours + shift.hours > inst.agents[a].max_hours_week + 1e-9:
            reasons.append("their contract hours")
        elif any(s2 in inst.rest_conflicts[s].get(shifts[s2].day, ()) or
                 s in inst.rest_conflicts[s2].get(shift.day, ()) for s2 in mine):
            reasons.append("the rest rule")
        else:
            return "the cost of moving them from other hours"
    return Counter(reasons).most_common(1)[0][0] if reasons else "no allowed shift"


def _reason(inst: RosterInstance, realised: Realised, c: int, t: int, required: int) -> str:
    name = inst.channels[c]
    covering = [s for s in range(len(inst.shifts)) if inst.shifts[s].start <= t < inst.shifts[s].end]
    if not covering:
        return "no configured shift covers these hours"
    skilled = [a for a, agent in enumerate(inst.agents)
               if name in agent.channels and any(s in covering for s in inst.allowed[a])]
    if len(skilled) < required:
        return f"only {len(skilled)} {name}-skilled agents are available then (skills, days off, rest from last week)"
    worked: dict[int, list[int]] = {}
    for a, s in realised.shifts:
        worked.setdefault(a, []).append(s)
    off = [a for a in skilled if not any(inst.shifts[s].start <= t < inst.shifts[s].end for s in worked.get(a, []))]
    if not off:
        return f"all {len(skilled)} {name}-skilled agents are on shift, covering other channels or on break"
    blocked = Counter(_blocker(inst, a, t, worked.get(a, [])) for a in off)
    parts = ", ".join(f"{reason} ({n})" for reason, n in blocked.most_common())
    return f"the {len(off)} {name}-skilled agents not on shift are held by {parts}"


def shortfall_report(inst: RosterInstance, coverage: pd.DataFrame, realised: Realised) -> list[str]:
    """One line per run of consecutive short intervals of a channel within a local day of
    the week (the next Monday's early hours are next week's to report).

    Runs holding intervals where staff is required and nobody is scheduled at all come
    first and name those hours ("nobody scheduled 00:00-07:00"): customers then get no
    answer, the worst kind of shortfall."""
    lines = []
    step = inst.horizon.step
    for c, name in enumerate(inst.channels):
        rows = coverage[coverage["channel"] == name].sort_values("interval_start")
        rows = rows[pd.DatetimeIndex(rows["interval_start"]) < inst.horizon.stamp(inst.horizon.week_intervals)]
        short = (rows["required"] - rows["scheduled"]).clip(lower=0).to_numpy()
        unstaffed = (short > 0) & (rows["scheduled"].to_numpy() == 0)
        stamps = pd.DatetimeIndex(rows["interval_start"])
        i = 0
        while i < len(rows):
            if short[i] <= 0:
                i += 1
                continue
            j = i
            while (j + 1 < len(rows) and short[j + 1] > 0 and stamps[j + 1].date() == stamps[i].date()
                   and stamps[j + 1] - stamps[j] == step):
                j += 1
            worst = i + int(np.argmax(short[i:j + 1]))
            t = int(round(inst.horizon.index_of(stamps[worst])))
            depth = int(short[worst])
            agent_hours = float(short[i:j + 1].sum()) * inst.config.interval_minutes / 60.0
            reason = _reason(inst, realised, c, t, int(rows["required"].iloc[worst]))
            nobody = _stretches(stamps[i:j + 1][unstaffed[i:j + 1]], step)
            lines.append((not nobody, f"{name} {stamps[i]:%a} {span_label(stamps[i], stamps[j] + step)}: short {depth} "
                          f"agent{'s' if depth > 1 else ''} ({agent_hours:g} agent-hours); {reason}"
                          + (f"; nobody scheduled {nobody}" if nobody else "")))
            i = j + 1
    return [line for _, line in sorted(lines, key=lambda item: item[0])]


def _stretches(stamps: pd.DatetimeIndex, step: pd.Timedelta) -> str:
    """Consecutive interval starts as "HH:MM-HH:MM, HH:MM-HH:MM" (empty when none)."""
    parts, k = [], 0
    while k < len(stamps):
        m = k
        while m + 1 < len(stamps) and stamps[m + 1] - stamps[m] == step:
            m += 1
        parts.append(span_label(stamps[k], stamps[m] + step))
        k = m + 1
    return ", ".join(parts)

"""Turn the solver's group counts into named breaks and channels, and the roster frames.

The CP-SAT model decides each agent's shifts but only counts per skill group: how many
of group g's agents on shift s start lunch at interval p, and how many of group g's
working agents cover channel c in interval t. Agents of one group on the same shift are
interchangeable for coverage, so handing the break positions out in agent order
realises the break counts exactly; then in every interval the group's working agents
are at least as many as the channel counts add up to, so handing channels out - keeping
each agent on the channel of the previous interval where the counts allow, to limit
switching - realises the channel counts; agents the counts leave idle are seated on one
of their channels too (the model charges idling like over-coverage, so this never makes
the roster worse).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from staffcast.scheduler.roster.model.instance import RosterInstance
from staffcast.scheduler.roster.model.model import Solution
from staffcast.scheduler.roster.results.clock import break_token


@dataclass(frozen=True)
class Realised:
    """Per agent: chosen shifts, lunch start interval per (agent, shift), and the
    channel covered per (agent, interval) (absent while on break or idle)."""

    shifts: tuple[tuple[int, int], ...]
    break_start: dict[tuple[int, int], int]
    channel: dict[tuple[int, int], int]


def realise(inst: RosterInstance, solution: Solution) -> Realised:
    """Named breaks and channels that reproduce the solution's counts exactly."""
    brk = inst.break_intervals
    by_group_shift: dict[tuple[int, int], list[int]] = defaultdict(list)
    for a, s in sorted(solution.shift_of):
        by_group_shift[inst.agent_group[a], s].append(a)
    break_start: dict[tuple[int, int], int] = {}
    for (g, s), agents in by_group_shift.items():
        positions = [p for p in inst.shifts[s].break_starts for _ in range(solution.breaks.get((g, s, p), 0))]
        if inst.shifts[s].break_starts and len(positions) != len(agents):
            raise AssertionError(f"break counts {len(positions)} != agents {len(agents)} on shift {s}")
        for a, p in zip(agents, positions, strict=False):
            break_start[a, s] = p
    working: dict[tuple[int, int], list[int]] = defaultdict(list)  # (g, t) -> agents covering
    for a, s in sorted(solution.shift_of):
        shift = inst.shifts[s]
        lunch = break_start.get((a, s))
        for t in range(shift.start, min(shift.end, inst.horizon.n_intervals)):
            if lunch is None or not lunch <= t < lunch + brk:
                working[inst.agent_group[a], t].append(a)
    for a, intervals in inst.carried:  # on duty under last week's roster
        for t in intervals:
            working[inst.agent_group[a], t].append(a)
    channel: dict[tuple[int, int], int] = {}
    for (g, t), agents in sorted(working.items(), key=lambda item: (item[0][1], item[0][0])):
        left = {c: solution.cover[g, c, t] for c in inst.group_channels(g) if (g, c, t) in solution.cover}
        if not left:
            continue  # none of the group's channels can be covered now: the agents idle
        if sum(left.values()) > len(agents):
            raise AssertionError(f"channel counts {left} > {len(agents)} working agents (group {g}, t {t})")
        free = []
        for a in agents:  # stay on the previous interval's channel when the counts allow
            previous = channel.get((a, t - 1))
            if previous is not None and left.get(previous, 0) > 0:
                channel[a, t] = previous
                left[previous] -= 1
            else:
                free.append(a)
        pool = [c for c, n in left.items() for _ in range(n)]
        for a, c in zip(free, pool, strict=False):
            channel[a, t] = c
        # agents the counts leave idle cover a channel anyway (the model charges idling and
        # over-coverage alike): their previous channel if possible, else the first one
        for a in free[len(pool):]:
            previous = channel.get((a, t - 1))
            channel[a, t] = previous if previous in left else next(iter(left))
    return Realised(tuple(sorted(solution.shift_of)), break_start, channel)


def roster_frame(inst: RosterInstance, realised: Realised) -> pd.DataFrame:
    """docs/design.md roster: agent_id, date, shift_start, shift_end (tz-aware local), breaks
    ("HH:MM-HH:MM;...", `break_token`), channels (";"-joined channels covered during the shift)."""
    brk = inst.break_intervals
    rows = []
    for a, s in realised.shifts:
        shift = inst.shifts[s]
        lunch = realised.break_start.get((a, s))
        breaks = "" if lunch is None else break_token(inst.horizon.stamp(lunch), inst.horizon.stamp(lunch + brk))
        covered = {realised.channel[a, t] for t in range(shift.start, shift.end) if (a, t) in realised.channel}
        rows.append({
            "agent_id": inst.agents[a].agent_id,
            "date": inst.config.week_start + dt.timedelta(days=shift.day),
            "shift_start": inst.horizon.stamp(shift.first),
            "shift_end": inst.horizon.stamp(shift.end),
            "breaks": breaks,
            "channels": ";".join(inst.channels[c] for c in sorted(covered)),
        })
    columns = ["agent_id", "date", "shift_start", "shift_end", "breaks", "channels"]
    return pd.DataFrame(rows, columns=columns)  # agents in input order, shifts by day


def assignments_frame(inst: RosterInstance, realised: Realised) -> pd.DataFrame:
    """Extra frame: agent_id, interval_start (tz-aware), channel - one row per agent and
    interval in which the agent covers a channel."""
    rows = [(inst.agents[a].agent_id, inst.horizon.stamp(t), inst.channels[c])
            for (a, t), c in sorted(realised.channel.items())]
    return pd.DataFrame(rows, columns=["agent_id", "interval_start", "channel"])

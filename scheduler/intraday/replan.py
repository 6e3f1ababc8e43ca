"""Solve the intraday re-plan and turn its solution into the roster frames and the change list.

`replan(day)` solves `model.build_replan_model(day)` with a deterministic budget (CP-SAT's
deterministic time, the project's `cpsat_solver`), starting from the plan itself (a hint),
and also prices the plan under the same costs (`objective_before`). It runs one CP-SAT
worker: the model's LP with cuts (linearization level 2) is near-integral, and the single
LP-guided search finds its solutions, where the interleaved portfolio of two workers shares
the same time with LNS workers. The budget: on the sample's 170-agent surge day the search
has its final solution by 4 deterministic seconds (5 finds no better; 3 stops short of it)
and proves no optimum, its bound staying ~11% below (benchmarks/intraday_replan.py
measures the solve). `roster_frame`, `assignments` and `changes` read the solution back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.scheduler.intraday.day import DayInstance
from staffcast.scheduler.intraday.model import ReplanModel, build_replan_model
from staffcast.scheduler.roster.results.clock import break_token, clock
from staffcast.scheduler.roster.results.view import WorkedShift
from staffcast.scheduler.roster.search.solver import cpsat_solver

DTIME = 4.0  # CP-SAT deterministic-time budget of the re-plan (seconds of CP-SAT's deterministic time)


@dataclass(frozen=True)
class Replan:
    """The solved re-plan: CP-SAT `status`, `objective`, `bound`, `gap`; `objective_before`
    (the plan under the same costs); per open shift its `end`, `lunch` and the channel
    covered per interval from `first` (`channel[i, t]`); `seconds`: wall time of building
    and solving."""

    day: DayInstance
    status: str
    objective: float
    bound: float
    gap: float
    objective_before: float
    end: tuple[int, ...]
    lunch: tuple[int | None, ...]
    channel: dict[tuple[int, int], int]
    seconds: float


def _plan_literals(rm: ReplanModel) -> list:
    """The model's literals that reproduce the plan (planned end, lunch and channels)."""
    day, out = rm.day, []
    for i, o in enumerate(day.open):
        out.append(rm.ends[i][o.end])
        if rm.lunches[i]:
            out.append(rm.lunches[i][o.lunch])
    for (i, c, t), var in rm.covers.items():
        out.append(var if day.planned.get((i, t)) == c else ~var)
    return out


def replan(day: DayInstance, *, dtime: float = DTIME, backlog: bool = True) -> Replan:
    """Solve the re-plan of `day` within `dtime` deterministic seconds (`backlog`: see
    `build_replan_model`)."""
    started = time.perf_counter()
    rm = build_replan_model(day, backlog=backlog)
    cfg = day.config
    plan = _plan_literals(rm)
    before_model = rm.model.Clone()
    for lit in plan:
        index = lit.Index()
        var = before_model.GetBoolVarFromProtoIndex(index if index >= 0 else -index - 1)
        before_model.Add(var == int(index >= 0))
    priced = cpsat_solver(seed=cfg.solver.seed, dtime=dtime, light_presolve=True)
    before_status = priced.Solve(before_model)
    if before_status in (2, 4):  # the plan, complete with its penalty variables, as the search's start
        values = priced.ResponseProto().solution
        for k in range(len(rm.model.Proto().variables)):
            rm.model.Proto().solution_hint.vars.append(k)
            rm.model.Proto().solution_hint.values.append(values[k])
    solver = cpsat_solver(seed=cfg.solver.seed, workers=1, dtime=dtime)
    status = solver.Solve(rm.model)
    if status not in (2, 4):  # FEASIBLE, OPTIMAL: the plan itself is a solution, so this is a fault
        raise RuntimeError(f"intraday re-plan: CP-SAT status {solver.StatusName(status)}")
    end = tuple(next(e for e, v in rm.ends[i].items() if solver.Value(v)) for i in range(len(day.open)))
    lunch = tuple(next((p for p, v in rm.lunches[i].items() if solver.Value(v)), o.lunch)
                  for i, o in enumerate(day.open))
    channel = {(i, t): c for (i, c, t), v in rm.covers.items() if solver.Value(v)}
    objective, bound = solver.ObjectiveValue(), solver.BestObjectiveBound()
    before = priced.ObjectiveValue() if before_status in (2, 4) else float("nan")
    gap = (objective - bound) / abs(objective) if objective else 0.0
    return Replan(day, solver.StatusName(status), objective, bound, gap, before, end, lunch, channel,
                  time.perf_counter() - started)


def new_shifts(result: Replan) -> list[WorkedShift]:
    """The week's roster with the re-plan's ends, lunches and channels."""
    day = result.day
    horizon, brk = day.week.horizon, day.brk
    names = day.config.channel_names
    shifts = list(day.shifts)
    for i, o in enumerate(day.open):
        old = shifts[o.shift]
        lunch = result.lunch[i]
        breaks = old.breaks if lunch is None else ((horizon.stamp(lunch), horizon.stamp(lunch + brk)),)
        covered = {names[c] for (j, t), c in result.channel.items() if j == i}
        covered |= {names[c] for c in _past_channels(day, o)}
        shifts[o.shift] = WorkedShift(old.agent_id, old.date, old.start, horizon.stamp(result.end[i]), breaks,
                                      tuple(n for n in names if n in covered), old.row)
    return shifts


def _past_channels(day: DayInstance, o) -> set[int]:
    """Channels the shift covered before `first` (from the plan's roster row)."""
    if o.start >= day.first:
        return set()
    names = day.config.channel_names
    return {names.index(n) for n in day.shifts[o.shift].channels if n in names}


def roster_frame(shifts: list[WorkedShift]) -> pd.DataFrame:
    """The docs/design.md roster frame of `shifts`."""
    return pd.DataFrame({
        "agent_id": [s.agent_id for s in shifts], "date": [s.date for s in shifts],
        "shift_start": [s.start for s in shifts], "shift_end": [s.end for s in shifts],
        "breaks": [s.breaks_text for s in shifts], "channels": [";".join(s.channels) for s in shifts],
    }, columns=["agent_id", "date", "shift_start", "shift_end", "breaks", "channels"])


def new_coverage(result: Replan, coverage: pd.DataFrame) -> pd.DataFrame:
    """The plan's coverage frame with the re-plan from `first`: `scheduled` changed by the
    open shifts' changes, `required` the updated requirement, `service_level` projected
    again (docs/design.md coverage); rows are added where a change staffs a new interval."""
    from staffcast.scheduler.staffing.requirements import projected_service_level

    day = result.day
    week, cfg = day.week, day.config
    horizon = week.horizon
    delta = {}
    for (_, t), c in day.planned.items():
        delta[c, t] = delta.get((c, t), 0) - 1
    for (_, t), c in result.channel.items():
        delta[c, t] = delta.get((c, t), 0) + 1
    frame = coverage.copy()
    ts = ((pd.DatetimeIndex(frame["interval_start"]) - horizon.origin) / horizon.step).round().astype(int)
    index = {(ch, int(t)): k for k, (ch, t) in enumerate(zip(frame["channel"], ts, strict=True))}
    names = cfg.channel_names
    extra = [(names[c], horizon.stamp(t), 0, 0, float("nan")) for (c, t), d in sorted(delta.items())
             if (names[c], t) not in index and d > 0]
    if extra:
        frame = pd.concat([frame, pd.DataFrame(extra, columns=frame.columns)], ignore_index=True)
        frame = frame.sort_values(["channel", "interval_start"], key=lambda col: col.map(
            {n: k for k, n in enumerate(names)}) if col.name == "channel" else col, ignore_index=True)
        ts = ((pd.DatetimeIndex(frame["interval_start"]) - horizon.origin) / horizon.step).round().astype(int)
    ts = ts.to_numpy()
    for c, name in enumerate(names):
        rows = np.flatnonzero((frame["channel"].to_numpy() == name) & (ts >= day.first) & (ts < day.last))
        if not len(rows):
            continue
        t = ts[rows]
        scheduled = frame["scheduled"].to_numpy()[rows] + np.array([delta.get((c, k), 0) for k in t])
        frame.loc[rows, "scheduled"] = scheduled
        frame.loc[rows, "required"] = week.demand.staff[c, t]
        channel = cfg.channels[c]
        if channel.kind != "queue":
            continue  # a deferred channel's level is not defined per interval (docs/design.md)
        level = projected_service_level(channel, frame["interval_start"].iloc[rows].reset_index(drop=True),
                                        week.demand.volume[c, t], week.demand.aht_seconds[c, t],
                                        agents=scheduled * (1 - channel.shrinkage),
                                        interval_minutes=cfg.interval_minutes)
        level = np.asarray(level, dtype=float)
        frame.loc[rows, "service_level"] = np.where(week.demand.volume[c, t] > 0, level, np.nan)
    return frame.astype({"required": np.int64, "scheduled": np.int64})


def _blocks(ts: list[int]) -> list[tuple[int, int]]:
    out = []
    for t in sorted(ts):
        if out and out[-1][1] == t:
            out[-1] = (out[-1][0], t + 1)
        else:
            out.append((t, t + 1))
    return out


def change_list(result: Replan) -> list[dict]:
    """Every change as agent_id, change (`break_move`, `switch`, `overtime`,
    `early_leave`), from, to (local clock times), the open shift and the intervals it
    touches (`_i`, `_window`: the gain of a change is measured by undoing it there)."""
    day = result.day
    horizon = day.week.horizon
    names = day.config.channel_names
    span = lambda a, b: f"{clock(horizon.stamp(a))}-{clock(horizon.stamp(b))}"  # noqa: E731
    rows = []
    for i, o in enumerate(day.open):
        aid = day.agents[o.agent].agent_id
        if result.end[i] > o.end:
            rows.append(dict(agent_id=aid, change="overtime", _from=f"ends {clock(horizon.stamp(o.end))}",
                             to=f"ends {clock(horizon.stamp(result.end[i]))}", _i=i,
                             _window=list(range(o.end, result.end[i]))))
        elif result.end[i] < o.end:
            rows.append(dict(agent_id=aid, change="early_leave", _from=f"ends {clock(horizon.stamp(o.end))}",
                             to=f"ends {clock(horizon.stamp(result.end[i]))}", _i=i,
                             _window=list(range(result.end[i], o.end))))
        if o.lunch is not None and result.lunch[i] != o.lunch:
            new = result.lunch[i]
            rows.append(dict(agent_id=aid, change="break_move", _from=break_token(
                horizon.stamp(o.lunch), horizon.stamp(o.lunch + day.brk)), to=break_token(
                horizon.stamp(new), horizon.stamp(new + day.brk)), _i=i,
                _window=sorted(set(range(o.lunch, o.lunch + day.brk)) | set(range(new, new + day.brk)))))
        moved = {}
        for (j, t), c in result.channel.items():
            planned = day.planned.get((j, t))
            if j == i and planned is not None and planned != c:
                moved.setdefault((planned, c), []).append(t)
        for (planned, c), ts in sorted(moved.items()):
            for a, b in _blocks(ts):
                rows.append(dict(agent_id=aid, change="switch", _from=f"{names[planned]} {span(a, b)}",
                                 to=f"{names[c]} {span(a, b)}", _i=i, _window=list(range(a, b))))
    return rows


def service_gains(result: Replan, changes: list[dict]) -> list[float]:
    """Per change, the contacts of queue channels its intervals bring within target
    (Erlang projection at the updated requirements: the re-plan against the re-plan with
    that change undone; negative where it gives service up, as early leave does)."""
    from staffcast.scheduler.staffing.requirements import projected_service_level

    day = result.day
    week, cfg = day.week, day.config
    cover = day.fixed.copy()
    for (_, t), c in result.channel.items():
        cover[c, t] += 1
    stamps = week.horizon.stamps()

    def answered(counts, c, ts):
        channel = cfg.channels[c]
        ts = [t for t in ts if week.demand.volume[c, t] > 0]
        if channel.kind != "queue" or not ts:
            return 0.0
        level = projected_service_level(channel, pd.Series(stamps[ts]), week.demand.volume[c, ts],
                                        week.demand.aht_seconds[c, ts], agents=counts[c, ts] * (1 - channel.shrinkage),
                                        interval_minutes=cfg.interval_minutes)
        return float((level * week.demand.volume[c, ts]).sum())

    gains = []
    for change in changes:
        i, window = change["_i"], change["_window"]
        undone = cover.copy()
        for t in window:
            now, planned = result.channel.get((i, t)), day.planned.get((i, t))
            if now is not None:
                undone[now, t] -= 1
            if planned is not None:
                undone[planned, t] += 1
        gains.append(sum(answered(cover, c, window) - answered(undone, c, window) for c in range(len(cfg.channels))))
    return gains

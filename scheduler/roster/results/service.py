"""What a roster's customers get: Erlang's projection against the simulation (queues carry
over from one interval to the next), the intervals that still miss their target, why,
and how many more agents would bring them back.

A queue interval misses when its simulated service level is below the channel's target
by more than `TOLERANCE` (the simulation's sampling noise at the replications used).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.scheduler.roster.results.clock import span_label
from staffcast.scheduler.roster.results.summary import interval_targets, target_share
from staffcast.scheduler.simulation.frame import simulate_frame

TOLERANCE = 0.02
MAX_EXTRA = 6  # extra agents tried per missed interval when looking for a fix


def service_comparison(coverage: pd.DataFrame, simulation: pd.DataFrame, requirements: pd.DataFrame,
                       config: PlanningConfig) -> pd.DataFrame:
    """Per channel: the share of contacts answered within target by Erlang's projection at
    the scheduled staff and by the simulation (volume-weighted), and the share of the
    week's open intervals at target by each (`summary.interval_targets`)."""
    keys = ["channel", "interval_start"]
    joined = coverage.merge(requirements[keys + ["volume"]], on=keys, how="inner")
    joined = joined.merge(simulation[keys + ["sim_service_level"]], on=keys, how="left")
    erlang_share = target_share(coverage, config)
    sim_share = target_share(simulation, config)
    rows = []
    for spec in config.channels:
        part = joined[joined["channel"] == spec.name]
        rows.append({"channel": spec.name, "kind": spec.kind,
                     "target": spec.service_level if spec.kind == "queue" else 1.0,
                     "erlang_service_level": _volume_weighted(part, "service_level"),
                     "simulated_service_level": _volume_weighted(part, "sim_service_level"),
                     "erlang_intervals_at_target": erlang_share.get(spec.name, float("nan")),
                     "simulated_intervals_at_target": sim_share.get(spec.name, float("nan"))})
    return pd.DataFrame(rows)


def _volume_weighted(part: pd.DataFrame, column: str) -> float:
    values, weights = part[column].to_numpy(float), part["volume"].to_numpy(float)
    ok = ~np.isnan(values) & (weights > 0)
    return float(np.average(values[ok], weights=weights[ok])) if ok.any() else float("nan")


def missed_intervals(coverage: pd.DataFrame, simulation: pd.DataFrame, config: PlanningConfig) -> pd.DataFrame:
    """The week's open queue intervals whose simulated service level misses the target by
    more than `TOLERANCE`: channel, interval_start, required, scheduled,
    sim_service_level, target, reason ("short of staff" when fewer are scheduled than
    required, else "staffed to the Erlang requirement; the queue carries over from
    earlier intervals")."""
    counted = interval_targets(simulation, config)["counted"].to_numpy()
    frame = simulation.loc[counted, ["channel", "interval_start", "sim_service_level"]]
    targets = {spec.name: spec.service_level for spec in config.channels if spec.kind == "queue"}
    frame = frame[frame["channel"].isin(list(targets))]
    frame = frame.assign(target=frame["channel"].map(targets))
    frame = frame[frame["sim_service_level"] < frame["target"] - TOLERANCE]
    frame = frame.merge(coverage[["channel", "interval_start", "required", "scheduled"]],
                        on=["channel", "interval_start"], how="left")
    short = frame["scheduled"] < frame["required"]
    frame["reason"] = np.where(short, "short of staff",
                               "staffed to the Erlang requirement; the queue carries over from earlier intervals")
    return frame[["channel", "interval_start", "required", "scheduled", "sim_service_level", "target", "reason"]]


def extra_agents(coverage: pd.DataFrame, requirements: pd.DataFrame, missed: pd.DataFrame,
                 config: PlanningConfig, *, replications: int = 10, seed: int = 0) -> pd.Series:
    """For each missed interval (rows of `missed`), the fewest extra agents on shift k (1 to
    `MAX_EXTRA`) with which the simulation meets its target within `TOLERANCE` when every
    missed interval gets k more; `MAX_EXTRA + 1` where even that is not enough."""
    needed = pd.Series(MAX_EXTRA + 1, index=missed.index, dtype=np.int64)
    if missed.empty:
        return needed
    keys = ["channel", "interval_start"]
    base = coverage.reset_index(drop=True)
    where = base[keys].merge(missed[keys].reset_index(), on=keys, how="left")["index"]
    rows = where.notna().to_numpy()
    order = where[rows].astype(int).to_numpy()  # the `missed` label of each raised coverage row
    targets = missed.loc[order, "target"].to_numpy()
    for k in range(1, MAX_EXTRA + 1):
        trial = base.assign(scheduled=base["scheduled"].to_numpy() + k * rows)
        sim = simulate_frame(trial, config, requirements=requirements, replications=replications, seed=seed)
        met = sim["sim_service_level"].to_numpy()[rows] >= targets - TOLERANCE
        fresh = met & (needed.loc[order].to_numpy() > MAX_EXTRA)
        needed.loc[order[fresh]] = k
        if (needed <= MAX_EXTRA).all():
            break
    return needed


def fix_lines(missed: pd.DataFrame, extra: pd.Series, config: PlanningConfig) -> list[str]:
    """Planner lines, one per stretch of consecutive missed intervals of a channel within a
    day: "chat Mon 07:00-09:00: simulated 0.41-0.72 against 0.80 (short of staff); 2 more
    chat agents would meet it"."""
    step = pd.Timedelta(minutes=config.interval_minutes)
    lines = []
    frame = missed.assign(extra=extra).sort_values(["channel", "interval_start"])
    for channel, part in frame.groupby("channel", sort=False):
        stamps = pd.DatetimeIndex(part["interval_start"])
        new_day = np.array([a.date() != b.date() for a, b in zip(stamps[:-1], stamps[1:], strict=True)], dtype=bool)
        breaks = np.flatnonzero((np.diff(stamps) != step) | new_day) + 1
        for chunk in np.split(np.arange(len(part)), breaks):
            rows = part.iloc[chunk]
            first, last = stamps[chunk[0]], stamps[chunk[-1]] + step
            levels = rows["sim_service_level"]
            more = int(rows["extra"].max())
            fix = (f"{more} more {channel} agent{'s' if more > 1 else ''} would meet it" if more <= MAX_EXTRA
                   else f"more than {MAX_EXTRA} more {channel} agents needed")
            reasons = " / ".join(dict.fromkeys(rows["reason"]))
            lines.append(f"{channel} {first:%a} {span_label(first, last)}: simulated {levels.min():.2f}-"
                         f"{levels.max():.2f} against {rows['target'].iloc[0]:.2f} ({reasons}); {fix}")
    return lines

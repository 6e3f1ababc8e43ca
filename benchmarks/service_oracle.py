"""The oracle of `service.py`: the best share of open queue intervals at target that any
roster of the team can reach, from a proven count and a measured miss rate.

Three steps per week and staffing method:
1. Proven (`short_interval_bound`, SCIP's dual bound at `seconds`): every roster of these
   agents leaves at least N_c open intervals of channel c below the plan's requirement
   (c alone: the other channels may give up their shared agents), and at least N of the
   queue channels' intervals together. So at most 1 - N_c / open_c of c's intervals, and
   1 - N / open of all, run at or above the plan.
2. Proven in the plan's own model (per-interval steady-state Erlang C/A): an interval below
   the requirement has at most floor((staff - 1)(1 - shrinkage)) productive agents, so its
   service level is at most the one at that staffing; `k_c` counts the open intervals where
   that is still within 0.02 of target. At most 1 - max(N_c - k_c, 0) / open_c of c's
   intervals then reach target - 0.02 in that model.
3. Measured (the same run's simulation of the roster): the share p of the roster's
   short intervals that simulate below target - 0.02 (p1: those short by one agent, as the
   bound's may be), and the share s_c of the plan itself (every interval at plan) within
   0.02 in simulation. Estimate: s_c - p1 * N_c / open_c, a roster at plan but in N_c
   intervals short by one; an estimate, not a bound (over-staffing elsewhere can lift an
   interval, queues carried over tie intervals together).
4. Proven with the queue carried over (`fluid_miss_bound` with `below_plan`): every roster
   leaves at least N'_c >= N_c intervals below the plan or behind the queue a short interval
   left, which misses even in the fluid model (no randomness). Estimate "carried":
   s_c - p1 * N'_c / open_c, as in 3.
The MIP's incumbent (a point of the relaxation, not a roster) is the most its bound could
ever prove: where it is low, the relaxation cannot exclude the goal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.scheduler.roster.model.instance import RosterInstance
from staffcast.scheduler.roster.search.fluid_misses import fluid_miss_bound
from staffcast.scheduler.roster.search.short_intervals import short_interval_bound
from staffcast.scheduler.staffing.requirements import queue_performance

TOLERANCE = 0.02


def one_below(cfg: PlanningConfig, needs: pd.DataFrame) -> dict[str, tuple[int, float]]:
    """Per queue channel: (open intervals whose Erlang service level one staff below the
    requirement is still within TOLERANCE of target, median of target minus that level
    over the open intervals)."""
    out = {}
    for channel in cfg.channels:
        if channel.kind != "queue":
            continue
        part = needs[(needs["channel"] == channel.name) & (needs["volume"] > 0)]
        below = np.floor(np.maximum(part["staff"].to_numpy(float) - 1, 0) * (1 - channel.shrinkage) + 1e-9)
        level = queue_performance(channel, part["volume"].to_numpy(float), part["aht_seconds"].to_numpy(float),
                                  below, cfg.interval_minutes)["service_level"]
        margin = channel.service_level - level
        out[channel.name] = (int((margin <= TOLERANCE).sum()), float(np.median(margin)) if len(margin) else 0.0)
    return out


def short_misses(cfg: PlanningConfig, needs: pd.DataFrame, coverage: pd.DataFrame,
                 sim: pd.DataFrame) -> dict[str, tuple[int, float, int, float]]:
    """Per queue channel, over the roster's open intervals below the requirement: (how
    many, share simulated below target - TOLERANCE, how many short by one staff, that
    share among them). `sim`: the roster's simulation, `sim_service_level` per interval."""
    keys = ["channel", "interval_start"]
    both = needs[keys + ["staff", "volume"]].merge(coverage[keys + ["scheduled"]], on=keys, how="left")
    both = both.merge(sim[keys + ["sim_service_level"]], on=keys)
    both["short"] = both["staff"] - both["scheduled"].fillna(0)
    out = {}
    for channel in cfg.channels:
        if channel.kind != "queue":
            continue
        part = both[(both["channel"] == channel.name) & (both["volume"] > 0) & (both["short"] > 0)]
        miss = part["sim_service_level"] < channel.service_level - TOLERANCE
        one = part["short"] == 1
        out[channel.name] = (len(part), float(miss.mean()) if len(part) else float("nan"),
                             int(one.sum()), float(miss[one].mean()) if one.any() else float("nan"))
    return out


def best_share_rows(cfg: PlanningConfig, inst: RosterInstance, needs: pd.DataFrame, coverage: pd.DataFrame,
                    sim: pd.DataFrame, achieved: dict[str, float], plan: dict[str, float],
                    seconds: float) -> list[ShareRow]:
    """A `ShareRow` per queue channel, then one for the queues together ("queues": its
    bounds are the joint ones; the rest pooled). `achieved`, `plan`: shares within 0.02 of
    the roster and of the plan, simulated."""
    margins, misses = one_below(cfg, needs), short_misses(cfg, needs, coverage, sim)
    rows, pooled = [], []
    for name in margins:
        bound = short_interval_bound(inst, seconds, (name,))
        carried = fluid_miss_bound(inst, seconds, (name,), tolerance=TOLERANCE, below_plan=True)
        k, margin = margins[name]
        short, p, ones, p1 = misses[name]
        rows.append(_row(name, bound, carried, k, margin, short, p, ones, p1, plan[name], achieved[name]))
        pooled.append((bound.intervals, bound.intervals * achieved[name], short, short * p if short else 0.0,
                       ones, ones * p1 if ones else 0.0, bound.intervals * plan[name]))
    together = short_interval_bound(inst, seconds)
    together_carried = fluid_miss_bound(inst, seconds, tolerance=TOLERANCE, below_plan=True)
    opened, reached, short, missed, ones, missed1, at_plan = (sum(column) for column in zip(*pooled, strict=True))
    p = missed / short if short else float("nan")
    p1 = missed1 / ones if ones else float("nan")
    k = sum(margins[name][0] for name in margins)
    rows.append(_row("queues", together, together_carried, k, float("nan"), short, p, ones, p1, at_plan / opened,
                     reached / opened))
    return rows


@dataclass(frozen=True)
class ShareRow:
    """One row of the best-share table: the channel's open intervals; `short`, `incumbent`,
    `status`, `gap` of the short-interval bound; `carried` (the fluid bound below plan or
    behind a carried queue); `k` and `margin` (Erlang one staff below plan); the roster's
    short intervals, the share p of them simulated below target (`ones`, `p1`: those short
    by one); the best shares by count and in Erlang; the estimates from `short` and from
    `carried`; the roster's own share."""

    name: str
    opened: int
    short: int
    incumbent: int | None
    status: str
    gap: float | None
    carried: int
    k: int
    margin: float
    roster_short: int
    p: float
    ones: int
    p1: float
    by_count: float
    by_erlang: float
    estimate: float
    carried_estimate: float
    achieved: float


def _row(name, bound, carried, k, margin, short, p, ones, p1, at_plan, achieved) -> ShareRow:
    n, opened = bound.bound, bound.intervals
    rate = p1 if ones else p
    rate = 0.0 if np.isnan(rate) else rate
    nan = float("nan")
    # an interval below plan or behind a fluid queue misses at least as often as one below plan
    return ShareRow(name, opened, n, bound.incumbent, bound.status, bound.gap, carried.bound, k, margin, short, p,
                    ones, p1, 1 - n / opened if opened else nan, 1 - max(n - k, 0) / opened if opened else nan,
                    at_plan - rate * n / opened if opened else nan,
                    at_plan - rate * carried.bound / opened if opened else nan, achieved)


def print_best_share(rows_by_method: dict[str, list[ShareRow]], seconds: float) -> None:
    """The table "best share any roster of this team can reach" of one week."""
    print(f"\nbest share any roster of this team can reach (short-interval MIP, SCIP, {seconds:g} s each)")
    print(f"{'method':>6} {'channel':>7} {'open':>5} {'short>=':>7} {'MIP best':>8} {'MIP':>10} {'gap':>5} "
          f"{'carry>=':>7} {'k':>4} {'margin':>6} {'roster short':>12} {'sim miss':>8} {'by one':>6} {'miss':>5} "
          f"{'count<=':>7} {'Erlang<=':>8} {'estimate':>8} {'carried':>7} {'roster':>6}")
    for method, rows in rows_by_method.items():
        for r in rows:
            gap_text = "-" if r.gap is None else f"{r.gap:.0%}"
            margin_text = "" if np.isnan(r.margin) else f"{r.margin:.2f}"
            best_text = "-" if r.incumbent is None else str(r.incumbent)
            print(f"{method:>6} {r.name:>7} {r.opened:>5} {r.short:>7} {best_text:>8} {r.status:>10} {gap_text:>5} "
                  f"{r.carried:>7} {r.k:>4} {margin_text:>6} {r.roster_short:>12} {_pct(r.p):>8} {r.ones:>6} "
                  f"{_pct(r.p1):>5} {r.by_count:>7.1%} {r.by_erlang:>8.1%} {r.estimate:>8.1%} "
                  f"{r.carried_estimate:>7.1%} {_pct(r.achieved):>6}", flush=True)
    for line in (
        "short>=: open intervals every roster leaves below the plan (proven; queues: the channels together, each",
        "  alone may take the shared agents); MIP best: the fewest SCIP found in the relaxation (the most its",
        "  bound can reach); carry>=: open intervals every roster leaves below the plan or behind a queue carried",
        "  from a short interval that misses even without randomness (proven; `fluid_miss_bound`, patient",
        "  channels only below plan); k: open intervals where one staff below the plan is still within 0.02 of",
        "  target in Erlang; margin: median target minus Erlang SL one staff below; sim miss: share of the",
        "  roster's short intervals simulated below target - 0.02 (miss: of those short by one)",
        "count<=: most intervals at or above plan (proven); Erlang<=: most within 0.02 in the plan's Erlang",
        "  model (proven there); estimate: the plan's own simulated share minus miss x short>= / open",
        "  (measured); carried: the same with carry>=; roster: this roster's share within 0.02, simulated"):
        print(line)


def _pct(x: float) -> str:
    return "-" if np.isnan(x) else f"{x:.0%}"

"""Staffing benchmark: required agents for a year of 15-minute intervals, 4 channels.

Run: `python benchmarks/staffing.py` (from the repository root, with the package importable).

Rows, all measured in this run on the same intervals:
1. Erlang C required agents, 140,160 intervals (4 channels x 365 days x 96): staffcast
   (one vectorised call) against pyworkforce `ErlangC.required_positions` (one object per
   interval, the peer's documented use) when pyworkforce is importable (`bench` extra);
   per-interval times, the ratio, and whether both give the same agent counts.
2. Erlang A required agents for one week of 15-minute intervals (4 channels): pyworkforce
   has no Erlang A, so the bound is the issue's "well under a second"; minimality is checked
   (n meets every target, n - 1 does not).
3. The simulation check: one week of voice, 15-minute intervals, 20 replications (< 30 s).
4. Deferred FIFO planning for a year of email (taut string + whole agents).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from staffcast.scheduler.simulation.queue import simulate_intervals  # noqa: E402
from staffcast.scheduler.staffing.deferred import plan  # noqa: E402
from staffcast.scheduler.staffing.erlang import offered_load, required_agents, service_level  # noqa: E402
from staffcast.scheduler.staffing.erlang_a import erlang_a, required_agents_a  # noqa: E402

MINUTES = 15
# name, peak contacts per 15 min, handle seconds, SL target, answer seconds, max occupancy,
# patience seconds (Erlang A row), open from-until hour. Chat runs 2 at once 25% slower:
# its servers are slots, handle time 420 s x 1.25. All four use Erlang C in row 1.
CHANNELS = [
    ("voice", 90.0, 300.0, 0.80, 20.0, 0.85, 180.0, (8, 22)),
    ("chat", 70.0, 525.0, 0.80, 60.0, 0.85, 240.0, (0, 24)),
    ("email", 45.0, 480.0, 0.90, 900.0, 0.95, 3600.0, (8, 22)),
    ("social", 20.0, 240.0, 0.85, 300.0, 0.90, 900.0, (8, 22)),
]


def year_of_volumes(days: int, seed: int = 0) -> list[np.ndarray]:
    """Poisson volumes per 15-minute interval with daily and weekly shape and a yearly swell."""
    rng = np.random.default_rng(seed)
    steps = np.arange(days * 24 * 60 // MINUTES)
    hour = (steps % 96) / 4
    weekday = (steps // 96) % 7
    season = 1 + 0.2 * np.sin(2 * np.pi * steps / steps.size)
    out = []
    for _, peak, _, _, _, _, _, (open_h, close_h) in CHANNELS:
        shape = np.clip(np.sin((hour - 7) / 15 * np.pi), 0.05, None) * np.where(weekday >= 5, 0.6, 1.0)
        rate = peak * shape * season * ((hour >= open_h) & (hour < close_h))
        out.append(rng.poisson(rate).astype(float))
    return out


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def erlang_c_year(rows: list[tuple]) -> None:
    volumes = year_of_volumes(365)
    load = np.concatenate([offered_load(v, c[2], MINUTES) for v, c in zip(volumes, CHANNELS, strict=True)])
    aht = np.concatenate([np.full(v.size, c[2]) for v, c in zip(volumes, CHANNELS, strict=True)])
    sl = np.concatenate([np.full(v.size, c[3]) for v, c in zip(volumes, CHANNELS, strict=True)])
    answer = np.concatenate([np.full(v.size, c[4]) for v, c in zip(volumes, CHANNELS, strict=True)])
    occ = np.concatenate([np.full(v.size, c[5]) for v, c in zip(volumes, CHANNELS, strict=True)])
    volume = np.concatenate(volumes)
    busy = volume > 0

    def ours(mask=slice(None)):
        return required_agents(load[mask], aht[mask], service_level_target=sl[mask], answer_seconds=answer[mask],
                               max_occupancy=occ[mask])

    t_all, agents = best_of(ours, repeat=7)  # best of 7: the machine is shared
    t_busy, _ = best_of(lambda: ours(busy), repeat=7)
    n_busy = int(busy.sum())
    rows.append(("Erlang C agents, 1 year x 4 channels", "staffcast", f"{load.size:,}", t_all,
                 t_all / load.size * 1e6, "", f"peak load {load.max():.0f} Erl"))
    rows.append(("  same, intervals with contacts only", "staffcast", f"{n_busy:,}", t_busy,
                 t_busy / n_busy * 1e6, "", ""))
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError as exc:
        rows.append(("  peer", "pyworkforce", "-", np.nan, np.nan, "", f"not importable ({exc}); "
                     "install the bench extra"))
        return
    idx = np.flatnonzero(busy)
    start = time.perf_counter()
    theirs = np.empty(idx.size, dtype=np.int64)
    for k, i in enumerate(idx):
        model = ErlangC(transactions=volume[i], aht=aht[i] / 60, asa=answer[i] / 60, interval=MINUTES)
        theirs[k] = model.required_positions(service_level=sl[i], max_occupancy=occ[i])["raw_positions"]
    t_peer = time.perf_counter() - start
    mine = agents[idx]
    same = mine == theirs
    note = f"same agents in {same.mean():.2%} of intervals"
    if not same.all():
        diff = np.flatnonzero(~same)
        # Where they differ, is staffcast's count enough by pyworkforce's own service level?
        ok = [ErlangC(transactions=volume[idx[d]], aht=aht[idx[d]] / 60, asa=answer[idx[d]] / 60,
                      interval=MINUTES).service_level(int(mine[d])) >= sl[idx[d]] - 1e-12 for d in diff]
        higher = int((theirs[diff] > mine[diff]).sum())
        note += (f"; {diff.size} differ, pyworkforce higher in {higher}, staffcast's count meets the target "
                 f"by pyworkforce's own formula in {int(np.sum(ok))} (its search starts at round(A + 1), "
                 "so it is not minimal at low loads)")
    per_ours = t_busy / n_busy * 1e6
    per_peer = t_peer / n_busy * 1e6
    rows.append(("  same intervals", "pyworkforce 0.5 ErlangC", f"{n_busy:,}", t_peer, per_peer,
                 f"{per_peer / per_ours:,.0f}x", note))


def erlang_a_week(rows: list[tuple]) -> None:
    volumes = [v[: 7 * 96] for v in year_of_volumes(7, seed=1)]
    loads, ahts, pats, sls, answers, occs = [], [], [], [], [], []
    for v, (_, _, aht, sl, answer, occ, patience, _) in zip(volumes, CHANNELS, strict=True):
        loads.append(offered_load(v, aht, MINUTES))
        ahts.append(np.full(v.size, aht))
        pats.append(np.full(v.size, patience))
        sls.append(np.full(v.size, sl))
        answers.append(np.full(v.size, answer))
        occs.append(np.full(v.size, occ))
    load, aht, pat, sl, answer, occ = map(np.concatenate, (loads, ahts, pats, sls, answers, occs))
    t_a, agents = best_of(lambda: required_agents_a(load, aht, pat, service_level_target=sl, answer_seconds=answer,
                                                    max_occupancy=occ))
    t_c, c_agents = best_of(lambda: required_agents(load, aht, service_level_target=sl, answer_seconds=answer,
                                                    max_occupancy=occ))

    def meets(n):
        r = erlang_a(n, load, aht, pat, answer)
        return (r.service_level >= sl) & (r.occupancy <= occ + 1e-12)

    busy = load > 0
    minimal = bool(np.all(meets(agents)) and not np.any(meets(np.maximum(agents - 1, 0))[busy]))
    rows.append(("Erlang A agents, 1 week x 4 channels", "staffcast", f"{load.size:,}", t_a,
                 t_a / load.size * 1e6, "", f"target < 1 s; minimal: {minimal}; "
                 f"{int((c_agents - agents).sum()):,} agent-intervals fewer than Erlang C"))
    rows.append(("  same week, Erlang C (reference)", "staffcast", f"{load.size:,}", t_c, t_c / load.size * 1e6,
                 f"A/C {t_a / t_c:,.0f}x", "pyworkforce has no Erlang A"))
    check = service_level(c_agents, load, aht, answer)
    assert np.all(check[busy] >= sl[busy])


def simulation_week(rows: list[tuple]) -> None:
    volume = year_of_volumes(7, seed=2)[0]
    name, _, aht, sl, answer, occ, patience, _ = CHANNELS[0]
    agents = required_agents_a(offered_load(volume, aht, MINUTES), aht, patience, service_level_target=sl,
                               answer_seconds=answer, max_occupancy=occ)
    start = time.perf_counter()
    res = simulate_intervals(volume, aht, agents, interval_minutes=MINUTES, answer_seconds=answer,
                             patience_seconds=patience, replications=20, seed=0)
    took = time.perf_counter() - start
    rows.append(("Simulation, 1 week voice, 20 replications", "staffcast", f"{volume.size:,}", took,
                 took / volume.size * 1e6, "", f"target < 30 s; simulated SL {res.overall_service_level:.3f} "
                 f"+- {res.overall_service_level_halfwidth:.3f}, {int(volume.sum()):,} contacts/rep"))


def deferred_year(rows: list[tuple]) -> None:
    volume = year_of_volumes(365, seed=3)[2]
    starts = pd.date_range("2026-01-05", periods=volume.size, freq=f"{MINUTES}min", tz="Asia/Shanghai")
    took, res = best_of(lambda: plan(starts, volume, 480.0, interval_minutes=MINUTES, open_minutes=(480, 1320),
                                     response_hours=4), repeat=1)
    rows.append(("Deferred FIFO plan, 1 year email", "staffcast", f"{volume.size:,}", took,
                 took / volume.size * 1e6, "", f"min SL {res.service_level.min():.3f}, peak agents "
                 f"{res.agents.max()}, max backlog {res.backlog.max():,.0f}"))


def main() -> None:
    rows: list[tuple] = []
    erlang_c_year(rows)
    erlang_a_week(rows)
    simulation_week(rows)
    deferred_year(rows)
    head = ("case", "implementation", "intervals", "total s", "us/interval", "ratio", "notes")
    print(f"{head[0]:<42} {head[1]:<24} {head[2]:>9} {head[3]:>9} {head[4]:>12} {head[5]:>9}  {head[6]}")
    for case, impl, n, total, per, ratio, note in rows:
        total_s = "-" if total != total else f"{total:.3f}"
        per_s = "-" if per != per else f"{per:.2f}"
        print(f"{case:<42} {impl:<24} {n:>9} {total_s:>9} {per_s:>12} {ratio:>9}  {note}")


if __name__ == "__main__":
    main()

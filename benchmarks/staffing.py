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

Then a second table (`python benchmarks/staffing.py process` prints only this one): the
`staffcast staff` command as a whole process (the venv's console script, median of 5 runs)
on a forecast file of 140,160 intervals (4 queue channels x 365 days x 96 intervals of 15
minutes, Erlang C targets as in row 1), CSV in and out and Parquet in and out, against
pyworkforce's compute alone (`ErlangC.required_positions` per interval with contacts,
median of 3 runs) on the same intervals; the ratios and whether the issue's goals (20x
with CSV, 40x with Parquet) are met. The in-process parts (read, compute, write) and the
process floor (interpreter and the command's imports) show where the time goes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

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


STAFF_GOALS = {"csv": 20.0, "parquet": 40.0}  # issue #13 item 5: whole process vs pyworkforce's compute


def forecast_year(seed: int = 4) -> pd.DataFrame:
    """A forecast frame like `staffcast forecast` writes: 140,160 intervals (4 channels x 365
    days x 96), fractional volumes with daily, weekly and yearly shape, an 80% band, and a
    handle time that drifts over the day (NaN where the channel is closed)."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-05", periods=365 * 96, freq=f"{MINUTES}min", tz="Asia/Shanghai")
    steps = np.arange(starts.size)
    hour = (steps % 96) / 4
    weekday = (steps // 96) % 7
    season = 1 + 0.2 * np.sin(2 * np.pi * steps / steps.size)
    parts = []
    for name, peak, aht, _, _, _, _, (open_h, close_h) in CHANNELS:
        shape = np.clip(np.sin((hour - 7) / 15 * np.pi), 0.05, None) * np.where(weekday >= 5, 0.6, 1.0)
        volume = peak * shape * season * ((hour >= open_h) & (hour < close_h)) * rng.gamma(50, 1 / 50, steps.size)
        handle = aht * (1 + 0.1 * np.sin(2 * np.pi * hour / 24)) * rng.gamma(100, 1 / 100, steps.size)
        parts.append(pd.DataFrame({"channel": name, "interval_start": starts, "volume": volume,
                                   "volume_lo": volume * 0.8, "volume_hi": volume * 1.2 + np.sqrt(volume),
                                   "aht_seconds": np.where(volume > 0, handle, np.nan), "model": "profile"}))
    return pd.concat(parts, ignore_index=True)


def planning_toml() -> str:
    """[planning], per-interval Erlang C staffing (`sipp`) and one queue channel per
    CHANNELS entry (no patience, one contact at a time), the same targets pyworkforce is
    given."""
    text = '[planning]\ntimezone = "Asia/Shanghai"\ninterval_minutes = 15\nweek_start = "2026-01-05"\n'
    text += '\n[staffing]\nmethod = "sipp"  # per-interval Erlang C, as pyworkforce computes\n'
    for name, _, _, sl, answer, occ, _, _ in CHANNELS:
        text += (f'\n[[channel]]\nname = "{name}"\nkind = "queue"\nservice_level = {sl}\n'
                 f"answer_seconds = {answer}\nmax_occupancy = {occ}\nshrinkage = 0.30\n")
    return text


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def staff_process_year() -> None:
    """`staffcast staff` as a whole process on a year of intervals against pyworkforce."""
    from staffcast.config import load_config
    from staffcast.files import write_frame_atomic
    from staffcast.scheduler.inputs.frames import read_forecast
    from staffcast.scheduler.staffing.requirements import requirements

    script = Path(sys.executable).with_name("staffcast")
    frame = forecast_year()
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "planning.toml").write_text(planning_toml(), encoding="utf-8")
        cfg = load_config(folder / "planning.toml", needs=())
        files = {}
        for kind in ("csv", "parquet"):
            files[kind] = folder / f"forecast.{kind}"
            write_frame_atomic(frame, files[kind])

        def staff(kind: str) -> None:
            subprocess.run([str(script), "staff", str(files[kind]), "--config", str(folder / "planning.toml"),
                            "--out", str(folder / f"requirements.{kind}")], check=True,
                           stdout=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "120"})

        process = {kind: median_seconds(lambda kind=kind: staff(kind), runs=5) for kind in files}
        floor = median_seconds(lambda: subprocess.run(
            [sys.executable, "-c", "import staffcast.cli, rich.table, staffcast.scheduler.inputs.frames, "
             "staffcast.scheduler.staffing.requirements"], check=True), runs=5)
        read = {kind: median_seconds(lambda kind=kind: read_forecast(files[kind], cfg), runs=5) for kind in files}
        forecast = read_forecast(files["csv"], cfg)
        compute = median_seconds(lambda: requirements(forecast, cfg), runs=5)
        req = requirements(forecast, cfg)
        write = {kind: median_seconds(lambda kind=kind: write_frame_atomic(req, folder / f"w.{kind}"), runs=5)
                 for kind in files}
        sizes = {kind: files[kind].stat().st_size / 1e6 for kind in files}

    n = len(frame)
    busy = frame[frame["volume"] > 0]
    sl = {c[0]: c[3] for c in CHANNELS}
    answer = {c[0]: c[4] for c in CHANNELS}
    occ = {c[0]: c[5] for c in CHANNELS}
    work = list(zip(busy["channel"], busy["volume"], busy["aht_seconds"], strict=True))
    try:
        from pyworkforce.queuing import ErlangC
    except ImportError as exc:
        peer = np.nan
        peer_note = f"pyworkforce not importable ({exc}); install the bench extra"
    else:
        def theirs() -> None:
            for channel, volume, aht in work:
                ErlangC(transactions=volume, aht=aht / 60, asa=answer[channel] / 60, interval=MINUTES
                        ).required_positions(service_level=sl[channel], max_occupancy=occ[channel])

        peer = median_seconds(theirs, runs=3)
        peer_note = f"ErlangC.required_positions, the {len(work):,} intervals with contacts (it needs volume > 0)"
    rows.append(("pyworkforce 0.5 compute alone", f"{len(work):,}", peer, "", "", peer_note))
    for kind in ("csv", "parquet"):
        ratio = peer / process[kind]
        goal = STAFF_GOALS[kind]
        met = "-" if ratio != ratio else ("yes" if ratio >= goal else "no")
        rows.append((f"staffcast staff, {kind} in and out", f"{n:,}", process[kind], f"{ratio:,.1f}x",
                     f">= {goal:.0f}x: {met}", f"whole process, forecast file {sizes[kind]:.1f} MB"))
    rows.append(("  of which: interpreter + imports", "-", floor, "", "",
                 "python -c 'import staffcast.cli, rich.table, the frames reader and requirements'"))
    for kind in ("csv", "parquet"):
        rows.append((f"  in process: read {kind}", f"{n:,}", read[kind], "", "", "read_forecast (read + validate)"))
    rows.append(("  in process: requirements", f"{n:,}", compute, "", "", "Erlang C + shrinkage, all intervals"))
    for kind in ("csv", "parquet"):
        rows.append((f"  in process: write {kind}", f"{n:,}", write[kind], "", "", "write_frame_atomic"))
    head = ("case", "intervals", "median s", "ratio", "goal", "notes")
    print(f"\n{head[0]:<36} {head[1]:>9} {head[2]:>9} {head[3]:>8} {head[4]:<12}  {head[5]}")
    for case, count, seconds, ratio, goal, note in rows:
        shown = "-" if seconds != seconds else f"{seconds:.3f}"
        print(f"{case:<36} {count:>9} {shown:>9} {ratio:>8} {goal:<12}  {note}")


def main() -> None:
    if sys.argv[1:] == ["process"]:
        staff_process_year()
        return
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
    staff_process_year()


if __name__ == "__main__":
    main()

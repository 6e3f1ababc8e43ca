"""Scale benchmark: many queues x 1 year x 30 minutes, forecast + staff serially and on 2 workers.

Run: `python benchmarks/scale.py --queues 1000` (from the repository root). Generates, in a
temporary directory, a planning config naming a queues table (tests/helpers/queue_cases.py)
and a Parquet history of `--queues` queues x 365 days x the 24 open half-hours a day
(08:00-20:00; 1,000 queues = 8.76 million rows), then runs `staffcast forecast --workers W`
(`--model`, default profile) and `staffcast staff --workers W --method sipp` on it with
W = 1 (serial, queue by queue) and W = 2 (a LocalCluster of 2 processes), `--repeats` times
each. Prints per stage and W: median wall time, queues per second, the peak resident memory
of the command process and of its largest worker process (sampled every 0.1 s with psutil
over the process tree), the speed-up of W = 2 over W = 1 against the goal (>= 1.8x), and
whether the output files are identical byte for byte. Also prints `uptime`: the machine is
shared, and other load lowers the speed-up.

The bound, measured in the same run: the queues table split into two halves (two configs),
each half forecast and staffed serially (`--workers 1`) by its own plain OS process, the two
processes at once (no Dask): what the machine's cores give to perfectly parallel work with
the same per-queue code, each process paying its own start-up and reads. Its speed-up over
the serial run is printed beside Dask's, with the share of it Dask reaches; its outputs,
concatenated half after half, must equal the serial run's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "helpers"))
from queue_cases import HISTORY_END, queue_config_text, queue_rows  # noqa: E402

STAFFCAST = Path(sys.executable).with_name("staffcast")


def year_history(names: list[str], seed: int = 11, timezone: str = "Asia/Shanghai") -> pd.DataFrame:
    """One year of half-hourly volumes (open 08:00-20:00) per queue: daily and weekly shape,
    a level per queue, Poisson draws from a fixed seed."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(HISTORY_END - dt.timedelta(days=364), tz=timezone)
    grid = pd.date_range(start, pd.Timestamp(HISTORY_END + dt.timedelta(days=1), tz=timezone), freq="30min",
                         inclusive="left")
    grid = grid[(grid.hour >= 8) & (grid.hour < 20)]
    hour = grid.hour.to_numpy() + grid.minute.to_numpy() / 60
    shape = np.where(grid.day_of_week.to_numpy() >= 5, 0.6, 1.0) * (1 + 0.6 * np.sin((hour - 8) / 12 * np.pi))
    parts = []
    for i, name in enumerate(names):
        volume = rng.poisson((3 + (i % 50)) * shape).astype(float)
        aht = np.where(volume > 0, rng.normal(300 + (i % 30) * 5, 20, len(grid)).round(1), np.nan)
        parts.append(pd.DataFrame({"channel": name, "interval_start": grid, "volume": volume, "aht_seconds": aht}))
    return pd.concat(parts, ignore_index=True)


def measured(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB of the command process, peak RSS MB of its largest child)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main = psutil.Process(proc.pid)
    peak_main, peak_child = 0, 0
    while proc.poll() is None:
        try:
            peak_main = max(peak_main, main.memory_info().rss)
            for child in main.children(recursive=True):
                peak_child = max(peak_child, child.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, peak_main / 2**20, peak_child / 2**20


def measured_together(commands: list[list[str]]) -> tuple[float, float, float]:
    """(wall seconds until every command is done, peak RSS MB of the largest command process,
    of its largest child) for `commands` started at once."""
    start = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in commands]
    mains = [psutil.Process(p.pid) for p in procs]
    peak_main, peak_child = 0, 0
    while any(p.poll() is None for p in procs):
        for main in mains:
            try:
                peak_main = max(peak_main, main.memory_info().rss)
                for child in main.children(recursive=True):
                    peak_child = max(peak_child, child.memory_info().rss)
            except psutil.Error:
                pass
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    for command, proc in zip(commands, procs, strict=True):
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.read().decode()[-2000:]}")
    return seconds, peak_main / 2**20, peak_child / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", default="profile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = folder / "planning.toml"
        config.write_text(queue_config_text(), encoding="utf-8")
        table = queue_rows(args.queues)
        table.to_csv(folder / "queues.csv", index=False)
        half = (len(table) + 1) // 2
        halves = []
        for name, part in (("a", table.iloc[:half]), ("b", table.iloc[half:])):
            part.to_csv(folder / f"queues_{name}.csv", index=False)
            (folder / f"planning_{name}.toml").write_text(queue_config_text(file=f"queues_{name}.csv"),
                                                          encoding="utf-8")
            halves.append((name, folder / f"planning_{name}.toml"))
        history = folder / "history.parquet"
        frame = year_history(list(table["name"]))
        frame.to_parquet(history, index=False)
        load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        print(f"{args.queues} queues x 365 days x 24 open half-hours = {len(frame):,} history rows "
              f"({history.stat().st_size / 2**20:.0f} MB Parquet); model {args.model}; "
              f"{os.cpu_count()} CPUs; uptime: {load}")
        rows, outputs = [], {}
        for workers in (1, 2):
            fc = folder / f"forecast_{workers}.parquet"
            req = folder / f"requirements_{workers}.parquet"
            stages = {
                "forecast": [str(STAFFCAST), "forecast", str(history), "-c", str(config), "--out", str(fc),
                             "--horizon-days", "14", "--model", args.model, "--workers", str(workers)],
                "staff": [str(STAFFCAST), "staff", str(fc), "-c", str(config), "--out", str(req),
                          "--method", "sipp", "--workers", str(workers)],
            }
            for stage, command in stages.items():
                runs = [measured(command) for _ in range(args.repeats)]
                seconds = statistics.median(r[0] for r in runs)
                rows.append((stage, workers, seconds, args.queues / seconds, max(r[1] for r in runs),
                             max(r[2] for r in runs)))
            outputs[workers] = (fc.read_bytes(), req.read_bytes())
        stages = {}  # the bound: each half serially in its own plain process, both at once
        for name, half_config in halves:
            fc, req = folder / f"forecast_{name}.parquet", folder / f"requirements_{name}.parquet"
            stages.setdefault("forecast", []).append(
                [str(STAFFCAST), "forecast", str(history), "-c", str(half_config), "--out", str(fc),
                 "--horizon-days", "14", "--model", args.model, "--workers", "1"])
            stages.setdefault("staff", []).append(
                [str(STAFFCAST), "staff", str(fc), "-c", str(half_config), "--out", str(req),
                 "--method", "sipp", "--workers", "1"])
        for stage, commands in stages.items():
            runs = [measured_together(commands) for _ in range(args.repeats)]
            seconds = statistics.median(r[0] for r in runs)
            rows.append((stage, "2 procs", seconds, args.queues / seconds, max(r[1] for r in runs), 0.0))
        halves_equal = {
            kind: pd.concat([pd.read_parquet(folder / f"{kind}_{name}.parquet") for name, _ in halves],
                            ignore_index=True).equals(pd.read_parquet(folder / f"{kind}_1.parquet"))
            for kind in ("forecast", "requirements")}
        print(f"\n{'stage':<9} {'workers':>7} {'median s':>9} {'queues/s':>9} {'main MB':>8} {'worker MB':>9}")
        for stage, workers, seconds, rate, main_mb, child_mb in rows:
            child = f"{child_mb:9.0f}" if workers == 2 else f"{'-':>9}"
            print(f"{stage:<9} {workers:>7} {seconds:9.2f} {rate:9.2f} {main_mb:8.0f} {child}")
        total = {w: sum(r[2] for r in rows if r[1] == w) for w in (1, 2, "2 procs")}
        speedup = total[1] / total[2]
        bound = total[1] / total["2 procs"]
        per_queue = total[2] / args.queues
        print(f"\nforecast + staff: serial {total[1]:.2f} s, 2 workers {total[2]:.2f} s: speed-up {speedup:.2f}x "
              f"(goal >= 1.8x: {'met' if speedup >= 1.8 else 'NOT met'}); "
              f"cost per queue {total[1] / args.queues * 1000:.0f} ms serial")
        print(f"bound: two plain processes on the two halves at once {total['2 procs']:.2f} s: speed-up {bound:.2f}x "
              f"beside Dask's {speedup:.2f}x (Dask reaches {speedup / bound:.0%} of it); halves' outputs "
              f"concatenated equal the serial run's: forecast {halves_equal['forecast']}, "
              f"requirements {halves_equal['requirements']}")
        worker_peak = max(r[5] for r in rows if r[1] == 2)
        print(f"peak memory per worker {worker_peak:.0f} MB (goal < 2048 MB: "
              f"{'met' if worker_peak < 2048 else 'NOT met'}); outputs identical: "
              f"forecast {outputs[1][0] == outputs[2][0]}, requirements {outputs[1][1] == outputs[2][1]}")
        print(f"projection, 100,000 queues on 64 workers at the serial cost per queue: "
              f"{100_000 * total[1] / args.queues / 64 / 60:.1f} min (perfect scaling), "
              f"{100_000 * per_queue * 2 / 64 / 60:.1f} min at this run's 2-worker efficiency")


if __name__ == "__main__":
    main()

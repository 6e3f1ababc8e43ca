"""`forecast`, `backtest` and `staff` fanned out per queue (`--workers N` / `--scheduler tcp://HOST:PORT`).

The commands in cli.py call these when either option is given; each queue is one task of
`staffcast.fanout.map_queues` (`staffcast.queue_tasks`), and the output file is the same
byte for byte whatever ran the tasks.
"""

from __future__ import annotations

from pathlib import Path


def forecast_queues(history: Path, config: Path, out: Path, events: Path | None, *, horizon_days: int,
                    model: str, fill_zero: bool, workers: int | None, scheduler: str | None) -> None:
    """Forecast every queue of the config as its own task and write the forecast frame."""
    from rich.console import Console

    from staffcast.config import load_config
    from staffcast.fanout import map_queues, progress_bar
    from staffcast.files import write_frame_atomic
    from staffcast.forecast.data import load_events
    from staffcast.queue_tasks import ForecastTask, merge_forecasts, staged_history

    console = Console(stderr=True)
    cfg = load_config(config, needs=(), command="staffcast forecast")
    evs = load_events(events, cfg.timezone, cfg.channel_names) if events is not None else None
    with staged_history(Path(history).resolve(), cfg.channel_names) as staged, \
            progress_bar(console, "forecast") as report:
        task = ForecastTask(cfg, staged, evs, horizon_days, model, fill_zero)
        results = map_queues(task, cfg.channel_names, workers=workers, scheduler=scheduler, progress=report)
    frame, _, _, found = merge_forecasts(results)
    write_frame_atomic(frame, out)
    daily = frame.groupby("channel", sort=False).agg(volume=("volume", "sum"), model=("model", "first"))
    for row in daily.head(20).itertuples():
        console.print(f"{row.Index}: {row.volume / horizon_days:,.0f} contacts/day over {horizon_days} days "
                      f"(model {row.model})", markup=False)
    if len(daily) > 20:
        console.print(f"... and {len(daily) - 20} more queues", markup=False)
    console.print(f"{len(found)} day(s) found in the history and not in the events calendar", markup=False)
    console.print(f"wrote {len(frame):,} intervals of {len(daily)} queues to {out}", markup=False)


def backtest_queues(history: Path, config: Path, events: Path | None, *, folds: int, horizon_days: int,
                    models: tuple[str, ...], fill_zero: bool, workers: int | None, scheduler: str | None):
    """(config, metrics frame, findings frame) of every queue backtested as its own task, rows
    in the config's queue order."""
    import pandas as pd
    from rich.console import Console

    from staffcast.config import load_config
    from staffcast.fanout import map_queues, progress_bar
    from staffcast.forecast.data import load_events
    from staffcast.queue_tasks import BacktestTask, staged_history

    cfg = load_config(config, needs=(), command="staffcast backtest")
    evs = load_events(events, cfg.timezone, cfg.channel_names) if events is not None else None
    with staged_history(Path(history).resolve(), cfg.channel_names) as staged, \
            progress_bar(Console(stderr=True), "backtest") as report:
        task = BacktestTask(cfg, staged, evs, folds, horizon_days, tuple(models), fill_zero)
        results = map_queues(task, cfg.channel_names, workers=workers, scheduler=scheduler, progress=report)
    metrics = pd.concat([m for m, _ in results], ignore_index=True)
    found = pd.concat([f for _, f in results], ignore_index=True)
    return cfg, metrics, found


def staff_requirements(frame, cfg, options: dict, *, workers: int | None, scheduler: str | None):
    """The requirements frame, each queue's forecast rows staffed as their own task, rows
    in the forecast's order."""
    import pandas as pd
    from rich.console import Console

    from staffcast.fanout import map_queues, progress_bar
    from staffcast.queue_tasks import StaffTask

    order = frame["channel"].drop_duplicates().tolist()
    parts = [frame[frame["channel"] == name] for name in order]
    with progress_bar(Console(stderr=True), "staff") as report:
        pieces = map_queues(StaffTask(cfg, options), parts, workers=workers, scheduler=scheduler, progress=report,
                            batches_per_worker=4)
    req = pd.concat([piece.set_axis(part.index) for piece, part in zip(pieces, parts, strict=True)])
    return req.sort_index().reset_index(drop=True)

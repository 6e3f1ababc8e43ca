"""Forecast and staffing of one queue, the tasks `staffcast.fanout.map_queues` runs.

Per queue means: the queue's own rows of history (read with a pyarrow filter from a
Parquet file or a dataset partitioned by channel, so a task never holds the whole
history), its own closed days and open hours, its models fitted on its rows alone, and
its requirements from its own forecast rows. Results are concatenated in the config's
queue order.
"""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.frame_io import is_parquet


@contextmanager
def staged_history(path: Path, queues, block_bytes: int = 64 << 20):
    """The history path the tasks read: a Parquet file or dataset as it is; a CSV converted
    once, streamed in blocks of `block_bytes`, to a temporary directory named after the file
    holding one Parquet file per queue and block (text columns, channel stripped and
    lower-cased), so a task's filtered read touches only its queue's files. Removed on exit."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    from staffcast.errors import InputError
    from staffcast.frame_io import _header

    path = Path(path)
    if path.is_dir() or is_parquet(path):
        yield path
        return
    if not path.exists():
        raise InputError(path, "file not found")
    names = _header(path)
    stripped = [name.strip() for name in names]
    if "channel" not in stripped:
        raise InputError(path, "missing column 'channel'", row=1)
    wanted = list(queues)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / path.stem
        folder.mkdir()
        reader = pa_csv.open_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=block_bytes),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), null_values=[],
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
        try:
            for block, batch in enumerate(reader):
                columns = [pc.utf8_ltrim(batch.column(i), " ") for i in range(batch.num_columns)]
                table = pa.table(columns, names=stripped)
                key = pc.utf8_lower(pc.utf8_trim_whitespace(table.column("channel")))
                table = table.set_column(stripped.index("channel"), "channel", key)
                for number, queue in enumerate(wanted):
                    rows = table.filter(pc.equal(key, queue))
                    if rows.num_rows:
                        pq.write_table(rows, folder / f"part-{block:06d}-{number:06d}.parquet")
        except (pa.ArrowException, OSError) as exc:
            raise InputError(path, f"cannot read as CSV: {str(exc).strip().splitlines()[0]}") from None
        yield folder


def queue_history(config: PlanningConfig, path: Path, queue: str, fill_zero: bool):
    """The validated history of one queue. Parquet (a file or a directory dataset): only
    the queue's rows are read, and error rows count among them; CSV: the file is read and
    its other queues' rows dropped (`staged_history` converts a CSV once so tasks need not)."""
    import pyarrow.parquet as pq

    from staffcast.forecast.data import load_history

    path = Path(path)
    if path.is_dir() or is_parquet(path):
        table = pq.read_table(path, filters=[("channel", "==", queue)])
        frame = table.to_pandas()
        frame["channel"] = frame["channel"].astype(str)
    else:
        from staffcast.frame_io import read_frame

        whole, _ = read_frame(path)
        frame = whole[whole["channel"].str.strip().str.lower() == queue]
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / f"{path.stem}[channel={queue}].parquet"
        frame.to_parquet(part, index=False)
        return load_history(part, config.timezone, config.interval_minutes, fill_zero=fill_zero,
                            channels=(queue,))


def queue_events(events: pd.DataFrame | None, queue: str) -> pd.DataFrame | None:
    """The events calendar's rows naming `queue` (all columns kept, also when none does)."""
    if events is None:
        return None
    mask = events["channels"].map(lambda names: queue in names).to_numpy(dtype=bool)
    return events[mask].reset_index(drop=True)


@dataclass(frozen=True)
class ForecastTask:
    """Forecast one queue: history path, events frame (or None), horizon and model."""

    config: PlanningConfig
    history: Path
    events: pd.DataFrame | None
    horizon_days: int
    model: str
    fill_zero: bool = False

    def __call__(self, queue: str):
        from staffcast.forecast.api import run_forecast

        hist = queue_history(self.config, self.history, queue, self.fill_zero)
        events = queue_events(self.events, queue)
        return run_forecast(hist, events, self.horizon_days, model=self.model)


@dataclass(frozen=True)
class BacktestTask:
    """Backtest one queue: its metrics per model and fold, and its findings."""

    config: PlanningConfig
    history: Path
    events: pd.DataFrame | None
    folds: int
    horizon_days: int
    models: tuple[str, ...]
    fill_zero: bool = False

    def __call__(self, queue: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        from staffcast.forecast.api import backtest, findings

        hist = queue_history(self.config, self.history, queue, self.fill_zero)
        events = queue_events(self.events, queue)
        metrics = backtest(hist, events, folds=self.folds, horizon_days=self.horizon_days, models=self.models)
        return metrics, findings(hist, events)


@dataclass(frozen=True)
class StaffTask:
    """Requirements of one queue from its forecast rows (`requirements` keyword arguments)."""

    config: PlanningConfig
    options: dict

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        from staffcast.scheduler.staffing.requirements import requirements

        return requirements(part, self.config, **self.options)


def merge_forecasts(results) -> tuple[pd.DataFrame, dict, pd.DataFrame, pd.DataFrame]:
    """(forecast frame, reasons, event effects, findings) of per-queue ForecastResults."""
    frame = pd.concat([r.frame for r in results], ignore_index=True)
    reasons = {k: v for r in results for k, v in (r.reasons or {}).items()}
    effects = pd.concat([r.event_effects for r in results], ignore_index=True)
    found = pd.concat([r.findings for r in results], ignore_index=True)
    return frame, reasons, effects, found


@dataclass(frozen=True)
class PlanQueueTask:
    """`run` up to the requirements for one queue's slice of the loaded history: its backtest
    metrics, its forecast and its requirements in the planned week."""

    config: PlanningConfig
    events: pd.DataFrame | None
    folds: int
    backtest_days: int
    horizon_days: int
    model: str
    staff_to: str

    def __call__(self, history):
        from staffcast.forecast.api import backtest, run_forecast
        from staffcast.pipeline import in_week
        from staffcast.scheduler.staffing.requirements import requirements

        queue = history.channels[0]
        events = queue_events(self.events, queue)
        metrics = backtest(history, events, folds=self.folds, horizon_days=self.backtest_days)
        forecasted = run_forecast(history, events, self.horizon_days, model=self.model)
        needs = requirements(in_week(forecasted.frame, self.config), self.config, staff_to=self.staff_to,
                             method=self.config.staffing.method)
        return metrics, forecasted.frame, forecasted.choices, forecasted.findings, needs


def plan_queues(inputs, *, folds: int, backtest_days: int, horizon_days: int, model: str, staff_to: str,
                workers: int | None, scheduler: str | None, progress=None):
    """(metrics, forecast frame, choices, findings, requirements) of `run` fanned out per queue:
    the loaded history split by channel (closed days as detected on the whole history), each
    queue one `PlanQueueTask`, results concatenated in the config's queue order."""
    from dataclasses import replace

    from staffcast.fanout import map_queues

    hist = inputs.history
    parts = [replace(hist, frame=hist.frame[hist.frame["channel"] == name].reset_index(drop=True), channels=(name,))
             for name in inputs.config.channel_names]
    task = PlanQueueTask(inputs.config, inputs.events, folds, backtest_days, horizon_days, model, staff_to)
    results = map_queues(task, parts, workers=workers, scheduler=scheduler, progress=progress)
    return tuple(pd.concat([r[i] for r in results], ignore_index=True) for i in range(5))

"""Fan-out engine: run one function per queue serially, on a local Dask cluster, or on an existing one.

`map_queues(fn, queues, workers=None, scheduler=None, progress=None)` returns
`[fn(q) for q in queues]` in the queues' order whatever ran them, so the output is
byte-identical to the serial run. Serial in-process when neither `workers` (> 1) nor
`scheduler` is given, or for one queue; `workers=N` starts a `LocalCluster` of N
single-threaded processes for the call; `scheduler="tcp://HOST:PORT"` uses a running
cluster. A user mistake (`InputError`) inside a task is carried back and raised here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from staffcast.errors import InputError


@dataclass(frozen=True)
class _Failure:
    """An `InputError` raised in a task, as plain fields (it pickles across processes)."""

    file: str
    message: str
    row: int | None
    column: str | None


def _guarded(fn: Callable[[Any], Any], queue: Any) -> Any:
    try:
        return fn(queue)
    except InputError as exc:
        return _Failure(exc.file, exc.message, exc.row, exc.column)


def _raise_failures(results: list) -> list:
    for result in results:
        if isinstance(result, _Failure):
            raise InputError(result.file, result.message, row=result.row, column=result.column)
    return results


def map_queues(fn: Callable[[Any], Any], queues: Sequence[Any], *, workers: int | None = None,
               scheduler: str | None = None, progress: Callable[[int, int], None] | None = None) -> list:
    """`[fn(q) for q in queues]`, serially or on Dask (see the module docstring);
    `progress(done, total)` after each queue."""
    queues = list(queues)
    report = progress or (lambda done, total: None)
    total = len(queues)
    if scheduler is None and (workers is None or workers <= 1 or total <= 1):
        results = []
        for done, queue in enumerate(queues, start=1):
            results.append(_guarded(fn, queue))
            report(done, total)
        return _raise_failures(results)
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            futures = client.map(_guarded, [fn] * total, queues, pure=False)
            for done, _ in enumerate(as_completed(futures), start=1):
                report(done, total)
            results = client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()
    return _raise_failures(results)


def progress_bar(console, label: str, unit: str = "queues"):
    """A rich progress bar counting queues (or `unit`): use as `with progress_bar(c, "forecast") as report:`."""
    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    @contextmanager
    def bar():
        with Progress(TextColumn(f"{label} {unit}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bars:
            task = bars.add_task(label, total=None)
            yield lambda done, total: bars.update(task, completed=done, total=total)

    return bar()

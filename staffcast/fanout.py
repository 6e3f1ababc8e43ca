"""Fan-out engine: run one function per queue serially, on a local Dask cluster, or on an existing one.

`map_queues(fn, queues, workers=None, scheduler=None, progress=None, batches_per_worker=None)`
returns `[fn(q) for q in queues]` in the queues' order whatever ran them, so the output is
byte-identical to the serial run. Serial in-process when neither `workers` (> 1) nor
`scheduler` is given, or for one queue; `workers=N` starts a `LocalCluster` of N
single-threaded processes for the call; `scheduler="tcp://HOST:PORT"` uses a running
cluster. A user mistake (`InputError`) inside a task is carried back and raised here.

One task per queue by default; with `batches_per_worker=k` the queues are cut into about
k x (the cluster's worker threads) contiguous batches, one task each, so that stages whose
queues take milliseconds pay a round trip per batch rather than per queue. The progress
callback still counts queues.

The `LocalCluster` started for `workers=N` runs with `LOCAL_CLUSTER_CONFIG`: the workers
keep glibc's default malloc trim threshold (Dask's nanny otherwise sets
`MALLOC_TRIM_THRESHOLD_=65536`, which returns freed memory to the system at once, so a
pandas-heavy task takes its pages back through page faults, in system CPU time) and the
workers' and scheduler's periodic housekeeping (event-loop health tick, memory monitor,
system monitor, statistical profiler) runs rarely or not at all, leaving the CPU to the
tasks. An existing cluster (`scheduler=`) runs with its own configuration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from staffcast.errors import InputError

LOCAL_CLUSTER_CONFIG = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1,
                                            "OPENBLAS_NUM_THREADS": 1},
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.profile.enabled": False,
}


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


def _guarded_batch(fn: Callable[[Any], Any], batch: list) -> list:
    """`_guarded(fn, q)` for each queue of `batch`, in order; stops at the first failure
    (the command raises it anyway), which is then the batch's last element."""
    results = []
    for queue in batch:
        results.append(_guarded(fn, queue))
        if isinstance(results[-1], _Failure):
            break
    return results


def _raise_failures(results: list) -> list:
    for result in results:
        if isinstance(result, _Failure):
            raise InputError(result.file, result.message, row=result.row, column=result.column)
    return results


def batches(items: list, count: int) -> list[list]:
    """`items` cut into `min(count, len(items))` contiguous batches whose sizes differ by at
    most one, in order (concatenated they are `items`)."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    cuts = [0]
    for i in range(count):
        cuts.append(cuts[-1] + size + (1 if i < extra else 0))
    return [items[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _local_cluster(workers: int):
    """A LocalCluster of `workers` single-threaded processes with `LOCAL_CLUSTER_CONFIG`."""
    import dask
    from dask.distributed import LocalCluster

    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                            dashboard_address=None)


def _on_cluster(client, fn, queues: list, report, batches_per_worker: int | None) -> list:
    """The guarded results of `fn` per queue computed on `client`, in the queues' order."""
    from dask.distributed import as_completed

    total = len(queues)
    if batches_per_worker is None:
        futures = client.map(_guarded, [fn] * total, queues, pure=False)
        for done, _ in enumerate(as_completed(futures), start=1):
            report(done, total)
        return client.gather(futures)
    threads = max(1, sum(client.nthreads().values()))
    parts = batches(queues, batches_per_worker * threads)
    futures = client.map(_guarded_batch, [fn] * len(parts), parts, pure=False)
    sizes = {future.key: len(part) for future, part in zip(futures, parts, strict=True)}
    done = 0
    for future in as_completed(futures):
        done += sizes[future.key]
        report(done, total)
    return [result for part in client.gather(futures) for result in part]


def map_queues(fn: Callable[[Any], Any], queues: Sequence[Any], *, workers: int | None = None,
               scheduler: str | None = None, progress: Callable[[int, int], None] | None = None,
               batches_per_worker: int | None = None) -> list:
    """`[fn(q) for q in queues]`, serially or on Dask (see the module docstring);
    `progress(done, total)` after each queue (after each batch on Dask with
    `batches_per_worker`, `done` counting queues)."""
    queues = list(queues)
    report = progress or (lambda done, total: None)
    total = len(queues)
    if scheduler is None and (workers is None or workers <= 1 or total <= 1):
        results = []
        for done, queue in enumerate(queues, start=1):
            results.append(_guarded(fn, queue))
            report(done, total)
        return _raise_failures(results)
    from dask.distributed import Client

    cluster = _local_cluster(workers) if scheduler is None else None
    try:
        with Client(cluster if cluster is not None else scheduler) as client:
            results = _on_cluster(client, fn, queues, report, batches_per_worker)
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

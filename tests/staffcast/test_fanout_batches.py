"""Batches of queues per task on a real LocalCluster: results in the queues' order, the
progress bar counting queues, a user error in a batch raised as the one-line InputError, and
the local cluster's workers started without Dask's malloc trim threshold."""

from __future__ import annotations

import os

import pytest

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.fanout import batches, map_queues


def test_batches_are_contiguous_and_even():
    items = list(range(10))
    assert batches(items, 4) == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]
    assert batches(items, 1) == [items]
    assert batches([1, 2], 8) == [[1], [2]]


def test_batched_map_keeps_order_counts_queues_and_raises_one_line(tmp_path):
    seen = []
    queues = [(-1) ** i * i for i in range(23)]
    assert map_queues(abs, queues, workers=2, batches_per_worker=3,
                      progress=lambda d, t: seen.append((d, t))) == [abs(q) for q in queues]
    assert seen[-1] == (23, 23) and len(seen) == 6  # 3 batches x 2 workers, each reported once
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with pytest.raises(InputError, match="^missing.toml: cannot read the config"):
        map_queues(load_config, [tmp_path / "missing.toml"] * 3, workers=2, batches_per_worker=1)


def test_local_cluster_workers_keep_the_default_malloc_trim():
    assert map_queues(os.getenv, ["MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS"], workers=2) == [None, "1"]

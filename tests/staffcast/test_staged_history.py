"""A CSV history is converted once to one Parquet file per queue and block, so each fan-out
task reads only its queue's rows; the forecast equals the one from the Parquet history."""

from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
from queue_cases import write_queue_case
from typer.testing import CliRunner

from staffcast.cli import app
from staffcast.queue_tasks import staged_history


def test_csv_history_is_split_per_queue_and_forecasts_like_parquet(tmp_path):
    config, _, history = write_queue_case(tmp_path, queues=3, weeks=5)
    frame = pd.read_parquet(history)
    csv = tmp_path / "history.csv"
    frame.assign(channel=" " + frame["channel"].str.upper()).to_csv(csv, index=False)
    with staged_history(csv, ["q000", "q001", "q002"], block_bytes=8 << 10) as staged:
        files = sorted(staged.iterdir())
        assert staged.name == "history" and len(files) > 3
        for file in files:
            assert len(set(pq.read_table(file).column("channel").to_pylist())) == 1
        counts = pq.read_table(staged).to_pandas().groupby("channel").size()
        assert counts.to_dict() == frame.groupby("channel").size().to_dict()
    assert not staged.exists()
    outs = []
    for source, name in [(history, "parquet"), (csv, "csv")]:
        out = tmp_path / f"forecast_{name}.csv"
        result = CliRunner().invoke(app, ["forecast", str(source), "-c", str(config), "--out", str(out),
                                          "--horizon-days", "7", "--model", "profile", "--workers", "1"])
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_bad_csv_row_is_one_line_naming_the_queue_row(tmp_path):
    config, _, history = write_queue_case(tmp_path, queues=3, weeks=5)
    frame = pd.read_parquet(history).astype({"volume": object})
    frame.loc[frame.index[frame["channel"] == "q001"][4], "volume"] = "lots"
    csv = tmp_path / "bad.csv"
    frame.to_csv(csv, index=False)
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(app, ["backtest", str(csv), "-c", str(config), "--out", str(out),
                                      "--model", "profile", "--folds", "2", "--horizon-days", "7", "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert "bad[channel=q001].parquet row 5, column volume" in result.output
    assert not out.exists()

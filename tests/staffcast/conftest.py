"""A small planning case for end-to-end command tests that must run in seconds: the
sample's voice channel (volume scaled down), its last six weeks of history, no events and a
few voice agents. The `small_case` fixture is the function that writes it and returns the
paths; `run_args` gives the `staffcast run` command line for it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sample_paths import SAMPLE_DIR

SMALL_CONFIG = """\
[planning]
timezone = "Asia/Shanghai"
interval_minutes = 60
week_start = "2026-12-07"

[[channel]]
name = "voice"
kind = "queue"
service_level = 0.80
answer_seconds = 20
shrinkage = 0.30
open_hours = "08:00-22:00"

[shifts]
lengths_hours = [8]
start_times = "07:00-14:00/60min"
break_minutes = 60

[solver]
time_limit_seconds = 5
workers = 1
"""


def small_case(folder: Path, *, agents: int = 12, scale: float = 0.08, agent_prefix: str = "V") -> dict[str, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    history = pd.read_parquet(SAMPLE_DIR / "history.parquet")
    history = history[(history["channel"] == "voice")
                      & (history["interval_start"] >= history["interval_start"].max() - pd.Timedelta(days=42))]
    history = history.set_index("interval_start").groupby("channel").resample("60min").agg(
        {"volume": "sum", "aht_seconds": "mean"}).reset_index()
    history = history[history["volume"] > 0]
    history["volume"] = (history["volume"] * scale).round()
    history["aht_seconds"] = history["aht_seconds"].where(history["volume"] > 0)
    paths = {"history": folder / "history.csv", "events": folder / "events.csv",
             "config": folder / "planning.toml", "agents": folder / "agents.csv"}
    history.to_csv(paths["history"], index=False)
    paths["events"].write_text("name,kind,start,end,channels,size\n"
                               "Winter sale,campaign,2026-12-09,2026-12-10,voice,\n", encoding="utf-8")
    paths["config"].write_text(SMALL_CONFIG, encoding="utf-8")
    ids = [f"{agent_prefix}{i:02d}" if isinstance(agent_prefix, str) else agent_prefix(i) for i in range(1, agents + 1)]
    rows = ["agent_id,name,channels,min_hours_week,max_hours_week"]
    rows += [f"{a},Agent {a},voice,0,40" for a in ids]
    paths["agents"].write_text("\n".join(rows) + "\n", encoding="utf-8")
    return paths


def run_args(paths: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return ["run", str(paths["history"]), "--events", str(paths["events"]), "--config", str(paths["config"]),
            "--agents", str(paths["agents"]), "--out", str(out), "--folds", "1", "--backtest-days", "7", *extra]


@pytest.fixture(name="small_case")
def small_case_fixture():
    """`small_case(folder, agents=N, ...)`: write the small case, return its paths (test
    modules import nothing from a conftest, so the helpers come as fixtures)."""
    return small_case


@pytest.fixture(name="run_args")
def run_args_fixture():
    """`run_args(paths, out, *extra)`: the `staffcast run` arguments for the small case."""
    return run_args

"""`staffcast simulate`: discrete-event simulation of a requirements or coverage file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import user_errors


@user_errors
def simulate(
    frame: Annotated[Path, typer.Argument(help="Requirements file (simulated with its agents) or coverage file "
                                          "(simulated with scheduled staff less shrinkage).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml.")],
    requirements: Annotated[Path | None, typer.Option(help="Requirements file giving volume and AHT for a "
                                                      "coverage file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the per-interval simulation (.csv or .parquet).")] = None,
    replications: Annotated[int, typer.Option(help="Independent runs (>= 2) for the 95% half-widths.")] = 20,
    seed: Annotated[int | None, typer.Option(help="Random seed (default: [solver] seed of the config).")] = None,
    handle: Annotated[str, typer.Option(help="Handle-time distribution: exponential or lognormal.")] = "exponential",
    handle_cv: Annotated[float, typer.Option(help="Coefficient of variation of lognormal handle times.")] = 1.0,
) -> None:
    """Discrete-event simulation over consecutive intervals (queues carry over boundaries):
    simulated service level with a 95% half-width, ASA (seconds) and abandonment per
    interval; prints the per-channel comparison with the Erlang figures."""
    import numpy as np
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from staffcast.config import load_config
    from staffcast.errors import InputError
    from staffcast.files import write_frame_atomic
    from staffcast.scheduler.inputs.frames import frame_columns, read_coverage, read_requirements
    from staffcast.scheduler.simulation.frame import simulate_frame

    if replications < 2:
        raise InputError("", f"--replications: expected at least 2, got {replications}")
    if handle not in ("exponential", "lognormal") or handle_cv <= 0:
        raise InputError("", "--handle: expected exponential or lognormal (with --handle-cv > 0)")
    cfg = load_config(config, needs=(), command="staffcast simulate")
    columns = frame_columns(frame)
    if "scheduled" in columns:
        if requirements is None:
            raise InputError(frame, "a coverage file needs --requirements for volume and aht_seconds")
        data = read_coverage(frame, cfg)
        req = read_requirements(requirements, cfg)
        # coverage lists closed hours too; where the requirements have no row no contacts arrive
        erlang = data.merge(req[["channel", "interval_start", "service_level", "volume"]],
                            on=["channel", "interval_start"], suffixes=("_cov", ""))
        if "service_level_cov" in erlang:
            erlang["service_level"] = erlang["service_level_cov"]
    elif "agents" in columns:
        data = req = read_requirements(frame, cfg)
        erlang = req
    else:
        raise InputError(frame, "expected a requirements file (agents column) or a coverage file (scheduled "
                         "column); for a roster, simulate the coverage file `staffcast schedule` writes", row=1)
    sim = simulate_frame(data, cfg, requirements=req, replications=replications,
                         seed=cfg.solver.seed if seed is None else seed, handle=handle, handle_cv=handle_cv)
    if out is not None:
        write_frame_atomic(sim, out)
    both = sim.merge(erlang[["channel", "interval_start", "service_level", "volume"]],
                     on=["channel", "interval_start"])
    table = Table(title=f"Simulation: {replications} replications, {handle} handle times "
                  "(volume-weighted means over intervals)", box=box.SIMPLE)
    for column in ("channel", "contacts", "planned\nSL", "simulated\nSL", "interval\n95% +-", "simulated\nASA s",
                   "abandoned"):
        table.add_column(column, justify="left" if column == "channel" else "right",
                         min_width=max(map(len, column.split("\n"))))
    for name, part in both.groupby("channel", sort=False):
        w = part["volume"].to_numpy()
        if w.sum() <= 0:
            continue

        def mean(col, part=part, w=w):  # volume-weighted over intervals where it is defined
            values = part[col].to_numpy(float)
            known = np.isfinite(values) & (w > 0)
            return float(np.average(values[known], weights=w[known])) if known.any() else float("nan")

        planned = mean("service_level")
        table.add_row(name, f"{w.sum():,.0f}", "-" if planned != planned else f"{planned:.1%}",
                      f"{mean('sim_service_level'):.1%}",
                      f"{mean('sim_service_level_halfwidth'):.1%}", f"{mean('sim_asa_seconds'):,.0f}",
                      f"{mean('sim_abandon_rate'):.1%}")
    Console().print(table)
    if out is not None:
        Console().print(f"wrote {len(sim):,} rows to {out}")

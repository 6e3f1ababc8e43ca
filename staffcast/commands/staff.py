"""`staffcast staff`: agents and staff per channel and interval from a forecast, with what-if
multipliers and deflection."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import SCHEDULER_HELP, WORKERS_HELP, user_errors


def _deflection(values: list[str]) -> dict[str, float]:
    """Parse repeated `--deflection CHANNEL=SHARE` options."""
    from staffcast.errors import InputError

    shares: dict[str, float] = {}
    for text in values:
        name, _, share = text.partition("=")
        try:
            value = float(share)
        except ValueError:
            value = -1.0
        if not name.strip() or not 0.0 <= value < 1.0:
            raise InputError("", f"--deflection: expected CHANNEL=SHARE with SHARE in [0, 1), got {text!r}")
        shares[name.strip().lower()] = value
    return shares


@user_errors
def staff(
    forecast: Annotated[Path, typer.Argument(help="Forecast file (CSV or Parquet) written by `staffcast forecast`.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml (service targets, shrinkage, "
                                         "open hours).")],
    out: Annotated[Path, typer.Option(help="Requirements file to write (.csv or .parquet).")],
    staff_to: Annotated[str, typer.Option(help="volume (central forecast) or volume_hi (upper 80% bound, "
                                          "risk-averse).")] = "volume",
    volume_multiplier: Annotated[float, typer.Option(help="What-if: multiply contacts by this factor.")] = 1.0,
    aht_multiplier: Annotated[float, typer.Option(help="What-if: multiply handle time (seconds) by this "
                                                  "factor.")] = 1.0,
    deflection: Annotated[list[str] | None, typer.Option(help="What-if: CHANNEL=SHARE of contacts a bot answers "
                                                         "before an agent (repeatable), e.g. chat=0.2.")] = None,
    method: Annotated[str | None, typer.Option(help="Queue staffing over time: sipp (per-interval Erlang C/A), "
                                               "mol (Erlang C/A at the modified offered load, lagging the "
                                               "arrivals) or isa (raised where a simulation with queues carried "
                                               "over misses the target). Default: [staffing] method of the "
                                               "config (mol).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
) -> None:
    """Agents and staff per channel and interval: Erlang C (Erlang A with patience) for queue
    channels with chat concurrency, over time by --method (sipp, mol or isa), FIFO backlog
    within response_hours for deferred channels; staff = agents grossed up for shrinkage.
    Prints peak staff and agent-hours per channel."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from staffcast.config import load_config
    from staffcast.errors import InputError
    from staffcast.files import write_frame_atomic
    from staffcast.scheduler.inputs.frames import read_forecast
    from staffcast.scheduler.staffing.requirements import requirements, requirements_summary

    if staff_to not in ("volume", "volume_hi"):
        raise InputError("", f"--staff-to: expected volume or volume_hi, got {staff_to!r}")
    if method is not None and method not in ("sipp", "mol", "isa"):
        raise InputError("", f"--method: expected sipp, mol or isa, got {method!r}")
    if volume_multiplier < 0 or aht_multiplier <= 0:
        raise InputError("", "--volume-multiplier must be >= 0 and --aht-multiplier > 0")
    cfg = load_config(config, needs=(), command="staffcast staff")
    shares = _deflection(deflection or [])
    for name in shares:
        if name not in cfg.channel_names:
            raise InputError("", f"--deflection: unknown channel {name!r}; expected one of "
                             f"{', '.join(cfg.channel_names)}")
    frame = read_forecast(forecast, cfg, staff_to)
    method = cfg.staffing.method if method is None else method
    options = dict(staff_to=staff_to, volume_multiplier=volume_multiplier, aht_multiplier=aht_multiplier,
                   deflection=shares, method=method)
    if workers is not None or scheduler is not None:
        from staffcast.commands.fanout import staff_requirements

        req = staff_requirements(frame, cfg, options, workers=workers, scheduler=scheduler)
    else:
        req = requirements(frame, cfg, **options)
    write_frame_atomic(req, out)
    table = Table(title=f"Requirements ({cfg.interval_minutes}-minute intervals, staffed to {staff_to}, "
                  f"queues by {method}); "
                  "deferred channels: SL within response_hours, ASA = mean reply time", box=box.SIMPLE)
    for column in ("channel", "contacts", "peak\nagents", "peak\nstaff", "agent\nhours", "staff\nhours", "SL",
                   "ASA", "max\nbacklog"):
        table.add_column(column, justify="left" if column == "channel" else "right",
                         min_width=max(map(len, column.split("\n"))))
    for row in requirements_summary(req, cfg).itertuples():
        deferred = row.kind == "deferred"
        asa = f"{row.asa_seconds / 3600:.1f} h" if deferred else f"{row.asa_seconds:.0f} s"
        table.add_row(row.channel, f"{row.contacts:,.0f}", f"{row.peak_agents}", f"{row.peak_staff}",
                      f"{row.agent_hours:,.0f}", f"{row.staff_hours:,.0f}", f"{row.service_level:.1%}", asa,
                      f"{row.max_backlog:,.0f}" if deferred else "-")
    console = Console()
    console.print(table)
    console.print(f"wrote {len(req):,} rows to {out}")

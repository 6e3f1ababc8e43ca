"""`staffcast forecast` and `staffcast backtest`: contacts and AHT per channel from the history,
and the rolling-origin backtest of the forecast models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import SCHEDULER_HELP, WORKERS_HELP, print_choices, print_findings, user_errors


@user_errors
def forecast(
    history: Annotated[Path, typer.Argument(help="History file (CSV or Parquet; interval- or contact-level).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml (timezone, interval length, "
                                         "channels).")],
    out: Annotated[Path, typer.Option(help="Forecast file to write (.csv or .parquet).")],
    events: Annotated[Path | None, typer.Option(help="Events calendar CSV (past events teach their uplift, "
                                                "future ones drive the forecast).")] = None,
    horizon_days: Annotated[int, typer.Option(help="Days to forecast, from the interval after the history "
                                              "end.")] = 14,
    model: Annotated[str, typer.Option(help="auto (best backtest WAPE per channel), snaive_week, mean_3w, "
                                       "profile or waves.")] = "auto",
    plot: Annotated[Path | None, typer.Option(help="Also draw history + forecast to this PNG (one panel "
                                              "per channel).")] = None,
    fill_zero: Annotated[bool, typer.Option(help="Count missing history intervals in open hours as zero "
                                            "contacts.")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
) -> None:
    """Forecast contacts (volume per interval, 80% band) and AHT (seconds) per channel."""
    from rich.console import Console

    from staffcast.files import write_frame_atomic
    from staffcast.forecast.api import check_horizon, check_models, run_forecast

    check_horizon(horizon_days)
    check_models(model, allow_auto=True)
    if workers is not None or scheduler is not None:
        from staffcast.commands.fanout import forecast_queues

        forecast_queues(history, config, out, events, horizon_days=horizon_days, model=model, fill_zero=fill_zero,
                        workers=workers, scheduler=scheduler)
        return
    from staffcast.pipeline import load_forecast_inputs

    cfg, hist, evs = load_forecast_inputs(history, events, config, fill_zero=fill_zero,
                                          command="staffcast forecast")
    console = Console(stderr=True)
    with console.status("fitting models and calibrating on backtests..."):
        result = run_forecast(hist, evs, horizon_days, model=model)
    frame = result.frame
    write_frame_atomic(frame, out)
    if plot is not None:
        _plot_channels(hist.frame, frame, evs, plot)
    daily = frame.groupby("channel").agg(volume=("volume", "sum"), model=("model", "first"))
    for row in daily.itertuples():
        console.print(f"{row.Index}: {row.volume / horizon_days:,.0f} contacts/day over {horizon_days} days "
                      f"(model {row.model})", markup=False)
    print_choices(console, result.choices)
    print_findings(console, result.findings)
    for row in result.event_effects.itertuples():
        size = "" if row.size != row.size else f" (size {row.size:,.0f})"
        effect = (f"{row.peak_uplift:+.0%} at its peak, learned from {row.learned_from} past {row.kind} event(s)"
                  if row.peak_uplift == row.peak_uplift else
                  f"no effect applied (model {result.models[row.channel]}, "
                  f"{row.learned_from} past {row.kind} event(s) on this channel)")
        console.print(f"{row.name}{size} on {row.channel}: {effect}")
    console.print(f"wrote {len(frame):,} intervals to {out}")


def _plot_channels(history_frame, frame, evs, target: Path) -> None:
    import matplotlib.pyplot as plt

    from staffcast.files import atomic_path
    from staffcast.forecast.plot import plot_forecast_panels

    fig = plot_forecast_panels(history_frame, frame, evs)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


@user_errors
def backtest(
    history: Annotated[Path, typer.Argument(help="History file (CSV or Parquet).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml.")],
    out: Annotated[Path, typer.Option(help="Metrics file to write (.csv or .parquet): one row per model, "
                                      "channel and fold.")],
    events: Annotated[Path | None, typer.Option(help="Events calendar CSV.")] = None,
    folds: Annotated[int, typer.Option(help="Rolling origins (consecutive test windows ending at the "
                                       "history end).")] = 4,
    horizon_days: Annotated[int, typer.Option(help="Days in each test window.")] = 14,
    model: Annotated[str, typer.Option(help="auto (every model, then the per-channel choice) or one of "
                                       "snaive_week, mean_3w, profile, waves.")] = "auto",
    fill_zero: Annotated[bool, typer.Option(help="Count missing history intervals in open hours as zero "
                                            "contacts.")] = False,
    workers: Annotated[int | None, typer.Option(min=1, help=WORKERS_HELP)] = None,
    scheduler: Annotated[str | None, typer.Option(help=SCHEDULER_HELP)] = None,
) -> None:
    """Rolling-origin backtest: WAPE, MASE, bias, event-interval WAPE, 80%-band coverage and
    the Poisson noise floor per model, channel and fold; prints the mean per model and channel."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from staffcast.files import write_frame_atomic
    from staffcast.forecast.api import MODELS, check_horizon, check_models
    from staffcast.forecast.api import backtest as run_backtest
    from staffcast.forecast.choice import choice_reasons

    check_horizon(horizon_days)
    names = check_models(model, allow_auto=True)
    console = Console()
    if workers is not None or scheduler is not None:
        from staffcast.commands.fanout import backtest_queues

        cfg, metrics, found = backtest_queues(history, config, events, folds=folds, horizon_days=horizon_days,
                                              models=tuple(names), fill_zero=fill_zero, workers=workers,
                                              scheduler=scheduler)
    else:
        from staffcast.forecast.api import findings
        from staffcast.pipeline import load_forecast_inputs

        cfg, hist, evs = load_forecast_inputs(history, events, config, fill_zero=fill_zero,
                                              command="staffcast backtest")
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task(f"{folds} folds x {len(names)} models", total=folds * len(names))
            metrics = run_backtest(hist, evs, folds=folds, horizon_days=horizon_days, models=names,
                                   progress=lambda done, total: bar.update(task, completed=done))
        found = findings(hist, evs)
    write_frame_atomic(metrics, out)
    choices = choice_reasons(metrics, list(MODELS))
    chosen = dict(zip(choices["channel"], choices["model"], strict=True))
    mean = metrics.groupby(["channel", "model"], sort=True)[
        ["wape", "mase", "bias", "event_wape", "coverage", "poisson_floor", "floor_ratio"]].mean()
    table = Table(title=f"Backtest: {folds} folds x {horizon_days} days, mean over folds "
                  f"({cfg.interval_minutes}-minute intervals)")
    for column in ("channel", "model", "auto", "WAPE", "MASE", "bias", "event WAPE", "80% coverage",
                   "Poisson floor", "WAPE/floor"):
        table.add_column(column, justify="left" if column in ("channel", "model", "auto") else "right")
    fmt = lambda v, spec: "-" if v != v else format(v, spec)  # noqa: E731
    for (channel, name), row in mean.iterrows():
        mark = "*" if chosen.get(channel) == name else ""
        table.add_row(channel, name, mark, fmt(row.wape, ".3f"), fmt(row.mase, ".2f"), fmt(row.bias, "+.3f"),
                      fmt(row.event_wape, ".3f"), fmt(row.coverage, ".0%"), fmt(row.poisson_floor, ".3f"),
                      fmt(row.floor_ratio, ".2f"))
    console.print(table)
    console.print("* = automatic choice (median WAPE over folds; a baseline only when clearly and consistently "
                  f"better than the structural models). Wrote {out}", markup=False)
    print_choices(console, choices, "Automatic choice per channel and why")
    print_findings(console, found)

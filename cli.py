"""staffcast command line: thin typed commands that read files, call a stage, write files.

Heavy imports live inside the commands so `staffcast --help` stays instant.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="staffcast",
    help="Contact-centre workforce management: forecast contacts, compute staffing, "
    "build rosters.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

SAMPLE_DIR = Path(__file__).resolve().parent / "data"


@app.callback()
def _root() -> None:
    """Contact-centre workforce management: forecast contacts, compute staffing, build
    rosters. Every command reads files, runs one stage and writes files; `staffcast demo`
    runs them all on the bundled sample."""


def user_errors(command):
    """Turn an InputError into `error: <one line>` on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from staffcast_common import InputError

        try:
            return command(*args, **kwargs)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None

    return wrapper


@app.command()
@user_errors
def demo(
    out: Annotated[Path, typer.Option(help="Folder for every output file.")] = Path("demo-out"),
) -> None:
    """Run staffcast on the bundled sample in data/ and summarise it."""
    from rich.console import Console
    from rich.table import Table

    from forecast.data import load_events, load_history
    from forecast.summary import history_summary
    from scheduler.agents import load_agents
    from scheduler.config import load_config

    console = Console()
    config = load_config(SAMPLE_DIR / "planning.toml")
    history = load_history(SAMPLE_DIR / "history.parquet", config.timezone,
                           config.interval_minutes, channels=config.channel_names)
    events = load_events(SAMPLE_DIR / "events.csv", config.timezone, config.channel_names)
    agents = load_agents(SAMPLE_DIR / "agents.csv", config)
    summary = history_summary(history, events)
    table = Table(title=f"Sample history ({config.timezone}, {config.interval_minutes}-minute "
                  "intervals)")
    for column in ("channel", "intervals", "span", "volume/day", "peak interval", "peak",
                   "open h/week", "events past/future"):
        table.add_column(column, justify="left" if column in ("channel", "span") else "right")
    for row in summary.itertuples():
        table.add_row(row.channel, f"{row.intervals:,}",
                      f"{row.first:%Y-%m-%d} .. {row.last:%Y-%m-%d}",
                      f"{row.volume_per_day:,.0f}", f"{row.peak_interval:%Y-%m-%d %H:%M}",
                      f"{row.peak_volume:,.0f}", f"{row.open_hours_per_week:g}",
                      f"{row.past_events}/{row.future_events}")
    console.print(table)
    console.print(f"{len(agents)} agents; roster week starts {config.week_start:%a %Y-%m-%d}; "
                  f"{len(history.closed_dates)} closed days in history.")


def _load_inputs(history: Path, events: Path | None, config: Path, fill_zero: bool):
    """(config, History, events frame or None) read and validated."""
    from forecast.data import load_events, load_history
    from scheduler.config import load_config

    cfg = load_config(config)
    hist = load_history(history, cfg.timezone, cfg.interval_minutes, fill_zero=fill_zero,
                        channels=cfg.channel_names)
    evs = load_events(events, cfg.timezone, cfg.channel_names) if events is not None else None
    return cfg, hist, evs


@app.command()
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
) -> None:
    """Forecast contacts (volume per interval, 80% band) and AHT (seconds) per channel."""
    from rich.console import Console

    from forecast.api import check_horizon, check_models
    from forecast.api import forecast as run_forecast
    from staffcast_common import write_frame_atomic

    check_horizon(horizon_days)
    check_models(model, allow_auto=True)
    cfg, hist, evs = _load_inputs(history, events, config, fill_zero)
    console = Console(stderr=True)
    with console.status("fitting models and calibrating on backtests..."):
        frame = run_forecast(hist, evs, horizon_days, model=model)
    write_frame_atomic(frame, out)
    if plot is not None:
        _plot_channels(hist.frame, frame, evs, plot)
    daily = frame.groupby("channel").agg(volume=("volume", "sum"), model=("model", "first"))
    for row in daily.itertuples():
        console.print(f"{row.Index}: {row.volume / horizon_days:,.0f} contacts/day over {horizon_days} days "
                      f"(model {row.model})")
    console.print(f"wrote {len(frame):,} intervals to {out}")


def _plot_channels(history_frame, frame, evs, target: Path) -> None:
    import matplotlib.pyplot as plt

    from forecast.plot import plot_forecast
    from staffcast_common import atomic_path

    channels = sorted(frame["channel"].unique())
    fig, axes = plt.subplots(len(channels), 1, figsize=(12, 3.6 * len(channels)), layout="constrained",
                             squeeze=False)
    for ax, channel in zip(axes[:, 0], channels, strict=True):
        plot_forecast(history_frame, frame, evs, channel=channel, ax=ax)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


@app.command()
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
) -> None:
    """Rolling-origin backtest: WAPE, MASE, bias, event-interval WAPE, 80%-band coverage and
    the Poisson noise floor per model, channel and fold; prints the mean per model and channel."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from forecast.api import MODELS, check_horizon, check_models
    from forecast.api import backtest as run_backtest
    from forecast.backtest import choose_models
    from staffcast_common import write_frame_atomic

    check_horizon(horizon_days)
    names = check_models(model, allow_auto=True)
    cfg, hist, evs = _load_inputs(history, events, config, fill_zero)
    console = Console()
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"{folds} folds x {len(names)} models", total=folds * len(names))
        metrics = run_backtest(hist, evs, folds=folds, horizon_days=horizon_days, models=names,
                               progress=lambda done, total: bar.update(task, completed=done))
    write_frame_atomic(metrics, out)
    chosen = choose_models(metrics, list(MODELS))
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
    console.print(f"* = automatic choice (lowest mean WAPE; within 1% the simpler model). Wrote {out}")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())

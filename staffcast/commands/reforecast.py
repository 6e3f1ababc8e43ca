"""`staffcast reforecast`: update the rest of today's forecast (and, fading, the following
days) from today's actuals so far."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import console, user_errors
from staffcast.errors import InputError


def read_actuals(path, config, *, now=None):
    """Today's actuals (`staffcast.forecast.data.Actuals`) from an interval- or contact-level
    file in the history formats, read by the history's loader with the config's timezone,
    interval and channels; with `now` (tz-aware), rows not over by `now` are an error."""
    from staffcast.forecast.data import load_actuals

    return load_actuals(path, config.timezone, config.interval_minutes, channels=config.channel_names, now=now)


def parse_now(text: str, timezone: str):
    """`--now` as a tz-aware timestamp (naive: planning-local time), or InputError."""
    import pandas as pd

    try:
        now = pd.Timestamp(text)
    except ValueError:
        raise InputError("", f"--now: expected a time like 2026-12-07 10:00, got {text!r}") from None
    if pd.isna(now):
        raise InputError("", f"--now: expected a time like 2026-12-07 10:00, got {text!r}")
    return now.tz_localize(timezone) if now.tzinfo is None else now.tz_convert(timezone)


def read_forecast_frame(path, config):
    """The forecast frame of a `staffcast forecast` output file, `model` column included."""
    from staffcast.frame_io import read_frame
    from staffcast.scheduler.inputs.frames import read_forecast

    frame = read_forecast(path, config)
    raw, _ = read_frame(Path(path))
    frame["model"] = raw["model"].astype(str).to_numpy() if "model" in raw else ""
    for column in ("volume_lo", "volume_hi"):
        if column not in frame:
            frame[column] = frame["volume"]
    return frame[["channel", "interval_start", "volume", "volume_lo", "volume_hi", "aht_seconds", "model"]]


@user_errors
def reforecast(
    forecast: Annotated[Path, typer.Argument(help="Forecast file (CSV or Parquet) written by `staffcast forecast`.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="planning.toml (timezone, interval, channels).")],
    actuals: Annotated[Path, typer.Option(help="Today's actuals so far: interval-level (channel, interval_start, "
                                          "volume, aht_seconds) or contact-level (channel, arrived_at, "
                                          "handle_seconds, wait_seconds, abandoned).")],
    now: Annotated[str, typer.Option(help="The time the actuals run to (planning-local, or with its UTC offset).")],
    out: Annotated[Path, typer.Option(help="Updated forecast file to write (.csv or .parquet).")],
    fade_days: Annotated[float, typer.Option(help="The update's effect on a day d days after today is "
                                             "multiplied by exp(-d / fade_days); 0: today only.")] = 1.0,
) -> None:
    """Update the rest of today (and the following days, fading) from today's actuals: a
    shrunken observed/forecast ratio, handle time alike, the 80% band narrowed."""
    import pandas as pd

    from staffcast.config import load_config
    from staffcast.files import write_frame_atomic
    from staffcast.forecast.reforecast import check_actuals
    from staffcast.forecast.reforecast import reforecast as update

    if fade_days < 0:
        raise InputError("", f"--fade-days: expected a number >= 0, got {fade_days}")
    cfg = load_config(config, needs=())
    moment = parse_now(now, cfg.timezone)
    frame = read_forecast_frame(forecast, cfg)
    seen = read_actuals(actuals, cfg, now=moment)
    unknown = sorted(set(seen.frame["channel"]) - set(frame["channel"]))
    if unknown:
        raise InputError(actuals, f"channel {unknown[0]} is not in the forecast {Path(forecast).name}",
                         column="channel")
    check_actuals(frame, seen.frame, moment, interval_minutes=cfg.interval_minutes, file=str(actuals))
    result = update(frame, seen.frame, moment, fade_days=fade_days, interval_minutes=cfg.interval_minutes)
    write_frame_atomic(result, out)
    today = (result["interval_start"] >= moment) & (result["interval_start"] < moment.normalize()
                                                     + pd.Timedelta(days=1))
    before, after = frame.loc[today, "volume"].sum(), result.loc[today, "volume"].sum()
    console().print(f"rest of today: {before:,.0f} -> {after:,.0f} contacts ({after / before - 1:+.1%}) "
                    f"from {int((result['model'] == 'actual').sum())} observed intervals; wrote {out}"
                    if before > 0 else f"wrote {out}")

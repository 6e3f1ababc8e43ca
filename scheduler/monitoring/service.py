"""Achieved service per interval and channel from contact-level actuals, and an account of
why it differed from plan.

Definitions follow the requirements and simulation frames (docs/design.md): queue channels'
`service_level` is the share of offered contacts answered within `answer_seconds`
(abandoned contacts count as missed), `asa_seconds` the mean wait of answered contacts,
`abandon_rate` the share of offered contacts abandoning. Deferred channels: `wait_seconds`
is arrival to reply and `service_level` the share replied to within `response_hours`
(wall-clock hours). Contacts count in the interval they arrived in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError
from staffcast.scheduler.staffing.requirements import queue_performance

SERVICE_COLUMNS = ["channel", "interval_start", "offered", "answered", "abandoned", "service_level",
                   "asa_seconds", "abandon_rate", "aht_seconds"]
KEYS = ["channel", "interval_start"]


def _threshold_seconds(config: PlanningConfig, channel: str) -> float:
    ch = config.channel(channel)
    return float(ch.answer_seconds) if ch.kind == "queue" else float(ch.response_hours) * 3600.0


def achieved_service(contacts: pd.DataFrame, config: PlanningConfig, *, forecast: pd.DataFrame | None = None,
                     requirements: pd.DataFrame | None = None, coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """Service delivered per channel and arrival interval.

    `contacts`: contact rows (channel, interval_start, handle_seconds, wait_seconds seconds,
    abandoned bool), as `staffcast.forecast.data.load_actuals(...).contacts`. Returns
    `SERVICE_COLUMNS` (`aht_seconds` the mean handle time of answered contacts), and beside
    them, when given: `forecast_volume`, `forecast_aht_seconds` (forecast frame),
    `required` (requirements' `staff`) and `scheduled` (coverage)."""
    if contacts["wait_seconds"].isna().any():
        raise InputError("", "monitoring needs wait_seconds for every contact (contact-level actuals)",
                         column="wait_seconds")
    thresholds = {c: _threshold_seconds(config, c) for c in contacts["channel"].unique()}
    abandoned = contacts["abandoned"].to_numpy(bool)
    wait = contacts["wait_seconds"].to_numpy(float)
    limit = contacts["channel"].map(thresholds).to_numpy(float)
    rows = contacts.assign(_answered=~abandoned, _abandoned=abandoned,
                           _within=~abandoned & (wait <= limit),
                           _wait=np.where(abandoned, 0.0, wait),
                           _handle=np.where(abandoned, 0.0, contacts["handle_seconds"].fillna(0).to_numpy(float)))
    g = rows.groupby(KEYS, sort=True).agg(offered=("_answered", "size"), answered=("_answered", "sum"),
                                          abandoned=("_abandoned", "sum"), within=("_within", "sum"),
                                          wait=("_wait", "sum"), handle=("_handle", "sum")).reset_index()
    answered = g["answered"].to_numpy(float)
    out = g.assign(service_level=g["within"] / g["offered"],
                   asa_seconds=np.where(answered > 0, g["wait"] / np.maximum(answered, 1), np.nan),
                   abandon_rate=g["abandoned"] / g["offered"],
                   aht_seconds=np.where(answered > 0, g["handle"] / np.maximum(answered, 1), np.nan))
    out = out[SERVICE_COLUMNS].astype({"offered": float, "answered": float, "abandoned": float})
    if forecast is not None:
        out = out.merge(forecast[KEYS + ["volume", "aht_seconds"]].rename(
            columns={"volume": "forecast_volume", "aht_seconds": "forecast_aht_seconds"}), on=KEYS, how="left")
    if requirements is not None:
        out = out.merge(requirements[KEYS + ["staff"]].rename(columns={"staff": "required"}), on=KEYS, how="left")
    if coverage is not None:
        out = out.merge(coverage[KEYS + ["scheduled"]], on=KEYS, how="left")
    return out


def explain_service(service: pd.DataFrame, config: PlanningConfig, *,
                    actual_scheduled: pd.Series | None = None) -> pd.DataFrame:
    """Why each queue interval's service differed from plan: Erlang (the staffing engine's
    model, `queue_performance`) of the plan, then with the actual volume, then also the
    actual handle time, then also the actual staff, one substitution at a time.

    `service`: `achieved_service` with `forecast_volume`, `forecast_aht_seconds` and
    `scheduled`; `actual_scheduled`: agents actually on shift per row (default: as
    scheduled). Productive agents are `floor(scheduled * (1 - shrinkage))`. Returns
    channel, interval_start, `planned_service_level`, `volume_effect`, `aht_effect`,
    `staff_effect` (changes of the service level each substitution makes; negative: it
    cost service), `other_effect` (achieved minus the fully substituted Erlang level:
    randomness and what Erlang does not model), `achieved_service_level` and `main_cause`
    (`volume above forecast`, `aht above forecast`, `fewer staff than planned`, `other` or
    empty when service met plan)."""
    need = {"forecast_volume", "forecast_aht_seconds", "scheduled"} - set(service.columns)
    if need:
        raise InputError("", f"explain_service needs the columns {', '.join(sorted(need))} "
                         "(achieved_service with forecast and coverage)")
    parts = []
    for channel, rows in service.groupby("channel", sort=True):
        ch = config.channel(str(channel))
        if ch.kind != "queue":
            continue
        keep = 1.0 - ch.shrinkage
        planned = np.floor(rows["scheduled"].to_numpy(float) * keep + 1e-9)
        actual_staff = planned if actual_scheduled is None else \
            np.floor(actual_scheduled.loc[rows.index].to_numpy(float) * keep + 1e-9)
        fv, fa = rows["forecast_volume"].to_numpy(float), rows["forecast_aht_seconds"].to_numpy(float)
        av = rows["offered"].to_numpy(float)
        aa = np.where(np.isfinite(rows["aht_seconds"].to_numpy(float)), rows["aht_seconds"].to_numpy(float), fa)
        s0, s1, s2, s3 = (queue_performance(ch, v, a, n, config.interval_minutes)["service_level"]
                          for v, a, n in ((fv, fa, planned), (av, fa, planned), (av, aa, planned),
                                          (av, aa, actual_staff)))
        achieved = rows["service_level"].to_numpy(float)
        effects = np.column_stack([s1 - s0, s2 - s1, s3 - s2, achieved - s3])
        names = np.array(["volume above forecast", "aht above forecast", "fewer staff than planned", "other"])
        worst = effects.argmin(axis=1)
        cause = np.where((achieved < s0 - 1e-9) & (effects.min(axis=1) < 0), names[worst], "")
        parts.append(pd.DataFrame({"channel": channel, "interval_start": rows["interval_start"].to_numpy(),
                                   "planned_service_level": s0, "volume_effect": effects[:, 0],
                                   "aht_effect": effects[:, 1], "staff_effect": effects[:, 2],
                                   "other_effect": effects[:, 3], "achieved_service_level": achieved,
                                   "main_cause": cause}))
    if not parts:
        return pd.DataFrame(columns=KEYS + ["planned_service_level", "volume_effect", "aht_effect", "staff_effect",
                                            "other_effect", "achieved_service_level", "main_cause"])
    return pd.concat(parts, ignore_index=True)

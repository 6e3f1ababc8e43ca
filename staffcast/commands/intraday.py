"""`staffcast intraday`: reforecast today from the actuals so far, restaff and re-plan the
rest of today's roster of a plan folder at minimum disruption, and write the changes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import console, user_errors
from staffcast.errors import InputError


@user_errors
def intraday(
    plan: Annotated[Path, typer.Option(help="Plan folder: the --out of staffcast run or demo.")],
    actuals: Annotated[Path, typer.Option(help="Today's actuals so far: interval-level (channel, interval_start, "
                                          "volume, aht_seconds) or contact-level (channel, arrived_at, "
                                          "handle_seconds, wait_seconds, abandoned).")],
    now: Annotated[str, typer.Option(help="The time the actuals run to (planning-local, or with its UTC offset); "
                                     "nothing before it changes.")],
    out: Annotated[Path, typer.Option(help="Folder for changes.csv, roster.csv, coverage.csv, calendars of the "
                                      "agents who changed and intraday.html; written fresh.")],
    force: Annotated[bool, typer.Option(help="Replace the --out folder even when it holds files an earlier "
                                        "staffcast run did not write.")] = False,
) -> None:
    """Re-plan the rest of today: lunches moved, multi-skilled agents switched, overtime and early
    leave, each change priced against the service it buys (CP-SAT, every roster rule re-checked)."""
    from staffcast.commands.reforecast import parse_now, read_actuals
    from staffcast.intraday import check_now, replan_day
    from staffcast.outputs_folder import OutputFolder, describe_inputs
    from staffcast.plan_folder import read_plan

    with OutputFolder(out, force=force, inputs={"plan": plan, "actuals": actuals}) as folder:
        loaded = read_plan(plan)
        cfg = loaded.config
        moment = parse_now(now, cfg.timezone)
        check_now(loaded, moment)
        seen = read_actuals(actuals, cfg, now=moment)
        unknown = sorted(set(seen.frame["channel"]) - set(loaded.forecast["channel"]))
        if unknown:
            raise InputError(actuals, f"channel {unknown[0]} is not in the plan {plan}", column="channel")
        with console().status("reforecast, staffing and re-plan of the rest of today..."):
            result = replan_day(loaded, seen.frame, moment)
        if result.problems:
            raise RuntimeError(f"intraday re-plan broke a roster rule: {result.problems[0]}")
        write_intraday(result, folder.path)
        folder.commit(command="staffcast intraday", options={"now": str(moment), "force": force},
                      inputs=describe_inputs({"actuals": actuals, **loaded.paths}))
    rp = result.replan
    console().print(f"re-plan: {rp.status}, objective {rp.objective:,.0f} (plan {rp.objective_before:,.0f}), "
                    f"bound {rp.bound:,.0f}, gap {rp.gap:.1%}; {len(result.changes)} changes for "
                    f"{len(result.changed_agents)} agents", markup=False)
    for channel, (before, after) in projected_levels(result).items():
        console().print(f"{channel}: rest of today simulated {before:.1%} -> {after:.1%}", markup=False)
    console().print(f"wrote {out}", markup=False)


def projected_levels(result) -> dict[str, tuple[float, float]]:
    """Per channel, the contact-weighted simulated service level of the rest of today
    under the plan and after the re-plan."""
    out = {}
    volume = result.requirements[["channel", "interval_start", "volume"]]
    levels = []
    for sim in (result.before, result.after):
        frame = sim.merge(volume, on=["channel", "interval_start"])
        frame = frame[frame["sim_service_level"].notna() & (frame["volume"] > 0)]
        levels.append({ch: float((g["sim_service_level"] * g["volume"]).sum() / g["volume"].sum())
                       for ch, g in frame.groupby("channel")})
    for channel in levels[0]:
        out[channel] = (levels[0][channel], levels[1].get(channel, float("nan")))
    return out


def write_intraday(result, folder: Path) -> None:
    """changes.csv, roster.csv, coverage.csv, calendars/ (agents who changed) and intraday.html."""
    from staffcast.report import write_report
    from staffcast.scheduler.outputs.calendars import write_calendars, write_csvs
    from staffcast.scheduler.outputs.plots import planner_fonts

    cfg = result.plan.config
    write_csvs(folder, changes=result.changes, roster=result.roster, coverage=result.coverage)
    changed = result.roster[result.roster["agent_id"].isin(result.changed_agents)]
    if len(changed):
        write_calendars(folder, changed, cfg, agents=[a for a in result.plan.agents
                                                     if a.agent_id in result.changed_agents])
    rp = result.replan
    summary = {f"{ch} rest of today (simulated)": f"{b:.1%} -> {a:.1%}" for ch, (b, a) in
               projected_levels(result).items()}
    summary.update({"changes": len(result.changes), "agents changed": len(result.changed_agents),
                    "re-plan solver": rp.status, "objective (plan -> re-plan)":
                    f"{rp.objective_before:,.0f} -> {rp.objective:,.0f}", "gap to bound": f"{rp.gap:.1%}"})
    with planner_fonts():
        figures = intraday_figures(result)
    write_report(folder / "intraday.html", title=f"staffcast intraday: {result.now:%a %d %b %Y %H:%M}",
                 subtitle=f"plan {result.plan.folder.name}", summary=summary, figures=figures,
                 tables={"Changes": result.changes, "Actuals against forecast and plan so far": _so_far(result)},
                 shortfall=[], solver_summary={"status": rp.status, "objective": rp.objective,
                                               "best bound": rp.bound, "gap": f"{rp.gap:.2%}"})


def intraday_figures(result) -> dict:
    """The report's figures: today so far against forecast and plan, and the rest of the
    day's simulated service before and after the re-plan."""
    from staffcast.scheduler.outputs.intraday_plots import plot_intraday_day, plot_intraday_service

    cfg = result.plan.config
    targets = {c.name: (c.service_level if c.kind == "queue" else 1.0) for c in cfg.channels}
    return {"Today so far: actuals against forecast and plan": plot_intraday_day(
                result.plan.forecast, result.forecast, result.plan.coverage, result.coverage, result.now),
            "Rest of today: projected service before and after": plot_intraday_service(
                result.before, result.after, result.now, targets)}


def _so_far(result):
    """Per channel: today's contacts so far, actual (reforecast's observed) against the plan's forecast."""
    import pandas as pd

    today = result.now.normalize()
    f, u = result.plan.forecast, result.forecast
    mask = (f["interval_start"] >= today) & (f["interval_start"] < result.now)
    rows = []
    for ch in result.plan.config.channel_names:
        sel = mask & (f["channel"] == ch)
        rows.append({"channel": ch, "forecast so far": round(float(f.loc[sel, "volume"].sum())),
                     "actual so far": round(float(u.loc[sel & (u["model"] == "actual"), "volume"].sum()))})
    return pd.DataFrame(rows)

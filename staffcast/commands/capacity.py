"""`staffcast capacity`: the hiring plan from history (long-horizon forecast, interval staffing,
weekly FTE) or from a given weekly FTE requirement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import console, user_errors
from staffcast.errors import InputError


def _requirement_from_history(history, events, cfg, channel_heads, weeks, method, notes):
    """The weekly FTE requirement per skill group: the long-horizon daily forecast from the
    day after the history, spread over the intervals, staffed per interval (requirements,
    `method`), summed per week and shared among the skill groups."""
    import pandas as pd

    from staffcast.forecast.data import load_events, load_history
    from staffcast.forecast.long_horizon import (
        LongHorizonModel,
        check_long_horizon,
        daily_history,
        interval_forecast,
    )
    from staffcast.scheduler.capacity.requirement import weekly_fte
    from staffcast.scheduler.staffing.requirements import requirements

    loaded = load_history(history, cfg.timezone, cfg.interval_minutes)
    calendar = load_events(events, cfg.timezone, loaded.channels)
    daily = daily_history(loaded.frame)
    check_long_horizon(daily, weeks, source=history)
    first = daily["day"].max() + pd.Timedelta(days=1)
    first = first + pd.Timedelta(days=(7 - first.day_of_week) % 7)  # the next Monday
    days = pd.date_range(first, periods=7 * weeks)
    with console().status(f"long-horizon forecast and staffing of {weeks} weeks"):
        model = LongHorizonModel().fit(daily, calendar)
        notes.extend(model.notes)
        last_holiday = calendar.loc[calendar["kind"] == "holiday", "end"].max()
        if pd.isna(last_holiday) or last_holiday.tz_localize(None) < days[-1]:
            notes.append(f"the events calendar lists no holidays after {last_holiday:%Y-%m-%d}: the forecast "
                         f"to {days[-1]:%Y-%m-%d} assumes none (add them, e.g. Spring Festival)")
        frame = interval_forecast(loaded.frame, model.predict(days, calendar), cfg.interval_minutes, cfg.timezone)
        req = requirements(frame, cfg, method=method)
    return weekly_fte(req, cfg, channel_heads)


@user_errors
def capacity(
    config: Annotated[Path, typer.Option("--config", "-c", exists=True, dir_okay=False,
                                         help="planning.toml with a [capacity] section.")],
    agents: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                         help="Agents CSV: today's heads per skill group (the skill "
                                         "column, else each agent's channel set).")],
    history: Annotated[Path | None, typer.Argument(
        help="History file (CSV or Parquet): forecast --weeks ahead daily, staffed per interval.")] = None,
    requirements: Annotated[Path | None, typer.Option(
        exists=True, dir_okay=False, help="Instead of HISTORY: weekly requirement (CSV or Parquet): week_start "
        "(a Monday), skill (a group of the agents' skill column, else channels joined by ';', e.g. "
        "voice;chat), fte_required (FTE: staff-hours / "
        "productive_hours_per_fte_week).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for plan.csv, weekly.csv, capacity.xlsx, capacity.png "
                                      "and capacity.html; written fresh and swapped in.")] = Path("capacity-out"),
    events: Annotated[Path | None, typer.Option(exists=True, dir_okay=False,
                                                help="Events calendar: holidays and waves for the forecast "
                                                "(needed with HISTORY); waves are shaded in the plot.")] = None,
    weeks: Annotated[int, typer.Option(help="Weeks to plan from the Monday after the history (with HISTORY; "
                                       "1-52, at most the weeks the history spans).")] = 26,
    method: Annotated[str | None, typer.Option(help="Interval staffing method sipp, mol or isa (default: "
                                               "[capacity] method, else [staffing] method; isa simulates "
                                               "every week, minutes for 26 weeks).")] = None,
    force: Annotated[bool, typer.Option(help="Replace the contents of a non-empty --out folder.")] = False,
) -> None:
    """Plan classes of new hires (week and size per skill group) at the least cost of payroll,
    overtime, shortfall and hiring, from HISTORY (a long-horizon daily forecast staffed per
    interval, as weekly FTE) or from --requirements WEEKLY.csv; prints the hiring plan."""
    from staffcast.config import load_config
    from staffcast.outputs_folder import OutputFolder, describe_inputs
    from staffcast.scheduler.capacity.inputs import (
        channel_heads_by_skill,
        heads_by_skill,
        load_weekly_requirements,
    )
    from staffcast.scheduler.capacity.model import plan_hiring
    from staffcast.scheduler.capacity.outputs import WAVE_KINDS, hiring_lines, write_plan
    from staffcast.scheduler.inputs.agents import load_agents

    if (history is None) == (requirements is None):
        raise InputError("", "give either HISTORY (with --events) or --requirements WEEKLY.csv")
    if history is not None and events is None:
        raise InputError("", "HISTORY needs --events (the holidays and waves of the forecast)")
    if method is not None and method not in ("sipp", "mol", "isa"):
        raise InputError("", f"--method must be sipp, mol or isa, got {method!r}")
    sources = {"history": history, "requirements": requirements, "config": config, "agents": agents,
               "events": events}
    with OutputFolder(out, force=force, inputs=sources) as folder:
        cfg = load_config(config, needs=(), command="staffcast capacity")
        if cfg.capacity is None:
            raise InputError(config, "staffcast capacity needs the [capacity] section (attrition_per_week, "
                             "lead_weeks, training_weeks, ramp, class_size, costs)")
        staff = load_agents(agents, cfg)
        heads = heads_by_skill(staff, cfg)
        by_column = set(heads) if any(a.skill for a in staff) else None
        notes = []
        if requirements is not None:
            need = load_weekly_requirements(requirements, cfg, by_column)
        else:
            need = _requirement_from_history(history, events, cfg, channel_heads_by_skill(staff, cfg), weeks,
                                             method or cfg.capacity.method, notes)
        waves = None
        if events is not None:
            from staffcast.forecast.data import load_events

            calendar = load_events(events, cfg.timezone, cfg.channel_names)
            waves = calendar[calendar["kind"].isin(WAVE_KINDS)]
        weeks = need["week_start"].nunique()
        if cfg.capacity.lead_weeks >= weeks:
            notes.append(f"lead_weeks = {cfg.capacity.lead_weeks} reaches past the {weeks}-week horizon: "
                         "no class can start, the plan is overtime and shortfall only")
        unstaffed = sorted(set(heads) - set(need["skill"]))
        if unstaffed:
            notes.append(f"agents of skill groups without a requirement row are not planned: {', '.join(unstaffed)}")
        with console().status("solving the hiring plan"):
            result = plan_hiring(need, heads, cfg.capacity)
        write_plan(folder.path, result, waves=waves, notes=notes)
        if history is not None:
            from staffcast.files import write_frame_atomic

            shown = need.assign(week_start=need["week_start"].dt.strftime("%Y-%m-%d"))
            write_frame_atomic(shown, folder.path / "requirements_weekly.csv")
        folder.commit(command="staffcast capacity", options={"force": force, "weeks": weeks, "method": method},
                      inputs=describe_inputs(sources))
    con = console()
    for note in notes:
        con.print(f"note: {note}", markup=False)
    for s in result.solves:
        con.print(f"{s.skill}: {s.status}, cost {s.objective:,.0f}, bound {s.best_bound:,.0f}, gap {s.gap:.2%}",
                  markup=False)
    lines = hiring_lines(result.plan)
    con.print("Hiring plan (class start week, skill group, hires):", markup=False)
    for line in lines or ["no hires"]:
        con.print(f"  {line}", markup=False)
    con.print(f"total cost {result.cost:,.0f} over {weeks} weeks; files in {out}", markup=False)

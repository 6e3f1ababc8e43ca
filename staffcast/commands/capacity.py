"""`staffcast capacity`: the hiring plan from a weekly FTE requirement."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from staffcast.cli_support import console, user_errors


@user_errors
def capacity(
    requirements: Annotated[Path, typer.Option(
        exists=True, dir_okay=False, help="Weekly requirement (CSV or Parquet): week_start (a Monday), skill "
        "(channels joined by ';', e.g. voice;chat), fte_required (FTE: staff-hours / "
        "productive_hours_per_fte_week).")],
    config: Annotated[Path, typer.Option("--config", "-c", exists=True, dir_okay=False,
                                         help="planning.toml with a [capacity] section.")],
    agents: Annotated[Path, typer.Option(exists=True, dir_okay=False,
                                         help="Agents CSV: today's heads per skill group (channel set).")],
    out: Annotated[Path, typer.Option(help="Folder for plan.csv, weekly.csv, capacity.xlsx, capacity.png "
                                      "and capacity.html; written fresh and swapped in.")] = Path("capacity-out"),
    events: Annotated[Path | None, typer.Option(exists=True, dir_okay=False,
                                                help="Events calendar: its waves are shaded in the plot.")] = None,
    force: Annotated[bool, typer.Option(help="Replace the contents of a non-empty --out folder.")] = False,
) -> None:
    """Plan classes of new hires (week and size per skill group) at the least cost of payroll,
    overtime, shortfall and hiring, from a weekly FTE requirement; prints the hiring plan."""
    from staffcast.config import load_config
    from staffcast.errors import InputError
    from staffcast.outputs_folder import OutputFolder, describe_inputs
    from staffcast.scheduler.capacity.inputs import heads_by_skill, load_weekly_requirements
    from staffcast.scheduler.capacity.model import plan_hiring
    from staffcast.scheduler.capacity.outputs import WAVE_KINDS, hiring_lines, write_plan
    from staffcast.scheduler.inputs.agents import load_agents

    sources = {"requirements": requirements, "config": config, "agents": agents, "events": events}
    with OutputFolder(out, force=force, inputs=sources) as folder:
        cfg = load_config(config, needs=(), command="staffcast capacity")
        if cfg.capacity is None:
            raise InputError(config, "staffcast capacity needs the [capacity] section (attrition_per_week, "
                             "lead_weeks, training_weeks, ramp, class_size, costs)")
        need = load_weekly_requirements(requirements, cfg)
        heads = heads_by_skill(load_agents(agents, cfg), cfg)
        waves = None
        if events is not None:
            from staffcast.forecast.data import load_events

            calendar = load_events(events, cfg.timezone, cfg.channel_names)
            waves = calendar[calendar["kind"].isin(WAVE_KINDS)]
        notes = []
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
        folder.commit(command="staffcast capacity", options={"force": force}, inputs=describe_inputs(sources))
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

"""The hiring plan's files: plan.csv, the weekly table, a workbook sheet, a plot and a page."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd

from staffcast.files import atomic_path, write_frame_atomic, write_text_atomic
from staffcast.scheduler.capacity.model import PLAN_COLUMNS, CapacityPlan

WAVE_KINDS = ("onboarding", "migration", "campaign", "release")


def weekly_table(plan: pd.DataFrame) -> pd.DataFrame:
    """Per week and skill group: required, available (productive FTE), in training, heads,
    hires, overtime and shortfall (FTE), cost (currency)."""
    return pd.DataFrame({"week_start": plan["week_start"], "skill": plan["skill"],
                         "required": plan["fte_required"].round(2), "available": plan["productive_fte"].round(2),
                         "in_training": plan["in_training"].round(2), "heads": plan["heads"].round(2),
                         "hires": plan["hires"], "overtime": plan["overtime_fte"].round(2),
                         "shortfall": plan["shortfall_fte"].round(2), "cost": plan["cost"].round(2)})


def hiring_lines(plan: pd.DataFrame) -> list[str]:
    """The classes to start, one line each: `2027-01-04  voice;chat  12 hires`."""
    rows = plan[plan["hires"] > 0]
    return [f"{r.week_start:%Y-%m-%d}  {r.skill}  {int(r.hires)} hires" for r in rows.itertuples()]


def plot_plan(plan: pd.DataFrame, target: Path, waves: pd.DataFrame | None = None) -> None:
    """Required against available FTE per skill group (one panel each), hires marked,
    waves (events of WAVE_KINDS) shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    skills = list(dict.fromkeys(plan["skill"]))
    first = pd.Timestamp(plan["week_start"].min())
    last = pd.Timestamp(plan["week_start"].max()) + pd.Timedelta(days=7)
    if waves is not None:
        starts = pd.to_datetime(waves["start"]).dt.tz_localize(None)
        ends = pd.to_datetime(waves["end"]).dt.tz_localize(None)
        waves = waves[(ends > first) & (starts < last)]
    fig, axes = plt.subplots(len(skills), 1, figsize=(11, 2.6 * len(skills)), sharex=True, squeeze=False)
    for ax, skill in zip(axes[:, 0], skills, strict=True):
        part = plan[plan["skill"] == skill]
        weeks = pd.to_datetime(part["week_start"])
        ax.step(weeks, part["fte_required"], where="post", label="required FTE", color="black")
        ax.step(weeks, part["productive_fte"], where="post", label="available FTE", color="tab:blue")
        ax.step(weeks, part["productive_fte"] + part["overtime_fte"], where="post", label="with overtime",
                color="tab:blue", linestyle=":")
        hired = part[part["hires"] > 0]
        ax.scatter(pd.to_datetime(hired["week_start"]), hired["productive_fte"], marker="^", color="tab:green",
                   zorder=3, label="class starts")
        for r in hired.itertuples():
            ax.annotate(f"+{int(r.hires)}", (pd.Timestamp(r.week_start), r.productive_fte),
                        textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8, color="tab:green")
        for w in (waves.itertuples() if waves is not None else ()):
            ax.axvspan(pd.Timestamp(w.start).tz_localize(None), pd.Timestamp(w.end).tz_localize(None),
                       color="tab:orange", alpha=0.2, lw=0)
        ax.set_xlim(first, last)
        ax.set_title(skill, loc="left", fontsize=10)
        ax.set_ylabel("FTE")
    axes[0, 0].legend(loc="upper left", fontsize=8, ncol=4)
    fig.tight_layout()
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=90)
    plt.close(fig)


def write_xlsx(target: Path, table: pd.DataFrame) -> None:
    """The weekly table as the sheet `capacity` of an Excel workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "capacity"
    ws.append(list(table.columns))
    for r in table.itertuples(index=False):
        ws.append([v.date() if isinstance(v, pd.Timestamp) else (v.item() if isinstance(v, np.generic) else v)
                   for v in r])
    ws.freeze_panes = "A2"
    with atomic_path(target) as tmp:
        wb.save(tmp)


def write_html(target: Path, result: CapacityPlan, table: pd.DataFrame, png: Path, notes: list[str]) -> None:
    """A self-contained page: the hiring plan, the solves, the plot and the weekly table."""
    image = base64.b64encode(png.read_bytes()).decode("ascii")
    solves = "".join(f"<tr><td>{html.escape(s.skill)}</td><td>{s.status}</td><td>{s.objective:,.0f}</td>"
                     f"<td>{s.best_bound:,.0f}</td><td>{s.gap:.2%}</td></tr>" for s in result.solves)
    hires = "".join(f"<li>{html.escape(line)}</li>" for line in hiring_lines(result.plan)) or "<li>no hires</li>"
    note = "".join(f"<p>{html.escape(n)}</p>" for n in notes)
    body = (f"<h1>Capacity plan</h1>{note}<h2>Classes to start</h2><ul>{hires}</ul>"
            f"<p>Total cost {result.cost:,.0f}</p><h2>Solves</h2><table><tr><th>skill</th><th>status</th>"
            f"<th>cost</th><th>bound</th><th>gap</th></tr>{solves}</table>"
            f'<img alt="required against available FTE" src="data:image/png;base64,{image}">'
            f"<h2>Weeks</h2>{table.to_html(index=False, escape=True)}")
    page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Capacity plan</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}img{max-width:100%}</style>"
            f"</head><body>{body}</body></html>\n")
    write_text_atomic(target, page)


def write_plan(folder: Path, result: CapacityPlan, *, waves: pd.DataFrame | None = None,
               notes: list[str] = ()) -> list[Path]:
    """plan.csv, weekly.csv, capacity.xlsx, capacity.png and capacity.html into `folder`."""
    folder = Path(folder)
    plan = result.plan.copy()
    plan["week_start"] = pd.to_datetime(plan["week_start"]).dt.strftime("%Y-%m-%d")
    write_frame_atomic(plan[list(PLAN_COLUMNS)], folder / "plan.csv")
    table = weekly_table(result.plan)
    shown = table.assign(week_start=pd.to_datetime(table["week_start"]).dt.strftime("%Y-%m-%d"))
    write_frame_atomic(shown, folder / "weekly.csv")
    write_xlsx(folder / "capacity.xlsx", table)
    plot_plan(result.plan, folder / "capacity.png", waves)
    write_html(folder / "capacity.html", result, shown, folder / "capacity.png", list(notes))
    return [folder / n for n in ("plan.csv", "weekly.csv", "capacity.xlsx", "capacity.png", "capacity.html")]

"""The planner's report: one self-contained HTML page for the week.

It combines both stages (forecast and schedule), so it sits beside cli.py rather than in
either package. Figures are embedded as base64 PNG and the CSS is inline: the page fetches
nothing, opens offline from a mail attachment and prints cleanly.
"""

from __future__ import annotations

import base64
import html
import io
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from staffcast.files import write_text_atomic

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1a1a1a;
       background: #fff; margin: 0 auto; max-width: 1240px; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #333; }
.subtitle { color: #555; margin: 0 0 18px; }
nav { font-size: 14px; margin: 0 0 8px; }
nav a { color: #1f4e9a; margin-right: 14px; text-decoration: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
.card { border: 1px solid #999; border-left: 5px solid #333; border-radius: 4px; padding: 8px 12px;
        background: #f6f6f6; }
.card .label { font-size: 13px; color: #444; }
.card .value { font-size: 22px; font-weight: bold; font-variant-numeric: tabular-nums; }
figure { margin: 14px 0 22px; }
figure img { width: 100%; height: auto; border: 1px solid #ccc; }
figcaption { font-size: 13px; color: #444; margin-top: 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 14px; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #aaa; padding: 3px 8px; }
th { background: #e4e4e4; text-align: left; }
td.num { text-align: right; }
tbody tr:nth-child(even) td { background: #f7f7f7; }
.scroll { overflow-x: auto; }
ul.shortfall li { margin: 2px 0; }
.ok { border-left: 5px solid #333; padding: 6px 12px; background: #f0f0f0; }
footer { margin-top: 40px; font-size: 12px; color: #666; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, table, .cards { break-inside: avoid; }
  .scroll { overflow: visible; }
}
"""


def format_value(value: object) -> str:
    """A headline figure as shown on the page: integers with thousands separators, floats
    to a sensible precision, anything else as its text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        v = float(value)
        if not math.isfinite(v):
            return str(v)
        if v.is_integer() and abs(v) >= 1:
            return f"{int(v):,}"
        if abs(v) >= 100:
            return f"{v:,.0f}"
        if abs(v) >= 1:
            return f"{v:,.2f}"
        return f"{v:.3f}"
    return str(value)


def _slug(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    used.add(slug)
    return slug


def figure_png_base64(figure, dpi: int = 100) -> str:
    """A matplotlib Figure as base64-encoded PNG text."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _column_format(values: pd.Series):
    """One number format per column, so decimals line up: integers with separators, floats
    to 3 decimals below 1, 2 below 100, else none (by the column's largest magnitude)."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric:
        return None
    if pd.api.types.is_integer_dtype(values):
        return "{:,.0f}"
    finite = values[np.isfinite(values.to_numpy(float))]
    if len(finite) and (finite == finite.round()).all() and finite.abs().max() >= 1:
        return "{:,.0f}"
    top = finite.abs().max() if len(finite) else 0.0
    return "{:,.3f}" if top < 1 else "{:,.2f}" if top < 100 else "{:,.0f}"


def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    formats = [_column_format(frame[c]) for c in frame.columns]
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for value, fmt in zip(record, formats, strict=True):
            if fmt is None:
                text = "" if value is None or (isinstance(value, float) and math.isnan(value)) \
                    else format_value(value)
                cells.append(f"<td>{html.escape(text)}</td>")
            else:
                text = "" if pd.isna(value) else fmt.format(value)
                cells.append(f'<td class="num">{html.escape(text)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def render_report(*, title: str, summary: Mapping[str, object], figures: Mapping[str, object],
                  tables: Mapping[str, pd.DataFrame], shortfall: Sequence[str],
                  solver_summary: Mapping[str, object], subtitle: str = "") -> str:
    """The report page as HTML text (see `write_report`)."""
    used: set[str] = set()
    esc = html.escape
    sections: list[tuple[str, str, str]] = []  # (anchor, heading, body)
    cards = "".join(
        f'<div class="card"><div class="label">{esc(str(k))}</div>'
        f'<div class="value">{esc(format_value(v))}</div></div>' for k, v in summary.items())
    sections.append((_slug("summary", used), "Summary", f'<div class="cards">{cards}</div>'))
    for name, item in figures.items():
        figure, caption = item if isinstance(item, tuple) else (item, "")
        png = figure_png_base64(figure)
        body = (f'<figure><img alt="{esc(name)}" src="data:image/png;base64,{png}">'
                + (f"<figcaption>{esc(caption)}</figcaption>" if caption else "") + "</figure>")
        sections.append((_slug(name, used), name, body))
    for name, frame in tables.items():
        sections.append((_slug(name, used), name, _table_html(frame)))
    solver_rows = "".join(f"<tr><th>{esc(str(k))}</th><td>{esc(format_value(v))}</td></tr>"
                          for k, v in solver_summary.items())
    sections.append((_slug("solver", used), "Solver summary",
                     f"<table><tbody>{solver_rows}</tbody></table>"))
    if shortfall:
        body = '<ul class="shortfall">' + "".join(f"<li>{esc(s)}</li>" for s in shortfall) + "</ul>"
    else:
        body = '<p class="ok">No shortfall: every interval is covered to its requirement.</p>'
    sections.append((_slug("shortfall", used), "Shortfall report", body))
    nav = "".join(f'<a href="#{a}">{esc(h)}</a>' for a, h, _ in sections)
    content = "\n".join(f'<section id="{a}"><h2>{esc(h)}</h2>\n{b}\n</section>' for a, h, b in sections)
    sub = f'<p class="subtitle">{esc(subtitle)}</p>' if subtitle else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{esc(title)}</h1>{sub}<nav>{nav}</nav></header>\n<main>\n{content}\n</main>\n"
        "<footer>Generated by staffcast. Self-contained page: no external resources.</footer>\n"
        "</body>\n</html>\n"
    )


BACKTEST_METRICS = ("wape", "mase", "bias", "event_wape", "coverage80", "floor_ratio")


def backtest_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """The backtest metrics frame (model, channel, fold, wape, ...) averaged over folds:
    one row per channel and model, best WAPE first within each channel, plus the fold count."""
    present = [m for m in BACKTEST_METRICS if m in metrics.columns]
    table = (metrics.groupby(["channel", "model"], as_index=False)
             .agg(folds=("fold", "nunique"), **{m: (m, "mean") for m in present}))
    return table.sort_values(["channel", "wape"] if "wape" in present else ["channel", "model"],
                             ignore_index=True)


def choice_table(choices: pd.DataFrame) -> pd.DataFrame:
    """The forecast's model choice per channel (staffcast.forecast.choice.CHOICE_COLUMNS) as
    the report shows it: channel, model, runner-up and why (both median WAPEs, the folds
    and the rule that decided, in one line)."""
    return pd.DataFrame({"channel": choices["channel"], "model": choices["model"],
                         "runner-up": choices["runner_up"].fillna(""), "why": choices["reason"]})


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """The days the history shows and the calendar does not (staffcast.forecast.screen
    findings: closures learned from the data, unexplained days left out of the fit) as the
    report shows them: day, channel, kind, deviation and the note for the planner."""
    return pd.DataFrame({"day": pd.DatetimeIndex(findings["day"]).strftime("%Y-%m-%d"),
                         "channel": findings["channel"], "kind": findings["kind"],
                         "deviation": findings["deviation"].map("{:+.0%}".format), "note": findings["note"]})


def write_report(path: str | Path, *, title: str, summary: Mapping[str, object],
                 figures: Mapping[str, object], tables: Mapping[str, pd.DataFrame],
                 shortfall: Sequence[str], solver_summary: Mapping[str, object],
                 subtitle: str = "") -> Path:
    """Write the week's report as one self-contained HTML page, atomically.

    `summary` holds the headline figures (label -> value, shown as cards), `figures` the
    matplotlib Figures in page order (embedded as PNG; a value may be a (Figure, caption)
    pair), `tables` frames shown as tables
    (e.g. the backtest metrics), `shortfall` one line per understaffed stretch, and
    `solver_summary` the solver's status, objective, bound, gap and time."""
    path = Path(path)
    write_text_atomic(path, render_report(title=title, summary=summary, figures=figures,
                                          tables=tables, shortfall=shortfall,
                                          solver_summary=solver_summary, subtitle=subtitle))
    return path


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def find_chromium() -> str | None:
    """Path of a Chromium or Chrome binary on PATH, or None."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def screenshot_report(page: str | Path, png: str | Path, *, width: int = 1280,
                      height: int = 2000, shrink_to: int | None = None) -> Path:
    """A PNG screenshot (width x height pixels) of the report page in headless Chromium,
    e.g. for docs/; with `shrink_to` (pixels wide) it is scaled down and saved with a
    256-colour palette to stay small. Raises RuntimeError when no Chromium is installed."""
    import subprocess
    import tempfile

    browser = find_chromium()
    if browser is None:
        raise RuntimeError("headless Chromium is not installed (Debian: apt-get install chromium)")
    png = Path(png)
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png.resolve()}",
                        f"--window-size={width},{height}", Path(page).resolve().as_uri()],
                       capture_output=True, timeout=120, check=True)
    if shrink_to:
        from PIL import Image

        with Image.open(png) as image:
            image = image.convert("RGB")
            small = image.resize((shrink_to, round(image.height * shrink_to / image.width)), Image.LANCZOS)
        small.quantize(256).save(png, optimize=True)
    return png

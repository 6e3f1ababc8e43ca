"""Planner plots of the scheduled week (matplotlib; each function returns a Figure).

Usable from notebooks and embedded in the HTML report. Every plot is titled, its axes carry
units, and meaning never rests on colour alone (line styles, hatching and markers survive
greyscale printing). Times are drawn in the planning timezone of the frames.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import warnings
from collections.abc import Iterable, Iterator

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from staffcast.scheduler.roster.results.view import as_local_times, roster_shifts

# Hatches and grey levels per channel, so channels stay apart in greyscale.
_CHANNEL_STYLE = [("0.4", ""), ("0.7", "///"), ("0.88", "xx"), ("0.55", "\\\\\\"), ("0.8", "++")]
_SCHEDULED = "#1f4e9a"  # dark blue: reads as near-black in greyscale, apart from dashed black
_SHORT = "#c0392b"


# Fonts tried, in order, for characters DejaVu Sans lacks (Chinese, Japanese, Korean agent
# IDs and channel names): Debian's fonts-noto-cjk and fonts-wqy-zenhei (`make test` installs
# the latter), then the usual macOS and Windows ones.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "PingFang SC", "Hiragino Sans GB",
             "Microsoft YaHei", "SimHei", "Arial Unicode MS")
NO_CJK_FONT = ("no CJK-capable font is installed, so Chinese, Japanese and Korean names in charts show "
               "as empty boxes (Debian: apt-get install fonts-wqy-zenhei or fonts-noto-cjk)")


@functools.cache
def cjk_fonts() -> tuple[str, ...]:
    """The installed fonts of `CJK_FONTS`, best first. Fonts installed after matplotlib
    built its font cache are found too (the system font folders are scanned once)."""
    from matplotlib import font_manager

    def known() -> tuple[str, ...]:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return tuple(name for name in CJK_FONTS if name in names)

    found = known()
    if not found:
        hints = ("cjk", "wqy", "droid", "sourcehan", "pingfang", "hiragino", "msyh", "simhei", "unicode")
        for path in font_manager.findSystemFonts():
            if any(h in path.lower().replace("-", "").replace("_", "") for h in hints):
                with contextlib.suppress(Exception):
                    font_manager.fontManager.addfont(path)
        found = known()
    return found


def needs_cjk_font(texts: Iterable[str]) -> bool:
    """True when some character of `texts` is outside what DejaVu Sans draws (roughly:
    CJK ideographs, kana, hangul and full-width forms)."""
    return any(ord(ch) >= 0x2E80 for text in texts for ch in str(text))


@contextlib.contextmanager
def planner_fonts() -> Iterator[None]:
    """Matplotlib settings under which text falls back from DejaVu Sans to an installed CJK
    font glyph by glyph (wrap figure creation and saving in it; `PlannerFigure` draws
    itself inside it)."""
    families = ["DejaVu Sans", *cjk_fonts()]
    log = logging.getLogger("matplotlib.font_manager")  # "Failed to find font weight ..." per text
    level = log.level
    with mpl.rc_context({"font.family": families}):
        if len(families) > 1:
            log.setLevel(logging.ERROR)
        try:
            yield
        finally:
            log.setLevel(level)


def warn_if_no_cjk_font(texts: Iterable[str]) -> None:
    """Warn (UserWarning, once per call) when `texts` need a CJK font and none is installed."""
    if needs_cjk_font(texts) and not cjk_fonts():
        warnings.warn(NO_CJK_FONT, UserWarning, stacklevel=3)


def _with_planner_fonts(plot):
    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        with planner_fonts():
            return plot(*args, **kwargs)

    return wrapper


class PlannerFigure(Figure):
    """A matplotlib Figure that also shows itself in Jupyter when pyplot was never imported
    (no pyplot state: nothing to close, no double display), and draws its text with the
    CJK fallback fonts of `planner_fonts`."""

    def draw(self, renderer) -> None:
        with planner_fonts():
            super().draw(renderer)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=100)
        return buffer.getvalue()


def _tz_of(series: pd.Series):
    return series.dt.tz


def _num(stamps) -> np.ndarray | float:
    """Matplotlib date numbers of tz-aware timestamps (a Timestamp or a Series)."""
    if isinstance(stamps, pd.Series):
        return mdates.date2num([t.to_pydatetime() for t in stamps])
    return mdates.date2num(stamps.to_pydatetime())


def _week_axis(ax, tz, first: pd.Timestamp | None = None, last: pd.Timestamp | None = None) -> None:
    """Day names centred on each day (ticks at noon), day boundaries as grey lines at
    midnight, light lines at 06:00 and 18:00; x limits from midnight to midnight."""
    ax.xaxis.set_major_locator(mdates.HourLocator(byhour=[12], tz=tz))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b", tz=tz))
    ax.xaxis.set_minor_locator(mdates.HourLocator(byhour=[0, 6, 18], tz=tz))
    ax.tick_params(axis="x", which="major", length=0)
    ax.grid(False, axis="x")
    if first is not None and last is not None:
        first, last = first.normalize(), last.ceil("D") if last != last.normalize() else last
        ax.set_xlim(_num(first), _num(last))
        for day in pd.date_range(first, last, freq="D"):
            ax.axvline(_num(day), color="0.55", linewidth=0.9, zorder=0.5)
            for hour in (6, 18):
                if day + pd.Timedelta(hours=hour) < last:
                    ax.axvline(_num(day + pd.Timedelta(hours=hour)), color="0.9", linewidth=0.5, zorder=0.4)


def _regular(part: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Reindex one channel's rows onto a regular interval grid, NaN where absent, so lines
    break over closed hours instead of joining them."""
    part = part.sort_values("interval_start").set_index("interval_start")[columns]
    part = part[~part.index.duplicated()]
    if len(part) < 2:
        return part
    step = pd.Series(part.index).diff().dropna().min()
    grid = pd.date_range(part.index[0], part.index[-1] + step, freq=step)
    return part.reindex(grid)


@_with_planner_fonts
def plot_coverage(coverage: pd.DataFrame, channel: str | None = None, *,
                  timezone: str | None = None) -> Figure:
    """Required vs scheduled staff per interval, one panel per channel (or only `channel`).

    Required staff is a dashed black step line, scheduled staff a solid dark line, and
    intervals where scheduled falls below required are hatched as shortfall."""
    frame = coverage.copy()
    frame["interval_start"] = as_local_times(frame["interval_start"], timezone)
    tz = _tz_of(frame["interval_start"])
    channels = [channel] if channel is not None else list(dict.fromkeys(frame["channel"]))
    if channel is not None and channel not in set(frame["channel"]):
        raise ValueError(f"channel {channel!r} is not in the coverage frame "
                         f"(has {', '.join(sorted(set(frame['channel'])))})")
    fig = PlannerFigure(figsize=(12, 2.7 * len(channels) + 0.9), layout="constrained")
    axes = fig.subplots(len(channels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, name in zip(axes, channels, strict=True):
        part = _regular(frame[frame["channel"] == name], ["required", "scheduled"])
        x = part.index
        required = part["required"].to_numpy(float)
        scheduled = part["scheduled"].to_numpy(float)
        ax.step(x, required, where="post", color="black", linestyle="--", linewidth=1.2,
                label="required staff")
        ax.step(x, scheduled, where="post", color=_SCHEDULED, linewidth=1.6,
                label="scheduled staff")
        short = np.nan_to_num(scheduled, nan=np.inf) < np.nan_to_num(required, nan=-np.inf)
        ax.fill_between(x, scheduled, required, where=short, step="post", facecolor="none",
                        edgecolor=_SHORT, hatch="////", linewidth=0.0, label="shortfall")
        step_hours = (x[1] - x[0]) / pd.Timedelta(hours=1) if len(x) > 1 else 0.5
        missing = float(np.nansum(np.where(short, required - scheduled, 0.0))) * step_hours
        ax.set_title(f"{name}: {int(short.sum())} short intervals, {missing:,.1f} agent-hours missing",
                     loc="left", fontsize=10)
        ax.set_ylabel("staff (agents)")
        ax.set_ylim(bottom=0)
        _week_axis(ax, tz, frame["interval_start"].min(), frame["interval_start"].max()
                   + pd.Timedelta(minutes=1))
    axes[0].legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=3, fontsize=9, frameon=False,
                   borderaxespad=0.1)
    axes[-1].set_xlabel(f"interval start (local time, {tz})")
    fig.suptitle("Required vs scheduled staff per interval", fontsize=13, fontweight="bold")
    return fig


@_with_planner_fonts
def plot_service_heatmap(frame: pd.DataFrame, channel: str, *, target: float | None = None,
                         timezone: str | None = None, coverage: pd.DataFrame | None = None) -> Figure:
    """Service level (%) per day (rows) and interval of the day (columns) for one channel.

    Reads `sim_service_level` from a simulation frame, else `service_level` from a coverage
    frame. Cells without a value (channel closed) are hatched grey; with `target` (share,
    e.g. 0.8) cells below target carry an ``x`` marker, so misses show in greyscale too.
    Cells where staff is required and nobody is scheduled (from `coverage`, or from
    `frame` when it is a coverage frame) are framed in red: the worst kind of shortfall."""
    column = "sim_service_level" if "sim_service_level" in frame.columns else "service_level"
    if column not in frame.columns:
        raise ValueError("expected a sim_service_level or service_level column")
    part = frame[frame["channel"] == channel].copy()
    if part.empty:
        raise ValueError(f"channel {channel!r} is not in the frame")
    part["interval_start"] = as_local_times(part["interval_start"], timezone)
    tz = _tz_of(part["interval_start"])
    part["day"] = part["interval_start"].dt.date
    part["minute"] = part["interval_start"].dt.hour * 60 + part["interval_start"].dt.minute
    grid = part.pivot_table(index="day", columns="minute", values=column, aggfunc="mean") * 100
    minutes = grid.columns.to_numpy()
    step = int(np.diff(minutes).min()) if len(minutes) > 1 else 30
    grid = grid.reindex(columns=np.arange(0, 24 * 60, step))
    days = list(grid.index)
    fig = PlannerFigure(figsize=(12, 0.45 * len(days) + 2.0), layout="constrained")
    ax = fig.subplots()
    ax.set_facecolor("0.85")
    ax.patch.set_hatch("//")
    ax.patch.set_edgecolor("0.6")
    values = np.ma.masked_invalid(grid.to_numpy(float))
    edges_x = np.append(grid.columns.to_numpy(), 24 * 60) / 60
    edges_y = np.arange(len(days) + 1)
    mesh = ax.pcolormesh(edges_x, edges_y, values, cmap="viridis", vmin=0, vmax=100,
                         edgecolors="white", linewidth=0.3)
    bar = fig.colorbar(mesh, ax=ax, pad=0.01)
    bar.set_label("service level (% answered within target)")
    if target is not None:
        rows, cols = np.nonzero(values.filled(np.inf) < target * 100)
        centres_x = (edges_x[cols] + edges_x[cols + 1]) / 2
        ax.scatter(centres_x, rows + 0.5, marker="x", s=46, color="white", linewidths=2.6)
        ax.scatter(centres_x, rows + 0.5, marker="x", s=30, color="black", linewidths=1.2)
        bar.ax.axhline(target * 100, color="black", linewidth=2.0)
        bar.ax.axhline(target * 100, color="white", linewidth=0.8, linestyle="--")
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), fontsize=9, frameon=False, ncols=2,
                  handles=[Patch(facecolor="0.85", hatch="//", edgecolor="0.6", label="closed / no data"),
                           Line2D([], [], marker="x", color="black", linestyle="none", markersize=6,
                                  label=f"below target ({target:.0%})")])
    staffing = coverage if coverage is not None else frame
    if {"required", "scheduled"} <= set(staffing.columns):
        empty = staffing[(staffing["channel"] == channel) & (staffing["required"] > 0) & (staffing["scheduled"] == 0)]
        stamps = as_local_times(empty["interval_start"], timezone)
        rows = [days.index(d) for d in stamps.dt.date if d in days]
        cols = [(stamp.hour * 60 + stamp.minute) / 60 for stamp, d in zip(stamps, stamps.dt.date, strict=True)
                if d in days]
        _rects(ax, [(x, x + step / 60, y, 1.0) for x, y in zip(cols, rows, strict=True)], facecolor="none",
               edgecolor="red", linewidth=2.0)
        if rows:
            if ax.get_legend() is not None:
                ax.add_artist(ax.get_legend())  # keep the target legend beside this one
            ax.legend(loc="upper right", bbox_to_anchor=(1, -0.12), fontsize=9, frameon=False,
                      handles=[Patch(facecolor="none", edgecolor="red", linewidth=2.0,
                                     label=f"nobody scheduled ({len(rows)} intervals)")])
    ax.set_yticks(edges_y[:-1] + 0.5, [f"{d:%a %d %b}" for d in days])
    ax.invert_yaxis()
    has_data = ~np.ma.getmaskarray(values).all(axis=0)
    lo = int(np.floor(edges_x[:-1][has_data].min())) if has_data.any() else 0
    hi = int(np.ceil(edges_x[1:][has_data].max())) if has_data.any() else 24
    step_h = 1 if hi - lo <= 16 else 2
    ax.set_xticks(np.arange(lo, hi + 1, step_h), [f"{h:02d}:00" for h in range(lo, hi + 1, step_h)])
    ax.set_xlim(lo, hi)
    ax.set_xlabel(f"interval start (local time, {tz})")
    ax.set_ylabel("day")
    source = "simulated" if column == "sim_service_level" else "projected"
    ax.set_title(f"Service level by day and interval: {channel} ({source})", fontsize=13,
                 fontweight="bold")
    return fig


def _rects(ax, rects: list[tuple[float, float, float, float]], **style) -> None:
    """Draw (x0, x1, y0, height) rectangles as one PolyCollection (fast for big rosters)."""
    if rects:
        verts = [[(x0, y0), (x1, y0), (x1, y0 + h), (x0, y0 + h)] for x0, x1, y0, h in rects]
        ax.add_collection(PolyCollection(verts, **style), autolim=False)


@_with_planner_fonts
def plot_roster_gantt(roster: pd.DataFrame, assignments: pd.DataFrame | None = None, *,
                      timezone: str | None = None, agent_order: list[str] | None = None) -> Figure:
    """The week's shifts per agent as horizontal bars; breaks are white hatched gaps.

    With `assignments` (columns `agent_id`, `interval_start`, `channel`: the channel an
    agent works in each interval) the working time is split by channel, each channel a grey
    level and hatch; otherwise working time is one grey. Rows alternate light shading; big
    rosters get compact rows and the day labels on top as well."""
    if timezone is None:
        stamps = [t for t in roster["shift_start"] if isinstance(t, pd.Timestamp) and t.tzinfo is not None]
        timezone = stamps[0].tzinfo if stamps else None
        if timezone is None and len(roster):
            raise ValueError("the roster times are not timezone-aware; pass timezone=")
    shifts = roster_shifts(roster, timezone) if len(roster) else []
    ids = agent_order or list(dict.fromkeys(s.agent_id for s in sorted(shifts, key=lambda s: s.agent_id)))
    row_of = {a: i for i, a in enumerate(ids)}
    many = len(ids) > 40
    fig = PlannerFigure(figsize=(12, (0.15 if many else 0.26) * len(ids) + 2.2), layout="constrained")
    ax = fig.subplots()
    for i in range(1, len(ids), 2):
        ax.axhspan(i - 0.5, i + 0.5, color="0.94", linewidth=0, zorder=0)
    height, styles = 0.76, {}
    if assignments is not None and len(assignments):
        work = assignments.copy()
        work["interval_start"] = as_local_times(work["interval_start"], str(timezone))
        step = pd.Series(sorted(work["interval_start"].unique())).diff().dropna().min()
        width = (step if pd.notna(step) else pd.Timedelta(minutes=30)) / pd.Timedelta(days=1)
        for i, name in enumerate(dict.fromkeys(sorted(work["channel"]))):
            styles[name] = _CHANNEL_STYLE[i % len(_CHANNEL_STYLE)]
        work = work[work["agent_id"].isin(row_of)]
        for name, rows in work.groupby("channel", sort=True):
            face, hatch = styles[name]
            ys = rows["agent_id"].map(row_of).to_numpy() - height / 2
            _rects(ax, [(x, x + width, y, height) for x, y in zip(_num(rows["interval_start"]), ys, strict=True)],
                   facecolors=face, hatch=hatch, edgecolors="0.3", linewidths=0.0)
    mine = [s for s in shifts if s.agent_id in row_of]
    spans = [(*(_num(t) for t in (s.start, s.end)), row_of[s.agent_id] - height / 2, height) for s in mine]
    if not styles:
        _rects(ax, spans, facecolors="0.55", edgecolors="none")
    _rects(ax, [(*(_num(t) for t in b), row_of[s.agent_id] - height / 2, height) for s in mine for b in s.breaks],
           facecolors="white", hatch="....", edgecolors="0.3", linewidths=0.0)
    _rects(ax, spans, facecolors="none", edgecolors="black", linewidths=0.7)
    ax.set_yticks(range(len(ids)), ids, fontsize=7 if many else 9)
    ax.set_ylim(max(len(ids), 1) - 0.5, -0.5)
    if not ids:
        ax.text(0.5, 0.5, "no shifts in the roster", transform=ax.transAxes, ha="center", va="center")
    ax.set_ylabel("agent")
    ax.set_xlabel(f"local time ({timezone})")
    if mine:
        _week_axis(ax, mine[0].start.tzinfo, min(s.start for s in mine), max(s.end for s in mine))
    if many:
        ax.tick_params(axis="x", which="major", labeltop=True)
    handles = ([Patch(facecolor=f, hatch=h, edgecolor="0.3", label=n) for n, (f, h) in styles.items()]
               or [Patch(facecolor="0.55", edgecolor="black", label="on shift")])
    handles.append(Patch(facecolor="white", hatch="....", edgecolor="0.3", label="break"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=9, frameon=False)
    fig.suptitle(f"Roster: {len(shifts)} shifts, {len(ids)} agents", fontsize=13, fontweight="bold")
    return fig

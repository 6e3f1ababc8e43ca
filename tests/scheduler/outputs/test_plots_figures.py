"""The planner plots: drawn from the frames they are given, labelled, greyscale-safe."""

from __future__ import annotations

import io

import matplotlib.dates as mdates
import matplotlib.legend
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from staffcast.scheduler.outputs.plots import plot_coverage, plot_roster_gantt, plot_service_heatmap


def png_bytes(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    return buffer.getvalue()


def data_axes(fig):
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]


def test_coverage_lines_follow_the_frame(coverage):
    fig = plot_coverage(coverage)
    assert isinstance(fig, Figure)
    axes = data_axes(fig)
    assert len(axes) == 3
    assert fig.get_suptitle() == "Required vs scheduled staff per interval"
    assert "Asia/Shanghai" in axes[-1].get_xlabel()
    for ax, channel in zip(axes, ["voice", "chat", "email"], strict=True):
        assert ax.get_ylabel() == "staff (agents)"
        required, scheduled = ax.lines[0], ax.lines[1]
        # told apart by line style, not only colour
        assert required.get_linestyle() == "--" and scheduled.get_linestyle() == "-"
        part = coverage[coverage["channel"] == channel].sort_values("interval_start")
        drawn = np.asarray(scheduled.get_ydata(), float)
        assert np.array_equal(drawn[~np.isnan(drawn)][: len(part)], part["scheduled"].to_numpy(float))
        short = int((part["scheduled"] < part["required"]).sum())
        missing = (part["required"] - part["scheduled"]).clip(lower=0).sum() / 2  # half-hour intervals
        assert ax.get_title(loc="left") == f"{channel}: {short} short intervals, {missing:,.1f} agent-hours missing"
        hatched = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_hatch()]
        assert len(hatched) == 1 and hatched[0].get_hatch() == "////"
    # closed hours break the voice line instead of joining 22:00 to 08:00
    voice = np.asarray(axes[0].lines[1].get_ydata(), float)
    # 20 closed half-hours between each of the 7 open days, plus the point closing the last step
    assert np.isnan(voice).sum() == 6 * 20 + 1
    assert png_bytes(fig)[:4] == b"\x89PNG"


def test_coverage_single_channel_and_unknown(coverage):
    assert len(data_axes(plot_coverage(coverage, "chat"))) == 1
    with pytest.raises(ValueError, match="channel 'fax' is not in the coverage frame"):
        plot_coverage(coverage, "fax")


def test_coverage_from_csv_strings(tmp_path, coverage):
    coverage.to_csv(tmp_path / "c.csv", index=False)
    back = pd.read_csv(tmp_path / "c.csv")
    fig = plot_coverage(back, "voice", timezone="Asia/Shanghai")
    a = np.asarray(data_axes(fig)[0].lines[1].get_xydata())
    b = np.asarray(data_axes(plot_coverage(coverage, "voice"))[0].lines[1].get_xydata())
    assert np.allclose(a, b, equal_nan=True)


def test_heatmap_cells_are_service_levels(simulation):
    fig = plot_service_heatmap(simulation, "voice", target=0.8)
    ax = data_axes(fig)[0]
    assert ax.get_title() == "Service level by day and interval: voice (simulated)"
    assert ax.get_xlabel().startswith("interval start (local time")
    mesh = ax.collections[0]
    values = mesh.get_array()
    assert values.shape == (7, 48)
    part = simulation[simulation["channel"] == "voice"]
    expect = np.full((7, 48), np.nan)
    days = sorted(part["interval_start"].dt.date.unique())
    for rec in part.itertuples():
        slot = rec.interval_start.hour * 2 + rec.interval_start.minute // 30
        expect[days.index(rec.interval_start.date()), slot] = rec.sim_service_level * 100
    assert np.array_equal(np.ma.getmaskarray(values), np.isnan(expect))
    assert np.allclose(values.filled(np.nan), expect, equal_nan=True)
    # closed cells (voice opens 08:00-22:00) are masked: 20 of 48 slots a day
    assert np.ma.getmaskarray(values).sum() == 7 * 20
    # every cell below target carries a marker (two overlaid scatters: white halo, black x)
    below = int(np.nansum(expect < 80))
    assert below > 0
    assert len(ax.collections[1].get_offsets()) == below == len(ax.collections[2].get_offsets())
    colorbar = [a for a in fig.axes if a is not ax][0]
    assert "%" in colorbar.get_ylabel()
    png_bytes(fig)


def test_heatmap_from_coverage_is_projected(coverage):
    fig = plot_service_heatmap(coverage, "chat")
    ax = data_axes(fig)[0]
    assert ax.get_title().endswith("chat (projected)")
    assert np.ma.getmaskarray(ax.collections[0].get_array()).sum() == 0  # chat is open 24/7
    with pytest.raises(ValueError, match="channel 'fax'"):
        plot_service_heatmap(coverage, "fax")


def test_heatmap_frames_the_intervals_nobody_is_scheduled_for(simulation, coverage):
    cov = coverage.copy()
    voice = cov.index[(cov["channel"] == "voice") & (cov["required"] > 0)][:3]
    cov.loc[voice, "scheduled"] = 0
    unstaffed = cov[(cov["channel"] == "voice") & (cov["required"] > 0) & (cov["scheduled"] == 0)]
    fig = plot_service_heatmap(simulation, "voice", target=0.8, coverage=cov)
    ax = data_axes(fig)[0]
    framed = [c for c in ax.collections if c.get_edgecolor().size and tuple(c.get_edgecolor()[0][:3]) == (1, 0, 0)]
    assert len(framed) == 1 and len(framed[0].get_paths()) == len(unstaffed) >= 3
    corners = sorted((round(p.vertices[:, 0].min() * 60), round(p.vertices[:, 1].min())) for p in framed[0].get_paths())
    days = sorted(simulation[simulation["channel"] == "voice"]["interval_start"].dt.date.unique())
    expect = sorted((t.hour * 60 + t.minute, days.index(t.date())) for t in unstaffed["interval_start"])
    assert corners == expect
    texts = [t.get_text() for legend in ax.findobj(matplotlib.legend.Legend) for t in legend.get_texts()]
    assert f"nobody scheduled ({len(unstaffed)} intervals)" in texts and "below target (80%)" in texts


def bars(ax):
    """(x0, x1, y0) of every broken_barh rectangle, grouped by face colour."""
    out = {}
    for coll in ax.collections:
        for path, face in zip(coll.get_paths(), np.resize(coll.get_facecolor(), (len(coll.get_paths()), 4)),
                              strict=True):
            xs, ys = path.vertices[:, 0], path.vertices[:, 1]
            key = "none" if face[3] == 0 else ("white" if face[:3].min() == 1 else "grey")
            out.setdefault(key, []).append((round(xs.min(), 6), round(xs.max(), 6), round(ys.min(), 2),
                                            coll.get_hatch()))
    return out


def test_gantt_bars_are_shifts_and_breaks(roster):
    fig = plot_roster_gantt(roster)
    ax = data_axes(fig)[0]
    assert fig.get_suptitle() == "Roster: 18 shifts, 5 agents"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["A01", "A02", "A03", "A04", "A05"]
    drawn = bars(ax)
    outlines = sorted(drawn["none"])
    expect = sorted((round(mdates.date2num(r.shift_start.to_pydatetime()), 6),
                     round(mdates.date2num(r.shift_end.to_pydatetime()), 6),
                     round(["A01", "A02", "A03", "A04", "A05"].index(r.agent_id) - 0.38, 2), None)
                    for r in roster.itertuples())
    assert outlines == expect
    breaks = drawn["white"]
    assert len(breaks) == len(roster) and all(h == "...." for *_, h in breaks)
    # A05's Saturday break runs across midnight: 23:30 to 00:30 Sunday
    sat = pd.Timestamp("2026-12-12 23:30", tz="Asia/Shanghai")
    assert (round(mdates.date2num(sat.to_pydatetime()), 6),
            round(mdates.date2num((sat + pd.Timedelta(hours=1)).to_pydatetime()), 6)) in \
        {(x0, x1) for x0, x1, *_ in breaks}
    png_bytes(fig)


def test_gantt_with_channel_assignments(roster):
    rows = []
    for r in roster.itertuples():
        channels = r.channels.split(";")
        for k, t in enumerate(pd.date_range(r.shift_start, r.shift_end, freq="30min", inclusive="left")):
            rows.append({"agent_id": r.agent_id, "interval_start": t, "channel": channels[k % len(channels)]})
    assignments = pd.DataFrame(rows)
    fig = plot_roster_gantt(roster, assignments)
    ax = data_axes(fig)[0]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["chat", "email", "voice", "break"]
    hatches = {h.get_hatch() for h in fig.legends[0].legend_handles}
    assert len(hatches) == 4  # each channel and the break hatched differently
    channel_cells = sum(len(c.get_paths()) for c in ax.collections if c.get_hatch() != "...."
                        and len(c.get_facecolor()) and c.get_facecolor()[:, 3].max() > 0)
    assert channel_cells == len(assignments)
    png_bytes(fig)


def test_gantt_empty_roster_and_day_off_rows(roster):
    empty = plot_roster_gantt(roster.iloc[0:0])
    assert empty.get_suptitle() == "Roster: 0 shifts, 0 agents"
    png_bytes(empty)
    # a roster that lists days off as rows without times draws the same shifts
    off = roster.iloc[:1].assign(shift_start=pd.NaT, shift_end=pd.NaT, breaks="", date=roster["date"].iloc[0])
    with_off = pd.concat([roster, off.assign(agent_id="A05")], ignore_index=True)
    assert plot_roster_gantt(with_off).get_suptitle() == "Roster: 18 shifts, 5 agents"


def test_figures_show_in_notebooks_without_pyplot(coverage):
    fig = plot_coverage(coverage, "voice")
    png = fig._repr_png_()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_chinese_names_draw_with_a_cjk_font(config):
    """Agent IDs and channel names in Chinese draw as glyphs (no empty boxes) when a CJK
    font is installed (`make test` installs fonts-wqy-zenhei); without one, a warning says so."""
    import warnings

    from outputs_frames import make_coverage as coverage_of
    from outputs_frames import make_roster as roster_of

    from staffcast.scheduler.outputs.plots import cjk_fonts, plot_coverage, plot_roster_gantt, warn_if_no_cjk_font

    if not cjk_fonts():
        with pytest.warns(UserWarning, match="no CJK-capable font is installed"):
            warn_if_no_cjk_font(["张三01"])
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-wqy-zenhei)")
    roster = roster_of(config)
    first = roster["agent_id"].iloc[0]
    roster["agent_id"] = roster["agent_id"].replace({first: "张三01"})
    coverage = coverage_of(config)
    coverage["channel"] = coverage["channel"].replace({"voice": "语音"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for boxes
        for fig in (plot_roster_gantt(roster), plot_coverage(coverage, "语音")):
            fig.savefig(io.BytesIO(), format="png", dpi=50)
    assert "张三01" in [t.get_text() for t in plot_roster_gantt(roster).axes[0].get_yticklabels()]

"""The HTML report: self-contained, rendered by headless Chromium, headline figures shown."""

from __future__ import annotations

import html
import re
import subprocess

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from staffcast.report import CHROMIUM_FLAGS, find_chromium, format_value, render_report, screenshot_report, write_report
from staffcast.scheduler.outputs.plots import plot_coverage, plot_roster_gantt, plot_service_heatmap


def chromium() -> str:
    if path := find_chromium():
        return path
    pytest.skip("headless Chromium is not installed and could not be installed "
                "(`make test` runs apt-get install chromium); skipping the browser checks")


def browse(page, tmp_path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args,
                           page.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=True)


def screenshot(page, tmp_path) -> np.ndarray:
    chromium()
    shot = screenshot_report(page, tmp_path / "shot.png", width=1280, height=2000)
    return np.asarray(Image.open(shot).convert("RGB"), dtype=float)


def page_text(page, tmp_path) -> str:
    dom = browse(page, tmp_path, "--dump-dom").stdout
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom)))


SUMMARY = {"forecast WAPE voice": "12.3%", "peak staff voice": 14, "agents rostered": 1234,
           "intervals meeting target voice": 0.875, "solver gap": "0.77%"}
SOLVER = {"status": "FEASIBLE", "objective": 12345.0, "best bound": 12250.5, "wall time (s)": 30.2}


def full_report(tmp_path, roster, coverage, simulation, backtest):
    means = backtest.groupby(["model", "channel"], as_index=False)[["wape", "mase", "bias"]].mean()
    return write_report(
        tmp_path / "out" / "report.html", title="staffcast plan: week of Mon 07 Dec 2026",
        subtitle="Asia/Shanghai, 30-minute intervals", summary=SUMMARY,
        figures={"Coverage": plot_coverage(coverage),
                 "Service level heat map, voice": plot_service_heatmap(simulation, "voice", target=0.8),
                 "Roster Gantt chart": plot_roster_gantt(roster)},
        tables={"Backtest (mean over folds)": means},
        shortfall=["voice Mon 07 Dec 09:00-10:30: up to 2 agents short"], solver_summary=SOLVER)


def test_report_is_self_contained(tmp_path, roster, coverage, simulation, backtest):
    page = full_report(tmp_path, roster, coverage, simulation, backtest)
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # nothing is fetched: no scripts, stylesheets or images by URL, every src a data: URI
    assert not re.search(r"<(script|link|iframe)\b", text)
    assert re.findall(r'src="([^"]*)"', text) and all(
        s.startswith("data:image/png;base64,") for s in re.findall(r'src="([^"]*)"', text))
    assert not re.search(r"url\(|@import|https?://", text)
    assert text.count("<img ") == 3
    assert "<td>ets_events</td>" in text and '<td class="num">0.130</td>' in text
    assert not list(page.parent.glob(".report.html*"))  # no temporary file left behind


def test_report_renders_in_chromium(tmp_path, roster, coverage, simulation, backtest):
    page = full_report(tmp_path, roster, coverage, simulation, backtest)
    pixels = screenshot(page, tmp_path)
    assert pixels.shape == (2000, 1280, 3)
    assert pixels.std() > 30  # not a blank page
    dark = (pixels.mean(axis=2) < 128).mean()
    assert 0.01 < dark < 0.6
    text = page_text(page, tmp_path)
    for label, value in SUMMARY.items():
        assert f"{label} {format_value(value)}" in text
    assert "intervals meeting target voice 0.875" in text and "agents rostered 1,234" in text
    assert "voice Mon 07 Dec 09:00-10:30: up to 2 agents short" in text
    assert "status FEASIBLE" in text and "best bound 12,250.5" not in text  # shown rounded
    assert "best bound 12,250" in text or "best bound 12,251" in text


def test_embedded_figure_is_drawn_by_the_browser(tmp_path):
    """A figure filled with one distinctive colour must show up in the screenshot."""
    fig = Figure(figsize=(12, 6), facecolor=(0.8, 0.1, 0.6))
    page = write_report(tmp_path / "r.html", title="Colour check", summary={"figure": "magenta"},
                        figures={"block": fig}, tables={}, shortfall=[], solver_summary={})
    pixels = screenshot(page, tmp_path)
    magenta = (np.abs(pixels - np.array([204, 26, 153])) < 12).all(axis=2)
    # the image spans the content width (~1180 px at 12:6) so about 1180 x 590 pixels
    assert magenta.sum() > 400_000
    text = page_text(page, tmp_path)
    assert "No shortfall: every interval is covered to its requirement." in text


def test_text_is_escaped():
    page = render_report(title="<b>plan</b>", summary={"a<b": "x&y"}, figures={}, tables={},
                         shortfall=["<script>alert(1)</script>"], solver_summary={"s": "<i>"})
    assert "<b>plan</b>" not in page and "&lt;b&gt;plan&lt;/b&gt;" in page
    assert "<script>" not in page and "x&amp;y" in page


@pytest.mark.parametrize("value, text", [(1234, "1,234"), (12345.0, "12,345"), (12250.5, "12,250"),
                                         (3.14159, "3.14"), (0.0077, "0.008"), (True, "yes"),
                                         ("87.5%", "87.5%"), (np.int64(7), "7"), (np.float64(0.5), "0.500")])
def test_format_value(value, text):
    assert format_value(value) == text


def test_table_columns_share_one_format():
    import pandas as pd

    frame = pd.DataFrame({"model": ["a", "b"], "folds": [3, 12], "wape": [0.1234, 0.2],
                          "ratio": [2.75, 3.0], "volume": [1234.0, 20000.0], "whole": [1.0, 2.0]})
    page = render_report(title="t", summary={}, figures={}, tables={"x": frame}, shortfall=[], solver_summary={})
    cells = re.findall(r'<td class="num">([^<]*)</td>', page)
    assert cells == ["3", "0.123", "2.75", "1,234", "1", "12", "0.200", "3.00", "20,000", "2"]


def test_small_screenshot_for_docs(tmp_path):
    chromium()
    page = write_report(tmp_path / "r.html", title="Docs", summary={"peak staff": 42}, figures={},
                        tables={}, shortfall=[], solver_summary={})
    shot = screenshot_report(page, tmp_path / "docs" / "report.png", width=1280, height=900, shrink_to=640)
    image = Image.open(shot)
    assert image.size == (640, 450) and image.mode == "P"
    assert shot.stat().st_size < 60_000
    assert np.asarray(image.convert("L"), dtype=float).std() > 5

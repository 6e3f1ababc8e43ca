"""The analyst notebooks run top to bottom on the sample data, and are committed stripped.

Each notebook is executed with nbclient in a fresh `python3` kernel with `notebooks/` as
its working directory; the kernel is a subprocess of this interpreter and imports the
installed staffcast, as an analyst's would. Any cell error fails the test with the cell's traceback.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = ("01_forecast_explore.ipynb", "02_staffing_what_if.ipynb", "03_roster_review.ipynb")
CELL_TIMEOUT_SECONDS = 300

# notebooks/strip.py, the same code `make strip-notebooks` runs (not a package: load it by path).
_spec = importlib.util.spec_from_file_location("notebook_strip", NOTEBOOK_DIR / "strip.py")
_strip_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_strip_module)
strip = _strip_module.strip


def test_every_expected_notebook_is_present():
    names = {p.name for p in NOTEBOOKS}
    assert [n for n in EXPECTED if n not in names] == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_stripped(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert dirty == [], f"{path.name}: cells {dirty} have outputs or execution counts; run `make strip-notebooks`"
    text = path.read_text(encoding="utf-8")
    assert nbformat.writes(strip(nbformat.reads(text, as_version=4))) + "\n" == text, \
        f"{path.name} is not in stripped form; run `make strip-notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_opens_with_its_question(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "**Question:**" in first.source


def test_strip_removes_outputs_and_counts():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=3)]
    nb.cells[0].execution_count = 3
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-12-01T00:00:00Z"}
    cell = strip(nb).cells[0]
    assert (cell.outputs, cell.execution_count, dict(cell.metadata)) == ([], None, {})


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):
    """A `python3` kernelspec running this interpreter (JUPYTER_PATH wins over any user or
    system kernelspec of that name), importing staffcast as this interpreter has it installed."""
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (staffcast tests)", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("JUPYTER_PATH")])))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path, kernel_env):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    try:
        client.execute()
    except CellExecutionError as err:
        pytest.fail(f"{path.name} failed:\n{err}", pytrace=False)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # Every cell that draws shows its figure inline (a broken backend would draw nothing).
    drawing = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
               and any(key in c.source for key in ("plt.show()", "plot_coverage(", "plot_roster_gantt(",
                                                    "plot_service_heatmap(", "plot_intraday_day(",
                                                    "plot_intraday_service("))]
    blank = [i for i in drawing if not any("image/png" in o.get("data", {}) for o in nb.cells[i].outputs)]
    assert drawing and blank == [], f"{path.name}: cells {blank} drew no figure"

"""Strip outputs, execution counts and run metadata from the analyst notebooks, in place.

Usage: `python notebooks/strip.py [NOTEBOOK ...]` (default: every notebook next to this
script). Run before committing (`make strip-notebooks`); tests/test_notebooks.py checks
that committed notebooks are stripped. Files already clean are left untouched.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with no outputs, no execution counts and no per-run cell metadata."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in RUN_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    return nb


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted(Path(__file__).resolve().parent.glob("*.ipynb"))
    for path in files:
        before = path.read_text(encoding="utf-8")
        nb = strip(nbformat.reads(before, as_version=4))
        after = nbformat.writes(nb) + "\n"
        if after != before:
            path.write_text(after, encoding="utf-8")
            print(f"stripped {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

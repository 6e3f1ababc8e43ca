"""Intraday benchmark: sections registered below, each a module beside this file with a
`run(bank: Path) -> list[str]` that returns the lines it prints.

    python benchmarks/intraday.py [--bank PATH] [--sections forecast,...]

- forecast (benchmarks/intraday_forecast.py): rest-of-day WAPE of the reforecast on the
  bank data at cut-offs 10:00, 12:00, 14:00 (see that module's docstring).
- replan (benchmarks/intraday_replan.py): on the bundled sample, (b) a +40% surge re-planned
  at 10:00, the rest of the day's simulated service before and after, and (c) the re-plan's
  solve time for 170 agents (see that module's docstring).

A new section is one line in SECTIONS: name -> module file name (without .py).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_BANK = HERE.parent.parent / "shared" / "data" / "bank_calls_5min.csv"

SECTIONS: dict[str, str] = {
    "forecast": "intraday_forecast",
    "replan": "intraday_replan",
}


def load_module(name: str):
    """A module of benchmarks/ by file name (benchmarks/ is not a package, and its
    forecast.py would clash with the repository's forecast/ folder on import)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, default=DEFAULT_BANK, metavar="PATH",
                        help="the bank calls CSV (default ../shared/data/bank_calls_5min.csv)")
    parser.add_argument("--sections", default=",".join(SECTIONS), help=f"comma-separated, of {', '.join(SECTIONS)}")
    args = parser.parse_args()
    for name in args.sections.split(","):
        t0 = time.perf_counter()
        for line in load_module(SECTIONS[name.strip()]).run(args.bank):
            print(line, flush=True)
        print(f"    ({name}: {time.perf_counter() - t0:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()

"""The package's layering, read from the source with `ast`, and the wheel's package list.

Layers: `staffcast.forecast` and `staffcast.scheduler` are two engines that never import
each other, so either can change (or be used) without the other. Neither they nor the
bundled sample (`staffcast.data`) depend on the glue that wires them (pipeline, report,
cli, sample): from `staffcast` itself they may import only the shared leaf modules
(errors, files, frame_io, config, interrupt), and those leaves import no engine and no wiring, so
the allowance is no back door. Every import counts, including those inside functions
(the CLI defers its heavy imports that way) and relative ones.

The setuptools package list in pyproject.toml is explicit; a subpackage missing from it
is silently missing from the wheel while every test run from the checkout still passes,
so the list is checked against the folders on disk.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
PACKAGE_DIR: dict[str, str] = SETUPTOOLS["package-dir"]
PACKAGES: list[str] = SETUPTOOLS["packages"]

# Folders in the checkout whose .py files are (or must be) in the wheel.
SOURCE_ROOTS = ("staffcast", "forecast", "scheduler", "data")

ENGINES = ("staffcast.forecast", "staffcast.scheduler")
NOT_GLUE = (*ENGINES, "staffcast.data")
# The only parts of the glue that engines and data may import.
SHARED = ("staffcast.errors", "staffcast.files", "staffcast.frame_io", "staffcast.config", "staffcast.capacity_config",
          "staffcast.intraday_config", "staffcast.queues", "staffcast.interrupt")
# Names the code had before it became one package; the wheel holds none of them, so an
# import of one works from the checkout only.
OLD_TOP_LEVEL = ("forecast", "scheduler", "data", "cli", "pipeline", "report", "errors", "config")


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. staffcast.scheduler.roster.build
    target: str  # what it imports, absolute, e.g. staffcast.config
    line: int

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def package_of(module: str, is_package: bool) -> str:
    return module if is_package else module.rpartition(".")[0]


def imports_of(source: str, module: str, is_package: bool = False) -> list[Import]:
    """Every import in `source` (at any depth: functions, branches, try blocks), as absolute
    names. `from a import b` yields both `a` and `a.b`, since `b` may be a submodule
    (`from staffcast import pipeline`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_of(module, is_package).split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module
            if node.module or node.level == 0:
                found.append(Import(module, prefix, node.lineno))
            found += [Import(module, f"{prefix}.{alias.name}", node.lineno) for alias in node.names
                      if alias.name != "*"]
    return found


def violations(imports: list[Import]) -> list[str]:
    """The layering rules of the module docstring, broken by `imports`."""
    broken = []
    for imp in imports:
        mod, target = imp.module, imp.target
        top = target.partition(".")[0]
        if top in OLD_TOP_LEVEL:
            broken.append(f"{imp}: a pre-package name, absent from the installed wheel")
        for engine in ENGINES:
            other = ENGINES[1 - ENGINES.index(engine)]
            if within(mod, engine) and within(target, other):
                broken.append(f"{imp}: {engine} must not depend on {other}")
        reaches_glue = (within(target, "staffcast") and target != "staffcast"
                        and not any(within(target, part) for part in NOT_GLUE)
                        and not any(within(target, leaf) for leaf in SHARED))
        if any(within(mod, part) for part in NOT_GLUE) and reaches_glue:
            broken.append(f"{imp}: only {', '.join(SHARED)} of the glue may be imported here")
        if any(within(mod, leaf) for leaf in SHARED) and (
                reaches_glue or any(within(target, part) for part in NOT_GLUE)):
            broken.append(f"{imp}: the shared leaf modules import no engine and no wiring")
    return broken


def module_name(path: Path) -> tuple[str, bool]:
    """Dotted name of a .py file in the checkout, through pyproject's package-dir mapping."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    # the longest mapped folder that contains the file
    best = max((pkg for pkg, folder in PACKAGE_DIR.items()
                if tuple(parts[: len(Path(folder).parts)]) == Path(folder).parts),
               key=lambda pkg: len(Path(PACKAGE_DIR[pkg]).parts))
    rest = parts[len(Path(PACKAGE_DIR[best]).parts):]
    return ".".join([best, *rest]), is_package


def source_files() -> list[Path]:
    files = []
    for folder in SOURCE_ROOTS:
        files += [p for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts]
    return sorted(files)


def source_folders() -> set[Path]:
    return {p.parent for p in source_files()}


def test_every_source_module_is_found():
    names = {module_name(p)[0] for p in source_files()}
    for expected in ("staffcast.cli", "staffcast.pipeline", "staffcast.config", "staffcast.data",
                     "staffcast.forecast.api", "staffcast.scheduler.roster.build"):
        assert expected in names


def test_layering():
    broken = []
    for path in source_files():
        module, is_package = module_name(path)
        broken += violations(imports_of(path.read_text(encoding="utf-8"), module, is_package))
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("module, source, needle", [
    ("staffcast.forecast.api", "from staffcast.scheduler.staffing import erlang\n", "must not depend"),
    ("staffcast.scheduler.roster.build", "def f():\n    import staffcast.forecast.api\n", "must not depend"),
    ("staffcast.scheduler.roster.build", "from ...forecast import models\n", "must not depend"),
    ("staffcast.scheduler.roster.build", "from .. import forecast\n", None),  # staffcast.scheduler.forecast
    ("staffcast.forecast.api", "try:\n    from staffcast import pipeline\nexcept ImportError:\n    pass\n",
     "only staffcast.errors"),
    ("staffcast.scheduler.outputs.plots", "import staffcast.report as r\n", "only staffcast.errors"),
    ("staffcast.data.generate", "from staffcast.cli import app\n", "only staffcast.errors"),
    ("staffcast.scheduler.inputs.agents", "from scheduler.inputs import frames\n", "pre-package"),
    ("staffcast.config", "from staffcast.scheduler.inputs import agents\n", "shared leaf"),
    ("staffcast.errors", "def f():\n    from staffcast import pipeline\n", "shared leaf"),
    ("staffcast.forecast.api", "from staffcast.errors import InputError\nfrom staffcast import config\n", None),
    ("staffcast.scheduler.roster.build", "from .model import shifts\nfrom ..inputs.agents import load_agents\n",
     None),
    ("staffcast.pipeline", "from staffcast.forecast import api\nfrom staffcast import report\n", None),
])
def test_the_check_catches(module, source, needle):
    """The rules above fire on what they forbid (and only on that), so a clean run means something."""
    broken = violations(imports_of(source, module))
    if needle is None:
        assert broken == []
    else:
        assert broken and all(needle in b for b in broken), broken


def test_relative_imports_resolve():
    got = {i.target for i in imports_of("from .. import x\nfrom .y import z\n", "staffcast.scheduler.roster.build")}
    assert got == {"staffcast.scheduler.x", "staffcast.scheduler.roster.y", "staffcast.scheduler.roster.y.z"}
    got = {i.target for i in imports_of("from . import a\n", "staffcast.scheduler.roster", is_package=True)}
    assert got == {"staffcast.scheduler.roster.a"}


def folder_of(package: str) -> Path:
    best = max((p for p in PACKAGE_DIR if within(package, p)), key=len)
    rest = package[len(best):].lstrip(".")
    return ROOT / PACKAGE_DIR[best] / Path(*rest.split(".")) if rest else ROOT / PACKAGE_DIR[best]


def test_listed_packages_exist():
    missing = [p for p in PACKAGES if not (folder_of(p) / "__init__.py").is_file()]
    assert not missing, f"listed in pyproject but no folder with __init__.py: {missing}"


def test_every_source_folder_is_listed():
    listed = {folder_of(p).resolve() for p in PACKAGES}
    unlisted = sorted(str(f.relative_to(ROOT)) for f in source_folders() if f.resolve() not in listed)
    assert not unlisted, f"folders with modules missing from [tool.setuptools] packages (so from the wheel): {unlisted}"

"""A plan folder (the `--out` of `run` or `demo`) read back whole: the inputs it keeps in
`inputs/` (config, agents, events, last week's roster when one was given, and the queues
table the config names) and the frames it wrote.

`keep_inputs(folder, sources)` copies the inputs into a run's staging folder;
`read_plan(plan_dir)` reads a plan folder, with a one-line error for a missing file.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from staffcast.config import PlanningConfig
from staffcast.errors import InputError

INPUTS = "inputs"
# source name -> file stem in inputs/ (the source's suffix is kept)
KEPT = {"config": "planning", "agents": "agents", "events": "events", "previous_roster": "previous_roster"}
FRAMES = ("forecast.csv", "requirements.csv", "roster.csv", "coverage.csv")


def keep_inputs(folder: Path, sources: dict[str, Path]) -> list[Path]:
    """Copy the config, agents, events and previous roster of `sources` into
    `folder/inputs/` (the history is not kept: the plan's forecast stands for it), and the
    queues table a config's `[queues] file` names by a path relative to the config, to the
    same relative path, so the copied config reads it. Returns the files written."""
    target = Path(folder) / INPUTS
    written = []
    for name, stem in KEPT.items():
        path = sources.get(name)
        if path is None or not Path(path).is_file():
            continue
        target.mkdir(exist_ok=True)
        copy = target / f"{stem}{Path(path).suffix}"
        shutil.copyfile(path, copy)
        written.append(copy)
    queues = _queues_file(sources.get("config"))
    if queues is not None:
        copy = target / queues
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(sources["config"]).parent / queues, copy)
        written.append(copy)
    return written


def _queues_file(config: Path | None) -> Path | None:
    """The `[queues] file` of the config at `config` when it is a relative path inside the
    config's folder (an absolute path still resolves from the copy), else None."""
    import tomllib

    if config is None or not Path(config).is_file():
        return None
    try:
        name = tomllib.loads(Path(config).read_text(encoding="utf-8-sig")).get("queues", {}).get("file")
    except (tomllib.TOMLDecodeError, AttributeError, UnicodeDecodeError):
        return None  # load_config has rejected such a file before any output is written
    if not isinstance(name, str) or not name.strip():
        return None
    path = Path(name.strip())
    if path.is_absolute() or ".." in path.parts or not (Path(config).parent / path).is_file():
        return None
    return path


@dataclass(frozen=True)
class Plan:
    """A plan folder's contents: the config and agents it used, last week's roster (or
    None), and its forecast, requirements, roster and coverage frames."""

    folder: Path
    config: PlanningConfig
    agents: tuple
    previous_roster: pd.DataFrame | None
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    roster: pd.DataFrame
    coverage: pd.DataFrame
    paths: dict[str, Path]


def _need(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise InputError(folder, f"not a complete plan folder: {name} is missing (the --out of staffcast run "
                         "or demo holds it)")
    return path


def _kept(folder: Path, stem: str, suffixes: tuple[str, ...], required: bool = True) -> Path | None:
    for suffix in suffixes:
        path = folder / INPUTS / f"{stem}{suffix}"
        if path.is_file():
            return path
    if required:
        _need(folder, f"{INPUTS}/{stem}{suffixes[0]}")
    return None


def read_plan(plan_dir: str | Path) -> Plan:
    """Read the plan folder `plan_dir` (InputError naming a missing or malformed file)."""
    from staffcast.commands.reforecast import read_forecast_frame
    from staffcast.config import load_config
    from staffcast.scheduler.inputs.agents import load_agents
    from staffcast.scheduler.inputs.frames import read_coverage, read_requirements
    from staffcast.scheduler.inputs.previous_roster import read_previous_roster
    from staffcast.scheduler.roster.results.view import roster_shifts

    folder = Path(plan_dir)
    if not folder.is_dir():
        raise InputError(folder, "--plan: expected the folder staffcast run or demo wrote")
    config_path = _kept(folder, "planning", (".toml",))
    agents_path = _kept(folder, "agents", (".csv",))
    frames = {name: _need(folder, name) for name in FRAMES}
    config = load_config(config_path, command="staffcast intraday")
    agents = tuple(load_agents(agents_path, config))
    previous_path = _kept(folder, "previous_roster", (".csv", ".parquet"), required=False)
    previous = read_previous_roster(previous_path, config, agents) if previous_path else None
    from staffcast.frame_io import read_frame

    raw, _ = read_frame(frames["roster.csv"])
    try:
        shifts = roster_shifts(raw, config.timezone)
    except InputError as exc:
        raise InputError(frames["roster.csv"], exc.message, row=exc.row, column=exc.column) from None
    roster = pd.DataFrame({
        "agent_id": [s.agent_id for s in shifts], "date": [s.date for s in shifts],
        "shift_start": [s.start for s in shifts], "shift_end": [s.end for s in shifts],
        "breaks": [s.breaks_text for s in shifts], "channels": [";".join(s.channels) for s in shifts]})
    paths = {"config": config_path, "agents": agents_path, **({"previous_roster": previous_path} if previous_path
                                                              else {}), **frames}
    return Plan(folder, config, agents, previous, read_forecast_frame(frames["forecast.csv"], config),
                read_requirements(frames["requirements.csv"], config), roster,
                read_coverage(frames["coverage.csv"], config), paths)

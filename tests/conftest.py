"""Suite-wide settings and fixtures.

Hypothesis draws the same examples on every run (reproducible CI). `sample_dir` is the
bundled sample as installed (package data), never a path in the checkout.
`planning_path` is the shared planning config (`planning_config.BASE`) written to
tmp_path/planning.toml; variants come from `planning_config.write_planning`. The
other fixtures are the small hand-made frames of `outputs_frames` for the export, plot and
report tests.
"""

from pathlib import Path

import pytest
from hypothesis import settings
from outputs_frames import AGENTS, make_backtest, make_coverage, make_roster, make_simulation, write_config
from planning_config import write_planning
from sample_paths import SAMPLE_DIR

from staffcast.scheduler.inputs.agents import load_agents

settings.register_profile("staffcast", derandomize=True, print_blob=True)
settings.load_profile("staffcast")


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture
def planning_path(tmp_path) -> Path:
    return write_planning(tmp_path)


@pytest.fixture
def config(tmp_path):
    return write_config(tmp_path)


@pytest.fixture
def agents(tmp_path, config):
    path = tmp_path / "agents.csv"
    path.write_text(AGENTS, encoding="utf-8")
    return load_agents(path, config)


@pytest.fixture
def roster(config):
    return make_roster(config)


@pytest.fixture
def coverage(config):
    return make_coverage(config)


@pytest.fixture
def simulation(coverage):
    return make_simulation(coverage)


@pytest.fixture
def backtest():
    return make_backtest()

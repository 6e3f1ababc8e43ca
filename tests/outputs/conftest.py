"""Fixtures for the export, plot and report tests: the hand-made frames of outputs_frames."""

from __future__ import annotations

import pytest
from outputs_frames import AGENTS, make_backtest, make_coverage, make_roster, make_simulation, write_config
from staffcast.scheduler.inputs.agents import load_agents


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

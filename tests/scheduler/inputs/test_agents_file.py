"""Agents file: skills, hours and availability parsed; each mistake rejected with row and column."""

from __future__ import annotations

import datetime as dt

import pytest

from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.scheduler.inputs.agents import load_agents

HEADER = "agent_id,name,channels,min_hours_week,max_hours_week,unavailable,cost_per_hour\n"
ROWS = "A001,Li Wei,voice;chat,32,45,2026-12-08;Sat,35\nA002,Ana Souza,Email,16,24,,28.5\n"


@pytest.fixture
def config(planning_path):
    return load_config(planning_path)


def test_agents_parse(tmp_path, config):
    path = tmp_path / "agents.csv"
    path.write_text(HEADER + ROWS)
    first, second = load_agents(path, config)
    assert first.channels == frozenset({"voice", "chat"}) and second.channels == frozenset({"email"})
    assert not first.available_on(dt.date(2026, 12, 8)) and not first.available_on(dt.date(2026, 12, 12))
    assert first.available_on(dt.date(2026, 12, 9)) and second.cost_per_hour == 28.5


@pytest.mark.parametrize(("row", "message"), [
    ("A003,X,voice;fax,32,40,,30", 'column channels: expected channels from voice, chat, email separated by '
     '\';\', got "voice;fax"'),
    ("A003,X,voice,40,32,,30", 'column max_hours_week: expected max_hours_week >= min_hours_week (40), got "32"'),
    ("A001,X,voice,32,40,,30", "column agent_id: agent id 'A001' appears twice"),
    ("A003,X,voice,32,40,someday,30", 'column unavailable: expected dates (YYYY-MM-DD) or weekdays (Mon..Sun) '
     'separated by \';\', got "someday"'),
    ("A003,X,voice,thirty,40,,30", 'column min_hours_week: expected hours between 0 and 168, got "thirty"'),
    ("A003,X,voice,32,40,,-1", 'column cost_per_hour: expected a number >= 0, got "-1"'),
])
def test_agent_rejections(tmp_path, config, row, message):
    path = tmp_path / "agents.csv"
    path.write_text(HEADER + ROWS + row + "\n")
    with pytest.raises(InputError) as info:
        load_agents(path, config)
    assert str(info.value) == f"agents.csv row 4, {message}"

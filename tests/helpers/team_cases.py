"""A small two-team roster case (not a test module): voice agents in team Front, email agents
in team Back office, and a requirements file solved to optimality within a second.
`write_team_case(folder, agents=AGENTS)` writes it and returns the `staffcast schedule`
arguments before `--out`."""

from __future__ import annotations

from planning_config import channel, planning_toml
from roster_cases import demand

PLANNING = planning_toml(
    channels=[channel("voice", max_occupancy=None, patience_seconds=None, open_hours="07:00-23:00"),
              channel("email", open_hours="08:00-22:00")],
    shifts={"lengths_hours": [8], "start_times": "07:00-15:00/240min"},
    solver={"time_limit_seconds": 6, "workers": 1, "seed": 1},
)
AGENTS = """agent_id,name,channels,min_hours_week,max_hours_week,cost_per_hour,team
V1,Ann,voice,0,40,30,Front
E1,Eve,email,0,40,25,Back office
V2,Bo,voice,0,40,30,Front
E2,Kai,email,0,24,25,Back office
"""


def write_team_case(tmp_path, agents=AGENTS):
    req = demand(("voice", 0, "07:00", "15:00", 2), ("voice", 2, "11:00", "19:00", 1),
                 ("email", 1, "09:00", "12:00", 1), ("email", 4, "08:00", "16:00", 2))
    req["agents"] = req["staff"]
    req.to_csv(tmp_path / "requirements.csv", index=False)
    (tmp_path / "planning.toml").write_text(PLANNING)
    (tmp_path / "agents.csv").write_text(agents, encoding="utf-8")
    return ["schedule", str(tmp_path / "requirements.csv"), "--agents", str(tmp_path / "agents.csv"),
            "--config", str(tmp_path / "planning.toml")]

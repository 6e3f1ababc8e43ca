"""Time-varying staffing (issue #14): MOL lags SIPP after a step, equals it on constant
arrivals; ISA meets the target in every interval of a day simulated on independent seeds;
the `[staffing] method` key and `staffcast staff --method`."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from planning_config import BASE
from scipy import stats
from typer.testing import CliRunner

from staffcast import cli
from staffcast.config import load_config
from staffcast.errors import InputError
from staffcast.files import write_frame_atomic
from staffcast.scheduler.simulation.frame import simulate_frame
from staffcast.scheduler.staffing import time_varying
from staffcast.scheduler.staffing.requirements import requirements

runner = CliRunner()


def _config(tmp_path, extra: str = "", name: str = "planning.toml"):
    path = tmp_path / name
    path.write_text(BASE + extra, encoding="utf-8")
    return path


def _forecast(channel: str, volumes, aht: float, start: str = "2026-12-07 08:00") -> pd.DataFrame:
    starts = pd.date_range(start, periods=len(volumes), freq="30min", tz="Asia/Shanghai")
    vol = np.asarray(volumes, dtype=float)
    return pd.DataFrame({"channel": channel, "interval_start": starts, "volume": vol, "volume_lo": vol,
                         "volume_hi": vol, "aht_seconds": aht, "model": "test"})


STEP = [20.0] * 6 + [240.0] * 4 + [20.0] * 6  # a step up at interval 6 and down at 10


def test_modified_offered_load_solves_the_ode():
    vol, aht = np.array(STEP), np.full(len(STEP), 600.0)
    fine = 600  # Euler steps per interval of m' = lambda - m / aht, from the stationary start
    lam, dt = np.repeat(vol / 1800.0, fine), 1800.0 / fine
    m, path = vol[0] / 1800 * 600, []
    for rate in lam:
        path.append(m)
        m += dt * (rate - m / 600.0)
    mean = np.asarray(path).reshape(len(STEP), fine).mean(axis=1)
    assert time_varying.modified_offered_load(vol, aht, 30) == pytest.approx(mean, rel=2e-3)
    const = time_varying.modified_offered_load(np.full(5, 100.0), np.full(5, 180.0), 30)
    assert const == pytest.approx(np.full(5, 10.0))


def test_mol_rises_and_falls_later_than_sipp(tmp_path):
    cfg = load_config(_config(tmp_path), needs=())
    chat = dataclasses.replace(cfg.channel("chat"), concurrency=1)
    cfg = dataclasses.replace(cfg, channels=(cfg.channel("voice"), chat, cfg.channel("email")))
    fc = _forecast("chat", STEP, 600.0)
    sipp = requirements(fc, cfg, method="sipp")["agents"].to_numpy()
    mol = requirements(fc, cfg, method="mol")["agents"].to_numpy()
    assert mol[6] < sipp[6]  # the load builds up over the first interval of the peak
    assert mol[10] > sipp[10]  # agents are still busy with the peak's contacts after it
    assert mol[11] >= sipp[11]
    assert (mol[8:10] == sipp[8:10]).all() and (mol[:5] == sipp[:5]).all()  # settled: the same
    # in time, MOL's staffing is SIPP's moved later: its centre of mass over the peak is later
    t = np.arange(len(STEP))
    assert (t * mol).sum() / mol.sum() > (t * sipp).sum() / sipp.sum()


@pytest.mark.parametrize("name", ["voice", "chat"])  # Erlang A with occupancy cap; concurrency 2
def test_mol_equals_sipp_on_constant_arrivals(tmp_path, name):
    cfg = load_config(_config(tmp_path), needs=())
    fc = _forecast(name, [130.0] * 12, 300.0)
    sipp = requirements(fc, cfg, method="sipp")
    mol = requirements(fc, cfg, method="mol")
    assert (mol["agents"] == sipp["agents"]).all() and (mol["staff"] == sipp["staff"]).all()
    for column in ("service_level", "asa_seconds", "occupancy", "abandon_rate"):
        assert mol[column].to_numpy() == pytest.approx(sipp[column].to_numpy(), rel=1e-9, abs=1e-12)


def test_isa_meets_the_target_in_every_interval_on_independent_seeds(tmp_path):
    cfg = load_config(_config(tmp_path), needs=())
    day = np.array([10, 25, 160, 220, 200, 60, 30, 150, 180, 40, 20, 15, 90, 30, 10, 5], dtype=float)
    fc = pd.concat([_forecast("voice", day, 330.0), _forecast("chat", day * 0.7, 480.0)], ignore_index=True)
    req = requirements(fc, cfg, method="isa")
    again = requirements(fc, cfg, method="isa")
    assert req.equals(again)  # deterministic: fixed seeds, common random numbers
    reps = 200
    sim = simulate_frame(req, cfg, replications=reps, seed=98765)  # not the stream ISA simulated
    for name in ("voice", "chat"):
        target = cfg.channel(name).service_level
        part = sim[req["channel"] == name]
        # se of the difference between this estimate and ISA's own (100 replications), at
        # three standard errors per interval
        se = part["sim_service_level_halfwidth"].to_numpy() / stats.t.ppf(0.975, reps - 1)
        tol = 3 * se * np.sqrt(1 + reps / time_varying.ISA_REPLICATIONS)
        assert (part["sim_service_level"].to_numpy() >= target - tol).all(), part
        assert np.average(part["sim_service_level"], weights=req.loc[part.index, "volume"]) >= target - 0.01
        planned = req[req["channel"] == name]
        assert (planned["service_level"] >= target).all()  # ISA's own simulated level
        sipp = requirements(fc, cfg, method="sipp")
        assert planned["agents"].sum() <= 1.1 * sipp.loc[sipp["channel"] == name, "agents"].sum()
    voice = req["channel"] == "voice"
    assert (req.loc[voice, "staff"] == np.ceil(req.loc[voice, "agents"] / 0.7 - 1e-9)).all()


def test_deferred_channels_do_not_depend_on_the_method(tmp_path):
    cfg = load_config(_config(tmp_path), needs=())
    fc = _forecast("email", STEP, 480.0)
    frames = [requirements(fc, cfg, method=m) for m in time_varying.METHODS]
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2])
    with pytest.raises(ValueError, match="method"):
        requirements(fc, cfg, method="lag")


def test_staffing_section_of_the_config(tmp_path):
    assert load_config(_config(tmp_path), needs=()).staffing.method == "mol"  # the default
    for method in time_varying.METHODS:
        cfg = load_config(_config(tmp_path, f'\n[staffing]\nmethod = "{method}"\n'), needs=())
        assert cfg.staffing.method == method
    text = BASE + '\n[staffing]\nmethod = "erlang"\n'
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if line.startswith("method"))
    with pytest.raises(InputError) as bad:
        load_config(_config(tmp_path, '\n[staffing]\nmethod = "erlang"\n'), needs=())
    message = str(bad.value)
    assert "\n" not in message and f"row {row}" in message and "staffing.method" in message
    assert "sipp" in message and "erlang" in message
    with pytest.raises(InputError, match="staffing.replications.*unknown key"):
        load_config(_config(tmp_path, "\n[staffing]\nreplications = 5\n"), needs=())


def _one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def test_staff_method_option_and_config_key(tmp_path):
    forecast = tmp_path / "forecast.csv"
    write_frame_atomic(_forecast("chat", STEP, 600.0), forecast)
    mol_config = _config(tmp_path, '\n[staffing]\nmethod = "mol"\n', "mol.toml")
    plain = _config(tmp_path)
    outs = {}
    for label, config, extra in (("sipp", plain, ["--method", "sipp"]), ("mol", mol_config, []),
                                 ("mol_option", plain, ["--method", "mol"]),
                                 ("sipp_over_config", mol_config, ["--method", "sipp"])):
        out = tmp_path / f"{label}.csv"
        result = runner.invoke(cli.app, ["staff", str(forecast), "-c", str(config), "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        outs[label] = pd.read_csv(out)["agents"].to_numpy()
    cfg = load_config(plain, needs=())
    fc = _forecast("chat", STEP, 600.0)
    assert (outs["sipp"] == requirements(fc, cfg, method="sipp")["agents"].to_numpy()).all()
    assert (outs["mol"] == requirements(fc, cfg, method="mol")["agents"].to_numpy()).all()
    assert (outs["mol_option"] == outs["mol"]).all() and (outs["sipp_over_config"] == outs["sipp"]).all()
    assert (outs["mol"] != outs["sipp"]).any()

    out = tmp_path / "never.csv"
    line = _one_line_error(runner.invoke(cli.app, ["staff", str(forecast), "-c", str(plain), "--out", str(out),
                                                   "--method", "lagsipp"]))
    assert "--method" in line and "lagsipp" in line
    bad = _config(tmp_path, '\n[staffing]\nmethod = 3\n', "bad.toml")
    line = _one_line_error(runner.invoke(cli.app, ["staff", str(forecast), "-c", str(bad), "--out", str(out)]))
    assert "staffing.method" in line and "bad.toml" in line
    assert not out.exists()

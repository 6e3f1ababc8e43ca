"""`staffcast reforecast` on real files: the update written, one-line errors, nothing written."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from staffcast.cli import app
from tests.helpers.planning_config import write_planning

TZ = "Asia/Shanghai"


@pytest.fixture()
def files(tmp_path):
    config = write_planning(tmp_path)
    starts = pd.date_range("2026-12-07 08:00", periods=28, freq="30min", tz=TZ)
    fc = pd.DataFrame({"channel": "voice", "interval_start": starts, "volume": 40.0, "volume_lo": 30.0,
                       "volume_hi": 50.0, "aht_seconds": 300.0, "model": "profile"})
    fc.to_csv(tmp_path / "forecast.csv", index=False)
    seen = fc.iloc[:4]
    pd.DataFrame({"channel": "voice", "interval_start": seen["interval_start"].astype(str),
                  "volume": 60.0, "aht_seconds": 330.0}).to_csv(tmp_path / "actuals.csv", index=False)
    return tmp_path, config


def _run(tmp_path, config, now, actuals="actuals.csv"):
    return CliRunner().invoke(app, ["reforecast", str(tmp_path / "forecast.csv"), "-c", str(config),
                                    "--actuals", str(tmp_path / actuals), "--now", now,
                                    "--out", str(tmp_path / "updated.csv")])


def test_reforecast_writes_the_update(files):
    tmp_path, config = files
    result = _run(tmp_path, config, "2026-12-07 10:00")
    assert result.exit_code == 0, result.output
    out = pd.read_csv(tmp_path / "updated.csv")
    assert list(out["model"][:4]) == ["actual"] * 4 and (out["volume"][:4] == 60).all()
    ratio = (160 * 1.5 + 200) / (160 + 200)  # default prior 200 contacts
    np.testing.assert_allclose(out["volume"][4:], 40 * ratio)
    assert (out["aht_seconds"][4:] > 300).all()


@pytest.mark.parametrize(("now", "message"), [
    ("2026-12-07 09:30", "actuals.csv row 5, column interval_start: expected actuals before now"),
    ("2026-12-09 10:00", "--now: expected a time inside the forecast"),
    ("soon", "--now: expected a time like"),
])
def test_bad_inputs_one_line_nothing_written(files, now, message):
    tmp_path, config = files
    result = _run(tmp_path, config, now)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "updated.csv").exists()


def test_channel_not_in_forecast(files):
    tmp_path, config = files
    pd.DataFrame({"channel": ["chat"], "interval_start": ["2026-12-07 08:00"], "volume": [3.0],
                  "aht_seconds": [200.0]}).to_csv(tmp_path / "chat.csv", index=False)
    result = _run(tmp_path, config, "2026-12-07 10:00", "chat.csv")
    assert result.exit_code == 2 and "channel chat is not in the forecast forecast.csv" in result.output
    assert not (tmp_path / "updated.csv").exists()

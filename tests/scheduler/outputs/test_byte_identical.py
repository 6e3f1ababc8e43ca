"""The workbook and the calendars carry no wall-clock time: written twice, seconds apart,
they are byte-identical (zip entry times have a 2-second resolution, so 2.1 s apart)."""

from __future__ import annotations

import time
import zipfile

from staffcast.scheduler.outputs.calendars import write_calendars, write_roster_xlsx


def test_xlsx_and_calendars_are_byte_identical(tmp_path, roster, coverage, config, agents):
    paths = []
    for run in ("a", "b"):
        write_roster_xlsx(tmp_path / run / "roster.xlsx", roster, coverage, agents, config)
        paths.append(write_calendars(tmp_path / run, roster, config, agents=agents))
        if run == "a":
            time.sleep(2.1)
    assert (tmp_path / "a" / "roster.xlsx").read_bytes() == (tmp_path / "b" / "roster.xlsx").read_bytes()
    for first, second in zip(*paths, strict=True):
        assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(tmp_path / "a" / "roster.xlsx") as book:
        core = book.read("docProps/core.xml").decode()
        assert {i.date_time for i in book.infolist()} == {(2026, 12, 7, 0, 0, 0)}
    assert "2026-12-07T00:00:00Z" in core
    assert b"DTSTAMP:20261207T000000Z" in paths[0][0].read_bytes()

"""Output folders: written fresh and swapped in, a manifest of what the run wrote, foreign
folders refused unless --force, unwritable --out a one-line error before any work."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from staffcast import cli
from staffcast.errors import InputError
from staffcast.outputs_folder import MANIFEST, OutputFolder, describe_inputs, sha256_of

runner = CliRunner()


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def staged(target, names, **kwargs):
    folder = OutputFolder(target, **kwargs)
    for name in names:
        (folder.path / name).parent.mkdir(parents=True, exist_ok=True)
        (folder.path / name).write_text(name)
    return folder.commit(command="test", options={"n": len(names)}, inputs={})


def test_a_second_run_replaces_every_file_of_the_first(tmp_path):
    out = tmp_path / "out"
    staged(out, ["a.csv", "calendars/A01.ics", "calendars/A02.ics"])
    staged(out, ["a.csv", "calendars/A01.ics"])
    assert files_in(out) == ["a.csv", "calendars/A01.ics", MANIFEST]
    manifest = json.loads((out / MANIFEST).read_text())
    assert [f["path"] for f in manifest["files"]] == ["a.csv", "calendars/A01.ics"]
    assert manifest["files"][0]["sha256"] == sha256_of(out / "a.csv") and manifest["options"] == {"n": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging or old folder left


def test_a_folder_staffcast_did_not_write_is_refused_unless_forced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match=r"^--out .*out: is not empty and was not written by staffcast "
                       r"\(notes.txt\); name a new or empty folder, or pass --force"):
        OutputFolder(out)
    (out / "notes.txt").unlink()
    staged(out, ["a.csv"])  # an empty folder is fine
    (out / "extra.txt").write_text("added by hand")
    with pytest.raises(InputError, match=r"holds files the last staffcast run did not write \(extra.txt\)"):
        OutputFolder(out)
    assert (out / "extra.txt").exists()
    staged(out, ["b.csv"], force=True)
    assert files_in(out) == ["b.csv", MANIFEST]


def test_force_replaces_a_foreign_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    staged(out, ["a.csv"], force=True)
    assert files_in(out) == ["a.csv", MANIFEST]


@pytest.mark.parametrize("make, message", [
    (lambda t: (t / "file").write_text("x") and t / "file" / "out", "is a file, not a folder"),
    (lambda t: (t / "out").write_text("x") and t / "out", "out: is a file, not a folder"),
])
def test_a_bad_target_is_refused(tmp_path, make, message):
    with pytest.raises(InputError, match=message):
        OutputFolder(make(tmp_path))


def test_a_read_only_folder_is_refused(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    import staffcast.outputs_folder as folders

    monkeypatch.setattr(folders.os, "access", lambda path, mode: str(path) != str(out))
    with pytest.raises(InputError, match=r"out: is not writable$"):
        OutputFolder(out)


def test_inputs_inside_the_folder_and_the_current_folder_are_refused(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "history.csv").write_text("x")
    with pytest.raises(InputError, match="holds the history input history.csv"):
        OutputFolder(out, force=True, inputs={"history": out / "history.csv"})
    monkeypatch.chdir(out)
    with pytest.raises(InputError, match="is the current folder"):
        OutputFolder(".", force=True)


def test_a_failed_run_leaves_the_folder_as_it_was(tmp_path):
    out = tmp_path / "out"
    staged(out, ["a.csv"])
    before = {p: (out / p).read_bytes() for p in files_in(out)}
    with pytest.raises(RuntimeError), OutputFolder(out) as folder:
        (folder.path / "a.csv").write_text("new")
        raise RuntimeError("boom")
    assert {p: (out / p).read_bytes() for p in files_in(out)} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_describe_inputs(tmp_path):
    (tmp_path / "h.csv").write_bytes(b"abc")
    assert describe_inputs({"history": tmp_path / "h.csv", "previous_roster": None}) == {"history": {
        "file": "h.csv", "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "bytes": 3}}


@pytest.mark.parametrize("command", ["run", "demo", "schedule"])
def test_an_unwritable_out_is_one_line_before_any_work(tmp_path, command, small_case, run_args):
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "out"
    paths = small_case(tmp_path / "in")
    args = {"run": run_args(paths, out),
            "demo": ["demo", "--out", str(out)],
            "schedule": ["schedule", str(paths["history"]), "--agents", str(paths["agents"]), "--config",
                         str(paths["config"]), "--out", str(out)]}[command]
    start = time.monotonic()
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().splitlines() == [f"error: --out {out}: {tmp_path / 'file'} is a file, not a folder"]
    assert time.monotonic() - start < 3 and "History" not in result.stdout


def test_run_into_a_bigger_runs_folder_leaves_no_stale_file(tmp_path, small_case, run_args):
    """A 5-agent run into the folder of a 12-agent run: only the 5 agents' calendars remain,
    and the manifest lists exactly the files there; Chinese agent IDs get one calendar each."""
    out = tmp_path / "out"
    big = small_case(tmp_path / "big", agents=12)
    result = runner.invoke(cli.app, run_args(big, out, "--time-limit", "2"))
    assert result.exit_code == 0, result.output + str(result.exception)
    assert len(list((out / "calendars").glob("*.ics"))) == 12
    ids = ["张三01", "李四01", "V03", "V04", "V05"]
    small = small_case(tmp_path / "small", agents=5, agent_prefix=lambda i: ids[i - 1])
    result = runner.invoke(cli.app, run_args(small, out, "--time-limit", "2"))
    assert result.exit_code == 0, result.output + str(result.exception)
    assert sorted(p.name for p in (out / "calendars").glob("*.ics")) == sorted(f"{a}.ics" for a in ids)
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["files"]] == [p for p in files_in(out) if p != MANIFEST]
    assert manifest["command"] == "staffcast run" and manifest["options"]["time_limit"] == 2.0
    assert manifest["inputs"]["agents"]["sha256"] == sha256_of(small["agents"])
    assert all(f["sha256"] == sha256_of(out / f["path"]) for f in manifest["files"])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

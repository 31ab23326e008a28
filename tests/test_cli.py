"""The command line: exit codes and exact messages (0 ok, 3 file errors, 2 usage, 1 broken set-up)."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from pipeline.cli import main

from .conftest import ROOT, SAMPLES, TODAY, sample_files


def test_cli_run_samples_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(SAMPLES), "-o", str(tmp_path / "out"), "--today", TODAY]) == 0
    out = capsys.readouterr()
    n = len(sample_files())
    assert out.out.startswith(f"{n} files: {n} ok, 0 failed;")
    # progress when not on a terminal: a line every tenth of the files and at the end
    assert out.err.splitlines()[-1] == f"processed {n}/{n} files"
    # a scan read by OCR, seconds a page, is named as it is read (issue 18)
    assert "read 003_790835e522af9ef0.scan.png (a scan: 1 page read by OCR)" in out.err.splitlines()
    for name in ("documents", "requirements", "progress", "errors"):
        assert (tmp_path / "out" / f"{name}.csv").exists() and (tmp_path / "out" / f"{name}.parquet").exists()
    assert (tmp_path / "out" / "notices.db").exists() and (tmp_path / "out" / "checklists.xlsx").exists()


def test_cli_run_with_a_bad_file_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    (inbox / "empty.txt").write_bytes(b"")
    assert main(["run", str(inbox), "-o", str(tmp_path / "out"), "--today", TODAY]) == 3
    out = capsys.readouterr()
    assert out.out.startswith("2 files: 1 ok, 1 failed;")
    assert out.err == ("processed 1/2 files\nprocessed 2/2 files\n"
                       "error: empty.txt (read): empty.txt: the file is empty "
                       "-- check that the file was saved completely\n")
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert errors[0].startswith("source,stage,reason") and errors[1].startswith("empty.txt,read,")


def test_cli_missing_inbox_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "nowhere"), "--today", TODAY]) == 2
    assert capsys.readouterr().err == f"notices: error: inbox folder not found: {tmp_path / 'nowhere'}\n"


def test_cli_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fly"]) == 2
    assert "invalid choice: 'fly'" in capsys.readouterr().err


def test_cli_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "usage: notices" in capsys.readouterr().out


def test_command_leaves_its_objects_to_the_exit(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The program returns main's exit code with the collector frozen, so Python's exit skips walking the
    run's objects; main called from Python leaves the collector alone."""
    import gc

    from pipeline.cli import command
    before = gc.get_freeze_count()
    assert main(["--help"]) == 0 and gc.get_freeze_count() == before
    monkeypatch.setattr("sys.argv", ["notices", "--help"])
    try:
        assert command() == 0
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
    assert "usage: notices" in capsys.readouterr().out


def test_program_exit_keeps_the_log_and_outputs(tmp_path: Path) -> None:
    """`python -m pipeline run` (the program's own exit, with the collector frozen): exit 3 for the bad
    file, every output in place and the log file complete."""
    import subprocess
    import sys
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    (inbox / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(out), "--today", TODAY]
    done = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr
    assert done.stdout.startswith("2 files: 1 ok, 1 failed;")
    assert (out / "checklists.xlsx").stat().st_size > 0 and (out / "report" / "index.html").exists()
    log = (out / "logs" / "notices.log").read_text(encoding="utf-8")
    assert "empty.txt" in log and log.endswith("\n")


def test_cli_broken_rules_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "units.yaml").write_text("units: []\n", encoding="utf-8")
    assert main(["run", str(SAMPLES), "-o", str(tmp_path / "out"), "--rules", str(rules),
                 "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert err.startswith("notices: error: broken rules:\n  units.yaml: units: expected a non-empty list")
    assert not (tmp_path / "out").exists()


def test_cli_when_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["when", "--ref", "2017-06-19", "6月30日前"]) == 0
    value = json.loads(capsys.readouterr().out)
    assert (value["kind"], value["start"], value["end"]) == ("deadline", None, "2017-06-30")
    assert set(value) == {"text", "kind", "start", "end", "duration", "every", "rrule", "flags"}


def test_cli_when_bad_ref_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["when", "--ref", "2017/06/19", "6月30日前"]) == 2
    assert "not a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM): '2017/06/19'" in capsys.readouterr().err


@pytest.mark.parametrize("ref, text, start, end", [
    ("2021-06-14T09:30", "从现在到八点", "2021-06-14T09:30", "2021-06-14T20:00"),  # 08:00 is past: the evening
    ("2021-06-14T07:00", "从现在到八点", "2021-06-14T07:00", "2021-06-14T08:00"),
    ("2021-06-14T09:30", "2小时后", "2021-06-14T11:30", "2021-06-14T11:30"),
])
def test_cli_when_ref_moment(capsys: pytest.CaptureFixture[str], ref: str, text: str, start: str, end: str) -> None:
    assert main(["when", "--ref", ref, text]) == 0
    value = json.loads(capsys.readouterr().out)
    assert (value["start"], value["end"]) == (start, end)


@pytest.mark.parametrize("options, end", [([], "2021-03-01"), (["--prefer-future"], "2022-03-01")])
def test_cli_when_prefer_future(capsys: pytest.CaptureFixture[str], options: list[str], end: str) -> None:
    assert main(["when", "--ref", "2021-06-14", *options, "3月1日前"]) == 0
    assert json.loads(capsys.readouterr().out)["end"] == end


def test_cli_evaluate_prints_summary(samples_output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(samples_output), str(ROOT / "tests" / "data" / "gold" / "seeds.jsonl")]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("overall F1=")


def test_cli_doctor_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    assert "MISSING" not in capsys.readouterr().out


def test_cli_doctor_optional_package_absent_is_no_failure(capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg" else find_spec(name, *a))
    assert main(["doctor"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if " psycopg " in x)
    assert line.startswith("absent") and line.endswith("-- pip install 'notices[postgres]'")


def test_cli_doctor_required_package_missing_fails(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "xlrd" else find_spec(name, *a))
    assert main(["doctor"]) == 1
    assert any(x.startswith("MISSING  xlrd") for x in capsys.readouterr().out.splitlines())


@pytest.mark.parametrize("extra, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler needs --executor dask"),
    (["--db", "mysql://x"], "--db takes a PostgreSQL URL"),
])
@pytest.mark.parametrize("command", ["run", "watch"])
def test_cli_engine_options_checked_alike(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str,
                                          extra: list[str], message: str) -> None:
    assert main([command, str(SAMPLES), "-o", str(tmp_path / "out"), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_output_that_is_a_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """-o naming a file: one line with the cause and what to do, exit 1, no traceback (issue 21)."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "a.txt").write_text("关于报送材料的通知\n\n请于6月30日前报送。\n", encoding="utf-8")
    out.write_text("a file, not a folder", encoding="utf-8")
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert err == f"notices: error: {out} is not a folder -- give -o a folder (it is made when missing)\n"


def test_cli_full_disk_is_one_line_and_keeps_the_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the outputs are written: one line, exit 1, the previous outputs as they were,
    the traceback in the log file only (issue 21)."""
    import errno

    from pipeline.export import tables
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "a.txt").write_text("关于报送材料的通知\n\n请于6月30日前报送。\n", encoding="utf-8")
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "1"]) == 0
    before = (out / "requirements.csv").read_bytes()
    (inbox / "b.txt").write_text("关于报送总结的通知\n\n请于7月30日前报送。\n", encoding="utf-8")
    capsys.readouterr()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(tables, "atomic_bytes", full)
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert err.endswith(f"notices: error: the disk of {out} is full -- free some space, or give -o a folder on "
                        "another disk, and run again\n") and "Traceback" not in err
    assert (out / "requirements.csv").read_bytes() == before
    assert "Traceback" in (out / "logs" / "notices.log").read_text(encoding="utf-8")


def test_cli_state_held_by_another_program_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from pipeline.engine import state
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "a.txt").write_text("关于报送材料的通知\n\n请于6月30日前报送。\n", encoding="utf-8")
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "1"]) == 0
    (inbox / "b.txt").write_text("关于报送总结的通知\n\n请于7月30日前报送。\n", encoding="utf-8")
    capsys.readouterr()
    monkeypatch.setattr(state, "LOCK_WAIT", 0.2)
    holder = sqlite3.connect(out / ".notices" / "state.db")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "1"]) == 1
    finally:
        holder.rollback()
        holder.close()
    assert "is locked by another program -- close the program that holds it" in capsys.readouterr().err


def test_cli_system_and_temporary_files_are_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What Windows, macOS, Word and browsers leave in a shared folder is no notice and no error (issue 18)."""
    inbox = tmp_path / "inbox"
    (inbox / "__MACOSX").mkdir(parents=True)
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    for name in ("Thumbs.db", "desktop.ini", ".DS_Store", "~$通知.docx", "~WRL0001.tmp", "下载中.docx.crdownload",
                 "__MACOSX/._003.txt"):
        (inbox / name).write_bytes(b"\x00\x01 not a notice")
    assert main(["run", str(inbox), "-o", str(tmp_path / "out"), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1 files: 1 ok, 0 failed;") and "7 system, hidden or temporary files left out" in out


def test_cli_interrupted_run_says_so_and_exits_130(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import engine

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(engine, "run", interrupted)
    assert main(["run", str(SAMPLES), "-o", str(tmp_path / "out"), "--today", TODAY]) == 130
    assert capsys.readouterr().err.startswith("notices: interrupted, outputs unchanged")


def test_cli_doctor_warns_when_the_holiday_calendar_ends_before_the_horizon() -> None:
    from pipeline.doctor import check
    holidays = {c.name: c for c in check(today=date(2025, 3, 1))}["holiday calendar"]
    assert holidays.ok and holidays.purpose.endswith("needed up to 2026-03")
    late = {c.name: c for c in check(today=date(2040, 1, 1))}["holiday calendar"]
    assert not late.ok and late.warning and not late.required and "pip install -U chinesecalendar" in late.hint

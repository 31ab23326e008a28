"""The checklist workbook written in a forked child beside the other outputs: the same outputs as when
written in turn, its failures raised in the run, and no fork where one is unsafe."""
from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline import export
from pipeline.cli import main
from pipeline.export import forked as beside_module
from pipeline.export.forked import WriterFailed, beside

from .conftest import SAMPLES, half_written, output_hashes

TODAY = "2026-11-21"


@pytest.fixture
def one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as if it ran no other thread: earlier tests leave some (Dask's) in the test process,
    and the writer then, rightly, runs in turn. The case with another thread is tested on its own."""
    monkeypatch.setattr(beside_module.threading, "active_count", lambda: 1)


def _pid_of_task(tmp_path: Path, rows: int) -> int:
    marker = tmp_path / "pid"

    def task() -> None:
        marker.write_text(str(os.getpid()))
    with beside(task, rows):
        pass
    return int(marker.read_text())


def test_beside_forks_large_runs_only(tmp_path: Path, one_thread: None) -> None:
    assert _pid_of_task(tmp_path, beside_module.FORK_FROM_ROWS) != os.getpid()
    assert _pid_of_task(tmp_path, beside_module.FORK_FROM_ROWS - 1) == os.getpid()


def test_beside_does_not_fork_with_other_threads(tmp_path: Path) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _pid_of_task(tmp_path, beside_module.FORK_FROM_ROWS) == os.getpid()
    finally:
        stop.set()
        other.join()


def test_beside_raises_the_child_error_after_the_body(tmp_path: Path, one_thread: None) -> None:
    def full_disk() -> None:
        raise OSError(28, "No space left on device")
    done = []
    with pytest.raises(OSError, match="No space left") as caught, beside(full_disk, beside_module.FORK_FROM_ROWS):
        done.append("body")
    assert done == ["body"] and caught.value.errno == 28


def test_beside_body_error_wins_over_the_child_error(one_thread: None) -> None:
    def failing() -> None:
        raise OSError(28, "No space left on device")
    with pytest.raises(KeyError), beside(failing, beside_module.FORK_FROM_ROWS):
        raise KeyError("body")


def test_beside_reports_a_killed_child(one_thread: None) -> None:
    def killed() -> None:
        os.kill(os.getpid(), signal.SIGKILL)
    with pytest.raises(WriterFailed, match="signal 9"), beside(killed, beside_module.FORK_FROM_ROWS):
        pass


def test_beside_sends_an_unpicklable_error_as_text(one_thread: None) -> None:
    class Local(Exception):  # a local class does not pickle
        pass

    def failing() -> None:
        raise Local("cannot go back as it is")
    with pytest.raises(WriterFailed, match="Local: cannot go back as it is"), \
            beside(failing, beside_module.FORK_FROM_ROWS):
        pass


def _run(inbox: Path, out: Path) -> None:
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "1"]) == 0


STAMPED = ("checklists.xlsx", "changes.csv", "notices.db")  # hold the time of writing or of the run


def _files(out: Path, skip: tuple[str, ...] = STAMPED) -> dict[str, str]:
    """Every output but `skip`, by content."""
    return output_hashes(out, skip)


def _sheets(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def test_export_beside_writes_the_same_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              one_thread: None) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(SAMPLES.glob("*.txt")) + sorted(SAMPLES.glob("*.docx")):
        shutil.copy(path, inbox)
    monkeypatch.setattr(beside_module, "FORK_FROM_ROWS", 10**9)
    _run(inbox, tmp_path / "in_turn")
    monkeypatch.setattr(beside_module, "FORK_FROM_ROWS", 1)
    forks = []
    real_fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return real_fork()
    monkeypatch.setattr(beside_module.os, "fork", counted_fork)
    _run(inbox, tmp_path / "beside")
    assert forks, "the workbook was not written beside"
    assert _files(tmp_path / "beside") == _files(tmp_path / "in_turn")
    assert _sheets(tmp_path / "beside" / "checklists.xlsx") == _sheets(tmp_path / "in_turn" / "checklists.xlsx")


def test_export_beside_failure_leaves_previous_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      one_thread: None) -> None:
    """The workbook's writer fails in its child (the disk fills up): the run ends with that cause in one line
    and exit 1 (issue 21; the OSError was raised before) and every previous output stays as it was."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    out = tmp_path / "out"
    _run(inbox, out)
    before = _files(out, skip=())
    shutil.copy(SAMPLES / "004_ca7c5b3b7ac4bce8.txt", inbox)

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(beside_module, "FORK_FROM_ROWS", 1)
    monkeypatch.setattr(export, "write_xlsx", full_disk)
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "1"]) == 1
    assert _files(out, skip=()) == before
    assert half_written(out) == []

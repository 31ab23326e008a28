"""Issue 7: the corpus of broken and hostile inputs (tests/bad/make_bad.py) run in one batch with the
samples. Each bad file gives exactly one errors.csv row saying what is wrong and what to do, every other
file goes through and the samples score as they do alone, nothing from a hostile file runs or leaks
into the outputs, the exit code is 3, and a run that fails leaves the previous outputs as they were."""
from __future__ import annotations

import csv
import ctypes
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline import stages
from pipeline.cli import main
from pipeline.evaluate import evaluate

from .bad.make_bad import CASES, SECRET, Case, write_corpus
from .conftest import GOLD, ROOT, SAMPLES, half_written, output_files, output_hashes, sample_files

pytestmark = pytest.mark.slow  # runs the whole bad corpus: `pytest -m "not slow"` leaves it out

TODAY = "2026-11-21"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
BY_NAME = {c.name: c for c in CASES}
ERROR_CASES = [c.name for c in CASES if not c.ok and c.name != "bomb.pdf"]
OK_CASES = [c.name for c in CASES if c.ok]
LEAKS = (SECRET, "root:x:0:0", "pwned", "javascript:", "onerror", "<script")
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2  # linux/prctl.h, linux/capability.h


def _deleting(victim: str):  # type: ignore[no-untyped-def]
    """process_file that first deletes `victim`: the file was listed, hashed and planned, then removed."""
    real = stages.process_file

    def process_file(path, source, rules, tagger, fail_fast=False):  # type: ignore[no-untyped-def]
        if source == victim:
            path.unlink()
        return real(path, source, rules, tagger, fail_fast)
    return process_file


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[Case]]:
    """`notices run` over the samples and the bad corpus (in bad/) with two workers."""
    base = tmp_path_factory.mktemp("bad")
    inbox = base / "inbox"
    inbox.mkdir()
    for path in sample_files():
        shutil.copy2(path, inbox / path.name)
    cases = write_corpus(inbox / "bad", outside=base)
    if IS_ROOT:  # root reads whatever the permissions say: test_bad_unreadable_file covers this case
        (inbox / "bad" / "unreadable.txt").unlink()
        cases = [c for c in cases if c.special != "unreadable"]
    else:
        (inbox / "bad" / "unreadable.txt").chmod(0)
    out = base / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stages, "process_file", _deleting("bad/deleted.txt"))  # inherited by the forked workers
        code = main(["run", str(inbox), "-o", str(out), "--workers", "2", "--today", TODAY])
    return out, code, cases


def _rows(out: Path, table: str) -> list[dict[str, str]]:
    with (out / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_bad_exit_code_3(bad_run: tuple[Path, int, list[Case]]) -> None:
    assert bad_run[1] == 3


@pytest.mark.parametrize("name", ERROR_CASES)
def test_bad_input_gives_one_error_row(bad_run: tuple[Path, int, list[Case]], name: str) -> None:
    out, _, cases = bad_run
    if name not in {c.name for c in cases}:
        pytest.skip("run as root, which reads a file whatever its permissions: see test_bad_unreadable_file")
    source = f"bad/{name}"
    rows = [e for e in _rows(out, "errors") if e["source"] == source]
    assert len(rows) == 1, rows
    reason, hint = rows[0]["reason"], rows[0]["hint"]
    assert reason.startswith(f"{source}: ") and BY_NAME[name].reason in reason, reason
    assert len(hint) > 10, "the row says what to do"
    document = next(d for d in _rows(out, "documents") if d["source"] == source)
    assert (document["status"], document["error"]) == ("error", reason)


@pytest.mark.parametrize("name", OK_CASES)
def test_bad_hostile_but_valid_input_goes_through(bad_run: tuple[Path, int, list[Case]], name: str) -> None:
    out = bad_run[0]
    assert [d["status"] for d in _rows(out, "documents") if d["source"] == f"bad/{name}"] == ["ok"]


def test_bad_only_bad_inputs_fail(bad_run: tuple[Path, int, list[Case]]) -> None:
    out, _, cases = bad_run
    failed = sorted(e["source"] for e in _rows(out, "errors"))
    assert failed == sorted(f"bad/{c.name}" for c in cases if not c.ok)
    assert len(_rows(out, "documents")) == len(sample_files()) + len(cases)


def test_bad_sample_scores_did_not_move(bad_run: tuple[Path, int, list[Case]], samples_output: Path) -> None:
    out = bad_run[0]
    alone, together = evaluate(samples_output, GOLD), evaluate(out, GOLD)
    assert together.by_file == alone.by_file
    samples = {p.name for p in sample_files()}
    keep = ("source", "text", "kind", "due_date", "due_time", "quantity", "unit", "organization", "char_start")
    rows = [sorted(tuple(r[k] for k in keep) for r in _rows(folder, "requirements") if r["source"] in samples)
            for folder in (samples_output, out)]
    assert rows[0] == rows[1]


def _output_texts(out: Path) -> dict[str, str]:
    """Every output as text: CSV, HTML, the SQLite dump, Parquet tables, the workbook's XML."""
    import pyarrow.parquet as pq
    texts = {}
    for name, path in output_files(out).items():
        if path.suffix == ".db":
            con = sqlite3.connect(path)
            texts[name] = "\n".join(con.iterdump())
            con.close()
        elif path.suffix == ".parquet":
            texts[name] = str(pq.read_table(path).to_pylist())
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts[name] = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
        else:
            texts[name] = path.read_bytes().decode("utf-8", "replace")
    return texts


def test_bad_nothing_leaks_or_runs_in_outputs(bad_run: tuple[Path, int, list[Case]]) -> None:
    """No local file named by an XXE or a relationship, and no script, handler or javascript: link from
    the hostile page, in any output (the report's own script aside)."""
    texts = _output_texts(bad_run[0])
    assert "report/index.html" in texts and "notices.db" in texts and "checklists.xlsx" in texts
    own = '<script id="report-script">'  # the report's tabs and filters
    found = [(name, leak) for name, text in texts.items() for leak in LEAKS if leak in text.replace(own, "")]
    assert found == []


def test_bad_hostile_page_keeps_its_text(bad_run: tuple[Path, int, list[Case]]) -> None:
    rows = [r for r in _rows(bad_run[0], "requirements") if r["source"] == "bad/hostile.html"]
    assert any(r["due_date"] == "2017-06-30" and "学习计划" in r["text"] for r in rows), rows


def test_bad_pdf_bomb_stopped_by_the_worker_memory_limit(tmp_path: Path) -> None:
    """64 KB that inflate to 4 GB: the worker reading it hits max_memory_mb and dies alone."""
    inbox = tmp_path / "inbox"
    write_corpus(tmp_path / "all", outside=tmp_path, bombs=True)
    inbox.mkdir()
    shutil.copy(tmp_path / "all" / "bomb.pdf", inbox)
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    shutil.copy(SAMPLES / "004_ca7c5b3b7ac4bce8.docx", inbox)
    assert main(["run", str(inbox), "-o", str(tmp_path / "out"), "--workers", "2", "--today", TODAY]) == 3
    errors = _rows(tmp_path / "out", "errors")
    assert [e["source"] for e in errors] == ["bomb.pdf"]
    assert BY_NAME["bomb.pdf"].reason in errors[0]["reason"]
    assert [d["status"] for d in _rows(tmp_path / "out", "documents")] == ["ok", "ok", "error"]


def _without_root_file_access() -> None:
    """In the child before it runs the command: root without the capabilities that let it read any file."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability")


def test_bad_unreadable_file(tmp_path: Path) -> None:
    """A file without read permission: one error row. Run as a separate process; as root, one without
    the capabilities that let root read any file."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    shutil.copy(SAMPLES / "002_92432040ea6714fc.txt", inbox / "unreadable.txt")
    (inbox / "unreadable.txt").chmod(0)
    command = [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(tmp_path / "out"), "--workers", "1",
               "--today", TODAY]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600,
                              preexec_fn=_without_root_file_access if IS_ROOT else None)
    except subprocess.SubprocessError as exc:
        pytest.skip(f"cannot start a process without root's file access here: {exc}")
    assert done.returncode == 3, done.stderr
    errors = _rows(tmp_path / "out", "errors")
    assert [(e["source"], e["reason"], e["hint"]) for e in errors] == [
        ("unreadable.txt", "unreadable.txt: no permission to read the file",
         "let the user who runs notices read it (chmod a+r)")]


def test_bad_failed_export_leaves_previous_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that fails while writing its outputs (here: the disk fills up at the report) ends with one line
    and exit 1 (issue 21; it raised the OSError before), leaves every previous output as it was, and the next
    run writes them all."""
    from pipeline import export
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    out = tmp_path / "out"
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY]) == 0
    before = output_hashes(out)
    shutil.copy(SAMPLES / "004_ca7c5b3b7ac4bce8.txt", inbox)

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(export, "write_report", full_disk)
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY]) == 1
    assert output_hashes(out) == before
    assert half_written(out) == []
    monkeypatch.undo()
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY]) == 0
    assert len(_rows(out, "documents")) == 2


def test_bad_corpus_is_the_same_on_every_run(tmp_path: Path) -> None:
    def digests(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()
                if p.is_file() and not p.is_symlink() and p.stat().st_size < 1 << 24 and p.name != "pipe.txt"}
    write_corpus(tmp_path / "one", outside=tmp_path)
    write_corpus(tmp_path / "two", outside=tmp_path)
    assert digests(tmp_path / "one") == digests(tmp_path / "two")

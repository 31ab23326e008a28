"""Limits (rules/limits.yaml): a file over one gets one error row naming the limit, and the batch goes on,
in one process and in worker processes."""
from __future__ import annotations

import csv
import shutil
import signal
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline import stages
from pipeline.errors import RuleError
from pipeline.limits import Limits
from pipeline.model import RawDocument
from pipeline.rules import Rules, load_rules

from .bad.make_bad import text_pdf
from .conftest import AS_OF, ROOT, SAMPLES, run

pytestmark = pytest.mark.slow  # starts worker processes and waits out their time limits: `pytest -m "not slow"` leaves it out

SEED = SAMPLES / "003_790835e522af9ef0.txt"


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    """Two good notices; each test adds the file that breaks a limit."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SEED, folder / "a_good.txt")
    shutil.copy(SAMPLES / "001_66fe4d6b06fc550e.txt", folder / "z_good.txt")
    return folder


def _with(rules: Rules, **limits: int) -> Rules:
    return replace(rules, limits=replace(rules.limits, **limits))


def _errors(out: Path) -> list[dict[str, str]]:
    with (out / "errors.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _only_error(out: Path, source: str, limit: str) -> dict[str, str]:
    errors = _errors(out)
    assert [e["source"] for e in errors] == [source], errors
    assert limit in errors[0]["reason"] and f"raise {limit} in rules/limits.yaml" in errors[0]["hint"], errors[0]
    return errors[0]


def test_limits_defaults_are_the_shipped_file() -> None:
    assert load_rules().limits == Limits()


def test_limits_broken_file_lists_every_problem(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "limits.yaml").write_text("limits: {max_file_mb: 0, max_pages: many, max_seconds: 60, "
                                       "max_memory_mb: 1024, max_unpacked_mb: 10, max_clauses: 100, "
                                       "max_requirements: 10, max_sheet_rows: 10, max_sheet_columns: 10, "
                                       "max_files: 3}\n", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(rules)
    assert caught.value.problems == ["limits.yaml: limits.max_file_mb: expected a positive whole number",
                                     "limits.yaml: limits.max_pages: expected a positive whole number",
                                     "limits.yaml: limits.max_files: unknown limit (the code does not use it)"]


def test_limits_file_size(inbox: Path, tmp_path: Path, rules: Rules) -> None:
    (inbox / "m_big.txt").write_text(SEED.read_text(encoding="utf-8") * 200, encoding="utf-8")  # 1.8 MB
    summary = run(inbox, tmp_path / "out", _with(rules, max_file_mb=1), today=AS_OF)
    assert (summary.files, summary.failed) == (3, 1)
    error = _only_error(tmp_path / "out", "m_big.txt", "max_file_mb")
    assert "the file is 1.8 MB, more than 1 MB" in error["reason"]


@pytest.mark.parametrize("pages, failed", [(30, 0), (31, 1)])
def test_limits_pages(inbox: Path, tmp_path: Path, rules: Rules, pages: int, failed: int) -> None:
    (inbox / "m_long.pdf").write_bytes(text_pdf(pages))
    summary = run(inbox, tmp_path / "out", _with(rules, max_pages=30), today=AS_OF)
    assert (summary.files, summary.failed) == (3, failed)
    if failed:
        assert "the PDF has 31 pages, more than 30" in _only_error(tmp_path / "out", "m_long.pdf", "max_pages")["reason"]


def test_limits_unpacked(inbox: Path, tmp_path: Path, rules: Rules) -> None:
    source = SAMPLES / "003_790835e522af9ef0.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(inbox / "m_packed.docx", "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr("word/media/padding.bin", b"\0" * (3 << 20))  # 3 MB that pack into 3 KB
    summary = run(inbox, tmp_path / "out", _with(rules, max_unpacked_mb=2), today=AS_OF)
    assert (summary.files, summary.failed) == (3, 1)
    _only_error(tmp_path / "out", "m_packed.docx", "max_unpacked_mb")


def _slow_normalize(monkeypatch: pytest.MonkeyPatch, block_alarm: bool = False) -> None:
    """normalize() that never ends on a file named slow; `block_alarm` makes it deaf to the time limit's
    signal, as a native library stuck in a loop is."""
    real = stages.normalize

    def normalize(raw: RawDocument, rules: Rules):  # type: ignore[no-untyped-def]
        if "slow" in raw.source:
            if block_alarm:
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(120)
        return real(raw, rules)
    monkeypatch.setattr(stages, "normalize", normalize)  # inherited by forked workers


@pytest.mark.parametrize("workers", [1, 2])
def test_limits_time(inbox: Path, tmp_path: Path, rules: Rules, monkeypatch: pytest.MonkeyPatch,
                     workers: int) -> None:
    _slow_normalize(monkeypatch)
    shutil.copy(SEED, inbox / "m_slow.txt")
    (inbox / "m_slow.txt").write_text(SEED.read_text(encoding="utf-8") + "\n慢\n", encoding="utf-8")
    started = time.monotonic()
    summary = run(inbox, tmp_path / "out", _with(rules, max_seconds=2), workers=workers, today=AS_OF)
    assert time.monotonic() - started < 60
    assert (summary.files, summary.failed) == (3, 1)
    error = _only_error(tmp_path / "out", "m_slow.txt", "max_seconds")
    assert error["stage"] == "normalize" and "took longer than 2 s" in error["reason"]


@pytest.mark.parametrize("library", ["wraps", "swallows"])
def test_limits_time_when_a_library_catches_the_error(inbox: Path, tmp_path: Path, rules: Rules,
                                                      monkeypatch: pytest.MonkeyPatch, library: str) -> None:
    """The time limit's error raised inside a library that turns it into its own (RapidOCR does) or drops
    it still ends as the time limit's row (found by bench/fuzz.py)."""
    real = stages.normalize

    def normalize(raw: RawDocument, rules: Rules):  # type: ignore[no-untyped-def]
        if "slow" in raw.source:
            try:
                time.sleep(120)
            except Exception as exc:
                if library == "wraps":
                    raise RuntimeError("ONNXRuntimeError: the session was interrupted") from exc
        return real(raw, rules)
    monkeypatch.setattr(stages, "normalize", normalize)
    (inbox / "m_slow.txt").write_text(SEED.read_text(encoding="utf-8") + "\n慢\n", encoding="utf-8")
    summary = run(inbox, tmp_path / "out", _with(rules, max_seconds=1), today=AS_OF)
    assert (summary.files, summary.failed) == (3, 1)
    assert "took longer than 1 s" in _only_error(tmp_path / "out", "m_slow.txt", "max_seconds")["reason"]


def test_limits_hard_stop_for_a_worker_deaf_to_the_time_limit(inbox: Path, tmp_path: Path, rules: Rules,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _slow_normalize(monkeypatch, block_alarm=True)
    (inbox / "m_slow.txt").write_text(SEED.read_text(encoding="utf-8") + "\n慢\n", encoding="utf-8")
    summary = run(inbox, tmp_path / "out", _with(rules, max_seconds=1), workers=2, today=AS_OF)
    assert (summary.files, summary.failed) == (3, 1)
    error = _only_error(tmp_path / "out", "m_slow.txt", "max_seconds")
    assert error["reason"] == "m_slow.txt: the worker was stopped after 6 s, stuck reading the file " \
                              "(over max_seconds in rules/limits.yaml)"


def test_limits_memory_in_a_worker(inbox: Path, tmp_path: Path, rules: Rules, monkeypatch: pytest.MonkeyPatch) -> None:
    real = stages.normalize

    def hungry(raw: RawDocument, rules: Rules):  # type: ignore[no-untyped-def]
        if "hungry" in raw.source:
            return bytearray(2 << 30)  # 2 GB
        return real(raw, rules)
    monkeypatch.setattr(stages, "normalize", hungry)
    (inbox / "m_hungry.txt").write_text(SEED.read_text(encoding="utf-8") + "\n饿\n", encoding="utf-8")
    summary = run(inbox, tmp_path / "out", _with(rules, max_memory_mb=512), workers=2, today=AS_OF)
    assert (summary.files, summary.failed) == (3, 1)
    error = _only_error(tmp_path / "out", "m_hungry.txt", "max_memory_mb")
    assert "needed more memory than allowed (512 MB for a worker)" in error["reason"]


def test_limits_pending_batches_survive_a_crash(inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies breaks its pool: the batches not yet sent to it still get read."""
    import os

    from pipeline.engine import workers
    real = stages.process_file

    def crash_on_marked(path, source, rules, tagger, fail_fast=False):  # type: ignore[no-untyped-def]
        if "crash" in source:
            os._exit(70)
        return real(path, source, rules, tagger, fail_fast)
    monkeypatch.setattr(stages, "process_file", crash_on_marked)
    monkeypatch.setattr(workers, "parallel", _small_batches(workers.parallel))
    text = SEED.read_text(encoding="utf-8")
    for n in range(8):
        (inbox / f"n{n}.txt").write_text(f"{text}\n{n}\n", encoding="utf-8")
    (inbox / "b_crash.txt").write_text(text + "\n!\n", encoding="utf-8")
    summary = run(inbox, tmp_path / "out", workers=2, today=AS_OF)
    assert (summary.files, summary.failed) == (11, 1)
    assert [e["source"] for e in _errors(tmp_path / "out")] == ["b_crash.txt"]
    with (tmp_path / "out" / "documents.csv").open(encoding="utf-8-sig", newline="") as f:
        assert len([d for d in csv.DictReader(f) if d["status"] == "ok"]) == 10


def _small_batches(parallel):  # type: ignore[no-untyped-def]
    def one_file_batches(rules, workers, fail_fast=False, batch_size=25):  # type: ignore[no-untyped-def]
        return parallel(rules, workers, fail_fast, batch_size=1)
    return one_file_batches



@pytest.mark.parametrize("limit, name", [("max_clauses", "sentences"), ("max_requirements", "duties")])
def test_limits_sentences_and_duties_of_one_notice(inbox: Path, tmp_path: Path, rules: Rules, limit: str,
                                                   name: str) -> None:
    """A data dump in one line (every sentence a duty) ends in one error row naming the limit (issue 21)."""
    (inbox / "m_dump.txt").write_text("关于报送材料的通知\n\n" + "请于6月30日前报送材料。" * 600 + "\n", encoding="utf-8")
    summary = run(inbox, tmp_path / "out", _with(rules, **{limit: 300}), today=AS_OF)
    assert (summary.files, summary.failed) == (3, 1)
    error = _only_error(tmp_path / "out", "m_dump.txt", limit)
    assert "more than 300" in error["reason"] and name in error["reason"]


def _workbook(path: Path, filled: int, formatted_to: int = 0) -> None:
    import openpyxl
    from openpyxl.styles import Font
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "工作任务", "牵头单位", "完成时限"])
    for n in range(1, filled):
        sheet.append([n, f"任务{n}", "机关党委", "2026年12月30日"])
    if formatted_to:
        sheet.cell(row=formatted_to, column=1).font = Font(bold=True)  # formatted, no value
    book.save(path)


@pytest.mark.parametrize("filled, formatted_to, failed", [(20, 500, 0), (21, 0, 1)])
def test_limits_sheet_rows_counted_by_content(inbox: Path, tmp_path: Path, rules: Rules, filled: int,
                                              formatted_to: int, failed: int) -> None:
    """A sheet past max_sheet_rows gives one error row naming the limit, never a silent cut; rows only
    formatted (Excel keeps them far down) are no content (issue 21)."""
    _workbook(inbox / "m_tasks.xlsx", filled, formatted_to)
    summary = run(inbox, tmp_path / "out", _with(rules, max_sheet_rows=20), today=AS_OF)
    assert (summary.files, summary.failed) == (3, failed)
    if failed:
        error = _only_error(tmp_path / "out", "m_tasks.xlsx", "max_sheet_rows")
        assert "fills 21 rows, more than 20" in error["reason"]


def test_limits_csv_rows(inbox: Path, tmp_path: Path, rules: Rules) -> None:
    rows = "".join(f"{n},任务{n},机关党委,2026年12月30日\n" for n in range(1, 30))
    (inbox / "m_tasks.csv").write_text("序号,工作任务,牵头单位,完成时限\n" + rows + "\n\n\n", encoding="utf-8")
    summary = run(inbox, tmp_path / "out", _with(rules, max_sheet_rows=20), today=AS_OF)
    assert (summary.files, summary.failed) == (3, 1)
    assert "fills 30 rows, more than 20" in _only_error(tmp_path / "out", "m_tasks.csv", "max_sheet_rows")["reason"]


def _one_line(shape: str, size: int) -> str:
    """A notice of `size` characters in one line, of a shape that once made reading it grow with the
    square of its length (a run of digits, of word characters, of quotes never closed) or worse."""
    import random
    pick = random.Random(size).choice
    cjk = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    pieces = {
        "cjk": lambda: "".join(pick(cjk) for _ in range(size)),  # no stop, no comma: words only
        "digits": lambda: "".join(pick("0123456789") for _ in range(size)),
        "latin": lambda: "".join(pick("abcdefghij") for _ in range(size)),
        "mixed": lambda: "".join(pick([*cjk[:50], *"ab1-./ ,:年月日@"]) for _ in range(size)),
        "quotes": lambda: "“各单位" * (size // 4),  # quotes opened and never closed
        "stops": lambda: "请于6月30日前报送材料。" * (size // 13),  # a data dump: every sentence a duty
        "commas": lambda: "各单位于6月30日前报送材料," * (size // 15),  # one sentence of a megabyte
    }
    return pieces[shape]()


def test_limits_one_line_notices_of_ten_megabytes_end_within_their_limits(inbox: Path, tmp_path: Path,
                                                                          rules: Rules) -> None:
    """Issue 21: a 10 MB notice in one line ends in one error row naming the limit it is over (sentences,
    duties), and one of a megabyte of any shape is read, well within a time limit lowered to a minute:
    the reading no longer grows with the square of a sentence's length or a line's."""
    for shape, size in (("stops", 10 << 20), ("commas", 10 << 20), ("cjk", 1 << 20), ("digits", 1 << 20),
                        ("latin", 1 << 20), ("mixed", 1 << 20), ("quotes", 1 << 20)):
        (inbox / f"m_{shape}.txt").write_text(_one_line(shape, size), encoding="utf-8")
    summary = run(inbox, tmp_path / "out", _with(rules, max_seconds=60), today=AS_OF, workers=1)
    errors = {e["source"]: e["reason"] for e in _errors(tmp_path / "out")}
    assert summary.files == 9 and "max_seconds" not in " ".join(errors.values()), errors
    assert "more than 20000 sentences (limit max_clauses" in errors.pop("m_stops.txt")
    assert "more than 5000 duties (limit max_requirements" in errors.pop("m_commas.txt")
    assert errors == {}

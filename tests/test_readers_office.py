"""The .doc/.wps/.rtf/.odt reader: LibreOffice to .docx, then the DOCX reader; missing tool, timeout, damage.

Fixtures: tests/data/office/make_fixtures.py. notice.wps is notice.doc renamed (LibreOffice cannot
write WPS; a Kingsoft .wps is a Word 97 file inside).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import MissingTool, UnreadableFile
from pipeline.model import BlockKind, FileResult, Format, RawDocument
from pipeline.readers import read
from pipeline.readers.office import read_office

from .conftest import SAMPLES, TODAY

pytestmark = pytest.mark.slow  # starts LibreOffice: `pytest -m "not slow"` leaves it out

DATA = Path(__file__).resolve().parent / "data" / "office"
# Skipped only on a machine without LibreOffice; CI must have it.
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None and not os.environ.get("CI"),
                                   reason="LibreOffice (soffice) is not installed")
WORD_FILES = ["notice.doc", "notice.wps", "notice.rtf", "notice.odt"]
EXPECTED_TEXT = [
    (BlockKind.heading, 1, "关于开展样板支部遴选工作的通知"),
    (BlockKind.paragraph, 0, "各党支部："),
    (BlockKind.heading, 2, "一、总体要求"),
    (BlockKind.paragraph, 0, "各党支部于6月30日前报送机关党委。"),
    (BlockKind.heading, 2, "二、工作安排"),
    (BlockKind.paragraph, 0, "1.制订学习计划。"),
    (BlockKind.paragraph, 0, "2.每年集中学习不少于32学时。"),
    (BlockKind.table, 0, ""),
    (BlockKind.paragraph, 0, "材料发送至test@example.com。"),
]


@cache
def _converted(name: str) -> RawDocument:
    """Each fixture converted once for the tests that only look at the result (LibreOffice takes ~1 s)."""
    return read_office(DATA / name, name)


def _hide_soffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty_path"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


@needs_soffice
@pytest.mark.parametrize("name", WORD_FILES)
def test_office_headings_numbering_paragraphs(name: str) -> None:
    doc = _converted(name)
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == EXPECTED_TEXT


@needs_soffice
@pytest.mark.parametrize("name", WORD_FILES)
def test_office_table_with_merged_cell(name: str) -> None:
    table = next(b for b in _converted(name).blocks if b.kind is BlockKind.table)
    assert table.rows == (("阶段", "时间", "内容"), ("第一阶段", "5月", "动员部署"), ("第一阶段", "6月", "组织实施"))
    assert table.merged == ((False, False, False), (False, False, False), (True, False, False))


@needs_soffice
@pytest.mark.parametrize("name, kind", [("notice.doc", "doc"), ("notice.wps", "wps"), ("notice.rtf", "rtf"),
                                        ("notice.odt", "odt")])
def test_office_document_record_is_the_original_file(name: str, kind: str) -> None:
    doc = read(DATA / name, name)  # through the registry and content sniffing
    assert (doc.source, doc.path, doc.pages) == (name, DATA / name, None)
    assert doc.sha256 == hashlib.sha256((DATA / name).read_bytes()).hexdigest()
    assert doc.format is Format(kind)


@needs_soffice
def test_office_odd_file_name(tmp_path: Path) -> None:
    odd = tmp_path / "-rf 通知 (1).doc"
    shutil.copyfile(DATA / "notice.doc", odd)
    assert read_office(odd, odd.name).blocks[0].text == "关于开展样板支部遴选工作的通知"


@needs_soffice
def test_office_rtf_named_doc_is_read_as_rtf(tmp_path: Path) -> None:
    saved = tmp_path / "saved_as.doc"
    shutil.copyfile(DATA / "notice.rtf", saved)
    doc = read(saved, saved.name)
    assert (doc.format, doc.blocks[2].text) == (Format.rtf, "一、总体要求")


@needs_soffice
def test_office_conversions_side_by_side() -> None:
    with ThreadPoolExecutor(max_workers=3) as pool:
        docs = list(pool.map(lambda name: read_office(DATA / name, name), ["notice.doc", "notice.rtf", "notice.odt"]))
    assert [len(d.blocks) for d in docs] == [len(EXPECTED_TEXT)] * 3


@needs_soffice
def test_office_profile_and_conversion_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    read_office(DATA / "notice.doc", "notice.doc")
    assert list(tmp_path.iterdir()) == []


def test_office_missing_soffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_soffice(monkeypatch, tmp_path)
    with pytest.raises(MissingTool) as caught:
        read_office(DATA / "notice.wps", "inbox/notice.wps")
    assert caught.value.tool == "soffice"
    assert str(caught.value) == ("inbox/notice.wps: reading .wps files needs LibreOffice (soffice), "
                                 "which is not installed")
    assert caught.value.hint == "install LibreOffice: apt-get install libreoffice-writer-nogui"


def test_office_missing_soffice_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(DATA / "notice.doc", inbox)
    shutil.copy(SAMPLES / "003_790835e522af9ef0.txt", inbox)
    _hide_soffice(monkeypatch, tmp_path)
    assert main(["run", str(inbox), "-o", str(tmp_path / "out"), "--today", TODAY]) == 3
    assert capsys.readouterr().out.startswith("2 files: 1 ok, 1 failed;")
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig").splitlines()
    row = ('notice.doc,read,"notice.doc: reading .doc files needs LibreOffice (soffice), which is not installed",'
           "install LibreOffice: apt-get install libreoffice-writer-nogui,")
    assert errors[1:] == [row]


@needs_soffice
def test_office_timeout_stops_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(UnreadableFile) as caught:
        read_office(DATA / "notice.doc", "notice.doc", timeout=0.05)
    assert str(caught.value) == "notice.doc: LibreOffice did not convert the .doc file within 0.05 s and was stopped"
    assert list(tmp_path.iterdir()) == []  # the profile went with the killed process


@needs_soffice
def test_office_damaged_doc(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.doc"
    damaged.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(UnreadableFile) as caught:
        read_office(damaged, damaged.name)
    assert str(caught.value) == ("damaged.doc: LibreOffice could not convert the .doc file to .docx "
                                 "(Error: source file could not be loaded)")


def test_office_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.doc"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="^empty.doc: the file is empty$"):
        read_office(empty, empty.name)


def _without_ids(result: FileResult) -> list[tuple[object, ...]]:
    return [(r.text, r.kind, r.due_date, r.quantity, r.unit, r.emails, r.section, r.organization)
            for r in result.requirements]


@needs_soffice
def test_seed001_doc_requirements_match_docx(sample_results: dict[str, FileResult]) -> None:
    doc, docx = sample_results["001_66fe4d6b06fc550e.doc"], sample_results["001_66fe4d6b06fc550e.docx"]
    assert doc.error is None
    assert _without_ids(doc) == _without_ids(docx)
    assert replace(doc.document, doc_id="", source="", sha256="", format=Format.docx) == \
        replace(docx.document, doc_id="", source="", sha256="")

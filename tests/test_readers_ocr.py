"""OCR: slips repaired in OCR text, OCR lines laid out as printed lines, images and image-only PDF pages
read into blocks, and the error naming the engine when it is missing.

The fixtures in tests/data/ocr are built by tests/data/ocr/make_fixtures.py (Pillow, fonts-noto-cjk). Tests
that run the engine are skipped where it is not installed, but never in CI."""
from __future__ import annotations

import difflib
import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import MissingTool, UnreadableFile
from pipeline.model import BlockKind, Format, RawDocument
from pipeline.readers import ocr, read
from pipeline.readers.image import read_image
from pipeline.readers.ocr import INSTALL_HINT, OcrLine, even_pages, load_engine, repair, to_draft
from pipeline.readers.pdf import read_pdf

from .conftest import ROOT, TODAY

pytestmark = pytest.mark.slow  # starts OCR models: `pytest -m "not slow"` leaves it out

DATA = ROOT / "tests" / "data" / "ocr"
PDF_DATA = ROOT / "tests" / "data" / "pdf"
INSTALLED = all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))
needs_engine = pytest.mark.skipif(not INSTALLED and not os.environ.get("CI"),
                                  reason="the OCR engine is not installed: pip install rapidocr onnxruntime")
NOTICE_TEXT = ("关于报送学习计划的通知各党支部：请于2024年10月17日前将本支部学习计划报送党委组织部，电子版发送至"
               "zzb@example.edu.cn，联系电话0411-84708888。全校每名正式党员每年集中学习时间不少于32学时。")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("\uff1a", ":").replace("\uff0c", ",")


def similarity(doc: RawDocument, expected: str) -> float:
    got = squash("".join(b.text for b in doc.blocks))
    return difflib.SequenceMatcher(None, got, squash(expected), autojunk=False).ratio()


def hide_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The OCR engine as if it were not installed: an import of it fails. A failed load is not cached, so
    the next test loads the engine again."""
    monkeypatch.setitem(sys.modules, "rapidocr", None)
    load_engine.cache_clear()


# --- slips repaired ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, repaired", [
    ("东大组字〔2025】5号", "东大组字〔2025〕5号"),
    ("东大组字[2025〕5号", "东大组字〔2025〕5号"),
    ("大工机关委（2017]14号", "大工机关委〔2017〕14号"),
    ("2O22年3月1日", "2022年3月1日"),
    ("202O年", "2020年"),
    ("neuzzb@l63.com", "neuzzb@163.com"),
    ("2O24年1O月l7日", "2024年10月17日"),
    ("推荐1一2个，每个案例300一500字", "推荐1—2个，每个案例300—500字"),
    ("一4-", "—4-"),
    ("一11一", "—11—"),
])
def test_ocr_repair_slips(text: str, repaired: str) -> None:
    assert repair(text) == repaired


@pytest.mark.parametrize("text", [
    "大工机关委[2017]14号",  # a matching pair: normalize's business
    "《办法（2022）》",
    "O2O模式",
    "zzb2022o@example.edu.cn",
    "IOS10",
    "第一次会议",
    "一、工作目标",
    "每年1次",
    "CO2",
])
def test_ocr_repair_leaves_sound_text(text: str) -> None:
    assert repair(text) == text


# --- OCR lines -> printed lines ------------------------------------------------------------------

def _line(text: str, x: float, y: float, width: float, height: float = 52.0, slope: float = 0.0) -> OcrLine:
    """A box `width` x `height` pixels at (x, y), its right end lower by `slope` x width."""
    drop = slope * width
    return OcrLine(text, ((x, y), (x + width, y + drop), (x + width, y + drop + height), (x, y + height)), 0.99)


def test_ocr_lines_of_a_turned_page_start_at_one_left_edge() -> None:
    slope = 0.012  # 0.7 degrees
    found = [_line("请于2024年10月17日前将本支部学习计划报", 200 - 0.012 * k * 80, 100 + k * 80, 900, slope=slope)
             for k in range(6)]
    lines = to_draft(found, 1, 1000.0, 72 / 200).lines
    assert max(line.x0 for line in lines) - min(line.x0 for line in lines) < 1.0


def test_ocr_pieces_of_one_row_are_one_line() -> None:
    found = [_line("发送至", 100, 100, 132), _line("zzb@example.edu.cn，", 240, 102, 420),
             _line("联系人", 100, 180, 132)]
    lines = to_draft(found, 1, 1000.0, 72 / 200).lines
    assert [line.text for line in lines] == ["发送至zzb@example.edu.cn，", "联系人"]


def test_ocr_pieces_far_apart_on_a_row_stay_apart_in_order() -> None:
    found = [_line("2024年10月8日", 1200, 100, 300), _line("附件", 100, 100, 88)]
    lines = to_draft(found, 1, 1000.0, 72 / 200).lines
    assert [line.text for line in lines] == ["附件", "2024年10月8日"]


@pytest.mark.parametrize("text, x0, x1", [
    ("带头参加学习研讨，", 100, 100 + 396 + 0.5 * 44),  # a comma is inked at the left of its square
    ("“基本情况”字数", 100 - 0.5 * 44, 100 + 396),
    ("基本情况字数不超过", 100, 100 + 396),
])
def test_ocr_line_runs_to_the_square_of_its_punctuation(text: str, x0: float, x1: float) -> None:
    line = to_draft([_line(text, 100, 100, 396, 53)], 1, 1000.0, 1.0).lines[0]
    assert (line.x0, line.x1) == pytest.approx((x0, x1), abs=0.5)


def test_ocr_line_sizes_of_one_style_are_equal() -> None:
    """A short line and a line of quotes get taller boxes; they are still body text, under the title."""
    found = [_line("关于报送学习计划的通知", 300, 20, 682, 75),
             _line("各党支部要认真组织开展集中学习研讨和交流", 200, 100, 880, 53),
             _line("按照“最佳”“优秀”“培育”", 200, 180, 616, 66),
             _line("支持。", 200, 260, 132, 70)]
    title, *body = [line.size for line in even_pages([to_draft(found, 1, 1000.0, 72 / 200)])[0].lines]
    assert body[0] == body[1] == body[2] < title


def test_ocr_pages_share_one_left_margin() -> None:
    """A sheet laid 4 points off on the scanner: its lines are moved back to the other pages' margin."""
    def page(number: int, left: float) -> list[OcrLine]:
        return [_line("请于2024年10月17日前将本支部学习计划报", left + (80 if k == 0 else 0), 100 + k * 80, 900)
                for k in range(4)]
    drafts = even_pages([to_draft(page(1, 200), 1, 1000.0, 1.0), to_draft(page(2, 204), 2, 1000.0, 1.0),
                         to_draft(page(3, 200), 3, 1000.0, 1.0)])
    assert [sorted({line.x0 for line in draft.lines}) for draft in drafts] == [[200.0, 280.0]] * 3


# --- images and image-only PDF pages -------------------------------------------------------------

@needs_engine
@pytest.mark.parametrize("name", ["notice.png", "rotated.png"])
def test_ocr_image_reads_the_notice(name: str) -> None:
    doc = read_image(DATA / name, name)
    assert similarity(doc, NOTICE_TEXT) > 0.95
    assert doc.format is Format.png and doc.pages == 1


@needs_engine
@pytest.mark.parametrize("name", ["notice.png", "rotated.png", "scan_page.pdf"])
@pytest.mark.parametrize("text", ["2024年10月17日前", "zzb@example.edu.cn", "不少于32学时"])
def test_ocr_key_phrases_read_exactly(name: str, text: str) -> None:
    doc = read(DATA / name, name)
    assert text in "".join(b.text for b in doc.blocks)


@needs_engine
@pytest.mark.parametrize("name", ["notice.png", "rotated.png", "scan_page.pdf"])
def test_ocr_blocks_laid_out_as_printed(name: str) -> None:
    blocks = read(DATA / name, name).blocks
    assert [b.kind for b in blocks] == [BlockKind.heading] + [BlockKind.paragraph] * 3
    assert blocks[2].text.startswith("请于") and blocks[2].text.endswith("84708888。")  # three lines joined
    assert {b.page for b in blocks} == {1}


@needs_engine
def test_ocr_tiff_frames_are_pages() -> None:
    doc = read(DATA / "two_frames.tif", "two_frames.tif")
    assert (doc.format, doc.pages) == (Format.tif, 2)
    assert [(b.page, b.text[:4]) for b in doc.blocks] == [(1, "请于20"), (2, "请于20")]
    assert "2024年12月20日" in doc.blocks[1].text


@needs_engine
def test_ocr_pdf_reader_reads_an_image_only_page() -> None:
    doc = read_pdf(DATA / "scan_page.pdf", "scan_page.pdf")
    assert doc.format is Format.pdf and doc.pages == 1
    assert similarity(doc, NOTICE_TEXT) > 0.95


@needs_engine
@pytest.mark.parametrize("name", ["scan.pdf", "unmapped.pdf"])
def test_ocr_pdf_without_text_layer_is_read_by_ocr(name: str) -> None:
    """A scan at 43 dpi and a page of glyphs mapped to nothing: both read from their pixels."""
    doc = read_pdf(PDF_DATA / name, name)
    assert doc.blocks and all(b.page == 1 for b in doc.blocks)


@needs_engine
def test_ocr_engine_runs_from_the_models_in_its_wheel() -> None:
    """Nothing is downloaded: the models are named to the engine from the installed package, and
    onnxruntime's telemetry is off."""
    spec = importlib.util.find_spec("rapidocr")
    assert spec is not None and spec.origin is not None
    models = Path(spec.origin).parent / "models"
    assert list(models.glob("*det*.onnx")) and list(models.glob("*rec*.onnx"))
    load_engine()
    assert os.environ["ORT_DISABLE_TELEMETRY"] == "1"


@pytest.mark.parametrize("name", ["notice.png", "rotated.png", "scan_page.pdf", "two_frames.tif"])
def test_ocr_fixture_is_small(name: str) -> None:
    assert (DATA / name).stat().st_size < 100_000


# --- the engine missing --------------------------------------------------------------------------

@pytest.mark.parametrize("path, message", [
    (DATA / "notice.png", "x: an image needs OCR and rapidocr (the OCR engine) is not installed"),
    (DATA / "two_frames.tif", "x: an image needs OCR and rapidocr (the OCR engine) is not installed"),
    (DATA / "scan_page.pdf", "x: the PDF has no text layer (a scan) and rapidocr (the OCR engine) is not installed"),
    (PDF_DATA / "scan.pdf", "x: the PDF has no text layer (a scan) and rapidocr (the OCR engine) is not installed"),
    (PDF_DATA / "unmapped.pdf",
     "x: the PDF has no text layer (a scan) and rapidocr (the OCR engine) is not installed"),
])
def test_ocr_engine_missing_names_it(monkeypatch: pytest.MonkeyPatch, path: Path, message: str) -> None:
    hide_engine(monkeypatch)
    with pytest.raises(MissingTool) as error:
        read(path, "x")
    assert (error.value.tool, error.value.reason, error.value.hint) == ("rapidocr", message, INSTALL_HINT)


def test_ocr_onnxruntime_missing_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_engine(monkeypatch)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    with pytest.raises(MissingTool) as error:
        read(DATA / "notice.png", "x.png")
    assert (error.value.tool, error.value.reason) == (
        "onnxruntime", "x.png: an image needs OCR and onnxruntime (which runs the OCR models) is not installed")


def test_ocr_engine_missing_is_one_error_row_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    hide_engine(monkeypatch)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(ROOT / "samples" / "003_790835e522af9ef0.txt", inbox)
    shutil.copy(DATA / "notice.png", inbox)
    assert main(["run", str(inbox), "-o", str(tmp_path / "out"), "--today", TODAY]) == 3
    assert capsys.readouterr().out.startswith("2 files: 1 ok, 1 failed;")
    errors = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(errors) == 2
    assert errors[1].startswith("notice.png,read,notice.png: an image needs OCR and rapidocr (the OCR engine) "
                                "is not installed,")


def test_ocr_damaged_image_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    path.write_bytes((DATA / "notice.png").read_bytes()[:300])
    with pytest.raises(UnreadableFile) as error:
        read_image(path, "cut.png")
    assert error.value.reason == "cut.png: the image cannot be read (damaged, cut short or not an image)"


@needs_engine
def test_ocr_engine_is_loaded_once() -> None:
    assert load_engine() is load_engine()


@needs_engine
def test_ocr_same_pixels_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image
    with Image.open(DATA / "notice.png") as image:
        first = ocr.ocr_page(image.convert("RGB"))
        monkeypatch.setattr(load_engine(), "read", lambda image: [])
        assert ocr.ocr_page(image.convert("RGB")) == first != []


@needs_engine
def test_ocr_disk_cache_serves_another_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PIL import Image
    monkeypatch.setenv(ocr.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(ocr, "_READ", type(ocr._READ)())
    with Image.open(DATA / "notice.png") as image:
        page = image.convert("RGB")
    first = ocr.ocr_page(page)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    monkeypatch.setattr(ocr, "_READ", type(ocr._READ)())  # a new process: nothing in memory
    monkeypatch.setattr(load_engine(), "read", lambda image: pytest.fail("read again"))
    assert ocr.ocr_page(page) == first != []


@needs_engine
def test_ocr_disk_cache_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from PIL import Image
    monkeypatch.setenv(ocr.CACHE_ENV, "")
    monkeypatch.setattr(ocr, "_READ", type(ocr._READ)())
    monkeypatch.chdir(tmp_path)
    with Image.open(DATA / "notice.png") as image:
        assert ocr.ocr_page(image.convert("RGB"))
    assert ocr.cache_dir() is None and not list(tmp_path.iterdir())


def test_ocr_disk_cache_default_is_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ocr.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert ocr.cache_dir() == tmp_path / "notices" / "ocr"


def test_ocr_disk_cache_damaged_entry_is_read_again(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ocr.CACHE_ENV, str(tmp_path))
    (tmp_path / f"{b'k'.hex()}.json").write_text("[[", encoding="utf-8")
    assert ocr._cached(b"k") is None
    ocr._keep(b"k", [OcrLine("x", ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)), 0.9)])
    assert ocr._cached(b"k") == [OcrLine("x", ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)), 0.9)]


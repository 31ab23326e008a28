"""Page images -> OcrLine (text, box, confidence) through RapidOCR, and OCR lines -> a PageDraft of printed
lines that the PDF reader's layout turns into paragraphs and headings.

The engine is RapidOCR (PP-OCR models run by onnxruntime): its Chinese models ship inside the `rapidocr`
wheel and are named to it explicitly, so it never takes its download path; loaded once per process, on
first use. Known OCR slips that need no language rules (brackets around a year, letters in digit runs, a
dash read as a one) are repaired line by line.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.metadata
import itertools
import json
import logging
import math
import os
import re
import tempfile
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import median
from typing import Any, Protocol

from PIL import Image

from ..errors import MissingTool
from .pdf_lines import CHINESE_GAP, CLOSING, OPENING, WIDE_GAP, Line, join_lines
from .pdf_running import PageDraft

log = logging.getLogger(__name__)

ENGINE = "rapidocr"
INSTALL_HINT = "pip install rapidocr onnxruntime (the Chinese OCR models ship inside the rapidocr wheel)"
OCR_DPI = 200  # what the engine reads best: 16 pt body text is 44 pixels high
MAX_PIXELS = 16_000_000  # a page rendered for OCR at most (A3 at 200 dpi is 15.5 million)
MAX_SKEW = 5.0  # degrees: a page turned further than this is not straightened
LONG_LINE = 4.0  # width in heights from which a line's slope is trusted for the page's skew
SAME_SIZE_SHARE = 0.08  # line heights this close (relative) are one text size
LATIN_WIDTH = 0.55  # a Latin character's width, in font sizes (a Chinese one is 1)
BOX_HEIGHT = 1.2  # the height of the engine's box around a line, in font sizes
MIN_PITCH_EMS = 2.0  # font sizes of text in a line from which its character pitch tells its size
MIN_SIZE = 1.0  # points: the size of a box too flat to measure
EDGE_SHARE = 0.3  # font sizes within which line ends are one edge
PUNCTUATION_MARGIN = 0.5  # font sizes of blank in the square of a full-width comma, stop or opening quote
WIDE_OPENING = frozenset(ch for ch in OPENING if not ch.isascii())
WIDE_CLOSING = frozenset(ch for ch in CLOSING if not ch.isascii())

CACHED_PAGES = 256  # pages whose OCR lines a process keeps, by their pixels
CACHE_ENV = "NOTICES_OCR_CACHE"  # the folder of the disk cache of OCR lines; empty: none

Point = tuple[float, float]

# Repairs; written with escapes, as Chinese stays out of the code (STYLE).
# An opening and a closing bracket of different kinds around a year: [2025] ( 2025 ] are one slip.
YEAR_BRACKETS = re.compile(r"([\[(\uff08\u3014\u3010\uff3b])\s*((?:19|20)\d\d)\s*([\])\uff09\u3015\u3011\uff3d])")
BRACKET_PAIRS = {"[": "]", "(": ")", "\uff08": "\uff09", "\u3014": "\u3015", "\u3010": "\u3011", "\uff3b": "\uff3d"}
DIGIT_LOOKALIKES = str.maketrans("OolI", "0011")
ALNUM_RUN = re.compile(r"[A-Za-z0-9]+")
# The CJK numeral one (U+4E00) is the dash of a range or a page number in a digit context: 1\u4e002.
ONE_AS_DASH = re.compile(r"(?<=\d)\u4e00(?=\d)")
_OPEN, _CLOSE = (re.escape("".join(sorted(marks))) for marks in (OPENING, CLOSING))
LEAD_WORD = re.compile(rf"[{_OPEN}]*(?:[A-Za-z0-9@._%+\-]+|.)[{_CLOSE}]*")
PAGE_NUMBER_DASHES = re.compile(r"[-\u2010-\u2015\u2212\u4e00\s]*\d+[-\u2010-\u2015\u2212\u4e00\s]*")


@dataclass(frozen=True, slots=True)
class OcrLine:
    """A line of text the engine found: its four corners (pixels, clockwise from the top left)."""
    text: str
    box: tuple[Point, Point, Point, Point]
    confidence: float


_READ: OrderedDict[bytes, list[OcrLine]] = OrderedDict()  # OCR lines by the digest of a page's pixels


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image.Image) -> list[OcrLine]: ...


class _RapidOcr:
    """RapidOCR with the models of its wheel; the angle classifier off, as it turns sound lines upside
    down on scans and pages come upright."""
    name = ENGINE

    def __init__(self, module: Any, models: Path) -> None:
        det, rec = _model(models, "det"), _model(models, "rec")
        self.key = f"{ENGINE} {_version(ENGINE)} {det.name} {rec.name}"
        self._ocr = module.RapidOCR(params={"Global.use_cls": False, "Global.log_level": "error",
                                            "Det.model_path": str(det), "Rec.model_path": str(rec)})

    def read(self, image: Image.Image) -> list[OcrLine]:
        result = self._ocr(image.convert("RGB"))
        if result.boxes is None or result.txts is None:
            return []
        return [OcrLine(text, tuple((float(x), float(y)) for x, y in box), float(score))  # type: ignore[arg-type]
                for box, text, score in zip(result.boxes, result.txts, result.scores or ()) if text.strip()]


@functools.cache
def load_engine() -> OcrEngine:
    """The OCR engine of this process, loaded on first use. Raises MissingTool naming what is missing."""
    # onnxruntime 1.29+ sends usage telemetry from Linux unless told not to; the pipeline stays offline.
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    try:
        importlib.import_module("onnxruntime")
    except ImportError as exc:
        raise MissingTool("onnxruntime", INSTALL_HINT, "onnxruntime (which runs the OCR models) is not installed") \
            from exc
    try:
        module = importlib.import_module("rapidocr")
    except ImportError as exc:
        raise MissingTool(ENGINE, INSTALL_HINT, f"{ENGINE} (the OCR engine) is not installed") from exc
    _quiet(logging.getLogger("RapidOCR"))
    engine = _RapidOcr(module, Path(module.__file__ or ".").parent / "models")
    log.debug("OCR engine %s loaded", ENGINE)
    return engine


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return ""


def _model(models: Path, task: str) -> Path:
    found = sorted(models.glob(f"*{task}*.onnx"))
    if not found:
        raise MissingTool(f"{ENGINE} models", "pip install --force-reinstall rapidocr (a wheel that ships them)",
                          f"the {task} model of {ENGINE} is not in {models}; it is never downloaded")
    return found[-1]


def _quiet(logger: logging.Logger) -> None:
    """RapidOCR prints through its own console handler: send its records to ours instead."""
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.propagate = True


def ocr_page(image: Image.Image) -> list[OcrLine]:
    """The lines of text on a page image, with repaired text. Raises MissingTool without an engine.
    The same pixels are read once per process (a file read again, a run over the same inbox), and once
    per machine while the disk cache keeps them (a run after a rules change, another output folder)."""
    engine = load_engine()
    digest = hashlib.blake2b(f"{getattr(engine, 'key', engine.name)}{image.mode}{image.size}".encode(),
                             digest_size=20)
    digest.update(image.tobytes())
    key = digest.digest()
    if key in _READ:
        _READ.move_to_end(key)
        return list(_READ[key])
    found = _cached(key)
    if found is None:
        found = engine.read(image)
        _keep(key, found)
    lines = [OcrLine(repair(line.text), line.box, line.confidence) for line in found]
    _READ[key] = list(lines)
    if len(_READ) > CACHED_PAGES:
        _READ.popitem(last=False)
    return lines


def cache_dir() -> Path | None:
    """Where the engine's lines of a page are kept by the digest of its pixels and the engine's models:
    $NOTICES_OCR_CACHE (empty: no cache), else the user's cache folder. The lines are kept as the engine
    read them, so a change to the repairs applies to cached pages too."""
    setting = os.environ.get(CACHE_ENV)
    if setting is not None:
        return Path(setting) if setting else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "notices" / "ocr"


def _cached(key: bytes) -> list[OcrLine] | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        rows = json.loads((folder / f"{key.hex()}.json").read_text(encoding="utf-8"))
        return [OcrLine(text, tuple((float(x), float(y)) for x, y in box), float(score))  # type: ignore[arg-type]
                for text, box, score in rows]
    except (OSError, ValueError, TypeError):
        return None


def _keep(key: bytes, lines: list[OcrLine]) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as tmp:
            json.dump([[line.text, line.box, line.confidence] for line in lines], tmp, ensure_ascii=False)
        os.replace(tmp.name, folder / f"{key.hex()}.json")
    except OSError as exc:
        log.debug("OCR cache not written in %s: %s", folder, exc)


def repair(text: str) -> str:
    """OCR slips that need no language rules: mixed brackets around a year become the document-number
    brackets U+3014/U+3015, O o l I inside numbers become digits, a CJK one (U+4E00) between digits or
    around a page number becomes a dash."""
    text = YEAR_BRACKETS.sub(_year_brackets, text)
    text = ALNUM_RUN.sub(_digit_run, text)
    if PAGE_NUMBER_DASHES.fullmatch(text) and "\u4e00" in text:
        return text.replace("\u4e00", "\u2014")
    return ONE_AS_DASH.sub("\u2014", text)


def _year_brackets(match: re.Match[str]) -> str:
    opening, year, closing = match.groups()
    if BRACKET_PAIRS[opening] == closing:
        return match.group(0)
    return f"\u3014{year}\u3015"


def _digit_run(match: re.Match[str]) -> str:
    """A run of digits and look-alike letters, no more letters than digits (2O22, l63, 1O): the letters
    are digits. O2O, CO2 and zzb2022o stay."""
    run = match.group(0)
    digits = sum(ch.isdigit() for ch in run)
    letters = len(run) - digits
    if not letters or letters > digits or run.strip("0123456789OolI"):
        return run
    return run.translate(DIGIT_LOOKALIKES)


# --- OCR lines -> printed lines ------------------------------------------------------------------

def ocr_draft(image: Image.Image, number: int, dpi: float) -> PageDraft:
    """A page image OCR'd into a PageDraft numbered `number`, in points (at `dpi` pixels to the inch);
    pass the document's OCR'd pages through even_pages before laying them out."""
    return to_draft(ocr_page(image), number, image.height * 72 / dpi, 72 / dpi)


def to_draft(found: list[OcrLine], number: int, height: float, scale: float) -> PageDraft:
    """OCR lines as the printed lines of page `number`: the page straightened, pieces of one row joined.
    `scale` turns pixels into points, `height` is in points. Sizes are as measured: see even_pages."""
    skew = _skew(found)
    boxes = [_box(line, skew, scale) for line in found]
    rows = _rows(sorted(boxes, key=lambda b: (b.top + b.bottom) / 2))
    lines = _even_edges([line for row in rows for line in _row_lines(row, number)])
    return PageDraft(number, height, tuple(lines), (), (), ())


@dataclass(frozen=True, slots=True)
class _Box:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def _skew(found: list[OcrLine]) -> float:
    """The page's slope in radians (positive: lines fall to the right), from its long lines."""
    angles = []
    for line in found:
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = line.box
        width, height = math.hypot(bx - ax, by - ay), math.hypot(dx - ax, dy - ay)
        if height and width >= LONG_LINE * height:
            angles.append((math.atan2(by - ay, bx - ax) + math.atan2(cy - dy, cx - dx)) / 2)
    if not angles or abs(math.degrees(median(angles))) > MAX_SKEW:
        return 0.0
    return median(angles)


def _box(line: OcrLine, skew: float, scale: float) -> _Box:
    """A line's box turned back by `skew`, in points, with its font size: the smaller of what its height
    and its character pitch say. A box is taller than the font by the engine's margin and more over
    quotes and short lines; a Chinese character is one font size wide."""
    cos, sin = math.cos(skew), math.sin(skew)
    xs = [(x * cos + y * sin) * scale for x, y in line.box]
    middle = sum(-x * sin + y * cos for x, y in line.box) / 4 * scale
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = line.box
    height = (math.hypot(dx - ax, dy - ay) + math.hypot(cx - bx, cy - by)) / 2 * scale
    width = (math.hypot(bx - ax, by - ay) + math.hypot(cx - dx, cy - dy)) / 2 * scale
    printed = line.text.replace(" ", "")
    ems = sum(LATIN_WIDTH if ch.isascii() else 1.0 for ch in printed)
    size = max(height / BOX_HEIGHT, MIN_SIZE)
    if ems >= MIN_PITCH_EMS:
        size = min(size, width / ems)
    # A box ends at the ink: a full-width comma or stop is inked at the left of its square, an opening
    # quote or bracket at the right. The line runs to the square's edge, as a text layer's line does.
    x0 = min(xs) - (PUNCTUATION_MARGIN * size if printed[:1] in WIDE_OPENING else 0.0)
    x1 = max(xs) + (PUNCTUATION_MARGIN * size if printed[-1:] in WIDE_CLOSING else 0.0)
    return _Box(line.text, x0, x1, middle - size / 2, middle + size / 2, size)


def _rows(boxes: list[_Box]) -> list[list[_Box]]:
    """Boxes whose middles fall within each other's height make a row, left to right."""
    rows: list[list[_Box]] = []
    for box in boxes:
        middle = (box.top + box.bottom) / 2
        if rows and any(b.top <= middle <= b.bottom for b in rows[-1]):
            rows[-1].append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda b: b.x0) for row in rows]


def _row_lines(row: list[_Box], page: int) -> list[Line]:
    """A row as lines: pieces closer than a wide gap are one line (a space where the gap is a word gap),
    farther ones are lines of their own (a title and its date), at the row's top so they keep their order."""
    top, bottom = min(b.top for b in row), max(b.bottom for b in row)
    size = median(b.size for b in row)
    groups: list[list[_Box]] = [[row[0]]]
    for left, right in itertools.pairwise(row):
        if right.x0 - left.x1 > WIDE_GAP * size:
            groups.append([])
        groups[-1].append(right)
    lines = []
    for group in groups:
        text = group[0].text
        for left, right in itertools.pairwise(group):
            wide = right.x0 - left.x1 >= CHINESE_GAP * size
            text = f"{text.rstrip()} {right.text.lstrip()}" if wide else join_lines(text, right.text)
        lines.append(Line(text, group[0].x0, group[-1].x1, top, bottom, size, page, _lead(text, size)))
    return lines


def _even_edges(lines: list[Line]) -> list[Line]:
    """Left and right ends a fraction of a font size apart are one edge (the margin, an indent): each
    line gets its edge's median, so that box jitter does not read as indents or short lines."""
    if not lines:
        return lines
    tolerance = EDGE_SHARE * median(line.size for line in lines)
    x0s, x1s = _cluster([line.x0 for line in lines], tolerance), _cluster([line.x1 for line in lines], tolerance)
    return [replace(line, x0=x0, x1=x1) for line, x0, x1 in zip(lines, x0s, x1s)]


def _cluster(values: list[float], tolerance: float) -> list[float]:
    """Each value replaced by the median of its cluster: values chained by steps up to `tolerance`."""
    if not values:
        return []
    order = sorted(range(len(values)), key=lambda k: values[k])
    groups: list[list[int]] = [[order[0]]]
    for previous, k in itertools.pairwise(order):
        if values[k] - values[previous] > tolerance:
            groups.append([])
        groups[-1].append(k)
    out = list(values)
    for group in groups:
        middle = median(values[k] for k in group)
        for k in group:
            out[k] = middle
    return out


def _lead(text: str, size: float) -> float:
    """The width of a line's first unbreakable piece (a Latin word or one Chinese character, with the
    punctuation that may not be parted from it): what the line before it had to fit to hold it."""
    word = LEAD_WORD.match(text)
    piece = word.group(0) if word else text[:1]
    return sum(LATIN_WIDTH if ch.isascii() else 1.0 for ch in piece) * size


def even_pages(pages: list[PageDraft]) -> list[PageDraft]:
    """OCR'd pages of one document made alike: one size per text style (see _even_sizes), and each page
    moved sideways so that its left margin is where the other pages have theirs (a sheet lies a little
    askew or off on the scanner; the layout takes the document's left edge for every page)."""
    pages = _even_sizes(pages)
    lefts = [_left_edge(page) for page in pages]
    known = [left for left in lefts if left is not None]
    if not known:
        return pages
    target = median(known)
    return [page if left is None else replace(page, lines=tuple(
        replace(line, x0=line.x0 + target - left, x1=line.x1 + target - left) for line in page.lines))
        for page, left in zip(pages, lefts)]


def _left_edge(page: PageDraft) -> float | None:
    """The leftmost edge at least two lines of the page start at (edges are evened: see _even_edges)."""
    starts = Counter(line.x0 for line in page.lines)
    return min((x for x, n in starts.items() if n >= 2), default=None)


def _even_sizes(pages: list[PageDraft]) -> list[PageDraft]:
    """The pages with line sizes that differ by a few per cent made one: each line gets the median size
    of its text style over all the pages, so that the layout does not take jitter of OCR boxes for a
    change of font, nor pages measured a little apart for different styles."""
    logs = _cluster([math.log(line.size) for page in pages for line in page.lines], math.log(1 + SAME_SIZE_SHARE))
    sizes = iter(round(math.exp(value), 1) for value in logs)
    return [replace(page, lines=tuple(replace(line, size=next(sizes)) for line in page.lines)) for page in pages]

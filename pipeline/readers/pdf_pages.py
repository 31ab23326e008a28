"""One PDF page through pypdfium2 -> PageContent: its characters with boxes and font sizes, and its ruling
lines."""
from __future__ import annotations

import ctypes
import logging
import struct
from dataclasses import dataclass, replace
from functools import cache
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

log = logging.getLogger(__name__)

# A character whose text pdfium cannot map: nothing, a control code, the replacement character, or a
# private-use glyph (U+E000..U+F8FF, planes 15 and 16).
UNMAPPED = frozenset((0, 0xFFFD))
UNREADABLE_SHARE = 0.5  # of a page's characters, for the page to count as having no text layer
EDGE_MIN_LENGTH = 3.0  # points, as pdfplumber's table finder
AXIS_TOLERANCE = 0.5  # points a ruling line may lean
UPRIGHT_SKEW = 0.1  # turned share of a character's matrix up to which it still reads as upright
MAX_FORM_DEPTH = 4
RECT = struct.Struct("4f")  # pdfium's FS_RECTF
MAX_PATH_SEGMENTS = 50_000  # segments read for ruling lines at most (a map or a chart has more)


class Char(NamedTuple):
    """A printed character; coordinates in points from the top-left corner of the page as displayed. A
    named tuple: a page has thousands, and a tuple is the quickest to make."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(frozen=True, slots=True)
class Edge:
    """A horizontal or vertical ruling line (or one side of a drawn rectangle)."""
    vertical: bool
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True, slots=True)
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    chars: tuple[Char, ...]
    edges: tuple[Edge, ...]
    has_text: bool  # False: no characters, or mostly unmapped glyphs (a scan, a broken font)


@dataclass(frozen=True, slots=True)
class _Frame:
    """Maps PDF user space to the displayed page: the page box and its clockwise rotation."""
    left: float
    bottom: float
    right: float
    top: float
    rotation: int

    def point(self, x: float, y: float) -> tuple[float, float]:
        u, v = x - self.left, self.top - y
        w, h = self.right - self.left, self.top - self.bottom
        if self.rotation == 90:
            return h - v, u
        if self.rotation == 180:
            return w - u, h - v
        if self.rotation == 270:
            return v, w - u
        return u, v

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        ax, ay = self.point(left, top)
        bx, by = self.point(right, bottom)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def read_page(pdf: pdfium.PdfDocument, index: int) -> PageContent:
    """Characters and ruling lines of page `index` (0-based); every pdfium handle is closed before return."""
    page = pdf[index]
    try:
        frame = _frame(page)
        textpage = page.get_textpage()
        try:
            chars, unreadable = _chars(textpage, frame)
            if not chars and frame.rotation and textpage.count_chars():
                # Turned by /Rotate but its text drawn upright on the sheet: read it as the sheet.
                frame = replace(frame, rotation=0)
                chars, unreadable = _chars(textpage, frame)
        finally:
            textpage.close()
        edges = _edges(page, frame)
    finally:
        page.close()
    width, height = frame.right - frame.left, frame.top - frame.bottom
    if frame.rotation in (90, 270):
        width, height = height, width
    has_text = bool(chars) and unreadable <= UNREADABLE_SHARE * (len(chars) + unreadable)
    return PageContent(index + 1, width, height, tuple(chars) if has_text else (), tuple(edges), has_text)


def _frame(page: pdfium.PdfPage) -> _Frame:
    left, bottom, right, top = page.get_bbox()
    return _Frame(left, bottom, right, top, page.get_rotation())


def _chars(textpage: pdfium.PdfTextPage, frame: _Frame) -> tuple[list[Char], int]:
    """Upright printed characters (pdfium's generated spaces and line ends, and turned text such as a
    watermark, left out) and the count of unmapped ones. The hot loop of the reader: four calls a
    character, through bindings that take plain addresses; the font size and matrix are read once a text
    object (every character of one has the same)."""
    raw, calls = _address(textpage.raw), _calls()
    unicode, generated, map_error, box, text_object = (calls.unicode, calls.generated, calls.map_error, calls.box,
                                                       calls.text_object)
    rect = ctypes.create_string_buffer(RECT.size)  # an FS_RECTF: left, top, right, bottom
    at, unpack = ctypes.addressof(rect), RECT.unpack_from
    left, top = frame.left, frame.top
    straight = frame.rotation == 0
    chars: list[Char] = []
    append = chars.append
    unreadable = 0
    current, size = None, 0.0
    for k in range(calls.count(raw)):
        code = unicode(raw, k)
        if code in (10, 13) or (code == 32 and generated(raw, k)):
            continue
        if code < 32 or code in UNMAPPED or 0xE000 <= code <= 0xF8FF or code >= 0xF0000 or map_error(raw, k) == 1:
            unreadable += 1
            continue
        if not box(raw, k, at):
            continue
        owner = text_object(raw, k)
        if owner != current or owner is None:
            current, size = owner, _size(textpage.raw, k, frame.rotation)
        if not size:
            continue
        x0, y0, x1, y1 = unpack(rect)  # PDF user space: y0 the top edge, y1 the bottom one
        if straight:
            append(Char(chr(code), x0 - left, x1 - left, top - y0, top - y1, size))
        else:
            a, b, c, d = frame.box(x0, y1, x1, y0)
            append(Char(chr(code), a, c, b, d, size))
    return chars, unreadable


def _size(raw: ctypes.c_void_p, k: int, rotation: int) -> float:
    """The printed font size of character k, or 0.0 when it is not upright on the page as displayed."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFText_GetMatrix(raw, k, matrix):
        return 0.0
    return float(pdfium_c.FPDFText_GetFontSize(raw, k)) * _upright_scale(matrix, rotation)


@dataclass(frozen=True, slots=True)
class _Calls:
    """pdfium's per-character text functions bound with plain address and int arguments: ctypes then
    converts no pointer types, which makes each call about a third cheaper."""
    count: Any
    unicode: Any
    generated: Any
    map_error: Any
    box: Any
    text_object: Any


@cache
def _calls() -> _Calls:
    def bind(function: Any, restype: Any, *argtypes: Any) -> Any:
        prototype = ctypes.CFUNCTYPE(restype, ctypes.c_void_p, *argtypes)
        return prototype(_address(function))
    i, v = ctypes.c_int, ctypes.c_void_p
    return _Calls(bind(pdfium_c.FPDFText_CountChars, i), bind(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, i),
                  bind(pdfium_c.FPDFText_IsGenerated, i, i), bind(pdfium_c.FPDFText_HasUnicodeMapError, i, i),
                  bind(pdfium_c.FPDFText_GetLooseCharBox, i, i, v), bind(pdfium_c.FPDFText_GetTextObject, v, i))


def _address(pointer: Any) -> int:
    return ctypes.cast(pointer, ctypes.c_void_p).value or 0


def _upright_scale(m: pdfium_c.FS_MATRIX, rotation: int) -> float:
    """How much the character's matrix scales its font size, or 0.0 when it is not upright on the page as
    displayed. A browser prints at 0.4 of the size it writes in the font size."""
    straight, turned = (abs(m.a) + abs(m.d), abs(m.b) + abs(m.c))
    if rotation in (90, 270):
        straight, turned = turned, straight
    if turned > UPRIGHT_SKEW * straight:
        return 0.0
    return float(abs(m.a * m.d - m.b * m.c) ** 0.5)


def _edges(page: pdfium.PdfPage, frame: _Frame) -> list[Edge]:
    """Axis-parallel straight segments of the page's paths, also inside form XObjects."""
    edges: list[Edge] = []
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    objects = [pdfium_c.FPDFPage_GetObject(page.raw, i) for i in range(count)]
    _collect(objects, _IDENTITY, frame, edges, MAX_PATH_SEGMENTS, 0)
    return edges


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Matrix = tuple[float, float, float, float, float, float]


def _collect(objects: list[ctypes.c_void_p], parent: Matrix, frame: _Frame, edges: list[Edge], budget: int,
             depth: int) -> int:
    """Add the edges of `objects` to `edges`; returns how many path segments may still be read."""
    for obj in objects:
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            budget -= pdfium_c.FPDFPath_CountSegments(obj)
            if budget < 0:
                log.debug("page drawn from over %d path segments: the rest is not searched for tables",
                          MAX_PATH_SEGMENTS)
                return budget
            _path_edges(obj, _compose(parent, _matrix(obj)), frame, edges)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            count = pdfium_c.FPDFFormObj_CountObjects(obj)
            children = [pdfium_c.FPDFFormObj_GetObject(obj, i) for i in range(count)]
            budget = _collect(children, _compose(parent, _matrix(obj)), frame, edges, budget, depth + 1)
            if budget < 0:
                return budget
    return budget


def _matrix(obj: ctypes.c_void_p) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(outer: Matrix, inner: Matrix) -> Matrix:
    """The matrix that applies `inner` first, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _path_edges(obj: ctypes.c_void_p, m: Matrix, frame: _Frame, edges: list[Edge]) -> None:
    x, y = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    last: tuple[float, float] | None = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        px, py = m[0] * x.value + m[2] * y.value + m[4], m[1] * x.value + m[3] * y.value + m[5]
        point = frame.point(px, py)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or last is None:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            _add_edge(last, point, edges)
        last = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            _add_edge(point, start, edges)
            last = start


def _add_edge(a: tuple[float, float], b: tuple[float, float], edges: list[Edge]) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= AXIS_TOLERANCE and abs(ax - bx) >= EDGE_MIN_LENGTH:
        y = (ay + by) / 2
        edges.append(Edge(False, min(ax, bx), y, max(ax, bx), y))
    elif abs(ax - bx) <= AXIS_TOLERANCE and abs(ay - by) >= EDGE_MIN_LENGTH:
        x = (ax + bx) / 2
        edges.append(Edge(True, x, min(ay, by), x, max(ay, by)))

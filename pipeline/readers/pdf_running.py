"""Pages of a PDF -> the same pages without running headers, footers and page numbers: lines in the top or
bottom band of a page that read as a page number or repeat (digits aside) on several pages. A web page
printed from a browser repeats its fixed menu bar on every page, over the content: that copy is found too."""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace

from .pdf_lines import Line
from .pdf_pages import Char
from .pdf_tables import Grid, TablePart, fill_table

log = logging.getLogger(__name__)

BAND = 0.12  # share of the page height at the top and bottom where running headers and footers stand
REPEAT_SHARE = 0.3  # of the pages a header or footer line must repeat on (and on two pages at least)
ECHO_MIN_CHARS = 6  # a later page's top line this long that begins the first page's top line repeats it,
ECHO_MAX_EXTRA = 4  # when the first page's line is at most this much longer (the 文件 of an issuer's mark)
OVERLAY_MATCH = 0.7  # share of a running line's characters found in order, for a copy printed over content
OVERLAY_MIN_CHARS = 6
Y_TOLERANCE = 3.0  # points
# Page numbers: 1, - 1 -, — 1 —, 第1页, 第 1 页 共 3 页, 共3页 第1页, 1/3, Page 1 of 3.
PAGE_NUMBER = re.compile(
    r"^(?:[-\u2010-\u2015\u2212~\s]*\d+[-\u2010-\u2015\u2212~\s]*"
    r"|(?:\u5171\s*\d+\s*\u9875\s*[,\uff0c]?\s*)?\u7b2c\s*\d+\s*\u9875(?:\s*[,\uff0c]?\s*\u5171\s*\d+\s*\u9875)?"
    r"|\d+\s*/\s*\d+|(?i:page)\s*\d+(?:\s*(?i:of)\s*\d+)?)$")
Key = tuple[str, str]  # band, text with digits as '#'


@dataclass(frozen=True, slots=True)
class PageDraft:
    """A page before its tables are filled: lines outside tables, table grids and the characters in each."""
    number: int
    height: float
    lines: tuple[Line, ...]
    tables: tuple[TablePart, ...]
    grids: tuple[Grid, ...]  # the grid of each table
    boxed: tuple[tuple[Char, ...], ...]  # the characters inside each grid


def drop_running_lines(pages: list[PageDraft]) -> list[PageDraft]:
    """The pages without the lines (and the characters in tables) that are running headers or footers."""
    found = [{key for key in (_key(page, line) for line in page.lines) if key} for page in pages]
    candidates = {key: line for page in pages for line in page.lines if (key := _key(page, line))}
    overlays = [_overlays(page, seen, candidates) for page, seen in zip(pages, found)]
    repeats = Counter(key for seen, over in zip(found, overlays) for key in seen | set(over))
    repeats.update(_echoes(pages))
    needed = max(2.0, REPEAT_SHARE * len(pages))
    out = []
    for page, over in zip(pages, overlays):
        lines = tuple(line for line in page.lines if not _is_running(page, line, repeats, needed))
        hidden = {id(c) for key, chars in over.items() if repeats[key] >= needed for c in chars}
        if len(lines) < len(page.lines) or hidden:
            log.debug("page %d: dropped %d running lines", page.number,
                      len(page.lines) - len(lines) + bool(hidden))
        out.append(replace(page, lines=lines) if not hidden else _without(replace(page, lines=lines), hidden))
    return out


def _echoes(pages: list[PageDraft]) -> set[Key]:
    """Top lines of later pages that begin the first page's topmost line, short of a few characters: the
    issuer's name as the header of the pages after a first page that carries the issuer's mark instead
    (共青团XX委员会 under 共青团XX委员会文件, which stands lower than a header). Each counts once more, as if
    repeated on the first page, so a two-page notice loses that header too."""
    first = _topmost(pages[0]) if pages else None
    if first is None:
        return set()
    mark = first.text.replace(" ", "")
    out = set()
    for page in pages[1:]:
        line = _topmost(page)
        key = _key(page, line) if line is not None else None
        text = line.text.replace(" ", "") if line is not None else ""
        if (key is not None and key[0] == "top" and len(text) >= ECHO_MIN_CHARS and mark.startswith(text)
                and 0 < len(mark) - len(text) <= ECHO_MAX_EXTRA):
            out.add(key)
    return out


def _topmost(page: PageDraft) -> Line | None:
    return min(page.lines, key=lambda line: line.top, default=None)


def _without(page: PageDraft, hidden: set[int]) -> PageDraft:
    """The page with its tables filled again without the hidden characters."""
    tables, grids, boxed = [], [], []
    for grid, chars in zip(page.grids, page.boxed):
        chars = tuple(c for c in chars if id(c) not in hidden)
        table = fill_table(grid, chars, page.number)
        if table is not None:
            tables.append(table)
            grids.append(grid)
            boxed.append(chars)
    return replace(page, tables=tuple(tables), grids=tuple(grids), boxed=tuple(boxed))


def _is_running(page: PageDraft, line: Line, repeats: Counter[Key], needed: float) -> bool:
    key = _key(page, line)
    return key is not None and (PAGE_NUMBER.match(line.text.strip()) is not None or repeats[key] >= needed)


def _key(page: PageDraft, line: Line) -> Key | None:
    if line.bottom <= BAND * page.height:
        band = "top"
    elif line.top >= (1 - BAND) * page.height:
        band = "bottom"
    else:
        return None
    return band, re.sub(r"\d+", "#", line.text.replace(" ", ""))


def _overlays(page: PageDraft, seen: set[Key], candidates: dict[Key, Line]) -> dict[Key, list[Char]]:
    """Running lines of other pages printed here over a table: their characters, found in order."""
    out: dict[Key, list[Char]] = {}
    boxed = [c for chars in page.boxed for c in chars]
    if not boxed:
        return out
    for key, line in candidates.items():
        target = key[1]
        if key in seen or len(target) < OVERLAY_MIN_CHARS:
            continue
        near = sorted((c for c in boxed if line.top - Y_TOLERANCE <= (c.top + c.bottom) / 2 <= line.bottom
                       + Y_TOLERANCE), key=lambda c: c.x0)
        matched = _in_order(target, near)
        if len(matched) >= OVERLAY_MATCH * len(target):
            out[key] = matched
    return out


def _in_order(target: str, chars: list[Char]) -> list[Char]:
    """The characters that spell `target` from left to right, skipping what is printed in between
    (and target characters that are hidden); '#' stands for a digit."""
    matched: list[Char] = []
    position = 0
    for expected in target:
        for k in range(position, len(chars)):
            if chars[k].text == expected or (expected == "#" and chars[k].text.isdigit()):
                matched.append(chars[k])
                position = k + 1
                break
    return matched

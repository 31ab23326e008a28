"""Characters of a PDF page -> Line: printed lines with their text and box; the rules that join wrapped lines
and tell where a paragraph starts."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from statistics import median

from .pdf_pages import Char

# Gaps, in font sizes, that stand for a space: between Latin letters or digits a word space; between Chinese
# and Latin only a wide one, as LibreOffice and Word set 2024年 apart by a quarter of a size.
LATIN_GAP = 0.15
MIXED_GAP = 0.6
CHINESE_GAP = 0.5
WIDE_GAP = 3.0  # font sizes, and times the line's usual gap: a gap that parts two things on one line
SPACES = " \u00a0\u3000"
# A line ending or starting with these Latin characters joins the next line with a space.
LATIN_END = re.compile(r"[A-Za-z0-9,;:!?)\]%]$")
LATIN_START = re.compile(r"^[A-Za-z0-9(\[]")
# A line starting with a list or heading marker starts a paragraph: 一、 （一） 1、 1. （1） (1) ① 第X条 附件.
# Written as escapes, as Chinese stays out of the code (STYLE); the rules/ files are not a reader's input.
CN_NUMBER = "[\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u96f6\u3007]+"
MARKER = re.compile("|".join((
    rf"{CN_NUMBER}\u3001",
    rf"[(\uff08]\s*(?:{CN_NUMBER}|\d+)\s*[)\uff09]",
    r"\d+(?:[\u3001\uff0e)\uff09]|\.(?!\d))",
    r"[\u2460-\u2473\u2776-\u277f]",
    rf"\u7b2c(?:{CN_NUMBER}|\d+)\u6761",
    r"\u9644\u4ef6",
)))
INDENT = 0.8  # font sizes right of the left edge: the line starts a paragraph
FIT_SLACK = 0.5  # font sizes of room at a line's end beyond the next line's first word: a paragraph end
# A line cannot start with closing punctuation nor end with opening punctuation, so these go with the word
# next to them when a line wraps: ” ’ 》 ） 〉 」 』 】 ， 。 、 ； ： ！ ？ and “ ‘ 《 （ 〈 「 『 【.
CLOSING = set("\u201d\u2019\u300b\uff09\u3009\u300d\u300f\u3011\uff0c\u3002\u3001\uff1b\uff1a\uff01\uff1f"
              ",.;:!?)]}%")
OPENING = set("\u201c\u2018\u300a\uff08\u3008\u300c\u300e\u3010([{")


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line (or the part of it inside a table cell); coordinates in points from the page's top."""
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # font size of most of its characters
    page: int
    lead: float = 0.0  # width of its first word: what a line before it had to fit to hold it
    chars: tuple[Char, ...] = ()


def find_lines(chars: list[Char], page: int) -> list[Line]:
    """The characters grouped into lines, top to bottom; characters of a line from left to right."""
    groups: list[list[Char]] = []
    span = (0.0, 0.0)
    for char in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (char.top + char.bottom) / 2
        if groups and span[0] <= middle <= span[1]:
            groups[-1].append(char)
            span = (min(span[0], char.top), max(span[1], char.bottom)) if char.text not in SPACES else span
        else:
            groups.append([char])
            span = (char.top, char.bottom)
    lines = (_to_line(sorted(group, key=lambda c: c.x0), page) for group in groups)
    return [line for line in lines if line.text]


def split_wide(line: Line) -> list[Line]:
    """The line cut where a gap far wider than its others parts two things set side by side on one line
    (a title and its date, a label and its value on a form)."""
    printed = [c for c in line.chars if c.text not in SPACES]
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(printed)]
    if not gaps:
        return [line]
    usual = median(gaps)
    cuts = {id(b) for a, b in itertools.pairwise(printed)
            if b.x0 - a.x1 > max(WIDE_GAP * max(a.size, b.size), WIDE_GAP * usual)}
    if not cuts:
        return [line]
    parts: list[list[Char]] = [[]]
    for char in line.chars:
        if id(char) in cuts:
            parts.append([])
        parts[-1].append(char)
    return [_to_line(part, line.page) for part in parts]


def _to_line(chars: list[Char], page: int) -> Line:
    printed = [c for c in chars if c.text not in SPACES]
    if not printed:
        return Line("", 0, 0, 0, 0, 0, page)
    size = median(c.size for c in printed)
    parts: list[str] = []
    previous: Char | None = None
    space = False
    for char in chars:
        if char.text in SPACES:
            space = previous is not None
            continue
        if previous is not None and (space or _is_word_gap(previous, char, size)):
            parts.append(" ")
        parts.append(char.text)
        previous, space = char, False
    lead = _first_word_end(printed, size) - printed[0].x0
    return Line("".join(parts), printed[0].x0, max(c.x1 for c in printed), min(c.top for c in printed),
                max(c.bottom for c in printed), round(size, 1), page, lead, tuple(chars))


def _first_word_end(printed: list[Char], size: float) -> float:
    """Where the line's first unbreakable piece ends: a Chinese character or a Latin word, with the
    punctuation that may not be parted from it."""
    k = 0
    while k < len(printed) - 1 and printed[k].text in OPENING:
        k += 1
    while (k < len(printed) - 1 and _is_latin(printed[k].text) and _is_latin(printed[k + 1].text)
           and not _is_word_gap(printed[k], printed[k + 1], size)):
        k += 1
    while k < len(printed) - 1 and printed[k + 1].text in CLOSING:
        k += 1
    return printed[k].x1


def _is_word_gap(left: Char, right: Char, size: float) -> bool:
    """Whether the gap between two printed characters stands for a space."""
    gap = right.x0 - left.x1
    latin = _is_latin(left.text) + _is_latin(right.text)
    return gap >= (LATIN_GAP, MIXED_GAP, CHINESE_GAP)[2 - latin] * size


def _is_latin(text: str) -> bool:
    return text.isascii() and not text.isspace()


def join_lines(left: str, right: str) -> str:
    """Two wrapped lines as one: nothing between Chinese characters or Chinese and digits, a space between
    Latin words or numbers; a hyphen at the end of a Latin line stays as printed."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    if LATIN_END.search(left) and LATIN_START.match(right):
        return f"{left} {right}"
    return left + right


def starts_paragraph(previous: Line, line: Line, left: float, right: float) -> bool:
    """Whether `line` starts a new paragraph after `previous` within a text column from `left` to `right`:
    the previous line left room for this one's first word, this one is indented or starts with a marker."""
    return (ends_early(previous, line, right - previous.x1) or line.x0 > left + INDENT * line.size
            or MARKER.match(line.text) is not None)


def ends_early(previous: Line, line: Line, room: float) -> bool:
    """Whether a line that left `room` at its end did so by choice: the next line's first word would fit."""
    return room > line.lead + FIT_SLACK * previous.size

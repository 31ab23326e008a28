"""Document -> clauses: sentence-level units with their heading or table path and comma parts."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Block, BlockKind, Cell, Clause, Document
from .rules import Rules

OPENERS = {"(": ")", "“": "”", "《": "》", "〔": "〕", "【": "】", "[": "]", "‘": "’", "「": "」"}
LABEL_STOP = ",。:;!?"
LABEL_MAX = 40
HEADER_CELL_MAX = 15
LONG_COLUMN_RATIO = 2.0
PATH_SEP = " > "
MAX_SENTENCE = 2000  # characters; the longest sentence of the samples and the real notices has 956


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    label: str


def segment(doc: Document, rules: Rules, most: int | None = None) -> list[Clause]:
    """Every clause of the body in reading order; boilerplate and preformatted blocks give none. Cutting
    stops once there are more than `most` (the caller gives the notice one error row then)."""
    clauses: list[Clause] = []
    stack: list[Heading] = []
    numbered_seen = False
    for index, block in enumerate(doc.blocks):
        if block.boilerplate or block.kind is BlockKind.preformatted:
            continue
        text = doc.text[block.char_start:block.char_end]
        heading = parse_heading(text, rules)
        if heading is not None:
            numbered_seen = True
            stack = _push(stack, heading)
        elif block.kind is BlockKind.heading and numbered_seen:
            stack = _push(stack, Heading(block.level, _label(text)))
        if block.kind is BlockKind.table:
            clauses.extend(_table_clauses(doc, block, index, stack, rules))
        elif block.kind in (BlockKind.paragraph, BlockKind.heading):
            # a heading may carry a period or a duty too: (一)方案实施阶段(9月7日—9月12日)
            path = PATH_SEP.join(h.label for h in stack)
            room = None if most is None else most + 1 - len(clauses)
            clauses.extend(_text_clauses(doc, block.char_start, block.char_end, path, block, index, rules, room))
        if most is not None and len(clauses) > most:
            break
    return clauses


def parse_heading(text: str, rules: Rules) -> Heading | None:
    """The numbered heading a line starts with (一、 （一） 1、 1. （1） ①), or None."""
    for pattern in rules.patterns.headings:
        if pattern.regex.match(text):
            return Heading(pattern.level, _label(text))
    return None


def _push(stack: list[Heading], heading: Heading) -> list[Heading]:
    return [h for h in stack if h.level < heading.level] + [heading]


def _label(text: str) -> str:
    """A heading as a path element: up to its first stop, at most LABEL_MAX characters."""
    first = text.split("\n", 1)[0]
    cut = next((i for i, ch in enumerate(first) if ch in LABEL_STOP), len(first))
    label = first[:cut].strip()
    if len(label) > LABEL_MAX:
        return label[:LABEL_MAX] + "…"
    return label + ("…" if cut < len(first.rstrip("。")) else "")


def _text_clauses(doc: Document, start: int, end: int, path: str, block: Block, index: int,
                  rules: Rules, most: int | None = None, in_table: bool = False,
                  page: int | None = None) -> list[Clause]:
    out = []
    for s, e in sentences(doc.text, start, end, rules)[:most]:
        out.append(Clause(text=doc.text[s:e], char_start=s, char_end=e, section=path, page=page or block.page,
                          block_index=index, parts=tuple(parts(doc.text, s, e, rules)), in_table=in_table))
    return out


def sentences(text: str, start: int, end: int, rules: Rules) -> list[tuple[int, int]]:
    """Spans of sentences in text[start:end], each ending with its stop; quotes are not cut."""
    spans = []
    begin = start
    for i in _cut_points(text, start, end, rules.patterns.regexes.sentence_end.pattern, "\n"):
        spans.append((begin, i + 1))
        begin = i + 1
    spans.append((begin, end))
    trimmed = [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]
    return [piece for a, b in trimmed for piece in _bounded(text, a, b, rules)]


def _bounded(text: str, start: int, end: int, rules: Rules) -> list[tuple[int, int]]:
    """A sentence over MAX_SENTENCE characters in pieces of at most that, cut after a comma where it has
    one. A duty is read against its sentence, so a sentence of a megabyte (a data dump, a text without
    stops) would cost its every duty a megabyte of reading."""
    if end - start <= MAX_SENTENCE:
        return [(start, end)]
    pieces = []
    begin = last = start
    for cut in [i + 1 for i in _cut_points(text, start, end, rules.patterns.regexes.clause_sep.pattern, "")] + [end]:
        if cut - begin > MAX_SENTENCE and last > begin:
            pieces.append((begin, last))
            begin = last
        last = cut
    pieces.append((begin, end))
    return [(a, min(a + MAX_SENTENCE, b)) for begin, b in pieces for a in range(begin, b, MAX_SENTENCE)]


def parts(text: str, start: int, end: int, rules: Rules) -> list[tuple[int, int]]:
    """The comma pieces of one sentence, separators and the closing stop left out."""
    while end > start and rules.patterns.regexes.sentence_end.fullmatch(text[end - 1]):
        end -= 1
    spans = []
    begin = start
    for i in _cut_points(text, start, end, rules.patterns.regexes.clause_sep.pattern, ""):
        spans.append((begin, i))
        begin = i + 1
    spans.append((begin, end))
    return [s for s in (_trim(text, a, b) for a, b in spans) if s[1] > s[0]]


def _cut_points(text: str, start: int, end: int, char_class: str, also: str) -> list[int]:
    """Offsets of stop characters outside brackets and quotes."""
    stop = _compiled(char_class)
    waiting: list[str] = []
    points = []
    for i in range(start, end):
        ch = text[i]
        if waiting and ch == waiting[-1]:
            waiting.pop()
        elif ch in OPENERS:
            waiting.append(OPENERS[ch])
        elif ch in also:
            waiting.clear()
            points.append(i)
        elif not waiting and stop.fullmatch(ch):
            points.append(i)
    return points


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \n\t":
        start += 1
    while end > start and text[end - 1] in " \n\t":
        end -= 1
    return start, end


# --- tables --------------------------------------------------------------------------------

def _table_clauses(doc: Document, block: Block, index: int, stack: list[Heading],
                   rules: Rules) -> list[Clause]:
    grid = {(c.row, c.col): c for c in block.cells}
    rows = 1 + max((c.row for c in block.cells), default=-1)
    cols = 1 + max((c.col for c in block.cells), default=-1)
    first = 1 if rows > 1 and _is_header(doc, grid, cols) else 0
    base = [h.label for h in stack]
    if cols >= 2 and _is_indicator_table(doc, grid, first, rows, cols):
        return _indicator_clauses(doc, block, index, grid, (first, rows, cols), base, rules)
    out = []
    for r in range(first, rows):
        cells = [grid[(r, c)] for c in range(cols) if (r, c) in grid and grid[(r, c)].char_end > grid[(r, c)].char_start]
        if cells:
            out.extend(_text_clauses(doc, cells[0].char_start, cells[-1].char_end, PATH_SEP.join(base),
                                     block, index, rules, in_table=True, page=cells[0].page))
    return out


def _is_header(doc: Document, grid: dict[tuple[int, int], Cell], cols: int) -> bool:
    texts = [_cell_text(doc, grid, 0, c) for c in range(cols)]
    return all(len(t) <= HEADER_CELL_MAX and not any(ch.isdigit() for ch in t) for t in texts)


def _is_indicator_table(doc: Document, grid: dict[tuple[int, int], Cell], first: int, rows: int, cols: int) -> bool:
    """Label columns on the left, long requirement text in the last column."""
    def mean(c: int) -> float:
        lengths = [len(_cell_text(doc, grid, r, c)) for r in range(first, rows)]
        return sum(lengths) / max(1, len(lengths))
    labels = max(mean(c) for c in range(cols - 1))
    return mean(cols - 1) >= LONG_COLUMN_RATIO * max(1.0, labels)


def _indicator_clauses(doc: Document, block: Block, index: int, grid: dict[tuple[int, int], Cell],
                       shape: tuple[int, int, int], base: list[str], rules: Rules) -> list[Clause]:
    first, rows, cols = shape
    out: list[Clause] = []
    for r in range(first, rows):
        labels = list(base)
        for c in range(cols):
            cell = grid.get((r, c))
            if cell is None:
                continue
            if c < cols - 1:
                labels.append(_label(_cell_text(doc, grid, r, c)))
            if not cell.merged and cell.char_end > cell.char_start:
                out.extend(_cell_clauses(doc, block, index, cell, labels, rules))
    return out


def _cell_clauses(doc: Document, block: Block, index: int, cell: Cell, path: list[str],
                  rules: Rules) -> list[Clause]:
    """Lines of a cell; a line that starts a numbered item ((1)…) adds the item to the path."""
    out = []
    start = cell.char_start
    for line in doc.text[cell.char_start:cell.char_end].split("\n"):
        end = start + len(line)
        heading = parse_heading(line, rules)
        item_path = path + [heading.label] if heading and heading.label not in path[-1:] else path
        out.extend(_text_clauses(doc, start, end, PATH_SEP.join(item_path), block, index, rules, in_table=True,
                                 page=cell.page))
        start = end + 1
    return out


def _cell_text(doc: Document, grid: dict[tuple[int, int], Cell], r: int, c: int) -> str:
    """A cell's text; a merged cell shows the text of the cell it continues."""
    cell = grid.get((r, c))
    if cell is not None and cell.merged and cell.origin is not None:
        cell = grid.get(cell.origin)
    return doc.text[cell.char_start:cell.char_end] if cell else ""


@lru_cache(maxsize=16)
def _compiled(char_class: str) -> re.Pattern[str]:
    return re.compile(char_class)

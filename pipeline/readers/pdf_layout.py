"""Lines and tables of every PDF page -> RawBlocks in reading order: wrapped lines joined into paragraphs,
headings told by size and centring, tables that run over a page break stitched into one."""
from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from statistics import median

from ..model import BlockKind, RawBlock
from .pdf_lines import MARKER, Line, join_lines, split_wide, starts_paragraph
from .pdf_running import PageDraft
from .pdf_tables import TablePart, continues, stitch, to_block

HEADING_SCALE = 1.12  # times the body's font size: a heading
# A line ending in a full stop, semicolon, exclamation or question mark (full width) is a sentence.
SENTENCE_END = ("\u3002", "\uff1b", "\uff01", "\uff1f")
SAME_SIZE = 1.0  # points two font sizes may differ and still be the same text style
CENTERED_MAX_CHARS = 40
FIRST_LINE_INDENT = 2  # characters: how Chinese documents indent a paragraph's first line
INDENT_TOLERANCE = 0.5
HEADING_MAX_CHARS = 80
EXTRA_GAP = 0.3  # of the font size: a gap this much wider than between the body's lines ends a paragraph


@dataclass(frozen=True, slots=True)
class _Style:
    """The body text of the document: its font size, its left and right edges, the gap between its lines."""
    size: float
    left: float
    right: float
    gap: float


def arrange(pages: list[PageDraft]) -> list[RawBlock]:
    """All pages as blocks in reading order, each with the page it starts on."""
    lines = [line for page in pages for line in page.lines]
    if not lines:
        return _table_blocks([t for page in pages for t in page.tables])
    style = _style(lines, [t for page in pages for t in page.tables])
    runs: list[list[Line] | TablePart] = []
    for page in pages:
        for item in _reading_order(page):
            previous = runs[-1] if runs else None
            if isinstance(item, TablePart):
                runs.append(item)
            elif isinstance(previous, list) and not _breaks(previous[-1], item, style):
                previous.append(item)
            else:
                runs.append([item])
    return _to_blocks(runs, style)


def _reading_order(page: PageDraft) -> list[Line | TablePart]:
    """Lines and tables top to bottom; a line parted by a wide gap gives its parts left to right."""
    items: list[Line | TablePart] = sorted([*page.lines, *page.tables], key=lambda i: i.top)
    return [part for item in items for part in (split_wide(item) if isinstance(item, Line) else [item])]


def _style(lines: list[Line], tables: list[TablePart]) -> _Style:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size)] += len(line.text)
    for table in tables:
        sizes[round(table.size)] += sum(len(text) for row in table.texts for text in row)
    size = float(sizes.most_common(1)[0][0])
    body = [line for line in lines if abs(line.size - size) <= SAME_SIZE] or lines
    lefts = Counter(round(line.x0) for line in body)
    left = min((x for x, n in lefts.items() if n >= 2), default=min(lefts))
    # Most lines of a paragraph end at the right edge; a few hang a comma beyond it.
    right = Counter(round(line.x1) for line in body).most_common(1)[0][0]
    gaps = [b.top - a.bottom for a, b in itertools.pairwise(body)
            if a.page == b.page and 0 <= b.top - a.bottom < 3 * size]
    return _Style(size, float(left), float(right), median(gaps) if gaps else size / 2)


def _breaks(previous: Line, line: Line, style: _Style) -> bool:
    """Whether `line` starts a new paragraph after `previous` (on the same page or the one before)."""
    if abs(previous.size - line.size) > SAME_SIZE or MARKER.match(line.text):
        return True
    gap = style.gap * max(1.0, line.size / style.size) + EXTRA_GAP * line.size
    if line.page == previous.page and line.top - previous.bottom > gap:
        return True
    if line.size >= style.size * HEADING_SCALE:
        return False  # a title wrapped over lines
    if _is_centered(previous, style) or _is_centered(line, style):
        return not (_is_balanced(previous, style) and _is_balanced(line, style))
    return starts_paragraph(previous, line, style.left, style.right)


def _is_centered(line: Line, style: _Style) -> bool:
    """A line set in the middle of the text column, short of both edges; a paragraph's first line,
    indented by the usual two characters and cut short by a word that did not fit, is not one."""
    indent = line.x0 - style.left
    first_line = abs(indent - FIRST_LINE_INDENT * line.size) < INDENT_TOLERANCE * line.size
    return _is_balanced(line, style) and indent > 2 * line.size and not first_line


def _is_balanced(line: Line, style: _Style) -> bool:
    """A line with as much room on the left as on the right (the long first line of a centred title too)."""
    before, after = line.x0 - style.left, style.right - line.x1
    return before > line.size / 2 and abs(before - after) < 1.5 * line.size


def _to_blocks(runs: list[list[Line] | TablePart], style: _Style) -> list[RawBlock]:
    heading_sizes = sorted({_heading_size(run, style) for run in runs if isinstance(run, list)} - {0.0},
                           reverse=True)
    blocks: list[RawBlock] = []
    pending: TablePart | None = None
    for run in runs:
        if isinstance(run, TablePart):
            if pending is not None and continues(pending, run):
                pending = stitch(pending, run)
                continue
            if pending is not None:
                blocks.append(to_block(pending))
            pending = run
            continue
        if pending is not None:
            blocks.append(to_block(pending))
            pending = None
        text = run[0].text
        for line in run[1:]:
            text = join_lines(text, line.text)
        size = _heading_size(run, style)
        if size:
            level = heading_sizes.index(size) + 1
            blocks.append(RawBlock(BlockKind.heading, text, level=level, page=run[0].page))
        else:
            blocks.append(RawBlock(BlockKind.paragraph, text, page=run[0].page))
    if pending is not None:
        blocks.append(to_block(pending))
    return blocks


def _heading_size(run: list[Line], style: _Style) -> float:
    """The font size that ranks a heading (larger font, or a short centred line), or 0.0 for body text."""
    size = max(line.size for line in run)
    chars = sum(len(line.text) for line in run)
    if run[-1].text.endswith(SENTENCE_END) or chars > HEADING_MAX_CHARS:
        return 0.0
    if size >= style.size * HEADING_SCALE:
        return round(size * 2) / 2
    if all(_is_centered(line, style) for line in run) and chars <= CENTERED_MAX_CHARS:
        return round(max(size, style.size) * 2) / 2
    return 0.0


def _table_blocks(tables: list[TablePart]) -> list[RawBlock]:
    runs: list[list[Line] | TablePart] = list(tables)
    return _to_blocks(runs, _Style(0.0, 0.0, 0.0, 0.0))

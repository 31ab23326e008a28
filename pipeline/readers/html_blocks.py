"""An HTML element tree to pieces of text in reading order: paragraphs, headings, list items, table grids."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from lxml.html import HtmlElement as Element

from ..model import BlockKind, RawBlock
from .docx_numbering import format_number

BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "center", "form", "fieldset", "address", "figure", "figcaption", "hr", "details", "summary",
    "body", "html", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "table", "menu", "dir", "legend"})
HEADINGS = {f"h{n}": n for n in range(1, 7)}
WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")  # HTML collapses these; no-break and ideographic spaces stay
FILE_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".7z", ".wps", ".txt", ".et", ".ppt",
                   ".pptx", ".ofd")
ATTACHMENT_WORD = "\u9644\u4ef6"  # the word for "attachment"
MAX_DEPTH = 200
MAX_SPAN = 100
LAYOUT_CELL_CHARS = 1500  # a table cell holding this much text is page layout, not data
LAYOUT_SHARE, LAYOUT_SHARE_MIN = 0.5, 100  # ... and so is one holding half the table's text
FONT_SIZE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(pt|px)")
TITLE_PT, TITLE_PX = 15.0, 20.0


@dataclass(frozen=True, slots=True)
class Piece:
    """A block with what the article rules need to know about where it came from."""
    block: RawBlock
    owner: Element
    link_share: float = 0.0  # share of the text inside navigation links
    styled: bool = False  # centred and big or bold, as a title is set
    heading: int = 0  # the h1..h6 level it came from
    before: bool = False  # stands before the start element (the title): furniture unless a meta line


@dataclass
class _Builder:
    skip: set[Element]
    start: Element | None
    started: bool = True
    pieces: list[Piece] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    chars: int = 0

    def add(self, text: str, link: bool, pre: bool) -> None:
        if not pre:
            text = WHITESPACE.sub(" ", text)
        self.parts.append(text)
        size = len(text.strip())
        self.chars += size
        self.link_chars += size if link else 0

    def flush(self, owner: Element, heading: int = 0) -> None:
        lines = [line.strip() for line in "".join(self.parts).split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            kind = BlockKind.heading if heading else BlockKind.paragraph
            share = self.link_chars / self.chars if self.chars else 0.0
            self.pieces.append(Piece(RawBlock(kind, text, level=heading), owner, share, is_styled(owner), heading,
                                     before=not self.started))
        self.parts, self.link_chars, self.chars = [], 0, 0


def linearize(root: Element, skip: set[Element], start: Element | None = None) -> list[Piece]:
    """Pieces of `root` in reading order, `skip` subtrees left out; those before `start` are flagged."""
    builder = _Builder(skip=skip, start=start, started=start is None)
    _walk(builder, root, False, False, 0)
    builder.flush(root)
    return builder.pieces


def _walk(b: _Builder, el: Element, link: bool, pre: bool, depth: int) -> None:
    if el.text:
        b.add(el.text, link, pre)
    for child in el:
        if isinstance(child.tag, str) and child not in b.skip:
            _element(b, child, link, pre, depth + 1)
        if child.tail:
            b.add(child.tail, link, pre)


def _element(b: _Builder, el: Element, link: bool, pre: bool, depth: int) -> None:
    tag = el.tag.lower()
    parent = el.getparent()
    around = parent if parent is not None else el  # the block that owns text read before this element
    if el is b.start:
        b.flush(around)
        b.started = True
    if tag == "br":
        b.add("\n", link, True)
    elif depth > MAX_DEPTH:
        b.add(el.text_content(), link, pre)
    elif tag in HEADINGS:
        b.flush(around)
        _walk(b, el, link, pre, depth)
        b.flush(el, heading=HEADINGS[tag])
    elif tag == "table" and not is_layout_table(el):
        b.flush(around)
        caption = el.find("caption")
        if caption is not None:
            _walk(b, caption, link, pre, depth)
            b.flush(caption)
        b.pieces.append(Piece(table_block(el, b.skip), el, before=not b.started))
    elif tag in BLOCK_TAGS:
        b.flush(around)
        if tag == "li":
            b.add(_item_label(el), False, False)
        _walk(b, el, link, pre or tag == "pre", depth)
        b.flush(el)
    else:
        _walk(b, el, link or (tag == "a" and is_navigation_link(el)), pre, depth)


def _item_label(li: Element) -> str:
    """The number a browser shows before an item of an ordered list (1. a. A. i. I.)."""
    parent = li.getparent()
    if parent is None or parent.tag != "ol":
        return ""
    items = [c for c in parent if isinstance(c.tag, str) and c.tag == "li"]
    start = int(parent.get("start", "1")) if parent.get("start", "1").lstrip("-").isdigit() else 1
    n = start + items.index(li)
    kind = li.get("type") or parent.get("type") or "1"
    if kind in ("a", "A"):
        label = chr(ord("a") + (n - 1) % 26) if n > 0 else str(n)
        return (label.upper() if kind == "A" else label) + ". "
    if kind in ("i", "I"):
        return format_number(n, "upperRoman" if kind == "I" else "lowerRoman") + ". "
    return f"{n}. "


def is_attachment_link(a: Element) -> bool:
    """A link to a file the notice attaches: a document or archive extension, or the word in its text."""
    path = unquote(urlsplit(a.get("href", "")).path).lower()
    return path.endswith(FILE_EXTENSIONS) or ATTACHMENT_WORD in a.text_content()


def is_navigation_link(a: Element) -> bool:
    """A link that leads elsewhere or works the page (not an attachment, e-mail address or phone)."""
    href = a.get("href", "").strip().lower()
    return bool(href) and not href.startswith(("mailto:", "tel:")) and not is_attachment_link(a)


def _marks(el: Element) -> str:
    """The tags, inline styles, classes and alignments of an element and what it holds, lower-cased."""
    marks = []
    for node in el.iter():
        if isinstance(node.tag, str):
            marks.append(f"{node.tag} {node.get('style', '')} {node.get('class', '')} {node.get('align', '')}")
    return " ".join(marks).lower() + " "


def _bold(marks: str) -> bool:
    return "bold" in marks or re.search(r"(^|\s)(strong|b|h[1-3])\s", marks) is not None


def is_styled(el: Element) -> bool:
    """Set like a title: centred, and bold or large (an h-tag, <strong>, font-size), or a 'title' class."""
    if "title" in (el.get("class", "") + el.get("id", "")).lower():
        return True
    marks = _marks(el)
    if "center" not in marks:
        return False
    sizes = [(float(v), unit) for v, unit in FONT_SIZE.findall(marks)]
    big = any(v >= (TITLE_PT if unit == "pt" else TITLE_PX) for v, unit in sizes) or "large" in marks
    return big or _bold(marks)


def style_key(el: Element) -> tuple[tuple[tuple[str, str], ...], bool]:
    """Font sizes and boldness: lines of one title share them."""
    marks = _marks(el)
    return tuple(sorted(set(FONT_SIZE.findall(marks)))), _bold(marks)


# --- tables ----------------------------------------------------------------------------------

def _rows(table: Element) -> list[Element]:
    out = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            out.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if isinstance(c.tag, str) and c.tag == "tr")
    return out


def _cells(tr: Element) -> list[Element]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def is_layout_table(table: Element) -> bool:
    """A table that lays out the page: one column, a table or heading in a cell, or one cell
    holding most of the table's text (the article beside a menu column)."""
    rows = _rows(table)
    if not rows or max(len(_cells(r)) for r in rows) <= 1:
        return True
    sizes = []
    for row in rows:
        for cell in _cells(row):
            if cell.find(".//table") is not None or next(cell.iter(*HEADINGS), None) is not None:
                return True
            sizes.append(len("".join("".join(cell.itertext()).split())))
    biggest = max(sizes, default=0)
    return biggest > LAYOUT_CELL_CHARS or (biggest >= LAYOUT_SHARE_MIN and biggest >= LAYOUT_SHARE * sum(sizes))


def _span(cell: Element, name: str, limit: int) -> int:
    value = cell.get(name, "1").strip()
    return max(1, min(int(value), limit)) if value.isdigit() else 1


def table_block(table: Element, skip: set[Element]) -> RawBlock:
    """A data table as a grid: row and column spans filled with the spanning cell's text, flagged merged."""
    rows = _rows(table)
    grid: dict[tuple[int, int], tuple[str, bool]] = {}
    for r, tr in enumerate(rows):
        c = 0
        for cell in _cells(tr):
            while (r, c) in grid:
                c += 1
            text = cell_text(cell, skip)
            row_span, col_span = _span(cell, "rowspan", len(rows) - r), _span(cell, "colspan", MAX_SPAN)
            for dr in range(row_span):
                for dc in range(col_span):
                    grid[(r + dr, c + dc)] = (text, (dr, dc) != (0, 0))
            c += col_span
    width = 1 + max((c for _, c in grid), default=-1)
    cells = [[grid.get((r, c), ("", False)) for c in range(width)] for r in range(len(rows))]
    return RawBlock(BlockKind.table, rows=tuple(tuple(t for t, _ in row) for row in cells),
                    merged=tuple(tuple(m for _, m in row) for row in cells))


def cell_text(cell: Element, skip: set[Element]) -> str:
    """A cell's paragraphs joined with line breaks; a nested table flattened row by row."""
    lines: list[str] = []
    for piece in linearize(cell, skip):
        if piece.block.kind is BlockKind.table:
            lines.extend(" ".join(c for c, m in zip(row, flags) if c and not m)
                         for row, flags in zip(piece.block.rows, piece.block.merged))
        else:
            lines.append(piece.block.text)
    return "\n".join(line for line in lines if line)

"""Read .txt/.md files into blocks: encoding detected, markdown marks cut, tables recovered from layout."""
from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from ..errors import UnreadableFile
from ..model import BlockKind, Format, RawBlock, RawDocument

BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
TRIED = "UTF-8, UTF-16, GB18030 (covers GBK and GB2312)"
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# **bold** and __bold__ around text; a lone __ (window.__name, a__b) is not markup.
MD_EMPHASIS = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<![A-Za-z0-9_])__(?=\S)(.+?)(?<=\S)__(?![A-Za-z0-9_])")
MD_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
# A page break in a text dump: a form feed, or three blank lines in a row.
# Blank means spaces only: a line holding just a tab is an empty table cell.
PAGE_BREAK = re.compile(r"\f|\n(?:[ \u00a0\u3000]*\n){3,}")
BLANK_LINE = re.compile(r"\n(?:[ \u00a0\u3000]*\n)+")
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?:[^\n]*\n){0,40}?---[ \t]*(?:\n|\Z)")
FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)  # the post's title, its heading
SEQ_LINE = re.compile(r"^\s*(\d{1,3})\s*$")
MAX_CONTROL_SHARE = 0.01
PLAUSIBLE_SHARE = 0.9  # of characters that are ASCII, Chinese or Chinese punctuation


def read_text(path: Path, source: str) -> RawDocument:
    """A text or markdown file as paragraph, heading and table blocks, with page breaks numbered."""
    data = path.read_bytes()
    text = decode(data, source)
    fmt = Format.md if path.suffix.lower() in (".md", ".markdown") else Format.txt
    front = FRONT_MATTER.match(text) if fmt is Format.md else None
    blocks = to_blocks(text[front.end():] if front else text)
    if front:  # a site generator's settings (layout: page, date: …): kept, flagged, never read as the notice
        title = FRONT_TITLE.search(front.group())
        heading = [RawBlock(BlockKind.heading, title.group(1).strip().strip("'\""), level=1, page=1)] if title else []
        blocks[:0] = [RawBlock(BlockKind.paragraph, front.group().strip("\n"), page=1, boilerplate=True), *heading]
    return RawDocument(source=source, path=path, format=fmt, blocks=tuple(blocks),
                       pages=None, sha256=hashlib.sha256(data).hexdigest())


def decode(data: bytes, source: str) -> str:
    """Bytes to text: a BOM first, then strict UTF-8, UTF-16 without BOM, strict GB18030."""
    if not data.strip():
        raise UnreadableFile(f"{source}: the file is empty", "check that the file was saved completely")
    text = _decode_bytes(data)
    if text is None and b"\x00" in data:
        raise UnreadableFile(f"{source}: the file holds binary data, not text",
                             "check the file type; only text can be read as .txt or .md")
    if text is None:
        raise UnreadableFile(f"{source}: the text is in none of the encodings tried ({TRIED})",
                             "save the file as UTF-8 and put it in the inbox again")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f")
    if controls > MAX_CONTROL_SHARE * len(text) + 2:
        raise UnreadableFile(f"{source}: the file holds binary data, not text",
                             "check the file type; only text can be read as .txt or .md")
    return text


def _decode_bytes(data: bytes) -> str | None:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:  # text never holds NUL bytes; UTF-16 without a BOM does
        return _utf16_without_bom(data)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 in the byte order that reads as text: in the wrong order ASCII disappears and
    unassigned or private-use code points appear."""
    best, best_score = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = sum(1 for ch in text if _plausible(ch)) / max(1, len(text))
        if score > best_score:
            best, best_score = text, score
    return best if best_score >= PLAUSIBLE_SHARE else None


def _plausible(ch: str) -> bool:
    o = ord(ch)
    return (0x20 <= o < 0x7F or ch in "\r\n\t\f" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
            or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x2027)


def to_blocks(text: str) -> list[RawBlock]:
    """Split text into blocks; a dumped column table stays one preformatted block."""
    if is_column_dump(text):
        return [RawBlock(BlockKind.preformatted, text.strip("\n"), page=1)]
    blocks: list[RawBlock] = []
    for page, page_text in enumerate(PAGE_BREAK.split(text), start=1):
        blocks.extend(_page_blocks(page_text, page))
    return _merge_tables(blocks)


def _page_blocks(page_text: str, page: int) -> list[RawBlock]:
    out = []
    for chunk in BLANK_LINE.split(page_text):
        if not chunk.strip():
            continue
        if _is_tab_row(chunk):
            out.append(_tab_row(chunk, page))
            continue
        lines = [line for line in chunk.split("\n") if not MD_RULE.match(line)]
        out.extend(_line_blocks(lines, page))
    return out


def _line_blocks(lines: list[str], page: int) -> list[RawBlock]:
    """Markdown headings become heading blocks; other runs of lines stay one paragraph block."""
    out: list[RawBlock] = []
    run: list[str] = []
    for line in lines:
        heading = MD_HEADING.match(line)
        if heading:
            if run:
                out.append(RawBlock(BlockKind.paragraph, "\n".join(run), page=page))
                run = []
            level = len(heading.group(1))
            out.append(RawBlock(BlockKind.heading, _unemphasize(heading.group(2)), level=level, page=page))
        elif line.strip():
            run.append(_unemphasize(line))
    if run:
        out.append(RawBlock(BlockKind.paragraph, "\n".join(run), page=page))
    return out


def _unemphasize(line: str) -> str:
    return MD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)


def is_column_dump(text: str) -> bool:
    """A table dumped cell by cell: rows numbered 1, 2, 3… on lines of their own, short lines."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    seqs = [int(m.group(1)) for m in map(SEQ_LINE.match, lines) if m]
    if len(seqs) < 3 or seqs[:3] != [1, 2, 3]:
        return False
    lengths = sorted(len(line) for line in lines)
    return lengths[len(lengths) // 2] <= 20


def _is_tab_row(chunk: str) -> bool:
    """A table row written as cells that each start with a tab (Word tables pasted as text)."""
    lines = chunk.split("\n")
    return lines[0].startswith("\t") and sum(line.startswith("\t") for line in lines) >= 2


def _tab_row(chunk: str, page: int) -> RawBlock:
    cells: list[list[str]] = []
    for line in chunk.split("\n"):
        if line.startswith("\t"):
            cells.append([line[1:]])
        elif cells:
            cells[-1].append(line)
    row = tuple("\n".join(c).strip() for c in cells)
    return RawBlock(BlockKind.table, rows=(row,), merged=((False,) * len(row),), page=page)


def _merge_tables(blocks: list[RawBlock]) -> list[RawBlock]:
    """Join consecutive table rows into tables; a header repeated on a new page is dropped."""
    out: list[RawBlock] = []
    for block in blocks:
        previous = out[-1] if out else None
        if block.kind is BlockKind.table and previous is not None and previous.kind is BlockKind.table:
            row = block.rows[0]
            if row == previous.rows[0]:
                continue
            out[-1] = _with_row(previous, row)
        else:
            out.append(block)
    return [_fill_merged(b) if b.kind is BlockKind.table else b for b in out]


def _with_row(table: RawBlock, row: tuple[str, ...]) -> RawBlock:
    return RawBlock(BlockKind.table, rows=table.rows + (row,), merged=table.merged + ((False,) * len(row),),
                    page=table.page)


def _fill_merged(table: RawBlock) -> RawBlock:
    """Empty leading cells of a row continue the cell above (a vertically merged cell)."""
    width = max(len(r) for r in table.rows)
    rows = [list(r) + [""] * (width - len(r)) for r in table.rows]
    merged = [[False] * width for _ in rows]
    for r in range(1, len(rows)):
        for c in range(width - 1):
            if rows[r][c]:
                break
            rows[r][c] = rows[r - 1][c]
            merged[r][c] = True
    return RawBlock(BlockKind.table, rows=tuple(tuple(r) for r in rows),
                    merged=tuple(tuple(m) for m in merged), page=table.page)

"""Read .docx files into blocks: body paragraphs and tables in order, numbering labels, merged cells.

Cost: lxml on three parts of the zip (document, styles, numbering); about 7 ms for a 40 KB notice,
plus about 80 ms to import lxml on first use.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import UnreadableFile
from ..model import BlockKind, Format, RawBlock, RawDocument
from .docx_numbering import Counters, parse_numbering
from .docx_styles import Style, W, heading_level, num_pr, parse_styles, style_chain, style_id, title_key, val

TitleKey = tuple[str, ...] | None

log = logging.getLogger(__name__)

MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MATH_TEXT = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
DOCUMENT, STYLES, NUMBERING = "word/document.xml", "word/styles.xml", "word/numbering.xml"
MAX_PART_BYTES = 64 * 1024 * 1024  # a larger part is a zip bomb, not a notice
MAX_RATIO = 200  # uncompressed/compressed size beyond this is a zip bomb too
TITLE_MAX = 100
TERMINAL = re.compile(r"[\u3002\uff1b\uff1a\uff01\uff1f;:!?]$")  # a title line ends in none of these
# Subtrees whose text is not shown in the body where they stand.
SKIPPED = frozenset(f"{W}{t}" for t in ("del", "moveFrom", "delText", "instrText", "rPr", "pPr", "sdtPr", "sdtEndPr",
                                        "footnoteReference", "endnoteReference", "commentReference", "rt",
                                        "annotationRef"))
FLOATING = frozenset({f"{W}drawing", f"{W}pict", f"{W}object"})
OFF = frozenset({"0", "false", "off"})


def _parser() -> etree.XMLParser:
    # No entities, no DTD, no network, no huge trees: a .docx is untrusted input.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=True, remove_pis=True)


@dataclass
class _State:
    """What reading order carries from one paragraph to the next: list counters and open fields."""
    styles: dict[str, Style]
    counters: Counters
    fields: list[bool] = field(default_factory=list)  # per open field: True while in its code part
    floating: list[str] = field(default_factory=list)  # text boxes met in the current paragraph


def read_docx(path: Path, source: str) -> RawDocument:
    """A Word document's body as heading, paragraph and table blocks; text boxes as boilerplate."""
    data = path.read_bytes()
    parts = _parts(data, source)
    document = parts[DOCUMENT]
    if document is None:
        raise UnreadableFile(f"{source}: the Word file has no word/document.xml",
                             "open the file in Word or WPS and save it again as .docx")
    body = document.find(f"{W}body")
    state = _State(styles=parse_styles(parts[STYLES]), counters=Counters(parse_numbering(parts[NUMBERING])))
    blocks = _merge_title(_container(body, state)) if body is not None else []
    if not blocks:
        raise UnreadableFile(f"{source}: the Word document holds no text",
                             "if it holds scanned pages as pictures, get the notice as text or a text PDF")
    return RawDocument(source=source, path=path, format=Format.docx, blocks=tuple(blocks), pages=None,
                       sha256=hashlib.sha256(data).hexdigest())


def _parts(data: bytes, source: str) -> dict[str, etree._Element | None]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: _xml(archive, name, source) for name in (DOCUMENT, STYLES, NUMBERING)}
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"{source}: the file is not a valid .docx (not a zip archive or a damaged one)",
                             "open it in Word or WPS and save it again as .docx") from exc


def _xml(archive: zipfile.ZipFile, name: str, source: str) -> etree._Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_PART_BYTES or info.file_size > MAX_RATIO * max(1, info.compress_size) + 1_000_000:
        raise UnreadableFile(f"{source}: {name} unpacks to {info.file_size} bytes, too large for a notice",
                             "check the file; a notice this large is probably damaged or a zip bomb")
    try:
        with archive.open(info) as f:
            raw = f.read(MAX_PART_BYTES + 1)
        return etree.fromstring(raw, _parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise UnreadableFile(f"{source}: {name} inside the .docx is damaged ({exc.__class__.__name__})",
                             "open the file in Word or WPS and save it again as .docx") from exc


# --- body ------------------------------------------------------------------------------------

def _container(node: etree._Element, state: _State) -> list[tuple[RawBlock, TitleKey]]:
    """Blocks of a body, a content control or a custom XML element, in order, with the look of
    each paragraph that could be a title line."""
    blocks: list[tuple[RawBlock, TitleKey]] = []
    for child in node:
        if child.tag == f"{W}p":
            blocks.extend(_paragraph_blocks(child, state))
        elif child.tag == f"{W}tbl":
            blocks.append((_table(child, state), None))
        elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent", f"{W}ins", f"{W}moveTo"):
            blocks.extend(_container(child, state))
        elif child.tag == f"{W}altChunk":
            log.info("an embedded document (altChunk) is not read")
    return blocks


def _paragraph_blocks(p: etree._Element, state: _State) -> list[tuple[RawBlock, TitleKey]]:
    """The paragraph, then any text boxes anchored in it as boilerplate blocks of their own."""
    state.floating = []
    text = _paragraph_text(p, state)
    floating: list[tuple[RawBlock, TitleKey]] = [(RawBlock(BlockKind.paragraph, t, boilerplate=True), None)
                                                 for t in state.floating]
    state.floating = []
    if not text.strip() and p.find(f"{W}pPr/{W}rPr/{W}del") is not None:
        return floating  # a paragraph deleted with tracked changes: gone, with its number
    sid = style_id(p)
    label = _label(p, sid, state)  # an empty numbered paragraph still takes its number
    if not text.strip():
        return floating
    level = heading_level(p, sid, state.styles)
    block = RawBlock(BlockKind.heading if level else BlockKind.paragraph, label + text.strip(), level=level)
    return [(block, None if label else title_key(p, sid, state.styles))] + floating


def _paragraph_text(p: etree._Element, state: _State) -> str:
    """The visible text of a paragraph: insertions kept, deletions, field codes and hidden runs dropped."""
    out: list[str] = []
    _walk(p, state, out)
    return "".join(out)


def _walk(node: etree._Element, state: _State, out: list[str]) -> None:
    for child in node:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            continue
        if tag in FLOATING:
            _floating(child, state)
        elif tag == f"{MC}AlternateContent":
            _alternate(child, state, out)
        elif tag == f"{W}t" or tag == MATH_TEXT:
            if not (state.fields and state.fields[-1]):
                out.append(child.text or "")
        elif tag == f"{W}r":
            if not _hidden(child):
                _walk(child, state, out)
        elif tag == f"{W}fldChar":
            _field_char(child, state)
        else:
            out.append(_special(child, state))
            _walk(child, state, out)


def _special(node: etree._Element, state: _State) -> str:
    """Characters Word writes as elements: tabs, line breaks, symbols."""
    tag = node.tag
    if state.fields and state.fields[-1]:
        return ""
    if tag in (f"{W}tab", f"{W}ptab"):
        return "\t"
    if tag == f"{W}br":
        return "\n" if node.get(f"{W}type", "textWrapping") == "textWrapping" else ""
    if tag == f"{W}cr":
        return "\n"
    if tag == f"{W}noBreakHyphen":
        return "-"
    if tag == f"{W}sym":
        code = int(node.get(f"{W}char", "0"), 16) if re.fullmatch(r"[0-9A-Fa-f]{1,6}", node.get(f"{W}char", "")) else 0
        return chr(code) if code and not 0xE000 <= code <= 0xF8FF else ""  # symbol-font glyphs have no meaning
    return ""


def _field_char(node: etree._Element, state: _State) -> None:
    kind = node.get(f"{W}fldCharType")
    if kind == "begin":
        state.fields.append(True)
    elif kind == "separate" and state.fields:
        state.fields[-1] = False
    elif kind == "end" and state.fields:
        state.fields.pop()


def _hidden(run: etree._Element) -> bool:
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val", "true") not in OFF


def _alternate(node: etree._Element, state: _State, out: list[str]) -> None:
    """Word writes a shape twice, as DrawingML and as a VML fallback: read the first choice only."""
    choice = node.find(f"{MC}Choice")
    if choice is None:
        choice = node.find(f"{MC}Fallback")
    if choice is not None:
        _walk(choice, state, out)


def _floating(node: etree._Element, state: _State) -> None:
    """Text boxes, kept out of the paragraph that anchors them."""
    for box in node.iter(f"{W}txbxContent"):
        if any(a.tag == f"{MC}Fallback" for a in box.iterancestors()):
            continue
        inner = _State(styles=state.styles, counters=state.counters)
        texts = [_paragraph_text(p, inner).strip() for p in box.iter(f"{W}p")]
        text = "\n".join(t for t in texts if t)
        if text:
            state.floating.append(text)


# --- numbering and titles ----------------------------------------------------------------------

def _label(p: etree._Element, sid: str, state: _State) -> str:
    num_id, ilvl = num_pr(p.find(f"{W}pPr"))
    if num_id is None:
        for style in style_chain(sid, state.styles):
            if style.num_id is not None:
                num_id = style.num_id
                ilvl = ilvl if ilvl is not None else style.ilvl
                break
    if num_id is None or num_id == "0":
        return ""
    if ilvl is None:
        ilvl = state.counters.level_for_style(num_id, sid)
    return state.counters.label(num_id, ilvl)


def _merge_title(pairs: list[tuple[RawBlock, TitleKey]]) -> list[RawBlock]:
    """The first title set over several centred lines of one look becomes one heading of level 1."""
    out: list[RawBlock] = []
    i, done = 0, False
    while i < len(pairs):
        key = pairs[i][1]
        j = i + 1
        while not done and key is not None and j < len(pairs) and pairs[j][1] == key:
            j += 1
        lines = [block.text for block, _ in pairs[i:j]]
        if j - i > 1 and len("".join(lines)) <= TITLE_MAX and not any(TERMINAL.search(t) for t in lines):
            out.append(RawBlock(BlockKind.heading, "\n".join(lines), level=1))
            done = True
        else:
            out.extend(block for block, _ in pairs[i:j])
        i = j
    return out


# --- tables ----------------------------------------------------------------------------------

@dataclass
class _Cell:
    text: str
    span: int = 1
    vmerge: str | None = None  # "restart", "continue" or None
    hmerge: str | None = None


def _table(tbl: etree._Element, state: _State) -> RawBlock:
    """A table as a grid: merged cells filled with the text of the cell they continue, flagged."""
    width = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
    rows: list[list[str]] = []
    merged: list[list[bool]] = []
    for tr in _rows(tbl):
        before, after = (_int(tr.find(f"{W}trPr/{W}{t}")) for t in ("gridBefore", "gridAfter"))
        texts, flags = [""] * before, [False] * before
        for cell in (_cell(tc, state) for tc in _cells(tr)):
            _place(cell, texts, flags, rows, len(texts))
        rows.append(texts + [""] * after)
        merged.append(flags + [False] * after)
    width = max([width] + [len(r) for r in rows])
    rows = [r + [""] * (width - len(r)) for r in rows]
    merged = [m + [False] * (width - len(m)) for m in merged]
    return RawBlock(BlockKind.table, rows=tuple(tuple(r) for r in rows), merged=tuple(tuple(m) for m in merged))


def _place(cell: _Cell, texts: list[str], flags: list[bool], rows: list[list[str]], col: int) -> None:
    """Put one cell on its grid columns; a vertical continuation takes the text above it."""
    if cell.vmerge == "continue" and rows and col < len(rows[-1]):
        texts.append(rows[-1][col])
        flags.append(True)
    elif cell.hmerge == "continue" and texts:
        texts.append(texts[-1])
        flags.append(True)
    else:
        texts.append(cell.text)
        flags.append(False)
    for _ in range(cell.span - 1):
        texts.append(texts[-1])
        flags.append(True)


def _rows(tbl: etree._Element) -> list[etree._Element]:
    """Rows, also those wrapped in content controls or custom XML."""
    return _wrapped(tbl, f"{W}tr")


def _cells(tr: etree._Element) -> list[etree._Element]:
    return _wrapped(tr, f"{W}tc")


def _wrapped(parent: etree._Element, tag: str) -> list[etree._Element]:
    """The children of `parent` with `tag`, looking inside content controls and custom XML."""
    out = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent"):
            out.extend(_wrapped(child, tag))
    return out


def _cell(tc: etree._Element, state: _State) -> _Cell:
    tcpr = tc.find(f"{W}tcPr")
    vmerge = tcpr.find(f"{W}vMerge") if tcpr is not None else None
    hmerge = tcpr.find(f"{W}hMerge") if tcpr is not None else None
    lines: list[str] = []
    for block, _ in _container(tc, state):
        if block.kind is BlockKind.table:  # a nested table: its text flattened into the cell
            lines.extend(" ".join(c for c in row if c) for row in _unmerged(block))
        elif not block.boilerplate:
            lines.append(block.text)
    return _Cell(text="\n".join(line for line in lines if line),
                 span=max(1, _int(tcpr.find(f"{W}gridSpan")) if tcpr is not None else 1),
                 vmerge=None if vmerge is None else ("restart" if vmerge.get(f"{W}val") == "restart" else "continue"),
                 hmerge=None if hmerge is None else ("restart" if hmerge.get(f"{W}val") == "restart" else "continue"))


def _unmerged(table: RawBlock) -> list[list[str]]:
    """A nested table's rows without the copies merged cells were filled with."""
    return [[c for c, m in zip(row, flags) if not m] for row, flags in zip(table.rows, table.merged)]


def _int(node: etree._Element | None) -> int:
    value = val(node)
    return int(value) if value is not None and value.isdigit() else 0

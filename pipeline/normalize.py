"""RawDocument -> Document: NFKC, spacing, numerals as digits, logical paragraphs; offsets kept."""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .model import Block, BlockKind, Cell, Document, RawBlock, RawDocument
from .rules import Rules, alternation

# Kept through NFKC: circled numbers are list markers of their own level (NFKC makes ① a 1).
KEEP_CHARS = frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
BLOCK_SEP = "\n\n"
# Two ideographic spaces or a tab inside a line: the indent of a paragraph whose line break was lost.
INDENT_BREAK = re.compile(r"(?<=\S)[ \u00a0]*(?:\u3000{2,}|\t)[ \t\u00a0\u3000]*(?=\S)")
WRAP_SHARE = 0.85  # a line this full of its block's width was wrapped, not ended
MIN_WRAP_WIDTH = 15
MIN_JOIN_LINE = 20  # a shorter line before a page break is a heading or signature, not a wrap
EVIDENCE_SLACK = 3  # a raw span this many times its normalised length crosses something dropped between


@dataclass
class _Text:
    """A string under construction with, for each character, its offset in the raw text."""
    chars: str = ""
    index: list[int] = field(default_factory=list)

    def add(self, other: _Text) -> None:
        self.chars += other.chars
        self.index += other.index

    def add_sep(self, sep: str, at: int) -> None:
        self.chars += sep
        self.index += [at] * len(sep)


@dataclass
class _Unit:
    kind: BlockKind
    text: _Text
    page: int | None
    level: int = 0
    boilerplate: bool = False
    cells: list[Cell] = field(default_factory=list)  # spans relative to the unit's text


def normalize(raw: RawDocument, rules: Rules) -> Document:
    """Normalise every block and rebuild logical paragraphs (page breaks inside a sentence joined)."""
    numerals = _numeral_regex(rules)
    units: list[_Unit] = []
    raw_parts: list[str] = []
    offset = 0
    for block in raw.blocks:
        raw_text = _raw_of(block)
        units.extend(_units_of(block, raw_text, offset, rules, numerals))
        raw_parts.append(raw_text)
        offset += len(raw_text) + len(BLOCK_SEP)
    units = _join_page_breaks(units, rules)
    return _assemble(raw, units, BLOCK_SEP.join(raw_parts))


def to_raw(doc: Document, offset: int) -> int:
    """The raw-text offset a normalised offset came from."""
    starts = [n for n, _ in doc.offset_map]
    i = bisect.bisect_right(starts, offset) - 1
    if i < 0:
        return 0
    norm_start, raw_start = doc.offset_map[i]
    return raw_start + (offset - norm_start)


def as_written(doc: Document, start: int, end: int, rules: Rules) -> str:
    """A span of the normalised text as the notice writes it: NFKC and spacing, numerals not
    turned into digits (titles say 第二批, not 第2批)."""
    if end <= start or not doc.offset_map:
        return doc.text[start:end]
    raw = doc.raw_text[to_raw(doc, start):to_raw(doc, end - 1) + 1].replace("\n", " ")
    return _spacing(_nfkc(_cut_inline(_Text(raw, list(range(len(raw)))), rules))).chars.strip()


def as_evidence(doc: Document, start: int, end: int, rules: Rules) -> str:
    """A span of the normalised text as the notice writes it, for people to quote: its own numerals,
    full-width punctuation and spacing; only the line breaks of wrapped lines and inline boilerplate
    (page numbers inside a paragraph) go. The normalised text where the map cannot say."""
    if end <= start or not doc.offset_map:
        return doc.text[start:end]
    raw_start, raw_end = to_raw(doc, start), to_raw(doc, end - 1) + 1
    if raw_end <= raw_start or raw_end - raw_start > EVIDENCE_SLACK * (end - start):
        return doc.text[start:end]
    raw = doc.raw_text[raw_start:raw_end]
    raw = _cut_inline(_Text(raw, list(range(len(raw)))), rules).chars
    return re.sub(r"[ \t\u3000]*\n[ \t\u3000]*", _line_join, raw).strip()


def _line_join(m: re.Match[str]) -> str:
    """A wrapped line joins its next one with nothing between Chinese text, a space between words."""
    s, at = m.string, m.start()
    before, after = s[at - 1:at], s[m.end():m.end() + 1]
    return " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""


def normalize_text(text: str, rules: Rules) -> str:
    """Normalise a short string the same way as document text (for tests and the CLI)."""
    return _clean(text, 0, rules, _numeral_regex(rules)).chars


# --- per block -----------------------------------------------------------------------------

def _raw_of(block: RawBlock) -> str:
    if block.kind is BlockKind.table:
        return "\n".join("\t".join(row) for row in block.rows)
    return block.text


def _units_of(block: RawBlock, raw_text: str, offset: int, rules: Rules, numerals: re.Pattern[str]) -> list[_Unit]:
    if block.kind is BlockKind.table:
        return [_table_unit(block, offset, rules, numerals)]
    cleaned = _clean(raw_text, offset, rules, numerals, indents=block.kind is BlockKind.paragraph)
    if block.kind is BlockKind.preformatted:
        return [_Unit(BlockKind.preformatted, cleaned, block.page, boilerplate=block.boilerplate)]
    if block.kind is BlockKind.heading:
        flat = _join_lines(_split_lines(cleaned), rules, force=True)
        return [_Unit(BlockKind.heading, t, block.page, block.level, block.boilerplate) for t in flat]
    units = []
    for line in _join_lines(_split_lines(cleaned), rules):
        boiler = block.boilerplate or any(p.regex.search(line.chars) for p in rules.boilerplate.lines)
        units.append(_Unit(BlockKind.paragraph, line, block.page, boilerplate=boiler))
    return units


def _table_unit(block: RawBlock, offset: int, rules: Rules, numerals: re.Pattern[str]) -> _Unit:
    """Rows on lines, cells split by tabs; a cell's own lines are joined where they wrap."""
    out = _Text()
    cells = []
    pos = offset
    for r, row in enumerate(block.rows):
        if r:
            out.add_sep("\n", pos - 1)
        for c, cell in enumerate(row):
            if c:
                out.add_sep("\t", pos - 1)
            merged = bool(block.merged and block.merged[r][c])
            text = _Text() if merged else _flatten(_clean(cell, pos, rules, numerals), rules)
            start = len(out.chars)
            out.add(text)
            page = block.row_pages[r] if r < len(block.row_pages) else block.page
            cells.append(Cell(r, c, start, len(out.chars), merged, page, _origin(block, r, c) if merged else None))
            pos += len(cell) + 1
    return _Unit(BlockKind.table, out, block.page, boilerplate=block.boilerplate, cells=cells)


def _origin(block: RawBlock, r: int, c: int) -> tuple[int, int] | None:
    """The cell a merged cell continues: to its left in the same row (a horizontal merge) when that
    text is the same, else above it (a vertical merge)."""
    text, merged = block.rows[r][c], block.merged
    left = c - 1
    while left > 0 and merged[r][left]:
        left -= 1
    if left >= 0 and not merged[r][left] and block.rows[r][left] == text:
        return r, left
    up = r - 1
    while up > 0 and merged[up][c]:
        up -= 1
    if up >= 0 and not merged[up][c] and block.rows[up][c] == text:
        return up, c
    return None


def _flatten(text: _Text, rules: Rules) -> _Text:
    out = _Text()
    for n, line in enumerate(_join_lines(_split_lines(text), rules)):
        if n:
            out.add_sep("\n", line.index[0] if line.index else 0)
        out.add(line)
    return out


def _split_lines(text: _Text) -> list[_Text]:
    lines, start = [], 0
    for m in re.finditer("\n", text.chars):
        lines.append(_Text(text.chars[start:m.start()], text.index[start:m.start()]))
        start = m.end()
    lines.append(_Text(text.chars[start:], text.index[start:]))
    return [line for line in lines if line.chars]


def _join_lines(lines: list[_Text], rules: Rules, force: bool = False) -> list[_Text]:
    """Join lines that were wrapped at the block's width; keep lines that end a paragraph."""
    if not lines:
        return []
    width = max(len(line.chars) for line in lines)
    out = [lines[0]]
    for line in lines[1:]:
        previous = out[-1].chars
        wrapped = width >= MIN_WRAP_WIDTH and len(previous) >= WRAP_SHARE * width
        if force or (wrapped and _continues(previous, line.chars, rules)):
            out[-1] = _concat(out[-1], line)
        else:
            out.append(line)
    return out


def _continues(previous: str, following: str, rules: Rules) -> bool:
    """Whether `following` carries on the sentence `previous` left open."""
    r = rules.patterns.regexes
    if r.terminal_punct.search(previous) or r.title.search(previous) or r.file_header.match(previous):
        return False
    if any(h.regex.match(following) for h in rules.patterns.headings):
        return False
    if len(following) < MIN_JOIN_LINE and not r.terminal_punct.search(following):
        return False  # a line of its own: a signature, a label, a heading
    addressee = r.addressee.match(following)
    if r.date_line.match(following) or (addressee and r.addressee_marker.search(addressee.group("value"))):
        return False
    return not any(p.regex.search(following) for p in rules.boilerplate.lines)


def _concat(left: _Text, right: _Text) -> _Text:
    sep = " " if left.chars[-1:].isascii() and left.chars[-1:].isalnum() and right.chars[:1].isascii() \
        and right.chars[:1].isalnum() else ""
    out = _Text(left.chars, list(left.index))
    if sep:
        out.add_sep(sep, left.index[-1])
    out.add(right)
    return out


def _join_page_breaks(units: list[_Unit], rules: Rules) -> list[_Unit]:
    """A paragraph cut by a page break (年度\\n\\n考核体系) becomes one paragraph again."""
    out: list[_Unit] = []
    for unit in units:
        previous = out[-1] if out else None
        if (previous is not None and previous.kind is BlockKind.paragraph and unit.kind is BlockKind.paragraph
                and not previous.boilerplate and not unit.boilerplate
                and len(previous.text.chars) >= MIN_JOIN_LINE
                and _continues(previous.text.chars, unit.text.chars, rules)):
            previous.text = _concat(previous.text, unit.text)
        else:
            out.append(unit)
    return out


def _assemble(raw: RawDocument, units: list[_Unit], raw_text: str) -> Document:
    text = _Text()
    blocks = []
    for unit in units:
        if text.chars:
            text.add_sep("\n", unit.text.index[0] if unit.text.index else 0)
        start = len(text.chars)
        text.add(unit.text)
        cells = tuple(replace(c, char_start=start + c.char_start, char_end=start + c.char_end) for c in unit.cells)
        blocks.append(Block(unit.kind, start, len(text.chars), unit.page, unit.level, unit.boilerplate, cells))
    return Document(doc_id=raw.sha256[:16], source=raw.source, format=raw.format, text=text.chars,
                    blocks=tuple(blocks), pages=raw.pages, raw_text=raw_text, offset_map=_compress(text.index))


def _compress(index: list[int]) -> tuple[tuple[int, int], ...]:
    """Breakpoints where the normalised->raw map stops advancing one to one."""
    points: list[tuple[int, int]] = []
    for i, raw_at in enumerate(index):
        if not points or raw_at != index[i - 1] + 1:
            points.append((i, raw_at))
    return tuple(points)


# --- character level -------------------------------------------------------------------------

def _clean(raw: str, offset: int, rules: Rules, numerals: re.Pattern[str], indents: bool = False) -> _Text:
    text = _Text(raw, list(range(offset, offset + len(raw))))
    text = _cut_inline(text, rules)
    if indents:
        text = _indent_breaks(text)
    text = _nfkc(text)
    text = _spacing(text)
    return _numerals(text, rules, numerals)


def _cut_inline(text: _Text, rules: Rules) -> _Text:
    for pattern in rules.boilerplate.inline:
        spans = [m.span() for m in pattern.regex.finditer(text.chars)]
        for start, end in reversed(spans):
            text = _Text(text.chars[:start] + text.chars[end:], text.index[:start] + text.index[end:])
    return text


def _indent_breaks(text: _Text) -> _Text:
    """A paragraph's indent inside a line (text kept from a database field or a web page, whose line
    breaks were lost: …通知如下。　　一、组织机构) starts a new line."""
    spans = [m.span() for m in INDENT_BREAK.finditer(text.chars)]
    for start, end in reversed(spans):
        text = _Text(text.chars[:start] + "\n" + text.chars[end:], text.index[:start + 1] + text.index[end:])
    return text


def _nfkc(text: _Text) -> _Text:
    whole = unicodedata.normalize("NFKC", text.chars)
    if len(whole) == len(text.chars) and not KEEP_CHARS.intersection(text.chars):
        return _Text(whole, text.index)
    chars, index = [], []
    for ch, at in zip(text.chars, text.index):
        folded = _fold(ch)
        chars.append(folded)
        index.extend([at] * len(folded))
    return _Text("".join(chars), index)


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    return ch if ch in KEEP_CHARS else unicodedata.normalize("NFKC", ch)


def is_cjk(ch: str) -> bool:
    """Chinese characters and the punctuation and quotes that go with them."""
    o = ord(ch) if ch else 0
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFE30 <= o <= 0xFE4F
            or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x2027 or o >= 0x20000)


def _spacing(text: _Text) -> _Text:
    """Drop spaces next to Chinese text, trim lines, squeeze other runs of spaces to one."""
    chars: list[str] = []
    index: list[int] = []
    s = text.chars
    n = len(s)
    i = 0
    while i < n:
        ch = s[i]
        if ch in " \t\u00a0\u3000":
            j = i
            while j < n and s[j] in " \t\u00a0\u3000":
                j += 1
            before = chars[-1] if chars else "\n"
            after = s[j] if j < n else "\n"
            if not (before == "\n" or after == "\n" or is_cjk(before) or is_cjk(after)):
                chars.append(" ")
                index.append(text.index[i])
            i = j
            continue
        chars.append(ch)
        index.append(text.index[i])
        i += 1
    return _Text("".join(chars), index)


def _numeral_regex(rules: Rules) -> re.Pattern[str]:
    numerals = rules.numerals
    words = tuple(u.text for u in rules.units.entries) + numerals.before
    return _compiled_numerals(words, rules.comparators.range_separators, numerals.start, numerals.digits)


@lru_cache(maxsize=8)
def _compiled_numerals(words: tuple[str, ...], separators: tuple[str, ...], start: str, digits: str) -> re.Pattern[str]:
    """A numeral before a unit or a date word, or before the other end of a range (一至二次, 三到五个)."""
    numeral = f"[{re.escape(start)}][{re.escape(digits)}]*"
    return re.compile(f"{numeral}(?=(?:(?:{alternation(separators)}){numeral})?(?:{alternation(words)}))")


def _numerals(text: _Text, rules: Rules, numerals: re.Pattern[str]) -> _Text:
    """Chinese numerals that count or date something become digits (三次 -> 3次, 二〇二二年 -> 2022年)."""
    s = text.chars
    if not any(ch in rules.numerals.start for ch in s):
        return text
    quoted = _quoted_mask(s, rules)
    kept = _kept_mask(s, rules)
    chars, index, last = [], [], 0
    for m in numerals.finditer(s):
        start, end = m.span()
        if quoted[start] or kept[start] or (start and s[start - 1] in rules.numerals.not_after):
            continue
        value = _to_number(m.group())
        if value is None:
            continue
        chars.append(s[last:start])
        index.extend(text.index[last:start])
        chars.append(value)
        index.extend(_spread(text.index[start:end], len(value)))
        last = end
    if not chars:
        return text
    chars.append(s[last:])
    index.extend(text.index[last:])
    return _Text("".join(chars), index)


def _spread(source: list[int], length: int) -> list[int]:
    """Raw offsets for a replacement of another length: stretch the source span over it."""
    return [source[min(len(source) - 1, i * len(source) // length)] for i in range(length)]


@lru_cache(maxsize=2048)
def _to_number(numeral: str) -> str | None:
    import cn2an  # loaded on first use: it costs a tenth of a second
    try:
        value = cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return str(int(value)) if float(value).is_integer() else str(value)


def _quoted_mask(s: str, rules: Rules) -> list[bool]:
    """True for characters inside quotation or book-title marks (names, not counts)."""
    mask = [False] * len(s)
    closers = {o: c for o, c in rules.numerals.quotes}
    waiting: list[str] = []
    for i, ch in enumerate(s):
        if waiting and ch == waiting[-1]:
            waiting.pop()
        elif ch in closers:
            waiting.append(closers[ch])
        elif ch == "\n":
            waiting.clear()
        mask[i] = bool(waiting)
    return mask


def _kept_mask(s: str, rules: Rules) -> list[bool]:
    mask = [False] * len(s)
    for phrase in rules.numerals.keep:
        for m in re.finditer(re.escape(phrase), s):
            mask[m.start():m.end()] = [True] * (m.end() - m.start())
    return mask

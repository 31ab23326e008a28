"""Document -> DocMeta: title, issuer, 发文字号, issued date, addressee and 截至 date of a notice."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .model import BlockKind, DocMeta, Document, TimeKind
from .rules import Rules
from .timex import resolve

HEAD_LINES = 25  # title, 发文字号 and addressee stand in the first lines
TITLE_MIN, TITLE_MAX = 6, 100
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕"})
DATE_REF = date(2000, 1, 1)
INFERRED = {"year_inferred", "relative", "date_inferred"}


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    boilerplate: bool
    standalone: bool  # a line on its own (not one line of a dumped table cell)


def extract_metadata(doc: Document, rules: Rules) -> DocMeta:
    """Metadata as written in the notice; a field not found stays empty."""
    lines = _lines(doc)
    head = lines[:HEAD_LINES]
    r = rules.regexes
    header = _first(head, r.file_header)
    title = _title(head, rules)
    signature_at, issued_on = _signature(lines, rules)
    issuer = header or _signature_issuer(lines, signature_at, rules) or _meta(lines, r.meta_source)
    if issued_on is None:
        issued_on = _to_date(_meta(lines, r.meta_time))
    return DocMeta(title=title, issuer=issuer, doc_number=_doc_number(head, rules), issued_on=issued_on,
                   addressee=_addressee(head, title, rules), as_of=_to_date(_search(lines, r.as_of)))


def reference_date(doc: Document, meta: DocMeta, fallback: date, rules: Rules) -> tuple[date, bool]:
    """The date year-less dates are read against, and whether it is the issue date itself: the issue
    date, else the 截至 date, else the year of the title, else the first full date the notice writes,
    else `fallback` (the file's date)."""
    if meta.issued_on:
        return meta.issued_on, True
    if meta.as_of:
        return meta.as_of, False
    year = rules.regexes.title_year.search(meta.title)
    if year:
        return date(int(year.group()), 1, 1), False
    return _first_written_date(doc) or fallback, False


def _first_written_date(doc: Document) -> date | None:
    """The first date written with its year in the body (not a year alone, not counted from today)."""
    for block in doc.blocks:
        if block.boilerplate:
            continue
        for value in resolve(doc.text[block.char_start:block.char_end], DATE_REF):
            if value.kind is TimeKind.recurrence or value.kind is TimeKind.duration:
                continue
            moment = value.start or value.end
            if moment is not None and not set(value.flags) & INFERRED and not value.is_whole_year():
                return moment.date() if isinstance(moment, datetime) else moment
    return None


def _lines(doc: Document) -> list[Line]:
    out: list[Line] = []
    for block in doc.blocks:
        text = doc.text[block.char_start:block.char_end]
        if block.kind is BlockKind.preformatted:
            chunks = re.split(r"\n\s*\n", text)
            out.extend(Line(c.strip(), block.boilerplate, "\n" not in c.strip()) for c in chunks if c.strip())
        elif block.kind is not BlockKind.table:
            out.extend(Line(t, block.boilerplate, True) for t in text.split("\n") if t.strip())
    return out


def _first(lines: list[Line], pattern: re.Pattern[str]) -> str:
    for line in lines:
        m = pattern.match(line.text)
        if m and not line.boilerplate:
            return m.group("value")
    return ""


def _title(lines: list[Line], rules: Rules) -> str:
    r = rules.regexes
    for line in lines:
        text = r.title_label.sub("", line.text)
        if line.boilerplate or not line.standalone or not TITLE_MIN <= len(text) <= TITLE_MAX:
            continue
        if r.title_skip.match(text) or r.doc_number.match(text) or r.file_header.match(text):
            continue
        if r.title.search(text) and not r.terminal_punct.search(text):
            return text
    return ""


def _doc_number(lines: list[Line], rules: Rules) -> str:
    """The 发文字号 on a line of its own near the top (a number quoted in the body is not it)."""
    value = _first(lines, rules.regexes.doc_number)
    if not value:
        return ""
    m = re.search(r"[〔\[【(]\d{4}[〕\]】)]", value)
    return value[:m.start()] + m.group().translate(BRACKETS) + value[m.end():] if m else value


def _addressee(lines: list[Line], title: str, rules: Rules) -> str:
    r = rules.regexes
    seen_title = not title
    for line in lines:
        seen_title = seen_title or line.text == title
        m = r.addressee.match(line.text)
        if seen_title and m and not line.boilerplate and r.addressee_marker.search(m.group("value")):
            return m.group("value")
    return ""


def _signature(lines: list[Line], rules: Rules) -> tuple[int, date | None]:
    """The last date line of the notice (the signature), else its 印发 line."""
    r = rules.regexes
    for pattern in (r.date_line, r.printed_line):
        for i in range(len(lines) - 1, -1, -1):
            m = pattern.match(lines[i].text)
            if m and not lines[i].boilerplate:
                return i, _to_date(m.group("value"))
    return -1, None


def _signature_issuer(lines: list[Line], at: int, rules: Rules) -> str:
    """The unit signed right above the signature date."""
    if at < 1:
        return ""
    text = lines[at - 1].text
    if len(text) > 40 or rules.regexes.terminal_punct.search(text):
        return ""
    return text if any(text.endswith(h) for h in rules.org_heads) else ""


def _meta(lines: list[Line], pattern: re.Pattern[str]) -> str:
    for line in lines[:HEAD_LINES]:
        m = pattern.search(line.text)
        if m:
            return m.group("value")
    return ""


def _search(lines: list[Line], pattern: re.Pattern[str]) -> str:
    for line in lines:
        m = pattern.search(line.text)
        if m:
            return m.group("value")
    return ""


def _to_date(text: str) -> date | None:
    if not text:
        return None
    for value in resolve(text, DATE_REF):
        if value.kind in (TimeKind.date, TimeKind.datetime) and value.start is not None:
            return value.start.date() if isinstance(value.start, datetime) else value.start
    return None

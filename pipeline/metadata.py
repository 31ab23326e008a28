"""Document -> DocMeta: title, issuer, 发文字号, issued date, addressee and 截至 date of a notice."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import pairwise

from .model import BlockKind, DocMeta, Document, TimeKind
from .normalize import as_written
from .rules import Rules
from .timex import resolve

HEAD_LINES = 25  # title, 发文字号 and addressee stand in the first lines
SIGNER_MAX_LINES = 7  # units that may sign one notice together, and a bracketed note
ATTACHMENT_LINES = 20  # the list of attachments under a signature is shorter than this
ATTACHMENT_LIST = 4  # lines of a list of attachments (附件:1.… 2.…) that may stand above a signature
SIGNER_MAX = 40
TITLE_MIN, TITLE_MAX = 6, 100
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕"})
DATE_REF = date(2000, 1, 1)
SIGNER_NOTE = re.compile(r"\([^()]{2,30}\)")  # (电子信息工程学院), (潍坊市大数据局代章) under a signer
INFERRED = {"year_inferred", "relative", "date_inferred"}
MAY_HOLD_YEAR = re.compile(r"年|\d{4}")
DATE_PIECE = 2000  # characters read at a time for the first full date (a paragraph is shorter)


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    boilerplate: bool
    standalone: bool  # a line on its own (not one line of a dumped table cell)
    start: int = 0  # its span in the normalised text
    end: int = 0
    heading: int = 0  # heading level the format gave it (0: not a heading)
    dump: bool = False  # one of the cells of a table dumped cell by cell


def extract_metadata(doc: Document, rules: Rules) -> DocMeta:
    """Metadata as written in the notice; a field not found stays empty."""
    lines = _split_head(_lines(doc), rules)
    head = _join_broken_title(lines[:HEAD_LINES], rules)
    r = rules.patterns.regexes
    header = _header_issuer(head, rules)
    title_line = _title(head, rules)
    title = as_written(doc, title_line.start, title_line.end, rules) if title_line else ""
    title = r.title_label.sub("", title)
    lead = r.doc_number_lead.match(title)
    title = title[lead.end():] if lead else title
    signature_at, issued_on, signer = _signature(lines, rules)
    issuer = header or signer or _signature_issuer(doc, lines, signature_at, rules) or _meta(lines, r.meta_source) \
        or _title_issuer(title, rules) or (_top_issuer(doc, head, title_line, rules) if title_line else "")
    if issued_on is None:
        issued_on = _to_date(_meta(lines, r.meta_time))
    return DocMeta(title=title, issuer=issuer, doc_number=_doc_number(head, rules), issued_on=issued_on,
                   addressee=_addressee(doc, head, title_line, rules), as_of=_to_date(_search(lines, r.as_of)),
                   title_span=(title_line.start, title_line.end) if title_line else (0, 0))


def reference_date(doc: Document, meta: DocMeta, fallback: date, rules: Rules) -> tuple[date, bool]:
    """The date year-less dates are read against, and whether it is the issue date itself: the issue
    date, else the 截至 date, else the year of the title, else the first full date the notice writes,
    else `fallback` (the file's date)."""
    if meta.issued_on:
        return meta.issued_on, True
    if meta.as_of:
        return meta.as_of, False
    year = rules.patterns.regexes.title_year.search(meta.title)
    if year:
        return date(int(year.group()), 1, 1), False
    return _first_written_date(doc) or fallback, False


def _first_written_date(doc: Document) -> date | None:
    """The first date written with its year in the body (not counted from today); a year alone (2012年,政治处…)
    only when the body writes no full date."""
    first_year: date | None = None
    pieces = (piece for block in doc.blocks if not block.boilerplate
              for piece in _pieces(doc.text[block.char_start:block.char_end]))
    for piece in pieces:  # read piece by piece: the first full date is often in the first lines
        if not MAY_HOLD_YEAR.search(piece):  # a full date writes 年 or four digits (2017-06-30)
            continue
        for value in resolve(piece, DATE_REF):
            if value.kind is TimeKind.recurrence or value.kind is TimeKind.duration:
                continue
            moment = value.start or value.end
            if moment is None or set(value.flags) & INFERRED:
                continue
            day = moment.date() if isinstance(moment, datetime) else moment
            if not value.is_whole_year():
                return day
            first_year = first_year or day
    return first_year


def _pieces(text: str, size: int = DATE_PIECE) -> Iterator[str]:
    """`text` in pieces of about `size` characters, each cut after a stop or a line break where it has one."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind(stop, start, end) for stop in "。;!?\n")
            end = cut + 1 if cut > start else end
        yield text[start:end]
        start = end


def _lines(doc: Document) -> list[Line]:
    out: list[Line] = []
    for block in doc.blocks:
        if block.kind is BlockKind.table:
            continue
        level = block.level if block.kind is BlockKind.heading else 0
        pattern = r"\n\s*\n" if block.kind is BlockKind.preformatted else r"\n"
        at = block.char_start
        for piece in re.split(f"({pattern})", doc.text[block.char_start:block.char_end]):
            stripped = piece.strip()
            if stripped and not re.fullmatch(pattern, piece):
                start = at + piece.index(stripped)
                out.append(Line(stripped, block.boilerplate, "\n" not in stripped, start, start + len(stripped), level,
                                block.kind is BlockKind.preformatted))
            at += len(piece)
    return out


def _split_head(lines: list[Line], rules: Rules) -> list[Line]:
    """Head lines that PDF text ran together (letterhead, title and labelled fields on one line) taken apart."""
    out: list[Line] = []
    for i, line in enumerate(lines):
        out.extend(_head_pieces(line, rules) if i < HEAD_LINES else [line])
    return out


def _head_pieces(line: Line, rules: Rules) -> list[Line]:
    """…组织类文件 | 提升8月9日路网保驾等级 | 编号:ST/SC-YG-305-2019 | 签发人:… out of one line; a sentence stays whole."""
    r = rules.patterns.regexes
    if line.boilerplate or not line.standalone or r.sentence_end.search(line.text):
        return [line]
    cuts = {m.start() for m in r.head_field.finditer(line.text) if m.start() > 0}
    header = r.file_header_lead.match(line.text)
    if header and _is_letterhead(header.group("value"), rules):
        cuts.add(header.end())
    if not cuts:
        return [line]
    bounds = [0, *sorted(cuts), len(line.text)]
    pieces = []
    for a, b in pairwise(bounds):
        text = line.text[a:b]
        if text.strip():
            start = line.start + a + len(text) - len(text.lstrip())
            pieces.append(replace(line, text=text.strip(), start=start, end=start + len(text.strip())))
    return pieces


def _is_letterhead(header: str, rules: Rules) -> bool:
    """…大学文件, …委员会文件, …组织类文件: a unit's or a document class's letterhead."""
    name = header.removesuffix("文件")
    return _is_unit_line(name, rules) or bool(rules.patterns.regexes.document_class.search(name))


def _header_issuer(lines: list[Line], rules: Rules) -> str:
    """The unit of a letterhead (…大学文件); a letterhead naming a class of documents names no issuer."""
    header = _first(lines, rules.patterns.regexes.file_header)
    return "" if rules.patterns.regexes.document_class.search(header) else header


def _join_broken_title(lines: list[Line], rules: Rules) -> list[Line]:
    """A heading broken before its genre word (…大赛(邀请赛) ⏎ 章程) is one title again."""
    r = rules.patterns.regexes
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and prev.heading and len(line.text) < TITLE_MIN and not (prev.boilerplate or line.boilerplate) \
                and r.title.search(prev.text + line.text) and not r.title.search(prev.text) \
                and not (r.terminal_punct.search(prev.text) or _is_head_field(prev, rules) or _is_unit_line(prev.text, rules)):
            out[-1] = replace(prev, text=prev.text + line.text, end=line.end)
        else:
            out.append(line)
    return out


def _is_head_field(line: Line, rules: Rules) -> bool:
    r = rules.patterns.regexes
    return bool(r.file_header.match(line.text) or r.doc_number.match(line.text) or r.head_field.match(line.text))


def _first(lines: list[Line], pattern: re.Pattern[str]) -> str:
    for line in lines:
        m = pattern.match(line.text)
        if m and not line.boilerplate:
            return m.group("value")
    return ""


def _title(lines: list[Line], rules: Rules) -> Line | None:
    """The first line that reads as a title (…的通知, …方案); else the first top-level heading; else a
    first line that stands alone above the text (…注意事项, …报名表)."""
    r = rules.patterns.regexes
    candidates = [line for line in lines if _may_be_title(line, rules)]
    titled = next((line for line in candidates if r.title.search(r.title_label.sub("", line.text))), None)
    opening = [line for line in lines if not line.boilerplate and not r.title_skip.match(line.text)
               and not _is_head_field(line, rules)]
    first = next((line for line in opening[:1] if line in candidates), None)
    return titled or next((line for line in candidates if line.heading == 1), None) or first


def _may_be_title(line: Line, rules: Rules) -> bool:
    r = rules.patterns.regexes
    text = r.title_label.sub("", line.text)
    return (not line.boilerplate and line.standalone and TITLE_MIN <= len(text) <= TITLE_MAX
            and not (r.title_skip.match(text) or _is_head_field(line, rules))
            and not r.terminal_punct.search(text)
            # 二、征求意见 is a section, not the title
            and not any(h.regex.match(text) for h in rules.patterns.headings))


def _doc_number(lines: list[Line], rules: Rules) -> str:
    """The 发文字号 on a line of its own near the top (a number quoted in the body is not it), or run into
    the title line before its 关于."""
    r = rules.patterns.regexes
    value = _first(lines, r.doc_number) or _first(lines, r.doc_number_lead) or _first(lines, r.doc_number_label)
    if not value:
        return ""
    m = re.search(r"[〔\[【(]\d{4}[〕\]】)]", value)
    return value[:m.start()] + m.group().translate(BRACKETS) + value[m.end():] if m else value


def _addressee(doc: Document, lines: list[Line], title: Line | None, rules: Rules) -> str:
    r = rules.patterns.regexes
    seen_title = title is None
    for line in lines:
        seen_title = seen_title or line == title
        m = r.addressee.match(line.text)
        if seen_title and m and not line.boilerplate and r.addressee_marker.search(m.group("value")) \
                and not r.label_line.match(m.group("value")):
            return as_written(doc, line.start, line.start + len(m.group("value")), rules)
    return ""


def _signature(lines: list[Line], rules: Rules) -> tuple[int, date | None, str]:
    """The last date line of the notice (the signature), else its 印发 line, else a signature run on after the
    last sentence, else the unit that made a form (…制); and the unit signed on the same line, if any."""
    r = rules.patterns.regexes
    for pattern in (r.date_line, r.printed_line, r.signature_tail, r.maker_line):
        for i in range(len(lines) - 1, -1, -1):
            m = pattern.match(lines[i].text)
            if m and not lines[i].boilerplate:
                signer = m.groupdict().get("signer") or ""
                if pattern is r.maker_line and not _is_unit_line(signer, rules):
                    continue
                return i, _to_date(m.group("value") or ""), signer
    return -1, None, ""


def _signature_issuer(doc: Document, lines: list[Line], at: int, rules: Rules) -> str:
    """The units signed right above the signature date (several when a notice is issued jointly; a line
    in brackets under one, (电子信息工程学院) or (潍坊市大数据局代章), goes with it). A notice signed with no
    date is signed above its list of attachments. A signer named with its role (承办:…) is the last one."""
    if at < 0:
        at = _before_attachments(lines, rules)
    units: list[str] = []
    note = ""
    for line in reversed(lines[max(0, at - SIGNER_MAX_LINES):max(0, at)]):
        text = line.text
        if not units and not note and SIGNER_NOTE.fullmatch(text):
            note = as_written(doc, line.start, line.end, rules)
            continue
        label = rules.patterns.regexes.signer_label.match(text)
        skip = label.end() if label else 0
        if not _is_signer(text[skip:], rules):
            run_in = "" if units or note else _run_in_signer(doc, line, rules)
            if run_in:
                units.insert(0, run_in)
            break
        units.insert(0, as_written(doc, line.start + skip, line.end, rules) + note)
        note = ""
        if label:
            break
    return "、".join(units)


def _is_signer(text: str, rules: Rules) -> bool:
    name = SIGNER_NOTE.sub("", text)
    return len(text) <= SIGNER_MAX and not rules.patterns.regexes.terminal_punct.search(text) \
        and not any(h.regex.match(text) for h in rules.patterns.headings) \
        and any(name.endswith(h) for h in rules.organizations.heads)


def _run_in_signer(doc: Document, line: Line, rules: Rules) -> str:
    """A signer that PDF text ran into the last item of the list of attachments above the date
    (5.…防汛防台工作计划上海…指挥中心): the unit after the item's closing word."""
    r = rules.patterns.regexes
    if not (r.title_label.match(line.text) or any(h.regex.match(line.text) for h in rules.patterns.headings)):
        return ""
    for m in r.attachment_end.finditer(line.text):
        name = line.text[m.end():]
        if re.fullmatch(r"[\u4e00-\u9fff()]+", name) and _is_signer(name, rules):
            return as_written(doc, line.start + m.end(), line.end, rules)
    return ""


def _before_attachments(lines: list[Line], rules: Rules) -> int:
    """Where a notice signed with no date is signed: the last unit line standing at the end (a line of
    co-signers may follow it) or right above an attachment (附件1:…); -1 when none."""
    r = rules.patterns.regexes
    body = [i for i, line in enumerate(lines) if not line.boilerplate and not line.dump][-ATTACHMENT_LINES:]
    for k in range(len(body) - 1, -1, -1):
        text = lines[body[k]].text
        after = lines[body[k + 1]].text if k + 1 < len(body) else None
        closing = after is None or bool(r.title_skip.match(after) or r.title_label.match(after)) or (
            k + 2 == len(body) and not r.terminal_punct.search(after) and len(after) <= SIGNER_MAX)
        if closing and _is_unit_line(text, rules) and _after_a_sentence(lines, body[:k], rules):
            return body[k] + 1
    return -1


def _after_a_sentence(lines: list[Line], before: list[int], rules: Rules) -> bool:
    """A signature follows the last sentence of the text (…组成;), or a paragraph with sentences in it
    (…不得缺席!会议地点:…), not the cells of a table dump."""
    earlier = [lines[i].text for i in before if not _is_unit_line(lines[i].text, rules)]
    r = rules.patterns.regexes
    return bool(earlier) and bool(r.terminal_punct.search(earlier[-1]) or r.sentence_end.search(earlier[-1])
                                  or r.title_label.match(earlier[-1])
                                  or any(r.title_label.match(t) for t in earlier[-ATTACHMENT_LIST:]))


def _is_unit_line(text: str, rules: Rules) -> bool:
    return bool(SIGNER_NOTE.fullmatch(text)) or (
        len(text) <= SIGNER_MAX and any(text.endswith(h) for h in rules.organizations.heads)
        and not rules.patterns.regexes.terminal_punct.search(text))


def _top_issuer(doc: Document, lines: list[Line], title: Line | None, rules: Rules) -> str:
    """A unit named alone above the title (广东省国基教育发展研究院 ⏎ …方案): the notice's letterhead; else
    one named alone right below it (关于…的通知 ⏎ IT平台服务部)."""
    below = False
    for line in lines[:HEAD_LINES]:
        if below or line != title:
            if _is_letterhead_unit(line, rules):
                return as_written(doc, line.start, line.end, rules)
            if below:
                break
        below = line == title
    return ""


def _is_letterhead_unit(line: Line, rules: Rules) -> bool:
    return not (line.boilerplate or line.dump) and line.standalone and _is_unit_line(line.text, rules) \
        and not SIGNER_NOTE.fullmatch(line.text)


def _title_issuer(title: str, rules: Rules) -> str:
    """The unit a title opens with: 国务院办公厅关于…, 计算机学院(电子信息工程学院)2018届…通知."""
    m = rules.patterns.regexes.title_issuer.match(title)
    if m and any(SIGNER_NOTE.sub("", m.group("value")).endswith(h) for h in rules.organizations.heads):
        return m.group("value")
    return ""


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

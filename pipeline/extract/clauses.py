"""Clauses -> the clauses rows are read from: signature lines left out, a date standing alone as a list item's
label (1、2018年5月3日 ⏎ 在行政办510房间发放档案袋) joined to the action under it."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime

from ..model import Clause, Document, TimeKind
from ..rules import Rules
from ..timex import resolve

LABEL_KINDS = (TimeKind.deadline, TimeKind.date, TimeKind.datetime, TimeKind.range)
LABEL_MAX = 30  # characters: a longer clause says more than its date
LABEL_REST = 2  # characters besides the date (前, :) that a label may hold
LABEL_GAP = 2  # characters between a label and its action (a line break, a colon)
BRACKETED = re.compile(r"\([^()]{1,8}\)")  # (15周周四) after a date says the same day again


def reading_clauses(clauses: list[Clause], doc: Document, ref: date, rules: Rules) -> Iterator[Clause]:
    """The clauses in reading order, each date label joined to the clause that follows it."""
    label: Clause | None = None
    r = rules.patterns.regexes
    for clause in clauses:
        if r.signature_date.match(clause.text) or r.date_line.match(clause.text) \
                or r.printed_line.match(clause.text):
            continue
        if label is not None:
            joined = _joined(label, clause, doc)
            label = None
            if joined is not None:
                yield joined
                continue
        if is_date_label(clause.text, ref, rules):
            label = clause
            continue
        yield clause
    if label is not None:
        yield label


def is_date_label(text: str, ref: date, rules: Rules) -> bool:
    """A clause that is a date and nothing else, but for a list marker, 前 and a bracketed weekday."""
    if len(text) > LABEL_MAX:
        return False
    body = text
    for heading in rules.patterns.headings:
        m = heading.regex.match(body)
        if m:
            body = body[m.end():]
            break
    values = [v for v in resolve(body, ref, rules.time) if v.kind in LABEL_KINDS]
    if not values or any(isinstance(v.start, datetime) or isinstance(v.end, datetime) for v in values):
        return False  # a session of a programme (6月27日8:45-9:30 施迅) is no label of a duty
    rest = body
    for v in sorted(values, key=lambda v: -v.char_start):
        rest = rest[:v.char_start] + rest[v.char_end:]
    rest = BRACKETED.sub("", rest).strip(" :,;。.、")
    return len(rest) <= LABEL_REST


def _joined(label: Clause, clause: Clause, doc: Document) -> Clause | None:
    """The label and the clause under it as one clause, when nothing stands between them."""
    if clause.char_start - label.char_end > LABEL_GAP or clause.in_table or label.in_table:
        return None
    start, end = label.char_start, clause.char_end
    return Clause(text=doc.text[start:end], char_start=start, char_end=end, section=clause.section,
                  page=label.page, block_index=clause.block_index, parts=label.parts + clause.parts,
                  in_table=clause.in_table, boilerplate=clause.boilerplate)

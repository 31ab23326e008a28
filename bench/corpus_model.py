"""The records of the synthetic corpus: a notice as blocks (headings, paragraphs, tables) plus its gold facts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

Fact = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Table:
    """A ruled table. `merge_col` is a column whose equal neighbouring cells are one merged cell."""

    header: list[str]
    rows: list[list[str]]
    widths_cm: list[float]
    merge_col: int | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """`kind`: h1 (一、), h2 (（一）), h3 (1.), p, table. Heading texts carry their number as typed."""

    kind: str
    text: str = ""
    table: Table | None = None


@dataclass(frozen=True, slots=True)
class Site:
    """The web site around an HTML notice."""

    name: str
    email: str
    column: str
    sidebar: list[tuple[str, str]]
    style: int
    source: str                  # the meta line's 来源: the issuer, or its short name
    publisher: str               # the meta line's 发布人
    address: str


@dataclass
class Notice:
    doc_id: str
    fmt: str                     # pdf, docx, html, txt
    genre: str                   # notice, plan, points, progress
    title: str
    issuer: str | None
    issued_on: dt.date | None
    doc_number: str | None       # as written (brackets may be [] or 〔〕)
    red_header: bool
    addressee: str | None
    blocks: list[Block] = field(default_factory=list)
    appendix: list[Block] = field(default_factory=list)   # after the signature, on a new page
    facts: list[Fact] = field(default_factory=list)
    as_of: dt.date | None = None
    landscape: bool = False
    pages_planned: int = 1
    encoding: str = "utf-8"
    site: Site | None = None
    print_line: bool = False     # the 版记 line "… 2024年3月1日印发"
    running_header: str = ""
    date_text: str = ""          # the signature date as written
    layout: str = "text"         # gongwen (红头 公文, 三号 on a 28 pt grid), plain12, plain14, text

    @property
    def has_tables(self) -> bool:
        return any(b.kind == "table" for b in self.blocks + self.appendix)

    def doc_fact(self) -> Fact:
        fact: Fact = {"type": "doc", "doc": self.doc_id, "title": self.title}
        if self.issuer:
            fact["issuer"] = self.issuer
        fact["issued_on"] = self.issued_on.isoformat() if self.issued_on else None
        if self.genre != "progress":
            fact["doc_number"] = normalise_number(self.doc_number) if self.doc_number else None
        if self.addressee:
            fact["addressee"] = self.addressee
        if self.as_of:
            fact["as_of"] = self.as_of.isoformat()
        return fact


def normalise_number(number: str) -> str:
    return number.replace("[", "〔").replace("]", "〕")

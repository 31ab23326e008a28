"""Document + metadata -> DocType: a notice of some genre, a progress table, a blank form, or not a notice."""
from __future__ import annotations

import re
from pathlib import PurePath

from .model import BlockKind, DocMeta, DocType, Document
from .rule_groups import Pattern
from .rules import Rules

# (试行), (2024年), [预审前], 【第二批】 after a title's genre word
TRAILING_NOTE = re.compile(r"(\([^()]{1,20}\)|\[[^\[\]]{1,20}\]|【[^【】]{1,20}】)$")
FORM_EMPTY_SHARE = 0.3  # a table with this share of empty cells is there to be filled in
FORM_MIN_CELLS = 6
FORM_MAX_PROSE = 400  # a form's prose is its instructions; a notice says more
LIST_MIN_LINES = 6
LIST_SHARE = 0.6
README_MIN_CUES = 2
MIN_PLACEHOLDERS = 3  # lines of XXX or 此处输入: a template to fill in


def classify(doc: Document, meta: DocMeta, has_progress: bool, rules: Rules) -> DocType:
    """The genre the title names, else what the body shows; a notice (通知) when nothing tells."""
    dt = rules.doc_types
    lines = _body_lines(doc)
    if _count(lines, dt.readme) >= README_MIN_CUES:
        return DocType.other
    if _count([PurePath(doc.source).stem], dt.template_names):
        return DocType.form
    title = TRAILING_NOTE.sub("", meta.title.strip())
    genre = next((DocType(g.value) for g in dt.genres if g.regex.search(title)), None)
    if genre is DocType.progress or (genre is None and has_progress):
        return DocType.progress
    if genre is not None:
        return genre
    if has_progress:
        return DocType.progress
    if _is_form(doc, lines, meta.title, rules) or _count(lines, dt.placeholders) >= MIN_PLACEHOLDERS:
        return DocType.form
    if _count(lines, dt.news) >= 1 or _is_link_list(_body_lines(doc, furniture=True), rules):
        return DocType.other
    return DocType.notice


def _body_lines(doc: Document, furniture: bool = False) -> list[str]:
    """The lines of the text, page furniture too where asked."""
    out: list[str] = []
    for block in doc.blocks:
        if block.boilerplate and not furniture:
            continue
        out.extend(line.strip() for line in doc.text[block.char_start:block.char_end].split("\n") if line.strip())
    return out


def _count(lines: list[str], patterns: tuple[Pattern, ...]) -> int:
    return sum(1 for line in lines if any(p.regex.search(line) for p in patterns))


def _is_form(doc: Document, lines: list[str], title: str, rules: Rules) -> bool:
    """A form's title over cells or blanks to fill in, with little prose around them."""
    dt = rules.doc_types
    named = title or next(iter(lines), "")
    if not any(p.regex.search(named) for p in dt.form_titles):
        return False
    cells = [c for b in doc.blocks if b.kind is BlockKind.table for c in b.cells if not c.merged]
    empty = sum(1 for c in cells if not doc.text[c.char_start:c.char_end].strip())
    blank_table = len(cells) >= FORM_MIN_CELLS and empty >= FORM_EMPTY_SHARE * len(cells)
    prose = sum(len(doc.text[b.char_start:b.char_end]) for b in doc.blocks
                if b.kind is BlockKind.paragraph and not b.boilerplate)
    return (blank_table or _count(lines, dt.form_blanks) >= 3) and prose <= FORM_MAX_PROSE


def _is_link_list(lines: list[str], rules: Rules) -> bool:
    """Most lines are titles of other notices (a 通知公告 page saved as it was)."""
    if len(lines) < LIST_MIN_LINES:
        return False
    return _count(lines, rules.doc_types.link_list) >= LIST_SHARE * len(lines)

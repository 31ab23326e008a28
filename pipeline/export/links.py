"""Documents -> the links between them: renditions of one notice (same 发文字号, or the same title and
nearly the same text) and notices that supplement, correct or postpone an earlier one."""
from __future__ import annotations

import re
from dataclasses import replace

from ..dataset import Link, Snapshot
from ..model import DocumentRecord, Status
from ..rules import Rules

SIMILAR = 0.8  # share of the text's character 4-grams two renditions of one notice have in common
SHINGLE = 4
NOT_TEXT = re.compile(r"[\W_]+")


def link_documents(snapshot: Snapshot, rules: Rules) -> dict[str, Link]:
    """Each document's link by source: `same_as` (the doc_id of the first rendition of the same notice),
    `relates_to` and `relation` (the notice a 补充通知, 更正 or 延期 notice amends)."""
    live = sorted((d for d in snapshot.documents if _is_live(d, snapshot)), key=lambda d: d.source)
    links = {d.source: Link() for d in snapshot.documents}
    shingles: dict[str, set[str]] = {}
    firsts: list[DocumentRecord] = []
    by_key: dict[tuple[str, str], list[DocumentRecord]] = {}  # first renditions by 发文字号 and by title
    for d in live:
        candidates = by_key.get(("number", d.doc_number), []) if d.doc_number else []
        candidates = candidates + by_key.get(("title", d.title), [])
        first = next((f for f in candidates if _same_notice(f, d, snapshot.texts, shingles)), None)
        if first is None:
            firsts.append(d)
            for key in (("number", d.doc_number), ("title", d.title)):
                if key[1]:
                    by_key.setdefault(key, []).append(d)
        else:
            links[d.source] = Link(same_as=first.doc_id)
    for d in live:
        links[d.source] = _relate(d, links[d.source], firsts, rules)
    return links


def _is_live(d: DocumentRecord, snapshot: Snapshot) -> bool:
    marks = snapshot.file_marks(d.source)
    return d.status is Status.ok and not marks.withdrawn and not marks.duplicate_of


def _same_notice(a: DocumentRecord, b: DocumentRecord, texts: dict[str, str], shingles: dict[str, set[str]]) -> bool:
    if a.doc_number and a.doc_number == b.doc_number:
        return True
    if not a.title or a.title != b.title:
        return False
    first, second = (_shingles(d.source, texts, shingles) for d in (a, b))
    return bool(first and second) and len(first & second) / len(first | second) >= SIMILAR


def _shingles(source: str, texts: dict[str, str], cache: dict[str, set[str]]) -> set[str]:
    if source not in cache:
        text = NOT_TEXT.sub("", texts.get(source, ""))
        cache[source] = {text[i:i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1))}
    return cache[source]


def _relate(d: DocumentRecord, link: Link, notices: list[DocumentRecord], rules: Rules) -> Link:
    """`link` with the notice `d` amends, when its title says it amends one and the rest of the title names it."""
    for pattern in rules.patterns.relations:
        match = pattern.regex.search(d.title)
        if not match:
            continue
        core = _core(d.title[:match.start()] + d.title[match.end():], rules)
        earlier = [n for n in notices if n.doc_id not in (d.doc_id, link.same_as)
                   and not pattern.regex.search(n.title) and core and core in _core(n.title, rules)]
        if earlier:
            return replace(link, relates_to=earlier[0].doc_id, relation=pattern.value)
    return link


def _core(title: str, rules: Rules) -> str:
    return NOT_TEXT.sub("", rules.patterns.title_frame.sub("", title))

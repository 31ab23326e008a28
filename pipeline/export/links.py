"""Documents -> the links between them: renditions of one notice (same 发文字号, or the same title and
nearly the same text) and notices that supplement, correct or postpone an earlier one."""
from __future__ import annotations

import re

from ..dataset import Row
from ..rules import Rules

SIMILAR = 0.8  # share of the text's character 4-grams two renditions of one notice have in common
SHINGLE = 4
NOT_TEXT = re.compile(r"[\W_]+")


def link_documents(documents: list[Row], texts: dict[str, str], rules: Rules) -> None:
    """Fill `same_as` (the doc_id of the first rendition of the same notice) and `relates_to` and
    `relation` (the notice a 补充通知, 更正 or 延期 notice amends) in place."""
    live = sorted((d for d in documents if _is_live(d)), key=lambda d: str(d.get("source")))
    for d in documents:
        d.setdefault("same_as", "")
        d.setdefault("relates_to", "")
        d.setdefault("relation", "")
    shingles: dict[str, set[str]] = {}
    firsts: list[Row] = []
    by_key: dict[tuple[str, str], list[Row]] = {}  # first renditions by 发文字号 and by title
    for d in live:
        candidates = by_key.get(("number", str(d.get("doc_number") or "")), []) if d.get("doc_number") else []
        candidates = candidates + by_key.get(("title", str(d.get("title") or "")), [])
        first = next((f for f in candidates if _same_notice(f, d, texts, shingles)), None)
        if first is None:
            firsts.append(d)
            for key in (("number", str(d.get("doc_number") or "")), ("title", str(d.get("title") or ""))):
                if key[1]:
                    by_key.setdefault(key, []).append(d)
        else:
            d["same_as"] = first["doc_id"]
    for d in live:
        _relate(d, firsts, rules)


def _is_live(d: Row) -> bool:
    return d.get("status") == "ok" and not d.get("withdrawn") and not d.get("duplicate_of")


def _same_notice(a: Row, b: Row, texts: dict[str, str], shingles: dict[str, set[str]]) -> bool:
    if a.get("doc_number") and a.get("doc_number") == b.get("doc_number"):
        return True
    if not a.get("title") or a.get("title") != b.get("title"):
        return False
    first, second = (_shingles(str(d["source"]), texts, shingles) for d in (a, b))
    return bool(first and second) and len(first & second) / len(first | second) >= SIMILAR


def _shingles(source: str, texts: dict[str, str], cache: dict[str, set[str]]) -> set[str]:
    if source not in cache:
        text = NOT_TEXT.sub("", texts.get(source, ""))
        cache[source] = {text[i:i + SHINGLE] for i in range(max(0, len(text) - SHINGLE + 1))}
    return cache[source]


def _relate(d: Row, notices: list[Row], rules: Rules) -> None:
    title = str(d.get("title") or "")
    for pattern in rules.relations:
        match = pattern.regex.search(title)
        if not match:
            continue
        core = _core(title[:match.start()] + title[match.end():], rules)
        earlier = [n for n in notices if n["doc_id"] not in (d["doc_id"], d.get("same_as"))
                   and not pattern.regex.search(str(n.get("title") or ""))
                   and core and core in _core(str(n.get("title") or ""), rules)]
        if earlier:
            d["relates_to"], d["relation"] = earlier[0]["doc_id"], pattern.value
            return


def _core(title: str, rules: Rules) -> str:
    return NOT_TEXT.sub("", rules.title_frame.sub("", title))

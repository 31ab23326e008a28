"""Notices that amend an earlier one (links.py: a 补充通知, 更正 or 延期 notice): a new date they give moves
the obligation it amends, which keeps its key and its marks, shows the new date, the old one (原定日期) and
both notices; the amending notice's own row of it is not listed twice."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..dataset import Snapshot
from ..model import Requirement

AMENDED = "amended"  # the flag of a row whose date a later notice moved
SHINGLE = 2
SIMILAR = 0.15  # share of character pairs an amending sentence shares with the duty it moves


@dataclass(frozen=True, slots=True)
class Amendment:
    """A duty of an earlier notice moved by a later one: the later notice's row that moves it."""
    by: Requirement
    notice: str  # the amending notice's title
    was: date  # the date it had


def amend(snapshot: Snapshot, requirements: list[Requirement]) -> tuple[list[Requirement], dict[str, Amendment]]:
    """`requirements` with every duty a later notice moved at its new date (flag AMENDED), without the later
    notice's rows that moved one; and the amendments by the moved duty's req_id."""
    titles = {d.doc_id: d.title or d.source for d in snapshot.documents}
    amending = {d.doc_id: snapshot.link(d.source).relates_to for d in snapshot.documents
                if snapshot.link(d.source).relates_to}
    by_doc: dict[str, list[Requirement]] = {}
    for r in requirements:
        by_doc.setdefault(r.doc_id, []).append(r)
    moved: dict[str, Amendment] = {}
    used: set[str] = set()
    for later, earlier in amending.items():
        duties = [r for r in by_doc.get(earlier, []) if r.due_date is not None and not r.recurrence]
        for row in (r for r in by_doc.get(later, []) if r.due_date is not None):
            target = _amended(row, [d for d in duties if d.req_id not in moved])
            if target is not None:
                moved[target.req_id] = Amendment(row, titles.get(later, ""), target.due_date)  # type: ignore[arg-type]
                used.add(row.req_id)
    out = []
    for r in requirements:
        if r.req_id in used:
            continue
        change = moved.get(r.req_id)
        if change is not None:
            r = replace(r, due_date=change.by.due_date, due_time=change.by.due_time or r.due_time,
                        flags=(*r.flags, AMENDED))
        out.append(r)
    return out, moved


def _amended(row: Requirement, duties: list[Requirement]) -> Requirement | None:
    """The duty `row` moves: the one whose sentence it shares most with, or the only dated one there is."""
    if len(duties) == 1:
        return duties[0]
    want = _pairs(row.text)
    best, score = None, SIMILAR
    for duty in duties:
        got = _pairs(duty.text)
        alike = len(want & got) / len(want) if want else 0.0
        if alike >= score:
            best, score = duty, alike
    return best


def _pairs(text: str) -> set[str]:
    chars = "".join(c for c in text if c.isalnum() and not c.isdigit())
    return {chars[i:i + SHINGLE] for i in range(max(0, len(chars) - SHINGLE + 1))}

"""The snapshot and checklists -> report/: a static site that works offline from the file system.

index.html lists the next deadlines, a tab per organisation, the notices and the progress tables;
notices/<doc_id>.html shows a notice's text with every extracted clause highlighted and linked to its
row. Templates autoescape, so no text from a notice can become markup.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..dataset import Row, Snapshot, row_of
from ..model import ProgressItem, Requirement
from .checklists import ALL, NAMED, PAST, Horizon, Item, number, shown, upcoming
from .tables import as_text, table_rows
from .words import Words, status_ids

if TYPE_CHECKING:
    from jinja2 import Environment

NEXT_LIMIT = 30  # rows in "next deadlines"
TEMPLATES = Path(__file__).parent / "templates"
R = TypeVar("R", Requirement, ProgressItem)
SHOWN = ("due_date", "due_time", "organization", "what", "how_much", "to_whom", "how", "evidence", "source", "notice",
         "overdue", "status", "assignee")  # what the pages show of a checklist row, in words


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of notice text and the rows whose clause covers it (`starts`: rows that begin here)."""
    text: str
    rows: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()


class Span(Protocol):
    """What the report needs of a row to highlight its clause."""
    @property
    def char_start(self) -> int: ...
    @property
    def char_end(self) -> int: ...
    @property
    def req_id(self) -> str: ...


def write_report(folder: Path, snapshot: Snapshot, lists: dict[str, list[Item]], span: Horizon, w: Words) -> None:
    """Build the site in `folder` (new: the outputs are written as one new set, see generations.py)."""
    env = _environment()
    css = (TEMPLATES / "base.css").read_text(encoding="utf-8")
    texts = snapshot.texts
    documents = [d for d in table_rows(snapshot, "documents") if not d.get("duplicate_of")]
    by_doc = _by_source(snapshot.requirements)
    progress = _by_source(snapshot.progress)
    (folder / "notices").mkdir(parents=True)
    # Streamed to the file: a large run's index is megabytes, and its pieces would all be held at once.
    fresh = _fresh(snapshot)
    env.get_template("index.html").stream(css=css, w=w, **_index(documents, by_doc, progress, lists, span, w,
                                                                fresh)).dump(
        str(folder / "index.html"), encoding="utf-8")
    page = env.get_template("notice.html")
    for doc in documents:
        if doc.get("status") == "ok":
            rows = by_doc.get(str(doc["source"]), [])
            page.stream(css=css, w=w, doc=_plain(doc), rows=[_notice_row(r) for r in rows],
                        segments=segments(texts.get(str(doc["source"]), ""), rows)).dump(
                str(folder / "notices" / f"{doc['doc_id']}.html"), encoding="utf-8")


def segments(text: str, rows: Sequence[Span]) -> list[Segment]:
    """The text cut at every clause boundary, each piece with the rows that cover it (in the rows' order) and
    the rows that start there. One sweep over the cuts, the rows covering the current piece kept as they
    start and end: a notice of 100,000 rows takes seconds, not the hours a scan of every row per piece did."""
    spans = [(r.char_start, r.char_end, r.req_id) for r in rows]
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    by_start: dict[int, list[int]] = {}
    by_end: dict[int, list[int]] = {}
    for n, (s, e, _) in enumerate(spans):
        by_start.setdefault(s, []).append(n)
        by_end.setdefault(e, []).append(n)
    active: set[int] = set()
    out = []
    for start, end in pairwise(cuts):
        active.difference_update(by_end.get(start, ()))
        active.update(n for n in by_start.get(start, ()) if spans[n][1] > start)
        covering = tuple(dict.fromkeys(spans[n][2] for n in sorted(active)))
        starting = tuple(dict.fromkeys(spans[n][2] for n in by_start.get(start, ())))
        out.append(Segment(text[start:end], covering, starting))
    return out


def _by_source(records: list[R]) -> dict[str, list[R]]:
    out: dict[str, list[R]] = {}
    for record in records:
        out.setdefault(record.source, []).append(record)
    return out


def _fresh(snapshot: Snapshot) -> set[str]:
    """The files the last run read new or changed: their rows are new since the run before."""
    last = max((c.run for c in snapshot.changes), default="")
    return {c.source for c in snapshot.changes if c.run == last and c.change in ("new", "changed")}


def _index(documents: list[Row], requirements: dict[str, list[Requirement]], progress: dict[str, list[ProgressItem]],
           lists: dict[str, list[Item]], span: Horizon, w: Words, fresh: set[str]) -> dict[str, Any]:
    soon = [r for _, r in upcoming(lists.get(ALL, []), span.today)]
    return {
        "run": {"today": span.today, "until": span.until, "files": len(documents),
                "requirements": sum(len(v) for v in requirements.values()),
                "progress": sum(len(v) for v in progress.values())},
        "next": [_linked(r, w, fresh) for r in soon[:NEXT_LIMIT] if r.status != "done"],
        "orgs": [{"name": w.sheet(name) if name in NAMED else name, "whole": name == ALL,
                  "rows": [_linked(r, w, fresh) for r in rows]} for name, rows in lists.items() if name != PAST],
        "statuses": [w.status(s) for s in status_ids()],
        "documents": _listed(documents, requirements, progress),
        "progress": [_progress(d, progress[str(d["source"])]) for d in documents if str(d["source"]) in progress],
    }


def _linked(item: Item, w: Words, fresh: set[str]) -> dict[str, object]:
    doc_id = item.req_id.rsplit("-", 1)[0]
    anchor = f"#row-{item.req_id}" if "-p" not in item.req_id[len(doc_id):] else ""
    cells = {c: as_text(v) for c, v in zip(SHOWN, shown(item, SHOWN, w))}  # type: ignore[arg-type]
    return {**cells, "done": item.status == "done", "new": item.source in fresh,
            "link": f"notices/{doc_id}.html{anchor}"}


def _plain(row: Row) -> dict[str, str]:
    return {k: as_text(v) for k, v in row.items()}


def _listed(documents: list[Row], requirements: dict[str, list[Requirement]],
            progress: dict[str, list[ProgressItem]]) -> list[dict[str, object]]:
    """Each notice once, the other renditions of it (same_as) named under it."""
    renditions: dict[str, list[str]] = {}
    for d in documents:
        if d.get("same_as"):
            renditions.setdefault(str(d["same_as"]), []).append(str(d["source"]))
    return [{**_document(d, requirements, progress), "renditions": renditions.get(str(d["doc_id"]), [])}
            for d in documents if not d.get("same_as")]


def _document(d: Row, requirements: dict[str, list[Requirement]],
              progress: dict[str, list[ProgressItem]]) -> dict[str, object]:
    source = str(d["source"])
    ok = d.get("status") == "ok"
    status = "withdrawn" if d.get("withdrawn") else str(d.get("status"))
    return {**_plain(d), "status": status, "rows": len(requirements.get(source, [])) + len(progress.get(source, [])),
            "page": f"notices/{d['doc_id']}.html" if ok else ""}


def _progress(d: Row, items: list[ProgressItem]) -> dict[str, object]:
    return {"title": d.get("title") or d.get("source"), "as_of": as_text(d.get("as_of")),
            "page": f"notices/{d['doc_id']}.html", "rows": [_plain(row_of(p)) for p in items]}


def _notice_row(r: Requirement) -> dict[str, object]:
    window = f"{as_text(r.window_start)}..{as_text(r.window_end)}" if r.window_start or r.window_end else ""
    comparator = r.comparator.value if r.comparator else ""
    how_much = "" if r.quantity is None else f"{comparator} {number(r.quantity)}" \
        + (f"-{number(r.quantity_max)}" if r.quantity_max is not None else "") + r.unit
    return {**_plain(row_of(r)), "window": window, "how_much": how_much}


def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    class RowsEnvironment(Environment):
        """`row.field` looks in a dict row first: Jinja's own lookup tries an attribute first and fails,
        an exception for every cell, which took half of a large report's time."""

        def getattr(self, obj: object, attribute: str) -> object:
            if type(obj) is dict and attribute in obj:
                return obj[attribute]
            return super().getattr(obj, attribute)

    return RowsEnvironment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                           trim_blocks=True, lstrip_blocks=True)

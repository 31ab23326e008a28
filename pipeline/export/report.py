"""FileResults and checklists -> report/: a static site that works offline from the file system.

index.html lists the next deadlines, a tab per organisation, the notices and the progress tables;
notices/<doc_id>.html shows a notice's text with every extracted clause highlighted and linked to its
row. Templates autoescape, so no text from a notice can become markup.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dataset import Row, Table
from .checklists import ALL, Horizon, upcoming
from .tables import as_text

if TYPE_CHECKING:
    from jinja2 import Environment

NEXT_LIMIT = 30  # rows in "next deadlines"
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of notice text and the rows whose clause covers it (`starts`: rows that begin here)."""
    text: str
    rows: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()


def write_report(folder: Path, tables: dict[str, Table], texts: dict[str, str], lists: dict[str, list[Row]],
                 span: Horizon) -> None:
    """Build the site in a temporary folder beside `folder`, then switch it into place."""
    env = _environment()
    css = (TEMPLATES / "base.css").read_text(encoding="utf-8")
    documents = [d for d in tables["documents"][1] if not d.get("duplicate_of")]
    by_doc = _by_source(tables["requirements"][1])
    progress = _by_source(tables["progress"][1])
    tmp = Path(tempfile.mkdtemp(prefix=".report.", dir=folder.parent))
    try:
        (tmp / "notices").mkdir()
        # Streamed to the file: a large run's index is megabytes, and its pieces would all be held at once.
        env.get_template("index.html").stream(css=css, **_index(documents, by_doc, progress, lists, span)).dump(
            str(tmp / "index.html"), encoding="utf-8")
        page = env.get_template("notice.html")
        for doc in documents:
            if doc.get("status") == "ok":
                rows = by_doc.get(str(doc["source"]), [])
                page.stream(css=css, doc=_plain(doc), rows=[_notice_row(r) for r in rows],
                            segments=segments(texts.get(str(doc["source"]), ""), rows)).dump(
                    str(tmp / "notices" / f"{doc['doc_id']}.html"), encoding="utf-8")
        _switch(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def segments(text: str, rows: list[Row]) -> list[Segment]:
    """The text cut at every clause boundary, each piece with the rows that cover it (in the rows' order) and
    the rows that start there. One sweep over the cuts, the rows covering the current piece kept as they
    start and end: a notice of 100,000 rows takes seconds, not the hours a scan of every row per piece did."""
    spans = [(int(str(r["char_start"] or 0)), int(str(r["char_end"] or 0)), str(r["req_id"])) for r in rows]
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


def _by_source(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for row in rows:
        out.setdefault(str(row.get("source")), []).append(row)
    return out


def _index(documents: list[Row], requirements: dict[str, list[Row]], progress: dict[str, list[Row]],
           lists: dict[str, list[Row]], span: Horizon) -> dict[str, Any]:
    soon = [r for _, r in upcoming(lists.get(ALL, []), span.today)]
    return {
        "run": {"today": span.today, "until": span.until, "files": len(documents),
                "requirements": sum(len(v) for v in requirements.values()),
                "progress": sum(len(v) for v in progress.values())},
        "next": [_linked(r) for r in soon[:NEXT_LIMIT]],
        "orgs": [{"name": name, "rows": [_linked(r) for r in rows]} for name, rows in lists.items()],
        "documents": [_document(d, requirements, progress) for d in documents],
        "progress": [_progress(d, progress[str(d["source"])]) for d in documents if str(d["source"]) in progress],
    }


def _linked(row: Row) -> dict[str, object]:
    req_id = str(row.get("req_id") or "")
    doc_id = req_id.rsplit("-", 1)[0]
    anchor = f"#row-{req_id}" if "-p" not in req_id[len(doc_id):] else ""
    return {**{k: as_text(v) for k, v in row.items()}, "link": f"notices/{doc_id}.html{anchor}"}


def _plain(row: Row) -> dict[str, str]:
    return {k: as_text(v) for k, v in row.items()}


def _document(d: Row, requirements: dict[str, list[Row]], progress: dict[str, list[Row]]) -> dict[str, object]:
    source = str(d["source"])
    ok = d.get("status") == "ok"
    status = "withdrawn" if d.get("withdrawn") else str(d.get("status"))
    return {**_plain(d), "status": status, "rows": len(requirements.get(source, [])) + len(progress.get(source, [])),
            "page": f"notices/{d['doc_id']}.html" if ok else ""}


def _progress(d: Row, rows: list[Row]) -> dict[str, object]:
    return {"title": d.get("title") or d.get("source"), "as_of": as_text(d.get("as_of")),
            "page": f"notices/{d['doc_id']}.html", "rows": [_plain(p) for p in rows]}


def _notice_row(r: Row) -> dict[str, object]:
    window = f"{as_text(r.get('window_start'))}..{as_text(r.get('window_end'))}" \
        if r.get("window_start") or r.get("window_end") else ""
    quantity = r.get("quantity")
    how_much = "" if quantity in (None, "") else f"{r.get('comparator') or ''} {as_text(quantity)}" \
        + (f"-{as_text(r.get('quantity_max'))}" if r.get("quantity_max") not in (None, "") else "") + str(r.get("unit") or "")
    return {**_plain(r), "window": window, "how_much": how_much}


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


def _switch(new: Path, folder: Path) -> None:
    """Put `new` where `folder` is; the old report is removed only once the new one is in place."""
    old = None
    if folder.exists():
        old = Path(tempfile.mkdtemp(prefix=".report-old.", dir=folder.parent))
        os.replace(folder, old / folder.name)
    os.replace(new, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)

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
from datetime import date
from pathlib import Path

from ..model import FileResult, Requirement, RunSummary, Status
from .checklists import ALL, Horizon
from .tables import Row, as_text

NEXT_LIMIT = 30  # rows in "next deadlines"
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of notice text and the rows whose clause covers it (`starts`: rows that begin here)."""
    text: str
    rows: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()


def write_report(folder: Path, results: list[FileResult], lists: dict[str, list[Row]], span: Horizon,
                 summary: RunSummary) -> None:
    """Build the site in a temporary folder beside `folder`, then switch it into place."""
    env = _environment()
    css = (TEMPLATES / "base.css").read_text(encoding="utf-8")
    tmp = Path(tempfile.mkdtemp(prefix=".report.", dir=folder.parent))
    try:
        (tmp / "notices").mkdir()
        index = env.get_template("index.html").render(css=css, **_index(results, lists, span, summary))
        (tmp / "index.html").write_text(index, encoding="utf-8")
        page = env.get_template("notice.html")
        for result in results:
            if result.document.status is Status.ok:
                html = page.render(css=css, doc=result.document, segments=segments(result),
                                   rows=[_notice_row(r) for r in result.requirements])
                (tmp / "notices" / f"{result.document.doc_id}.html").write_text(html, encoding="utf-8")
        _switch(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def segments(result: FileResult) -> list[Segment]:
    """The text cut at every clause boundary, each piece with the rows that cover it."""
    text = result.text
    cuts = sorted({0, len(text)} | {r.char_start for r in result.requirements} | {r.char_end for r in result.requirements})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        covering = tuple(r.req_id for r in result.requirements if r.char_start <= start and end <= r.char_end)
        starting = tuple(r.req_id for r in result.requirements if r.char_start == start)
        out.append(Segment(text[start:end], tuple(dict.fromkeys(covering)), tuple(dict.fromkeys(starting))))
    return out


def _index(results: list[FileResult], lists: dict[str, list[Row]], span: Horizon, summary: RunSummary) -> dict:
    everything = lists.get(ALL, [])
    upcoming = [r for r in everything if isinstance(r.get("due_date"), date) and r["due_date"] >= span.today]
    return {
        "run": {"today": span.today, "until": span.until, "files": summary.files,
                "requirements": summary.requirements, "progress": summary.progress},
        "next": [_linked(r) for r in upcoming[:NEXT_LIMIT]],
        "orgs": [{"name": name, "rows": [_linked(r) for r in rows]} for name, rows in lists.items()],
        "documents": [_document(r) for r in results],
        "progress": [_progress(r) for r in results if r.progress],
    }


def _linked(row: Row) -> dict[str, object]:
    req_id = str(row.get("req_id") or "")
    doc_id = req_id.rsplit("-", 1)[0]
    anchor = f"#row-{req_id}" if "-p" not in req_id[len(doc_id):] else ""
    return {**{k: as_text(v) for k, v in row.items()}, "link": f"notices/{doc_id}.html{anchor}"}


def _document(result: FileResult) -> dict[str, object]:
    d = result.document
    ok = d.status is Status.ok
    return {"title": d.title, "issuer": d.issuer, "issued_on": as_text(d.issued_on), "source": d.source,
            "rows": len(result.requirements) + len(result.progress), "status": d.status.value, "error": d.error,
            "page": f"notices/{d.doc_id}.html" if ok else ""}


def _progress(result: FileResult) -> dict[str, object]:
    rows = [{"seq": p.seq, "category": p.category, "item": p.item, "lead_org": p.lead_org,
             "partner_orgs": "、".join(p.partner_orgs), "period_text": p.period_text,
             "status": p.status.value if p.status else ""} for p in result.progress]
    return {"title": result.document.title or result.document.source, "as_of": as_text(result.document.as_of),
            "page": f"notices/{result.document.doc_id}.html", "rows": rows}


def _notice_row(r: Requirement) -> dict[str, object]:
    window = f"{as_text(r.window_start)}..{as_text(r.window_end)}" if r.window_start or r.window_end else ""
    how_much = "" if r.quantity is None else f"{r.comparator.value if r.comparator else ''} {as_text(r.quantity)}" \
        + (f"-{as_text(r.quantity_max)}" if r.quantity_max is not None else "") + r.unit
    return {"req_id": r.req_id, "kind": r.kind.value, "organization": r.organization, "due_date": as_text(r.due_date),
            "due_time": r.due_time.strftime("%H:%M") if r.due_time else "", "window": window,
            "recurrence": r.recurrence, "per": r.per.value if r.per else "", "how_much": how_much,
            "recipient": r.recipient, "emails": ";".join(r.emails), "section": r.section}


def _environment():  # type: ignore[no-untyped-def]
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
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

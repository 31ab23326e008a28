"""The stored rows -> the output folder: tables (CSV, Parquet, SQLite), changes, checklists (CSV, XLSX)
and the report; and checklists exported again from that folder as CSV, XLSX, iCalendar or JSON."""
from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path

from ..dataset import (
    CHANGE_COLUMNS,
    MARK_FIELDS,
    RUN_COLUMNS,
    TABLES,
    ChangeRecord,
    Row,
    Snapshot,
    Table,
    cells,
    columns_of,
    tables_of,
)
from ..names import file_stems
from .amend import amend
from .calendar import REMIND_DAYS, write_ics
from .checklists import (
    COLUMNS,
    NAMED,
    UNASSIGNED,
    WHOLE,
    WITHDRAWN,
    Horizon,
    Item,
    checklists,
    every_item,
    notice_of,
    of_organization,
    shown,
)
from .digest import Links, digest_of, message
from .forked import beside
from .generations import new_set
from .marks import Attached, attach
from .report import write_report
from .tables import as_text, atomic_bytes, read_snapshot, table_rows, write_csv, write_tables
from .words import DEFAULT, Words, words
from .xlsx import write_xlsx

FORMATS = ("csv", "xlsx", "ics", "json")
# notices.db's checklist table: every row of the checklists (current and past) with its organisation, as the
# run wrote them; what the web page (pipeline.web) lists, by organisation, without computing them again.
ITEM_FIELDS = tuple(f.name for f in fields(Item))


def export(snapshot: Snapshot, out_dir: Path, span: Horizon, lang: str = DEFAULT) -> Attached:
    """Write every output (documents already linked, see links.py) as one new set that then takes the
    place of the old one (generations.py): a run that fails while writing (a broken writer, a full disk)
    leaves the previous outputs as they were. Returns the checklists with the staff marks on them."""
    with new_set(out_dir) as folder:
        return _write_outputs(snapshot, folder, span, words(lang))


def _write_outputs(snapshot: Snapshot, out_dir: Path, span: Horizon, w: Words) -> Attached:
    marked = checklists_of(snapshot, span)
    lists = marked.lists
    kept = {k: m for k, m in snapshot.staff_marks.items() if k not in marked.dropped}
    kept |= {m.key: m for m in marked.changed}
    tables = {name: (columns_of(name), table_rows(snapshot, name)) for name in TABLES}
    history: dict[str, Table] = {"runs": (RUN_COLUMNS, [cells(r) for r in snapshot.runs]),
                                 "changes": (CHANGE_COLUMNS, [cells(c) for c in _newest_first(snapshot.changes)]),
                                 "marks": (list(MARK_FIELDS), [cells(m) for _, m in sorted(kept.items())]),
                                 "checklist": (list(ITEM_FIELDS), [_cells(i) for i in every_item(lists)])}
    rows = sum(len(items) for items in lists.values())
    with beside(lambda: write_xlsx(out_dir / "checklists.xlsx", lists, w, marked.removed), rows):
        write_tables(out_dir, tables, history)
        write_csv(out_dir / "changes.csv", *history["changes"])
        write_checklist_folder(out_dir / "checklists", lists, w)
        write_report(out_dir / "report", snapshot, lists, span, w)
    return marked


def export_checklists(out_dir: Path, fmt: str, span: Horizon, org: str | None = None, dest: Path | None = None,
                      lang: str = DEFAULT, remind: tuple[int, ...] = REMIND_DAYS) -> list[Path]:
    """Checklists of an existing output folder in one format, one file per organisation (or one)."""
    w = words(lang)
    lists = everything = checklists_of(read_snapshot(out_dir), span).lists
    if org is not None:
        org = next((name for name in NAMED if org in (name, w.sheet(name))), org)
        lists = {org: lists.get(org, [])}
    folder = dest or out_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = folder / f"checklists{'-' + file_names([org], w)[org] if org else ''}.xlsx"
        write_xlsx(path, lists, w)
        return [path]
    written = []
    stems = file_names(list(lists), w)
    for name, rows in lists.items():
        if fmt == "ics":
            if name in WHOLE and org is None:
                continue  # one calendar per organisation; the lists of all would repeat them
            rows = of_organization(everything, name)  # a calendar keeps the past too
        path = folder / f"{stems[name]}.{fmt}"
        _write_one(path, fmt, name, rows, w, remind)
        written.append(path)
    return written


def digest_mails(out_dir: Path, span: Horizon, sender: str, recipients: dict[str, list[str]], base_url: str = "",
                 org: str | None = None, lang: str = DEFAULT, web_url: str = "") -> dict[str, EmailMessage]:
    """The morning mail of each organisation (or of `org`) that has something overdue, due this week or new
    since yesterday, addressed to its `recipients`; linked to the web page at `web_url`, else to the report
    at `base_url`."""
    w = words(lang)
    snapshot = read_snapshot(out_dir)
    lists = checklists_of(snapshot, span).lists
    since = (span.today - timedelta(days=1)).isoformat()
    fresh = {c.source for c in snapshot.changes if c.run >= since and c.change in ("new", "changed")}
    orgs = [org] if org is not None else [name for name in lists if name not in WHOLE]
    mails = {}
    for name in orgs:
        digest = digest_of(w.sheet(name) if name in NAMED else name, lists.get(name, []), span, fresh, name)
        if not digest.is_empty():
            mails[name] = message(digest, w, span.today, sender, recipients.get(name, []), Links(base_url, web_url))
    return mails


def checklists_of(snapshot: Snapshot, span: Horizon) -> Attached:
    """Checklists of the live records (not withdrawn, and each notice once however many renditions), with
    the staff marks on their rows."""
    hidden = {d.doc_id for d in snapshot.documents if snapshot.link(d.source).same_as}
    withdrawn = {d.doc_id: date.fromisoformat(snapshot.file_marks(d.source).withdrawn) for d in snapshot.documents
                 if snapshot.file_marks(d.source).withdrawn}
    # A notice whose file left the inbox: its open duties stay, marked, and repeat no more (valid until then).
    requirements = [replace(r, flags=(*r.flags, WITHDRAWN)) if r.doc_id in withdrawn else r
                    for r in snapshot.requirements if r.doc_id not in hidden]
    progress = [p for p in snapshot.progress if p.doc_id not in hidden and p.doc_id not in withdrawn]
    notices = {d.doc_id: notice_of(replace(d, valid_until=_ended(d.valid_until, withdrawn.get(d.doc_id))))
               for d in snapshot.documents}
    requirements, amendments = amend(snapshot, requirements)
    moved = {req_id: (a.was, a.notice) for req_id, a in amendments.items()}
    return attach(checklists(requirements, progress, span, notices, moved), snapshot.staff_marks)


def _ended(valid_until: date | None, withdrawn: date | None) -> date | None:
    """The end of a notice's validity, at the latest the day its file left the inbox."""
    if withdrawn is None:
        return valid_until
    return withdrawn if valid_until is None else min(valid_until, withdrawn)


def _cells(item: Item) -> Row:
    row = cells(item)
    row["overdue"] = int(item.overdue)
    return row


def _newest_first(changes: list[ChangeRecord]) -> list[ChangeRecord]:
    """The latest run first; within a run, files and changes in reading order."""
    ordered = sorted(changes, key=lambda c: (c.source, c.change, c.detail))
    return sorted(ordered, key=lambda c: c.run, reverse=True)


def _write_one(path: Path, fmt: str, name: str, items: list[Item], w: Words,
               remind: tuple[int, ...] = REMIND_DAYS) -> None:
    columns = (("organization",) if name in WHOLE else ()) + COLUMNS
    if fmt == "csv":
        write_checklist_csv(path, columns, items, w)
    elif fmt == "ics":
        write_ics(path, name, items, w, remind)
    else:  # JSON, for programs: the columns' ids, values in words
        data = [{c: as_text(v) for c, v in zip(columns, shown(i, columns, w))} for i in items]  # type: ignore[arg-type]
        atomic_bytes(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def write_checklist_csv(path: Path, columns: tuple[str, ...], items: list[Item], w: Words) -> None:
    """One checklist as CSV, headed and filled with the words of `w`."""
    headers = [w.column(c) for c in columns]
    write_csv(path, headers, (dict(zip(headers, shown(i, columns, w))) for i in items))  # type: ignore[arg-type]


def write_checklist_folder(folder: Path, lists: dict[str, list[Item]], w: Words) -> None:
    """checklists/<organisation>.csv for every organisation; files of organisations gone are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    stems = file_names([org for org in lists if org not in WHOLE], w)
    wanted = {f"{stem}.csv" for stem in stems.values()}
    for org, stem in stems.items():
        write_checklist_csv(folder / f"{stem}.csv", COLUMNS, lists[org], w)
    for stale in folder.glob("*.csv"):
        if stale.name not in wanted:
            stale.unlink()


def file_names(orgs: list[str], w: Words) -> dict[str, str]:
    """Organisations' names made safe as file names on every system, one each (names.file_stems); the lists
    that are not an organisation's (all, unassigned, past) named in the words of `w`."""
    shown_as = {org: w.sheet(org) if org in NAMED else org for org in orgs}
    stems = file_stems(list(shown_as.values()), w.sheet(UNASSIGNED))
    return {org: stems[name] for org, name in shown_as.items()}


__all__ = ["FORMATS", "Horizon", "Snapshot", "export", "export_checklists", "file_names", "outputs", "tables_of", "write_csv"]

"""FileResults -> the output folder: CSV (UTF-8 BOM), Parquet, SQLite and per-organisation checklists."""
from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from .model import (
    DocumentRecord,
    ErrorRecord,
    FileResult,
    ProgressItem,
    ProgressStatus,
    Requirement,
    RunSummary,
)

TABLES = ("documents", "requirements", "progress", "errors")
UNASSIGNED = "unassigned"  # checklist of requirements that name no organisation
CHECKLIST_COLUMNS = ("due_date", "due_time", "what", "kind", "how_much", "per", "recurrence", "to_whom", "how",
                     "audience", "evidence", "source", "page", "section", "req_id", "done")
FILENAME_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
Cell = str | int | float | date | None


def export(results: list[FileResult], out_dir: Path, summary: RunSummary, versions: dict[str, str]) -> None:
    """Write every table in every format; each file is written beside its target and renamed into place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = tables_of(results)
    for name, (columns, rows) in tables.items():
        write_csv(out_dir / f"{name}.csv", columns, rows)
        _write_parquet(out_dir / f"{name}.parquet", columns, rows)
    _write_sqlite(out_dir / "notices.db", tables, summary, versions)
    write_checklists(out_dir, checklists(results))


def tables_of(results: list[FileResult]) -> dict[str, tuple[list[str], list[dict[str, Cell]]]]:
    """Each table as (columns, rows) with SPEC columns first; values are plain (dates stay dates)."""
    documents = [r.document for r in results]
    requirements = [q for r in results for q in r.requirements]
    progress = [p for r in results for p in r.progress]
    errors = [r.error for r in results if r.error is not None]
    return {
        "documents": (_columns(DocumentRecord), [_plain(d) for d in documents]),
        "requirements": (_columns(Requirement), [_plain(q) for q in requirements]),
        "progress": (_columns(ProgressItem), [_plain(p) for p in progress]),
        "errors": (_columns(ErrorRecord), [_plain(e) for e in errors]),
    }


def _columns(record: type) -> list[str]:
    return [f.name for f in fields(record)]


def _plain(record: object) -> dict[str, Cell]:
    return {k: _value(v) for k, v in asdict(record).items()}  # type: ignore[call-overload]


def _value(v: object) -> Cell:
    if isinstance(v, Enum):
        return str(v.value)
    if isinstance(v, time):
        return v.strftime("%H:%M")
    if isinstance(v, datetime):
        return v.isoformat(timespec="minutes")
    if isinstance(v, (tuple, list)):
        return ";".join(str(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if v is None or isinstance(v, (str, int, float, date)):
        return v
    return str(v)


def as_text(v: Cell) -> str:
    """A cell as written in CSV: ISO dates, integers without .0, empty for unknown."""
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


# --- writers ---------------------------------------------------------------------------------

def write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Cell]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([as_text(row.get(c)) for c in columns])
    _atomic_bytes(path, buffer.getvalue().encode("utf-8-sig"))


def _write_parquet(path: Path, columns: list[str], rows: list[dict[str, Cell]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows],
                                 schema=_schema(columns, rows)) if rows else pa.table(
        {c: pa.array([], pa.string()) for c in columns})
    with _atomic(path) as tmp:
        pq.write_table(table, tmp)


def _schema(columns: list[str], rows: list[dict[str, Cell]]) -> Any:
    import pyarrow as pa

    def kind(column: str) -> Any:
        values = [r.get(column) for r in rows if r.get(column) is not None]
        if values and all(isinstance(v, date) for v in values):
            return pa.date32()
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return pa.float64() if any(isinstance(v, float) for v in values) else pa.int64()
        return pa.string()
    return pa.schema([(c, kind(c)) for c in columns])


def _write_sqlite(path: Path, tables: dict[str, tuple[list[str], list[dict[str, Cell]]]],
                  summary: RunSummary, versions: dict[str, str]) -> None:
    """The dataset plus the history of runs (kept from the previous database)."""
    history = _previous_runs(path)
    with _atomic(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            for name, (columns, rows) in tables.items():
                con.execute(f"CREATE TABLE {name} ({', '.join(_quote(c) for c in columns)})")
                con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})",
                                ([_sql(r.get(c)) for c in columns] for r in rows))
            con.execute("CREATE TABLE runs (started, finished, inbox, files, ok, failed, requirements, "
                        "progress, package_version, rules_version)")
            con.executemany("INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                            history + [_run_row(summary, versions)])
            con.commit()
        finally:
            con.close()


def _previous_runs(path: Path) -> list[tuple]:
    if not path.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return list(con.execute("SELECT started, finished, inbox, files, ok, failed, requirements, "
                                    "progress, package_version, rules_version FROM runs"))
        finally:
            con.close()
    except sqlite3.Error:
        return []


def _run_row(summary: RunSummary, versions: dict[str, str]) -> tuple:
    return (summary.started.isoformat(timespec="seconds"), summary.finished.isoformat(timespec="seconds"),
            str(summary.inbox), summary.files, summary.ok, summary.failed, summary.requirements,
            summary.progress, versions.get("package", ""), versions.get("rules", ""))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql(v: Cell) -> str | int | float | None:
    return v.isoformat() if isinstance(v, date) else v


# --- checklists ------------------------------------------------------------------------------

def checklists(results: list[FileResult]) -> dict[str, list[dict[str, Cell]]]:
    """Rows per organisation, sorted by date: requirements and unfinished progress items."""
    by_org: dict[str, list[dict[str, Cell]]] = {}
    for result in results:
        for q in result.requirements:
            by_org.setdefault(q.organization or UNASSIGNED, []).append(_check_row(q))
        for p in result.progress:
            if p.status is not ProgressStatus.done:
                by_org.setdefault(p.lead_org or UNASSIGNED, []).append(_progress_row(p))
    return {org: sorted(rows, key=_by_date) for org, rows in sorted(by_org.items())}


def _check_row(q: Requirement) -> dict[str, Cell]:
    return {"due_date": q.due_date or q.window_end, "due_time": _value(q.due_time), "what": q.action or q.kind.value,
            "kind": q.kind.value, "how_much": _how_much(q), "per": _value(q.per), "recurrence": q.recurrence,
            "to_whom": q.recipient, "how": ";".join(q.emails), "audience": q.audience, "evidence": q.text,
            "source": q.source, "page": q.page, "section": q.section, "req_id": q.req_id, "done": ""}


def _progress_row(p: ProgressItem) -> dict[str, Cell]:
    return {"due_date": p.period_end, "due_time": None, "what": p.item, "kind": "progress",
            "how_much": "", "per": "", "recurrence": "", "to_whom": "", "how": "",
            "audience": "、".join(p.partner_orgs), "evidence": p.status_text, "source": p.source,
            "page": p.page, "section": p.category, "req_id": f"{p.doc_id}-p{p.seq}", "done": ""}


def _how_much(q: Requirement) -> str:
    if q.quantity is None:
        return ""
    value = as_text(_value(q.quantity))
    if q.quantity_max is not None:
        value += "-" + as_text(_value(q.quantity_max))
    comparator = q.comparator.value if q.comparator and q.comparator.value != "range" else ""
    return f"{comparator}{value}{q.unit}"


def _by_date(row: dict[str, Cell]) -> tuple[int, str, str]:
    due = row.get("due_date")
    return (0, as_text(due), str(row.get("req_id"))) if due else (1, "", str(row.get("req_id")))


def write_checklists(out_dir: Path, lists: dict[str, list[dict[str, Cell]]]) -> None:
    folder = out_dir / "checklists"
    folder.mkdir(exist_ok=True)
    wanted = {f"{file_name(org)}.csv" for org in lists}
    for org, rows in lists.items():
        write_csv(folder / f"{file_name(org)}.csv", list(CHECKLIST_COLUMNS), rows)
    for stale in folder.glob("*.csv"):
        if stale.name not in wanted:
            stale.unlink()
    _write_xlsx(out_dir / "checklists.xlsx", lists)


def file_name(org: str) -> str:
    """An organisation's name made safe as a file name on every system."""
    return FILENAME_BAD.sub("_", org).strip(" .")[:100] or UNASSIGNED


def _write_xlsx(path: Path, lists: dict[str, list[dict[str, Cell]]]) -> None:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, (org, rows) in zip(_sheet_names(list(lists)), lists.items()):
        sheet = book.create_sheet(title)
        sheet.append(list(CHECKLIST_COLUMNS))
        for row in rows:
            sheet.append([row.get(c) if row.get(c) is not None else None for c in CHECKLIST_COLUMNS])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for n, column in enumerate(CHECKLIST_COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = 60 if column == "evidence" else 14
        for cell in sheet["A"][1:]:
            cell.number_format = "yyyy-mm-dd"
    if not book.worksheets:
        book.create_sheet(UNASSIGNED).append(list(CHECKLIST_COLUMNS))
    with _atomic(path) as tmp:
        book.save(tmp)


def _sheet_names(orgs: list[str]) -> list[str]:
    """Excel sheet titles: at most 31 characters, no []:*?/\\, unique."""
    names: list[str] = []
    for org in orgs:
        base = SHEET_BAD.sub("_", org)[:31] or UNASSIGNED
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            name = f"{base[:28]}~{n}"
            n += 1
        names.append(name)
    return names


# --- atomic writes ---------------------------------------------------------------------------

@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed over it when the block succeeds, removed otherwise."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _atomic_bytes(path: Path, data: bytes) -> None:
    with _atomic(path) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())

"""The dataset tables: built from FileResults, written as CSV (UTF-8 BOM), Parquet and SQLite, read back."""
from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, fields
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path
from typing import Any

from ..model import DocumentRecord, ErrorRecord, FileResult, ProgressItem, Requirement
from .safe import neutralise

TABLES = ("documents", "requirements", "progress", "errors")
# Marks a run adds to the rows (a file removed, a copy of another file, another rendition of a notice…).
EXTRA_COLUMNS = {"documents": ("withdrawn", "duplicate_of", "same_as", "relates_to", "relation"),
                 "requirements": ("withdrawn",), "progress": ("withdrawn",)}
DATE_COLUMNS = ("issued_on", "as_of", "due_date", "window_start", "window_end", "period_start", "period_end")
Cell = str | int | float | date | None
Row = dict[str, Cell]
Table = tuple[list[str], list[Row]]


RECORDS = {"documents": DocumentRecord, "requirements": Requirement, "progress": ProgressItem, "errors": ErrorRecord}


def tables_of(results: list[FileResult]) -> dict[str, Table]:
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


def _plain(record: object) -> Row:
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

def write_csv(path: Path, columns: list[str], rows: Iterable[Row]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        # Text that looks like a formula is neutralised for spreadsheets; numbers and dates stay values.
        writer.writerow([neutralise(v) if isinstance(v := row.get(c), str) else as_text(v) for c in columns])
    atomic_bytes(path, buffer.getvalue().encode("utf-8-sig"))


def _write_parquet(path: Path, columns: list[str], rows: list[Row]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows],
                                 schema=_schema(columns, rows)) if rows else pa.table(
        {c: pa.array([], pa.string()) for c in columns})
    with atomic(path) as tmp:
        pq.write_table(table, tmp)


def _schema(columns: list[str], rows: list[Row]) -> Any:
    import pyarrow as pa

    def kind(column: str) -> Any:
        values = [r.get(column) for r in rows if r.get(column) is not None]
        if values and all(isinstance(v, date) for v in values):
            return pa.date32()
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return pa.float64() if any(isinstance(v, float) for v in values) else pa.int64()
        return pa.string()
    return pa.schema([(c, kind(c)) for c in columns])


def columns_of(table: str) -> list[str]:
    """A table's columns: the SPEC's (the record's fields) first, then the marks a run adds."""
    return [f.name for f in fields(RECORDS[table])] + list(EXTRA_COLUMNS.get(table, ()))


def write_tables(out_dir: Path, tables: dict[str, Table], history: dict[str, Table]) -> None:
    """Every table as CSV and Parquet, and all of them in notices.db with the run history."""
    for name, (columns, rows) in tables.items():
        write_csv(out_dir / f"{name}.csv", columns, rows)
        _write_parquet(out_dir / f"{name}.parquet", columns, rows)
    _write_sqlite(out_dir / "notices.db", {**tables, **history})


def read_tables(out_dir: Path) -> dict[str, Table]:
    """The tables of an output folder, from notices.db, with dates as dates again."""
    con = sqlite3.connect(f"file:{out_dir / 'notices.db'}?mode=ro", uri=True)
    try:
        out = {}
        for name in TABLES:
            cursor = con.execute(f"SELECT * FROM {name}")
            columns = [d[0] for d in cursor.description]
            out[name] = (columns, [_typed(dict(zip(columns, values))) for values in cursor])
        return out
    finally:
        con.close()


def _typed(row: dict[str, Cell]) -> Row:
    for column in DATE_COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and value:
            row[column] = date.fromisoformat(value)
    return row


def _write_sqlite(path: Path, tables: dict[str, Table]) -> None:
    with atomic(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            for name, (columns, rows) in tables.items():
                con.execute(f"CREATE TABLE {name} ({', '.join(_quote(c) for c in columns)})")
                con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})",
                                ([_sql(r.get(c)) for c in columns] for r in rows))
            con.commit()
        finally:
            con.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql(v: Cell) -> str | int | float | None:
    return v.isoformat() if isinstance(v, date) else v


# --- atomic writes ---------------------------------------------------------------------------

@contextmanager
def atomic(path: Path) -> Iterator[Path]:
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


def atomic_bytes(path: Path, data: bytes) -> None:
    with atomic(path) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())

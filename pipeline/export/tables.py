"""The dataset tables (dataset.py) written as CSV (UTF-8 BOM), Parquet and SQLite, and read back."""
from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from ..dataset import (
    RECORDS,
    TABLES,
    Cell,
    ChangeRecord,
    FileMarks,
    Link,
    Mark,
    Row,
    Snapshot,
    Table,
    record_of,
    row_of,
)
from .safe import neutralise


def as_text(v: Cell) -> str:
    """A cell as written in CSV: ISO dates, integers without .0, empty for unknown."""
    if v is None:
        return ""
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


# Columns notices.db indexes: what the web page looks rows up by (an organisation's list, a row by key,
# a notice's rows).
INDEXED = {"checklist": ("organization", "key"), "requirements": ("doc_id",), "documents": ("doc_id",)}


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


def write_tables(out_dir: Path, tables: dict[str, Table], history: dict[str, Table]) -> None:
    """Every table as CSV and Parquet, and all of them in notices.db with the run history."""
    for name, (columns, rows) in tables.items():
        write_csv(out_dir / f"{name}.csv", columns, rows)
        _write_parquet(out_dir / f"{name}.parquet", columns, rows)
    _write_sqlite(out_dir / "notices.db", {**tables, **history})


def table_rows(snapshot: Snapshot, table: str) -> list[Row]:
    """A table's rows as the outputs hold them: each record's cells, then the marks the run adds
    (dataset.EXTRA_COLUMNS)."""
    records: list[Any] = getattr(snapshot, table)
    if table == "documents":
        return [row_of(d) | _file_marks(snapshot.file_marks(d.source)) | row_of(snapshot.link(d.source)) for d in records]
    if table in ("requirements", "progress"):
        return [row_of(r) | {"withdrawn": snapshot.file_marks(r.source).withdrawn or None} for r in records]
    return [row_of(r) for r in records]


def _file_marks(marks: FileMarks) -> Row:
    return {"withdrawn": marks.withdrawn or None, "duplicate_of": marks.duplicate_of}


def read_snapshot(out_dir: Path) -> Snapshot:
    """The dataset an output folder holds (notices.db) as records again, with what each run changed but
    without texts and the runs: what `notices export` and `notices digest` work on."""
    con = sqlite3.connect(f"file:{out_dir / 'notices.db'}?mode=ro", uri=True)
    try:
        rows: dict[str, list[dict[str, Any]]] = {}
        for name in TABLES:
            cursor = con.execute(f"SELECT * FROM {name}")
            columns = [d[0] for d in cursor.description]
            rows[name] = [dict(zip(columns, values)) for values in cursor]
        marks = _marks(con)
        changes = [ChangeRecord.of_row(tuple(row)) for row in con.execute("SELECT run, source, change, detail FROM changes")]
    finally:
        con.close()
    records: dict[str, list[Any]] = {name: [record_of(RECORDS[name], row) for row in rows[name]] for name in TABLES}
    documents = rows["documents"]
    files = {str(d["source"]): record_of(FileMarks, d) for d in documents}
    links = {str(d["source"]): record_of(Link, d) for d in documents}
    return Snapshot(records["documents"], records["requirements"], records["progress"], records["errors"], files,
                    {}, [], changes, links, {m.key: m for m in marks})


def _marks(con: sqlite3.Connection) -> list[Mark]:
    """The staff marks an output folder holds (none in one written before marks were kept)."""
    try:
        cursor = con.execute("SELECT * FROM marks")
    except sqlite3.OperationalError:
        return []
    columns = [d[0] for d in cursor.description]
    return [record_of(Mark, dict(zip(columns, values))) for values in cursor]


def _write_sqlite(path: Path, tables: dict[str, Table]) -> None:
    with atomic(path) as tmp:
        con = sqlite3.connect(tmp)
        try:
            for name, (columns, rows) in tables.items():
                con.execute(f"CREATE TABLE {name} ({', '.join(_quote(c) for c in columns)})")
                con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})",
                                ([_sql(r.get(c)) for c in columns] for r in rows))
                for column in INDEXED.get(name, ()):
                    con.execute(f"CREATE INDEX {name}_{column} ON {name} ({_quote(column)})")
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

"""The run state in PostgreSQL (`--db postgresql://…`): the dataset tables, each file's state and the run
history, shared by every machine; a batch is stored in one transaction, a run holds an advisory lock."""
from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import astuple, fields
from datetime import date, datetime
from typing import Any, Self, get_args, get_type_hints

from ..dataset import (
    RECORDS,
    TABLES,
    Cell,
    ChangeRecord,
    Mark,
    RequirementKey,
    RunRecord,
    Snapshot,
    record_of,
    row_of,
    tables_of,
)
from ..errors import MissingTool, ServiceError
from ..model import ErrorRecord, Stage
from .lock import POLL_SECONDS, RunBusy
from .state import FILE_COLUMNS, SCHEMA_VERSION, FileState, Stored, snapshot_of

try:
    import psycopg
    from psycopg import sql
    from psycopg.types.json import Jsonb
except ImportError as exc:
    raise MissingTool("psycopg", "pip install 'notices[postgres]'", "--db needs psycopg (PostgreSQL)") from exc

log = logging.getLogger(__name__)

LOCK_CLASS = 0x6E6F7469  # "noti": first key of a run's advisory lock; the second is the schema's
CONNECT_SECONDS = 10
RETRY_SECONDS = (1, 3, 9)  # waits before trying a server that did not answer again
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ("CREATE TABLE IF NOT EXISTS files (source TEXT PRIMARY KEY, size BIGINT, mtime_ns BIGINT, sha256 TEXT, "
     "doc_id TEXT, status TEXT, duplicate_of TEXT, versions TEXT, first_seen TEXT, processed_at TEXT, withdrawn TEXT)"),
    "CREATE INDEX IF NOT EXISTS files_sha ON files (sha256)",
    "CREATE TABLE IF NOT EXISTS texts (source TEXT PRIMARY KEY, text TEXT)",
    ("CREATE TABLE IF NOT EXISTS runs (started TEXT, finished TEXT, inbox TEXT, new BIGINT, changed BIGINT, "
     "unchanged BIGINT, removed BIGINT, duplicates BIGINT, failed BIGINT, added BIGINT, dropped BIGINT, versions TEXT)"),
    "CREATE TABLE IF NOT EXISTS changes (id BIGSERIAL PRIMARY KEY, run TEXT, source TEXT, change TEXT, detail TEXT)",
    "CREATE TABLE IF NOT EXISTS marks (key TEXT PRIMARY KEY, mark JSONB NOT NULL)",
)
UPSERT_FILE = (
    "INSERT INTO files (source, size, mtime_ns, sha256, doc_id, status, duplicate_of, versions, first_seen, "
    "processed_at, withdrawn) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,NULL) ON CONFLICT (source) DO UPDATE SET "
    "size=excluded.size, mtime_ns=excluded.mtime_ns, sha256=excluded.sha256, doc_id=excluded.doc_id, "
    "status=excluded.status, duplicate_of=excluded.duplicate_of, versions=excluded.versions, "
    "processed_at=excluded.processed_at, withdrawn=NULL")
LIVE = "source NOT IN (SELECT source FROM files WHERE withdrawn IS NOT NULL)"
BY_SOURCE = 'ORDER BY source COLLATE "C", row_no'  # the order of SQLite's state, whatever the database's collation


class PgState:
    """The state in the database at `url` (its schema from the URL's search_path); use as a context
    manager, which holds the run's advisory lock."""

    def __init__(self, url: str, wait: bool = True) -> None:
        self.con = _connect(url)
        info = self.con.info
        self.schema = str(self.con.execute("SELECT current_schema()").fetchone()[0])  # type: ignore[index]
        self.where = f"the database {info.dbname} on {info.host}:{info.port} (schema {self.schema})"
        self.wait = wait
        self.columns = {name: _columns(name) for name in TABLES}

    def __enter__(self) -> Self:
        try:
            self._lock()
            self._create()
        except BaseException:
            self.con.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()  # the server frees the advisory lock with the session, also when a run dies

    def _lock(self) -> None:
        key = int.from_bytes(hashlib.sha256(self.schema.encode()).digest()[:4], "big", signed=True)
        told = False
        while not self.con.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_CLASS, key)).fetchone()[0]:  # type: ignore[index]
            holder = self._holder()
            if not self.wait:
                raise RunBusy(f"another run is using {self.where} ({holder})",
                              "wait for it to finish, or run again without --no-wait to wait for it")
            if not told:
                log.warning("waiting for the run already using %s (%s)", self.where, holder)
                told = True
            time.sleep(POLL_SECONDS)

    def _holder(self) -> str:
        if self.con.execute("SELECT to_regclass('meta')").fetchone()[0] is None:  # type: ignore[index]
            return "unknown process"
        return self.get("holder") or "unknown process"

    def _create(self) -> None:
        """The tables, and the columns a newer pipeline added to its records."""
        with self.con.transaction():
            for statement in SCHEMA:
                self.con.execute(statement)
            for name, columns in self.columns.items():
                defined = ", ".join(f"{_quote(c)} {kind}" for c, kind in columns)
                self.con.execute(f"CREATE TABLE IF NOT EXISTS {name} (row_no INTEGER NOT NULL, {defined}, "
                                 "PRIMARY KEY (source, row_no))")
                have = {r[0] for r in self.con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                       "table_schema = current_schema() AND table_name = %s", (name,))}
                for column, kind in columns:
                    if column not in have:
                        self.con.execute(f"ALTER TABLE {name} ADD COLUMN {_quote(column)} {kind}")
            self.con.execute("INSERT INTO meta VALUES ('schema', %s) ON CONFLICT DO NOTHING", (SCHEMA_VERSION,))
            self._set("holder", f"pid {os.getpid()} on {socket.gethostname()} since "
                                f"{datetime.now().isoformat(timespec='seconds')}")

    # --- files ---------------------------------------------------------------------------

    def files(self) -> dict[str, FileState]:
        return {row[0]: FileState.of_row(row) for row in self.con.execute(f"SELECT {FILE_COLUMNS} FROM files")}

    def live_files(self) -> int:
        """How many files are still in the inbox."""
        return int(self.con.execute("SELECT count(*) FROM files WHERE withdrawn IS NULL").fetchone()[0])  # type: ignore[index]

    def touch(self, source: str, size: int, mtime_ns: int) -> None:
        self.con.execute("UPDATE files SET size = %s, mtime_ns = %s WHERE source = %s", (size, mtime_ns, source))

    def store(self, stored: list[Stored], versions: str, now: datetime, changes: list[ChangeRecord]) -> None:
        """Replace the rows of each processed file and record what that changed, all in one transaction:
        storing a batch again (a run that died, a re-run) leaves the same rows."""
        sources = [item.result.document.source for item in stored]
        stamp = now.isoformat(timespec="seconds")
        with self.con.transaction(), self.con.cursor() as cursor:
            for name in (*TABLES, "texts"):
                cursor.execute(f"DELETE FROM {name} WHERE source = ANY(%s)", (sources,))
            cursor.executemany(UPSERT_FILE, [_file_row(item, versions, stamp) for item in stored])
            for name, rows in _numbered(stored).items():
                self._copy(cursor, name, ["row_no", *(c for c, _ in self.columns[name])], rows)
            self._copy(cursor, "texts", ["source", "text"],
                       ([item.result.document.source, item.result.text] for item in stored))
            cursor.executemany("INSERT INTO changes (run, source, change, detail) VALUES (%s,%s,%s,%s)",
                               [astuple(c) for c in changes])
            self._set("dirty", "1")

    def _copy(self, cursor: psycopg.Cursor, table: str, columns: list[str], rows: Iterable[list[object]]) -> None:
        query = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table),
                                                          sql.SQL(", ").join(map(sql.Identifier, columns)))
        with cursor.copy(query) as copy:
            for row in rows:
                copy.write_row(row)

    def withdraw(self, sources: list[str], day: date, changes: list[ChangeRecord]) -> None:
        """Files gone from the inbox: their rows stay, marked withdrawn on `day`, with what that changed."""
        with self.con.transaction(), self.con.cursor() as cursor:
            cursor.execute("UPDATE files SET withdrawn = %s WHERE source = ANY(%s) AND withdrawn IS NULL",
                           (day.isoformat(), sources))
            cursor.executemany("INSERT INTO changes (run, source, change, detail) VALUES (%s,%s,%s,%s)",
                               [astuple(c) for c in changes])
            if sources:
                self._set("dirty", "1")

    # --- reading back ----------------------------------------------------------------------

    def records(self) -> dict[str, list[Any]]:
        """Every stored record by table, files in source order (as state.State)."""
        out: dict[str, list[Any]] = {}
        for name, columns in self.columns.items():
            names = [c for c, _ in columns]
            kind = RECORDS[name]
            rows = self.con.execute(f"SELECT {', '.join(map(_quote, names))} FROM {name} {BY_SOURCE}")
            out[name] = [record_of(kind, dict(zip(names, values))) for values in rows]
        return out

    def texts(self) -> dict[str, str]:
        return {source: text for source, text in self.con.execute("SELECT source, text FROM texts")}

    def snapshot(self) -> Snapshot:
        return snapshot_of(self.records(), self.files(), self.texts(), self.runs(), self.changes(), self.marks())

    def requirement_keys(self, sources: list[str]) -> set[RequirementKey]:
        """What identifies each stored requirement of these files, to tell added from removed ones."""
        rows = self.con.execute("SELECT source, kind, text, due_date, window_end, quantity FROM requirements "
                                "WHERE source = ANY(%s)", (sources,))
        return {RequirementKey(source, kind, text, str(due or end or ""), str(_cell(quantity) or ""))
                for source, kind, text, due, end, quantity in rows}

    def text(self, source: str) -> str:
        """The normalised text of one file ("" when none is stored)."""
        row = self.con.execute("SELECT text FROM texts WHERE source = %s", (source,)).fetchone()
        return str(row[0] or "") if row else ""

    def live_errors(self) -> list[ErrorRecord]:
        """The error records of files still in the inbox."""
        rows = self.con.execute(f"SELECT source, stage, reason, hint, doc_id FROM errors WHERE {LIVE} {BY_SOURCE}")
        return [ErrorRecord(source, Stage(stage), reason, hint or "", doc_id or "")
                for source, stage, reason, hint, doc_id in rows]

    def count(self, table: str) -> int:
        """Rows of a table over the files still in the inbox."""
        if table not in self.columns:
            raise ValueError(f"no table {table}")
        return int(self.con.execute(f"SELECT count(*) FROM {table} WHERE {LIVE}").fetchone()[0])  # type: ignore[index]

    # --- runs and flags ----------------------------------------------------------------------

    def get(self, key: str) -> str:
        row = self.con.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return str(row[0]) if row else ""

    def set(self, key: str, value: str) -> None:
        self._set(key, value)

    def _set(self, key: str, value: str) -> None:
        self.con.execute("INSERT INTO meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         (key, value))

    def marks(self) -> dict[str, Mark]:
        return {str(key): record_of(Mark, data) for key, data in self.con.execute("SELECT key, mark FROM marks")}

    def save_marks(self, marks: list[Mark], drop: list[str]) -> None:
        """Store these marks (replacing those of their keys) and forget the keys in `drop`, in one transaction."""
        with self.con.transaction(), self.con.cursor() as cursor:
            cursor.executemany("DELETE FROM marks WHERE key = %s", [(key,) for key in drop])
            cursor.executemany("INSERT INTO marks VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET mark = excluded.mark",
                               [(m.key, Jsonb(_jsonable(row_of(m)))) for m in marks])
            if marks or drop:
                self._set("dirty", "1")

    def record_run(self, run: RunRecord, changes: list[ChangeRecord]) -> None:
        values = astuple(run)
        with self.con.transaction(), self.con.cursor() as cursor:
            cursor.execute(f"INSERT INTO runs VALUES ({','.join(['%s'] * len(values))})", values)
            cursor.executemany("INSERT INTO changes (run, source, change, detail) VALUES (%s,%s,%s,%s)",
                               [astuple(c) for c in changes])

    def runs(self) -> list[RunRecord]:
        rows = self.con.execute("SELECT started, finished, inbox, new, changed, unchanged, removed, duplicates, "
                                'failed, added, dropped, versions FROM runs ORDER BY started COLLATE "C"')
        return [RunRecord.of_row(tuple(row)) for row in rows]

    def changes(self) -> list[ChangeRecord]:
        rows = self.con.execute('SELECT run, source, change, detail FROM changes ORDER BY run COLLATE "C", '
                                'source COLLATE "C", id')
        return [ChangeRecord.of_row(tuple(row)) for row in rows]

    def unrecorded_changes(self) -> list[ChangeRecord]:
        """The changes of runs that stored files but never recorded themselves (killed)."""
        rows = self.con.execute('SELECT run, source, change, detail FROM changes WHERE run NOT IN (SELECT started '
                                'FROM runs) ORDER BY run COLLATE "C", source COLLATE "C", id')
        return [ChangeRecord.of_row(tuple(row)) for row in rows]


def _connect(url: str) -> psycopg.Connection:
    """A connection to the server at `url`, tried again after a short wait when the server does not answer
    (it restarts, the network blinks); ServiceError, one line, when it never does."""
    for attempt, pause in enumerate((*RETRY_SECONDS, None)):
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS, application_name="notices")
        except psycopg.OperationalError as exc:
            if pause is None:
                raise ServiceError(f"cannot connect to PostgreSQL ({_safe(url)}) after {attempt + 1} tries: "
                                   f"{str(exc).strip().splitlines()[0]}",
                                   "check the --db URL (postgresql://USER@HOST:PORT/DATABASE) and that the server "
                                   "is running") from None
            log.warning("PostgreSQL (%s) does not answer; trying again in %s s", _safe(url), pause)
            time.sleep(pause)
    raise AssertionError("unreachable")


def lost(exc: Exception, url: str) -> ServiceError:
    """The one-line error of a server that went away during a run: what is stored is kept."""
    return ServiceError(f"lost PostgreSQL ({_safe(url)}) during the run: {str(exc).strip().splitlines()[0]}",
                        "the files stored so far are kept; run again once the server is back, and the run goes on "
                        "from there")


def _columns(table: str) -> list[tuple[str, str]]:
    """A dataset table's columns (its record's fields) with their PostgreSQL types."""
    record = RECORDS[table]
    hints = get_type_hints(record)
    return [(f.name, _pg_type(hints[f.name])) for f in fields(record)]


def _pg_type(hint: object) -> str:
    kinds = set(get_args(hint)) - {type(None)} or {hint}
    for kind, name in ((bool, "BOOLEAN"), (date, "DATE"), (int, "BIGINT"), (float, "DOUBLE PRECISION")):
        if kinds == {kind}:
            return name
    return "TEXT"  # text, enums, times as HH:MM and lists joined by ';', as in the CSV


def _numbered(stored: list[Stored]) -> dict[str, list[list[object]]]:
    """Each table's rows of the batch, numbered within their file (the order the file gave them)."""
    out: dict[str, list[list[object]]] = {name: [] for name in TABLES}
    for item in stored:
        for name, (columns, rows) in tables_of([item.result]).items():
            out[name] += [[n, *(row.get(c) for c in columns)] for n, row in enumerate(rows)]
    return out


def _file_row(item: Stored, versions: str, stamp: str) -> tuple[object, ...]:
    doc = item.result.document
    return (doc.source, item.found.size, item.found.mtime_ns, doc.sha256 or item.digest, doc.doc_id, doc.status.value,
            item.duplicate_of or None, versions, stamp, stamp)


def _cell(value: object) -> Cell:
    """A value as state.State gives it back: a whole float is an int (as in the CSV)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value  # type: ignore[return-value]


def _jsonable(row: dict[str, Cell]) -> dict[str, object]:
    """A row for a JSON column: dates as ISO text."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _safe(url: str) -> str:
    """The URL's parts without its password, for messages."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "an unreadable URL"
    return " ".join(f"{key}={parts[key]}" for key in ("host", "port", "dbname", "user") if parts.get(key))

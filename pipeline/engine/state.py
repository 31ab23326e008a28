"""The run state in the output folder (.notices/state.db): what each file was when it was processed,
its result rows, the run history and what changed; stored per batch in one transaction each."""
from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from ..dataset import (
    RECORDS,
    TABLES,
    ChangeRecord,
    FileMarks,
    Mark,
    RequirementKey,
    Row,
    RunRecord,
    Snapshot,
    record_of,
    row_of,
    tables_of,
)
from ..model import DocumentRecord, ErrorRecord, FileResult, ProgressItem, Requirement, Stage

if TYPE_CHECKING:
    from .plan import Found

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
LOCK_WAIT = 15.0  # seconds a run waits for a state database another program holds, then says so
RUN_FIELDS = fields(RunRecord)
STATE_DIR = ".notices"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    source TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha256 TEXT, doc_id TEXT, status TEXT,
    duplicate_of TEXT, versions TEXT, first_seen TEXT, processed_at TEXT, withdrawn TEXT);
CREATE INDEX IF NOT EXISTS files_sha ON files (sha256);
CREATE TABLE IF NOT EXISTS results (source TEXT, tbl TEXT, rows TEXT, PRIMARY KEY (source, tbl));
CREATE TABLE IF NOT EXISTS texts (source TEXT PRIMARY KEY, text TEXT);
CREATE TABLE IF NOT EXISTS runs (started TEXT, finished TEXT, inbox TEXT, new INTEGER, changed INTEGER,
    unchanged INTEGER, removed INTEGER, duplicates INTEGER, failed INTEGER, added INTEGER, dropped INTEGER,
    versions TEXT);
CREATE TABLE IF NOT EXISTS changes (run TEXT, source TEXT, change TEXT, detail TEXT);
CREATE TABLE IF NOT EXISTS marks (key TEXT PRIMARY KEY, mark TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Stored:
    """A result to store with the file it came from, its content hash and the file it repeats."""
    result: FileResult
    found: Found
    digest: str = ""
    duplicate_of: str = ""


@dataclass(frozen=True, slots=True)
class FileState:
    """What a file was when it was last processed."""
    source: str
    size: int
    mtime_ns: int
    sha256: str
    doc_id: str
    status: str
    duplicate_of: str
    versions: str
    withdrawn: str

    @classmethod
    def of_row(cls, row: tuple[Any, ...]) -> FileState:
        """From a row of FILE_COLUMNS (NULLs as 0 or "")."""
        return cls(row[0], row[1] or 0, row[2] or 0, *(value or "" for value in row[3:]))


FILE_COLUMNS = "source, size, mtime_ns, sha256, doc_id, status, duplicate_of, versions, withdrawn"
LIVE = "source NOT IN (SELECT source FROM files WHERE withdrawn IS NOT NULL)"  # a file still in the inbox


def state_dir(out_dir: Path) -> Path:
    return out_dir / STATE_DIR


class State:
    """The state database of one output folder; use as a context manager."""

    def __init__(self, out_dir: Path) -> None:
        folder = state_dir(out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "state.db"
        con = _sound(path)
        repaired = con is None
        if con is None:  # damaged: moved aside, and this run reads the inbox again into a new one
            aside = _move_aside(path)
            log.warning("the run state %s was damaged; kept as %s, every file is read again", path, aside.name)
            con = sqlite3.connect(path, timeout=LOCK_WAIT)
        self.con: sqlite3.Connection = con
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.executescript(SCHEMA)
        self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        self.con.commit()
        if repaired:
            self._history_from(out_dir / "notices.db")

    @classmethod
    def shared(cls, out_dir: Path) -> State:
        """The state of a folder a run has made, opened beside runs for short reads and staff marks (the web
        page): no checks and no schema; each call is its own transaction, waiting up to LOCK_WAIT for a run's.
        FileNotFoundError when no run has made it."""
        path = state_dir(out_dir) / "state.db"
        if not path.is_file():
            raise FileNotFoundError(path)
        state = cls.__new__(cls)
        state.con = sqlite3.connect(path, timeout=LOCK_WAIT, check_same_thread=False)
        return state

    def _history_from(self, written: Path) -> None:
        """The run history the last outputs hold (notices.db's runs and changes, in the state's column order),
        so that a rebuilt state keeps it."""
        try:
            old = sqlite3.connect(f"file:{written}?mode=ro", uri=True)
            runs = old.execute("SELECT * FROM runs").fetchall()
            changes = old.execute("SELECT * FROM changes").fetchall()
            old.close()
        except sqlite3.Error:
            return  # no outputs yet, or they are damaged too: the history starts again
        with self.con:
            self.con.executemany(f"INSERT INTO runs VALUES ({','.join('?' * len(RUN_FIELDS))})", runs)
            self.con.executemany("INSERT INTO changes VALUES (?,?,?,?)", changes)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.con.close()

    # --- files ---------------------------------------------------------------------------

    def files(self) -> dict[str, FileState]:
        return {row[0]: FileState.of_row(row) for row in self.con.execute(f"SELECT {FILE_COLUMNS} FROM files")}

    def live_files(self) -> int:
        """How many files are still in the inbox."""
        return int(self.con.execute("SELECT count(*) FROM files WHERE withdrawn IS NULL").fetchone()[0])

    def touch(self, source: str, size: int, mtime_ns: int) -> None:
        """The file is unchanged but its time moved (touched, copied back): remember the new time."""
        with self.con:
            self.con.execute("UPDATE files SET size = ?, mtime_ns = ? WHERE source = ?", (size, mtime_ns, source))

    def store(self, stored: list[Stored], versions: str, now: datetime, changes: list[ChangeRecord]) -> None:
        """Replace the rows of each processed file and record what that changed, all in one transaction."""
        with self.con:
            for item in stored:
                self._store_one(item, versions, now)
            self.con.executemany("INSERT INTO changes VALUES (?,?,?,?)", [astuple(c) for c in changes])
            self._set("dirty", "1")

    def _store_one(self, item: Stored, versions: str, now: datetime) -> None:
        result, size, mtime_ns, duplicate_of = item.result, item.found.size, item.found.mtime_ns, item.duplicate_of
        doc = result.document
        source = doc.source
        self.con.execute(
            "INSERT INTO files (source, size, mtime_ns, sha256, doc_id, status, duplicate_of, versions, first_seen, "
            "processed_at, withdrawn) VALUES (?,?,?,?,?,?,?,?,?,?,NULL) ON CONFLICT(source) DO UPDATE SET "
            "size=excluded.size, mtime_ns=excluded.mtime_ns, sha256=excluded.sha256, doc_id=excluded.doc_id, "
            "status=excluded.status, duplicate_of=excluded.duplicate_of, versions=excluded.versions, "
            "processed_at=excluded.processed_at, withdrawn=NULL",
            (source, size, mtime_ns, doc.sha256 or item.digest, doc.doc_id, doc.status.value, duplicate_of or None,
             versions,
             now.isoformat(timespec="seconds"), now.isoformat(timespec="seconds")))
        self.con.execute("DELETE FROM results WHERE source = ?", (source,))
        for table, (_, rows) in tables_of([result]).items():
            if rows:
                self.con.execute("INSERT INTO results VALUES (?,?,?)", (source, table, _dumps(rows)))
        self.con.execute("INSERT OR REPLACE INTO texts VALUES (?,?)", (source, result.text))

    def withdraw(self, sources: list[str], day: date, changes: list[ChangeRecord]) -> None:
        """Files gone from the inbox: their rows stay, marked withdrawn on `day`, with what that changed."""
        with self.con:
            self.con.executemany("UPDATE files SET withdrawn = ? WHERE source = ? AND withdrawn IS NULL",
                                 [(day.isoformat(), s) for s in sources])
            self.con.executemany("INSERT INTO changes VALUES (?,?,?,?)", [astuple(c) for c in changes])
            if sources:
                self._set("dirty", "1")

    # --- reading back ----------------------------------------------------------------------

    def records(self) -> dict[str, list[Any]]:
        """Every stored record by table, files in source order."""
        out: dict[str, list[Any]] = {t: [] for t in TABLES}
        for table, data in self.con.execute("SELECT tbl, rows FROM results ORDER BY source, tbl"):
            kind = RECORDS[table]
            out[table].extend(record_of(kind, row) for row in json.loads(data))
        return out

    def texts(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT source, text FROM texts"))

    def text(self, source: str) -> str:
        """The normalised text of one file ("" when none is stored)."""
        row = self.con.execute("SELECT text FROM texts WHERE source = ?", (source,)).fetchone()
        return str(row[0] or "") if row else ""

    def snapshot(self) -> Snapshot:
        return snapshot_of(self.records(), self.files(), self.texts(), self.runs(), self.changes(), self.marks())

    def requirement_keys(self, sources: list[str]) -> set[RequirementKey]:
        """What identifies each stored requirement of these files, to tell added from removed ones."""
        keys: set[RequirementKey] = set()
        for chunk in range(0, len(sources), 500):
            part = sources[chunk:chunk + 500]
            query = f"SELECT rows FROM results WHERE tbl = 'requirements' AND source IN ({','.join('?' * len(part))})"
            for (data,) in self.con.execute(query, part):
                keys |= {RequirementKey(r["source"], r["kind"], r["text"],
                                        str(r.get("due_date") or r.get("window_end") or ""), str(r.get("quantity") or ""))
                         for r in json.loads(data)}
        return keys

    def live_errors(self) -> list[ErrorRecord]:
        """The error records of files still in the inbox."""
        out = []
        for (data,) in self.con.execute(f"SELECT rows FROM results WHERE tbl = 'errors' AND {LIVE} ORDER BY source"):
            out += [ErrorRecord(r["source"], Stage(r["stage"]), r["reason"], r.get("hint", ""), r.get("doc_id", ""))
                    for r in json.loads(data)]
        return out

    def count(self, table: str) -> int:
        """Rows of a table over the files still in the inbox (counted by SQLite, no row read into Python)."""
        found = self.con.execute(f"SELECT sum(json_array_length(rows)) FROM results WHERE tbl = ? AND {LIVE}",
                                 (table,)).fetchone()
        return int(found[0] or 0)

    # --- runs and flags ----------------------------------------------------------------------

    def get(self, key: str) -> str:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else ""

    def set(self, key: str, value: str) -> None:
        with self.con:
            self._set(key, value)

    def _set(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- staff marks ---------------------------------------------------------------------------

    def marks(self) -> dict[str, Mark]:
        return {key: record_of(Mark, json.loads(data)) for key, data in self.con.execute("SELECT key, mark FROM marks")}

    def save_marks(self, marks: list[Mark], drop: list[str]) -> None:
        """Store these marks (replacing those of their keys) and forget the keys in `drop`, in one transaction."""
        with self.con:
            self.con.executemany("DELETE FROM marks WHERE key = ?", [(key,) for key in drop])
            self.con.executemany("INSERT OR REPLACE INTO marks VALUES (?, ?)",
                                 [(m.key, _dumps(row_of(m))) for m in marks])
            if marks or drop:
                self._set("dirty", "1")

    def record_run(self, run: RunRecord, changes: list[ChangeRecord]) -> None:
        with self.con:
            self.con.execute(f"INSERT INTO runs VALUES ({','.join('?' * len(RUN_FIELDS))})", astuple(run))
            self.con.executemany("INSERT INTO changes VALUES (?,?,?,?)", [astuple(c) for c in changes])

    def runs(self) -> list[RunRecord]:
        return [RunRecord.of_row(row) for row in self.con.execute("SELECT * FROM runs ORDER BY started")]

    def changes(self) -> list[ChangeRecord]:
        return [ChangeRecord.of_row(row) for row in self.con.execute("SELECT * FROM changes ORDER BY run, source")]

    def unrecorded_changes(self) -> list[ChangeRecord]:
        """The changes of runs that stored files but never recorded themselves (killed)."""
        return [ChangeRecord.of_row(row) for row in self.con.execute(
            "SELECT * FROM changes WHERE run NOT IN (SELECT started FROM runs) ORDER BY run, source")]


def _sound(path: Path) -> sqlite3.Connection | None:
    """The state database at `path` opened, or None when it is damaged (not a database, or failing SQLite's
    quick check)."""
    con = sqlite3.connect(path, timeout=LOCK_WAIT)
    try:
        if con.execute("PRAGMA quick_check").fetchone() == ("ok",):
            return con
    except sqlite3.DatabaseError:
        pass
    con.close()
    return None


def _move_aside(path: Path) -> Path:
    """Move a damaged database (with its journal files) to state.db.damaged-<time>, for whoever looks into it."""
    aside = path.with_name(f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            os.replace(part, Path(f"{aside}{suffix}"))
    return aside


def snapshot_of(records: dict[str, list[Any]], files: dict[str, FileState], texts: dict[str, str],
                runs: list[RunRecord], changes: list[ChangeRecord], marks: dict[str, Mark]) -> Snapshot:
    """A store's snapshot from its records by table and its files' states (state.State, pgstate.PgState)."""
    documents: list[DocumentRecord] = records["documents"]
    requirements: list[Requirement] = records["requirements"]
    progress: list[ProgressItem] = records["progress"]
    errors: list[ErrorRecord] = records["errors"]
    filed = {s.source: FileMarks(s.withdrawn, s.duplicate_of) for s in files.values()}
    return Snapshot(documents, requirements, progress, errors, filed, texts, runs, changes, staff_marks=marks)


def _dumps(value: list[Row] | Row) -> str:
    return json.dumps(value, ensure_ascii=False, default=_iso, separators=(",", ":"))


def _iso(value: object) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")

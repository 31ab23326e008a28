"""The last run's outputs as the web page reads them: notices.db of the current output set (its checklist
rows by organisation, documents, requirements), with the staff marks of the store, and those made in the
checklist files since the run, laid on the rows; nothing is computed again from the whole dataset."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..dataset import Mark, record_of
from ..export.checklists import UNASSIGNED, Item
from ..export.generations import CURRENT, read_manifest
from ..export.marks import Edit, checklist_files, read_edits, with_edits, with_mark

SECTIONS = ("overdue", "this_week", "next_week", "later", "done")
PAGE = 50  # notices per page of the list of notices
SHOWN = 200  # rows a section of the list shows before a link to the rest
CHUNK = 5000  # rows fetched by one query


class NotWritten(LookupError):
    """The output folder holds no run's outputs yet (or outputs of a version without the checklist table)."""


@dataclass(frozen=True, slots=True)
class Clause:
    """Where a row's clause is in its notice: the notice and the span of the clause in its text."""
    doc_id: str
    char_start: int
    char_end: int


@contextmanager
def outputs(out_dir: Path) -> Iterator[sqlite3.Connection]:
    """notices.db of the current set, read-only: opened through the fixed name, so a run that switches the
    set meanwhile changes nothing of what this connection reads."""
    path = out_dir / "notices.db"
    if not path.is_file():
        raise NotWritten(str(path))
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'checklist'").fetchone() is None:
            raise NotWritten(str(path))
        yield con
    finally:
        con.close()


def set_id(out_dir: Path) -> str:
    """What identifies the current output set (it changes whenever a run writes new outputs)."""
    try:
        return os.readlink(out_dir / CURRENT)
    except OSError:
        try:
            return str((out_dir / "notices.db").stat().st_mtime_ns)
        except OSError:
            return ""


def organisations(out_dir: Path) -> list[str]:
    """Every organisation with rows, by name (rows of no organisation last)."""
    with outputs(out_dir) as con:
        names = [str(r[0]) for r in con.execute("SELECT DISTINCT organization FROM checklist ORDER BY organization")]
    return sorted(names, key=lambda n: (n == UNASSIGNED, n))


def rows_of(out_dir: Path, org: str) -> list[Item]:
    """Every row of `org`, current and past, in the checklists' order (for its exports)."""
    with outputs(out_dir) as con:
        return _items(con.execute("SELECT * FROM checklist WHERE organization = ? ORDER BY rowid", (org,)))


def row(out_dir: Path, key: str) -> Item | None:
    with outputs(out_dir) as con:
        found = _items(con.execute("SELECT * FROM checklist WHERE key = ? LIMIT 1", (key,)))
    return found[0] if found else None


def clause_of(out_dir: Path, req_id: str) -> Clause | None:
    with outputs(out_dir) as con:
        found = con.execute("SELECT doc_id, char_start, char_end FROM requirements WHERE req_id = ? LIMIT 1",
                            (req_id,)).fetchone()
    return Clause(str(found[0]), int(found[1] or 0), int(found[2] or 0)) if found else None


def documents(out_dir: Path, doc_ids: list[str] | None = None, page: int = 0) -> tuple[list[dict[str, Any]], int]:
    """A page of the notices (newest first; `doc_ids`: these, in this order) with how many rows each gives,
    and how many there are in all. Renditions of a notice already listed are left out."""
    with outputs(out_dir) as con:
        con.row_factory = sqlite3.Row
        counts = "(SELECT count(*) FROM requirements r WHERE r.doc_id = d.doc_id) AS rows"
        if doc_ids is None:
            shown = "duplicate_of IS NULL OR duplicate_of = ''"
            total = int(con.execute(f"SELECT count(*) FROM documents WHERE {shown}").fetchone()[0])
            found = con.execute(f"SELECT d.*, {counts} FROM documents d WHERE {shown} ORDER BY issued_on DESC, "
                                "source LIMIT ? OFFSET ?", (PAGE, page * PAGE)).fetchall()
            return [dict(r) for r in found], total
        part = doc_ids[page * PAGE:(page + 1) * PAGE]
        by_id = {r["doc_id"]: dict(r) for r in con.execute(
            f"SELECT d.*, {counts} FROM documents d WHERE doc_id IN ({','.join('?' * len(part))})", part)}
        return [by_id[i] for i in part if i in by_id], len(doc_ids)


def document(out_dir: Path, doc_id: str) -> dict[str, Any] | None:
    with outputs(out_dir) as con:
        con.row_factory = sqlite3.Row
        found = con.execute("SELECT * FROM documents WHERE doc_id = ? LIMIT 1", (doc_id,)).fetchone()
    return dict(found) if found else None


def requirements_of(out_dir: Path, doc_id: str) -> list[dict[str, Any]]:
    with outputs(out_dir) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM requirements WHERE doc_id = ? ORDER BY char_start, "
                                             "req_id", (doc_id,))]


def errors_of(out_dir: Path, source: str) -> list[dict[str, Any]]:
    with outputs(out_dir) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM errors WHERE source = ?", (source,))]


def document_of(out_dir: Path, source: str) -> dict[str, Any] | None:
    with outputs(out_dir) as con:
        con.row_factory = sqlite3.Row
        found = con.execute("SELECT * FROM documents WHERE source = ? LIMIT 1", (source,)).fetchone()
    return dict(found) if found else None


@dataclass(frozen=True, slots=True)
class Listed:
    """An organisation's list by section: the first rows of each (all of `whole`) and how many there are."""
    rows: dict[str, list[Item]]
    counts: dict[str, int]


def listed(out_dir: Path, org: str, today: date, past: date, done: set[str], whole: str = "") -> Listed:
    """The rows of `org` by when they are due from `today`: overdue, this week (to Sunday), next week, later
    or undated, and done (`done`: the keys the marks say are); rows long past (before `past`, or undated in
    a notice no longer valid) are history, not listed. SQLite sorts the rows into sections, counts them
    and picks the first of each, so a page reads the rows it shows (SHOWN a section, every one of `whole`),
    however long the list."""
    sunday = today + timedelta(days=6 - today.weekday())
    values = {"org": org, "today": today.isoformat(), "past": past.isoformat(), "sunday": sunday.isoformat(),
              "next": (sunday + timedelta(days=7)).isoformat(), "done": json.dumps(sorted(done)), "whole": whole,
              "shown": SHOWN}
    rows: dict[str, list[Item]] = {name: [] for name in SECTIONS}
    counts = dict.fromkeys(SECTIONS, 0)
    with outputs(out_dir) as con:
        # Counted and picked by SQLite, which lets go of Python's lock meanwhile: requests run on every core.
        counts |= dict(con.execute(f"SELECT list_section, count(*) FROM ({_SECTIONED}) GROUP BY 1", values))
        wanted = con.execute(  # (rowid, section) of the rows shown, in the checklists' order
            f"SELECT rowid, list_section FROM (SELECT rowid, list_section, row_number() OVER (PARTITION BY "
            f"list_section ORDER BY rowid) AS n FROM ({_SECTIONED})) WHERE n <= :shown OR list_section = :whole "
            "ORDER BY rowid", values).fetchall()
        for part in range(0, len(wanted), CHUNK):
            chunk = wanted[part:part + CHUNK]
            items = _items(con.execute("SELECT * FROM checklist WHERE rowid IN (SELECT value FROM json_each(?)) "
                                       "ORDER BY rowid", (json.dumps([r for r, _ in chunk]),)))
            for (_, section), item in zip(chunk, items, strict=True):
                rows[section].append(item)
    return Listed(rows, counts)


# The rows of :org still current (not long past, not undated in a notice no longer valid), each with its
# section: marked done, else by its date from :today (undated: later).
_SECTIONED = """SELECT rowid, CASE WHEN key IN (SELECT value FROM json_each(:done)) THEN 'done'
        WHEN due_date < :today THEN 'overdue' WHEN due_date <= :sunday THEN 'this_week'
        WHEN due_date <= :next THEN 'next_week' ELSE 'later' END AS list_section
    FROM checklist WHERE organization = :org
    AND NOT ((due_date IS NULL AND valid_until IS NOT NULL AND valid_until < :today)
             OR (due_date IS NOT NULL AND due_date < :past))"""


def marked(items: list[Item], marks: dict[str, Mark]) -> list[Item]:
    """The rows with the marks of their keys on them."""
    return [with_mark(i, marks.get(i.key)) for i in items]


class Pending:
    """Marks staff made in the checklist files since the run wrote them, read once per change of the files
    (the page shows them before the next run takes them into the store)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: tuple[str, tuple[tuple[str, int], ...]] | None = None
        self._edits: list[Edit] = []
        self._written: dict[str, int] = {}

    def over(self, out_dir: Path, stored: dict[str, Mark]) -> dict[str, Mark]:
        """The stored marks with the edits in the files that are newer laid over them."""
        with self._lock:
            files = tuple(sorted(checklist_files(out_dir).items()))
            seen = (set_id(out_dir), files)
            if seen != self._seen:
                if self._seen is None or seen[0] != self._seen[0]:
                    manifest = read_manifest(out_dir)
                    self._written = manifest.mtimes() if manifest is not None else {}
                self._edits = read_edits(out_dir, self._written)[0] if any(
                    self._written.get(name) != mtime for name, mtime in files) else []
                self._seen = seen
            edits = self._edits
        return with_edits(stored, edits) if edits else stored


def _items(cursor: sqlite3.Cursor) -> list[Item]:
    """The checklist rows a query gives, as Items."""
    names = [d[0] for d in cursor.description]
    return [record_of(Item, dict(zip(names, values))) for values in cursor]

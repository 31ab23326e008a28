"""The dataset a run keeps and writes: its tables (names, columns, the records turned into rows), the run
history as records, and the snapshot every output is made from. The stores (state, pgstate) and the
writers (export) both use it; neither imports the other."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from enum import Enum
from typing import NamedTuple

from .model import DocumentRecord, ErrorRecord, FileResult, ProgressItem, Requirement

TABLES = ("documents", "requirements", "progress", "errors")
RECORDS = {"documents": DocumentRecord, "requirements": Requirement, "progress": ProgressItem, "errors": ErrorRecord}
# Marks a run adds to the rows (a file removed, a copy of another file, another rendition of a notice…).
EXTRA_COLUMNS = {"documents": ("withdrawn", "duplicate_of", "same_as", "relates_to", "relation"),
                 "requirements": ("withdrawn",), "progress": ("withdrawn",)}
DATE_COLUMNS = ("issued_on", "as_of", "due_date", "window_start", "window_end", "period_start", "period_end")
Cell = str | int | float | date | None
Row = dict[str, Cell]
Table = tuple[list[str], list[Row]]


def tables_of(results: list[FileResult]) -> dict[str, Table]:
    """Each table as (columns, rows) with SPEC columns first; values are plain (dates stay dates)."""
    documents = [r.document for r in results]
    requirements = [q for r in results for q in r.requirements]
    progress = [p for r in results for p in r.progress]
    errors = [r.error for r in results if r.error is not None]
    return {
        "documents": (_fields(DocumentRecord), [_plain(d) for d in documents]),
        "requirements": (_fields(Requirement), [_plain(q) for q in requirements]),
        "progress": (_fields(ProgressItem), [_plain(p) for p in progress]),
        "errors": (_fields(ErrorRecord), [_plain(e) for e in errors]),
    }


def columns_of(table: str) -> list[str]:
    """A table's columns: the SPEC's (the record's fields) first, then the marks a run adds."""
    return _fields(RECORDS[table]) + list(EXTRA_COLUMNS.get(table, ()))


def with_dates(row: Row) -> Row:
    """A row read back from text (JSON, SQLite) with its date columns as dates again."""
    for column in DATE_COLUMNS:
        value = row.get(column)
        if isinstance(value, str) and value:
            row[column] = date.fromisoformat(value)
    return row


def _fields(record: type) -> list[str]:
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


class RequirementKey(NamedTuple):
    """What identifies a stored requirement from one run to the next, to tell added from removed ones."""
    source: str
    kind: str
    text: str
    due: str  # its due date or the end of its window, ISO; empty when it has neither
    quantity: str

    def describe(self) -> str:
        return f"{self.kind} {self.due} {self.text}".replace("  ", " ").strip()


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One run in the history (runs.csv and the runs table of notices.db, in this column order). The stores
    keep it in this order too; their own tables name the last counts `added` and `dropped`."""
    started: str  # ISO, to the second: also the run's key in the changes
    finished: str
    inbox: str
    new: int
    changed: int
    unchanged: int
    removed: int
    duplicates: int
    failed: int
    requirements_added: int
    requirements_removed: int
    versions: str

    @classmethod
    def of_row(cls, row: tuple[object, ...]) -> RunRecord:
        """From a stored row in this column order (NULL counts as 0)."""
        n = [int(str(v or 0)) for v in row[3:11]]
        return cls(str(row[0]), str(row[1]), str(row[2]), n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], str(row[11]))


@dataclass(frozen=True, slots=True)
class ChangeRecord:
    """What a run changed for one file (changes.csv): new, changed, removed, failed, a requirement added…"""
    run: str  # the RunRecord.started of the run
    source: str
    change: str
    detail: str

    @classmethod
    def of_row(cls, row: tuple[object, ...]) -> ChangeRecord:
        run, source, change, detail = row
        return cls(str(run), str(source), str(change), str(detail or ""))


RUN_COLUMNS = _fields(RunRecord)
CHANGE_COLUMNS = _fields(ChangeRecord)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the outputs are made from: rows by table, texts by source, the run history."""
    rows: dict[str, list[Row]]
    texts: dict[str, str]
    runs: list[RunRecord]
    changes: list[ChangeRecord]

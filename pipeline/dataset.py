"""The dataset a run keeps and writes: its tables (names, columns, the records turned into rows), the run
history as records, and the snapshot every output is made from. The stores (state, pgstate) and the
writers (export) both use it; neither imports the other."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime, time
from enum import Enum
from functools import cache
from types import NoneType, UnionType
from typing import Any, NamedTuple, TypeVar, Union, get_args, get_origin, get_type_hints

from .model import DocumentRecord, ErrorRecord, FileResult, ProgressItem, Requirement

TABLES = ("documents", "requirements", "progress", "errors")
RECORDS = {"documents": DocumentRecord, "requirements": Requirement, "progress": ProgressItem, "errors": ErrorRecord}
# Marks a run adds to the rows (a file removed, a copy of another file, another rendition of a notice…):
# FileMarks and Link below, written as the last columns of their tables.
EXTRA_COLUMNS = {"documents": ("withdrawn", "duplicate_of", "same_as", "relates_to", "relation"),
                 "requirements": ("withdrawn",), "progress": ("withdrawn",)}
LIST_SEPARATOR = ";"  # a tuple field as one cell (emails, flags, attachments, partner organisations)
Cell = str | int | float | date | None
Row = dict[str, Cell]
Table = tuple[list[str], list[Row]]
R = TypeVar("R")


def tables_of(results: list[FileResult]) -> dict[str, Table]:
    """Each table as (columns, rows) with SPEC columns first; values are plain (dates stay dates)."""
    documents = [r.document for r in results]
    requirements = [q for r in results for q in r.requirements]
    progress = [p for r in results for p in r.progress]
    errors = [r.error for r in results if r.error is not None]
    return {
        "documents": (_fields(DocumentRecord), [row_of(d) for d in documents]),
        "requirements": (_fields(Requirement), [row_of(q) for q in requirements]),
        "progress": (_fields(ProgressItem), [row_of(p) for p in progress]),
        "errors": (_fields(ErrorRecord), [row_of(e) for e in errors]),
    }


def columns_of(table: str) -> list[str]:
    """A table's columns: the SPEC's (the record's fields) first, then the marks a run adds."""
    return _fields(RECORDS[table]) + list(EXTRA_COLUMNS.get(table, ()))


def row_of(record: object) -> Row:
    """A record as a row of plain cells: enums by value, times as HH:MM, tuples joined, whole floats as ints."""
    return {name: _value(getattr(record, name)) for name in names_of(type(record))}


def cells(record: object) -> dict[str, Any]:
    """A record's fields by name, values as they are (dataclasses.asdict copies every value deeply, which
    took most of the time of writing a large dataset's outputs; records hold no nested records)."""
    return {name: getattr(record, name) for name in names_of(type(record))}


def names_of(kind: type) -> tuple[str, ...]:
    """A record type's field names (looked up once per type)."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


_NAMES: dict[type, tuple[str, ...]] = {}


def record_of(kind: type[R], row: Mapping[str, object]) -> R:
    """The record a stored row was made from (the inverse of row_of): cells as text (JSON, SQLite) or typed
    (PostgreSQL); columns the record does not have are ignored, missing or empty ones take the default."""
    return kind(**{name: convert(row.get(name)) for name, convert in _converters(kind)})  # type: ignore[arg-type]


@cache
def _converters(kind: type) -> tuple[tuple[str, Callable[[object], Any]], ...]:
    hints = get_type_hints(kind)
    return tuple((f.name, _converter(hints[f.name], f.default)) for f in fields(kind))


def _converter(hint: object, default: object) -> Callable[[object], Any]:
    """A function from a stored cell to the field's value; None and "" are the default (or None)."""
    empty = None if default is MISSING else default
    options = get_args(hint) if get_origin(hint) in (Union, UnionType) else (hint,)
    kind = next(t for t in options if t is not NoneType)
    origin = get_origin(kind) or kind
    parse: Callable[[Any], object]
    if origin is tuple:
        parse = _items
    elif origin is str:
        return lambda v: "" if v is None else str(v)
    elif isinstance(origin, type) and issubclass(origin, Enum):
        parse = origin
    elif origin is date:
        parse = _day
    elif origin is time:
        parse = _clock
    elif origin in (int, float):
        parse = origin
    elif origin is bool:  # stored as 0/1 (SQLite) or true/false
        parse = _flag
    else:
        raise TypeError(f"no stored form for {hint}")
    return lambda v: empty if v is None or v == "" else parse(v)


def _items(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split(LIST_SEPARATOR))
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def _flag(value: object) -> bool:
    return value in (True, 1, "1", "true", "True")


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _clock(value: object) -> time:
    return value if isinstance(value, time) else time.fromisoformat(str(value))


def _fields(record: type) -> list[str]:
    return [f.name for f in fields(record)]


def _value(v: object) -> Cell:
    if isinstance(v, Enum):
        return str(v.value)
    if isinstance(v, time):
        return v.strftime("%H:%M")
    if isinstance(v, datetime):
        return v.isoformat(timespec="minutes")
    if isinstance(v, (tuple, list)):
        return LIST_SEPARATOR.join(str(x) for x in v)
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
class FileMarks:
    """What the run state knows of a stored file besides its rows (the `withdrawn` and `duplicate_of` columns)."""
    withdrawn: str = ""  # the day (ISO) the file left the inbox; its rows are kept
    duplicate_of: str = ""  # the file with the same bytes that was read instead


@dataclass(frozen=True, slots=True)
class Link:
    """How a notice stands to the others (links.py; the documents' last columns)."""
    same_as: str = ""  # the doc_id of the first rendition of the same notice
    relates_to: str = ""  # the doc_id of the notice this one supplements, corrects or postpones
    relation: str = ""  # how (rules: relations)


@dataclass(frozen=True, slots=True)
class Mark:
    """What staff keep about one obligation (a checklist row), kept in the store against the row's stable
    key from run to run; the rest describes the obligation when it was last seen, for the `removed` sheet
    and to find it again when its key changes (a rule changed how its clause reads)."""
    key: str
    status: str = ""  # a status id of export/labels.yaml (todo, doing, done); "" when never set
    assignee: str = ""
    done_on: date | None = None
    note: str = ""
    updated: str = ""  # ISO moment of the edit: the edited file's modification time, or when `notices done` ran
    origin: str = ""  # where the edit was made (checklists.xlsx, checklists/<org>.csv, notices done)
    organization: str = ""
    due_date: date | None = None
    what: str = ""
    text: str = ""  # the clause
    source: str = ""


MARK_FIELDS = tuple(f.name for f in fields(Mark))
NO_MARKS = FileMarks()
NO_LINK = Link()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the outputs are made from: the stored records by table (files in source order, each
    file's in the order it gave them), each file's marks and text by source, the run history, and the
    links between notices by source (filled by links.py before the outputs are written)."""
    documents: list[DocumentRecord]
    requirements: list[Requirement]
    progress: list[ProgressItem]
    errors: list[ErrorRecord]
    files: dict[str, FileMarks]
    texts: dict[str, str]
    runs: list[RunRecord]
    changes: list[ChangeRecord]
    links: dict[str, Link] = field(default_factory=dict)
    staff_marks: dict[str, Mark] = field(default_factory=dict)  # what staff keep (checklists), by key

    def file_marks(self, source: str) -> FileMarks:
        return self.files.get(source, NO_MARKS)

    def link(self, source: str) -> Link:
        return self.links.get(source, NO_LINK)

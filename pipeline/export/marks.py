"""Staff marks on the checklists (status, assignee, done_on, note): read back from the workbook and the CSVs
people edited, merged with the store's (the newest edit wins), put on the rows by their stable key, and
kept, when their obligation is gone, for the `removed` sheet."""
from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from ..dataset import Mark
from .checklists import MARK_COLUMNS, Item, every_item
from .words import column_of, status_ids, status_of, words

log = logging.getLogger(__name__)

# A rule change that moves a mark's key (its clause now reads longer, shorter, or split): the row the mark
# moves to has a clause holding nearly all of the old one's character 3-grams, or held by it, and sharing
# a good part of them (not a short phrase found again in a long paragraph).
CONTAINED = 0.8
SHARED = 0.25
SHINGLE = 3
ENCODINGS = ("utf-8-sig", "gb18030")  # Excel on a Chinese Windows saves a CSV in GB18030


@dataclass(frozen=True, slots=True)
class Edit:
    """One row's marks as found in a checklist file."""
    key: str
    status: str  # a status id
    assignee: str
    done_on: date | None
    note: str
    moment: datetime  # when the file was last written
    origin: str  # file (and sheet) it was read from

    def values(self) -> tuple[str, str, date | None, str]:
        return (self.status, self.assignee, self.done_on, self.note)


@dataclass(frozen=True, slots=True)
class Merged:
    """What the edits changed: marks to store, and the conflicts (one line each, for the run summary)."""
    marks: list[Mark]
    conflicts: list[str]
    problems: list[str]  # cells that could not be read (a status that is none of the statuses)


@dataclass(frozen=True, slots=True)
class Attached:
    """Checklists with the marks on their rows, the marks whose obligation is gone, and the marks to store
    again (moved to a new key, or their obligation's description changed)."""
    lists: dict[str, list[Item]]
    removed: list[Mark]
    changed: list[Mark]
    dropped: list[str]  # keys no longer used (their marks moved to a new key)


def _first_status() -> str:
    return status_ids()[0]


def _plain(values: tuple[str, str, date | None, str]) -> tuple[str, str, date | None, str]:
    """Marks as compared: the first status (未办) is no mark at all."""
    status, *rest = values
    return ("" if status == _first_status() else status, *rest)  # type: ignore[return-value]


# --- reading the files people edited -------------------------------------------------------

def checklist_files(out_dir: Path) -> dict[str, int]:
    """The checklist files people may edit, by path in the output folder, with their modification times."""
    paths = [out_dir / "checklists.xlsx", *sorted((out_dir / "checklists").glob("*.csv"))]
    return {str(p.relative_to(out_dir)): p.stat().st_mtime_ns for p in paths if p.is_file()}


def read_edits(out_dir: Path, written: Mapping[str, int] | None = None) -> tuple[list[Edit], list[str]]:
    """Every row with a key in checklists.xlsx and checklists/*.csv, with the problems found reading them;
    a file still as the last run wrote it (`written`: checklist_files then) is not read."""
    edits: list[Edit] = []
    problems: list[str] = []
    for name, mtime in checklist_files(out_dir).items():
        if (written or {}).get(name) == mtime:
            continue
        path = out_dir / name
        if name.endswith(".xlsx"):
            edits += _read_workbook(path, problems)
        else:
            edits += _read_csv(path, out_dir, problems)
    return edits, problems


def _read_workbook(path: Path, problems: list[str]) -> list[Edit]:
    from openpyxl import load_workbook
    moment = _modified(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        log.warning("cannot read the marks in %s", path, exc_info=exc)
        problems.append(f"{path.name}: cannot be read as a workbook ({type(exc).__name__}); its marks are not read")
        return []
    try:
        out = []
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            out += _edits(rows, moment, f"{path.name} [{sheet.title}]", problems)
        return out
    finally:
        book.close()


def spreadsheet_text(data: bytes) -> str | None:
    """A CSV file as Excel saves it: UTF-8 (with or without BOM), or GB18030 on a Chinese Windows; None
    when it is neither."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(path: Path, out_dir: Path, problems: list[str]) -> list[Edit]:
    text = spreadsheet_text(path.read_bytes())
    if text is None:
        problems.append(f"{path.relative_to(out_dir)}: neither UTF-8 nor GB18030; its marks are not read")
        return []
    return _edits(csv.reader(io.StringIO(text)), _modified(path), str(path.relative_to(out_dir)), problems)


def _edits(rows: Iterator[tuple[object, ...]] | Iterator[list[str]], moment: datetime, origin: str,
           problems: list[str]) -> list[Edit]:
    header = [column_of(str(c or "")) for c in next(rows, ())]  # headers in any language
    if "key" not in header or not any(c in header for c in MARK_COLUMNS):
        return []
    at = {c: header.index(c) for c in ("key", *MARK_COLUMNS) if c in header}
    out = []
    for n, row in enumerate(rows, start=2):
        cells = {c: row[i] if i < len(row) else None for c, i in at.items()}
        key = _text(cells["key"])
        if not key:
            continue
        status = status_of(_text(cells.get("status")))
        if status is None:
            problems.append(f"{origin} row {n}: status {_text(cells.get('status'))!r} is none of "
                            f"{', '.join(words().status(s) for s in status_ids())}; this row's marks are not read")
            continue
        done_on = _day(cells.get("done_on"))
        out.append(Edit(key, status, _text(cells.get("assignee")), done_on, _text(cells.get("note")), moment, origin))
    return out


def _text(value: object) -> str:
    """A cell's text as written, without the quote the CSV writer puts before text that looks like a formula."""
    if value is None:
        return ""
    text = value.strftime("%Y-%m-%d") if isinstance(value, (date, datetime)) else str(value)
    return text[1:] if text.startswith("'") and len(text) > 2 and text[1] in "=+-@" else text.strip()


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-")
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        parts = text.split("-")
        return date(*map(int, parts)) if len(parts) == 3 and all(p.isdigit() for p in parts) else None


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)


# --- merging them with the store's -----------------------------------------------------------

def merge(stored: dict[str, Mark], edits: list[Edit], problems: list[str] | None = None) -> Merged:
    """The marks the edits change: an edit counts when its row differs from the stored mark and its file was
    written after that mark was made (else the file is only behind); among several, the newest wins."""
    by_key: dict[str, list[Edit]] = {}
    for edit in edits:
        mark = stored.get(edit.key, Mark(edit.key))
        if _plain(edit.values()) != _plain(_values(mark)) and edit.moment.isoformat() > mark.updated:
            by_key.setdefault(edit.key, []).append(edit)
    out, conflicts = [], []
    for key, found in by_key.items():
        winner = max(found, key=lambda e: e.moment)  # the first of the newest: a sheet before the CSV
        rivals = {_plain(e.values()) for e in found}
        if len(rivals) > 1:
            words = "; ".join(f"{e.origin}: {_describe(e)}" for e in found)
            conflicts.append(f"{key}: {words} -> {winner.origin}")
        done_on = winner.done_on
        if winner.status == "done" and done_on is None:
            done_on = winner.moment.date()  # marked done without a day: the day the file was saved
        mark = stored.get(key, Mark(key))
        out.append(replace(mark, status=winner.status, assignee=winner.assignee, done_on=done_on, note=winner.note,
                           updated=winner.moment.isoformat(), origin=winner.origin))
    return Merged(out, conflicts, problems or [])


def with_edits(stored: dict[str, Mark], edits: list[Edit], problems: list[str] | None = None) -> dict[str, Mark]:
    """The stored marks with those the edits change laid over them (what a run would store; nothing is)."""
    return {**stored, **{m.key: m for m in merge(stored, edits, problems).marks}}


def _values(mark: Mark) -> tuple[str, str, date | None, str]:
    return (mark.status, mark.assignee, mark.done_on, mark.note)


def _describe(edit: Edit) -> str:
    return " ".join(filter(None, [words().status(edit.status), edit.assignee, str(edit.done_on or ""), edit.note]))


# --- putting them on the rows ------------------------------------------------------------------

def attach(lists: dict[str, list[Item]], marks: dict[str, Mark]) -> Attached:
    """Each row with its mark; a mark whose key is gone is moved to
    the row of the same date whose clause reads nearly the same (a rule changed how it is cut), else kept
    as removed."""
    items = {i.key: i for i in every_item(lists)}
    changed: list[Mark] = []
    dropped: list[str] = []
    removed: list[Mark] = []
    placed = {key: mark for key, mark in marks.items() if key in items}
    orphans = [m for key, m in marks.items() if key not in items and _kept(m)]
    by_day: dict[date | None, list[Item]] = {}
    for item in items.values() if orphans else ():
        by_day.setdefault(item.due_date, []).append(item)
    for mark in orphans:
        target = _nearest(mark, by_day.get(mark.due_date, []), placed)
        if target is None:
            removed.append(mark)
            continue
        placed[target] = replace(mark, key=target)
        dropped.append(mark.key)
    for key, mark in placed.items():
        described = described_by(mark, items[key])
        if described != mark:
            changed.append(described)
            placed[key] = described
    out = {name: [with_mark(i, placed.get(i.key)) for i in rows] for name, rows in lists.items()}
    return Attached(out, sorted(removed, key=lambda m: (m.organization, str(m.due_date or ""), m.key)), changed, dropped)


def _kept(mark: Mark) -> bool:
    """A mark worth keeping without its row: anything set beyond the first status."""
    return _plain(_values(mark)) != ("", "", None, "")


def _nearest(mark: Mark, candidates: list[Item], placed: dict[str, Mark]) -> str | None:
    """The key of the unmarked row among `candidates` (rows of the mark's date) of the mark's organisation
    whose clause holds the mark's (or is held by it) the most."""
    want = _shingles(mark.text)
    best, score = None, (CONTAINED, SHARED)
    for item in candidates:
        if item.key in placed or (mark.organization and item.organization != mark.organization):
            continue
        got = _shingles(item.evidence)
        if not (want and got):
            continue
        common = len(want & got)
        alike = (common / min(len(want), len(got)), common / len(want | got))
        if alike >= score and alike[1] >= SHARED:
            best, score = item.key, alike
    return best


@lru_cache(maxsize=65536)
def _shingles(text: str) -> frozenset[str]:
    chars = "".join(c for c in text if c.isalnum())
    return frozenset(chars[i:i + SHINGLE] for i in range(max(0, len(chars) - SHINGLE + 1)))


def described_by(mark: Mark, item: Item) -> Mark:
    """The mark with the description of its row (to show it on the removed sheet, and find the row again)."""
    return replace(mark, organization=item.organization, due_date=item.due_date, what=item.what,
                   text=item.evidence, source=item.source)


def with_mark(item: Item, mark: Mark | None) -> Item:
    """The row with the mark's status, assignee, day done and note on it (as it is, without a mark)."""
    if mark is None:
        return item
    return replace(item, status=mark.status, assignee=mark.assignee, done_on=mark.done_on, note=mark.note)

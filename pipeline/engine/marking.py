"""`notices done` and `notices status`: staff marks set from the command line, kept in the store like the
marks read from the checklists, and the outputs written again so the workbook shows them at once."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from ..dataset import Mark
from ..export import checklists_of
from ..export.checklists import ALL, Horizon, Item, every_item, of_organization
from ..export.marks import read_edits, with_edits
from ..export.tables import read_snapshot
from ..rules import Rules
from .options import RunOptions
from .runner import linked, take_edits, write
from .store import open_store

ORIGIN = "notices done"


@dataclass(frozen=True, slots=True)
class Change:
    """What `notices done` sets on each row it names; None leaves a mark as it is."""
    status: str  # a status id
    assignee: str | None = None
    done_on: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Marked:
    marked: list[Item]  # the rows marked, as they now read
    unknown: list[str]  # names that are no row's key (or no one row's req_id) in the organisation asked for


def set_marks(out_dir: Path, names: list[str], change: Change, span: Horizon, rules: Rules, options: RunOptions,
              org: str | None = None) -> Marked:
    """Mark the rows named by key (or by req_id where that names one row) in `org`'s list (default: all),
    under the run lock, after taking in what staff marked in the files; then write the outputs again."""
    now = datetime.now().replace(microsecond=0)
    with open_store(out_dir, options.db, options.wait) as state:
        take_edits(state, out_dir)
        snapshot = linked(state, rules)
        lists = checklists_of(snapshot, span).lists
        rows = of_organization(lists, org or ALL)
        found, unknown = _named(rows, names)
        marks = state.marks()
        new = [changed(marks.get(item.key, Mark(item.key)), change, now) for item in found]
        if not new:
            return Marked([], unknown)
        state.save_marks(new, [])
        marked = write(state, replace(snapshot, staff_marks={**marks, **{m.key: m for m in new}}), out_dir, span,
                       options.lang)
    keys = {m.key for m in new}
    return Marked([i for i in every_item(marked.lists) if i.key in keys], unknown)


def _named(rows: list[Item], names: list[str]) -> tuple[list[Item], list[str]]:
    by_key = {i.key: i for i in rows}
    by_req: dict[str, list[Item]] = {}
    for row in rows:
        by_req.setdefault(row.req_id, []).append(row)
    found: list[Item] = []
    unknown: list[str] = []
    for name in names:
        one = by_req.get(name, [])
        item: Item | None = by_key.get(name) or (one[0] if len(one) == 1 else None)
        if item is None:
            unknown.append(name)
        else:
            found.append(item)
    return found, unknown


def changed(mark: Mark, change: Change, now: datetime, origin: str = ORIGIN) -> Mark:
    """The mark as `change` sets it, made at `now` by `origin` (done on `change.done_on`, else `now`'s day)."""
    done_on = change.done_on or (now.date() if change.status == "done" else None)
    return replace(mark, status=change.status, done_on=done_on if change.status == "done" else None,
                   assignee=mark.assignee if change.assignee is None else change.assignee,
                   note=mark.note if change.note is None else change.note, updated=now.isoformat(), origin=origin)


def marked_rows(out_dir: Path, span: Horizon, org: str | None = None) -> list[Item]:
    """The rows of an output folder (one organisation's, or all) with their marks, including what staff
    marked in the files since the last run; nothing is written."""
    snapshot = read_snapshot(out_dir)
    edits, problems = read_edits(out_dir)
    snapshot = replace(snapshot, staff_marks=with_edits(snapshot.staff_marks, edits, problems))
    return of_organization(checklists_of(snapshot, span).lists, org or ALL)

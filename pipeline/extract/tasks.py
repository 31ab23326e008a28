"""Task tables -> requirements: a 任务分解表 or a week's 工作安排表 (task | unit | date, no status column)
gives one row per task, owned by the unit in its row and due on the date in its row; a roster (a 名单 of
people or projects) gives none."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from ..model import Block, BlockKind, Cell, Document, ReqKind, Requirement, TimeKind, TimeValue
from ..normalize import as_evidence
from ..organizations import Issuer, canonical, in_notice
from ..progress import cell_texts, columns
from ..rules import Rules
from ..timex import resolve
from ..timex.dates import day_or_none as _day

WHEN_KINDS = (TimeKind.deadline, TimeKind.date, TimeKind.datetime, TimeKind.range, TimeKind.recurrence)
ROSTER_MIN = 2  # columns that name people or projects


@dataclass(frozen=True, slots=True)
class _Column:
    item: int
    period: int | None
    lead: int | None


def extract_tasks(doc: Document, rules: Rules, ref: date, issuer: Issuer) -> tuple[list[Requirement], set[int]]:
    """The rows of every task table and the indexes of the blocks they came from (read here, not as clauses)."""
    rows: list[Requirement] = []
    used: set[int] = set()
    for index, block in enumerate(doc.blocks):
        if block.kind is not BlockKind.table or block.boilerplate:
            continue
        if _is_roster(doc, block, rules):
            used.add(index)
            continue
        found = _task_rows(doc, block, rules, ref, issuer)
        if found:
            rows.extend(found)
            used.add(index)
    return rows, used


def _is_roster(doc: Document, block: Block, rules: Rules) -> bool:
    """A list of people or projects (拟立项名单: 序号 | 项目名称 | 项目负责人 | 指导老师 | 所属学院): two roster
    columns and no date or status column; its dates and numbers (1995-2007 in a project's name) bind no one."""
    header = [doc.text[c.char_start:c.char_end] for c in block.cells if c.row == 0]
    roster = sum(1 for h in header if any(w in h for w in rules.progress.roster_columns))
    fields = {(columns(h, rules) or [""])[0] for h in header}
    return roster >= ROSTER_MIN and not fields & {"period", "status"}


def _task_rows(doc: Document, block: Block, rules: Rules, ref: date, issuer: Issuer) -> list[Requirement]:
    grid = _grid(block)
    header = [doc.text[c.char_start:c.char_end] for c in sorted(grid.get(0, {}).values(), key=lambda c: c.col)]
    where = _columns(header, rules)
    if where is None:
        return []
    texts = cell_texts(doc, block)
    out: list[Requirement] = []
    for r in sorted(k for k in grid if k):
        item = grid[r].get(where.item)
        if item is None or item.merged:
            continue
        when = _value(texts.get((r, where.period), ""), ref, rules) if where.period is not None else None
        if when is None:
            continue
        lead = texts.get((r, where.lead), "").strip() if where.lead is not None else ""
        organization = in_notice(canonical(lead, rules), issuer, rules)
        out.extend(_rows(doc, item, when, organization, header[where.item], rules))
    return out


def _columns(header: list[str], rules: Rules) -> _Column | None:
    """A task table names its tasks and their date or unit, and no status (that is a progress table)."""
    fields = [(columns(h, rules) or [""])[0] for h in header]
    if "status" in fields or "item" not in fields or "period" not in fields:
        return None
    return _Column(item=fields.index("item"), period=fields.index("period"),
                   lead=fields.index("lead_org") if "lead_org" in fields else None)


def _grid(block: Block) -> dict[int, dict[int, Cell]]:
    """The cells by row, then column (a task's own cell gives the row its span)."""
    grid: dict[int, dict[int, Cell]] = {}
    for cell in block.cells:
        grid.setdefault(cell.row, {})[cell.col] = cell
    return grid


def _value(text: str, ref: date, rules: Rules) -> TimeValue | None:
    return next((v for v in resolve(text.strip(), ref, rules.time)
                 if v.kind in WHEN_KINDS and (v.start or v.end or v.kind is TimeKind.recurrence)), None)


def _rows(doc: Document, item: Cell, when: TimeValue, organization: str, section: str,
          rules: Rules) -> list[Requirement]:
    """One row per line of the task cell (a cell may list several tasks of the same unit and day)."""
    out = []
    at = item.char_start
    for line in doc.text[item.char_start:item.char_end].split("\n"):
        start = at + len(line) - len(line.lstrip())
        text = line.strip()
        at += len(line) + 1
        if not text:
            continue
        row = Requirement(req_id="", doc_id=doc.doc_id, source=doc.source, section=section, text=text,
                          kind=ReqKind.deadline, organization=organization, page=item.page if doc.pages else None,
                          char_start=start, char_end=start + len(text), rule_id="task_table", flags=when.flags,
                          evidence=as_evidence(doc, start, start + len(text), rules))
        out.append(_dated(row, when))
    return out


def _dated(row: Requirement, when: TimeValue) -> Requirement:
    if when.kind is TimeKind.recurrence:  # 每季度, 每月: a duty that comes back, expanded in the checklists
        return replace(row, kind=ReqKind.recurring, recurrence=when.rrule or "", per=when.per,
                       due_date=_day(when.end) if when.rrule and "BYMONTHDAY=" in when.rrule else None)
    if when.kind is TimeKind.range:
        return replace(row, kind=ReqKind.window, window_start=_day(when.start), window_end=_day(when.end))
    moment = when.end if when.kind is TimeKind.deadline else when.start
    return replace(row, due_date=_day(moment), due_time=moment.time() if isinstance(moment, datetime) else None)

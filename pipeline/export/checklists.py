"""Table rows -> one checklist per organisation: what is due, by when, how much, to whom and how,
with recurring duties expanded to their dates within a horizon."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from ..dataset import Cell, Row
from ..model import Per, TimeKind, TimeValue
from ..timex import next_occurrences
from .tables import as_text

COLUMNS = ("due_date", "due_time", "what", "how_much", "to_whom", "how", "evidence", "source", "page", "kind",
           "per", "recurrence", "window", "section", "flags", "overdue", "req_id", "done")
ALL = "all"  # the sheet and file that hold every organisation's rows
UNASSIGNED = "unassigned"  # rows of notices that name no organisation and no addressee
OVERDUE = "yes"
PERIOD_MONTHS = {Per.month.value: 1, Per.quarter.value: 3, Per.half_year.value: 6, Per.year.value: 12}
MAX_OCCURRENCES = 400  # a daily rule over a year, with room
# The shortest gap between two dates of a rule with this period (a monthly rule: at least 28 days).
PER_DAYS = {Per.week.value: 7, Per.month.value: 28, Per.quarter.value: 89, Per.half_year.value: 181,
            Per.year.value: 365, Per.semester.value: 120}
WHAT_MAX = 40
CLAUSE_STOP = re.compile(r"[,。;:!?]")
DONE_STATUS = "done"
BY_PART = "BY"  # an RRULE part that fixes the day (BYMONTHDAY, BYDAY, BYSETPOS…)


@dataclass(frozen=True, slots=True)
class Horizon:
    """Checklists show what falls due from `today` to `until`; overdue means before `today`."""
    today: date
    until: date
    semester_ends: tuple[tuple[int, int], ...]  # periods.yaml: the days a semester's duties fall due


def horizon(today: date, months: int, semester_ends: tuple[tuple[int, int], ...]) -> Horizon:
    """A horizon of `months` months from `today`."""
    month = today.month - 1 + months
    year = today.year + month // 12
    month = month % 12 + 1
    until = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    return Horizon(today, until, semester_ends)


def checklists(requirements: list[Row], progress: list[Row], span: Horizon) -> dict[str, list[Row]]:
    """Rows by organisation (sorted by date, undated last) and the same rows under ALL."""
    by_org: dict[str, list[Row]] = {}
    for req in requirements:
        for row in _rows_of(req, span):
            by_org.setdefault(str(req.get("organization") or UNASSIGNED), []).append(row)
    for item in progress:
        if item.get("status") != DONE_STATUS:
            by_org.setdefault(str(item.get("lead_org") or UNASSIGNED), []).append(_progress_row(item, span))
    lists = {org: sorted(rows, key=_by_date) for org, rows in sorted(by_org.items())}
    everything = sorted((dict(r, organization=org) for org, rows in lists.items() for r in rows), key=_by_date)
    return {ALL: everything, **lists} if lists else {}


def upcoming(rows: list[Row], today: date) -> list[tuple[date, Row]]:
    """Rows due on or after `today`, with their due date, in the order given."""
    return [(due, r) for r in rows if isinstance(due := r.get("due_date"), date) and due >= today]


def _rows_of(req: Row, span: Horizon) -> list[Row]:
    base = _base(req)
    dates = _dates(req, span)
    if not dates:
        due = req.get("due_date") or req.get("window_end")
        return [_dated(base, due if isinstance(due, date) else None, (), span)]
    out = []
    for moment, flags in dates:
        row = _dated(base, _day(moment), flags, span)
        if isinstance(moment, datetime) and not row["due_time"]:
            row["due_time"] = moment.strftime("%H:%M")  # 每周一上午9:00
        out.append(row)
    return out


def _day(moment: date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _dated(base: Row, due: date | None, flags: tuple[str, ...], span: Horizon) -> Row:
    row = dict(base, due_date=due)
    if flags:
        row["flags"] = ";".join(filter(None, [str(base.get("flags") or ""), *flags]))
    row["overdue"] = OVERDUE if due is not None and due < span.today else ""
    return row


def _dates(req: Row, span: Horizon) -> list[tuple[date, tuple[str, ...]]]:
    """The dates (or date-times) a recurring duty falls on within the horizon; [] for a one-off."""
    rule = str(req.get("recurrence") or "")
    per = str(req.get("per") or "")
    if rule and BY_PART not in rule and per in PERIOD_MONTHS:
        rule = ""  # 每月开展1次 fixes no day: due by the end of each month, not on today's day of it
    if rule:
        return list(_occurrences(rule, per, str(req.get("flags") or ""), span))
    periodic = bool(req.get("recurrence")) or req.get("kind") in ("quota", "recurring")
    if periodic and not req.get("due_date"):
        return [(d, ()) for d in _period_ends(per, span)]
    return []


@lru_cache(maxsize=4096)
def _occurrences(rule: str, per: str, flags: str, span: Horizon) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """The dates of a rule within the horizon; many duties share a rule, so each is worked out once."""
    value = TimeValue(text="", kind=TimeKind.recurrence, char_start=0, char_end=0, rrule=rule,
                      per=Per(per) if per else None, flags=tuple(flags.split(";")))
    days = (span.until - span.today).days + 1
    wanted = min(MAX_OCCURRENCES, days // PER_DAYS.get(per, 1) + 3)  # a weekly rule has ~53 dates in a year
    found = next_occurrences(value, span.today, wanted)
    return tuple((o.day, o.flags) for o in found if _day(o.day) <= span.until)


def _period_ends(per: str, span: Horizon) -> list[date]:
    """The last day of each period (month, quarter, half-year, year, semester) in the horizon."""
    if per == Per.semester.value:
        candidates = [date(y, m, d) for y in range(span.today.year, span.until.year + 1) for m, d in span.semester_ends]
        return [d for d in sorted(candidates) if span.today <= d <= span.until]
    step = PERIOD_MONTHS.get(per)
    if step is None:
        return []
    out = []
    for year in range(span.today.year, span.until.year + 1):
        for month in range(step, 13, step):
            end = date(year, month, calendar.monthrange(year, month)[1])
            if span.today <= end <= span.until:
                out.append(end)
    return out


def _base(req: Row) -> Row:
    emails = str(req.get("emails") or "")
    subject = str(req.get("subject") or "")
    window = (f"{as_text(req.get('window_start'))}..{as_text(req.get('window_end'))}"
              if req.get("window_start") or req.get("window_end") else "")
    return {"due_time": req.get("due_time") or "", "what": _what(req), "how_much": _how_much(req),
            "to_whom": req.get("recipient") or "", "how": " | ".join(filter(None, [emails, subject])),
            "evidence": req.get("text") or "", "source": req.get("source") or "", "page": req.get("page"),
            "kind": req.get("kind") or "", "per": req.get("per") or "", "recurrence": req.get("recurrence") or "",
            "window": window, "section": req.get("section") or "", "flags": req.get("flags") or "",
            "req_id": req.get("req_id") or "", "done": ""}


def _what(req: Row) -> str:
    """The duty in a few words: from its verb to the end of that clause (报送机关党委)."""
    text = str(req.get("text") or "")
    action = str(req.get("action") or "")
    at = text.find(action) if action else -1
    if at < 0:
        return text[:WHAT_MAX]
    stop = CLAUSE_STOP.search(text, at)
    return text[at:stop.start() if stop else len(text)][:WHAT_MAX]


def _how_much(req: Row) -> str:
    quantity = req.get("quantity")
    if quantity in (None, ""):
        return ""
    value = as_text(quantity) + (f"-{as_text(req.get('quantity_max'))}" if req.get("quantity_max") not in (None, "") else "")
    comparator = str(req.get("comparator") or "")
    return f"{'' if comparator in ('range', '') else comparator}{value}{req.get('unit') or ''}"


def _progress_row(item: Row, span: Horizon) -> Row:
    due = item.get("period_end")
    due = due if isinstance(due, date) else None
    return {"due_date": due, "due_time": "", "what": item.get("item") or "", "how_much": "", "to_whom": "",
            "how": "", "evidence": item.get("status_text") or "", "source": item.get("source") or "",
            "page": item.get("page"), "kind": "progress", "per": "", "recurrence": "",
            "window": item.get("period_text") or "", "section": item.get("category") or "", "flags": "",
            "overdue": OVERDUE if due is not None and due < span.today else "",
            "req_id": f"{item.get('doc_id')}-p{item.get('seq')}", "done": ""}


def _by_date(row: Row) -> tuple[int, str, str, str]:
    due: Cell = row.get("due_date")
    return (0 if due else 1, as_text(due), str(row.get("due_time") or ""), str(row.get("req_id")))

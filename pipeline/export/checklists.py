"""Requirements and progress items -> one checklist per organisation: what is due, by when, how much, to whom and how,
with recurring duties expanded to their dates within a horizon."""
from __future__ import annotations

import calendar
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from ..model import (
    DocumentRecord,
    Per,
    ProgressItem,
    ProgressStatus,
    ReqKind,
    Requirement,
    TimeKind,
    TimeValue,
)
from ..timex import next_occurrences
from .tables import as_text
from .words import Words

# The checklist's columns, those staff use first first (their words: labels.yaml).
COLUMNS = ("due_date", "what", "status", "assignee", "done_on", "note", "due_time", "how_much", "to_whom", "how",
           "audience", "notice", "was", "evidence", "section", "page", "kind", "per", "recurrence", "window", "flags",
           "overdue", "source", "req_id", "key")
MARK_COLUMNS = ("status", "assignee", "done_on", "note")  # what staff write; kept from run to run by `key`
ALL = "all"  # the sheet and file that hold every organisation's rows
UNASSIGNED = "unassigned"  # rows of notices that name no organisation and no addressee
PAST = "past"  # the sheet of rows long past (Horizon.past): history, out of the lists people work from
WHOLE = (ALL, PAST)  # lists of every organisation (with the organisation's column), not one organisation's
NAMED = (ALL, UNASSIGNED, PAST)
WITHDRAWN = "withdrawn"  # the flag of a row whose notice's file left the inbox  # lists named in words (words.sheet), not by an organisation's name
PERIOD_MONTHS = {Per.month: 1, Per.quarter: 3, Per.half_year: 6, Per.year: 12}
MAX_OCCURRENCES = 400  # a daily rule over a year, with room
# The shortest gap between two dates of a rule with this period (a monthly rule: at least 28 days).
PER_DAYS = {Per.week: 7, Per.month: 28, Per.quarter: 89, Per.half_year: 181, Per.year: 365, Per.semester: 120}
WHAT_MAX = 40
CLAUSE_STOP = re.compile(r"[,。;:!?]")
BY_PART = "BY"  # an RRULE part that fixes the day (BYMONTHDAY, BYDAY, BYSETPOS…)
NOT_TEXT = re.compile(r"[\W_]+")
KEY_LENGTH = 12
# A letter first: Excel turns a CSV cell of digits (or digits, e, digits) into a number and saves it back
# as 1.23457E+11, which would lose the key.
KEY_PREFIX = "k"


@dataclass(frozen=True, slots=True)
class Horizon:
    """Checklists show what falls due from `today` to `until`; overdue means before `today`; what fell due
    before `past` has left the lists for the past sheet."""
    today: date
    until: date
    semester_ends: tuple[tuple[int, int], ...]  # periods.yaml: the days a semester's duties fall due
    past: date | None = None


def horizon(today: date, months: int, semester_ends: tuple[tuple[int, int], ...],
            past_days: int | None = None) -> Horizon:
    """A horizon of `months` months from `today`; obligations more than `past_days` days past are past
    (None: none is)."""
    month = today.month - 1 + months
    year = today.year + month // 12
    month = month % 12 + 1
    until = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    return Horizon(today, until, semester_ends, None if past_days is None else today - timedelta(days=past_days))


@dataclass(frozen=True, slots=True)
class Item:
    """One row of a checklist: a duty on one date (a recurring duty gives one per date in the horizon), or an
    unfinished progress item. Codes, not words: `shown` gives the words of a language."""
    due_date: date | None = None
    what: str = ""
    status: str = ""  # a status id (labels.yaml); "" until someone marks the row
    assignee: str = ""
    done_on: date | None = None
    note: str = ""
    due_time: str = ""
    comparator: str = ""  # the amount: its bound (a Comparator value), number or range, and unit
    quantity: str = ""
    unit: str = ""
    to_whom: str = ""
    how: str = ""  # the e-mail addresses and the subject line a submission must carry
    audience: str = ""  # the people the duty binds
    notice: str = ""  # the notice by its title and 发文字号
    evidence: str = ""
    section: str = ""
    page: int | None = None
    kind: str = ""  # a ReqKind value, or progress
    per: str = ""  # a Per value
    recurrence: str = ""
    window: str = ""
    flags: str = ""
    overdue: bool = False
    source: str = ""  # the file
    req_id: str = ""
    key: str = ""  # the obligation's stable key (_Keys), which the staff marks are kept against
    organization: str = ""  # set on the ALL list only; each organisation's own list is under its name
    valid_until: date | None = None  # the end of its notice's validity: an undated row is past after it
    was: date | None = None  # the date a later notice moved it from (amend.py): 原定日期, struck
    amended_by: str = ""  # that later notice


@dataclass(frozen=True, slots=True)
class Notice:
    """What the checklists say of a notice: the key its rows' keys start from, its name for people, and the
    period its duties apply (documents.valid_from/valid_until; None: not known)."""
    key: str
    name: str
    valid_from: date | None = None
    valid_until: date | None = None


def shown(item: Item, columns: tuple[str, ...], w: Words) -> tuple[object, ...]:
    """The cells of `columns` as people read them in the language of `w`."""
    return tuple(_SHOWN[c](item, w) if c in _SHOWN else getattr(item, c) for c in columns)


_SHOWN: dict[str, Callable[[Item, Words], object]] = {
    "status": lambda i, w: w.status(i.status),
    "how_much": lambda i, w: w.amount(i.comparator, f"{i.quantity}{i.unit}" if i.quantity else ""),
    "kind": lambda i, w: w.kind(i.kind),
    "per": lambda i, w: w.per(i.per),
    "flags": lambda i, w: w.flags(i.flags),
    "overdue": lambda i, w: w.overdue(i.overdue),
    "organization": lambda i, w: w.sheet(i.organization) if i.organization == UNASSIGNED else i.organization,
    "notice": lambda i, w: f"{i.notice}；{w.column('amended_by')}：{i.amended_by}" if i.amended_by else i.notice,
}


def checklists(requirements: list[Requirement], progress: list[ProgressItem], span: Horizon,
               notices: Mapping[str, Notice] | None = None,
               moved: Mapping[str, tuple[date, str]] | None = None) -> dict[str, list[Item]]:
    """Items by organisation (sorted by date, undated last) and the same items under ALL; `notices` gives
    each doc_id's notice (notice_of), for the items' keys and the notice's name; `moved`, by req_id, the date
    a later notice moved a duty from and that notice's title (amend.py)."""
    by_org: dict[str, list[Item]] = {}
    notices = notices or {}
    keys = _Keys(notices)
    # A sentence's channel (its e-mail and subject line) is the way for each of its duties (…总结(不超过3000字)
    # 报送机关党委,电子版发送至x@y.cn): the rows of one sentence share their evidence.
    channels = {(r.doc_id, r.evidence): _how(r) for r in requirements if r.emails}
    for req in requirements:
        notice = notices.get(req.doc_id) or Notice(req.doc_id, req.source)
        how = _how(req) or channels.get((req.doc_id, req.evidence), "")
        was, by = (moved or {}).get(req.req_id, (None, ""))
        for item, occurrence in _items_of(req, span, notice, how):
            item = replace(item, key=keys.key(req.doc_id, req.text, occurrence), was=was, amended_by=by)
            by_org.setdefault(req.organization or UNASSIGNED, []).append(item)
    for p in progress:
        if p.status is not ProgressStatus.done:
            table = notices.get(p.doc_id)
            item = _progress_item(p, span, table.name if table else p.source,
                                  keys.key(p.doc_id, f"{p.category} {p.item}", ""))
            by_org.setdefault(p.lead_org or UNASSIGNED, []).append(item)
    everything = sorted((replace(i, organization=org) for org, items in by_org.items() for i in items), key=_by_date)
    gone = [i for i in everything if is_past(i, span)]
    lists = {org: [i for i in sorted(items, key=_by_date) if not is_past(i, span)]
             for org, items in sorted(by_org.items())}
    lists = {org: items for org, items in lists.items() if items}
    active = [i for i in everything if not is_past(i, span)]
    return ({ALL: active, **lists} if everything else {}) | ({PAST: gone} if gone else {})


def every_item(lists: dict[str, list[Item]]) -> list[Item]:
    """Every row of the checklists, current and past, once each (with its organisation)."""
    return lists.get(ALL, []) + lists.get(PAST, [])


def of_organization(lists: dict[str, list[Item]], org: str) -> list[Item]:
    """An organisation's rows, current and past (`org` ALL: every row)."""
    if org == ALL:
        return every_item(lists)
    return [i for i in every_item(lists) if i.organization == org]


def is_past(item: Item, span: Horizon) -> bool:
    """History, not a task (the past sheet keeps it): due more than the horizon's past days ago, or undated
    in a notice whose validity has ended."""
    if item.due_date is None:
        return item.valid_until is not None and item.valid_until < span.today
    return span.past is not None and item.due_date < span.past


def upcoming(items: list[Item], today: date) -> list[tuple[date, Item]]:
    """Items due on or after `today`, with their due date, in the order given."""
    return [(i.due_date, i) for i in items if i.due_date is not None and i.due_date >= today]


def notice_of(doc: DocumentRecord) -> Notice:
    """A notice's key, whatever file or format it came in (its 发文字号, else its title's characters, else
    its doc_id), and its name: title and 发文字号 (the file's name when it has neither)."""
    key = doc.doc_number or NOT_TEXT.sub("", doc.title) or doc.doc_id
    name = f"{doc.title}（{doc.doc_number}）" if doc.title and doc.doc_number else doc.title or doc.doc_number
    return Notice(key, name or doc.source, doc.valid_from, doc.valid_until)


class _Keys:
    """Stable keys of obligations: a hash of the notice (notice_key), the clause's characters (its words
    and numbers, not its spacing or punctuation, which differ between a PDF and a Word rendition) and,
    for a duty expanded over dates, the date; rows that share all three (a clause with two quotas) are
    told apart by their order."""

    def __init__(self, notices: Mapping[str, Notice]) -> None:
        self.notices = notices
        self.seen: dict[tuple[str, str, str], int] = {}

    def key(self, doc_id: str, text: str, occurrence: str) -> str:
        notice = self.notices.get(doc_id)
        base = (notice.key if notice else doc_id, NOT_TEXT.sub("", text), occurrence)
        n = self.seen[base] = self.seen.get(base, -1) + 1
        digest = hashlib.sha256("\x1f".join((*base, str(n))).encode("utf-8")).hexdigest()
        return KEY_PREFIX + digest[:KEY_LENGTH]


def _items_of(req: Requirement, span: Horizon, notice: Notice, how: str) -> list[tuple[Item, str]]:
    """The items of a requirement, each with its occurrence (its date, for a duty expanded over dates): a
    duty that repeats falls due inside both the horizon and its notice's validity only."""
    base = replace(_base(req, notice.name, how), valid_until=notice.valid_until)
    dates = _dates(req, _within(span, notice))
    if not dates:
        return [(_dated(base, req.due_date or req.window_end, (), span), "")]
    out = []
    for moment, flags in dates:
        item = _dated(base, _day(moment), flags, span)
        if isinstance(moment, datetime) and not item.due_time:
            item = replace(item, due_time=moment.strftime("%H:%M"))  # 每周一上午9:00
        out.append((item, _day(moment).isoformat()))
    return out


def _within(span: Horizon, notice: Notice) -> Horizon:
    """The part of the horizon inside the notice's validity (from after `until` when none is left)."""
    today = max(span.today, notice.valid_from) if notice.valid_from else span.today
    until = min(span.until, notice.valid_until) if notice.valid_until else span.until
    return replace(span, today=today, until=until)


def _day(moment: date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _dated(base: Item, due: date | None, flags: tuple[str, ...], span: Horizon) -> Item:
    return replace(base, due_date=due, flags=";".join(filter(None, [base.flags, *flags])),
                   overdue=due is not None and due < span.today)


def _dates(req: Requirement, span: Horizon) -> list[tuple[date, tuple[str, ...]]]:
    """The dates (or date-times) a recurring duty falls on within the horizon; [] for a one-off."""
    rule = req.recurrence
    if rule and BY_PART not in rule and req.per in PERIOD_MONTHS:
        rule = ""  # 每月开展1次 fixes no day: due by the end of each month, not on today's day of it
    if rule:
        return list(_occurrences(rule, req.per, req.flags, span))
    periodic = bool(req.recurrence) or req.kind in (ReqKind.quota, ReqKind.recurring)
    if periodic and not req.due_date:
        return [(d, ()) for d in _period_ends(req.per, span)]
    return []


@lru_cache(maxsize=4096)
def _occurrences(rule: str, per: Per | None, flags: tuple[str, ...],
                 span: Horizon) -> tuple[tuple[date, tuple[str, ...]], ...]:
    """The dates of a rule within the horizon; many duties share a rule, so each is worked out once."""
    value = TimeValue(text="", kind=TimeKind.recurrence, char_start=0, char_end=0, rrule=rule, per=per,
                      flags=flags)
    days = (span.until - span.today).days + 1
    wanted = min(MAX_OCCURRENCES, days // (PER_DAYS.get(per, 1) if per else 1) + 3)  # a weekly rule has ~53 dates in a year
    found = next_occurrences(value, span.today, wanted)
    return tuple((o.day, o.flags) for o in found if _day(o.day) <= span.until)


def _period_ends(per: Per | None, span: Horizon) -> list[date]:
    """The last day of each period (month, quarter, half-year, year, semester) in the horizon."""
    if per is Per.semester:
        candidates = [date(y, m, d) for y in range(span.today.year, span.until.year + 1) for m, d in span.semester_ends]
        return [d for d in sorted(candidates) if span.today <= d <= span.until]
    step = PERIOD_MONTHS.get(per) if per else None
    if step is None:
        return []
    out = []
    for year in range(span.today.year, span.until.year + 1):
        for month in range(step, 13, step):
            end = date(year, month, calendar.monthrange(year, month)[1])
            if span.today <= end <= span.until:
                out.append(end)
    return out


def _how(req: Requirement) -> str:
    return " | ".join(filter(None, [";".join(req.emails), req.subject]))


def _base(req: Requirement, notice: str, how: str) -> Item:
    window = (f"{as_text(req.window_start)}..{as_text(req.window_end)}"
              if req.window_start or req.window_end else "")
    quantity = "" if req.quantity is None else number(req.quantity) + (
        f"-{number(req.quantity_max)}" if req.quantity_max is not None else "")
    return Item(due_time=_clock(req.due_time), what=_what(req), comparator=req.comparator.value if req.comparator
                else "", quantity=quantity, unit=req.unit if quantity else "", to_whom=req.recipient,
                how=how, audience=req.audience,
                notice=notice, evidence=req.text, source=req.source, page=req.page, kind=req.kind.value,
                per=req.per.value if req.per else "", recurrence=req.recurrence, window=window, section=req.section,
                flags=";".join(req.flags), req_id=req.req_id)


def _clock(moment: time | None) -> str:
    return moment.strftime("%H:%M") if moment is not None else ""


def _what(req: Requirement) -> str:
    """The duty in a few words: its task (extract/task.py), else, for a row stored before tasks were, from
    its verb to the end of that clause."""
    if req.task:
        return req.task
    at = req.text.find(req.action) if req.action else -1
    if at < 0:
        return req.text[:WHAT_MAX]
    stop = CLAUSE_STOP.search(req.text, at)
    return req.text[at:stop.start() if stop else len(req.text)][:WHAT_MAX]


def number(value: float) -> str:
    """A quantity as the tables write it: 32, not 32.0."""
    return str(int(value)) if value.is_integer() else str(value)


def _progress_item(p: ProgressItem, span: Horizon, notice: str, key: str) -> Item:
    due = p.period_end
    return Item(due_date=due, what=p.item, evidence=p.status_text, notice=notice, source=p.source, page=p.page,
                kind="progress", window=p.period_text, section=p.category,
                overdue=due is not None and due < span.today, req_id=f"{p.doc_id}-p{p.seq}", key=key)


def _by_date(item: Item) -> tuple[int, str, str, str]:
    return (0 if item.due_date else 1, as_text(item.due_date), item.due_time, item.req_id)

"""Clauses -> requirements: dates, quotas and recurrences found per comma part, one row each."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import partial

from ..model import Clause, Comparator, Document, Per, ReqKind, Requirement, TimeKind, TimeValue
from ..nlp import Mention, Tagger
from ..normalize import as_evidence
from ..organizations import Issuer, in_notice, is_people
from ..rules import Rules
from ..timex import resolve
from ..timex.dates import day_or_none as _day
from . import parties
from .binding import asks, is_idle_month, without_programme
from .clauses import reading_clauses
from .quantities import Quantity, find_per_markers, find_quantities
from .task import task_of

MAX_ROW = 200  # a row quotes its clause; the scorer stops matching at 300 characters
DATED = (TimeKind.deadline, TimeKind.date, TimeKind.datetime)
RELATIVE = "relative"  # the time engine's flag for expressions counted from the reference date
YEAR_INFERRED = "year_inferred"  # the time engine's flag for a year taken from the reference date
DATE_INFERRED = "date_inferred"  # the time engine's flag for a clock time put on the reference day
CLOSERS = ")]》”"
PHASE_LABEL = 8  # 第二阶段:( before the year of a phase


@dataclass(frozen=True, slots=True)
class Context:
    """What every clause of one document is read against."""
    doc: Document
    rules: Rules
    tagger: Tagger
    ref: date
    ref_is_issue: bool  # the notice's own date: dates before it are history, not duties
    addressee: str
    issuer: Issuer = field(default_factory=Issuer)


@dataclass
class _Group:
    """The anchors that stand in one comma part."""
    part: int
    times: list[TimeValue] = field(default_factory=list)
    recurrences: list[TimeValue] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)


def extract(clauses: list[Clause], ctx: Context, tasks: list[Requirement] | None = None,
            most: int | None = None) -> list[Requirement]:
    """One row per obligation in reading order, numbered `<doc_id>-0001`…; `tasks` are the rows already read
    from task tables (extract_tasks), put in their place. Reading stops once there are more than `most`
    rows (the caller gives the notice one error row then)."""
    rows: list[Requirement] = list(tasks or ())
    firsts: dict[int, Clause] = {}  # the first clause of each block: its actor acts in the block's later ones
    for clause in reading_clauses(clauses, ctx.doc, ctx.ref, ctx.rules):
        first = firsts.setdefault(clause.block_index, clause)
        rows.extend(_clause_rows(clause, partial(_parties, clause, first, ctx), ctx))
        if most is not None and len(rows) > most:
            return rows
    rows = [r for r in without_programme(rows, ctx.rules) if not is_idle_month(r, ctx.rules)]
    rows.sort(key=lambda r: r.char_start)
    unique = _main_actor_for_the_rest(list(dict.fromkeys(rows)), ctx)
    return [replace(r, req_id=f"{ctx.doc.doc_id}-{n:04d}") for n, r in enumerate(unique, start=1)]


def _main_actor_for_the_rest(rows: list[Requirement], ctx: Context) -> list[Requirement]:
    """A notice with no addressee line still speaks to someone. A unit's own work plan (a college's
    schedule of its own duties) binds its issuer; a notice whose issuer is not known (a branch's rules, a
    forwarded task list) binds the unit its other duties name most often."""
    if ctx.addressee:
        return rows
    main = ctx.issuer.short
    if not main:
        named = Counter(r.organization for r in rows if r.organization)
        main = named.most_common(1)[0][0] if named else ""
    return [r if r.organization or not main else replace(r, organization=main) for r in rows]


def _parties(clause: Clause, first: Clause, ctx: Context) -> tuple[tuple[Mention, ...], str]:
    """The organisations and roles named in the clause, and who acts when the clause names no one: the
    actor of the block's first clause, else the clause's own, else the notice's addressee."""
    mentions = ctx.tagger.mentions(clause.text)
    subject = parties.actor(clause.text, 0, len(clause.text), mentions, ctx.rules)
    if first is not clause:
        named = ctx.tagger.mentions(first.text)
        subject = parties.actor(first.text, 0, len(first.text), named, ctx.rules) or subject
    return mentions, subject or ctx.addressee


def _clause_rows(clause: Clause, parties_of: Callable[[], tuple[tuple[Mention, ...], str]],
                 ctx: Context) -> list[Requirement]:
    """The clause's rows; `parties_of` (the tagger's work, most of a clause's cost) is called only for a
    clause that has rows: most clauses have none."""
    text = clause.text
    values = resolve(text, ctx.ref, ctx.rules.time)
    cases = _spans(text, ctx.rules.patterns.regexes.condition, ctx.rules.patterns.regexes.band)
    quantities = [q for q in find_quantities(text, ctx.rules) if not _in_time(q, values) and not _inside(q.start, cases)]
    pers = _pers(text, values, ctx.rules)
    cited = _cited_spans(text, ctx.rules) + _spans(text, ctx.rules.patterns.regexes.options)
    anchors = [v for v in values if _is_dated_duty(text, v, cited, ctx)]
    groups = _groups(clause, anchors, quantities, pers, ctx.rules)
    emails = _emails(text, ctx.rules)
    channel = -1  # the part whose row carries the e-mail when no dated row does
    if emails and not any(g.times for g in groups):
        # the channel has a row of its own (…不超过3000字,发送至x@y.cn), or is carried by the row of its part
        # (每月最后一个工作日发送至x@y.cn)
        at = text.lower().find(emails[0].split("@")[0])
        channel = _part_of(clause, clause.char_start + at) if at >= 0 else len(clause.parts) - 1
        if all(g.part != channel for g in groups):
            groups = sorted([*groups, _Group(part=channel)], key=lambda g: g.part)
    parts = [(s - clause.char_start, e - clause.char_start) for s, e in clause.parts]
    rows: list[Requirement] = []
    named: tuple[tuple[Mention, ...], str] | None = None
    for i, group in enumerate(groups):
        start, end = _row_span(parts, [g.part for g in groups], i)
        anchor = parts[group.part][0]
        sentence = (parts[0][0], parts[-1][1]) if parts[-1][1] - parts[0][0] <= MAX_ROW else (
            parts[0][0] if end - parts[0][0] <= MAX_ROW else start, end)
        for row in _group_rows(group, pers, text, ctx):
            mentions, fallback = named = named or parties_of()
            row = _finish(row, clause, (start, end, anchor, sentence), mentions, fallback, emails, ctx)
            rows.append(replace(row, emails=emails) if group.part == channel else row)
    return rows


def _is_dated_duty(text: str, value: TimeValue, cited: list[tuple[int, int]], ctx: Context) -> bool:
    """A time value that dates a row: not in a cited title, a list of options or a document's history; a
    phase of a plan, or an anchor that is no aside."""
    if _inside(value.char_start, cited) or _is_fact(text, value, ctx.rules):
        return False
    return _is_phase(text, value, ctx) or (_is_anchor(value, ctx) and not _is_aside(text, value, ctx.rules))


def _is_anchor(value: TimeValue, ctx: Context) -> bool:
    """Dates, windows and recurrences make rows; bare years, times, past dates and periods
    counted from today (本月, 近3年来) do not, unless they set a deadline (本周五前)."""
    if value.kind is TimeKind.recurrence:
        return True
    if RELATIVE in value.flags and value.kind is not TimeKind.deadline:
        return False
    if DATE_INFERRED in value.flags:
        return False  # a clock time alone (9:00-11:20 in a day's schedule) borrows no date from the notice
    if value.kind not in DATED and value.kind is not TimeKind.range:
        return False
    if value.kind is TimeKind.range and value.is_whole_year():
        return False
    end = _day(value.end) or _day(value.start)
    return not (ctx.ref_is_issue and end is not None and end < ctx.ref)


def _is_phase(text: str, value: TimeValue, ctx: Context) -> bool:
    """A whole year labelled as a phase of a plan (第二阶段:(2016年1月-12月)): a window, though a bare year
    or a year in brackets after a title is none."""
    if value.kind is not TimeKind.range or not value.is_whole_year() or set(value.flags) & {RELATIVE, YEAR_INFERRED}:
        return False
    end = _day(value.end)
    label = text[max(0, value.char_start - PHASE_LABEL):value.char_start]
    return bool(ctx.rules.patterns.regexes.schedule_label.search(label)) and not (
        ctx.ref_is_issue and end is not None and end < ctx.ref)


def _is_aside(text: str, value: TimeValue, rules: Rules) -> bool:
    """A period that only describes: years in brackets after a title or post (客座教授(2020-2026)), or a
    start with no end in a clause that asks nothing (自8月9日11:00起…提升至二级; 5月17日起施行)."""
    if value.kind is not TimeKind.range:
        return False
    if value.end is None:
        return not asks(text, rules)
    bracketed = text[value.char_start - 1:value.char_start] == "(" and text[value.char_end:value.char_end + 1] == ")"
    start, end = _day(value.start), _day(value.end)
    whole_years = start is not None and end is not None and (start.month, start.day, end.month, end.day) == (
        1, 1, 12, 31)
    return bracketed and whole_years


def _cited_spans(text: str, rules: Rules) -> list[tuple[int, int]]:
    """Spans of cited titles: a date in 《…方案(2020-2025年)》 belongs to another document, and so do all the
    dates of an entry of a list of references."""
    if rules.patterns.regexes.reference_entry.search(text):
        return [(0, len(text))]
    return [m.span() for m in rules.patterns.regexes.cited_title.finditer(text)]


def _spans(text: str, *patterns: re.Pattern[str]) -> list[tuple[int, int]]:
    """Where the patterns match: lettered options (A.… B.… C.…, a choice offered, not a duty) or cases
    (如果…时, 26%<复制比<50%: when something applies, binding no one)."""
    return [m.span() for pattern in patterns for m in pattern.finditer(text)]


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= at < e for s, e in spans)


def _is_fact(text: str, value: TimeValue, rules: Rules) -> bool:
    """A date the notice reports about a document: its clause, or the bracket it stands in, ends in a history
    verb (…会议通过, …起施行, 决议(2019.3.3修改)); 于6月30日前通过邮箱报送 is a duty."""
    clause = rules.patterns.regexes.clause_end.split(text[value.char_end:], maxsplit=1)[0]
    bracketed = re.split(f"[{re.escape(CLOSERS)}]", clause, maxsplit=1)[0]
    return clause.rstrip(CLOSERS).endswith(rules.verbs.facts) or bracketed.endswith(rules.verbs.facts)


def _in_time(q: Quantity, values: list[TimeValue]) -> bool:
    """A number inside a date or time (2022年, 17:00) is not a quantity; a duration, a lead time or a lag may
    be one."""
    return not q.timing and any(v.kind is not TimeKind.duration and v.char_start < q.end and q.start < v.char_end for v in values)


def _pers(text: str, values: list[TimeValue], rules: Rules) -> list[tuple[int, Per]]:
    """Where a period is stated (每年, 全年, 每篇), in text order."""
    found = [(v.char_start, v.per) for v in values if v.kind is TimeKind.recurrence and v.per]
    found += [(m.start, m.per) for m in find_per_markers(text, rules)]
    return sorted((at, per) for at, per in found if per is not None)


def _per_at(pers: list[tuple[int, Per]], at: int) -> Per | None:
    """The period stated last before `at` in the sentence (每年…不少于32学时，…不少于90学时)."""
    before = [per for p, per in pers if p <= at]
    return before[-1] if before else None


def _groups(clause: Clause, values: list[TimeValue], quantities: list[Quantity],
            pers: list[tuple[int, Per]], rules: Rules) -> list[_Group]:
    groups: dict[int, _Group] = {}

    def group_at(offset: int) -> _Group:
        part = _part_of(clause, clause.char_start + offset)
        return groups.setdefault(part, _Group(part))

    for v in values:
        target = group_at(v.char_start)
        (target.recurrences if v.kind is TimeKind.recurrence else target.times).append(v)
    for q in quantities:
        if _is_quota(q, clause.text, pers, rules):
            group_at(q.start).quantities.append(q)
    return [groups[k] for k in sorted(groups)]


def _is_quota(q: Quantity, text: str, pers: list[tuple[int, Per]], rules: Rules) -> bool:
    """A bound word, a range, a share (其中1篇) or a count of times in a per-period duty. An amount only
    estimated (约19公里, 约41分钟, 论文约90篇) describes; it binds only where the clause asks for something."""
    if _estimated(q, rules) and not asks(text, rules):
        return False
    if q.comparator is not None or _is_share(q, text, rules):
        return True
    return q.frequency and _per_at(pers, q.start) is not None


def _estimated(q: Quantity, rules: Rules) -> bool:
    return q.comparator == Comparator.approx.value and any(
        t.id == q.rule_id for t in rules.comparators.prefixes if t.value == Comparator.approx.value)


def _is_share(q: Quantity, text: str, rules: Rules) -> bool:
    marker = rules.comparators.share.text
    return marker in text[max(0, q.start - len(marker) - 1):q.start]


def _part_of(clause: Clause, offset: int) -> int:
    for i, (s, e) in enumerate(clause.parts):
        if offset < e:
            return i
    return len(clause.parts) - 1


def _row_span(parts: list[tuple[int, int]], anchored: list[int], i: int) -> tuple[int, int]:
    """From the part after the previous anchor to the part before the next, at most MAX_ROW long."""
    own = anchored[i]
    first = anchored[i - 1] + 1 if i else 0
    last = anchored[i + 1] - 1 if i + 1 < len(anchored) else len(parts) - 1
    start, end = parts[first][0], parts[last][1]
    if end - start <= MAX_ROW:
        return start, end
    start, end = parts[own]
    for p in range(own - 1, first - 1, -1):
        if end - parts[p][0] > MAX_ROW:
            break
        start = parts[p][0]
    for p in range(own + 1, last + 1):
        if parts[p][1] - start > MAX_ROW:
            break
        end = parts[p][1]
    return start, end


def _group_rows(group: _Group, pers: list[tuple[int, Per]], text: str, ctx: Context) -> list[Requirement]:
    recurrence = group.recurrences[0] if group.recurrences else None
    if group.quantities:
        dated = next((v for v in group.times if v.kind in DATED), None)
        return [_quota_row(q, _per_at(pers, q.start), recurrence, dated, ctx) for q in group.quantities]
    if group.times:
        periodic = recurrence is None and ctx.rules.patterns.regexes.periodic_report.search(text)
        return [_time_row(v, recurrence, bool(periodic)) for v in group.times]
    if group.recurrences:
        return [_recurring_row(v) for v in group.recurrences]
    return [replace(_blank(ReqKind.submission), rule_id="email")]  # a channel with no date


def _blank(kind: ReqKind) -> Requirement:
    return Requirement(req_id="", doc_id="", source="", section="", text="", kind=kind)


def _quota_row(q: Quantity, per: Per | None, recurrence: TimeValue | None, dated: TimeValue | None,
               ctx: Context) -> Requirement:
    comparator = Comparator(q.comparator) if q.comparator else Comparator(ctx.rules.comparators.exact)
    duty = recurrence is not None and q.frequency and q.value == 1 and comparator is Comparator.eq
    row = replace(_blank(ReqKind.recurring if duty else ReqKind.quota), per=per, quantity=q.value,
                  quantity_max=q.value_max, unit=q.unit, comparator=comparator, rule_id=q.rule_id,
                  recurrence=(recurrence.rrule or "") if duty and recurrence else "")
    if dated is not None:
        row = replace(row, due_date=_day(dated.end or dated.start), due_time=_clock(dated.end or dated.start))
    return row


def _time_row(v: TimeValue, recurrence: TimeValue | None, periodic: bool) -> Requirement:
    flags = v.flags
    if v.kind is TimeKind.range and _day(v.start) is not None and _day(v.start) == _day(v.end):
        # 1月11日的上午: an event that day; a part of a day is not a due time
        v = replace(v, kind=TimeKind.date, start=_day(v.start), end=_day(v.end))
    if v.kind is TimeKind.range:
        row = replace(_blank(ReqKind.window), window_start=_day(v.start), window_end=_day(v.end))
    else:
        moment = v.end if v.kind is TimeKind.deadline else v.start
        kind = ReqKind.deadline if v.kind is TimeKind.deadline else ReqKind.event
        row = replace(_blank(kind), due_date=_day(moment), due_time=_clock(moment))
    if recurrence is not None:
        row = replace(row, recurrence=recurrence.rrule or "", per=recurrence.per)
        flags += recurrence.flags
    elif periodic and row.due_date is not None:
        rule = f"FREQ=YEARLY;BYMONTH={row.due_date.month};BYMONTHDAY={row.due_date.day}"
        row = replace(row, recurrence=rule, per=Per.year)
        flags += ("periodic_report",)
    return replace(row, rule_id=f"time.{v.kind.value}", flags=flags)


def _recurring_row(v: TimeValue) -> Requirement:
    """每月最后一个工作日…: no due date unless the rule fixes a day of the year (每年1月31日前)."""
    fixed = bool(v.rrule and "BYMONTH=" in v.rrule and "BYMONTHDAY=" in v.rrule)
    moment = v.end if fixed else None
    return replace(_blank(ReqKind.recurring), recurrence=v.rrule or "", per=v.per, due_date=_day(moment),
                   due_time=_clock(moment), rule_id="time.recurrence", flags=v.flags)


def _finish(row: Requirement, clause: Clause, span: tuple[int, int, int, tuple[int, int]], mentions: tuple[Mention, ...],
            fallback: str, emails: tuple[str, ...], ctx: Context) -> Requirement:
    """Text, place and parties of a row; `span` is its start and end, where its anchor's part starts (the
    duty's verb is looked for from there first) and where its evidence starts: the start of its sentence when
    the sentence fits in a row, so that staff read the clause with its subject (SGJ和SJZ字数不超过8000字,
    页数不超过16页 for the row of 页数不超过16页)."""
    start, end, anchor, sentence = span
    text, rules = clause.text, ctx.rules
    organization = (parties.actor(text, start, end, mentions, rules)
                    or parties.actor(text, 0, start, mentions, rules) or fallback)
    audience = parties.audience(text, start, end, mentions, rules)
    if is_people(organization, rules):  # people act for no one: they are bound, the addressee's unit acts
        audience = audience or organization
        organization = "" if is_people(fallback, rules) else fallback
    dated = row.kind in (ReqKind.deadline, ReqKind.event, ReqKind.window, ReqKind.submission)
    recipient = parties.recipient(text, start, end, mentions, rules) or (
        parties.recipient(text, 0, len(text), mentions, rules) if dated else "")
    action = parties.action(text, anchor, end, rules) or parties.action(text, start, end, rules)
    kind = row.kind
    if kind is ReqKind.event and action in rules.verbs.submit and (recipient or asks(text, rules)):
        kind = ReqKind.deadline  # 7月20日…向机关党委汇报: a report due that day (8月27日 大会报告 is a session)
    elif kind is ReqKind.event and emails and row.due_date is None:
        kind = ReqKind.submission
    return replace(row, kind=kind, doc_id=ctx.doc.doc_id, source=ctx.doc.source, section=clause.section,
                   text=text[start:end], organization=in_notice(organization, ctx.issuer, rules),
                   audience=audience, recipient=in_notice(recipient, ctx.issuer, rules),
                   action=action,
                   emails=emails if kind in (ReqKind.deadline, ReqKind.event, ReqKind.submission, ReqKind.window)
                   else (), subject=_subject(text, rules) if emails else "",
                   page=clause.page if ctx.doc.pages else None,
                   char_start=clause.char_start + start, char_end=clause.char_start + end,
                   evidence=as_evidence(ctx.doc, clause.char_start + sentence[0], clause.char_start + sentence[1],
                                        rules),
                   task=task_of(text[start:end], action, recipient, rules))


def _emails(text: str, rules: Rules) -> tuple[str, ...]:
    """Submission addresses: only in a sentence that says to send something somewhere."""
    found = [m.group().replace(" ", "").lower() for m in rules.patterns.regexes.email.finditer(text)]
    if not found or not (parties.action(text, 0, len(text), rules) in rules.verbs.submit
                         or rules.patterns.regexes.channel_label.search(text)):
        return ()
    return tuple(dict.fromkeys(found))


def _subject(text: str, rules: Rules) -> str:
    m = rules.patterns.regexes.subject_line.search(text)
    return m.group("value").strip() if m else ""


def _clock(moment: date | datetime | None) -> time | None:
    return moment.time() if isinstance(moment, datetime) else None

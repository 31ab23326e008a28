"""A notice's validity (SPEC documents.valid_from/valid_until): the period its duties apply. Stated in a
sentence (创建周期为2年(2024年5月-2026年5月), 培训时间为9月至12月), else the year of a year's plan or
points (2024年党建工作要点), else rules/periods.yaml's months from the day it was issued; unknown (None)
for a notice with none of these."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from .model import Clause, DocMeta, TimeKind, TimeValue
from .rules import Rules
from .timex import resolve

RELATIVE = "relative"  # the time engine's flag of a span counted from the reference day
MIN_DAYS = 28  # a stated period is at least about a month: a shorter span is a deadline or an event


def find_validity(clauses: list[Clause], meta: DocMeta, ref: date, rules: Rules) -> tuple[date | None, date | None]:
    """(valid_from, valid_until) of a notice from its sentences (`clauses`), title and issue date; `ref` is
    the day its dates without a year are read from."""
    stated = _stated(clauses, ref, rules)
    if stated is not None:
        return stated
    match = rules.periods.annual_title.search(meta.title)
    if match is not None:
        year = int(match.group("year"))
        return date(year, 1, 1), date(year, 12, 31)
    if meta.issued_on is not None:
        return meta.issued_on, add_months(meta.issued_on, rules.periods.validity_months) - timedelta(days=1)
    return None, None


def _stated(clauses: list[Clause], ref: date, rules: Rules) -> tuple[date, date] | None:
    """The first span of at least MIN_DAYS in a sentence that names a period of validity; one written out
    (2024年5月-2026年5月) before one counted from the notice's day (未来2年)."""
    found: list[tuple[bool, tuple[date, date]]] = []
    for clause in clauses:
        if not any(word in clause.text for word in rules.periods.validity_words):
            continue
        for value in resolve(clause.text, ref, rules.time):
            span = _span(value)
            if span is not None and (span[1] - span[0]).days >= MIN_DAYS:
                found.append((RELATIVE in value.flags, span))
    return min(found, key=lambda f: f[0])[1] if found else None


def _span(value: TimeValue) -> tuple[date, date] | None:
    """A value's dates: a range or a date (2024年); a length of time (2年) counts from nothing stated."""
    if value.kind not in (TimeKind.range, TimeKind.date) or value.start is None or value.end is None:
        return None
    return _day(value.start), _day(value.end)


def _day(moment: date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

"""Calendar arithmetic for the time engine: month ends, month shifts, weeks and nth weekdays."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta


def safe_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist (2月30日)."""
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def week_monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_monday(year: int, month: int) -> date:
    """The first Monday on or after the 1st: weeks of a month or year start there."""
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date | None:
    """The nth (1-5, or -1 for the last) ISO `weekday` (1 = Monday) of a month."""
    if nth < 0:
        last = month_end(year, month)
        return last - timedelta(days=(last.isoweekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def day_of(moment: date) -> date:
    """The calendar day of a date or datetime."""
    return moment.date() if isinstance(moment, datetime) else moment


def day_or_none(moment: date | None) -> date | None:
    """The calendar day of a date or datetime, None for an open side."""
    return None if moment is None else day_of(moment)


def shift_years(moment: date, years: int) -> date:
    """A date or datetime moved by whole years (29 Feb becomes 28 Feb)."""
    if isinstance(moment, datetime):
        moved = add_years(moment.date(), years)
        return datetime.combine(moved, moment.time())
    return add_years(moment, years)

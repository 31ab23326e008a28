"""Official Chinese workdays (holidays and make-up workdays) via chinese_calendar; Mon-Fri beyond it."""
from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import lru_cache
from types import ModuleType

from pipeline.timex.dates import month_end

log = logging.getLogger(__name__)
NOT_COVERED = "calendar_not_covered"


@lru_cache(maxsize=1)
def _calendar() -> ModuleType | None:
    # Imported on first use: the engine must stay quick to import.
    try:
        import chinese_calendar
    except ImportError:
        log.warning("chinese_calendar is not installed; workdays fall back to Monday-Friday")
        return None
    module: ModuleType = chinese_calendar
    return module


@lru_cache(maxsize=4096)
def workday_status(day: date) -> tuple[bool, bool]:
    """(is an official workday, the official calendar covers that year)."""
    module = _calendar()
    if module is not None:
        try:
            return bool(module.is_workday(day)), True
        except NotImplementedError:
            pass
    return day.weekday() < 5, False


def is_workday(day: date) -> bool:
    """An official workday; Monday to Friday for years the calendar does not cover."""
    return workday_status(day)[0]


def _flags(covered: bool) -> tuple[str, ...]:
    return () if covered else (NOT_COVERED,)


def add_workdays(start: date, count: int) -> tuple[date, tuple[str, ...]]:
    """The `count`-th workday after `start` (start itself not counted), with flags."""
    day, covered, left = start, True, count
    while left > 0:
        day += timedelta(days=1)
        working, known = workday_status(day)
        covered = covered and known
        left -= working
    return day, _flags(covered)


def last_workday(year: int, month: int) -> tuple[date, tuple[str, ...]]:
    """The month's last official workday; flagged when it is not the last Monday-Friday."""
    day = month_end(year, month)
    plain = day - timedelta(days=max(0, day.weekday() - 4))
    covered = True
    while True:
        working, known = workday_status(day)
        covered = covered and known
        if working:
            break
        day -= timedelta(days=1)
    moved = ("moved_to_workday",) if day != plain else ()
    return day, moved + _flags(covered)


def first_workday(year: int, month: int) -> tuple[date, tuple[str, ...]]:
    """The month's first official workday; flagged when it is not the first Monday-Friday."""
    day = date(year, month, 1)
    plain = day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() > 4 else 0)
    covered = True
    while True:
        working, known = workday_status(day)
        covered = covered and known
        if working:
            break
        day += timedelta(days=1)
    moved = ("moved_to_workday",) if day != plain else ()
    return day, moved + _flags(covered)

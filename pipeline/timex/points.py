"""Places Parts on the calendar: the first and last moment they cover, given the notice's date."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from pipeline.timex.dates import (
    add_months,
    day_of,
    first_monday,
    month_end,
    nth_weekday,
    safe_date,
    shift_years,
    week_monday,
)
from pipeline.timex.grammar import Parts
from pipeline.timex.schema import PartOfDay, TimeRules
from pipeline.timex.workdays import last_workday

_YEAR_PARTS = ("half", "half_off", "quarter", "quarter_off", "quarters_first", "months_first",
               "months_last", "month_nth", "weeks_first", "day_nth", "year_edge")
_MONTH_PARTS = ("tenth", "month_edge", "half_month", "nth", "last_workday", "days_last")
_WEEK_FIELDS = ("week_off", "weekend", "half_week")
_COARSE = ("year", "half", "quarter", "month")


@dataclass(frozen=True, slots=True)
class Interval:
    """First and last moment covered (dates, or datetimes to the minute), both inclusive."""
    start: date
    end: date
    grain: str  # year, half, quarter, month, week, day, part, minute
    flags: tuple[str, ...] = ()
    dated: bool = True  # False for a clock time with no date (it was given the reference's day)

    @property
    def first_day(self) -> date:
        return day_of(self.start)

    @property
    def last_day(self) -> date:
        return day_of(self.end)

    def moved(self, years: int = 0, days: int = 0, months: int = 0, flag: str = "") -> Interval:
        def move(moment: date) -> date:
            moment = shift_years(moment, years) if years else moment
            if months:
                day = add_months(day_of(moment), months)
                moment = datetime.combine(day, moment.time()) if isinstance(moment, datetime) else day
            return moment + timedelta(days=days)
        flags = self.flags + ((flag,) if flag and flag not in self.flags else ())
        end = move(self.end)
        if years and self._ends_a_month():
            last = month_end(end.year, end.month)  # 2月底 moved into a leap year is 29 Feb
            end = datetime.combine(last, end.time()) if isinstance(end, datetime) else last
        return replace(self, start=move(self.start), end=end, flags=flags)

    def _ends_a_month(self) -> bool:
        """The end is the last day of its month as such (a month, 月底), not a day written out."""
        day = self.last_day
        return day == month_end(day.year, day.month) and (self.grain in _COARSE or "vague" in self.flags)


@dataclass(frozen=True, slots=True)
class Context:
    ref: datetime
    base: Interval | None = None  # the left side of a range, or the list member before
    prefer_future: bool = False
    timed: bool = False  # the reference has a time of day: relative results are date-times


class _Invalid(Exception):
    """A date that does not exist (2月30日): the whole expression is dropped."""


def to_interval(parts: Parts, ctx: Context, rules: TimeRules) -> Interval | None:
    """Where `parts` fall on the calendar, or None for an impossible date."""
    if parts.has("now"):
        moment = ctx.ref.replace(second=0, microsecond=0)
        return Interval(moment, moment, "minute", parts.flags)
    flags = list(parts.flags)
    try:
        span = _days(parts, ctx, rules, flags)
    except _Invalid:
        return None
    interval = _with_time(parts, span, ctx, rules, flags)
    if interval is not None and ctx.prefer_future:
        interval = _prefer_future(interval, ctx)
    return interval


def _days(parts: Parts, ctx: Context, rules: TimeRules, flags: list[str]) -> tuple[date, date, str] | None:
    if parts.has("day_off", "day_next"):
        anchor = ctx.base.first_day if parts.has("day_next") and ctx.base else ctx.ref.date()
        day = anchor + timedelta(days=parts.get("day_off") + parts.get("day_next"))
        return day, day, "day"
    if parts.has(*_WEEK_FIELDS) or (parts.has("wd") and not parts.has("d", "md", "holiday", "nth")):
        return _week(parts, ctx)
    if parts.has("holiday"):
        return _holiday(parts, ctx, rules, flags)
    if parts.has("y", "year_off", "m", "month_off", "d", "md", "week_nth", "days_first",
                 *_YEAR_PARTS, *_MONTH_PARTS):
        return _calendar(parts, ctx, rules.two_digit_year_window, flags)
    return None


def _year(parts: Parts, ctx: Context, rules_window: int, flags: list[str]) -> int:
    if parts.has("y"):
        year = parts.get("y")
        if parts.get("y_digits") == 2:
            limit = ctx.ref.year - 2000 + rules_window if ctx.ref.year >= 2000 else -1
            year += 2000 if year <= limit else 1900
        if not 1 <= year <= 9998:
            raise _Invalid
        return year
    if parts.has("year_off"):
        return ctx.ref.year + parts.get("year_off")
    if ctx.base is not None:
        if "year_inferred" in ctx.base.flags and "year_rolled" not in ctx.base.flags:
            flags.append("year_inferred")
        return ctx.base.first_day.year
    flags.append("year_inferred")
    return ctx.ref.year


def _week(parts: Parts, ctx: Context) -> tuple[date, date, str]:
    today = ctx.ref.date()
    if not parts.has(*_WEEK_FIELDS):
        # a bare weekday (周五前): its next occurrence, today included
        anchor = ctx.base.first_day if ctx.base else today
        day = anchor + timedelta(days=(parts.get("wd") - anchor.isoweekday()) % 7)
        return day, day, "day"
    monday = week_monday(today) + timedelta(weeks=parts.get("week_off"))
    if parts.has("wd"):
        day = monday + timedelta(days=parts.get("wd") - 1)
        return day, day, "day"
    if parts.has("weekend"):
        return monday + timedelta(days=5), monday + timedelta(days=6), "week"
    if parts.has("half_week"):
        first = parts.get("half_week") == 1
        return (monday, monday + timedelta(days=2), "week") if first else \
            (monday + timedelta(days=3), monday + timedelta(days=6), "week")
    return monday, monday + timedelta(days=6), "week"


def _holiday(parts: Parts, ctx: Context, rules: TimeRules, flags: list[str]) -> tuple[date, date, str]:
    year = _year(parts, ctx, rules.two_digit_year_window, flags)
    named = rules.named_days[parts.text("holiday")]
    if named.day:
        day = safe_date(year, named.month, named.day)
    else:
        day = nth_weekday(year, named.month, *named.nth_weekday)
    if day is None:
        raise _Invalid
    return day, day, "day"


def _calendar(parts: Parts, ctx: Context, window: int, flags: list[str]) -> tuple[date, date, str]:
    if parts.has("month_off") and not parts.has("y", "year_off"):
        index = ctx.ref.year * 12 + ctx.ref.month - 1 + parts.get("month_off")
        return _in_month(parts, index // 12, index % 12 + 1, flags)
    if parts.has("quarter_off", "half_off"):
        return _year_part(parts, ctx.ref.year, ctx)
    if parts.has("md"):
        return _repaired(parts, ctx, flags)
    year = _year(parts, ctx, window, flags)
    if parts.has("month_off"):
        index = year * 12 + ctx.ref.month - 1 + parts.get("month_off")
        return _in_month(parts, index // 12, index % 12 + 1, flags)
    if parts.has("m"):
        return _in_month(parts, year, parts.get("m"), flags)
    if parts.has("d", *_MONTH_PARTS) or (parts.has("week_nth", "days_first") and not parts.has("y", "year_off")):
        month = ctx.base.first_day.month if ctx.base else ctx.ref.month
        if ctx.base is None:
            flags.append("month_inferred")
        return _in_month(parts, year, month, flags)
    if parts.has(*_YEAR_PARTS, "week_nth", "days_first"):
        return _year_part(parts, year, ctx)
    return date(year, 1, 1), date(year, 12, 31), "year"


def _repaired(parts: Parts, ctx: Context, flags: list[str]) -> tuple[date, date, str]:
    # 520日 in a May notice: the month's digits were typed into the day
    digits = str(parts.get("md"))
    wanted = (ctx.ref.month, ctx.ref.month % 12 + 1)
    for cut in (1, 2):
        month, day = int(digits[:cut]), int(digits[cut:])
        if month in wanted and (found := safe_date(ctx.ref.year, month, day)):
            if "repaired" not in flags:
                flags.append("repaired")
            return found, found, "day"
    raise _Invalid


def _in_month(parts: Parts, year: int, month: int, flags: list[str]) -> tuple[date, date, str]:
    if not 1 <= month <= 12:
        raise _Invalid
    last = month_end(year, month)
    if parts.has("d"):
        day = safe_date(year, month, parts.get("d"))
        if day is None:
            raise _Invalid
        return day, day, "day"
    if parts.has("tenth"):
        tenth = parts.get("tenth")
        first = date(year, month, 10 * (tenth - 1) + 1)
        return first, last if tenth == 3 else first + timedelta(days=9), "tenth"
    if parts.has("month_edge"):
        return last, last, "day"
    if parts.has("half_month"):
        first_half = parts.get("half_month") == 1
        return (date(year, month, 1), date(year, month, 15), "half_month") if first_half else \
            (date(year, month, 16), last, "half_month")
    return _in_month_rest(parts, year, month, flags)


def _in_month_rest(parts: Parts, year: int, month: int, flags: list[str]) -> tuple[date, date, str]:
    last = month_end(year, month)
    if parts.has("nth"):
        day = nth_weekday(year, month, parts.get("nth"), parts.get("wd"))
        if day is None:
            raise _Invalid
        return day, day, "day"
    if parts.has("last_workday"):
        day, more = last_workday(year, month)
        flags.extend(more)
        return day, day, "day"
    if parts.has("week_nth"):
        monday = first_monday(year, month) + timedelta(weeks=parts.get("week_nth") - 1)
        return monday, monday + timedelta(days=6), "week"
    if parts.has("days_first"):
        count = min(parts.get("days_first"), last.day)
        return date(year, month, 1), date(year, month, count), "day_span"
    if parts.has("days_last"):
        count = min(parts.get("days_last"), last.day)
        return last - timedelta(days=count - 1), last, "day_span"
    return date(year, month, 1), last, "month"


def _year_part(parts: Parts, year: int, ctx: Context) -> tuple[date, date, str]:
    if parts.has("half", "half_off"):
        index = year * 2 + parts.get("half") - 1
        if parts.has("half_off"):
            index = ctx.ref.year * 2 + (ctx.ref.month - 1) // 6 + parts.get("half_off")
        year, half = divmod(index, 2)
        return date(year, 6 * half + 1, 1), month_end(year, 6 * half + 6), "half"
    if parts.has("quarter", "quarter_off"):
        index = year * 4 + parts.get("quarter") - 1
        if parts.has("quarter_off"):
            index = ctx.ref.year * 4 + (ctx.ref.month - 1) // 3 + parts.get("quarter_off")
        year, quarter = divmod(index, 4)
        edge = parts.text("quarter_edge")
        first_month = 3 * quarter + 1 + (2 if edge == "end" else 0)
        last_month = 3 * quarter + 3 - (2 if edge == "start" else 0)
        return date(year, first_month, 1), month_end(year, last_month), "month" if edge else "quarter"
    return _year_span(parts, year)


def _year_span(parts: Parts, year: int) -> tuple[date, date, str]:
    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
    if parts.has("quarters_first"):
        return jan1, month_end(year, 3 * parts.get("quarters_first")), "quarter"
    if parts.has("months_first"):
        return jan1, month_end(year, parts.get("months_first")), "month"
    if parts.has("months_last"):
        return date(year, 13 - parts.get("months_last"), 1), dec31, "month"
    if parts.has("month_nth"):
        month = parts.get("month_nth")
        return date(year, month, 1), month_end(year, month), "month"
    monday = first_monday(year, 1)
    if parts.has("week_nth"):
        start = monday + timedelta(weeks=parts.get("week_nth") - 1)
        return start, start + timedelta(days=6), "week"
    if parts.has("weeks_first"):
        return monday, monday + timedelta(weeks=parts.get("weeks_first"), days=-1), "week"
    if parts.has("days_first"):
        return jan1, jan1 + timedelta(days=parts.get("days_first") - 1), "day_span"
    if parts.has("day_nth"):
        day = jan1 + timedelta(days=parts.get("day_nth") - 1)
        return day, day, "day"
    edge = parts.text("year_edge")
    if edge == "end":
        return dec31, dec31, "day"
    if edge == "start":
        return jan1, date(year, 1, 31), "month"
    return jan1, dec31, "year"


def _with_time(parts: Parts, span: tuple[date, date, str] | None, ctx: Context,
               rules: TimeRules, flags: list[str]) -> Interval | None:
    part = rules.parts.get(parts.text("part")) if parts.has("part") else None
    if span is None and part is None and not parts.has("h"):
        return None
    dated = span is not None
    if span is None:
        dated_base = ctx.base is not None and ctx.base.dated
        day = ctx.base.first_day if ctx.base is not None else ctx.ref.date()
        dated = dated_base
        if not dated_base:
            flags.append("date_inferred")
        span = (day, day, "day")
    if parts.has("h"):
        moment = _clock(parts, part, span[0], flags)
        return Interval(moment, moment, "minute", tuple(flags), dated)
    if part is not None:
        start = datetime.combine(span[0], time()) + timedelta(minutes=part.window[0])
        end = datetime.combine(span[0], time()) + timedelta(minutes=part.window[1])
        return Interval(start, end, "part", tuple(flags), dated)
    return Interval(span[0], span[1], span[2], tuple(flags), dated)


def _clock(parts: Parts, part: PartOfDay | None, day: date, flags: list[str]) -> datetime:
    hour, minute = parts.get("h"), parts.get("mi")
    if hour == 24 and minute == 0 and part is None:
        # 24:00 is the end of that day (SPEC)
        flags.append("end_of_day")
        return datetime.combine(day, time(23, 59))
    if part is not None:
        hour = shift_hour(hour, part.shift)
    return datetime.combine(day, time()) + timedelta(hours=hour, minutes=minute)


def shift_hour(hour: int, shift: str) -> int:
    """The 24-hour clock hour of `hour` written in a part of the day (下午5点 -> 17, 晚上12点 -> 24)."""
    if shift == "pm" and hour < 12:
        return hour + 12
    if shift == "noon" and 1 <= hour <= 4:
        return hour + 12
    if shift == "evening" and hour <= 12:
        return hour + 12
    if shift == "night":
        if hour == 12:
            return 24
        if 6 <= hour < 12:
            return hour + 12
    return hour


def _prefer_future(interval: Interval, ctx: Context) -> Interval:
    today = ctx.ref.date()
    if not interval.dated and isinstance(interval.start, datetime) and interval.start < ctx.ref:
        return interval.moved(days=1)
    if "year_inferred" in interval.flags and interval.last_day < today:
        return interval.moved(years=1, flag="prefer_future")
    if "month_inferred" in interval.flags and interval.last_day < today:
        return interval.moved(months=1, flag="prefer_future")
    return interval

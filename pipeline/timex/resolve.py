"""resolve(text, ref) -> TimeValues: every time expression in a text, placed on the calendar."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from pipeline.model import TimeKind, TimeValue
from pipeline.timex.durations import shift
from pipeline.timex.expressions import Expr, parse_at
from pipeline.timex.grammar import Parts
from pipeline.timex.points import Context, Interval, to_interval
from pipeline.timex.recurrence import recurrence_value
from pipeline.timex.rules import default_rules
from pipeline.timex.schema import TimeRules
from pipeline.timex.workdays import add_workdays

log = logging.getLogger(__name__)
MASK = "\x00"
_DAY_FIELDS = ("d", "md", "day_off", "day_next", "wd", "holiday", "nth", "now")


def resolve(text: str, ref: date, rules: TimeRules | None = None, *,
            prefer_future: bool = False) -> list[TimeValue]:
    """Every time expression in `text`, in text order, not overlapping; `text[char_start:char_end]`.

    `ref` is the notice's date; a datetime also fixes "now" (现在, 2小时前; 近三年 then gives
    date-times). `rules=None` uses rules/time.yaml, loaded once. Conventions (SPEC first, then
    the peer suites; bench/time_accuracy.py lists where suites disagree):
    - kinds: a day -> date (start = end); a day with a clock time -> datetime (to the minute);
      a clock time alone -> time, put on ref's day (flag date_inferred); months, years, weeks,
      上旬, 上半年, parts of a day and from-to spans -> range (end inclusive); 前/以前/之前/截止/
      截至/止/为止/到… -> deadline (start None; end the last day covered or the exact time;
      24:00 -> 23:59; 前夕 -> the day before); 起/开始/以来 -> range open at the end (之后/以后
      start the day after); 每… -> recurrence; 3天内 -> duration with flag within.
    - years: a year-less date takes ref's year (flag year_inferred); the right side of a range
      and the next members of a list take the left side's year and month; a range ending before
      it starts runs into the next year; a deadline or range naming January-March in an
      October-December notice, or a date naming January-February in a December notice, is next
      year's (flag year_rolled). `prefer_future` instead moves any year-less date already past.
    - relative words count from ref (flag relative): 今天/明天, 上周一 (weeks start on Monday),
      本月/下个月, 去年/明年, 上季度; a bare weekday (周五前) is its next occurrence, today
      included; 近三年 = [ref - 3 years, ref]; 未来两天 = [ref + 1 day, ref + 2 days]; 三天后 and
      5年前 are points; 现在/马上 = ref.
    - vague parts: 月初/上旬 = days 1-10, 中旬 = 11-20, 下旬 = 21 to the end, 月底/月末 = the last
      day, 年底/年末 = 31 December, 年初 = January; 早上 08-12, 中午 11-13, 下午 12-16, 晚上 16-20.
    - lists (7月20日和12月25日, 5月19日、30日) give one value per member, each with its own span;
      a 前 after the last member makes every member a deadline (flag list_deadline).
    """
    rules = rules or default_rules()
    timed = isinstance(ref, datetime)
    moment = ref if isinstance(ref, datetime) else datetime.combine(ref, time())
    work = prepare(text, rules)
    return _place(text, work, scan(work, rules), Context(moment, None, prefer_future, timed), rules)


def prepare(text: str, rules: TimeRules) -> str:
    """`text` folded (full-width, ∶, —) and with e-mails, URLs, 发文字号 and phones masked; same length."""
    work = text.translate(rules.fold)
    for mask in rules.masks:
        work = mask.sub(lambda match: MASK * len(match.group()), work)
    return work


def scan(work: str, rules: TimeRules) -> list[Expr]:
    """The expressions of a prepared text, left to right, each the longest at its start."""
    found: list[Expr] = []
    pos = 0
    while pos < len(work):
        at = _next_start(work, pos, rules)
        if at < 0:
            break
        expr = None if _inside_number(work, at, rules) else parse_at(work, at, rules)
        if expr is None or expr.end <= at:
            pos = at + 1
            continue
        found.append(expr)
        pos = expr.end
    return found


def _next_start(work: str, pos: int, rules: TimeRules) -> int:
    """Where the next expression may begin: a one-character search first, when the rules allow it."""
    if rules.lead is None:
        hit = rules.start.search(work, pos)
        return hit.start() if hit else -1
    while True:
        lead = rules.lead.search(work, pos)
        if lead is None:
            return -1
        if rules.start.match(work, lead.start()):
            return lead.start()
        pos = lead.start() + 1


def _inside_number(work: str, at: int, rules: TimeRules) -> bool:
    if at == 0:
        return False
    if rules.markers.no_start.match(work, at):
        return True
    here, before = work[at], work[at - 1]
    if here.isascii() and here.isdigit():
        return before.isascii() and (before.isdigit() or before == ".")
    return (here in rules.digits or here in rules.units) and (before in rules.digits or before in rules.units)


def _place(text: str, work: str, exprs: list[Expr], start: Context, rules: TimeRules) -> list[TimeValue]:
    values: list[TimeValue] = []
    run: list[int] = []  # indices of the values in the current list (7月20日和12月25日)
    previous: tuple[Expr, Interval | None] | None = None
    for expr in exprs:
        joined = previous is not None and rules.markers.list_separator.fullmatch(
            work, previous[0].end, expr.start) is not None
        base = previous[1] if joined and previous is not None else None
        try:
            built = _build(expr, text, replace(start, base=base), rules)
        except (ValueError, OverflowError):  # a date pushed beyond year 1-9999
            built = None
        if built is None:
            log.debug("dropped impossible time %r", text[expr.start:expr.end])
            previous, run = None, []
            continue
        value, anchor = built
        if "repaired" in value.flags:
            log.info("repaired time %r as %s..%s", value.text, value.start, value.end)
        if not joined:
            run = []
        if value.kind is TimeKind.deadline:
            _deadline_list(values, run)
        run.append(len(values))
        values.append(value)
        previous = (expr, anchor)
    return values


def _deadline_list(values: list[TimeValue], run: list[int]) -> None:
    """5月19日、30日前: the 前 after a list makes every date of it a deadline."""
    for index in run:
        value = values[index]
        if value.kind in (TimeKind.date, TimeKind.datetime):
            values[index] = replace(value, kind=TimeKind.deadline, start=None,
                                    flags=value.flags + ("list_deadline",))


def _build(expr: Expr, text: str, ctx: Context, rules: TimeRules) -> tuple[TimeValue, Interval | None] | None:
    if expr.mode == "recurrence":
        return recurrence_value(expr, text[expr.start:expr.end], ctx.ref, rules), None
    if expr.duration is not None:
        return _from_duration(expr, text, ctx), None
    if expr.a is None:
        return None
    if expr.mode == "range":
        return _range(expr, text, ctx, rules)
    interval = to_interval(expr.a, ctx, rules)
    if interval is None:
        return None
    if expr.mode in ("deadline", "eve"):
        interval = _rolled(interval, TimeKind.deadline, ctx, rules)
        end = interval.end if expr.mode == "deadline" else interval.first_day - timedelta(days=1)
        flags = interval.flags + (("eve",) if expr.mode == "eve" else ())
        return _value(text, expr, TimeKind.deadline, None, end, flags), interval
    if expr.mode in ("since", "after", "since_now"):
        return _open(expr, text, interval, ctx), interval
    kind = _kind(interval)
    interval = _rolled(interval, kind, ctx, rules)
    flags = interval.flags + (("approximate",) if expr.mode == "approximate" else ())
    return _value(text, expr, kind, interval.start, interval.end, flags), interval


def _kind(interval: Interval) -> TimeKind:
    if interval.grain == "minute":
        return TimeKind.datetime if interval.dated else TimeKind.time
    return TimeKind.date if interval.grain == "day" else TimeKind.range


def _open(expr: Expr, text: str, interval: Interval, ctx: Context) -> TimeValue:
    if expr.mode == "since_now":
        now = ctx.ref if isinstance(interval.start, datetime) else ctx.ref.date()
        return _value(text, expr, TimeKind.range, interval.start, now, interval.flags)
    start = interval.start
    if expr.mode == "after" and interval.grain not in ("minute", "part"):
        start = interval.last_day + timedelta(days=1)  # 2018年之后: from 2019-01-01
    return _value(text, expr, TimeKind.range, start, None, interval.flags + (expr.mode,))


def _range(expr: Expr, text: str, ctx: Context, rules: TimeRules) -> tuple[TimeValue, Interval] | None:
    assert expr.a is not None and expr.b is not None
    left = to_interval(expr.a, ctx, rules)
    if left is None:
        return None
    left = _rolled(left, TimeKind.range, ctx, rules)
    right_parts = _inherit_part(expr.a, expr.b)
    right = to_interval(right_parts, replace(ctx, base=left), rules)
    if right is None:
        return None
    right = _after_left(left, right, right_parts)
    if right is None:
        return None
    flags = left.flags + tuple(f for f in right.flags if f not in left.flags)
    return _value(text, expr, TimeKind.range, left.start, right.end, flags), right


def _inherit_part(left: Parts, right: Parts) -> Parts:
    """下午5:00到6:00: the right side keeps the left side's 下午 when it has no date of its own."""
    if right.has("h") and not right.has("part") and left.has("part") and not right.has(*_DAY_FIELDS):
        return right.with_fields({"part": left.text("part")})
    return right


def _after_left(left: Interval, right: Interval, parts: Parts) -> Interval | None:
    """Moves the right side past the left one where the text runs on (12月20日至1月10日)."""
    if not _before(right.end, left.start):
        return right
    if not parts.has(*_DAY_FIELDS, "m", "month_off", "y", "year_off"):
        # 从现在到八点 is 20:00; 下午5:00到凌晨3:00 ends the next day
        if isinstance(right.start, datetime) and right.start.hour < 12 and not parts.has("part"):
            later = _plus_hours(right, 12)
            if not _before(later.end, left.start):
                return later
        return right.moved(days=1)
    if not parts.has("y", "year_off") and parts.has("m", "month_off", "holiday"):
        right = right.moved(years=1, flag="year_rolled")
    elif not parts.has("y", "year_off", "m", "month_off") and parts.has("d"):
        right = right.moved(months=1)
    return None if _before(right.end, left.start) else right


def _plus_hours(interval: Interval, hours: int) -> Interval:
    step = timedelta(hours=hours)
    return replace(interval, start=interval.start + step, end=interval.end + step)


def _before(first: date, second: date) -> bool:
    return _as_moment(first) < _as_moment(second)


def _as_moment(moment: date) -> datetime:
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time())


def _rolled(interval: Interval, kind: TimeKind, ctx: Context, rules: TimeRules) -> Interval:
    """A year-less date in a late-in-year notice that names an early month: next year. An interval that
    still covers the notice's date (全年 in an October notice) stays in the notice's year."""
    if "year_inferred" not in interval.flags or "year_rolled" in interval.flags or ctx.prefer_future:
        return interval
    for rule in rules.rollovers:
        if kind in rule.kinds and ctx.ref.month >= rule.ref_month_min \
                and interval.first_day.month <= rule.target_month_max and interval.last_day < ctx.ref.date():
            return interval.moved(years=1, flag="year_rolled")
    return interval


def _from_duration(expr: Expr, text: str, ctx: Context) -> TimeValue:
    duration = expr.duration
    assert duration is not None
    mode, iso = expr.mode, duration.iso()
    base: date = ctx.ref if duration.has_time or ctx.timed else ctx.ref.date()
    if mode in ("later", "ago"):
        moment = shift(base, duration, 1 if mode == "later" else -1)
        if mode == "later" and "workdays" in duration.flags:
            moment, more = add_workdays(ctx.ref.date(), int(duration.total("D")))
            flags = duration.flags + more + ("relative",)
            return _value(text, expr, TimeKind.date, moment, moment, flags, duration=iso)
        kind = TimeKind.datetime if isinstance(moment, datetime) else TimeKind.date
        return _value(text, expr, kind, moment, moment, duration.flags + ("relative",), duration=iso)
    if mode in ("rel_past", "since_duration"):
        return _value(text, expr, TimeKind.range, shift(base, duration, -1), base,
                      duration.flags + ("relative",), duration=iso)
    if mode == "rel_future":
        first = base if duration.has_time else base + timedelta(days=1)
        return _value(text, expr, TimeKind.range, first, shift(base, duration, 1),
                      duration.flags + ("relative",), duration=iso)
    extra = {"within": ("within",), "approximate_duration": ("approximate",)}.get(mode, ())
    return _value(text, expr, TimeKind.duration, None, None, duration.flags + extra, duration=iso)


def _value(text: str, expr: Expr, kind: TimeKind, start: date | None, end: date | None,
           flags: tuple[str, ...], duration: str | None = None) -> TimeValue:
    return TimeValue(text[expr.start:expr.end], kind, expr.start, expr.end, _minute(start), _minute(end),
                     duration=duration, flags=tuple(dict.fromkeys(flags)))


def _minute(moment: date | None) -> date | None:
    if isinstance(moment, datetime):
        return moment.replace(second=0, microsecond=0)
    return moment


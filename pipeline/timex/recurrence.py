"""Recurrences: 每月最后一个工作日 to an RFC 5545 rule, and its next dates on the official calendar."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import islice

from pipeline.model import TimeKind, TimeValue
from pipeline.timex.dates import add_months
from pipeline.timex.durations import from_iso, shift
from pipeline.timex.expressions import Expr
from pipeline.timex.grammar import Parts
from pipeline.timex.points import shift_hour
from pipeline.timex.schema import TimeRules
from pipeline.timex.workdays import add_workdays, first_workday, last_workday, workday_status

RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WORKDAYS_RULE = "BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
_PINNED = ("BYMONTHDAY", "BYDAY", "BYSETPOS")


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One date (or date-time) of a recurrence; flags such as moved_to_workday."""
    day: date
    flags: tuple[str, ...] = ()


def recurrence_value(expr: Expr, text: str, ref: datetime, rules: TimeRules) -> TimeValue:
    """The TimeValue of a 每… expression; start/end is its first date on or after `ref`."""
    unit = expr.recurrence
    assert unit is not None
    every = unit.every.replace("{n}", str(expr.count)) if unit.every else None
    flags = list(unit.flags) + list(expr.a.flags if expr.a else ())
    rule = unit.rrule.replace("{n}", str(expr.count)) if unit.rrule else None
    if rule is not None and expr.a is not None and expr.a.has("quarter_edge"):
        # 每季度末: the last day of March, June, September and December
        edge = expr.a.text("quarter_edge") == "end"
        rule = "FREQ=YEARLY;BYMONTH=" + ("3,6,9,12;BYMONTHDAY=-1" if edge else "1,4,7,10;BYMONTHDAY=1")
    elif rule is not None and expr.a is not None:
        by_parts, more = _by_parts(expr.a, expr.b, rules)
        rule = ";".join([rule, *by_parts])
        flags.extend(more)
    if expr.deadline:
        flags.append("deadline")
    value = TimeValue(text, TimeKind.recurrence, expr.start, expr.end, duration=_window(expr),
                      every=every, rrule=rule, per=unit.per, flags=tuple(dict.fromkeys(flags)))
    if rule is None or not any(key in rule for key in _PINNED):
        return value
    first = next_occurrences(value, ref.date(), 1)
    if not first:
        return value
    occurrence = first[0]
    return replace(value, start=None if expr.deadline else occurrence.day, end=occurrence.day,
                   flags=tuple(dict.fromkeys(value.flags + occurrence.flags)))


def _by_parts(anchor: Parts, right: Parts | None, rules: TimeRules) -> tuple[list[str], list[str]]:
    out: list[str] = []
    flags: list[str] = []
    if anchor.has("m"):
        last = right.get("m") if right is not None and right.has("m") else anchor.get("m")
        months = range(anchor.get("m"), max(last, anchor.get("m")) + 1)
        out.append("BYMONTH=" + ",".join(str(m) for m in months))
    if anchor.has("holiday"):
        named = rules.named_days[anchor.text("holiday")]
        out.append(f"BYMONTH={named.month}")
        if named.day:
            out.append(f"BYMONTHDAY={named.day}")
        else:
            nth, weekday = named.nth_weekday
            out.append(f"BYDAY=+{nth}{RRULE_DAYS[weekday - 1]}")
    if anchor.has("d"):
        out.append(f"BYMONTHDAY={anchor.get('d')}")
    if anchor.has("month_edge"):
        out.append("BYMONTHDAY=-1")
    if anchor.has("last_workday"):
        out.append(_WORKDAYS_RULE)
        flags.append("workdays")
    elif anchor.has("nth"):
        out.append(f"BYDAY={anchor.get('nth'):+d}{RRULE_DAYS[anchor.get('wd') - 1]}")
    elif anchor.has("wd"):
        out.append(f"BYDAY={RRULE_DAYS[anchor.get('wd') - 1]}")
    if anchor.has("h"):
        part = rules.parts.get(anchor.text("part"))
        hour = shift_hour(anchor.get("h"), part.shift) if part else anchor.get("h")
        out.append(f"BYHOUR={hour % 24};BYMINUTE={anchor.get('mi')}")
    return out, flags


def _window(expr: Expr) -> str | None:
    """每周一上午9:00-12:00: how long each occurrence lasts (PT3H)."""
    if expr.a is None or expr.b is None or not (expr.a.has("h") and expr.b.has("h")):
        return None
    minutes = (expr.b.get("h") * 60 + expr.b.get("mi")) - (expr.a.get("h") * 60 + expr.a.get("mi"))
    if minutes <= 0:
        minutes += 12 * 60  # 下午2:30-5:30 written without a second 下午
    hours, rest = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")


def next_occurrences(value: TimeValue, after: date, count: int) -> list[Occurrence]:
    """The first `count` dates of a recurrence on or after `after`.

    Rules about 工作日 follow the official calendar: 每月最后一个工作日 moves off holidays and onto
    make-up workdays (flag moved_to_workday). Returns [] when the value has no rule.
    """
    if not value.rrule or count <= 0:
        return []
    fields = dict(part.split("=", 1) for part in value.rrule.split(";") if "=" in part)
    if "workdays" in value.flags and fields.get("FREQ") in ("MONTHLY", "DAILY"):
        return _workday_occurrences(fields, after, count)
    from dateutil.rrule import rrulestr  # imported on first use: keeps the engine quick to import

    rule = rrulestr(value.rrule, dtstart=datetime.combine(after, time()))
    timed = "BYHOUR" in fields
    return [Occurrence(moment if timed else moment.date()) for moment in islice(iter(rule), count)]


def _workday_occurrences(fields: dict[str, str], after: date, count: int) -> list[Occurrence]:
    clock = time(int(fields["BYHOUR"]), int(fields.get("BYMINUTE", "0"))) if "BYHOUR" in fields else None
    out: list[Occurrence] = []
    if fields["FREQ"] == "MONTHLY":
        pick = first_workday if fields.get("BYSETPOS") == "1" else last_workday
        month = after.replace(day=1)
        while len(out) < count:
            day, flags = pick(month.year, month.month)
            if day >= after:
                out.append(Occurrence(_at(day, clock), flags))
            month = add_months(month, 1)
        return out
    day = after
    while len(out) < count:
        working, known = workday_status(day)
        if working:
            out.append(Occurrence(_at(day, clock), () if known else ("calendar_not_covered",)))
        day += timedelta(days=1)
    return out


def _at(day: date, clock: time | None) -> date:
    return datetime.combine(day, clock) if clock else day


def anchor_duration(value: TimeValue, start: date) -> TimeValue:
    """A duration (3天内, 5个工作日内) counted from `start`: start and end filled in.

    工作日 are counted on the official calendar; the start day itself is not counted.
    """
    if value.duration is None:
        return value
    duration = from_iso(value.duration)
    if duration is None:
        return value
    flags: tuple[str, ...] = ()
    if "workdays" in value.flags:
        end, flags = add_workdays(start if not isinstance(start, datetime) else start.date(),
                                  int(duration.total("D")))
    elif duration.has_time:
        end = shift(start, duration)
    else:
        # 60日内 ends with the 60th day, whatever the hour it was counted from
        end = shift(start.date() if isinstance(start, datetime) else start, duration)
    return replace(value, start=start, end=end, flags=tuple(dict.fromkeys(value.flags + flags + ("anchored",))))

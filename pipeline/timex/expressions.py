"""Finds the one time expression starting at a position: point, range, deadline, duration or recurrence."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.timex.durations import Duration, parse_duration
from pipeline.timex.grammar import Chain, Parts, parse_chain, slot_index
from pipeline.timex.numerals import parse_number
from pipeline.timex.schema import FieldValue, Marker, RecurrenceUnit, TimeRules

# The slot a field belongs to, for 每年/每月 (anchors start after it) and bare left sides.
_FIELD_SLOT = {"y": "year", "quarter_off": "ypart", "m": "month", "week_off": "week", "day_off": "day"}
_TAIL_FIELD = {"year": "y", "month": "m", "day": "d", "part": "h", "time": "h"}
_FINE_FIELDS = ("d", "md", "day_off", "day_next", "h", "wd", "holiday", "nth", "last_workday", "now")


@dataclass(frozen=True, slots=True)
class Expr:
    """A time expression found in the text, not yet placed on the calendar."""
    start: int
    end: int
    mode: str  # point range deadline eve approximate since after since_now recurrence duration
    #            within later ago since_duration approximate_duration rel_past rel_future
    a: Parts | None = None
    b: Parts | None = None
    duration: Duration | None = None
    recurrence: RecurrenceUnit | None = None
    count: int = 1  # the N of 每N天
    deadline: bool = False  # a recurrence with 前 (每年1月31日前)


def parse_at(text: str, pos: int, rules: TimeRules) -> Expr | None:
    """The longest expression starting at `pos`; on a tie recurrence > date/time > durations."""
    best: Expr | None = None
    for finder in (_recurrence, _timeline, _relative_range, _duration):
        found = finder(text, pos, rules)
        if found is not None and (best is None or found.end > best.end):
            best = found
    return best


def _timeline(text: str, pos: int, rules: TimeRules) -> Expr | None:
    markers = rules.markers
    start, deadline, since = pos, False, False
    prefix = markers.deadline_prefix.match(text, start)
    if prefix and prefix.end() > start:
        deadline, start = True, prefix.end()
    prefix = markers.range_prefix.match(text, start)
    if prefix and prefix.end() > start:
        since, start = True, prefix.end()
    chain = parse_chain(text, start, rules)
    if chain is None:
        return None
    ranged = _range(text, pos, chain, rules)
    if ranged is not None or not chain.parts.slots:
        return ranged
    parts, end = chain.parts, chain.end
    to_now = markers.to_now.match(text, end)
    if to_now:
        return Expr(pos, to_now.end(), "since_now", parts)
    between = _between(text, pos, chain, rules)
    if between is not None:
        return between
    suffix = _suffix(text, end, parts, rules.markers.suffixes)
    if suffix is not None:
        marker, end = suffix
        mode = "deadline" if deadline and marker.mode in ("deadline", "eve") else marker.mode
        if mode in ("after", "since"):
            closing = _timeline(text, end, rules)  # 2010年之后2018年之前: one range
            if closing is not None and closing.mode == "deadline" and closing.a is not None:
                return Expr(pos, closing.end, "range", parts, closing.a)
        return Expr(pos, end, mode, parts)
    if deadline:
        return Expr(pos, end, "deadline", parts)
    if since:
        return Expr(pos, end, "since", parts)
    return Expr(pos, end, "point", parts) if parts.lone_ok else None


def _suffix(text: str, pos: int, parts: Parts, markers: tuple[Marker, ...]) -> tuple[Marker, int] | None:
    best: tuple[Marker, int] | None = None
    for marker in markers:
        if marker.coarse_only and parts.has(*_FINE_FIELDS):
            continue  # 5日内 is a duration, 2019年内 a deadline
        match = marker.pattern.match(text, pos)
        if match and match.end() > pos and (best is None or match.end() > best[1]):
            best = (marker, match.end())
    return best


def _range(text: str, pos: int, chain: Chain, rules: TimeRules) -> Expr | None:
    markers = rules.markers
    left_end = chain.tail_end if chain.tail is not None else chain.end
    separator = markers.range_separator.match(text, left_end)
    if separator is None or separator.end() == left_end:
        return None
    right = parse_chain(text, separator.end(), rules)
    if right is None or not right.parts.slots:
        return _bare_years(text, pos, chain, separator.end(), rules)
    left = chain.parts
    if chain.tail is not None:
        filled = _fill_tail(chain, right.parts)
        if filled is None:
            return None
        left = filled
    end = right.end
    suffix = markers.range_suffix.match(text, end)
    return Expr(pos, suffix.end() if suffix else end, "range", left, right.parts)


def _fill_tail(chain: Chain, right: Parts) -> Parts | None:
    """2018年2-4月: the bare 2 takes the unit of the right side's first component."""
    slot = right.slots[0]
    name = _TAIL_FIELD.get(slot)
    if name is None or chain.parts.has(name) or chain.tail is None:
        return None
    extra: dict[str, FieldValue] = {name: chain.tail}
    if name == "y":
        extra["y_digits"] = chain.tail_digits
    limits = {"m": 12, "d": 31, "h": 24, "y": 9999}
    if not 0 <= chain.tail <= limits[name]:
        return None
    slots = chain.parts.slots + (slot,)
    return Parts({**chain.parts.fields, **extra}, slots, chain.parts.flags, True)


def _bare_years(text: str, pos: int, chain: Chain, at: int, rules: TimeRules) -> Expr | None:
    """从2016到2018: two bare four-digit numbers read as years."""
    match = rules.markers.bare_right.match(text, at)
    if chain.parts.slots or chain.tail is None or chain.tail_digits != 4 or match is None:
        return None
    right_year = int(match.group("n"))
    if not 1000 <= chain.tail < right_year <= 2999:
        return None
    left = Parts({"y": chain.tail, "y_digits": 4}, ("year",), (), True)
    right = Parts({"y": right_year, "y_digits": 4}, ("year",), (), True)
    return Expr(pos, match.end(), "range", left, right)


def _between(text: str, pos: int, chain: Chain, rules: TimeRules) -> Expr | None:
    markers = rules.markers
    separator = markers.between_separator.match(text, chain.end)
    if separator is None:
        return None
    right = parse_chain(text, separator.end(), rules)
    if right is None or not right.parts.slots:
        return None
    suffix = markers.between_suffix.match(text, right.end)
    if suffix is None or suffix.end() == right.end:
        return None
    return Expr(pos, suffix.end(), "range", chain.parts, right.parts)


def _recurrence(text: str, pos: int, rules: TimeRules) -> Expr | None:
    best: tuple[RecurrenceUnit, re.Match[str]] | None = None
    for unit in rules.recurrences:
        match = unit.pattern.match(text, pos)
        if match and (best is None or match.end() > best[1].end()):
            best = (unit, match)
    if best is None:
        return None
    unit, match = best
    count = _count(match, rules)
    if count is None:
        return None
    end, anchor, right = match.end(), None, None
    if unit.implies:
        first = 1 + max(slot_index(_FIELD_SLOT.get(name, "year")) for name in unit.implies)
        start = rules.markers.joiner.match(text, end)
        chain = parse_chain(text, start.end() if start else end, rules, frozenset(unit.implies), first)
        if chain is not None and chain.parts.slots:
            anchor, end = chain.parts, chain.end
            right, end = _anchor_range(text, end, rules)
    if unit.values:
        base = anchor or Parts()
        anchor = Parts({**dict(unit.values), **base.fields}, base.slots, base.flags, True)
    suffix = _suffix(text, end, anchor or Parts(), rules.markers.suffixes)
    deadline = suffix is not None and suffix[0].mode == "deadline"
    return Expr(pos, suffix[1] if deadline and suffix else end, "recurrence", anchor, right,
                recurrence=unit, count=count, deadline=deadline)


def _anchor_range(text: str, end: int, rules: TimeRules) -> tuple[Parts | None, int]:
    separator = rules.markers.range_separator.match(text, end)
    if separator is None or separator.end() == end:
        return None, end
    right = parse_chain(text, separator.end(), rules)
    if right is None or not right.parts.slots:
        return None, end
    return right.parts, right.end


def _count(match: re.Match[str], rules: TimeRules) -> int | None:
    if "n" not in match.re.groupindex:
        return 1
    value = parse_number(match.group("n"), rules.digits, rules.units)
    return int(value) if value and value == int(value) else None


def _duration(text: str, pos: int, rules: TimeRules) -> Expr | None:
    parsed = parse_duration(text, pos, rules)
    if parsed is None:
        return None
    duration, end = parsed
    best: Marker | None = None
    best_end = end
    for marker in rules.durations.suffixes:
        match = marker.pattern.match(text, end)
        if match and match.end() > best_end:
            best, best_end = marker, match.end()
    if best is None:
        return Expr(pos, end, "duration", duration=duration)
    mode = {"since": "since_duration", "approximate": "approximate_duration"}.get(best.mode, best.mode)
    return Expr(pos, best_end, mode, duration=duration)


def _relative_range(text: str, pos: int, rules: TimeRules) -> Expr | None:
    best: Expr | None = None
    for marker in rules.relative_ranges:
        match = marker.pattern.match(text, pos)
        if match is None or match.end() == pos:
            continue
        parsed = parse_duration(text, match.end(), rules)
        if parsed is None:
            continue
        duration, end = parsed
        suffix = rules.relative_range_suffix.match(text, end)
        end = suffix.end() if suffix else end
        if best is None or end > best.end:
            best = Expr(pos, end, "rel_" + marker.mode, duration=duration)
    return best

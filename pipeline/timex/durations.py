"""Durations written in text (三年半, 8天20小时, 5个工作日): amounts per unit, ISO 8601 text, arithmetic."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipeline.timex.dates import add_months
from pipeline.timex.numerals import parse_number
from pipeline.timex.schema import DurationUnit, TimeRules

_DATE_UNITS = (("Y", "Y"), ("MO", "M"), ("W", "W"), ("D", "D"))
_TIME_UNITS = (("H", "H"), ("MI", "M"), ("S", "S"))
_SECONDS = {"H": 3600, "MI": 60, "S": 1}


@dataclass(frozen=True, slots=True)
class Duration:
    """Amounts per unit (Y MO W D H MI S) as written; `flags` such as workdays."""
    amounts: tuple[tuple[str, float], ...]
    flags: tuple[str, ...] = ()

    def total(self, unit: str) -> float:
        return sum(amount for name, amount in self.amounts if name == unit)

    @property
    def has_time(self) -> bool:
        return any(self.total(unit) for unit in _SECONDS)

    def iso(self) -> str:
        """ISO 8601 text, units kept as written (P3D, PT2H, P1Y6M, P3.5Y, P5WT3H)."""
        day_part = "".join(f"{_number(self.total(u))}{letter}" for u, letter in _DATE_UNITS if self.total(u))
        time_part = "".join(f"{_number(self.total(u))}{letter}" for u, letter in _TIME_UNITS if self.total(u))
        if not day_part and not time_part:
            return "PT0S" if any(u in _SECONDS for u, _ in self.amounts) else "P0D"
        return "P" + day_part + ("T" + time_part if time_part else "")


_ISO = re.compile(r"P(?:([\d.]+)Y)?(?:([\d.]+)M)?(?:([\d.]+)W)?(?:([\d.]+)D)?"
                  r"(?:T(?:([\d.]+)H)?(?:([\d.]+)M)?(?:([\d.]+)S)?)?")
_ISO_UNITS = ("Y", "MO", "W", "D", "H", "MI", "S")


def from_iso(text: str) -> Duration | None:
    """A Duration from ISO 8601 text such as P3D, PT2H, P1Y6M; None if it is not one."""
    match = _ISO.fullmatch(text)
    if match is None or text in ("P", "PT"):
        return None
    amounts = tuple((unit, float(raw)) for unit, raw in zip(_ISO_UNITS, match.groups()) if raw)
    return Duration(amounts)


def _number(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def parse_duration(text: str, pos: int, rules: TimeRules) -> tuple[Duration, int] | None:
    """The duration written at `pos` (one or more count-unit terms) and where it ends."""
    amounts: list[tuple[str, float]] = []
    flags: list[str] = []
    seen: set[str] = set()
    end = pos
    while True:
        start = end
        if amounts:
            joiner = rules.durations.joiner.match(text, end)
            start = joiner.end() if joiner else end
        term = _term(text, start, rules, first=not amounts)
        if term is None or term[0].id in seen:
            break  # 29日两天: a unit written twice starts a new expression
        unit, amount, end, unit_flags = term
        seen.add(unit.id)
        amounts.append((unit.unit, amount))
        flags.extend(unit_flags)
    if not amounts:
        return None
    return Duration(tuple(amounts), tuple(dict.fromkeys(flags))), end


def _term(text: str, pos: int, rules: TimeRules, first: bool
          ) -> tuple[DurationUnit, float, int, tuple[str, ...]] | None:
    spec = rules.durations
    for word in spec.words:
        match = word.pattern.match(text, pos)
        if match:
            return word, (word.amount or 0.0) * word.factor, match.end(), word.flags
    count = spec.count.match(text, pos)
    half = spec.half.match(text, pos)
    if count:
        written = count.group("n")
        if len(written) > 1 and all(ch in rules.digits for ch in written):
            return None  # 一两天, 三四年: a rough count, not 12 or 34
        number = parse_number(written, rules.digits, rules.units)
        if number is None:
            return None
        amount, end = number, _skip_spaces(text, count.end())
    elif half:
        amount, end = 0.5, half.end()
    else:
        return None
    counter = spec.counter.match(text, end)
    end = counter.end() if counter else end
    inner_half = spec.half.match(text, end) if count else None
    if inner_half:  # 一个半小时
        amount, end = amount + 0.5, inner_half.end()
    unit, end = _unit(text, _skip_spaces(text, end), spec.units, first, counter is not None)
    if unit is None:
        return None
    trailing = spec.half.match(text, end) if count and not inner_half else None
    if trailing:  # 三年半
        amount, end = amount + 0.5, trailing.end()
    return unit, amount * unit.factor, end, unit.flags


def _unit(text: str, pos: int, units: tuple[DurationUnit, ...], first: bool, counted: bool
          ) -> tuple[DurationUnit | None, int]:
    for unit in units:
        if (unit.not_first and first) or (unit.needs_counter and not counted):
            continue
        match = unit.pattern.match(text, pos)
        if match:
            return unit, match.end()
    return None, pos


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def shift(moment: date, duration: Duration, sign: int = 1) -> date:
    """`moment` moved by the duration (calendar months and years; a date stays a date if it can)."""
    months = duration.total("Y") * 12 + duration.total("MO")
    whole_months = int(months)
    days = duration.total("W") * 7 + duration.total("D") + (months - whole_months) * 30
    seconds = sum(duration.total(unit) * factor for unit, factor in _SECONDS.items())
    base_day = moment.date() if isinstance(moment, datetime) else moment
    moved = add_months(base_day, sign * whole_months)
    if isinstance(moment, datetime):
        return datetime.combine(moved, moment.time()) + sign * timedelta(days=days, seconds=seconds)
    if seconds or days != int(days):
        return datetime.combine(moved, datetime.min.time()) + sign * timedelta(days=days, seconds=seconds)
    return moved + timedelta(days=sign * int(days))

"""Reads one date/time written as consecutive components (2019年6月28日下午3:00) into Parts."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pipeline.timex.numerals import parse_number, written_digits
from pipeline.timex.schema import SLOT_ORDER, FieldValue, SlotEntry, TimeRules

# After a whole numeric date or a named day, only these slots may follow.
_SKIP_TO = {"ymd": SLOT_ORDER.index("weekday"), "holiday": SLOT_ORDER.index("part")}
_SLOT_INDEX = {name: i for i, name in enumerate(SLOT_ORDER)}
_VALID = {
    "m": (1, 12), "d": (1, 31), "h": (0, 24), "mi": (0, 59), "s": (0, 59), "wd": (1, 7),
    "quarter": (1, 4), "half": (1, 2), "quarters_first": (1, 4), "months_first": (1, 12),
    "months_last": (1, 12), "month_nth": (1, 12), "week_nth": (1, 53), "weeks_first": (1, 53),
    "days_first": (1, 366), "days_last": (1, 31), "day_nth": (1, 366), "nth": (-1, 5),
    "qh": (1, 3), "md": (100, 1231), "n": (0, 9999), "y": (0, 9999)}


@dataclass(frozen=True, slots=True)
class Parts:
    """The fields one date/time was written with, before it is placed on the calendar."""
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    slots: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    lone_ok: bool = False  # may stand alone as a time expression, without a marker

    def has(self, *names: str) -> bool:
        return any(name in self.fields for name in names)

    def get(self, name: str) -> int:
        value = self.fields.get(name, 0)
        return value if isinstance(value, int) else 0

    def text(self, name: str) -> str:
        value = self.fields.get(name, "")
        return value if isinstance(value, str) else ""

    def with_fields(self, extra: Mapping[str, FieldValue]) -> Parts:
        return Parts({**self.fields, **extra}, self.slots, self.flags, self.lone_ok)


@dataclass(frozen=True, slots=True)
class Chain:
    parts: Parts
    start: int
    end: int
    tail: int | None = None  # a bare number after the chain: the left side of 2018年2-4月
    tail_digits: int = 0
    tail_end: int = 0


def parse_chain(text: str, pos: int, rules: TimeRules, implied: frozenset[str] = frozenset(),
                first_slot: int = 0) -> Chain | None:
    """The longest run of components at `pos`, plus a bare number after it; None if neither."""
    fields: dict[str, FieldValue] = {}
    flags: list[str] = []
    slots: list[str] = []
    standalone = False
    end = pos
    index = first_slot
    while index < len(SLOT_ORDER):
        start = _after_joiner(text, end, rules) if slots else end
        found = _best_component(text, start, index, fields, implied, rules)
        if found is None:
            break
        slot_index, entry, match_end, values = found
        fields.update(values)
        flags.extend(entry.flags)
        slots.append(SLOT_ORDER[slot_index])
        standalone = entry.standalone
        end = match_end
        index = _SKIP_TO.get(SLOT_ORDER[slot_index], slot_index + 1)
    parts = Parts(fields, tuple(slots), tuple(flags), len(slots) > 1 or (len(slots) == 1 and standalone))
    tail_start = _after_joiner(text, end, rules) if slots else pos
    tail = rules.markers.bare_left.match(text, tail_start)
    if tail is None:
        return Chain(parts, pos, end) if slots else None
    number = parse_number(tail.group("n"), rules.digits, rules.units)
    if number is None:
        return Chain(parts, pos, end) if slots else None
    return Chain(parts, pos, end, int(number), written_digits(tail.group("n"), rules.digits), tail.end())


def _after_joiner(text: str, pos: int, rules: TimeRules) -> int:
    match = rules.markers.joiner.match(text, pos)
    return match.end() if match else pos


def _best_component(text: str, pos: int, first: int, fields: Mapping[str, FieldValue],
                    implied: frozenset[str], rules: TimeRules
                    ) -> tuple[int, SlotEntry, int, dict[str, FieldValue]] | None:
    best: tuple[int, SlotEntry, int, dict[str, FieldValue]] | None = None
    for slot_index in range(first, len(SLOT_ORDER)):
        slot = SLOT_ORDER[slot_index]
        if not rules.slot_filters[slot].match(text, pos):
            continue
        for entry in rules.slots[slot]:
            if entry.requires and not any(f in fields or f in implied for f in entry.requires):
                continue
            match = entry.pattern.match(text, pos)
            if match is None or match.end() == pos:
                continue
            if best is not None and match.end() <= best[2]:
                continue
            values = component_values(entry, match, rules)
            if values is not None:
                best = (slot_index, entry, match.end(), values)
    return best


def component_values(entry: SlotEntry, match: re.Match[str], rules: TimeRules
                     ) -> dict[str, FieldValue] | None:
    """The fields a matched entry fills, or None when a number is out of range (13月)."""
    out: dict[str, FieldValue] = dict(entry.values)
    if entry.words is not None:
        out[entry.field] = entry.words[match.group("w")]
    for name, raw in match.groupdict().items():
        if raw is None or name == "w":
            continue
        if name == "half_hour":
            out["mi"] = 30
            continue
        value = _group_number(name, raw, rules)
        if value is None:
            return None
        low, high = _VALID.get(name, (0, 10**6))
        if not low <= value <= high:
            return None
        if name == "qh":
            out["mi"] = 15 * value
            continue
        if name == "y":
            out["y_digits"] = written_digits(raw, rules.digits)
        out[name] = value
    return out


def _group_number(name: str, raw: str, rules: TimeRules) -> int | None:
    raw = raw.strip()
    if name == "wd":
        return rules.weekdays.get(raw) or (int(raw) if raw.isdigit() else None)
    value = parse_number(raw, rules.digits, rules.units)
    if value is None or value != int(value):
        return None
    return int(value)


def slot_index(slot: str) -> int:
    return _SLOT_INDEX[slot]

"""The frozen dataclasses rules/time.yaml is read into, and the names the engine's code knows."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.model import Per, TimeKind

FieldValue = int | str

# The order in which the components of one date/time may follow each other.
SLOT_ORDER = ("ymd", "year", "ypart", "qedge", "month", "mpart", "holiday",
              "week", "day", "weekday", "part", "time")
NUMBER_FIELDS = frozenset({
    "y", "m", "d", "md", "h", "mi", "s", "n", "qh", "quarter", "half", "quarters_first",
    "months_first", "months_last", "month_nth", "week_nth", "weeks_first", "days_first",
    "days_last", "day_nth", "nth"})
CONSTANT_FIELDS = frozenset({
    "year_off", "half_off", "quarter_off", "month_off", "week_off", "day_off", "day_next",
    "tenth", "half_month", "half_week", "weekend", "last_workday", "now", "quarter_edge",
    "year_edge", "month_edge", "part", "holiday", "half"})
FIELDS = NUMBER_FIELDS | CONSTANT_FIELDS | {"wd", "half_hour", "nth"}
SHIFTS = frozenset({"am", "pm", "noon", "evening", "night"})
DURATION_UNITS = frozenset({"Y", "MO", "W", "D", "H", "MI", "S"})
SUFFIX_MODES = frozenset({"approximate", "eve", "deadline", "since", "after"})
DURATION_MODES = frozenset({"within", "later", "ago", "since", "approximate"})
RELATIVE_MODES = frozenset({"past", "future"})
NEVER = re.compile(r"(?!)")


@dataclass(frozen=True, slots=True)
class SlotEntry:
    """One way of writing one component; `field`/`words` for word lists, else named groups."""
    id: str
    slot: str
    pattern: re.Pattern[str]
    values: tuple[tuple[str, FieldValue], ...] = ()
    field: str = ""
    words: Mapping[str, FieldValue] | None = None
    standalone: bool = True
    requires: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PartOfDay:
    id: str
    shift: str
    window: tuple[int, int]  # minutes after midnight


@dataclass(frozen=True, slots=True)
class NamedDay:
    id: str
    month: int
    day: int = 0
    nth_weekday: tuple[int, int] = (0, 0)  # (2, 7): the second Sunday
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Marker:
    id: str
    pattern: re.Pattern[str]
    mode: str
    coarse_only: bool = False


@dataclass(frozen=True, slots=True)
class Markers:
    joiner: re.Pattern[str]
    no_start: re.Pattern[str]
    range_prefix: re.Pattern[str]
    range_separator: re.Pattern[str]
    range_suffix: re.Pattern[str]
    between_separator: re.Pattern[str]
    between_suffix: re.Pattern[str]
    to_now: re.Pattern[str]
    deadline_prefix: re.Pattern[str]
    bare_left: re.Pattern[str]
    bare_right: re.Pattern[str]
    list_separator: re.Pattern[str]
    suffixes: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class DurationUnit:
    id: str
    pattern: re.Pattern[str]
    unit: str
    factor: float = 1.0
    amount: float | None = None  # a fixed amount (半天 = 12 H) instead of a written count
    not_first: bool = False
    needs_counter: bool = False
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DurationRules:
    count: re.Pattern[str]
    joiner: re.Pattern[str]
    half: re.Pattern[str]
    counter: re.Pattern[str]
    units: tuple[DurationUnit, ...]
    words: tuple[DurationUnit, ...]
    suffixes: tuple[Marker, ...]


@dataclass(frozen=True, slots=True)
class RecurrenceUnit:
    id: str
    pattern: re.Pattern[str]
    every: str | None
    per: Per | None
    rrule: str | None
    implies: tuple[str, ...] = ()
    values: tuple[tuple[str, FieldValue], ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rollover:
    id: str
    kinds: frozenset[TimeKind]
    ref_month_min: int
    target_month_max: int


@dataclass(frozen=True, slots=True)
class TimeRules:
    fold: Mapping[int, str]
    masks: tuple[re.Pattern[str], ...]
    digits: Mapping[str, int]
    units: Mapping[str, int]
    weekdays: Mapping[str, int]
    two_digit_year_window: int
    slots: Mapping[str, tuple[SlotEntry, ...]]
    slot_filters: Mapping[str, re.Pattern[str]]
    parts: Mapping[str, PartOfDay]
    named_days: Mapping[str, NamedDay]
    markers: Markers
    durations: DurationRules
    relative_ranges: tuple[Marker, ...]
    relative_range_suffix: re.Pattern[str]
    recurrences: tuple[RecurrenceUnit, ...]
    rollovers: tuple[Rollover, ...]
    start: re.Pattern[str]  # where an expression may begin: a cheap first filter
    lead: re.Pattern[str] | None = None  # the characters `start` can begin with, when known

"""Reads rules/time.yaml into frozen TimeRules with every regex compiled once; problems are collected."""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from pipeline.checks import Checker
from pipeline.errors import RuleError
from pipeline.model import Per, TimeKind
from pipeline.timex.leads import any_of, lead_class, start_filter
from pipeline.timex.schema import (
    DURATION_MODES,
    DURATION_UNITS,
    FIELDS,
    NEVER,
    RELATIVE_MODES,
    SHIFTS,
    SLOT_ORDER,
    SUFFIX_MODES,
    DurationRules,
    DurationUnit,
    FieldValue,
    Marker,
    Markers,
    NamedDay,
    PartOfDay,
    RecurrenceUnit,
    Rollover,
    SlotEntry,
    TimeRules,
)

_FRAGMENT_REF = re.compile(r"\{([a-z_]+)\}")


class _Reader(Checker):
    """The shared checks, plus time.yaml's fragments: `{name}` in a regex stands for fragment `name`."""

    def __init__(self, problems: list[str], file: str, fragments: Mapping[str, str],
                 ids: dict[str, str] | None = None) -> None:
        super().__init__(problems, file, ids)
        self.fragments = fragments

    def regex(self, data: object, key: str) -> re.Pattern[str]:
        return self.compile(self.expand(self.text(data, key), key), key, text="bad regex") or NEVER

    def expand(self, source: str, key: str, depth: int = 0) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.fragments:
                self.problem(key, f"unknown fragment {{{name}}}")
                return ""
            if depth > 5:
                self.problem(key, "fragments nest too deep")
                return ""
            return "(?:" + self.expand(self.fragments[name], key, depth + 1) + ")"
        return _FRAGMENT_REF.sub(replace, source)


def _words_regex(words: Mapping[str, object]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("(?P<w>" + "|".join(re.escape(w) for w in ordered) + ")")


def _values(reader: _Reader, data: object, key: str) -> tuple[tuple[str, FieldValue], ...]:
    out: list[tuple[str, FieldValue]] = []
    for name, value in reader.mapping(data or {}, key).items():
        if name not in FIELDS:
            reader.problem(key, f"unknown field {name!r}")
        elif not isinstance(value, (int, str)) or isinstance(value, bool):
            reader.problem(key, f"field {name!r} needs an integer or a string")
        else:
            out.append((name, value))
    return tuple(out)


def _slot_entry(reader: _Reader, item: dict[str, object], key: str) -> SlotEntry | None:
    entry_id = reader.entry_id(item, key)
    where = f"{key}.{entry_id}"
    slot = item.get("slot")
    if not isinstance(slot, str) or slot not in SLOT_ORDER or slot == "holiday":
        reader.problem(where, f"unknown slot {slot!r}")
        return None
    requires = reader.strings(item.get("requires"), where)
    for name in requires:
        if name not in FIELDS:
            reader.problem(where, f"requires unknown field {name!r}")
    values = _values(reader, item.get("set"), where)
    standalone = bool(item.get("standalone", True))
    flags = reader.strings(item.get("flags"), where)
    if "words" in item:
        words = {w: v for w, v in reader.mapping(item["words"], where).items() if isinstance(v, (int, str))}
        field = reader.text(item.get("field"), where + ".field")
        if field not in FIELDS:
            reader.problem(where, f"unknown field {field!r}")
        return SlotEntry(entry_id, slot, _words_regex(words), values, field, words, standalone, requires, flags)
    pattern = reader.regex(item.get("regex"), where)
    for name in pattern.groupindex:
        if name not in FIELDS:
            reader.problem(where, f"unknown group {name!r}")
    return SlotEntry(entry_id, slot, pattern, values, standalone=standalone, requires=requires, flags=flags)


def _minutes(reader: _Reader, data: object, key: str) -> int:
    text = reader.text(data, key)
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match:
        reader.problem(key, "expected HH:MM")
        return 0
    return int(match.group(1)) * 60 + int(match.group(2))


def _parts(reader: _Reader, data: object) -> dict[str, PartOfDay]:
    out: dict[str, PartOfDay] = {}
    for item in reader.items(data, "parts_of_day"):
        entry_id = reader.entry_id(item, "parts_of_day")
        where = f"parts_of_day.{entry_id}"
        shift = reader.text(item.get("shift"), where)
        if shift not in SHIFTS:
            reader.problem(where, f"unknown shift {shift!r}")
        window = item.get("window")
        if not isinstance(window, list) or len(window) != 2:
            reader.problem(where, "window needs [start, end]")
            window = ["00:00", "00:00"]
        out[entry_id] = PartOfDay(entry_id, shift, (_minutes(reader, window[0], where),
                                                    _minutes(reader, window[1], where)))
    return out


def _named_days(reader: _Reader, data: object, guard: str) -> tuple[dict[str, NamedDay], list[SlotEntry]]:
    days: dict[str, NamedDay] = {}
    entries: list[SlotEntry] = []
    for item in reader.items(data, "named_days"):
        entry_id = reader.entry_id(item, "named_days")
        where = f"named_days.{entry_id}"
        words = reader.strings(item.get("words"), where)
        nth = item.get("nth_weekday") or [0, 0]
        if not (isinstance(nth, list) and len(nth) == 2 and all(isinstance(n, int) for n in nth)):
            reader.problem(where, "nth_weekday needs [n, weekday]")
            nth = [0, 0]
        day = NamedDay(entry_id, reader.integer(item.get("month"), where),
                       reader.integer(item.get("day", 0), where), (nth[0], nth[1]),
                       bool(item.get("approximate", False)))
        if not words or not 1 <= day.month <= 12 or not (day.day or day.nth_weekday[0]):
            reader.problem(where, "needs words, a month and a day or nth_weekday")
        days[entry_id] = day
        source = "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
        flags = ("approximate",) if day.approximate else ()
        entries.append(SlotEntry(entry_id + "_words", "holiday", re.compile(source + guard),
                                 (("holiday", entry_id),), standalone=bool(item.get("standalone", True)),
                                 flags=flags))
    return days, entries


def _markers(reader: _Reader, data: object) -> Markers:
    raw = reader.mapping(data, "markers")
    names = ("joiner", "no_start", "range_prefix", "range_separator", "range_suffix", "between_separator",
             "between_suffix", "to_now", "deadline_prefix", "bare_left", "bare_right", "list_separator")
    compiled = {name: reader.regex(raw.get(name), f"markers.{name}") for name in names}
    suffixes = tuple(_marker(reader, item, "markers.suffixes", SUFFIX_MODES)
                     for item in reader.items(raw.get("suffixes"), "markers.suffixes"))
    return Markers(suffixes=suffixes, **compiled)


def _marker(reader: _Reader, item: dict[str, object], key: str, modes: frozenset[str]) -> Marker:
    entry_id = reader.entry_id(item, key)
    mode = reader.text(item.get("mode"), f"{key}.{entry_id}")
    if mode not in modes:
        reader.problem(f"{key}.{entry_id}", f"unknown mode {mode!r}")
    return Marker(entry_id, reader.regex(item.get("regex"), f"{key}.{entry_id}"), mode,
                  bool(item.get("coarse_only", False)))


def _duration_unit(reader: _Reader, item: dict[str, object], key: str) -> DurationUnit:
    entry_id = reader.entry_id(item, key)
    where = f"{key}.{entry_id}"
    unit = reader.text(item.get("unit"), where)
    if unit not in DURATION_UNITS:
        reader.problem(where, f"unknown unit {unit!r}")
    amount = item.get("amount")
    factor = item.get("factor", 1)
    if not isinstance(factor, (int, float)):
        reader.problem(where, "factor must be a number")
        factor = 1
    return DurationUnit(entry_id, reader.regex(item.get("regex"), where), unit, float(factor),
                        float(amount) if isinstance(amount, (int, float)) else None,
                        bool(item.get("not_first", False)), bool(item.get("needs_counter", False)),
                        reader.strings(item.get("flags"), where))


def _durations(reader: _Reader, data: object) -> DurationRules:
    raw = reader.mapping(data, "durations")
    return DurationRules(
        count=reader.regex(raw.get("count"), "durations.count"),
        joiner=reader.regex(raw.get("joiner"), "durations.joiner"),
        half=reader.regex(raw.get("half"), "durations.half"),
        counter=reader.regex(raw.get("counter"), "durations.counter"),
        units=tuple(_duration_unit(reader, i, "durations.units")
                    for i in reader.items(raw.get("units"), "durations.units")),
        words=tuple(_duration_unit(reader, i, "durations.words")
                    for i in reader.items(raw.get("words"), "durations.words")),
        suffixes=tuple(_marker(reader, i, "durations.suffixes", DURATION_MODES)
                       for i in reader.items(raw.get("suffixes"), "durations.suffixes")))


def _recurrence(reader: _Reader, item: dict[str, object]) -> RecurrenceUnit:
    entry_id = reader.entry_id(item, "recurrences")
    where = f"recurrences.{entry_id}"
    per_text = item.get("per")
    per = None
    try:
        per = Per(per_text) if per_text is not None else None
    except ValueError:
        reader.problem(where, f"unknown per {per_text!r}")
    implies = reader.strings(item.get("implies"), where)
    for name in implies:
        if name not in FIELDS:
            reader.problem(where, f"implies unknown field {name!r}")
    every, rule = item.get("every"), item.get("rrule")
    return RecurrenceUnit(entry_id, reader.regex(item.get("regex"), where),
                          str(every) if every else None, per, str(rule) if rule else None,
                          implies, _values(reader, item.get("set"), where),
                          reader.strings(item.get("flags"), where))


def _rollover(reader: _Reader, item: dict[str, object]) -> Rollover:
    entry_id = reader.entry_id(item, "year_rollover")
    where = f"year_rollover.{entry_id}"
    kinds: set[TimeKind] = set()
    for name in reader.strings(item.get("kinds"), where):
        try:
            kinds.add(TimeKind(name))
        except ValueError:
            reader.problem(where, f"unknown kind {name!r}")
    return Rollover(entry_id, frozenset(kinds), reader.integer(item.get("ref_month_min"), where),
                    reader.integer(item.get("target_month_max"), where))


def _fold(reader: _Reader, data: object) -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full-width ASCII, as NFKC
    for item in reader.items(data, "fold"):
        entry_id = reader.entry_id(item, "fold")
        source, target = item.get("from"), item.get("to")
        if not (isinstance(source, str) and isinstance(target, str) and len(source) == len(target) == 1):
            reader.problem(f"fold.{entry_id}", "from and to must be single characters")
            continue
        table[ord(source)] = target
    return table


def _numbers(reader: _Reader, data: object, key: str) -> dict[str, int]:
    raw = reader.mapping(data, key)
    return {str(k): v for k, v in raw.items() if isinstance(v, int)}


def parse_time_rules(data: object, problems: list[str], file: str = "time.yaml") -> TimeRules:
    """Check and compile parsed time.yaml; appends every problem as `file: key: problem`."""
    boot = _Reader(problems, file, {})
    top = boot.mapping(data, "(top)")
    fragments = {boot.entry_id(i, "fragments"): boot.text(i.get("regex"), "fragments")
                 for i in boot.items(top.get("fragments", []), "fragments")}
    reader = _Reader(problems, file, fragments, boot.ids)
    numerals = reader.mapping(top.get("numerals"), "numerals")
    slots, named_days, parts = _slots(reader, top)
    markers = _markers(reader, top.get("markers"))
    durations = _durations(reader, top.get("durations"))
    relative = tuple(_marker(reader, i, "relative_ranges", RELATIVE_MODES)
                     for i in reader.items(top.get("relative_ranges"), "relative_ranges"))
    recurrences = tuple(_recurrence(reader, i) for i in reader.items(top.get("recurrences"), "recurrences"))
    start = start_filter(slots, markers, durations, relative, recurrences)
    return TimeRules(
        fold=_fold(reader, top.get("fold", [])),
        masks=tuple(reader.regex(i.get("regex"), f"masks.{reader.entry_id(i, 'masks')}")
                    for i in reader.items(top.get("masks", []), "masks")),
        digits=_numbers(reader, numerals.get("digits"), "numerals.digits"),
        units=_numbers(reader, numerals.get("units"), "numerals.units"),
        weekdays=_numbers(reader, numerals.get("weekdays"), "numerals.weekdays"),
        two_digit_year_window=reader.integer(top.get("two_digit_year_window"), "two_digit_year_window"),
        slots=slots,
        slot_filters={name: any_of([e.pattern for e in entries]) for name, entries in slots.items()},
        parts=parts, named_days=named_days, markers=markers, durations=durations,
        relative_ranges=relative,
        relative_range_suffix=reader.regex(top.get("relative_range_suffix"), "relative_range_suffix"),
        recurrences=recurrences,
        rollovers=tuple(_rollover(reader, i) for i in reader.items(top.get("year_rollover"), "year_rollover")),
        start=start, lead=lead_class(start))


def _slots(reader: _Reader, top: dict[str, object]
           ) -> tuple[dict[str, tuple[SlotEntry, ...]], dict[str, NamedDay], dict[str, PartOfDay]]:
    slots: dict[str, list[SlotEntry]] = {name: [] for name in SLOT_ORDER}
    for item in reader.items(top.get("slots"), "slots"):
        entry = _slot_entry(reader, item, "slots")
        if entry is not None:
            slots[entry.slot].append(entry)
    guard = reader.expand(reader.text(top.get("named_day_guard", ""), "named_day_guard"), "named_day_guard")
    named_days, slots["holiday"] = _named_days(reader, top.get("named_days"), guard)
    parts = _parts(reader, top.get("parts_of_day"))
    _check_references(reader, slots, parts)
    return {name: tuple(entries) for name, entries in slots.items()}, named_days, parts


def _check_references(reader: _Reader, slots: Mapping[str, list[SlotEntry]],
                      parts: Mapping[str, PartOfDay]) -> None:
    for entries in slots.values():
        for entry in entries:
            for name, value in entry.values:
                if name == "part" and value not in parts:
                    reader.problem(f"slots.{entry.id}", f"unknown part of day {value!r}")


def load_time_rules(rules_dir: Path) -> TimeRules:
    """Read `rules_dir/time.yaml`; raises RuleError listing every problem found."""
    import yaml  # imported on first load: keeps `import pipeline.timex` quick

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when PyYAML has it
    path = rules_dir / "time.yaml"
    problems: list[str] = []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError([f"time.yaml: (file): cannot read {path}: {exc}"]) from exc
    rules = parse_time_rules(data, problems)
    if problems:
        raise RuleError(problems)
    return rules


def default_rules_dir() -> Path:
    """The packaged rules (installed wheel) or the repository's rules/ directory."""
    package = Path(__file__).resolve().parent.parent  # the `pipeline` package directory
    installed = package / "rules"
    return installed if (installed / "time.yaml").is_file() else package.parent / "rules"


@lru_cache(maxsize=1)
def default_rules() -> TimeRules:
    """The default rules, loaded once per process."""
    return load_time_rules(default_rules_dir())

"""Cheap first filters for the scan: where an expression may start, and with which characters."""
from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Mapping
from typing import Any

from pipeline.timex.schema import NEVER, DurationRules, Marker, Markers, RecurrenceUnit, SlotEntry

# The regex parser is private to `re`; it moved in Python 3.11.
_NEW = sys.version_info >= (3, 11)
sre_parse: Any = importlib.import_module("re._parser" if _NEW else "sre_parse")
sre_constants: Any = importlib.import_module("re._constants" if _NEW else "sre_constants")

_ZERO_WIDTH = {sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT}
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
            getattr(sre_constants, "POSSESSIVE_REPEAT", sre_constants.MAX_REPEAT)}
_CATEGORIES = {sre_constants.CATEGORY_DIGIT: r"\d", sre_constants.CATEGORY_SPACE: r"\s"}
_LARGEST_RANGE = 4096
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class _Anything(Exception):
    """The pattern may start with (nearly) any character: no useful filter."""


def lead_class(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`[...]` matching every character a match of `pattern` can begin with; None if unknown."""
    try:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        chars, classes, nullable = _first(list(parsed))
    except (_Anything, re.error, TypeError, ValueError):
        return None
    if nullable or not (chars or classes):
        return None
    body = "".join(re.escape(c) for c in sorted(chars)) + "".join(sorted(classes))
    return re.compile(f"[{body}]")


def _first(items: list[Any]) -> tuple[set[str], set[str], bool]:
    """First characters and classes of a sequence, and whether it can match empty."""
    chars: set[str] = set()
    classes: set[str] = set()
    for op, arg in items:
        more, more_classes, nullable = _first_item(op, arg)
        chars |= more
        classes |= more_classes
        if not nullable:
            return chars, classes, False
    return chars, classes, True


def _first_item(op: Any, arg: Any) -> tuple[set[str], set[str], bool]:
    if op in _ZERO_WIDTH:
        return set(), set(), True
    if op == sre_constants.LITERAL:
        return {chr(arg)}, set(), False
    if op == sre_constants.IN:
        return _first_in(arg)
    if op == sre_constants.CATEGORY:
        return _first_in([(op, arg)])
    if op == sre_constants.BRANCH:
        chars: set[str] = set()
        classes: set[str] = set()
        nullable = False
        for branch in arg[1]:
            more, more_classes, empty = _first(list(branch))
            chars, classes, nullable = chars | more, classes | more_classes, nullable or empty
        return chars, classes, nullable
    if op == sre_constants.SUBPATTERN:
        return _first(list(arg[-1]))
    if op in _REPEATS:
        low, _, body = arg
        chars, classes, empty = _first(list(body))
        return chars, classes, empty or low == 0
    raise _Anything


def _first_in(items: list[Any]) -> tuple[set[str], set[str], bool]:
    chars: set[str] = set()
    classes: set[str] = set()
    for op, arg in items:
        if op == sre_constants.LITERAL:
            chars.add(chr(arg))
        elif op == sre_constants.RANGE and arg[1] - arg[0] <= _LARGEST_RANGE:
            chars.update(chr(code) for code in range(arg[0], arg[1] + 1))
        elif op == sre_constants.CATEGORY and arg in _CATEGORIES:
            classes.add(_CATEGORIES[arg])
        else:
            raise _Anything
    return chars, classes, False


def any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """One regex matching where any of `patterns` matches (named groups dropped)."""
    sources = [_NAMED_GROUP.sub("(?:", p.pattern) for p in patterns if p is not NEVER]
    return re.compile("|".join(f"(?:{s})" for s in sources)) if sources else NEVER


def start_filter(slots: Mapping[str, tuple[SlotEntry, ...]], markers: Markers,
                  durations: DurationRules, relative: tuple[Marker, ...],
                  recurrences: tuple[RecurrenceUnit, ...]) -> re.Pattern[str]:
    """Where any time expression may begin: every way a first component or marker is written."""
    # an entry that needs another component before it (末 in 下周末) never starts an expression
    patterns = [e.pattern for entries in slots.values() for e in entries if not e.requires]
    patterns += [markers.deadline_prefix, markers.range_prefix, markers.bare_left]
    patterns += [m.pattern for m in relative] + [r.pattern for r in recurrences]
    patterns += [u.pattern for u in durations.words]
    units = "|".join(_NAMED_GROUP.sub("(?:", u.pattern.pattern) for u in durations.units if not u.not_first)
    counter, half = durations.counter.pattern, durations.half.pattern
    patterns.append(re.compile(f"(?:{durations.count.pattern})\\s*(?:{counter})?(?:{half})?\\s*(?:{units})"))
    patterns.append(re.compile(f"(?:{half})(?:{counter})?(?:{units})"))
    return any_of(patterns)

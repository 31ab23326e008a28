"""The Chinese time-expression engine: resolve(text, ref) finds dates, deadlines, ranges and recurrences."""
from __future__ import annotations

from pipeline.timex.output import to_iso, to_json
from pipeline.timex.recurrence import Occurrence, anchor_duration, next_occurrences
from pipeline.timex.resolve import resolve
from pipeline.timex.rules import default_rules, load_time_rules, parse_time_rules
from pipeline.timex.schema import TimeRules
from pipeline.timex.workdays import add_workdays, is_workday

__all__ = [
    "Occurrence", "TimeRules", "add_workdays", "anchor_duration", "default_rules", "is_workday",
    "load_time_rules", "next_occurrences", "parse_time_rules", "resolve", "to_iso", "to_json",
]

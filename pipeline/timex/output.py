"""to_json(value): the JSON object the `notices when` command prints for one TimeValue."""
from __future__ import annotations

from datetime import date, datetime

from pipeline.model import TimeValue


def to_iso(moment: date | None) -> str | None:
    """`2022-03-31` for a date, `2022-04-01T17:00` for a date-time (to the minute), None if open."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%dT%H:%M")
    return moment.isoformat()


def to_json(value: TimeValue) -> dict[str, object]:
    """Exactly the keys text, kind, start, end, duration, every, rrule, flags; strings or null."""
    return {
        "text": value.text,
        "kind": value.kind.value,
        "start": to_iso(value.start),
        "end": to_iso(value.end),
        "duration": value.duration,
        "every": value.every,
        "rrule": value.rrule,
        "flags": list(value.flags),
    }

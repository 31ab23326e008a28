"""Checklist rows -> an iCalendar file a calendar program imports: dated duties as events,
recurring duties as one event with their RRULE, the clause and its source in the description."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..dataset import Row
from .tables import atomic_bytes

PRODID = "-//notices//checklists//EN"
TIMED_MINUTES = 30  # a deadline at 17:00 shows as a short event ending then


def write_ics(path: Path, organization: str, rows: list[Row]) -> int:
    """Write the calendar of one organisation; returns the number of events."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", organization)
    seen: set[str] = set()
    for row in rows:
        due = row.get("due_date")
        if not isinstance(due, date):
            continue  # an undated duty has no place in a calendar; it stays in the checklist
        rule = str(row.get("recurrence") or "")
        uid = f"{row.get('req_id')}" + ("" if rule else f"-{due.isoformat()}")
        if uid in seen:
            continue  # a recurring duty is one event with its rule, not one per expanded date
        seen.add(uid)
        cal.add_component(_event(row, due, rule, uid))
    atomic_bytes(path, cal.to_ical())
    return len(seen)


def _event(row: Row, due: date, rule: str, uid: str):  # type: ignore[no-untyped-def]
    from icalendar import Event, vRecur

    event = Event()
    event.add("uid", f"{uid}@notices")
    event.add("dtstamp", datetime(2000, 1, 1))
    event.add("summary", " ".join(filter(None, [str(row.get("what") or ""), str(row.get("how_much") or "")])))
    clock = _clock(str(row.get("due_time") or ""))
    if clock is None:
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
    else:
        end = datetime.combine(due, clock)
        event.add("dtstart", end - timedelta(minutes=TIMED_MINUTES))
        event.add("dtend", end)
    if rule:
        event.add("rrule", vRecur.from_ical(rule))
    event.add("description", _description(row))
    return event


def _clock(text: str) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def _description(row: Row) -> str:
    lines = [str(row.get("evidence") or "")]
    for label in ("to_whom", "how", "how_much"):
        if row.get(label):
            lines.append(f"{label}: {row.get(label)}")
    page = f", page {row.get('page')}" if row.get("page") else ""
    lines.append(f"source: {row.get('source')}{page} ({row.get('req_id')})")
    return "\n".join(lines)

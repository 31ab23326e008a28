"""Checklist items -> an iCalendar file a calendar program imports: dated duties as events,
recurring duties as one event with their RRULE, the clause and its source in the description."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from .checklists import Item, shown
from .tables import atomic_bytes
from .words import Words

PRODID = "-//notices//checklists//EN"
TIMED_MINUTES = 30  # a deadline at 17:00 shows as a short event ending then


def write_ics(path: Path, organization: str, items: list[Item], w: Words) -> int:
    """Write the calendar of one organisation; returns the number of events."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", organization)
    seen: set[str] = set()
    for item in items:
        due = item.due_date
        if due is None:
            continue  # an undated duty has no place in a calendar; it stays in the checklist
        uid = item.req_id + ("" if item.recurrence else f"-{due.isoformat()}")
        if uid in seen:
            continue  # a recurring duty is one event with its rule, not one per expanded date
        seen.add(uid)
        cal.add_component(_event(item, due, uid, w))
    atomic_bytes(path, cal.to_ical())
    return len(seen)


def _event(item: Item, due: date, uid: str, w: Words):  # type: ignore[no-untyped-def]
    from icalendar import Event, vRecur

    event = Event()
    event.add("uid", f"{uid}@notices")
    event.add("dtstamp", datetime(2000, 1, 1))
    how_much = str(shown(item, ("how_much",), w)[0])
    event.add("summary", " ".join(filter(None, [item.what, how_much])))
    clock = _clock(item.due_time)
    if clock is None:
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
    else:
        end = datetime.combine(due, clock)
        event.add("dtstart", end - timedelta(minutes=TIMED_MINUTES))
        event.add("dtend", end)
    if item.recurrence:
        event.add("rrule", vRecur.from_ical(item.recurrence))
    event.add("description", _description(item, how_much, w))
    return event


def _clock(text: str) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def _description(item: Item, how_much: str, w: Words) -> str:
    lines = [item.evidence]
    for label, value in (("to_whom", item.to_whom), ("how", item.how), ("how_much", how_much)):
        if value:
            lines.append(f"{w.column(label)}: {value}")
    page = f", {w.column('page')} {item.page}" if item.page else ""
    lines.append(f"{w.column('notice')}: {item.notice}{page} ({item.source}, {item.req_id})")
    return "\n".join(lines)

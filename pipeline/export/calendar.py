"""Checklist items -> an iCalendar file a calendar program imports: dated duties as events with reminders
(VALARM, days before), a recurring duty as one event with its RRULE ending with its notice's validity, or,
where its dates follow the official workdays (每月最后一个工作日, which a calendar program cannot
know), one event per date as the checklist has them; the clause and its source in the description."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from .checklists import Item, shown
from .tables import atomic_bytes
from .words import Words

PRODID = "-//notices//checklists//EN"
TIMED_MINUTES = 30  # a deadline at 17:00 shows as a short event ending then
REMIND_DAYS = (3, 1)  # reminders this many days before a duty falls due
WORKDAYS = "workdays"  # the flag of a rule on official workdays


def write_ics(path: Path, organization: str, items: list[Item], w: Words,
              remind: tuple[int, ...] = REMIND_DAYS) -> int:
    """Write the calendar of one organisation, each event with a reminder `remind` days before; returns the
    number of events."""
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
        rule = item.recurrence if WORKDAYS not in item.flags.split(";") else ""
        uid = item.req_id if rule else item.key or f"{item.req_id}-{due.isoformat()}"
        if uid in seen:
            continue  # a duty with its rule is one event, not one per expanded date
        seen.add(uid)
        cal.add_component(_event(item, due, uid, rule, w, remind))
    atomic_bytes(path, cal.to_ical())
    return len(seen)


def _event(item: Item, due: date, uid: str, rule: str, w: Words, remind: tuple[int, ...]):  # type: ignore[no-untyped-def]
    from icalendar import Alarm, Event, vRecur

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
    if rule:
        recur = vRecur.from_ical(rule)
        if item.valid_until is not None and "UNTIL" not in recur and "COUNT" not in recur:
            recur["UNTIL"] = item.valid_until if clock is None else datetime.combine(item.valid_until, time(23, 59))
        event.add("rrule", recur)
    event.add("description", _description(item, how_much, w))
    for days in remind:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", str(event.get("summary")))
        alarm.add("trigger", timedelta(days=-days))
        event.add_component(alarm)
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

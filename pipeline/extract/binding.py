"""Rows -> the rows that bind someone: what asks, and what only tells (a programme's sessions, a month
named with no duty)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from ..model import ReqKind, Requirement
from ..rules import Rules
from ..timex import resolve

IDLE_REST = 2  # characters besides a month that leave it naming nothing
PROGRAMME_MIN = 3  # dated events in one section that ask nothing: a programme, not duties


def asks(text: str, rules: Rules) -> bool:
    """The clause asks someone for something (要, 应, 须, 请, 不得…), not only tells; 要 inside 要求 or 主要 is
    no ask (verbs.yaml not_modals)."""
    return any(text.count(w) > sum(text.count(n) for n in rules.verbs.not_modals if w in n)
               for w in rules.verbs.asks if w in text)


def is_idle_month(row: Requirement, rules: Rules) -> bool:
    """A month that names no duty: standing alone (5月 in a table's cell), or inside a clause with no verb
    of a duty, no ask, no 时间/阶段 label and no unit addressed (例:2022年4月份将有38首歌单位置). A period
    that opens its clause is a phase of a plan (2025年2月至3月,自查自纠,有关部门加强督促指导)."""
    if row.kind is not ReqKind.window or row.window_start is None or row.window_end is None:
        return False
    if not (row.window_start.day == 1 and (row.window_end + timedelta(days=1)).day == 1):
        return False
    if _titles_its_section(row, rules):
        return True
    if rules.patterns.regexes.schedule_label.search(row.text):
        return False
    values = resolve(row.text, row.window_start, rules.time)
    rest = row.text
    for value in values:
        rest = rest.replace(value.text, "")
    if len(rest.strip(" :,;。")) <= IDLE_REST:
        return True
    opens = bool(values) and _is_marker(row.text[:values[0].char_start], rules)
    addressed = any(p in row.text for p in rules.organizations.prefixes)
    return not (opens or row.action or asks(row.text, rules) or addressed)


def _titles_its_section(row: Requirement, rules: Rules) -> bool:
    """A heading that names the plan of its section (一、1月份党日活动安排): the duties are its items."""
    heading = row.section.rsplit(" > ", 1)[-1].rstrip("…")
    return (bool(heading) and row.text.startswith(heading)
            and bool(rules.patterns.regexes.plan_heading.search(row.text)))


def _is_marker(prefix: str, rules: Rules) -> bool:
    """Nothing, or only a list marker (1、, (一)), stands before a clause's first date."""
    prefix = prefix.strip()
    return not prefix or any((m := h.regex.match(prefix)) is not None and m.end() == len(prefix)
                             for h in rules.patterns.headings)


def without_programme(rows: list[Requirement], rules: Rules) -> list[Requirement]:
    """A programme (会议日程: 6月27日14:30-17:00 报告 施迅, one session after another) is a run of dated events
    in one section that ask nothing of anyone, named by no verb of a duty or held in a span of the clock (8月27日
    9:00-12:00 大会报告); a single event (期末机考时间: 6月5日, 决赛为5月16日) stays."""
    idle = [r for r in rows if r.kind is ReqKind.event and not asks(r.text, rules)
            and (not r.action or rules.patterns.regexes.session_time.search(r.text))]
    sections = Counter(r.section for r in idle)
    drop = {id(r) for r in idle if sections[r.section] >= PROGRAMME_MIN}
    return [r for r in rows if id(r) not in drop]

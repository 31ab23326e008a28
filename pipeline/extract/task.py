"""A duty in a few words a person can act on (requirements.task, the checklists' 事项): its verb with its
object, 报送学习计划 rather than 报送机关党委, never a bare verb or a fragment cut inside brackets."""
from __future__ import annotations

import re
from functools import lru_cache

from ..rule_groups import OrganizationRules, RoleRules
from ..rules import Rules, alternation

TASK_MAX = 40
TASK_MIN = 4  # shorter is a bare verb (申报): the clause says more
CLAUSE_STOP = re.compile(r"[,。;:!?]")
# A date or time standing between a duty's object and its verb (于6月30日前, 在2024年5月20日上午10时前).
WHEN = re.compile(r"(?:于|在|至|截至)?\s*(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}(?:日|号)"
                  r"(?:\s*(?:上午|下午|晚上)?\s*\d{1,2}(?:[:：]\d{2}|时|点)(?:\d{1,2}分)?)?\s*(?:前|之前|以前|止)?")
LEADING = "于在以并对按将把"  # words that only join: not an object's first character
COLLECTIVE = "各"  # 各支部, 各单位: the ones who act
BRACKETS = {"》": "《", "”": "“", "）": "（", ")": "(", "」": "「", "】": "【"}


def task_of(text: str, action: str, recipient: str, rules: Rules) -> str:
    """The duty of clause `text` whose verb is `action`, sent to `recipient`, in a few words."""
    at = text.find(action) if action else -1
    if at < 0:
        task = _short(_cleaned(text[:_stop_after(text, 0)], rules))
        return task if len(task) >= TASK_MIN else _short(_cleaned(text, rules))
    start, end = _stop_before(text, at), _stop_after(text, at)
    before, after = text[start:at], text[at + len(action):end]
    if _to_someone(after, recipient, rules):
        thing = _thing(before, rules)
        if len(thing) >= 2:
            return _short(action + thing)
    task = _short(text[at:end])
    if len(task) < TASK_MIN:  # a bare verb (各支部于3月31日前申报): what stands before it says what
        task = _short(_cleaned(before, rules) + task)
    return task


def _to_someone(after: str, recipient: str, rules: Rules) -> bool:
    """The verb is followed by whom (至机关党委, 机关党委) or by nothing: its object stands before it."""
    rest = after.lstrip()
    for link in rules.verbs.links:
        rest = rest.removeprefix(link)
    return not rest or bool(recipient) and rest.startswith(recipient)


def _thing(before: str, rules: Rules) -> str:
    """The object in the words before the verb: after 将/把, else what is left once the subject, the modal,
    the manner, any date and a leading verb of its own (制订学习计划) are taken away."""
    markers = [before.rfind(m) for m in rules.verbs.object_markers]
    marked = max(markers, default=-1)
    if marked >= 0:
        return _cleaned(before[marked + 1:], rules)
    thing = _balanced(_cleaned(before, rules))
    verbs = re.match(alternation(rules.verbs.actions), thing)
    if verbs and len(thing) - verbs.end() >= 3:  # 制订学习计划 -> 学习计划; 学习计划 keeps its 学习
        thing = thing[verbs.end():]
    return "" if _is_party(thing, rules) else thing


def _is_party(words: str, rules: Rules) -> bool:
    """A unit or people (各支部, 党员, 机关党委): the one who acts, not what is done."""
    return words.startswith(COLLECTIVE) or words in _names(rules.organizations, rules.roles)


@lru_cache(maxsize=4)
def _names(organizations: OrganizationRules, roles: RoleRules) -> frozenset[str]:
    return frozenset(n for e in organizations.entities + roles.entities for n in (e.name, *e.aliases))


def _cleaned(words: str, rules: Rules) -> str:
    """`words` without dates, without what comes up to the last modal (各党支部要…), and without manner words
    and joining words at either end."""
    words = WHEN.sub("", words)
    modals = [words.rfind(m) + len(m) for m in rules.verbs.modals if m in words]
    if modals:
        words = words[max(modals):]
    if rules.verbs.manners:
        words = re.sub(alternation(rules.verbs.manners), "", words)
    return words.strip().lstrip(LEADING).rstrip(LEADING)


def _short(task: str) -> str:
    """At most TASK_MAX characters, with no bracket left open or closed alone."""
    task = _balanced(task.strip())[:TASK_MAX]
    return _balanced(task)


def _balanced(task: str) -> str:
    """A closing bracket with no opening one is dropped (学习计划》); an opening one with no closing one is
    cut off with what follows when something stands before it, else closed."""
    opened: list[tuple[int, str]] = []
    out: list[str] = []
    for ch in task:
        if ch in BRACKETS.values():
            opened.append((len(out), ch))
        elif ch in BRACKETS:
            if opened and opened[-1][1] == BRACKETS[ch]:
                opened.pop()
            else:
                continue
        out.append(ch)
    text = "".join(out)
    if opened:
        at = opened[0][0]
        if at >= TASK_MIN:
            return text[:at]
        closers = {v: k for k, v in BRACKETS.items()}
        return text + "".join(closers[ch] for _, ch in reversed(opened))
    return text


def _stop_before(text: str, at: int) -> int:
    stops = [m.end() for m in CLAUSE_STOP.finditer(text, 0, at)]
    return stops[-1] if stops else 0


def _stop_after(text: str, at: int) -> int:
    stop = CLAUSE_STOP.search(text, at)
    return stop.start() if stop else len(text)

"""Who acts, who receives, whom a quota binds, and the verb, within one sentence's mentions."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache

from ..nlp import ORG, ROLE, Mention
from ..rules import Rules, alternation, longest_first

GENERIC_ORG_MAX = 16  # characters scanned after a submit verb for an unlisted unit name
CITING = ("《", "的《")  # a unit right before a cited title wrote it


def recipient(text: str, start: int, end: int, mentions: tuple[Mention, ...], rules: Rules) -> str:
    """The unit something goes to: 报送机关党委, 提交至学院党委邮箱, 向机关党委汇报."""
    for verb_end in _submit_points(text, start, end, rules):
        name = _org_at(text, verb_end, mentions, rules)
        if name:
            return name
    for m in alternation_re(rules.verbs.submit_short).finditer(text, start, end):
        named = next((x for x in mentions if x.start == m.end() and x.label == ORG), None)
        if named is not None:
            return named.name
    return ""


def actor(text: str, start: int, end: int, mentions: tuple[Mention, ...], rules: Rules) -> str:
    """The unit that must act in text[start:end]: the unit of 以…为单位, else the unit or people followed by
    要/应/须… or asked by 请, else the first named; never a recipient or a quoted name. SPEC organization is
    never a role: where people act (党员要…) it is the unit they belong to (党支部), or empty where the rules
    do not say and the caller falls back to the addressee or the issuer."""
    free = [m for m in _free(text, mentions, rules) if start <= m.start < end]
    before, after = rules.verbs.as_unit
    subject = next((m for m in free if text[:m.start].endswith(before) and text[m.end:].startswith(after)), None) \
        or next((m for m in free if _before_modal(text, m.end, rules) or _after_request(text, m.start, rules)), None) \
        or next(iter(free), None)
    named = "" if subject is None else subject.name if subject.label == ORG else _unit_of(subject.name, rules)
    return named or _each_unit(text, start, end, rules)


def _unit_of(role: str, rules: Rules) -> str:
    """The unit people of a role belong to (党员 -> 党支部), empty where the rules do not say."""
    return next((r.unit for r in rules.roles.entities if r.name == role), "")


def _each_unit(text: str, start: int, end: int, rules: Rules) -> str:
    """A unit the lists do not know, named as the subject of a duty: 各教科初审单位应…, 各设区市教育局于…,
    2.各教科初审单位:请于…, or a unit's bare name opening its part (…的毕业论文,学院须组织…)."""
    verbs = rules.verbs
    m = _each_pattern(rules.organizations.heads, verbs.modals + verbs.subject_next).search(text, start, end)
    return (m.group("each") or m.group("bare")) if m else ""


@lru_cache(maxsize=8)
def _each_pattern(heads: tuple[str, ...], next_words: tuple[str, ...]) -> re.Pattern[str]:
    head = alternation(heads)
    return re.compile(rf"(?:(?P<each>各[\u4e00-\u9fff]{{1,{GENERIC_ORG_MAX}}}?(?:{head}))"
                      rf"|(?:^|(?<=[,;。]))(?P<bare>(?:{head})))"
                      rf"(?=\s*:?\s*(?:{alternation(next_words)}))")


def _after_request(text: str, at: int, rules: Rules) -> bool:
    """请各毕业生党支部…: the unit asked stands a few characters after the request word."""
    before = text[max(0, at - 4):at]
    return any(w in before for w in rules.verbs.requests)


def _before_modal(text: str, at: int, rules: Rules) -> bool:
    rest = text[at:at + 4]
    return (any(rest.startswith(w) for w in rules.verbs.modals)
            and not any(rest.startswith(w) for w in rules.verbs.not_modals))


def audience(text: str, start: int, end: int, mentions: tuple[Mention, ...], rules: Rules) -> str:
    """The roles named in text[start:end] (党员, 党支部书记…), joined with 、; else the last before."""
    free = [m for m in _free(text, mentions, rules) if m.label == ROLE]
    inside = _unique(m.name for m in free if start <= m.start < end)
    if inside:
        return "、".join(inside)
    before = [m.name for m in free if m.start < start]
    return before[-1] if before else ""


def action(text: str, start: int, end: int, rules: Rules) -> str:
    """The duty's verb: a submit verb if there is one, else the first listed action verb."""
    span = text[start:end]
    for verbs in (longest_first(rules.verbs.submit), rules.verbs.actions):
        found = [(span.find(v), v) for v in verbs if v in span]
        if found:
            return min(found, key=lambda f: (f[0], -len(f[1])))[1]
    return ""


def canonical(text: str, mentions: tuple[Mention, ...]) -> str:
    """The canonical name of the first unit or role in `text` (an addressee line), else the text."""
    return mentions[0].name if mentions else text


def _submit_points(text: str, start: int, end: int, rules: Rules) -> list[int]:
    """Offsets right after a submit verb (and its 至/给/到), or right after 向, in text order."""
    points = []
    verbs = alternation_re(rules.verbs.submit)
    links = alternation_re(rules.verbs.links)
    for m in verbs.finditer(text, start, end):
        after = m.end()
        link = links.match(text, after)
        points.append(link.end() if link else after)
    toward = alternation_re(rules.verbs.toward)
    points.extend(m.end() for m in toward.finditer(text, start, end))
    return sorted(points)


def _org_at(text: str, at: int, mentions: tuple[Mention, ...], rules: Rules) -> str:
    for m in mentions:
        if m.start == at and m.label == ORG:
            return m.name
    return _generic_org(text, at, rules)


def _generic_org(text: str, at: int, rules: Rules) -> str:
    """An unlisted unit right at `at`: the longest run of Chinese that ends with a unit head."""
    run = re.match(rf"[\u4e00-\u9fff]{{2,{GENERIC_ORG_MAX}}}", text[at:])
    if not run:
        return ""
    word = run.group()
    best = ""
    for head in rules.organizations.heads:
        cut = word.rfind(head)
        if cut >= 1 and cut + len(head) > len(best):
            best = word[:cut + len(head)]
    return best


def _free(text: str, mentions: tuple[Mention, ...], rules: Rules) -> list[Mention]:
    """Mentions that name an acting party: not quoted, not in the recipient phrase after a submit
    verb (报送…, 上报党建负责老师), not right after 向 or a short submit verb (报教务处), and not the author of a
    cited document (领会教务处《…》)."""
    blocked = _merged(_quoted_spans(text, rules) + _recipient_phrases(text, rules))
    starts = [a for a, _ in blocked]
    toward = {m.end() for m in alternation_re(rules.verbs.toward + rules.verbs.submit_short).finditer(text)}

    def is_blocked(at: int) -> bool:
        n = bisect_right(starts, at) - 1
        return n >= 0 and at < blocked[n][1]
    return [m for m in mentions if m.start not in toward and not is_blocked(m.start)
            and not text.startswith(CITING, m.end)]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, those that overlap made one: a point is in one of them when it is in the last that
    starts at or before it."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _recipient_phrases(text: str, rules: Rules) -> list[tuple[int, int]]:
    """From each submit verb to the end of its comma part."""
    spans = []
    for m in alternation_re(rules.verbs.submit).finditer(text):
        stop = rules.patterns.regexes.clause_end.search(text, m.end())
        spans.append((m.end(), stop.start() if stop else len(text)))
    return spans


def _quoted_spans(text: str, rules: Rules) -> list[tuple[int, int]]:
    spans = []
    for opener, closer in rules.numerals.quotes:
        for m in re.finditer(f"{opener}[^{closer}]*{closer}", text):
            spans.append(m.span())
    return spans


def _unique(names: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen


@lru_cache(maxsize=32)
def alternation_re(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(alternation(words))

"""Organisation names as the dataset reports them: canonical names, the issuer, the issuer's own units."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .rule_groups import Entity, RoleRules
from .rules import Rules

GREETING = ("好", "您好")
BRACKETED_END = re.compile(r"[（(][^（()）]*[)）]$")  # 地理科学学院(代章): what is written after a name  # 各位合伙人好: the addressee line's greeting, no name


@dataclass(frozen=True, slots=True)
class Issuer:
    """The issuing body: its formal name, its working name and the stem its units are named with."""
    name: str = ""
    short: str = ""
    stem: str = ""  # 机关 for 机关党委: its branches are 机关党支部; empty when it is not a committee


def issuer_of(written: str, rules: Rules) -> Issuer:
    """The issuer as written in the notice, made canonical (中共大连理工大学机关委员会 = 机关党委)."""
    if not written:
        return Issuer()
    entity = entity_named(written, rules)
    if entity is not None:
        short = entity.name
        name = entity.full_name or written  # the issuer as written (校团委), its formal name where the rules know it
    else:
        name = written
        short = rules.organizations.issuer_prefix.sub("", written, count=1) or written
    stem = next((short[:-len(c)] for c in rules.organizations.committees
                 if short.endswith(c) and len(short) > len(c)), "")
    return Issuer(name=name, short=short, stem=stem)


def entity_named(text: str, rules: Rules) -> Entity | None:
    """The organisation whose name or alias the whole text is (a leading 各/全体 left aside)."""
    for candidate in _unprefixed(text, rules):
        for entity in rules.organizations.entities:
            if candidate == entity.name or candidate in entity.aliases:
                return entity
    return None


def canonical(text: str, rules: Rules) -> str:
    """A whole name made canonical; a name the rules do not know stays as written."""
    entity = entity_named(text, rules)
    return entity.name if entity is not None else text


def in_notice(name: str, issuer: Issuer, rules: Rules) -> str:
    """A canonical unit name as it applies in one notice: the issuer's own units take its stem
    (党支部 in a notice of 机关党委 is 机关党支部), a generic name of the issuer is the issuer."""
    if not name or not issuer.short:
        return name
    if issuer.short.endswith(name) and name != issuer.short:
        return issuer.short  # 学院党委 in a notice of 机械工程学院党委
    scoped = {e.name for e in rules.organizations.entities if e.scope == "issuer"}
    if name in scoped and issuer.stem:
        return issuer.stem + name
    return name


def _unprefixed(text: str, rules: Rules) -> list[str]:
    out = [text]
    for prefix in sorted(rules.organizations.prefixes, key=len, reverse=True):
        if text.startswith(prefix) and len(text) > len(prefix):
            out.append(text[len(prefix):])
    return out



def is_people(name: str, rules: Rules) -> bool:
    """People, not a unit (全校师生, 各位参赛团队, 全体党员), or a greeting (各位合伙人好): what a duty binds,
    never who acts for it (SPEC organization)."""
    core = BRACKETED_END.sub("", name).strip()
    if core.endswith(GREETING):
        return True
    return core.endswith(_people_words(rules.roles)) and not core.endswith(rules.organizations.heads)


@lru_cache(maxsize=4)
def _people_words(roles: RoleRules) -> tuple[str, ...]:
    """The words that end a name of people: roles.yaml's people and every role's names (once per rules)."""
    return roles.people + tuple(n for e in roles.entities for n in (e.name, *e.aliases))

"""Quantities in a sentence: value, range, unit and comparator (不少于32学时, 300—500字, 3天内)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..model import Per
from ..rule_groups import Term, Unit
from ..rules import Rules, alternation

_MATCHERS: dict[int, tuple[Rules, tuple[re.Pattern[str], dict[str, Unit]]]] = {}  # by id of the rules

NUMBER = r"(?<![\d.])\d{1,12}(?:\.\d{1,6})?"  # bounded: a run of digits is not tried from each of its digits
SENTENCE_END = re.compile(r"[。;!?]")  # normalised text: ASCII punctuation but the full stop
BOUND_JOINERS = " ,;、且并"  # what may stand between the two bounds of one range
PREFIX_GAP = 12  # 不少于本单位执法人员总数的5%: the bound word may stand a few words before the number
EACH_SPAN = 8  # 每 + a kind of 1-3 characters + 人数为
PEOPLE = "people"  # the unit kind of 名, 人, 位


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit at text[start:end]; comparator None means no bound word was written."""
    start: int
    end: int
    value: float
    value_max: float | None
    unit: str
    unit_kind: str
    frequency: bool
    comparator: str | None
    rule_id: str
    timing: bool = False  # a lead time or a lag (考前30分钟, 开考15分钟后): a span, though the time engine reads a moment


@dataclass(frozen=True, slots=True)
class PerMarker:
    start: int
    end: int
    per: Per


def find_quantities(text: str, rules: Rules) -> list[Quantity]:
    """Every number-with-unit in `text` that is not an ordinal or a history count (第3次, 近3年)."""
    pattern, units = _matcher(rules)
    out = []
    for m in pattern.finditer(text):
        start = m.start("num")
        if start and ((text[start - 1].isascii() and text[start - 1].isalnum()) or text[start - 1] == "."):
            continue
        timing = _lead_or_lag(text, m, rules)
        if timing is None and rules.patterns.regexes.not_quota_context.search(text[max(0, start - 3):start]):
            continue
        unit = units[m.group("unit")]
        value = float(m.group("num")) + (0.5 if m.group("half") else 0.0)
        value_max = float(m.group("num2")) if m.group("num2") else None
        comparator, rule_id = _comparator(text, m, unit.kind, rules)
        if timing is not None and (comparator is None or not m.group("suffix")):
            comparator, rule_id = timing.value, timing.id
        out.append(Quantity(_prefix_start(text, m, rules), m.end(), value, value_max, unit.written,
                            unit.kind, unit.frequency, comparator, rule_id or unit.id, timing is not None))
    return _joined_bounds(out, text)


def _joined_bounds(found: list[Quantity], text: str) -> list[Quantity]:
    """A lower bound followed at once by an upper one of the same unit is one range (码率不低于1024Kbps,
    不超过1280Kbps)."""
    out: list[Quantity] = []
    for q in found:
        low = out[-1] if out else None
        if (low is not None and low.comparator == ">=" and q.comparator == "<=" and low.unit == q.unit
                and low.value < q.value and not text[low.end:q.start].strip(BOUND_JOINERS)):
            out[-1] = replace(low, end=q.end, value_max=q.value, comparator="range", rule_id="cmp.range")
            continue
        out.append(q)
    return out


def find_per_markers(text: str, rules: Rules) -> list[PerMarker]:
    """Words that give a quantity its period (全年, 每篇), besides the time engine's recurrences."""
    out = []
    for term in rules.periods.markers:
        for m in re.finditer(re.escape(term.text), text):
            out.append(PerMarker(m.start(), m.end(), Per(term.value)))
    return sorted(out, key=lambda p: p.start)


def _lead_or_lag(text: str, m: re.Match[str], rules: Rules) -> Term | None:
    """The bound of a span before or after a moment: 考前30分钟 (a lead word right before the number), 开考
    15分钟后不得进入 (a lag word right after the unit, bound by what the rest of its clause allows)."""
    if m.group("unit") not in rules.comparators.lead_units or m.group("num2"):
        return None
    before = text[:m.start("num")]
    lead = next((t for t in rules.comparators.lead if before.endswith(t.text)), None)
    if lead is not None:
        return lead
    if not text.startswith(rules.comparators.lag.text, m.end()):
        return None
    rest = SENTENCE_END.split(text[m.end():], maxsplit=1)[0]
    found = [(rest.find(t.text), t) for t in rules.comparators.lag_then if t.text in rest]
    return min(found, key=lambda f: f[0])[1] if found else None


def _comparator(text: str, m: re.Match[str], unit_kind: str, rules: Rules) -> tuple[str | None, str]:
    if m.group("num2"):
        return "range", "cmp.range"
    suffix = m.group("suffix")
    if suffix:
        term = next(t for t in rules.comparators.suffixes if t.text == suffix)
        return term.value, term.id
    prefix = _prefix(text, m.start("num"), rules)
    if prefix is not None:
        return prefix.value, prefix.id
    if rules.patterns.regexes.each_count.search(text[max(0, m.start("num") - EACH_SPAN):m.start("num")]):
        return rules.comparators.exact, "cmp.each"
    staff = next((t for t in rules.comparators.staffing if text.endswith(t.text, 0, m.start("num"))), None)
    if staff is not None and unit_kind == PEOPLE:
        return staff.value, staff.id
    return None, ""


def _prefix_start(text: str, m: re.Match[str], rules: Rules) -> int:
    prefix = _prefix(text, m.start("num"), rules)
    if prefix is None:
        return m.start("num")
    return text.rfind(prefix.text, 0, m.start("num"))


def _prefix(text: str, number_at: int, rules: Rules) -> Term | None:
    """The bound word nearest before the number, with no stop or other number in between."""
    window = text[max(0, number_at - PREFIX_GAP - 4):number_at]
    best: tuple[int, Term] | None = None
    for term in rules.comparators.prefixes:
        at = window.rfind(term.text)
        if at < 0:
            continue
        gap = window[at + len(term.text):]
        if len(gap) > PREFIX_GAP or re.search(r"[\d,。;:!?、]", gap):
            continue
        end = at + len(term.text)  # the word ending nearest wins, the longest of those (不少于 over 少于)
        if best is None or end > best[0] or (end == best[0] and len(term.text) > len(best[1].text)):
            best = (end, term)
    return best[1] if best else None


def _matcher(rules: Rules) -> tuple[re.Pattern[str], dict[str, Unit]]:
    """The quantity pattern of these rules, kept with them: a cache keyed by the units themselves would
    hash every unit on each clause."""
    kept = _MATCHERS.get(id(rules))
    if kept is None or kept[0] is not rules:
        if len(_MATCHERS) >= 4:
            _MATCHERS.clear()
        units, comparators = rules.units, rules.comparators
        kept = _MATCHERS[id(rules)] = (rules, _compile(units.entries, tuple(t.text for t in comparators.suffixes),
                                                       comparators.range_separators, units.half))
    return kept[1]


def _compile(units: tuple[Unit, ...], suffixes: tuple[str, ...], separators: tuple[str, ...],
             half: str) -> tuple[re.Pattern[str], dict[str, Unit]]:
    by_text = {u.text: u for u in units}
    pattern = re.compile(
        f"(?P<num>{NUMBER})(?:\\s*(?:{alternation(separators)})\\s*(?P<num2>{NUMBER}))?"
        f"(?P<unit>{alternation(tuple(by_text))})(?P<half>{re.escape(half)})?(?P<suffix>{alternation(suffixes)})?")
    return pattern, by_text

"""Load rules/*.yaml into frozen dataclasses, one per file, checked once; every problem reported together."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from .checks import Checker
from .errors import RuleError
from .limits import Limits, parse_limits
from .model import Comparator, DocType, Per, ProgressStatus
from .rule_groups import (
    NEVER,
    BoilerplateRules,
    ComparatorRules,
    DocTypeRules,
    Entity,
    NumeralRules,
    OrganizationRules,
    Pattern,
    PatternRules,
    PeriodRules,
    ProgressRules,
    Regexes,
    RoleRules,
    StatusRules,
    Term,
    Unit,
    UnitRules,
    VerbRules,
)
from .timex import TimeRules, parse_time_rules

FILES = ("units.yaml", "comparators.yaml", "periods.yaml", "statuses.yaml", "numerals.yaml",
         "organizations.yaml", "roles.yaml", "boilerplate.yaml", "patterns.yaml", "verbs.yaml",
         "progress.yaml", "time.yaml", "limits.yaml", "doc_types.yaml")
COMPARATORS = tuple(c.value for c in Comparator)
PERS = tuple(p.value for p in Per)
STATUSES = tuple(s.value for s in ProgressStatus)
UNIT_KINDS = ("time", "count", "length", "people", "percent", "money")
DOC_TYPES = tuple(t.value for t in DocType)
PROGRESS_FIELDS = ("category", "seq", "item", "description", "lead_org", "partner_orgs", "period", "status")


@dataclass(frozen=True, slots=True)
class Rules:
    """Every rule file, checked; each field holds one file (`rules.verbs.modals` is from verbs.yaml)."""
    directory: Path
    version: str  # a hash of every file, see _version
    units: UnitRules
    comparators: ComparatorRules
    periods: PeriodRules
    statuses: StatusRules
    numerals: NumeralRules
    organizations: OrganizationRules
    roles: RoleRules
    boilerplate: BoilerplateRules
    patterns: PatternRules
    verbs: VerbRules
    progress: ProgressRules
    time: TimeRules
    limits: Limits
    doc_types: DocTypeRules


def default_rules_dir() -> Path:
    """rules/ shipped inside the installed package, else the repository's top-level rules/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "patterns.yaml").is_file():
            return candidate
    return here.parent / "rules"


def load_rules(directory: Path | None = None) -> Rules:
    """Read and check every rule file; raise RuleError listing all `file: key: problem`."""
    directory = directory or default_rules_dir()
    problems: list[str] = []
    data = {name: _read_yaml(directory / name, problems) for name in FILES}
    rules = _build(directory, data, problems)
    if problems:
        raise RuleError(problems)
    return rules


YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it: 10x faster


def _read_yaml(path: Path, problems: list[str]) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing from {path.parent}")
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: not valid YAML: {exc}".replace("\n", " "))
    return None


class _Checker(Checker):
    """The shared checks over one rule file (`data`, its parsed YAML), plus what its keys hold: words,
    terms, entities and patterns. A file that is no mapping gives one problem per key."""

    def __init__(self, problems: list[str], file: str, ids: dict[str, str], data: object) -> None:
        super().__init__(problems, file, ids)
        self.data = data

    def get(self, key: str) -> object:
        return self.data.get(key) if isinstance(self.data, dict) else None

    def regex(self, entry: dict[str, Any]) -> re.Pattern[str] | None:
        """The entry's `regex`, compiled (ignoring case when it says `ignorecase`)."""
        return self.compile(str(entry["regex"]), entry["id"], re.IGNORECASE if entry.get("ignorecase") else 0)

    def words(self, key: str) -> tuple[str, ...]:
        return tuple(str(e["text"]) for e in self.entries(self.data, key, ("text",)))

    def terms(self, key: str, value_key: str, allowed: tuple[str, ...]) -> tuple[Term, ...]:
        found = self.entries(self.data, key, ("text", value_key))
        return tuple(Term(e["id"], str(e["text"]), str(e[value_key])) for e in found
                     if self.one_of(e, value_key, allowed))

    def entities(self, key: str) -> tuple[Entity, ...]:
        out = []
        for e in self.entries(self.data, key, ("name",)):
            aliases = e.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.problem(e["id"], "aliases must be a list of strings")
                continue
            if e.get("scope", "") not in ("", "issuer"):
                self.problem(e["id"], f"scope {e['scope']!r} is not one of issuer")
                continue
            out.append(Entity(e["id"], str(e["name"]), tuple(aliases), str(e.get("full_name", "")),
                              str(e.get("scope", "")), str(e.get("unit", ""))))
        return tuple(out)

    def patterns(self, key: str, value_key: str = "") -> tuple[Pattern, ...]:
        out = []
        required = ("regex", value_key) if value_key else ("regex",)
        for e in self.entries(self.data, key, required):
            compiled = self.regex(e)
            if compiled is not None:
                out.append(Pattern(e["id"], compiled, int(e.get("level", 0)), str(e.get(value_key, ""))))
        return tuple(out)

    def single(self, key: str, value_key: str) -> Term:
        """A mapping `key: {id, text, <value_key>}` that names one word."""
        entry = self.get(key)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "text", value_key)):
            self.problem(key, f"needs id, text and {value_key}")
            return Term(key, "", "")
        return Term(entry["id"], entry["text"], entry[value_key])

    def single_regex(self, key: str) -> re.Pattern[str]:
        entry = self.get(key)
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or "regex" not in entry:
            self.problem(key, "needs id and regex")
            return NEVER
        return self.regex(entry) or NEVER

    def pair(self, key: str) -> tuple[str, str]:
        """A mapping `key: {id, before, after}`: words standing either side of a name."""
        entry = self.get(key)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "before", "after")):
            self.problem(key, "needs id, before and after")
            return ("", "")
        return entry["before"], entry["after"]

    def month_days(self, key: str) -> tuple[tuple[int, int], ...]:
        out = []
        for e in self.entries(self.data, key, ("month", "day")):
            month, day = e["month"], e["day"]
            if not (isinstance(month, int) and isinstance(day, int) and 1 <= month <= 12 and 1 <= day <= 28):
                self.problem(e["id"], "month 1-12 and day 1-28 expected")
                continue
            out.append((month, day))
        return tuple(sorted(out))


def _build(directory: Path, data: dict[str, object], problems: list[str]) -> Rules:
    ids: dict[str, str] = {}  # an id names one entry across every file (time.yaml keeps its own)

    def read(name: str) -> _Checker:
        return _Checker(problems, name, ids, data[name])
    units = _units(read("units.yaml"))
    comparators = _comparators(read("comparators.yaml"))
    check = read("periods.yaml")
    periods = PeriodRules(markers=check.terms("markers", "per", PERS),
                          semester_ends=check.month_days("semester_ends"),
                          validity_words=check.words("validity_words"),
                          annual_title=check.single_regex("annual_title"),
                          validity_months=check.positive_int(check.get("validity_months"), "validity_months") or 12)
    statuses = StatusRules(entries=read("statuses.yaml").terms("statuses", "status", STATUSES))
    numerals = _numerals(read("numerals.yaml"))
    organizations = _organizations(read("organizations.yaml"))
    check = read("roles.yaml")
    roles = RoleRules(entities=check.entities("roles"), people=check.words("people"))
    check = read("boilerplate.yaml")
    boilerplate = BoilerplateRules(lines=check.patterns("lines"), inline=check.patterns("inline"))
    # patterns.yaml's relations are read after verbs.yaml, as they always were: problems keep their
    # order, and when both files use one id the same file is named.
    check = read("patterns.yaml")
    headings, regexes = check.patterns("headings"), _regexes(check)
    verbs = _verbs(read("verbs.yaml"))
    patterns = PatternRules(headings=headings, regexes=regexes,
                            relations=check.patterns("relations", "relation"),
                            title_frame=check.single_regex("title_frame"))
    progress = _progress(read("progress.yaml"))
    return Rules(directory=directory, version=_version(directory), units=units, comparators=comparators,
                 periods=periods, statuses=statuses, numerals=numerals, organizations=organizations,
                 roles=roles, boilerplate=boilerplate, patterns=patterns, verbs=verbs, progress=progress,
                 time=parse_time_rules(data["time.yaml"], problems, "time.yaml"),
                 limits=parse_limits(data["limits.yaml"], problems),
                 doc_types=_doc_types(read("doc_types.yaml")))


def _units(check: _Checker) -> UnitRules:
    found = check.entries(check.data, "units", ("text", "kind"))
    units = [Unit(e["id"], str(e["text"]), str(e["kind"]), str(e.get("as") or e["text"]),
                  e.get("frequency") is True)
             for e in found if check.one_of(e, "kind", UNIT_KINDS)]
    # Longest first so that 个工作日 wins over 日 and 万元 over 元.
    entries = tuple(sorted(units, key=lambda u: -len(u.text)))
    return UnitRules(entries=entries, half=check.single("half", "text").text)


def _comparators(check: _Checker) -> ComparatorRules:
    return ComparatorRules(
        prefixes=check.terms("prefix", "comparator", COMPARATORS),
        suffixes=check.terms("suffix", "comparator", COMPARATORS),
        exact=_exact(check),
        lead_units=check.words("lead_units"),
        lead=check.terms("lead", "comparator", COMPARATORS),
        lag=check.single("lag", "comparator"),
        lag_then=check.terms("lag_then", "comparator", COMPARATORS),
        staffing=check.terms("staffing", "comparator", COMPARATORS),
        share=check.single("share", "comparator"),
        range_separators=check.words("range_separators"))


def _exact(check: _Checker) -> str:
    entry = check.get("exact_after_per")
    if not isinstance(entry, dict) or entry.get("comparator") not in COMPARATORS:
        check.problem("exact_after_per", "needs a comparator")
        return "="
    return str(entry["comparator"])


def _numerals(check: _Checker) -> NumeralRules:
    return NumeralRules(
        digits=check.single("digits", "text").text,
        start=check.single("start", "text").text,
        before=check.words("before"),
        not_after=frozenset(check.words("not_after")),
        keep=check.words("keep"),
        quotes=tuple((str(e["open"]), str(e["close"]))
                     for e in check.entries(check.data, "quotes", ("open", "close"))))


def _organizations(check: _Checker) -> OrganizationRules:
    return OrganizationRules(entities=check.entities("organizations"), prefixes=check.words("prefixes"),
                             heads=check.words("heads"), issuer_prefix=check.single_regex("issuer_prefix"),
                             committees=check.words("committees"))


def _regexes(check: _Checker) -> Regexes:
    compiled = {p.id: p.regex for p in check.patterns("regexes")}
    names = [f.name for f in fields(Regexes)]
    for name in names:
        if name not in compiled:
            check.problem("regexes", f"required id {name!r} is missing")
    check.unknown(compiled, names, "id")
    return Regexes(**{name: compiled.get(name, NEVER) for name in names})


def _verbs(check: _Checker) -> VerbRules:
    return VerbRules(
        submit=check.words("submit"),
        toward=check.words("toward"),
        submit_short=check.words("submit_short"),
        modals=check.words("modals"),
        subject_next=check.words("subject_next"),
        asks=check.words("asks"),
        requests=check.words("requests"),
        as_unit=check.pair("as_unit"),
        facts=check.words("facts"),
        not_modals=check.words("not_modals"),
        links=check.words("links"),
        actions=check.words("actions"),
        object_markers=check.words("object_markers"),
        manners=check.words("manners"))


def _progress(check: _Checker) -> ProgressRules:
    min_columns = check.get("min_columns")
    return ProgressRules(
        columns=check.terms("columns", "field", PROGRESS_FIELDS),
        list_separators=check.strings(check.get("list_separators"), "list_separators",
                                      optional=False, blank=False),
        roster_columns=check.words("roster_columns"),
        # A YAML true has always passed as 1 here (to Python a bool is an int), though limits.yaml refuses it.
        min_columns=check.positive_int(int(min_columns) if isinstance(min_columns, bool) else min_columns,
                                       "min_columns") or 1)


def _doc_types(check: _Checker) -> DocTypeRules:
    genres = check.patterns("genres", "doc_type")
    for g in genres:
        check.one_of({"id": g.id, "doc_type": g.value}, "doc_type", DOC_TYPES)
    return DocTypeRules(genres=genres, form_titles=check.patterns("form_titles"),
                        template_names=check.patterns("template_names"),
                        form_blanks=check.patterns("form_blanks"),
                        placeholders=check.patterns("placeholders"), news=check.patterns("news"),
                        readme=check.patterns("readme"), link_list=check.patterns("link_list"))


def _version(directory: Path) -> str:
    """A hash of every rule file, so outputs can say which rules made them."""
    digest = hashlib.sha256()
    for name in FILES:
        path = directory / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()[:12]


def longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


def alternation(words: tuple[str, ...], escape: Callable[[str], str] = re.escape) -> str:
    """A regex alternation of words, longest first (so 个工作日 is tried before 日)."""
    return "|".join(escape(w) for w in longest_first(words))

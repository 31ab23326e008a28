"""Load rules/*.yaml into frozen dataclasses, checked once; every problem is reported together."""
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
NEVER = re.compile(r"(?!)")  # matches nothing: what a missing or broken regex stands for


@dataclass(frozen=True, slots=True)
class Term:
    """A word of the notices with what it means (`value`: a comparator, a Per, a status...)."""
    id: str
    text: str
    value: str = ""


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    text: str
    kind: str
    written: str  # the unit as reported (个工作日 is reported as 工作日)
    frequency: bool = False  # a count of times (次)


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    aliases: tuple[str, ...]
    full_name: str = ""
    scope: str = ""  # "issuer": a unit of the notice's issuer (党支部)
    unit: str = ""  # for people: the unit they belong to, which acts for them (党员 -> 党支部)


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    regex: re.Pattern[str]
    level: int = 0
    value: str = ""  # what a match means (a relation such as supplement)


@dataclass(frozen=True, slots=True)
class Regexes:
    """The named expressions of patterns.yaml; each field is one required id."""
    sentence_end: re.Pattern[str]
    clause_sep: re.Pattern[str]
    terminal_punct: re.Pattern[str]
    doc_number: re.Pattern[str]
    doc_number_lead: re.Pattern[str]
    doc_number_label: re.Pattern[str]
    file_header: re.Pattern[str]
    file_header_lead: re.Pattern[str]
    document_class: re.Pattern[str]
    head_field: re.Pattern[str]
    addressee: re.Pattern[str]
    addressee_marker: re.Pattern[str]
    label_line: re.Pattern[str]
    date_line: re.Pattern[str]
    printed_line: re.Pattern[str]
    signature_tail: re.Pattern[str]
    maker_line: re.Pattern[str]
    attachment_end: re.Pattern[str]
    signer_label: re.Pattern[str]
    meta_source: re.Pattern[str]
    meta_time: re.Pattern[str]
    as_of: re.Pattern[str]
    title: re.Pattern[str]
    title_skip: re.Pattern[str]
    title_year: re.Pattern[str]
    title_issuer: re.Pattern[str]
    title_label: re.Pattern[str]
    email: re.Pattern[str]
    signature_date: re.Pattern[str]
    periodic_report: re.Pattern[str]
    not_quota_context: re.Pattern[str]
    cited_title: re.Pattern[str]
    subject_line: re.Pattern[str]
    channel_label: re.Pattern[str]
    schedule_label: re.Pattern[str]
    session_time: re.Pattern[str]
    condition: re.Pattern[str]
    reference_entry: re.Pattern[str]
    options: re.Pattern[str]
    plan_heading: re.Pattern[str]
    each_count: re.Pattern[str]
    band: re.Pattern[str]
    clause_end: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class DocTypeRules:
    """doc_types.yaml: what tells a notice from a form, a news item, a README or a list of links."""
    genres: tuple[Pattern, ...]  # value: the doc_type a title closing with the match has
    form_titles: tuple[Pattern, ...]
    template_names: tuple[Pattern, ...]  # a file named so is a template
    form_blanks: tuple[Pattern, ...]
    placeholders: tuple[Pattern, ...]
    news: tuple[Pattern, ...]
    readme: tuple[Pattern, ...]
    link_list: tuple[Pattern, ...]


@dataclass(frozen=True, slots=True)
class Rules:
    directory: Path
    version: str
    units: tuple[Unit, ...]
    half: str
    comparator_prefixes: tuple[Term, ...]
    comparator_suffixes: tuple[Term, ...]
    exact_comparator: str
    lead_units: tuple[str, ...]  # a span in these units may be a lead time or a lag
    lead: tuple[Term, ...]
    lag: Term
    lag_then: tuple[Term, ...]
    staffing: tuple[Term, ...]  # right before a count of people: exact
    share: Term
    range_separators: tuple[str, ...]
    per_markers: tuple[Term, ...]
    semester_ends: tuple[tuple[int, int], ...]
    statuses: tuple[Term, ...]
    numeral_digits: str
    numeral_start: str
    numeral_before: tuple[str, ...]
    numeral_not_after: frozenset[str]
    numeral_keep: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...]
    organizations: tuple[Entity, ...]
    org_prefixes: tuple[str, ...]
    org_heads: tuple[str, ...]
    issuer_prefix: re.Pattern[str]
    committees: tuple[str, ...]
    roles: tuple[Entity, ...]
    boilerplate_lines: tuple[Pattern, ...]
    boilerplate_inline: tuple[Pattern, ...]
    headings: tuple[Pattern, ...]
    regexes: Regexes
    submit_verbs: tuple[str, ...]
    toward_words: tuple[str, ...]
    submit_short: tuple[str, ...]
    modals: tuple[str, ...]
    subject_next: tuple[str, ...]
    asks: tuple[str, ...]
    requests: tuple[str, ...]
    as_unit: tuple[str, str]
    fact_verbs: tuple[str, ...]
    not_modals: tuple[str, ...]
    link_words: tuple[str, ...]
    action_verbs: tuple[str, ...]
    relations: tuple[Pattern, ...]
    title_frame: re.Pattern[str]
    progress_columns: tuple[Term, ...]
    progress_separators: tuple[str, ...]
    roster_columns: tuple[str, ...]
    progress_min_columns: int
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
    """The shared checks, plus the entries rules/*.yaml are made of: words, terms, entities, patterns."""

    def regex(self, entry: dict[str, Any]) -> re.Pattern[str] | None:
        """The entry's `regex`, compiled (ignoring case when it says `ignorecase`)."""
        return self.compile(str(entry["regex"]), entry["id"], re.IGNORECASE if entry.get("ignorecase") else 0)

    def words(self, data: object, key: str) -> tuple[str, ...]:
        return tuple(str(e["text"]) for e in self.entries(data, key, ("text",)))

    def terms(self, data: object, key: str, value_key: str, allowed: tuple[str, ...]) -> tuple[Term, ...]:
        found = self.entries(data, key, ("text", value_key))
        return tuple(Term(e["id"], str(e["text"]), str(e[value_key])) for e in found
                     if self.one_of(e, value_key, allowed))

    def entities(self, data: object, key: str) -> tuple[Entity, ...]:
        out = []
        for e in self.entries(data, key, ("name",)):
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

    def patterns(self, data: object, key: str, value_key: str = "") -> tuple[Pattern, ...]:
        out = []
        required = ("regex", value_key) if value_key else ("regex",)
        for e in self.entries(data, key, required):
            compiled = self.regex(e)
            if compiled is not None:
                out.append(Pattern(e["id"], compiled, int(e.get("level", 0)), str(e.get(value_key, ""))))
        return tuple(out)

    def single(self, data: object, key: str, value_key: str) -> Term:
        """A mapping `key: {id, text, <value_key>}` that names one word."""
        entry = _get(data, key)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "text", value_key)):
            self.problem(key, f"needs id, text and {value_key}")
            return Term(key, "", "")
        return Term(entry["id"], entry["text"], entry[value_key])

    def single_regex(self, data: object, key: str) -> re.Pattern[str]:
        entry = _get(data, key)
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or "regex" not in entry:
            self.problem(key, "needs id and regex")
            return NEVER
        return self.regex(entry) or NEVER

    def pair(self, data: object, key: str) -> tuple[str, str]:
        """A mapping `key: {id, before, after}`: words standing either side of a name."""
        entry = _get(data, key)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "before", "after")):
            self.problem(key, "needs id, before and after")
            return ("", "")
        return entry["before"], entry["after"]

    def month_days(self, data: object, key: str) -> tuple[tuple[int, int], ...]:
        out = []
        for e in self.entries(data, key, ("month", "day")):
            month, day = e["month"], e["day"]
            if not (isinstance(month, int) and isinstance(day, int) and 1 <= month <= 12 and 1 <= day <= 28):
                self.problem(e["id"], "month 1-12 and day 1-28 expected")
                continue
            out.append((month, day))
        return tuple(sorted(out))


def _build(directory: Path, data: dict[str, object], problems: list[str]) -> Rules:
    ids: dict[str, str] = {}  # one id is one entry across every file (time.yaml keeps its own)

    def check(file: str) -> _Checker:
        return _Checker(problems, file, ids)
    comparators, cmp = data["comparators.yaml"], check("comparators.yaml")
    numerals, num = data["numerals.yaml"], check("numerals.yaml")
    orgs, org = data["organizations.yaml"], check("organizations.yaml")
    verbs, verb = data["verbs.yaml"], check("verbs.yaml")
    progress, prog = data["progress.yaml"], check("progress.yaml")
    patterns, pat = data["patterns.yaml"], check("patterns.yaml")
    boilerplate = check("boilerplate.yaml")
    return Rules(
        directory=directory,
        version=_version(directory),
        units=_units(data["units.yaml"], check("units.yaml")),
        half=check("units.yaml").single(data["units.yaml"], "half", "text").text,
        comparator_prefixes=cmp.terms(comparators, "prefix", "comparator", COMPARATORS),
        comparator_suffixes=cmp.terms(comparators, "suffix", "comparator", COMPARATORS),
        exact_comparator=_exact(comparators, cmp),
        lead_units=cmp.words(comparators, "lead_units"),
        lead=cmp.terms(comparators, "lead", "comparator", COMPARATORS),
        lag=cmp.single(comparators, "lag", "comparator"),
        lag_then=cmp.terms(comparators, "lag_then", "comparator", COMPARATORS),
        staffing=cmp.terms(comparators, "staffing", "comparator", COMPARATORS),
        share=cmp.single(comparators, "share", "comparator"),
        range_separators=cmp.words(comparators, "range_separators"),
        per_markers=check("periods.yaml").terms(data["periods.yaml"], "markers", "per", PERS),
        semester_ends=check("periods.yaml").month_days(data["periods.yaml"], "semester_ends"),
        statuses=check("statuses.yaml").terms(data["statuses.yaml"], "statuses", "status", STATUSES),
        numeral_digits=num.single(numerals, "digits", "text").text,
        numeral_start=num.single(numerals, "start", "text").text,
        numeral_before=num.words(numerals, "before"),
        numeral_not_after=frozenset(num.words(numerals, "not_after")),
        numeral_keep=num.words(numerals, "keep"),
        quotes=tuple((str(e["open"]), str(e["close"])) for e in num.entries(numerals, "quotes", ("open", "close"))),
        organizations=org.entities(orgs, "organizations"),
        org_prefixes=org.words(orgs, "prefixes"),
        org_heads=org.words(orgs, "heads"),
        issuer_prefix=org.single_regex(orgs, "issuer_prefix"),
        committees=org.words(orgs, "committees"),
        roles=check("roles.yaml").entities(data["roles.yaml"], "roles"),
        boilerplate_lines=boilerplate.patterns(data["boilerplate.yaml"], "lines"),
        boilerplate_inline=boilerplate.patterns(data["boilerplate.yaml"], "inline"),
        headings=pat.patterns(patterns, "headings"),
        regexes=_regexes(patterns, pat),
        submit_verbs=verb.words(verbs, "submit"),
        toward_words=verb.words(verbs, "toward"),
        submit_short=verb.words(verbs, "submit_short"),
        modals=verb.words(verbs, "modals"),
        subject_next=verb.words(verbs, "subject_next"),
        asks=verb.words(verbs, "asks"),
        requests=verb.words(verbs, "requests"),
        as_unit=verb.pair(verbs, "as_unit"),
        fact_verbs=verb.words(verbs, "facts"),
        not_modals=verb.words(verbs, "not_modals"),
        link_words=verb.words(verbs, "links"),
        action_verbs=verb.words(verbs, "actions"),
        relations=pat.patterns(patterns, "relations", "relation"),
        title_frame=pat.single_regex(patterns, "title_frame"),
        progress_columns=prog.terms(progress, "columns", "field", PROGRESS_FIELDS),
        progress_separators=prog.strings(_get(progress, "list_separators"), "list_separators",
                                         optional=False, blank=False),
        roster_columns=prog.words(progress, "roster_columns"),
        progress_min_columns=_min_columns(progress, prog),
        time=parse_time_rules(data["time.yaml"], problems, "time.yaml"),
        limits=parse_limits(data["limits.yaml"], problems),
        doc_types=_doc_types(data["doc_types.yaml"], check("doc_types.yaml")),
    )


def _doc_types(data: object, check: _Checker) -> DocTypeRules:
    genres = check.patterns(data, "genres", "doc_type")
    for g in genres:
        check.one_of({"id": g.id, "doc_type": g.value}, "doc_type", DOC_TYPES)
    return DocTypeRules(genres=genres, form_titles=check.patterns(data, "form_titles"),
                        template_names=check.patterns(data, "template_names"),
                        form_blanks=check.patterns(data, "form_blanks"),
                        placeholders=check.patterns(data, "placeholders"), news=check.patterns(data, "news"),
                        readme=check.patterns(data, "readme"), link_list=check.patterns(data, "link_list"))


def _units(data: object, check: _Checker) -> tuple[Unit, ...]:
    found = check.entries(data, "units", ("text", "kind"))
    units = [Unit(e["id"], str(e["text"]), str(e["kind"]), str(e.get("as") or e["text"]), e.get("frequency") is True)
             for e in found if check.one_of(e, "kind", UNIT_KINDS)]
    # Longest first so that 个工作日 wins over 日 and 万元 over 元.
    return tuple(sorted(units, key=lambda u: -len(u.text)))


def _exact(data: object, check: _Checker) -> str:
    entry = _get(data, "exact_after_per")
    if not isinstance(entry, dict) or entry.get("comparator") not in COMPARATORS:
        check.problem("exact_after_per", "needs a comparator")
        return "="
    return str(entry["comparator"])


def _regexes(data: object, check: _Checker) -> Regexes:
    compiled = {p.id: p.regex for p in check.patterns(data, "regexes")}
    names = [f.name for f in fields(Regexes)]
    for name in names:
        if name not in compiled:
            check.problem("regexes", f"required id {name!r} is missing")
    check.unknown(compiled, names, "id")
    return Regexes(**{name: compiled.get(name, NEVER) for name in names})


def _min_columns(data: object, check: _Checker) -> int:
    value = _get(data, "min_columns")
    # A YAML true has always been read as 1 here (bool is an int to Python), though limits.yaml refuses it.
    return check.positive_int(int(value) if isinstance(value, bool) else value, "min_columns") or 1


def _get(data: object, key: str) -> object:
    """`data[key]` when data is a mapping, else None: a file that is no mapping gives one problem per key."""
    return data.get(key) if isinstance(data, dict) else None


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

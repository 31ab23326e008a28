"""Load rules/*.yaml into frozen dataclasses, checked once; every problem is reported together."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

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
    check = _Checker(problems)
    rules = _build(directory, data, check)
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


class _Checker:
    """Collects problems while reading entries; ids must be unique across all files."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.ids: dict[str, str] = {}

    def entries(self, data: object, file: str, key: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
        section = data.get(key) if isinstance(data, dict) else None
        if not isinstance(section, list) or not section:
            self.problems.append(f"{file}: {key}: expected a non-empty list")
            return []
        good = []
        for n, entry in enumerate(section):
            where = f"{file}: {key}[{n}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                self.problems.append(f"{where}: every entry needs a string `id`")
                continue
            where = f"{file}: {entry['id']}"
            if entry["id"] in self.ids:
                self.problems.append(f"{where}: id already used in {self.ids[entry['id']]}")
            self.ids[entry["id"]] = file
            missing = [f for f in required if not isinstance(entry.get(f), (str, int))]
            if missing:
                self.problems.append(f"{where}: missing {', '.join(missing)}")
                continue
            good.append(entry)
        return good

    def one_of(self, entry: dict[str, Any], file: str, key: str, allowed: tuple[str, ...]) -> bool:
        if str(entry[key]) in allowed:
            return True
        self.problems.append(f"{file}: {entry['id']}: {key} {entry[key]!r} is not one of {', '.join(allowed)}")
        return False

    def regex(self, entry: dict[str, Any], file: str) -> re.Pattern[str] | None:
        try:
            return re.compile(str(entry["regex"]), re.IGNORECASE if entry.get("ignorecase") else 0)
        except re.error as exc:
            self.problems.append(f"{file}: {entry['id']}: regex does not compile: {exc}")
            return None

    def words(self, data: object, file: str, key: str) -> tuple[str, ...]:
        return tuple(str(e["text"]) for e in self.entries(data, file, key, ("text",)))

    def terms(self, data: object, file: str, key: str, value_key: str,
              allowed: tuple[str, ...]) -> tuple[Term, ...]:
        found = self.entries(data, file, key, ("text", value_key))
        return tuple(Term(e["id"], str(e["text"]), str(e[value_key])) for e in found
                     if self.one_of(e, file, value_key, allowed))

    def entities(self, data: object, file: str, key: str) -> tuple[Entity, ...]:
        out = []
        for e in self.entries(data, file, key, ("name",)):
            aliases = e.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                self.problems.append(f"{file}: {e['id']}: aliases must be a list of strings")
                continue
            if e.get("scope", "") not in ("", "issuer"):
                self.problems.append(f"{file}: {e['id']}: scope {e['scope']!r} is not one of issuer")
                continue
            out.append(Entity(e["id"], str(e["name"]), tuple(aliases), str(e.get("full_name", "")),
                              str(e.get("scope", "")), str(e.get("unit", ""))))
        return tuple(out)

    def patterns(self, data: object, file: str, key: str, value_key: str = "") -> tuple[Pattern, ...]:
        out = []
        required = ("regex", value_key) if value_key else ("regex",)
        for e in self.entries(data, file, key, required):
            compiled = self.regex(e, file)
            if compiled is not None:
                out.append(Pattern(e["id"], compiled, int(e.get("level", 0)), str(e.get(value_key, ""))))
        return tuple(out)


def _build(directory: Path, data: dict[str, object], check: _Checker) -> Rules:
    comparators = data["comparators.yaml"]
    numerals = data["numerals.yaml"]
    orgs = data["organizations.yaml"]
    verbs = data["verbs.yaml"]
    progress = data["progress.yaml"]
    return Rules(
        directory=directory,
        version=_version(directory),
        units=_units(data["units.yaml"], check),
        half=_single(data["units.yaml"], "units.yaml", "half", "text", check).text,
        comparator_prefixes=check.terms(comparators, "comparators.yaml", "prefix", "comparator", COMPARATORS),
        comparator_suffixes=check.terms(comparators, "comparators.yaml", "suffix", "comparator", COMPARATORS),
        exact_comparator=_exact(comparators, check),
        lead_units=check.words(comparators, "comparators.yaml", "lead_units"),
        lead=check.terms(comparators, "comparators.yaml", "lead", "comparator", COMPARATORS),
        lag=_single(comparators, "comparators.yaml", "lag", "comparator", check),
        lag_then=check.terms(comparators, "comparators.yaml", "lag_then", "comparator", COMPARATORS),
        staffing=check.terms(comparators, "comparators.yaml", "staffing", "comparator", COMPARATORS),
        share=_single(comparators, "comparators.yaml", "share", "comparator", check),
        range_separators=check.words(comparators, "comparators.yaml", "range_separators"),
        per_markers=check.terms(data["periods.yaml"], "periods.yaml", "markers", "per", PERS),
        semester_ends=_month_days(data["periods.yaml"], "periods.yaml", "semester_ends", check),
        statuses=check.terms(data["statuses.yaml"], "statuses.yaml", "statuses", "status", STATUSES),
        numeral_digits=_single(numerals, "numerals.yaml", "digits", "text", check).text,
        numeral_start=_single(numerals, "numerals.yaml", "start", "text", check).text,
        numeral_before=check.words(numerals, "numerals.yaml", "before"),
        numeral_not_after=frozenset(check.words(numerals, "numerals.yaml", "not_after")),
        numeral_keep=check.words(numerals, "numerals.yaml", "keep"),
        quotes=tuple((str(e["open"]), str(e["close"]))
                     for e in check.entries(numerals, "numerals.yaml", "quotes", ("open", "close"))),
        organizations=check.entities(orgs, "organizations.yaml", "organizations"),
        org_prefixes=check.words(orgs, "organizations.yaml", "prefixes"),
        org_heads=check.words(orgs, "organizations.yaml", "heads"),
        issuer_prefix=_single_regex(orgs, "organizations.yaml", "issuer_prefix", check),
        committees=check.words(orgs, "organizations.yaml", "committees"),
        roles=check.entities(data["roles.yaml"], "roles.yaml", "roles"),
        boilerplate_lines=check.patterns(data["boilerplate.yaml"], "boilerplate.yaml", "lines"),
        boilerplate_inline=check.patterns(data["boilerplate.yaml"], "boilerplate.yaml", "inline"),
        headings=check.patterns(data["patterns.yaml"], "patterns.yaml", "headings"),
        regexes=_regexes(data["patterns.yaml"], check),
        submit_verbs=check.words(verbs, "verbs.yaml", "submit"),
        toward_words=check.words(verbs, "verbs.yaml", "toward"),
        submit_short=check.words(verbs, "verbs.yaml", "submit_short"),
        modals=check.words(verbs, "verbs.yaml", "modals"),
        subject_next=check.words(verbs, "verbs.yaml", "subject_next"),
        asks=check.words(verbs, "verbs.yaml", "asks"),
        requests=check.words(verbs, "verbs.yaml", "requests"),
        as_unit=_pair(verbs, "verbs.yaml", "as_unit", check),
        fact_verbs=check.words(verbs, "verbs.yaml", "facts"),
        not_modals=check.words(verbs, "verbs.yaml", "not_modals"),
        link_words=check.words(verbs, "verbs.yaml", "links"),
        action_verbs=check.words(verbs, "verbs.yaml", "actions"),
        relations=check.patterns(data["patterns.yaml"], "patterns.yaml", "relations", "relation"),
        title_frame=_single_regex(data["patterns.yaml"], "patterns.yaml", "title_frame", check),
        progress_columns=check.terms(progress, "progress.yaml", "columns", "field", PROGRESS_FIELDS),
        progress_separators=_strings(progress, "progress.yaml", "list_separators", check),
        roster_columns=check.words(progress, "progress.yaml", "roster_columns"),
        progress_min_columns=_int(progress, "progress.yaml", "min_columns", check),
        time=parse_time_rules(data["time.yaml"], check.problems, "time.yaml"),
        limits=parse_limits(data["limits.yaml"], check.problems),
        doc_types=_doc_types(data["doc_types.yaml"], check),
    )


def _doc_types(data: object, check: _Checker) -> DocTypeRules:
    file = "doc_types.yaml"
    genres = check.patterns(data, file, "genres", "doc_type")
    for g in genres:
        check.one_of({"id": g.id, "doc_type": g.value}, file, "doc_type", DOC_TYPES)
    return DocTypeRules(genres=genres, form_titles=check.patterns(data, file, "form_titles"),
                        template_names=check.patterns(data, file, "template_names"),
                        form_blanks=check.patterns(data, file, "form_blanks"),
                        placeholders=check.patterns(data, file, "placeholders"), news=check.patterns(data, file, "news"),
                        readme=check.patterns(data, file, "readme"), link_list=check.patterns(data, file, "link_list"))


def _units(data: object, check: _Checker) -> tuple[Unit, ...]:
    found = check.entries(data, "units.yaml", "units", ("text", "kind"))
    units = [Unit(e["id"], str(e["text"]), str(e["kind"]), str(e.get("as") or e["text"]), e.get("frequency") is True)
             for e in found if check.one_of(e, "units.yaml", "kind", UNIT_KINDS)]
    # Longest first so that 个工作日 wins over 日 and 万元 over 元.
    return tuple(sorted(units, key=lambda u: -len(u.text)))


def _exact(data: object, check: _Checker) -> str:
    entry = data.get("exact_after_per") if isinstance(data, dict) else None
    if not isinstance(entry, dict) or entry.get("comparator") not in COMPARATORS:
        check.problems.append("comparators.yaml: exact_after_per: needs a comparator")
        return "="
    return str(entry["comparator"])


def _single(data: object, file: str, key: str, value_key: str, check: _Checker) -> Term:
    """A mapping `key: {id, text, <value_key>}` that names one word."""
    entry = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "text", value_key)):
        check.problems.append(f"{file}: {key}: needs id, text and {value_key}")
        return Term(key, "", "")
    return Term(entry["id"], entry["text"], entry[value_key])


def _single_regex(data: object, file: str, key: str, check: _Checker) -> re.Pattern[str]:
    entry = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or "regex" not in entry:
        check.problems.append(f"{file}: {key}: needs id and regex")
        return re.compile(r"(?!)")
    return check.regex(entry, file) or re.compile(r"(?!)")


def _month_days(data: object, file: str, key: str, check: _Checker) -> tuple[tuple[int, int], ...]:
    out = []
    for e in check.entries(data, file, key, ("month", "day")):
        month, day = e["month"], e["day"]
        if not (isinstance(month, int) and isinstance(day, int) and 1 <= month <= 12 and 1 <= day <= 28):
            check.problems.append(f"{file}: {e['id']}: month 1-12 and day 1-28 expected")
            continue
        out.append((month, day))
    return tuple(sorted(out))


def _pair(data: object, file: str, key: str, check: _Checker) -> tuple[str, str]:
    """A mapping `key: {id, before, after}`: words standing either side of a name."""
    entry = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("id", "before", "after")):
        check.problems.append(f"{file}: {key}: needs id, before and after")
        return ("", "")
    return entry["before"], entry["after"]


def _regexes(data: object, check: _Checker) -> Regexes:
    compiled = {p.id: p.regex for p in check.patterns(data, "patterns.yaml", "regexes")}
    names = [f.name for f in fields(Regexes)]
    for name in names:
        if name not in compiled:
            check.problems.append(f"patterns.yaml: regexes: required id {name!r} is missing")
    for name in compiled.keys() - set(names):
        check.problems.append(f"patterns.yaml: {name}: unknown id (the code does not use it)")
    never = re.compile(r"(?!)")
    return Regexes(**{name: compiled.get(name, never) for name in names})


def _strings(data: object, file: str, key: str, check: _Checker) -> tuple[str, ...]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        check.problems.append(f"{file}: {key}: expected a list of strings")
        return ()
    return tuple(value)


def _int(data: object, file: str, key: str, check: _Checker) -> int:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, int) or value < 1:
        check.problems.append(f"{file}: {key}: expected a positive integer")
        return 1
    return value


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

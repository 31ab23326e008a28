"""What each of rules/*.yaml holds once checked: one frozen dataclass per file, and the entries they share."""
from __future__ import annotations

import re
from dataclasses import dataclass

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
class UnitRules:
    """units.yaml: the units a quantity is counted in."""
    entries: tuple[Unit, ...]  # longest first, so that 个工作日 wins over 日 and 万元 over 元
    half: str  # the word for a half (半) before or after a unit


@dataclass(frozen=True, slots=True)
class ComparatorRules:
    """comparators.yaml: the words that bound a quantity (不少于, 以上...) and what each bound means."""
    prefixes: tuple[Term, ...]
    suffixes: tuple[Term, ...]
    exact: str  # a count with no bound word in a per-period duty (每月开展1次) is this (exact)
    lead_units: tuple[str, ...]  # a span in these units may be a lead time or a lag
    lead: tuple[Term, ...]
    lag: Term
    lag_then: tuple[Term, ...]
    staffing: tuple[Term, ...]  # right before a count of people: exact
    share: Term
    range_separators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PeriodRules:
    """periods.yaml: the words that make a quantity one per period, when semesters end, and how long a
    notice's duties apply (validity.py)."""
    markers: tuple[Term, ...]  # value: a Per
    semester_ends: tuple[tuple[int, int], ...]  # (month, day), in order
    validity_words: tuple[str, ...] = ()  # a sentence with one and a span of time states the validity
    annual_title: re.Pattern[str] = NEVER  # a title of one year's plan; group `year`
    validity_months: int = 12  # else: from the day of issue


@dataclass(frozen=True, slots=True)
class StatusRules:
    """statuses.yaml: the words of progress-table status cells, in the order they are tried."""
    entries: tuple[Term, ...]  # value: a ProgressStatus


@dataclass(frozen=True, slots=True)
class NumeralRules:
    """numerals.yaml: where Chinese numerals become digits, and where they stay as written."""
    digits: str
    start: str  # characters a numeral may start with
    before: tuple[str, ...]
    not_after: frozenset[str]
    keep: tuple[str, ...]
    quotes: tuple[tuple[str, str], ...]  # (opening, closing)


@dataclass(frozen=True, slots=True)
class OrganizationRules:
    """organizations.yaml: the known organisations and the words that make or cut an organisation's name."""
    entities: tuple[Entity, ...]
    prefixes: tuple[str, ...]
    heads: tuple[str, ...]
    issuer_prefix: re.Pattern[str]
    committees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RoleRules:
    """roles.yaml: the people a quota or duty binds (党员, 教师...)."""
    entities: tuple[Entity, ...]
    people: tuple[str, ...] = ()  # words that end a name of people, not of a unit (师生, 团队)


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """boilerplate.yaml: page furniture (menus, footers, page numbers) that is no part of a notice."""
    lines: tuple[Pattern, ...]
    inline: tuple[Pattern, ...]


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
class PatternRules:
    """patterns.yaml: headings, the named expressions, and how one notice's title cites another."""
    headings: tuple[Pattern, ...]
    regexes: Regexes
    relations: tuple[Pattern, ...]  # value: the relation a title so cited has (a supplement...)
    title_frame: re.Pattern[str]  # what is cut from a title before titles are compared


@dataclass(frozen=True, slots=True)
class VerbRules:
    """verbs.yaml: the words that make a sentence a duty and name who does what for whom."""
    submit: tuple[str, ...]
    toward: tuple[str, ...]
    submit_short: tuple[str, ...]
    modals: tuple[str, ...]
    subject_next: tuple[str, ...]
    asks: tuple[str, ...]
    requests: tuple[str, ...]
    as_unit: tuple[str, str]  # the words either side of a unit acting as one (以...为单位)
    facts: tuple[str, ...]
    not_modals: tuple[str, ...]
    links: tuple[str, ...]
    actions: tuple[str, ...]
    object_markers: tuple[str, ...] = ()  # 将, 把: the duty's object follows (extract/task.py)
    manners: tuple[str, ...] = ()  # 认真, 按时…: words of how, not what, taken from a duty's object


@dataclass(frozen=True, slots=True)
class ProgressRules:
    """progress.yaml: the column headers that make a table a progress table, or a roster."""
    columns: tuple[Term, ...]  # value: a ProgressItem field
    list_separators: tuple[str, ...]  # inside a partner cell (各学院、分院)
    roster_columns: tuple[str, ...]
    min_columns: int  # known columns a header row of a progress table has at least


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

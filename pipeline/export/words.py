"""The words people read for the checklists' columns and codes, in each language (labels.yaml): headers,
statuses, kinds, periods, amounts (不少于32学时), flags, sheet names. Checklist items hold codes; only
the writers turn them into words, and staff's edits are read back in any language."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LABELS = Path(__file__).with_name("labels.yaml")
DEFAULT = "zh"


@dataclass(frozen=True, slots=True)
class Words:
    """The words of one language, by what they name (columns, statuses, sheets…) and code."""
    lang: str
    groups: dict[str, dict[str, str]]  # group -> id -> text
    overdue_word: str

    def column(self, column: str) -> str:
        return self.groups["columns"].get(column, column)

    def status(self, status: str) -> str:
        """A status id in words; "" (a row nobody marked) is the first status."""
        statuses = self.groups["statuses"]
        return statuses.get(status) or next(iter(statuses.values()))

    def sheet(self, name: str) -> str:
        """A sheet or file that is not an organisation's (all, unassigned, removed) in words."""
        return self.groups["sheets"].get(name, name)

    def kind(self, kind: str) -> str:
        return self.groups["kinds"].get(kind, kind)

    def per(self, per: str) -> str:
        return self.groups["pers"].get(per, per)

    def flags(self, flags: str) -> str:
        return ";".join(self.groups["flags"].get(f, f) for f in flags.split(";") if f)

    def overdue(self, late: bool) -> str:
        return self.overdue_word if late else ""

    def ui(self, text_id: str, **values: object) -> str:
        """A text of the report's own (labels.yaml: report), with its {…} filled in."""
        text = self.groups["report"].get(text_id, text_id)
        return text.format(**values) if values else text

    def amount(self, comparator: str, value: str) -> str:
        """An amount with its bound (comparators): 不少于32学时, 约3000字, 300-500字."""
        if not value:
            return ""
        return self.groups["comparators"].get(comparator or "=", "{n}").format(n=value)


@cache
def words(lang: str = DEFAULT) -> Words:
    """The words of `lang` (zh or en)."""
    data = _labels()
    if lang not in data["languages"]:
        raise ValueError(f"no words for language {lang!r}; one of {', '.join(data['languages'])}")
    groups = {name: {str(e["id"]): str(e[lang]) for e in data[name]}
              for name in ("columns", "statuses", "sheets", "kinds", "pers", "comparators", "flags", "report")}
    return Words(lang, groups, str(data["overdue"][lang]))


@cache
def _labels() -> dict[str, Any]:
    return dict(yaml.safe_load(LABELS.read_text(encoding="utf-8")))


@cache
def status_ids() -> tuple[str, ...]:
    """Every status id, the first being a row's own until someone marks it."""
    return tuple(str(e["id"]) for e in _labels()["statuses"])


def status_of(word: str) -> str | None:
    """The status id a word of any language (or the id itself) names; "" for an empty cell; None when none."""
    word = word.strip()
    if not word:
        return ""
    for entry in _labels()["statuses"]:
        if word == entry["id"] or word in (str(entry[lang]) for lang in _labels()["languages"]):
            return str(entry["id"])
    return None


def column_of(header: str) -> str | None:
    """The column id a header of any language names, or None."""
    header = header.strip()
    for entry in _labels()["columns"]:
        if header == entry["id"] or header in (str(entry[lang]) for lang in _labels()["languages"]):
            return str(entry["id"])
    return None

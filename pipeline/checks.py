"""Checks for one parsed rule file (YAML): each bad value gives a `file: key: problem` line and a stand-in."""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any


class Checker:
    """Collects `file: key: problem` lines while reading one rule file, so that a run lists every problem
    at once. `ids` maps each entry id to the file that used it last; hand one dict to the checkers of
    several files to keep ids unique across them."""

    def __init__(self, problems: list[str], file: str, ids: dict[str, str] | None = None) -> None:
        self.problems = problems
        self.file = file
        self.ids = {} if ids is None else ids

    def problem(self, key: str, text: str) -> None:
        self.problems.append(f"{self.file}: {key}: {text}")

    def claim(self, entry_id: str) -> str:
        """Record `entry_id` as used by this file; the file that used it before, or ""."""
        before = self.ids.get(entry_id, "")
        self.ids[entry_id] = self.file
        return before

    def mapping(self, data: object, key: str) -> dict[str, object]:
        if isinstance(data, dict):
            return data
        self.problem(key, "expected a mapping")
        return {}

    def items(self, data: object, key: str) -> list[dict[str, object]]:
        """The mappings of a list; anything else in it is reported and left out."""
        if not isinstance(data, list):
            self.problem(key, "expected a list")
            return []
        out = [item for item in data if isinstance(item, dict)]
        if len(out) != len(data):
            self.problem(key, "every item must be a mapping")
        return out

    def entry_id(self, item: Mapping[str, object], key: str) -> str:
        """The item's id ("?" when it has none); an id used before is reported under `key.id`."""
        value = item.get("id")
        if not isinstance(value, str) or not value:
            self.problem(key, "missing id")
            return "?"
        if self.claim(value):
            self.problem(f"{key}.{value}", "duplicate id")
        return value

    def entries(self, data: object, key: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
        """The entries of the non-empty list `data[key]` that have a string id and every `required` key
        (a string or a number); problems are reported under the entry's id."""
        section = data.get(key) if isinstance(data, dict) else None
        if not isinstance(section, list) or not section:
            self.problem(key, "expected a non-empty list")
            return []
        good = []
        for n, entry in enumerate(section):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                self.problem(f"{key}[{n}]", "every entry needs a string `id`")
                continue
            before = self.claim(entry["id"])
            if before:
                self.problem(entry["id"], f"id already used in {before}")
            missing = [f for f in required if not isinstance(entry.get(f), (str, int))]
            if missing:
                self.problem(entry["id"], f"missing {', '.join(missing)}")
                continue
            good.append(entry)
        return good

    def one_of(self, entry: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> bool:
        """Whether the entry's `key` is one of `allowed`; when not, a problem under the entry's id."""
        if str(entry[key]) in allowed:
            return True
        self.problem(entry["id"], f"{key} {entry[key]!r} is not one of {', '.join(allowed)}")
        return False

    def compile(self, source: str, key: str, flags: int = 0,
                text: str = "regex does not compile") -> re.Pattern[str] | None:
        try:
            return re.compile(source, flags)
        except re.error as exc:
            self.problem(key, f"{text}: {exc}")
            return None

    def text(self, data: object, key: str) -> str:
        if isinstance(data, str):
            return data
        self.problem(key, "expected a string")
        return ""

    def integer(self, data: object, key: str) -> int:
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        self.problem(key, "expected an integer")
        return 0

    def positive_int(self, data: object, key: str, text: str = "expected a positive integer") -> int | None:
        """A whole number of at least 1 (a YAML true or false is none), else None."""
        if isinstance(data, int) and not isinstance(data, bool) and data >= 1:
            return data
        self.problem(key, text)
        return None

    def strings(self, data: object, key: str, *, optional: bool = True,
                blank: bool = True) -> tuple[str, ...]:
        """A list of strings; a missing list is () when `optional`, and "" counts as a string when `blank`."""
        if data is None and optional:
            return ()
        if isinstance(data, list) and all(isinstance(x, str) and (blank or x) for x in data):
            return tuple(data)
        self.problem(key, "expected a list of strings")
        return ()

    def unknown(self, names: Iterable[str], known: Iterable[str], what: str, prefix: str = "") -> None:
        """Report each of `names` the code does not know, as `prefix + name`, in sorted order."""
        for name in sorted(set(names) - set(known)):
            self.problem(f"{prefix}{name}", f"unknown {what} (the code does not use it)")

"""Names: a file's name as people read it, whatever bytes the file system holds, and the names made from
notice text (a sheet, a checklist file) safe for where they go and unique there."""
from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

# A name zipped on a Chinese Windows machine and unpacked here keeps its GBK bytes: after UTF-8, GB18030
# (a superset of GBK) is what such a name is most likely written in.
ENCODINGS = ("utf-8", "gb18030")
CHINESE_SCRIPTS = ("CJK", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC")
SHEET_MAX = 31  # Excel's limit on a sheet's title
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
SHEET_RESERVED = ("history",)  # Excel keeps a sheet of this name for itself
FILE_MAX = 100
FILE_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
# A name a spreadsheet may take for a formula (=, +, -, @) when it shows a folder's listing.
FORMULA_LEAD = ("=", "+", "-", "@")
# Names Windows refuses for a file, whatever its extension.
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)


def for_people(name: str) -> str:
    """A name from the file system (undecodable bytes kept as surrogates, as Python gives them) as its
    writer meant it: UTF-8, else GB18030, else with a replacement character for what neither reads. GBK
    bytes are at times valid UTF-8 too (通知 reads as two combining marks, 学习 as a Cyrillic and a Greek
    letter): UTF-8 that no one writes gives way to GB18030 that reads as Chinese."""
    if name.isascii():  # the same in every encoding tried
        return name
    raw = os.fsencode(name)
    readings = []
    for encoding in ENCODINGS:
        try:
            readings.append(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not readings:
        return raw.decode(ENCODINGS[0], "replace")
    if len(readings) == 2 and _garbled(readings[0]) and not _garbled(readings[1]):
        return readings[1]
    return readings[0]


def _garbled(text: str) -> bool:
    """Text no one writes as a name: a combining mark, a control or unassigned character, or letters of two
    scripts other than Chinese mixed."""
    scripts = set()
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "MC":
            return True
        if category[0] == "L" and not ch.isascii():
            script = unicodedata.name(ch, "").split(" ")[0]
            if script not in CHINESE_SCRIPTS:
                scripts.add(script)
    return len(scripts) > 1


def unique_source(source: str, taken: set[str]) -> str:
    """`source`, or `source` marked ~2, ~3… before its suffix when another file already reads so (a GBK and
    a UTF-8 copy of 通知.txt side by side)."""
    if source not in taken:
        return source
    path = PurePosixPath(source)
    n = 2
    while (candidate := str(path.with_name(f"{path.stem}~{n}{path.suffix}"))) in taken:
        n += 1
    return candidate


def sheet_titles(names: Iterable[str], blank: str) -> list[str]:
    """Excel sheet titles for `names`, in order: at most 31 characters, none of []:*?/\\, not starting or
    ending with an apostrophe, not a reserved title, never blank (`blank` then), unique ignoring case."""
    out: list[str] = []
    taken: set[str] = set()
    for name in names:
        base = SHEET_BAD.sub("_", name).strip("'")[:SHEET_MAX].strip("'") or blank
        if base.lower() in SHEET_RESERVED:
            base = f"{base}_"
        out.append(_unique(base, taken, SHEET_MAX))
    return out


def file_stems(names: Iterable[str], blank: str) -> dict[str, str]:
    """A file name (without its extension) for each of `names`: no character any system refuses, not taken
    for a formula, not a name Windows reserves, at most 100 characters, unique ignoring case."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = FILE_BAD.sub("_", name).strip(" .")[:FILE_MAX] or blank
        if base.startswith(FORMULA_LEAD):
            base = f"_{base}"[:FILE_MAX]
        if WINDOWS_RESERVED.match(base):
            base = f"_{base}"
        out[name] = _unique(base, taken, FILE_MAX)
    return out


def _unique(base: str, taken: set[str], limit: int) -> str:
    """`base`, or `base` cut and marked ~2, ~3… when a name that differs only in case is `taken`; the name
    given is added to `taken`."""
    name, n = base, 2
    while name.lower() in taken:
        name = f"{base[:limit - 3]}~{n}"
        n += 1
    taken.add(name.lower())
    return name

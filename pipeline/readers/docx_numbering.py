"""Word automatic numbering: numbering.xml to list definitions, and the label each paragraph shows."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .docx_styles import W

MAX_LEVELS = 9
PLACEHOLDER = re.compile(r"%([1-9])")
# Numerals are written as escapes: Chinese text stays out of the code (STYLE).
CN_DIGITS = "\u3007\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d"
CN_UNITS = ("", "\u5341", "\u767e", "\u5343")
LEGAL_DIGITS = "\u96f6\u58f9\u8d30\u53c1\u8086\u4f0d\u9646\u67d2\u634c\u7396"
LEGAL_UNITS = ("", "\u62fe", "\u4f70", "\u4edf")
STEMS = "\u7532\u4e59\u4e19\u4e01\u620a\u5df1\u5e9a\u8f9b\u58ec\u7678"
BRANCHES = "\u5b50\u4e11\u5bc5\u536f\u8fb0\u5df3\u5348\u672a\u7533\u9149\u620c\u4ea5"
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
SUFFIXES = {"tab": " ", "space": " ", "nothing": ""}


@dataclass(frozen=True, slots=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart: the 1-based level whose use restarts this one; 0 = never
    legal: bool = False  # w:isLgl: every number in the label as a decimal
    suffix: str = " "
    style: str = ""  # w:pStyle: the paragraph style this level belongs to


@dataclass(frozen=True, slots=True)
class Numbering:
    """Abstract lists by id, and each w:num's abstract id with its start overrides per level."""
    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[int, Level | int]] = field(default_factory=dict)
    style_links: dict[str, str] = field(default_factory=dict)  # numbering style id -> abstract id


def parse_numbering(root: etree._Element | None) -> Numbering:
    """numbering.xml as a Numbering; None (no numbering part) gives an empty one."""
    out = Numbering()
    if root is None:
        return out
    links: dict[str, str] = {}
    for node in root.iter(f"{W}abstractNum"):
        abstract_id = node.get(f"{W}abstractNumId", "")
        out.abstract[abstract_id] = {lvl: level for lvl, level in map(_level, node.iter(f"{W}lvl"))}
        for tag, target in ((f"{W}styleLink", out.style_links), (f"{W}numStyleLink", links)):
            link = node.find(tag)
            if link is not None:
                target[link.get(f"{W}val", "")] = abstract_id
    for node in root.iter(f"{W}num"):
        num_id = node.get(f"{W}numId", "")
        out.nums[num_id] = _val(node.find(f"{W}abstractNumId")) or ""
        out.overrides[num_id] = _overrides(node)
    for style_id, abstract_id in links.items():  # a list that borrows its levels from a numbering style
        if style_id in out.style_links:
            out.abstract[abstract_id] = out.abstract.get(out.style_links[style_id], {})
    return out


def _val(node: etree._Element | None) -> str | None:
    return None if node is None else node.get(f"{W}val")


def _int(node: etree._Element | None, default: int) -> int:
    value = _val(node)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(node: etree._Element) -> tuple[int, Level]:
    restart = node.find(f"{W}lvlRestart")
    legal = node.find(f"{W}isLgl")
    text = node.find(f"{W}lvlText")
    level = Level(start=_int(node.find(f"{W}start"), 1),
                  fmt=_val(node.find(f"{W}numFmt")) or "decimal",
                  text=(text.get(f"{W}val", "") if text is not None else ""),
                  restart=None if restart is None else _int(restart, 0),
                  legal=legal is not None and _val(legal) not in ("0", "false", "off"),
                  suffix=SUFFIXES.get(_val(node.find(f"{W}suff")) or "tab", " "),
                  style=_val(node.find(f"{W}pStyle")) or "")
    return _int_attr(node, f"{W}ilvl"), level


def _int_attr(node: etree._Element, name: str) -> int:
    try:
        return int(node.get(name, "0"))
    except ValueError:
        return 0


def _overrides(num: etree._Element) -> dict[int, Level | int]:
    """Per level: a whole replacement Level, or just a new start value."""
    out: dict[int, Level | int] = {}
    for node in num.iter(f"{W}lvlOverride"):
        ilvl = _int_attr(node, f"{W}ilvl")
        lvl = node.find(f"{W}lvl")
        start = node.find(f"{W}startOverride")
        if lvl is not None:
            out[ilvl] = _level(lvl)[1]
        elif start is not None:
            out[ilvl] = _int(start, 1)
    return out


class Counters:
    """The running list counters of one document, in reading order (Word's rules: a level restarts
    when a higher level of the same list is used; a w:num with a start override restarts its list)."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.values: dict[str, dict[int, int]] = {}
        self.seen_nums: set[str] = set()

    def level_for_style(self, num_id: str, style_id: str) -> int:
        """The level a style's list paragraph takes when the style gives no w:ilvl."""
        for ilvl, level in self._levels(num_id).items():
            if level.style == style_id:
                return ilvl
        return 0

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of this list level and return the label it shows ("" for none)."""
        abstract_id = self.numbering.nums.get(num_id)
        levels = self._levels(num_id)
        level = levels.get(ilvl)
        if abstract_id is None or level is None:
            return ""
        counters = self.values.setdefault(abstract_id, {})
        if num_id not in self.seen_nums:
            self.seen_nums.add(num_id)
            for over_lvl, over in self.numbering.overrides.get(num_id, {}).items():
                start = over if isinstance(over, int) else over.start
                counters[over_lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart > 0 and ilvl < restart):
                del counters[deeper]
        if level.fmt in ("bullet", "none") or not level.text:
            return ""
        label = _render(level, levels, counters)
        # A label ending in Chinese punctuation (一、) needs no gap before the text; 1. and A) do.
        return label + (level.suffix if label and label[-1].isascii() else "")

    def _levels(self, num_id: str) -> dict[int, Level]:
        base = self.numbering.abstract.get(self.numbering.nums.get(num_id, ""), {})
        replaced = {k: v for k, v in self.numbering.overrides.get(num_id, {}).items() if isinstance(v, Level)}
        return {**base, **replaced} if replaced else base


def _render(level: Level, levels: dict[int, Level], counters: dict[int, int]) -> str:
    def number(m: re.Match[str]) -> str:
        k = int(m.group(1)) - 1
        ref = levels.get(k, Level())
        value = counters.get(k, ref.start)
        return format_number(value, "decimal" if level.legal else ref.fmt)
    return PLACEHOLDER.sub(number, level.text)


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (w:numFmt); unknown formats as decimals."""
    if n < 1 and fmt not in ("decimal", "decimalZero"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("chineseCounting", "ideographDigital", "taiwaneseCounting", "japaneseCounting"):
        return _grouped(n, CN_DIGITS, CN_UNITS) if n < 100 else "".join(CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("chineseCountingThousand", "taiwaneseCountingThousand"):
        return _grouped(n, CN_DIGITS, CN_UNITS)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return _grouped(n, LEGAL_DIGITS, LEGAL_UNITS, short_ten=False)
    if fmt in ("ideographTraditional", "ideographZodiac"):
        cycle = STEMS if fmt == "ideographTraditional" else BRANCHES
        return cycle[(n - 1) % len(cycle)]
    return _symbol(n, fmt)


def _symbol(n: int, fmt: str) -> str:
    """Enclosed and full-width digits where Unicode has them, else plain decimals."""
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _grouped(n: int, digits: str, units: tuple[str, ...], short_ten: bool = True) -> str:
    """1..9999 with place units (11 -> ten-one, 20 -> two-ten, 101 -> one-hundred-zero-one)."""
    if n >= 10000:
        return str(n)
    places = [int(d) for d in str(n)]
    out: list[str] = []
    pending_zero = False
    for i, d in enumerate(places):
        unit = units[len(places) - 1 - i]
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append(digits[0])
            pending_zero = False
        if not (short_ten and d == 1 and unit == units[1] and not out):
            out.append(digits[d])
        out.append(unit)
    return "".join(out)

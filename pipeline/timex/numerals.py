"""Turns the numbers written in time expressions (17, 二〇二二, 二十三, 两千零四, 2000万) into numbers."""
from __future__ import annotations

from collections.abc import Mapping


def parse_number(text: str, digits: Mapping[str, int], units: Mapping[str, int]) -> float | None:
    """The value of `text`, or None when it is not a number; Chinese numerals read by place."""
    text = text.strip()
    if not text:
        return None
    if text[0].isascii():
        return _arabic(text, units)
    if any(ch in units for ch in text):
        return _positional(text, digits, units)
    if all(ch in digits for ch in text):
        # 二〇二二, 零八: digit by digit
        value = 0
        for ch in text:
            value = value * 10 + digits[ch]
        return value
    return None


def _arabic(text: str, units: Mapping[str, int]) -> float | None:
    factor = 1
    if text[-1] in units:
        factor = units[text[-1]]
        text = text[:-1]
    try:
        value = float(text)
    except ValueError:
        return None
    return value * factor


def _positional(text: str, digits: Mapping[str, int], units: Mapping[str, int]) -> float | None:
    total = section = digit = 0
    seen_digit = False
    big = max(units.values(), default=10)
    for ch in text:
        if ch in digits:
            digit, seen_digit = digits[ch], True
        elif ch in units:
            unit = units[ch]
            if unit == big:
                total += (section + digit) * unit
                section = 0
            else:
                # 十二 = 12, 百年 = 100: a unit with no digit before it counts once
                section += (digit or (0 if seen_digit else 1)) * unit
            digit, seen_digit = 0, False
        else:
            return None
    return total + section + digit


def written_digits(text: str, digits: Mapping[str, int]) -> int:
    """How many digits a year was written with (07 -> 2, 二〇二二 -> 4); 4 for 两千零四."""
    text = text.strip()
    if all(ch.isdigit() or ch in digits for ch in text):
        return len(text)
    return 4

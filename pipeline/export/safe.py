"""Text cells made safe for spreadsheet programs: a cell that starts like a formula (OWASP CSV injection)
gets a leading single quote, so Excel or WPS shows it as text instead of running it.

Only the CSV and XLSX writers use this; SQLite, Parquet, JSON and the report keep the exact text.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """`text` with a single quote in front when it starts like a formula. A lone `=` (the comparator
    column), `-` or `+` cannot compute anything and stays as it is."""
    return "'" + text if len(text) > 1 and text.startswith(FORMULA_STARTS) else text

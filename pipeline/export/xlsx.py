"""Checklists -> checklists.xlsx: an "all" sheet, a sheet per organisation, ready to work in, and a
`removed` sheet of the marks whose obligation is gone."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from operator import attrgetter
from pathlib import Path
from typing import Any

from ..dataset import Mark
from ..names import sheet_titles
from .checklists import ALL, COLUMNS, UNASSIGNED, Item
from .marks import status_word, statuses
from .safe import neutralise
from .tables import atomic

WIDTHS = {"due_date": 12, "due_time": 8, "what": 28, "how_much": 12, "to_whom": 16, "how": 30, "evidence": 60,
          "source": 28, "page": 6, "kind": 11, "per": 10, "recurrence": 24, "window": 22, "section": 30,
          "flags": 16, "overdue": 9, "req_id": 24, "status": 8, "assignee": 12, "done_on": 12, "note": 30,
          "key": 14, "organization": 18, "text": 60, "updated": 20, "origin": 24}
REMOVED = "removed"  # the sheet of marks whose obligation is gone
REMOVED_COLUMNS = ("organization", "due_date", "what", "text", "source", "status", "assignee", "done_on", "note",
                   "updated", "origin", "key")
DATE_COLUMNS = ("due_date", "done_on")
OVERDUE_FILL = "FFC7CE"  # Excel's light red


def write_xlsx(path: Path, lists: dict[str, list[Item]], removed: Sequence[Mark] = ()) -> None:
    import xlsxwriter

    orgs = list(lists) or [UNASSIGNED]
    titles = sheet_titles([*orgs, REMOVED] if removed else orgs, UNASSIGNED)
    with atomic(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False})
        styles = {"head": book.add_format({"bold": True}), "date": book.add_format({"num_format": "yyyy-mm-dd"}),
                  "overdue": book.add_format({"bg_color": f"#{OVERDUE_FILL}"})}
        for title, org in zip(titles, orgs):
            columns = (("organization",) if org == ALL else ()) + COLUMNS
            _fill(book.add_worksheet(title), columns, lists.get(org, []), styles)
        if removed:
            _fill_removed(book.add_worksheet(titles[-1]), removed, styles)
        book.close()


def _fill(sheet, columns: tuple[str, ...], rows: list[Item], styles: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    _cells(sheet, columns, map(attrgetter(*columns), rows), styles["date"])
    _layout(sheet, columns, len(rows), styles)
    last_col, last = len(columns) - 1, max(len(rows), 1)
    status = columns.index("status")
    sheet.data_validation(1, status, last + 200, status, {"validate": "list", "ignore_blank": True,
                                                          "source": [status_word(s) for s in statuses()]})
    due, mark = (_letter(columns.index(c)) for c in ("due_date", "status"))
    sheet.conditional_format(1, 0, last, last_col, {
        "type": "formula", "criteria": f'=AND(${due}2<>"",${due}2<TODAY(),${mark}2<>"{status_word("done")}")',
        "format": styles["overdue"]})


def _fill_removed(sheet, marks: Sequence[Mark], styles: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    rows = [tuple(status_word(m.status) if c == "status" else getattr(m, c) for c in REMOVED_COLUMNS) for m in marks]
    _cells(sheet, REMOVED_COLUMNS, rows, styles["date"])
    _layout(sheet, REMOVED_COLUMNS, len(rows), styles)


def _layout(sheet, columns: tuple[str, ...], rows: int, styles: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    sheet.write_row(0, 0, columns, styles["head"])
    for c, column in enumerate(columns):
        sheet.set_column(c, c, WIDTHS.get(column, 14), styles["date"] if column in DATE_COLUMNS else None)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, rows, len(columns) - 1)


def _cells(sheet, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]], date_style) -> None:  # type: ignore[no-untyped-def]
    """Every cell of `rows` (values in the order of `columns`), text made safe, dates as Excel dates; the
    hottest loop of a large export (over half a million cells at 1,000 notices), so the writers are looked
    up once and a day converted once."""
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    days: dict[date, datetime] = {}
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if type(value) is str:
                write_string(r, c, neutralise(value))
            elif isinstance(value, date):
                moment = days.get(value)
                if moment is None:
                    moment = days[value] = datetime.combine(value, time())
                write_datetime(r, c, moment, date_style)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                write_number(r, c, value)
            else:
                write_string(r, c, neutralise(str(value)))


def _letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name
    return str(xl_col_to_name(index))

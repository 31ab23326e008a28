"""Checklists -> checklists.xlsx: an "all" sheet and a sheet per organisation, ready to work in."""
from __future__ import annotations

from datetime import date, datetime, time
from operator import attrgetter
from pathlib import Path
from typing import Any

from ..names import sheet_titles
from .checklists import ALL, COLUMNS, UNASSIGNED, Item
from .safe import neutralise
from .tables import atomic

WIDTHS = {"due_date": 12, "due_time": 8, "what": 28, "how_much": 12, "to_whom": 16, "how": 30, "evidence": 60,
          "source": 28, "page": 6, "kind": 11, "per": 10, "recurrence": 24, "window": 22, "section": 30,
          "flags": 16, "overdue": 9, "req_id": 24, "done": 8, "organization": 18}
DONE_CHOICES = '"yes,no"'
OVERDUE_FILL = "FFC7CE"  # Excel's light red


def write_xlsx(path: Path, lists: dict[str, list[Item]]) -> None:
    import xlsxwriter

    orgs = list(lists) or [UNASSIGNED]
    with atomic(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False})
        styles = {"head": book.add_format({"bold": True}), "date": book.add_format({"num_format": "yyyy-mm-dd"}),
                  "overdue": book.add_format({"bg_color": f"#{OVERDUE_FILL}"})}
        for title, org in zip(sheet_titles(orgs, UNASSIGNED), orgs):
            columns = (("organization",) if org == ALL else ()) + COLUMNS
            _fill(book.add_worksheet(title), columns, lists.get(org, []), styles)
        book.close()


def _fill(sheet, columns: tuple[str, ...], rows: list[Item], styles: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    sheet.write_row(0, 0, columns, styles["head"])
    _cells(sheet, columns, rows, styles["date"])
    for c, column in enumerate(columns):
        sheet.set_column(c, c, WIDTHS.get(column, 14), styles["date"] if column == "due_date" else None)
    last_col, last = len(columns) - 1, max(len(rows), 1)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(rows), last_col)
    done = columns.index("done")
    sheet.data_validation(1, done, last + 200, done, {"validate": "list", "source": DONE_CHOICES.strip('"').split(","),
                                                      "ignore_blank": True})
    due, mark = (_letter(columns.index(c)) for c in ("due_date", "done"))
    sheet.conditional_format(1, 0, last, last_col, {
        "type": "formula", "criteria": f'=AND(${due}2<>"",${due}2<TODAY(),${mark}2<>"yes")',
        "format": styles["overdue"]})


def _cells(sheet, columns: tuple[str, ...], rows: list[Item], date_style) -> None:  # type: ignore[no-untyped-def]
    """Every cell of `rows`, text made safe, dates as Excel dates; the hottest loop of a large export (over
    half a million cells at 1,000 notices), so the writers are looked up once and a day converted once."""
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    days: dict[date, datetime] = {}
    cells = attrgetter(*columns)
    for r, item in enumerate(rows, start=1):
        for c, value in enumerate(cells(item)):
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

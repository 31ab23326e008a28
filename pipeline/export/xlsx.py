"""Checklists -> checklists.xlsx: an all-organisation sheet, a sheet per organisation ready to work in and
to print, and a removed sheet of the marks whose obligation is gone; headers and values in words people
use (words.py)."""
from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..dataset import Mark
from ..names import sheet_titles
from .checklists import COLUMNS, NAMED, UNASSIGNED, WHOLE, Item, shown
from .tables import atomic
from .words import Words, status_ids

WIDTHS = {"due_date": 11, "what": 26, "status": 7, "assignee": 9, "done_on": 11, "note": 18, "due_time": 6,
          "how_much": 12, "to_whom": 14, "how": 24, "audience": 12, "notice": 30, "evidence": 50, "section": 24,
          "page": 5, "kind": 7, "per": 7, "recurrence": 20, "window": 20, "flags": 10, "overdue": 6, "source": 24,
          "req_id": 20, "key": 14, "organization": 16, "text": 50, "updated": 19, "origin": 22, "was": 11}
WRAPPED = ("what", "note", "to_whom", "how", "notice", "evidence", "section", "text")  # long text wraps in print
PRINTED = 12  # the columns printed, fitted to the width of an A4 page: 截止日期 … 来源 (not the clause itself)
REMOVED = "removed"  # the sheet of marks whose obligation is gone
REMOVED_COLUMNS = ("organization", "due_date", "what", "text", "source", "status", "assignee", "done_on", "note",
                   "updated", "origin", "key")
DATE_COLUMNS = ("due_date", "done_on", "was")
OVERDUE_FILL = "FFC7CE"  # Excel's light red
A4 = 9  # Excel's paper size code
LINE_POINTS = 15  # the height of a line of 11-point text
MAX_LINES = 8  # a row grows for its wrapped text up to this many lines
WIDE = 0x2E80  # from here on (CJK), a character takes more than two widths of a digit
WIDE_WIDTH = 2.5  # measured on the printed page (Noto Sans CJK in LibreOffice; Excel's DengXian takes 2): rather a line too many than a line cut


def write_xlsx(path: Path, lists: dict[str, list[Item]], w: Words, removed: Sequence[Mark] = ()) -> None:
    import xlsxwriter

    orgs = list(lists) or [UNASSIGNED]
    names = [w.sheet(org) if org in NAMED else org for org in orgs]
    titles = sheet_titles([*names, w.sheet(REMOVED)] if removed else names, w.sheet(UNASSIGNED))
    with atomic(path) as tmp:
        # Text is never a formula here (strings_to_formulas off): cells are written as they read, with no
        # quote in front; only the CSV files need that guard.
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False})
        styles = {"head": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"}),
                  "date": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
                  "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
                  "top": book.add_format({"valign": "top"}),
                  "overdue": book.add_format({"bg_color": f"#{OVERDUE_FILL}"}),
                  "struck": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "font_strikeout": True})}
        for title, org in zip(titles, orgs):
            columns = (("organization",) if org in WHOLE else ()) + COLUMNS
            _fill(book.add_worksheet(title), columns, lists.get(org, []), w, styles)
        if removed:
            _fill_removed(book.add_worksheet(titles[-1]), removed, w, styles)
        book.close()


def _fill(sheet, columns: tuple[str, ...], rows: list[Item], w: Words, styles: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    wrapped = [(c, WIDTHS[column]) for c, column in enumerate(columns[:_printed(columns)]) if column in WRAPPED]
    dates = [styles["struck"] if c == "was" else styles["date"] for c in columns]
    for r, values in enumerate(_cells(sheet, (shown(i, columns, w) for i in rows), dates), start=1):
        lines = max((_lines(values[c], width) for c, width in wrapped), default=1)
        if lines > 1:  # Excel and LibreOffice keep a row one line high unless told: the printed text would be cut
            sheet.set_row(r, LINE_POINTS * lines)
    _layout(sheet, columns, len(rows), w, styles)
    last_col, last = len(columns) - 1, max(len(rows), 1)
    status = columns.index("status")
    sheet.data_validation(1, status, last + 200, status, {"validate": "list", "ignore_blank": True,
                                                          "source": [w.status(s) for s in status_ids()]})
    due, mark = (_letter(columns.index(c)) for c in ("due_date", "status"))
    sheet.conditional_format(1, 0, last, last_col, {
        "type": "formula", "criteria": f'=AND(${due}2<>"",${due}2<TODAY(),${mark}2<>"{w.status("done")}")',
        "format": styles["overdue"]})


def _fill_removed(sheet, marks: Sequence[Mark], w: Words, styles: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    rows = (tuple(w.status(m.status) if c == "status" else getattr(m, c) for c in REMOVED_COLUMNS) for m in marks)
    for _ in _cells(sheet, rows, [styles["date"]] * len(REMOVED_COLUMNS)):
        pass
    _layout(sheet, REMOVED_COLUMNS, len(marks), w, styles)


def _layout(sheet, columns: tuple[str, ...], rows: int, w: Words, styles: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    """Headers in words, widths, a frozen header and filters; printed on A4 landscape, the first columns
    fitted to the page's width with the header on every page."""
    sheet.write_row(0, 0, [w.column(c) for c in columns], styles["head"])
    for c, column in enumerate(columns):
        style = (styles["struck"] if column == "was" else styles["date"] if column in DATE_COLUMNS
                 else styles["wrap"] if column in WRAPPED else styles["top"])
        sheet.set_column(c, c, WIDTHS.get(column, 14), style)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, rows, len(columns) - 1)
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.repeat_rows(0)
    sheet.print_area(0, 0, max(rows, 1), _printed(columns) - 1)
    sheet.fit_to_pages(1, 0)  # as wide as one page, as many pages long as the rows need
    sheet.set_footer("&C&P / &N")


def _printed(columns: tuple[str, ...]) -> int:
    """How many of the first columns are printed (the organisation's column of the all sheet on top)."""
    return min(PRINTED + (columns[0] == "organization"), len(columns))


def _lines(value: object, width: int) -> int:
    """The lines a wrapped cell takes in a column `width` digits wide (a Chinese character is more than two)."""
    if not isinstance(value, str) or not value:
        return 1
    wide = sum(WIDE_WIDTH if ord(c) >= WIDE else 1 for c in value)
    return min(MAX_LINES, math.ceil(wide / max(width - 1, 1)))


def _cells(sheet, rows: Iterable[tuple[Any, ...]], date_styles: list[Any]) -> Iterator[tuple[Any, ...]]:  # type: ignore[no-untyped-def]
    """Write every cell of `rows` (values in the order of the columns), dates as Excel dates (in the format of
    their column, `date_styles`), and give each
    row back once written; the hottest loop of a large export (over half a million cells at 1,000 notices),
    so the writers are looked up once and a day converted once."""
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    days: dict[date, datetime] = {}
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if type(value) is str:
                write_string(r, c, value)
            elif isinstance(value, date):
                moment = days.get(value)
                if moment is None:
                    moment = days[value] = datetime.combine(value, time())
                write_datetime(r, c, moment, date_styles[c])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                write_number(r, c, value)
            else:
                write_string(r, c, str(value))
        yield values


def _letter(index: int) -> str:
    from xlsxwriter.utility import xl_col_to_name
    return str(xl_col_to_name(index))

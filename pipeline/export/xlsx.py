"""Checklists -> checklists.xlsx: an "all" sheet and a sheet per organisation, ready to work in."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .checklists import ALL, COLUMNS, UNASSIGNED
from .safe import neutralise
from .tables import Row, atomic

SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
WIDTHS = {"due_date": 12, "due_time": 8, "what": 28, "how_much": 12, "to_whom": 16, "how": 30, "evidence": 60,
          "source": 28, "page": 6, "kind": 11, "per": 10, "recurrence": 24, "window": 22, "section": 30,
          "flags": 16, "overdue": 9, "req_id": 24, "done": 8, "organization": 18}
DONE_CHOICES = '"yes,no"'
OVERDUE_FILL = "FFC7CE"  # Excel's light red


def write_xlsx(path: Path, lists: dict[str, list[Row]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    names = sheet_names(list(lists) or [UNASSIGNED])
    for title, org in zip(names, list(lists) or [UNASSIGNED]):
        columns = (("organization",) if org == ALL else ()) + COLUMNS
        _fill(book.create_sheet(title), columns, lists.get(org, []))
    with atomic(path) as tmp:
        book.save(tmp)


def _fill(sheet, columns: tuple[str, ...], rows: list[Row]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.styles import Font

    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(row.get(c)) for c in columns])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _format(sheet, columns, len(rows))


def _cell(value: object) -> object:
    return value if isinstance(value, (date, int, float)) or value is None else neutralise(str(value))


def _format(sheet, columns: tuple[str, ...], n_rows: int) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = {c: get_column_letter(i) for i, c in enumerate(columns, start=1)}
    for column, col in letter.items():
        sheet.column_dimensions[col].width = WIDTHS.get(column, 14)
    last = n_rows + 1
    for cell in sheet[letter["due_date"]][1:]:
        cell.number_format = "yyyy-mm-dd"
    done = DataValidation(type="list", formula1=DONE_CHOICES, allow_blank=True)
    sheet.add_data_validation(done)
    done.add(f"{letter['done']}2:{letter['done']}{max(last, 2) + 200}")
    due, mark = letter["due_date"], letter["done"]
    rule = FormulaRule(formula=[f'AND(${due}2<>"",${due}2<TODAY(),${mark}2<>"yes")'],
                       fill=PatternFill(start_color=OVERDUE_FILL, end_color=OVERDUE_FILL, fill_type="solid"))
    sheet.conditional_formatting.add(f"A2:{letter[columns[-1]]}{max(last, 2)}", rule)


def sheet_names(orgs: list[str]) -> list[str]:
    """Excel sheet titles: at most 31 characters, no []:*?/\\, unique."""
    names: list[str] = []
    for org in orgs:
        base = SHEET_BAD.sub("_", org)[:31] or UNASSIGNED
        name, n = base, 2
        while name.lower() in (x.lower() for x in names):
            name = f"{base[:28]}~{n}"
            n += 1
        names.append(name)
    return names

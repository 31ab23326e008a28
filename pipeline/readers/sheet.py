"""Read .xlsx, .xls and .csv files: per sheet, the text above a table as paragraphs, the table
from its header row (merged cells filled) as a table block, text below it as paragraphs.

Cells read as a person sees them: numbers without a trailing .0, percentages with %, dates as
their number format writes them when the format carries words of its own (the Chinese
year-month-day formats), else ISO (`2021-05-31`, `2021-05` for a format without days, `17:00`
for a time). A block's page is its sheet's number (1-based) in the workbook, and `pages` the
number of sheets; a .csv has no pages.

Cost: openpyxl reads the 15-row progress table in about 12 ms, plus about 0.5 s to import it
on first use; xlrd reads a small .xls in about 3 ms, a CSV takes under 1 ms.
"""
from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingTool, UnreadableFile
from ..limits import Limits, over_limit
from ..model import BlockKind, Format, RawBlock, RawDocument
from .text import decode

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet
    from xlrd.book import Book
    from xlrd.sheet import Sheet

log = logging.getLogger(__name__)

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
HEADER_CELL_MAX = 40  # characters: a header cell is a short label
DELIMITERS = ",\t;|"
NUMBER = re.compile(r"^[\d.,%+\-\s/:]+$")
COLON = re.compile("[:\uff1a].")  # a colon with a value after it
# Tokens of an Excel number format: quoted text, escaped characters, [locale/colour], date codes.
FORMAT_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|am/pm|a/p|e+|y+|m+|d+|h+|s+|.', re.IGNORECASE)
# Chinese-locale built-in formats Excel writes by id only (openpyxl calls them General).
BUILTIN_DATE_IDS = {27: "month", 36: "month", 50: "month", 52: "month", 57: "month", 28: "day", 29: "day",
                    30: "day", 31: "day", 51: "day", 53: "day", 54: "day", 58: "day", 32: "time", 33: "time",
                    34: "time", 35: "time", 55: "time", 56: "time"}
XLS_HINT = "pip install xlrd (or open the file in Excel or WPS and save it as .xlsx)"


@dataclass(frozen=True, slots=True)
class Grid:
    """One sheet: cell texts with merged cells filled, and True in `merged` where a cell was filled."""
    texts: tuple[tuple[str, ...], ...]
    merged: tuple[tuple[bool, ...], ...]
    page: int | None


def read_sheet(path: Path, source: str, limits: Limits | None = None) -> RawDocument:
    """A workbook or a CSV file as heading, paragraph and table blocks, sheet after sheet.
    Raises UnreadableFile for a damaged or empty file, MissingTool for .xls without xlrd, OverLimit for a
    sheet with more filled rows or columns than `limits` allow (default: the shipped limits)."""
    limits = limits or Limits()
    data = path.read_bytes()
    kind = _kind(data)
    if kind == "xlsx":
        grids = _xlsx_grids(data, source, limits)
    elif kind == "xls":
        grids = _xls_grids(data, source, limits)
    else:
        grids = [_csv_grid(data, source, limits)]
    blocks = tuple(block for grid in grids for block in sheet_blocks(grid))
    if not blocks:
        raise UnreadableFile(f"{source}: the spreadsheet holds no text", "check that the right file was saved")
    pages = None if kind == "csv" else max((g.page or 0 for g in grids), default=0) or None
    return RawDocument(source=source, path=path, format=Format(kind),
                       blocks=blocks, pages=pages, sha256=hashlib.sha256(data).hexdigest())


def _kind(data: bytes) -> str:
    """By content: an Excel 2007 zip, an Excel 97 OLE2 file, else text (a .xls that is really a CSV
    or tab-separated export is common)."""
    if data.startswith(ZIP):
        return "xlsx"
    if data.startswith(OLE2):
        return "xls"
    return "csv"


# --- blocks ----------------------------------------------------------------------------------

def sheet_blocks(grid: Grid) -> list[RawBlock]:
    """Rows above the header row as heading/paragraph blocks, the table, rows below as paragraphs.
    A sheet without a header row (a notice typed into Excel) is all paragraphs."""
    grid = _drop_empty(grid)
    header = _header_row(grid)
    if header is None:
        return [_text_block(grid, r, r == 0 and _spread(grid, r) >= 2) for r in range(len(grid.texts))]
    end = max(r for r in range(header, len(grid.texts)) if len(_origins(grid, r)) >= 2 or r == header)
    blocks = [_text_block(grid, r, r == 0) for r in range(header)]
    table = _drop_empty(Grid(grid.texts[header:end + 1], grid.merged[header:end + 1], grid.page))
    blocks.append(RawBlock(BlockKind.table, rows=table.texts, merged=table.merged, page=grid.page,
                           row_pages=(grid.page,) * len(table.texts)))
    blocks.extend(_text_block(grid, r, False) for r in range(end + 1, len(grid.texts)))
    return blocks


def _drop_empty(grid: Grid) -> Grid:
    """Without rows and columns that hold no text of their own (only copies from a merge)."""
    rows = [r for r in range(len(grid.texts)) if _origins(grid, r)]
    cols = [c for c in range(max((len(t) for t in grid.texts), default=0))
            if any(c < len(grid.texts[r]) and grid.texts[r][c] and not grid.merged[r][c] for r in rows)]
    return Grid(texts=tuple(tuple(grid.texts[r][c] for c in cols) for r in rows),
                merged=tuple(tuple(grid.merged[r][c] for c in cols) for r in rows), page=grid.page)


def _origins(grid: Grid, r: int) -> list[str]:
    """The texts a row holds itself, without the copies merged cells were filled with."""
    return [t for t, m in zip(grid.texts[r], grid.merged[r]) if t and not m]


def _header_row(grid: Grid) -> int | None:
    """The first row where short labels stand side by side over more than half the width; a
    `key: value` cell (the reporting unit, the date) is not a label."""
    width = max((len(t) for t in grid.texts), default=0)
    for r, texts in enumerate(grid.texts):
        filled = [t for t in texts if t]
        labels = [t for t in filled if len(t) <= HEADER_CELL_MAX and not NUMBER.match(t) and not COLON.search(t)]
        if len(_origins(grid, r)) >= 2 and len(labels) == len(filled) and len(labels) > max(1, width // 2):
            return r
    return None


def _text_block(grid: Grid, r: int, title: bool) -> RawBlock:
    """A text row, its own cells joined by a space; a title row with one text is a heading."""
    texts = _origins(grid, r)
    if title and len(texts) == 1:
        return RawBlock(BlockKind.heading, texts[0], level=1, page=grid.page)
    return RawBlock(BlockKind.paragraph, " ".join(texts), page=grid.page)


def _spread(grid: Grid, r: int) -> int:
    """How many columns a row's first text covers (merged across, it fills them all)."""
    texts = _origins(grid, r)
    return sum(1 for t in grid.texts[r] if t == texts[0]) if texts else 0


def _grid(cells: list[list[str]], merges: list[tuple[int, int, int, int]], page: int | None) -> Grid:
    """A grid from cell texts and merged ranges (first row, last row, first col, last col; inclusive)."""
    height = max([len(cells)] + [r1 + 1 for _, r1, _, _ in merges])
    width = max([len(row) for row in cells] + [c1 + 1 for _, _, _, c1 in merges] + [0])
    texts = [row + [""] * (width - len(row)) for row in cells] + [[""] * width for _ in range(height - len(cells))]
    merged = [[False] * width for _ in range(height)]
    for r0, r1, c0, c1 in merges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    texts[r][c], merged[r][c] = texts[r0][c0], True
    return Grid(tuple(map(tuple, texts)), tuple(map(tuple, merged)), page)


# --- .xlsx -----------------------------------------------------------------------------------

def _xlsx_grids(data: bytes, source: str, limits: Limits) -> list[Grid]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError, OSError,
            SyntaxError) as exc:  # SyntaxError: the XML parsers' errors
        raise UnreadableFile(f"{source}: the workbook is damaged or not an Excel 2007+ file "
                             f"({exc.__class__.__name__})",
                             "open it in Excel or WPS and save it again as .xlsx") from exc
    grids = []
    for page, sheet in enumerate(book.worksheets, start=1):
        if sheet.sheet_state != "visible":
            log.info("%s: hidden sheet %s not read", source, sheet.title)
            continue
        rows, cols = _capped(source, sheet.title, _xlsx_filled(sheet, limits), limits)
        cells = [[_xlsx_text(cell) for cell in row]
                 for row in sheet.iter_rows(min_row=1, max_row=rows, max_col=cols)]
        merges = [(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1) for m in sheet.merged_cells.ranges
                  if m.min_row <= rows and m.min_col <= cols]
        merges = [(r0, min(r1, rows - 1), c0, min(c1, cols - 1)) for r0, r1, c0, c1 in merges]
        grids.append(_grid(cells, merges, page))
    return grids


def _capped(source: str, title: str, filled: tuple[int, int], limits: Limits) -> tuple[int, int]:
    """The rows and columns of a sheet to read: all it fills, or OverLimit naming the limit it passes (rows
    and columns only formatted, as Excel keeps them down to row 1,048,576, are no content and not read)."""
    rows, cols = filled
    if rows > limits.max_sheet_rows:
        raise over_limit("max_sheet_rows", source, f"sheet {title} fills {rows} rows, more than {limits.max_sheet_rows}")
    if cols > limits.max_sheet_columns:
        raise over_limit("max_sheet_columns", source,
                         f"sheet {title} fills {cols} columns, more than {limits.max_sheet_columns}")
    return rows, cols


def _xlsx_filled(sheet: Worksheet, limits: Limits) -> tuple[int, int]:
    """The last row and column of a worksheet that hold a value, looked for past the limits only (within
    them every row is read anyway)."""
    rows, cols = min(sheet.max_row, limits.max_sheet_rows), min(sheet.max_column, limits.max_sheet_columns)
    if sheet.max_row > rows:
        for r, row in enumerate(sheet.iter_rows(min_row=rows + 1, values_only=True), start=rows + 1):
            if any(v not in (None, "") for v in row):
                rows = r
    if sheet.max_column > cols:
        for row in sheet.iter_rows(min_col=cols + 1, max_row=rows, values_only=True):
            cols = max([cols] + [c for c, v in enumerate(row, start=cols + 1) if v not in (None, "")])
    return rows, cols


def _xlsx_text(cell: Cell | MergedCell) -> str:
    value, fmt = cell.value, str(cell.number_format or "General")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and fmt == "General":
        precision = BUILTIN_DATE_IDS.get(cell._style.numFmtId)  # the id: openpyxl knows no such format
        if precision is not None:
            from openpyxl.utils.datetime import from_excel
            return _iso(from_excel(value), precision)
    return cell_text(value, fmt)


# --- .xls ------------------------------------------------------------------------------------

def _xls_grids(data: bytes, source: str, limits: Limits) -> list[Grid]:
    try:
        import xlrd
    except ImportError:
        raise MissingTool("xlrd", XLS_HINT,
                          f"{source}: reading .xls files needs the Python package xlrd, which is not installed") from None
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, xlrd.compdoc.CompDocError, ValueError, IndexError, KeyError, AssertionError) as exc:
        raise UnreadableFile(f"{source}: the workbook is damaged, encrypted or not an Excel 97-2003 file "
                             f"({exc.__class__.__name__}: {exc})",
                             "open it in Excel or WPS and save it again as .xlsx") from exc
    grids = []
    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if sheet.visibility:
            log.info("%s: hidden sheet %s not read", source, sheet.name)
            continue
        rows, cols = _capped(source, sheet.name, _xls_filled(sheet, limits), limits)
        cells = [[_xls_text(book, sheet, r, c) for c in range(min(cols, sheet.row_len(r)))] for r in range(rows)]
        merges = [(r0, min(r1, rows) - 1, c0, min(c1, cols) - 1)
                  for r0, r1, c0, c1 in sheet.merged_cells if r0 < rows and c0 < cols]
        grids.append(_grid(cells, merges, index + 1))
    return grids


def _xls_filled(sheet: Sheet, limits: Limits) -> tuple[int, int]:
    """The last row and column of an .xls sheet that hold a value, looked for past the limits only."""
    rows, cols = min(sheet.nrows, limits.max_sheet_rows), min(sheet.ncols, limits.max_sheet_columns)
    for r in range(rows, sheet.nrows):
        if any(v not in (None, "") for v in sheet.row_values(r)):
            rows = r + 1
    if sheet.ncols > cols:
        for r in range(rows):
            cols = max([cols] + [c for c, v in enumerate(sheet.row_values(r, cols), start=cols + 1) if v not in (None, "")])
    return rows, cols


def _xls_text(book: Book, sheet: Sheet, r: int, c: int) -> str:
    import xlrd
    cell = sheet.cell(r, c)
    xf = book.xf_list[cell.xf_index]
    fmt = book.format_map[xf.format_key].format_str if xf.format_key in book.format_map else "General"
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate_as_datetime(cell.value, book.datemode)
        except (xlrd.xldate.XLDateError, OverflowError, ValueError):
            return cell_text(cell.value, "General")
        precision = BUILTIN_DATE_IDS.get(xf.format_key)
        return _iso(moment, precision) if precision else cell_text(moment, fmt)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if cell.ctype in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return cell_text(cell.value, fmt)


# --- .csv ------------------------------------------------------------------------------------

def _csv_grid(data: bytes, source: str, limits: Limits) -> Grid:
    """A CSV table. Excel writes a merged cell's text in its first row only: an empty first-column
    cell under a filled one is taken as a vertical merge and filled, flagged."""
    text = decode(data, source)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS)
    except csv.Error:
        dialect = csv.excel
    try:
        cells = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise UnreadableFile(f"{source}: the CSV file is malformed ({exc})",
                             "open it in Excel or WPS and save it again as CSV or .xlsx") from exc
    filled = max((r + 1 for r, row in enumerate(cells) if any(row)), default=0)
    widest = max((len(row) for row in cells[:filled]), default=0)
    rows, _ = _capped(source, "1", (filled, widest), limits)
    return _fill_first_column(_drop_empty(_grid(cells[:rows], [], None)))


def _fill_first_column(grid: Grid) -> Grid:
    header = _header_row(grid)
    if header is None:
        return grid
    texts = [list(row) for row in grid.texts]
    merged = [list(row) for row in grid.merged]
    for r in range(header + 2, len(texts)):
        if not texts[r][0] and texts[r - 1][0]:
            texts[r][0], merged[r][0] = texts[r - 1][0], True
    return Grid(tuple(map(tuple, texts)), tuple(map(tuple, merged)), grid.page)


# --- cell values -----------------------------------------------------------------------------

def cell_text(value: object, fmt: str = "General") -> str:
    """A cell value as the text a person sees in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (datetime, date, time)):
        return _date_text(value, fmt)
    if isinstance(value, (int, float)):
        return _number_text(float(value), fmt)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _number_text(value: float, fmt: str) -> str:
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt.split(";")[0])  # without quoted text and [codes]
    percent = "%" in bare
    decimals = re.search(r"0\.(0+)", bare)
    value = value * 100 if percent else value
    text = f"{value:.{len(decimals.group(1))}f}" if decimals else f"{value:.15g}"
    if "e" in text:
        text = f"{value:f}".rstrip("0").rstrip(".")
    return text + ("%" if percent else "")


def _date_text(value: date | time, fmt: str) -> str:
    """Rendered by the format when the format carries words of its own (non-ASCII text), else ISO."""
    tokens = FORMAT_TOKEN.findall(fmt.split(";")[0])
    codes = [t[0].lower() for t in tokens if t[0].lower() in "ymdhs" and not t.startswith(('"', "\\"))]
    literal = "".join(t.strip('"').lstrip("\\") for t in tokens if t.startswith(('"', "\\")) or len(t) == 1
                      and t.lower() not in "ymdhse")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S" if "s" in codes and value.second else "%H:%M")
    if not literal.isascii() and not any(t.lower() in ("mmm", "mmmm", "ddd", "dddd", "am/pm", "a/p")
                                         for t in tokens):
        return _render(value, tokens)
    precision = "day" if "d" in codes or not codes else ("time" if codes[0] == "h" else "month")
    if precision == "day" and "h" in codes and isinstance(value, datetime) and value.time() != time(0):
        return value.strftime("%Y-%m-%d %H:%M")
    return _iso(value, precision)


def _iso(value: date, precision: str) -> str:
    if precision == "month":
        return value.strftime("%Y-%m")
    if precision == "time" and isinstance(value, datetime):
        return value.strftime("%H:%M")
    return value.strftime("%Y-%m-%d")


def _render(value: date, tokens: list[str]) -> str:
    """A date written by its own format's codes: yyyy, yy, m, mm, d, dd, h, hh, mm (minutes), ss."""
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    out: list[str] = []
    codes = [(i, t.lower()) for i, t in enumerate(tokens) if t[0].lower() in "ymdhs" and len(t) <= 4]
    for i, token in enumerate(tokens):
        low = token.lower()
        if token.startswith('"'):
            out.append(token.strip('"'))
        elif token.startswith("\\"):
            out.append(token[1:])
        elif token.startswith(("[", "_", "*")) or low in ("@", "e"):
            continue
        elif low[0] in "ymdhs" and len(low) <= 4:
            out.append(_code(moment, low, _is_minutes(i, codes)))
        else:
            out.append(token)
    return "".join(out).strip()


def _is_minutes(i: int, codes: list[tuple[int, str]]) -> bool:
    """An m code means minutes right after an hour code or right before a seconds code."""
    at = [n for n, (j, _) in enumerate(codes) if j == i]
    if not at or codes[at[0]][1][0] != "m":
        return False
    n = at[0]
    return (n > 0 and codes[n - 1][1][0] == "h") or (n + 1 < len(codes) and codes[n + 1][1][0] == "s")


def _code(moment: datetime, code: str, minutes: bool) -> str:
    kind, pad = code[0], len(code) >= 2
    if kind == "y":
        return f"{moment.year % 100:02d}" if len(code) <= 2 else str(moment.year)
    number = {"m": moment.minute if minutes else moment.month, "d": moment.day, "h": moment.hour,
              "s": moment.second}[kind]
    return f"{number:02d}" if pad else str(number)

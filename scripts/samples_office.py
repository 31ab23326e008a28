"""Office renditions of the seeds: 001 as a Word 97 .doc, 000 as an Excel .xlsx and as the GBK .csv
Excel in China saves. Each is read back with the pipeline's own readers and checked against the
DOCX rendition before it is kept.

The .doc needs LibreOffice (soffice); the .xlsx and .csv only openpyxl.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.model import BlockKind, RawBlock, RawDocument
from pipeline.readers.docx import read_docx
from pipeline.readers.office import read_office
from pipeline.readers.sheet import read_sheet

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SEED_000, SEED_001 = "000_b1bb4c7589408144", "001_66fe4d6b06fc550e"
# Excel column widths (characters) after the DOCX's 2.4 1.3 2.8 4.8 2.2 2.2 2.2 8.2 cm.
PROGRESS_WIDTHS = [14, 6, 18, 34, 12, 12, 13, 56]
FIELDS = ["seq", "item", "description", "lead_org", "partner_orgs", "period", "status"]
CENTERED = {"seq", "lead_org", "partner_orgs", "period"}
HEADER_FILL = "D9D9D9"
LINE_POINTS = 15.0  # one line of 11 pt text; rows get the height Excel's autofit would give them
CJK_UNITS = 2.3  # a Chinese character is about two column-width units wide
THIN = Side(style="thin", color="000000")
CORE_MODIFIED = re.compile(rb"<dcterms:modified([^>]*)>[^<]*</dcterms:modified>")


def build_office(samples: Path, data: Path, layout: dict[str, Any], with_soffice: bool) -> None:
    """Write samples/001_*.doc (when soffice may be used), 000_*.xlsx and 000_*.gbk.csv."""
    rows = yaml.safe_load((data / "000_rows.yaml").read_text(encoding="utf-8"))
    cfg = layout["tables"][SEED_000]
    write_progress_xlsx(rows, samples / f"{SEED_000}.xlsx", cfg, layout["fonts"])
    write_progress_csv(rows, samples / f"{SEED_000}.gbk.csv")
    reference = _table(read_docx(samples / f"{SEED_000}.docx", "docx"))
    for name in (f"{SEED_000}.xlsx", f"{SEED_000}.gbk.csv"):
        if _table(read_sheet(samples / name, name)) != reference:
            raise SystemExit(f"{name}: its table does not read back as the DOCX table")
    if with_soffice:
        write_doc(samples / f"{SEED_001}.docx", samples / f"{SEED_001}.doc")


# --- 001 as .doc -----------------------------------------------------------------------------------

def write_doc(docx: Path, out: Path) -> None:
    """Word 97 through LibreOffice, then read back: every heading, number and paragraph must survive."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="samples_doc_") as tmp:
        source = Path(tmp) / docx.name
        source.write_bytes(_without_start_overrides(docx.read_bytes()))
        profile = Path(tmp) / "profile"
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "doc:MS Word 97", "--outdir", tmp, str(source)],
                       check=True, capture_output=True, timeout=300)
        shutil.copyfile(Path(tmp) / f"{docx.stem}.doc", out)
    expected, got = _blocks(read_docx(docx, docx.name)), _blocks(read_office(out, out.name))
    if expected != got:
        diff = [f"  {e!r}\n  {g!r}" for e, g in zip(expected, got) if e != g][:5]
        raise SystemExit(f"{out.name}: the .doc does not read back as the .docx "
                         f"({len(expected)} vs {len(got)} blocks):\n" + "\n".join(diff))


def _without_start_overrides(docx: bytes) -> bytes:
    """The DOCX without its `startOverride 1` list overrides. Each list has an abstract definition
    of its own starting at 1, so Word numbers the same; but LibreOffice 7.4 writes such an override
    into .doc as a restart on every paragraph of the list (the second heading would come back
    numbered as the first)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "word/numbering.xml":
                part = _strip_overrides(part)
            dst.writestr(info, part)
    return out.getvalue()


def _strip_overrides(numbering: bytes) -> bytes:
    root = etree.fromstring(numbering)
    users: dict[str, int] = {}
    for num in root.iter(f"{W}num"):
        abstract = num.find(f"{W}abstractNumId")
        key = abstract.get(f"{W}val", "") if abstract is not None else ""
        users[key] = users.get(key, 0) + 1
    for num in root.iter(f"{W}num"):
        abstract = num.find(f"{W}abstractNumId")
        if abstract is None or users[abstract.get(f"{W}val", "")] > 1:
            continue
        for override in num.findall(f"{W}lvlOverride"):
            start = override.find(f"{W}startOverride")
            if start is not None and start.get(f"{W}val") == "1" and len(override) == 1:
                num.remove(override)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _blocks(doc: RawDocument) -> list[tuple[BlockKind, int, str, tuple[tuple[str, ...], ...]]]:
    return [(b.kind, b.level, b.text, b.rows) for b in doc.blocks if not b.boilerplate]


# --- 000 as .xlsx and .csv ---------------------------------------------------------------------------

def _cells(row: dict[str, Any]) -> list[Any]:
    return [row[field] if field == "seq" else str(row[field]) for field in FIELDS]


def write_progress_xlsx(data: dict[str, Any], out: Path, cfg: dict[str, Any], fonts: dict[str, str]) -> None:
    """Title merged across, shaded header, the category column merged down its rows, text cells,
    thin borders."""
    book = Workbook()
    sheet = book.active
    width = len(data["columns"])
    _title(sheet, data["title"], width, fonts["sans"])
    for col, text in enumerate(data["columns"], start=1):
        cell = sheet.cell(2, col, text)
        cell.font = Font(name=fonts["sans"], size=11, bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row_index = 3
    for category in data["categories"]:
        first = row_index
        for row in category["rows"]:
            _progress_row(sheet, row_index, [category["name"]] + _cells(row), fonts["serif"])
            row_index += 1
        sheet.merge_cells(start_row=first, start_column=1, end_row=row_index - 1, end_column=1)
    _layout(sheet, row_index - 1, width)
    _properties(book, cfg)
    book.save(out)
    _pin_zip(out, cfg["core"]["modified"])


def _title(sheet: Worksheet, title: str, width: int, font: str) -> None:
    sheet.cell(1, 1, title).font = Font(name=font, size=18, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 36


def _progress_row(sheet: Worksheet, index: int, values: list[Any], font: str) -> None:
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(index, col, value if value != "" else None)
        field = FIELDS[col - 2] if col > 1 else "category"
        horizontal = "center" if field in CENTERED or col == 1 else "left"
        cell.font = Font(name=font, size=11)
        cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
        if field == "period":
            cell.number_format = "@"  # typed as text, as in the DOCX (month ranges, whole year)


def _layout(sheet: Worksheet, last_row: int, width: int) -> None:
    for col, chars in enumerate(PROGRESS_WIDTHS[:width], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = chars
    for row in sheet.iter_rows(min_row=2, max_row=last_row, max_col=width):
        for cell in row:
            cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        lines = max(_lines(str(cell.value or ""), PROGRESS_WIDTHS[cell.column - 1]) for cell in row
                    if cell.coordinate not in sheet.merged_cells)
        sheet.row_dimensions[row[0].row].height = lines * LINE_POINTS + 4
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _lines(text: str, width: int) -> int:
    units = sum(1 if ch.isascii() else CJK_UNITS for ch in text)
    return max(1, math.ceil(units / (width - 1)))


def _properties(book: Workbook, cfg: dict[str, Any]) -> None:
    core = cfg["core"]
    props = book.properties
    props.title, props.creator, props.lastModifiedBy = core["title"], core["author"], core["last_modified_by"]
    props.created, props.modified = core["created"], core["modified"]


def _pin_zip(path: Path, stamp: dt.datetime) -> None:
    """Fixed entry times and modified date (openpyxl writes the time of saving): a rebuild is byte-identical."""
    with zipfile.ZipFile(path) as src:
        parts = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, part in parts:
            if name == "docProps/core.xml":
                part = CORE_MODIFIED.sub(lambda m: b"<dcterms:modified" + m.group(1) + b">" + iso
                                         + b"</dcterms:modified>", part)
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, part)


def write_progress_csv(data: dict[str, Any], out: Path) -> None:
    """As Excel (zh-CN) saves "CSV (comma delimited)": GBK, CRLF, a merged cell's text in its first row only."""
    width = len(data["columns"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([data["title"]] + [""] * (width - 1))
    writer.writerow(data["columns"])
    for category in data["categories"]:
        for index, row in enumerate(category["rows"]):
            writer.writerow([category["name"] if index == 0 else ""] + _cells(row))
    out.write_bytes(buffer.getvalue().encode("gbk"))


def _table(doc: RawDocument) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[bool, ...], ...]]:
    tables: list[RawBlock] = [b for b in doc.blocks if b.kind is BlockKind.table]
    return (tables[0].rows, tables[0].merged) if len(tables) == 1 else ((), ())

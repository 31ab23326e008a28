"""Table documents as Word files: 000 (progress table, landscape) and 004 (indicator table)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Pt
from docx.table import Table, _Cell
from samples_docx import (
    add_bookmark,
    add_runs,
    fill_with_fields,
    new_document,
    save_docx,
    set_app_properties,
    set_column_widths,
    set_default_font,
    set_row_flags,
    shade_cell,
    style_font,
)
from samples_notices import core_props, tidy

PROGRESS_WIDTHS_CM = [2.4, 1.3, 2.8, 4.8, 2.2, 2.2, 2.2, 8.2]
PROGRESS_FIELDS = ["seq", "item", "description", "lead_org", "partner_orgs", "period", "status"]
CENTERED_FIELDS = {"seq", "lead_org", "partner_orgs", "period"}
INDICATOR_WIDTHS_CM = [2.6, 4.6, 9.4]
HEADER_FILL = "D9D9D9"
BOOKMARK = re.compile(r"^\[bookmark: (\w+)\]")


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """One row of the 004 table: 一级指标 (empty when it continues), 二级指标, 三级指标 items."""

    level1: str
    level2: str
    items: list[str]
    bookmark: str | None


def _base_document(cfg: dict[str, Any], layout: dict[str, Any], landscape: bool, size: float) -> DocxDocument:
    margins = (2.0, 2.0, 1.8, 1.8) if landscape else (2.5, 2.5, 2.2, 2.2)
    doc = new_document(core_props(cfg["core"]), landscape=landscape, margins_cm=margins)
    serif, sans = layout["fonts"]["serif"], layout["fonts"]["sans"]
    set_default_font(doc, serif, size)
    for name, font, font_size in (("Normal", serif, size), ("Footer", serif, 10.5), ("Title", sans, 18.0)):
        style_font(doc, name, font, font_size)
        fmt = doc.styles[name].paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fill_with_fields(footer, cfg["footer"], serif, 10.5)
    set_app_properties(doc, cfg["company"])
    return doc


def _write_cell(cell: _Cell, paragraphs: list[str], align: WD_ALIGN_PARAGRAPH, bold: bool = False,
                font: str | None = None) -> None:
    """Fill a cell with one Word paragraph per text, vertically centred."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for index, text in enumerate(paragraphs):
        para = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        para.alignment = align
        add_runs(para, text, bold=bold, font=font)


def _header_row(table: Table, texts: list[str], sans: str) -> None:
    row = table.rows[0]
    set_row_flags(row, header=True, cant_split=True)
    for cell, text in zip(row.cells, texts):
        _write_cell(cell, [text], WD_ALIGN_PARAGRAPH.CENTER, bold=True, font=sans)
        shade_cell(cell, HEADER_FILL)


def build_progress(data_path: Path, out: Path, cfg: dict[str, Any], layout: dict[str, Any]) -> None:
    """000: landscape title + one ruled table, 项目类别 merged down its rows, header repeated."""
    data = yaml.safe_load(data_path.read_text(encoding="utf-8"))
    sans = layout["fonts"]["sans"]
    doc = _base_document(cfg, layout, landscape=True, size=12.0)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    add_runs(title, data["title"], font=sans, size=18.0, bold=True)
    rows = [row for category in data["categories"] for row in category["rows"]]
    table = doc.add_table(rows=1 + len(rows), cols=len(data["columns"]))
    table.style = doc.styles["Table Grid"]
    _header_row(table, data["columns"], sans)
    first = 1
    for category in data["categories"]:
        last = first + len(category["rows"]) - 1
        for offset, row in enumerate(category["rows"]):
            _progress_row(table, first + offset, row)
        merged = table.cell(first, 0).merge(table.cell(last, 0))
        _write_cell(merged, [category["name"]], WD_ALIGN_PARAGRAPH.CENTER)
        first = last + 1
    set_column_widths(table, PROGRESS_WIDTHS_CM)
    save_docx(doc, out, cfg["core"]["modified"])


def _progress_row(table: Table, index: int, row: dict[str, Any]) -> None:
    set_row_flags(table.rows[index], cant_split=True)
    for column, field in enumerate(PROGRESS_FIELDS, start=1):
        align = WD_ALIGN_PARAGRAPH.CENTER if field in CENTERED_FIELDS else WD_ALIGN_PARAGRAPH.LEFT
        text = str(row[field])
        _write_cell(table.cell(index, column), [text] if text else [], align)


def parse_indicators(seed: Path) -> tuple[list[str], list[str], list[IndicatorRow]]:
    """004 dump -> (its two lines above the table, header cells, rows). Cells start with a tab."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    cells: list[list[str]] = []
    for line in lines[2:]:
        if line.startswith("\t"):
            cells.append([line.strip()])
        elif line.strip():
            cells[-1].append(line.strip())
    if len(cells) % 3:
        raise ValueError(f"{seed}: {len(cells)} cells is not a whole number of 3-column rows")
    triples = [cells[i: i + 3] for i in range(0, len(cells), 3)]
    header = [cell[0] for cell in triples[0]]
    rows = []
    for level1, level2, items in (t for t in triples if [c[0] for c in t] != header):
        mark = BOOKMARK.match(level2[0])
        rows.append(IndicatorRow(tidy(level1[0]), tidy(BOOKMARK.sub("", level2[0])),
                                 [tidy(item) for item in items], mark.group(1) if mark else None))
    return lines[:2], header, rows


def _merge_groups(rows: list[IndicatorRow]) -> list[tuple[str, int, int]]:
    """(一级指标, first row, last row) runs; a dump repeats or blanks the label on later pages."""
    groups: list[tuple[str, int, int]] = []
    for index, row in enumerate(rows, start=1):
        if groups and row.level1 in ("", groups[-1][0]):
            groups[-1] = (groups[-1][0], groups[-1][1], index)
        else:
            groups.append((row.level1, index, index))
    return groups


def build_indicators(seed: Path, out: Path, cfg: dict[str, Any], layout: dict[str, Any]) -> None:
    """004: 附件1, the title, a 3-column table with 一级指标 merged down (w:vMerge), header repeated."""
    (label, title_text), header, rows = parse_indicators(seed)
    sans = layout["fonts"]["sans"]
    doc = _base_document(cfg, layout, landscape=False, size=10.5)
    add_runs(doc.add_paragraph(), label, font=sans, size=16.0)
    title = doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before, title.paragraph_format.space_after = Pt(12), Pt(18)
    add_runs(title, title_text, bold=True)
    _drop_title_border(doc)
    table = doc.add_table(rows=1 + len(rows), cols=3)
    table.style = doc.styles["Table Grid"]
    _header_row(table, header, sans)
    for index, row in enumerate(rows, start=1):
        _write_cell(table.cell(index, 1), [row.level2], WD_ALIGN_PARAGRAPH.LEFT)
        _write_cell(table.cell(index, 2), row.items, WD_ALIGN_PARAGRAPH.LEFT)
        if row.bookmark:
            add_bookmark(table.cell(index, 1).paragraphs[0], row.bookmark, 0)
    for label_text, first, last in _merge_groups(rows):
        merged = table.cell(first, 0).merge(table.cell(last, 0)) if last > first else table.cell(first, 0)
        _write_cell(merged, [label_text], WD_ALIGN_PARAGRAPH.CENTER)
    set_column_widths(table, INDICATOR_WIDTHS_CM)
    save_docx(doc, out, cfg["core"]["modified"])


def _drop_title_border(doc: DocxDocument) -> None:
    ppr = doc.styles["Title"].element.pPr
    for border in ppr.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pBdr"):
        ppr.remove(border)

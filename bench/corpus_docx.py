"""A synthetic notice as a Word file, with the helpers that build the sample renditions (scripts/):
红头 公文 layout with Word numbering, or a plain layout; ruled tables with merged cells and repeated headers."""
from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

from corpus_facts import ymd
from corpus_model import Block, Notice, Table
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Pt
from samples_docx import (
    CoreProps,
    add_num,
    add_runs,
    new_document,
    save_docx,
    set_app_properties,
    set_column_widths,
    set_fonts,
    set_numbering,
    set_row_flags,
    shade_cell,
    style_font,
)
from samples_notices import (
    HEADING_NUM,
    ITEM_ABSTRACT,
    add_page_furniture,
    compile_patterns,
    define_numbering,
    setup_styles,
    write_front,
    write_tail,
)
from samples_tables import HEADER_FILL, _base_document

PREFIXES = {"h1": re.compile(r"^[一二三四五六七八九十]+、"), "h3": re.compile(r"^\d+\.")}
TABLE_STYLE_ID = "TableText"
CENTERED = {"序号", "阶段", "项目类别", "主责部门", "协同部门", "开展时间", "牵头单位", "配合单位", "完成时限",
            "时间安排", "责任单位"}


def write_docx(notice: Notice, path: Path, layout: dict[str, Any], rng: random.Random) -> None:
    """Write `path`; `rng` picks the layout choices (numbering typed or by Word, font size)."""
    fonts = layout["fonts"]
    core = _core(notice, rng)
    if notice.layout != "gongwen":
        doc = _plain(notice, core, layout, rng)
    else:
        doc = new_document(core, landscape=False, margins_cm=(3.7, 3.5, 2.8, 2.6))
        setup_styles(doc, fonts["serif"], fonts["sans"])
        numbering = rng.choice(["typed", "direct", "style"])
        define_numbering(doc, heading_via_style=numbering == "style")
        _table_style(doc, fonts["serif"], 10.5)
        if notice.red_header:
            front = {"red_header": f"{notice.issuer}文件", "doc_number": notice.doc_number or "",
                     "title": notice.title}
            if notice.addressee:
                front["addressee"] = f"{notice.addressee}："
            write_front(doc, front, compile_patterns(layout["patterns"]), fonts["serif"])
        else:
            _title(doc, notice)
        _body(doc, notice.blocks, numbering, fonts["sans"])
        tail = {"signature": notice.issuer or "", "date": notice.date_text}
        if notice.print_line and notice.issued_on:
            tail |= {"print_org": notice.issuer or "", "print_date": f"{ymd(notice.issued_on)}印发"}
        write_tail(doc, tail)
        _appendix(doc, notice, fonts["sans"])
        add_page_furniture(doc, {"running_header": notice.running_header, "footer": "— {PAGE} —"},
                           fonts["sans"], fonts["serif"])
    set_app_properties(doc, (notice.issuer or "")[:8])
    save_docx(doc, path, core.modified)


def _core(notice: Notice, rng: random.Random) -> CoreProps:
    day = notice.issued_on or notice.as_of or dt.date(2020, 1, 1)
    modified = dt.datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59))
    author = (notice.issuer or "办公室")[-6:]
    return CoreProps(notice.title, author, author, modified - dt.timedelta(days=rng.randint(1, 6)), modified,
                     rng.randint(2, 14))


def _plain(notice: Notice, core: CoreProps, layout: dict[str, Any], rng: random.Random) -> DocxDocument:
    """Title + body in 12 or 14 pt, page numbers in the footer; landscape for a progress table."""
    size = 14.0 if notice.layout == "plain14" else 12.0
    cfg = {"core": vars_of(core), "footer": rng.choice(["第 {PAGE} 页 共 {NUMPAGES} 页", "- {PAGE} -"]),
           "company": (notice.issuer or "")[:8]}
    doc = _base_document(cfg, layout, landscape=notice.landscape, size=size)
    sans, serif = layout["fonts"]["sans"], layout["fonts"]["serif"]
    for name, bold in (("Heading 1", True), ("Heading 2", False), ("Heading 3", False)):
        style_font(doc, name, sans if name != "Heading 3" else serif, size + (6 if name == "Heading 1" else 0), bold)
        fmt = doc.styles[name].paragraph_format
        fmt.space_before, fmt.space_after = Pt(6), Pt(6)
    doc.styles["Heading 1"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _table_style(doc, serif, 10.5 if notice.genre != "progress" else 11.0)
    normal = doc.styles["Normal"].paragraph_format
    normal.first_line_indent = Pt(2 * size)
    normal.line_spacing = 1.25
    doc.styles["Heading 1"].paragraph_format.first_line_indent = Pt(0)
    _title(doc, notice)
    _body(doc, notice.blocks, "typed", sans)
    if notice.issuer:
        for text in (notice.issuer, notice.date_text):
            para = doc.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            para.paragraph_format.first_line_indent = Pt(0)
            add_runs(para, text)
    _appendix(doc, notice, sans)
    return doc


def vars_of(core: CoreProps) -> dict[str, Any]:
    return {"title": core.title, "author": core.author, "last_modified_by": core.last_modified_by,
            "created": core.created, "modified": core.modified, "revision": core.revision}


def _title(doc: DocxDocument, notice: Notice) -> None:
    if notice.doc_number and not notice.red_header:
        para = doc.add_paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_runs(para, notice.doc_number)
    add_runs(doc.add_paragraph(style="Heading 1"), notice.title)
    if notice.addressee:
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(0)
        add_runs(para, f"{notice.addressee}：")


def _appendix(doc: DocxDocument, notice: Notice, sans: str) -> None:
    """附件 on a new page: its label flush left, its title centred, then its table."""
    if not notice.appendix:
        return
    doc.add_page_break()
    for block in notice.appendix:
        if block.table:
            _table(doc, block.table, sans)
            continue
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Pt(0)
        if block.kind == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_runs(para, block.text, font=sans, bold=block.kind == "title")


def _body(doc: DocxDocument, blocks: list[Block], numbering: str, sans: str) -> None:
    """一、 headings as Heading 2 (number typed, or rendered by Word numbering), （一） as Heading 3,
    1. items typed or as a Word-numbered list, tables ruled."""
    next_num, item_list = 40, 0
    for block in blocks:
        if block.table:
            _table(doc, block.table, sans)
            continue
        text = block.text
        if block.kind == "h1":
            item_list = 0
            para = doc.add_paragraph(style="Heading 2")
            if numbering != "typed":
                text = PREFIXES["h1"].sub("", text)
            if numbering == "direct":
                set_numbering(para._p.get_or_add_pPr(), HEADING_NUM)
        elif block.kind == "h2":
            para = doc.add_paragraph(style="Heading 3")
        elif block.kind == "h3" and numbering != "typed":
            if not item_list:
                item_list = add_num(doc, next_num, ITEM_ABSTRACT)
                next_num += 1
            para = doc.add_paragraph(style="List Paragraph")
            set_numbering(para._p.get_or_add_pPr(), item_list)
            text = PREFIXES["h3"].sub("", text)
        else:
            para = doc.add_paragraph(style="Heading 3" if block.kind == "h3" else None)
        add_runs(para, text)


def _table_style(doc: DocxDocument, font: str, size: float) -> None:
    style = doc.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    style.font.size = Pt(size)
    set_fonts(style.element.get_or_add_rPr(), font)
    fmt = style.paragraph_format
    fmt.first_line_indent, fmt.space_before, fmt.space_after = Pt(0), Pt(0), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _cell(cell: Any, text: str, center: bool, bold: bool = False, font: str | None = None) -> None:
    para = cell.paragraphs[0]
    para._p.style = TABLE_STYLE_ID   # by id: a lookup by name per cell is slow on long tables
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    if text:
        add_runs(para, text, bold=bold, font=font)


def _table(doc: DocxDocument, table: Table, sans: str) -> None:
    """Table Grid, shaded header row repeated on every page, rows kept whole, `merge_col` merged down."""
    width = len(table.header)
    grid = doc.add_table(rows=1 + len(table.rows), cols=width)
    grid.style = doc.styles["Table Grid"]
    cells = grid._cells    # once: Table.cell() walks the whole grid on every call
    rows = grid.rows
    set_row_flags(rows[0], header=True, cant_split=True)
    for cell, text in zip(cells[:width], table.header):
        _cell(cell, text, True, bold=True, font=sans)
        shade_cell(cell, HEADER_FILL)
    centered = [h in CENTERED for h in table.header]
    for r, row in enumerate(table.rows, start=1):
        set_row_flags(rows[r], cant_split=True)
        for c, text in enumerate(row):
            if c != table.merge_col:
                _cell(cells[r * width + c], text, centered[c])
    col = table.merge_col
    if col is not None:
        first = 0
        for r in range(1, len(table.rows) + 1):
            if r == len(table.rows) or table.rows[r][col] != table.rows[first][col]:
                top = cells[(first + 1) * width + col]
                merged = top.merge(cells[r * width + col]) if r > first + 1 else top
                _cell(merged, table.rows[first][col], True)
                first = r
    set_column_widths(grid, table.widths_cm)
    doc.add_paragraph()

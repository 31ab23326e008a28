"""Low-level Word helpers for the sample builders: fonts, numbering, fields, borders, tables, saving."""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

BOLD_SPLIT = re.compile(r"(\*\*.+?\*\*)")
FIELD_SPLIT = re.compile(r"(\{PAGE\}|\{NUMPAGES\})")
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
THUMBNAIL_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


@dataclass(frozen=True, slots=True)
class CoreProps:
    """The docProps/core.xml values, fixed so that a rebuild gives the same file."""

    title: str
    author: str
    last_modified_by: str
    created: dt.datetime
    modified: dt.datetime
    revision: int


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a numbering definition (w:lvl)."""

    num_fmt: str
    text: str
    suffix: str = "nothing"
    first_line: int = 0
    left: int = 0


def new_document(core: CoreProps, landscape: bool, margins_cm: tuple[float, float, float, float]) -> DocxDocument:
    """A blank A4 document (top, bottom, left, right margins) without python-docx's thumbnail."""
    doc = Document()
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = core.title, core.author, core.last_modified_by
    props.created, props.modified, props.revision = core.created, core.modified, core.revision
    props.last_printed = core.modified
    props.comments = props.keywords = props.subject = props.category = ""
    pkg_rels = doc.part.package.rels
    for rel_id in [k for k, r in pkg_rels.items() if r.reltype == THUMBNAIL_REL]:
        del pkg_rels[rel_id]
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    top, bottom, left, right = margins_cm
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    section.header_distance, section.footer_distance = Cm(1.5), Cm(1.5)
    _set_east_asian_language(doc)
    return doc


def _set_east_asian_language(doc: DocxDocument) -> None:
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")


def set_fonts(rpr: BaseOxmlElement, font: str) -> None:
    """Name the font for every script on a w:rPr, dropping theme fonts so nothing is substituted."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in THEME_ATTRS:
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def style_font(doc: DocxDocument, style_name: str, font: str, size: float, bold: bool = False) -> None:
    """Give a style one font for all scripts, a size, black text and the bold setting."""
    style = doc.styles[style_name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(style.element.get_or_add_rPr(), font)


def set_default_font(doc: DocxDocument, font: str, size: float) -> None:
    """The docDefaults run font, so table cells and fields use it too."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, font)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(size * 2)))


def add_runs(paragraph: Paragraph, text: str, font: str | None = None, size: float | None = None,
             bold: bool = False, color: str | None = None) -> None:
    """Add text to a paragraph; **spans** become bold runs, as the seed marks them."""
    for piece in BOLD_SPLIT.split(text):
        if not piece:
            continue
        is_bold = bold or (piece.startswith("**") and piece.endswith("**"))
        run = paragraph.add_run(piece.strip("*") if piece.startswith("**") else piece)
        run.bold = is_bold or None
        if font:
            set_fonts(run._r.get_or_add_rPr(), font)
        if size:
            run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)


def add_line_break_runs(paragraph: Paragraph, lines: list[str], **run_format: object) -> None:
    """Lines of one paragraph separated by w:br, as a two-line title is typed in Word."""
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break()
        add_runs(paragraph, line, **run_format)  # type: ignore[arg-type]


def add_field(paragraph: Paragraph, instruction: str, cached: str, font: str | None, size: float) -> None:
    """A complex field (begin, instrText, separate, cached result, end) as Word writes PAGE."""
    parts = [("begin", ""), ("instr", f" {instruction} "), ("separate", ""), ("text", cached), ("end", "")]
    for kind, value in parts:
        run = paragraph.add_run()
        if font:
            set_fonts(run._r.get_or_add_rPr(), font)
        run.font.size = Pt(size)
        if kind == "text":
            run.text = value
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = value
            run._r.append(instr)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)


def fill_with_fields(paragraph: Paragraph, template: str, font: str | None, size: float) -> None:
    """Write a footer template where {PAGE} and {NUMPAGES} become fields."""
    for piece in FIELD_SPLIT.split(template):
        if piece in ("{PAGE}", "{NUMPAGES}"):
            add_field(paragraph, piece.strip("{}"), "1", font, size)
        elif piece:
            add_runs(paragraph, piece, font=font, size=size)


def set_border(paragraph: Paragraph, side: str, color: str, eighths: int, space: int = 1) -> None:
    """A paragraph border (w:pBdr) line; width in eighths of a point."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(eighths)), ("space", str(space)), ("color", color)):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    _reorder_ppr(ppr)


PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr", "pBdr",
             "shd", "tabs", "spacing", "ind", "jc", "outlineLvl", "rPr"]


def _reorder_ppr(ppr: BaseOxmlElement) -> None:
    """Keep w:pPr children in schema order (Word refuses files that break it)."""
    def rank(child: BaseOxmlElement) -> int:
        local = child.tag.split("}")[1]
        return PPR_ORDER.index(local) if local in PPR_ORDER else len(PPR_ORDER)
    children = sorted(ppr, key=rank)
    for child in children:
        ppr.append(child)


def set_numbering(ppr: BaseOxmlElement, num_id: int, level: int = 0) -> None:
    """Reference a numbering instance from a paragraph's or a style's w:pPr."""
    num_pr = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", level), ("w:numId", num_id)):
        child = OxmlElement(tag)
        child.set(qn("w:val"), str(value))
        num_pr.append(child)
    ppr.append(num_pr)
    _reorder_ppr(ppr)


def add_abstract_num(doc: DocxDocument, abstract_id: int, nsid: str, levels: list[Level]) -> None:
    """Add a w:abstractNum to numbering.xml, before the first w:num as the schema wants."""
    numbering = doc.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    kind = "singleLevel" if len(levels) == 1 else "hybridMultilevel"
    for tag, value in (("w:nsid", nsid), ("w:multiLevelType", kind), ("w:tmpl", nsid[::-1])):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        abstract.append(child)
    for index, level in enumerate(levels):
        abstract.append(_level(index, level))
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)


def _level(index: int, level: Level) -> BaseOxmlElement:
    lvl = OxmlElement("w:lvl")
    lvl.set(qn("w:ilvl"), str(index))
    for tag, value in (("w:start", "1"), ("w:numFmt", level.num_fmt), ("w:suff", level.suffix),
                       ("w:lvlText", level.text), ("w:lvlJc", "left")):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        lvl.append(child)
    ppr = OxmlElement("w:pPr")
    ind = OxmlElement("w:ind")
    ind.set(qn("w:left"), str(level.left))
    ind.set(qn("w:firstLine"), str(level.first_line))
    ppr.append(ind)
    lvl.append(ppr)
    return lvl


def add_num(doc: DocxDocument, num_id: int, abstract_id: int) -> int:
    """A w:num instance of an abstract definition that starts again at 1."""
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), str(abstract_id))
    num.append(ref)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start = OxmlElement("w:startOverride")
    start.set(qn("w:val"), "1")
    override.append(start)
    num.append(override)
    doc.part.numbering_part.element.append(num)
    return num_id


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """An empty bookmark at the start of a paragraph (Word leaves _GoBack where one last edited)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    ppr = paragraph._p.pPr
    if ppr is not None:
        ppr.addnext(start)
    else:
        paragraph._p.insert(0, start)
    start.addnext(end)


def set_row_flags(row: _Row, header: bool = False, cant_split: bool = False) -> None:
    """Mark a table row as a repeated header row (w:tblHeader) and/or unsplittable (w:cantSplit)."""
    trpr = row._tr.get_or_add_trPr()
    for flag, wanted in (("w:cantSplit", cant_split), ("w:tblHeader", header)):
        if wanted:
            trpr.append(OxmlElement(flag))


def set_column_widths(table: Table, widths_cm: list[float]) -> None:
    """Fixed layout with the same width on the grid and on every cell, as Word saves it."""
    table.autofit = False
    width = table._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:w"), str(int(sum(widths_cm) * 567)))
    width.set(qn("w:type"), "dxa")
    for grid_col, cm in zip(table._tbl.tblGrid.gridCol_lst, widths_cm):
        grid_col.w = Cm(cm)
    for row in table.rows:
        for cell, cm in zip(row.cells, widths_cm):
            cell.width = Cm(cm)


def shade_cell(cell: object, fill: str) -> None:
    """Background colour of a table cell (w:shd, placed before w:vAlign as the schema wants)."""
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    v_align = tc_pr.find(qn("w:vAlign"))
    if v_align is None:
        tc_pr.append(shd)
    else:
        v_align.addprevious(shd)


def set_app_properties(doc: DocxDocument, company: str) -> None:
    """docProps/app.xml as a Windows Word writes it (the template says Macintosh Word)."""
    for part in doc.part.package.parts:
        if str(part.partname) == "/docProps/app.xml":
            xml = part.blob.decode("utf-8")
            xml = xml.replace("Microsoft Macintosh Word", "Microsoft Office Word")
            xml = xml.replace("<AppVersion>14.0000", "<AppVersion>16.0000")
            xml = xml.replace("<Company/>", f"<Company>{company}</Company>")
            part._blob = xml.encode("utf-8")


def save_docx(doc: DocxDocument, path: Path, stamp: dt.datetime) -> None:
    """Save, then rewrite the zip with fixed entry times so a rebuild is byte-identical."""
    tmp = path.with_suffix(".tmp.docx")
    doc.save(str(tmp))
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    tmp.unlink()

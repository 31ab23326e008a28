"""Seed text dump of a 红头 notice (001, 003) -> a Word file with styles, numbering, header and footer."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.shared import Pt
from samples_docx import (
    CoreProps,
    Level,
    add_abstract_num,
    add_line_break_runs,
    add_num,
    add_runs,
    fill_with_fields,
    new_document,
    save_docx,
    set_app_properties,
    set_border,
    set_default_font,
    set_numbering,
    style_font,
)

RED = "FF0000"
BODY_SIZE = 16.0          # 三号, the size of 公文 body text
LINE = 28.0               # fixed 28 pt lines, the usual 公文 grid
INDENT_TWIPS = 640        # two characters of 16 pt
HEADING_ABSTRACT, ITEM_ABSTRACT, PAREN_ABSTRACT = 20, 21, 22
HEADING_NUM = 20


@dataclass(frozen=True, slots=True)
class Patterns:
    """The regexes of layout.yaml, compiled once."""

    chinese_heading: re.Pattern[str]
    item: re.Pattern[str]
    sub_item: re.Pattern[str]
    paragraph_end: re.Pattern[str]
    title_break: re.Pattern[str]


@dataclass(slots=True)
class BodyState:
    """Where the body writer is: the 一、二、三 section, the last heading, the list instances."""

    section: int = 0
    parent: int = 0
    next_num: int = 30
    lists: dict[tuple[str, int, int], int] | None = None


def compile_patterns(raw: dict[str, str]) -> Patterns:
    return Patterns(**{key: re.compile(value) for key, value in raw.items()})


def core_props(raw: dict[str, Any]) -> CoreProps:
    """layout.yaml core block -> CoreProps (YAML already parses the timestamps)."""
    return CoreProps(raw["title"], raw["author"], raw["last_modified_by"], raw["created"],
                     raw["modified"], int(raw["revision"]))


def tidy(text: str) -> str:
    """Drop the spaces a PDF dump puts between Chinese characters and around digits."""
    text = re.sub(r"(?<=[^\x00-\x7f])[ \t]+(?=[^\x00-\x7f])", "", text)
    text = re.sub(r"(?<=[^\x00-\x7f*])[ \t]+(?=[0-9A-Za-z])", "", text)
    return re.sub(r"(?<=[0-9A-Za-z%])[ \t]+(?=[^\x00-\x7f*])", "", text)


def read_lines(path: Path) -> list[str]:
    """Non-empty lines of a dump without markdown heading marks and rules."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip().lstrip("#").strip()
        if line and line != "---":
            lines.append(line)
    return lines


def join_broken(paragraphs: list[str], pats: Patterns) -> list[str]:
    """Re-join paragraphs that the dump cut at a page break (no sentence end, no heading on either side)."""
    joined: list[str] = []
    for para in paragraphs:
        previous = joined[-1].replace("*", "") if joined else ""
        if previous and not pats.chinese_heading.match(previous) and not _is_heading(para, pats) \
                and not pats.paragraph_end.search(previous):
            joined[-1] += para
        else:
            joined.append(para)
    return joined


def _is_heading(text: str, pats: Patterns) -> bool:
    plain = text.replace("*", "")
    return bool(pats.chinese_heading.match(plain) or pats.item.match(plain) or pats.sub_item.match(plain))


def strip_prefix(text: str, pattern: re.Pattern[str]) -> str:
    """Remove a typed number ("1. ", "(1) ", "二、") that Word numbering will render instead."""
    if text.startswith("**"):
        return "**" + pattern.sub("", text[2:], count=1)
    return pattern.sub("", text, count=1)


def setup_styles(doc: DocxDocument, serif: str, sans: str) -> None:
    """公文 look: 三号 serif body on a 28 pt grid, sans 一级 headings, black everywhere."""
    set_default_font(doc, serif, BODY_SIZE)
    specs = [("Normal", serif, BODY_SIZE, False), ("Heading 1", serif, 22.0, True),
             ("Heading 2", sans, BODY_SIZE, False), ("Heading 3", serif, BODY_SIZE, False),
             ("Heading 4", serif, BODY_SIZE, False), ("List Paragraph", serif, BODY_SIZE, False),
             ("Header", sans, 10.5, False), ("Footer", serif, 14.0, False)]
    for name, font, size, bold in specs:
        style_font(doc, name, font, size, bold)
        fmt = doc.styles[name].paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        if name in ("Header", "Footer"):
            continue
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE)
        fmt.first_line_indent = Pt(2 * BODY_SIZE)
        # left, not justified: LibreOffice 7.4 drops a ，or 、 it hangs past the right margin
        # of a justified line, so the PDF would lose characters
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    title = doc.styles["Heading 1"].paragraph_format
    title.alignment, title.first_line_indent = WD_ALIGN_PARAGRAPH.CENTER, Pt(0)
    title.line_spacing_rule, title.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(34)
    title.space_after = Pt(LINE)
    for name in ("Heading 2", "Heading 4", "List Paragraph"):
        doc.styles[name].paragraph_format.left_indent = Pt(0)


def define_numbering(doc: DocxDocument, heading_via_style: bool) -> None:
    """一、 headings (chineseCounting), 1. items and (1) sub-items, as numbering.xml definitions."""
    add_abstract_num(doc, HEADING_ABSTRACT, "5A1C3E20", [Level("chineseCounting", "%1、", "nothing", INDENT_TWIPS)])
    add_abstract_num(doc, ITEM_ABSTRACT, "2F6B0D41", [Level("decimal", "%1.", "space", INDENT_TWIPS)])
    add_abstract_num(doc, PAREN_ABSTRACT, "71C94A22", [Level("decimal", "(%1)", "space", INDENT_TWIPS)])
    add_num(doc, HEADING_NUM, HEADING_ABSTRACT)
    if heading_via_style:
        set_numbering(doc.styles["Heading 2"].element.get_or_add_pPr(), HEADING_NUM)


def write_front(doc: DocxDocument, front: dict[str, str], pats: Patterns, serif: str) -> None:
    """红头 (red issuer line), 发文字号 over a red rule, the title, the addressee."""
    header = doc.add_paragraph()
    _plain_centered(header, space_before=36, space_after=30)
    add_runs(header, tidy(front["red_header"]), font=serif, size=28.0, bold=True, color=RED)
    number = doc.add_paragraph()
    _plain_centered(number, space_before=0, space_after=30)
    add_runs(number, front["doc_number"])
    set_border(number, "bottom", RED, 24, space=8)
    title = doc.add_paragraph(style="Heading 1")
    add_line_break_runs(title, [tidy(part) for part in pats.title_break.split(front["title"])])
    if "addressee" in front:
        addressee = doc.add_paragraph()
        addressee.paragraph_format.first_line_indent = Pt(0)
        add_runs(addressee, front["addressee"])


def _plain_centered(paragraph: Any, space_before: float, space_after: float) -> None:
    fmt = paragraph.paragraph_format
    fmt.alignment, fmt.first_line_indent = WD_ALIGN_PARAGRAPH.CENTER, Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)


def write_body(doc: DocxDocument, body: list[str], cfg: dict[str, Any], pats: Patterns) -> None:
    """Body paragraphs: auto-numbered 一、 headings, Heading 3 items, numbered lists, plain text."""
    state = BodyState(lists={})
    direct = cfg["heading_numbering"] == "direct"
    for index, text in enumerate(body):
        plain = text.replace("*", "")
        if pats.chinese_heading.match(plain):
            state.section, state.parent = state.section + 1, index
            para = doc.add_paragraph(style="Heading 2")
            if direct:
                set_numbering(para._p.get_or_add_pPr(), HEADING_NUM)
            add_runs(para, strip_prefix(tidy(text), pats.chinese_heading))
        elif pats.item.match(plain) and state.section in cfg["item_headings_in"]:
            state.parent = index
            add_runs(doc.add_paragraph(style="Heading 3"), tidy(text))
        elif pats.sub_item.match(plain):
            _numbered(doc, "Heading 4", strip_prefix(tidy(text), pats.sub_item), "paren", state)
        elif pats.item.match(plain):
            _numbered(doc, "List Paragraph", strip_prefix(tidy(text), pats.item), "item", state)
        else:
            add_runs(doc.add_paragraph(), tidy(text))


def _numbered(doc: DocxDocument, style: str, text: str, kind: str, state: BodyState) -> None:
    """A list paragraph; each list (kind, section, parent heading) gets its own w:num from 1."""
    assert state.lists is not None
    key = (kind, state.section, state.parent)
    if key not in state.lists:
        abstract = PAREN_ABSTRACT if kind == "paren" else ITEM_ABSTRACT
        state.lists[key] = add_num(doc, state.next_num, abstract)
        state.next_num += 1
    para = doc.add_paragraph(style=style)
    set_numbering(para._p.get_or_add_pPr(), state.lists[key])
    add_runs(para, text)


def write_tail(doc: DocxDocument, tail: dict[str, str]) -> None:
    """Signature and date at the right; the 印发 line (版记) between two rules when there is one."""
    for key, space in (("signature", 2 * LINE), ("date", 0.0)):
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.alignment, fmt.first_line_indent = WD_ALIGN_PARAGRAPH.RIGHT, Pt(0)
        fmt.right_indent, fmt.space_before = Pt(2 * BODY_SIZE), Pt(space)
        add_runs(para, tidy(tail[key]))
    if "print_org" not in tail:
        return
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.first_line_indent, fmt.space_before = Pt(0), Pt(2 * LINE)
    fmt.left_indent = fmt.right_indent = Pt(BODY_SIZE / 2)
    fmt.tab_stops.add_tab_stop(Pt(425), WD_TAB_ALIGNMENT.RIGHT)
    add_runs(para, f"{tidy(tail['print_org'])}\t{tidy(tail['print_date'])}", size=14.0)
    set_border(para, "top", "000000", 8, space=6)
    set_border(para, "bottom", "000000", 8, space=6)


def add_page_furniture(doc: DocxDocument, cfg: dict[str, Any], sans: str, serif: str) -> None:
    """Running header from page 2 (page 1 carries the 红头), page number footer on every page."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_runs(header, cfg["running_header"], font=sans, size=10.5)
    set_border(header, "bottom", "000000", 6, space=1)
    for footer in (section.footer, section.first_page_footer):
        para = footer.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fill_with_fields(para, cfg["footer"], serif, 14.0)


def build_notice(seed: Path, out: Path, cfg: dict[str, Any], layout: dict[str, Any]) -> None:
    """Write out (.docx) from the seed dump as the issuing office's Word file."""
    pats = compile_patterns(layout["patterns"])
    serif, sans = layout["fonts"]["serif"], layout["fonts"]["sans"]
    lines = read_lines(seed)
    front = dict(zip(cfg["front"], lines[: len(cfg["front"])]))
    tail = dict(zip(cfg["tail"], lines[-len(cfg["tail"]):]))
    body = join_broken(lines[len(cfg["front"]): -len(cfg["tail"])], pats)
    core = core_props(cfg["core"])
    doc = new_document(core, landscape=False, margins_cm=(3.7, 3.5, 2.8, 2.6))
    setup_styles(doc, serif, sans)
    define_numbering(doc, heading_via_style=cfg["heading_numbering"] == "style")
    write_front(doc, front, pats, serif)
    write_body(doc, body, cfg, pats)
    write_tail(doc, tail)
    add_page_furniture(doc, cfg, sans, serif)
    set_app_properties(doc, cfg["company"])
    save_docx(doc, out, core.modified)

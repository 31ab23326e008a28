"""Build the PDF fixtures of tests/test_readers_pdf.py: Word files made with python-docx, printed to PDF
by LibreOffice; the encrypted ones through LibreOffice's PDF export options; the scan with pypdfium2 and
Pillow. The PDFs are committed, so the tests need neither LibreOffice nor this script.

Run from the repository root:  .venv/bin/python tests/data/pdf/make_fixtures.py
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
BODY_PT = 16

# The body of the notice: written so that LibreOffice wraps lines inside a word, a date (10月 / 17日) and
# after a number (32 / 学时), and runs （二） over the page break; test_pdf_fixture_wraps_where_the_tests_need_it
# checks that the wraps fall there.
NOTICE_PARAGRAPHS = [
    "一、工作目标",
    ("深入学习贯彻党的二十大精神，进一步加强党员教育培训工作，全面提高党员队伍的整体素质和能力水平。"
     "各党支部要认真组织开展集中学习研讨和交流等活动，请于2024年10月17日前将学习计划报送党委组织部。"),
    ("全校每名正式党员每年的集中学习培训时间均不少于32学时，党支部书记和班子成员每年参加集中培训"
     "时间不少于56学时，参训率达到95%以上，培训情况纳入年度考核。"),
    "二、主要任务",
    ("（一）开展专题学习。各党支部每月至少组织一次专题学习，学习记录和心得体会于每月最后一个"
     "工作日前报送，联系邮箱为zzb@example.edu.cn，联系电话0411-84708888。各党支部要认真组织学习，"
     "确保学习时间和学习质量，学习情况纳入年度考核。"),
    ("（二）抓好支部书记培训。党委组织部将于11月举办党支部书记培训班，每期培训时间为3天，请各单位"
     "按照名额分配表推荐参训人员，名单请于10月25日前报送。参训人员要认真参加培训，确保培训时间和培训质量，"
     "培训情况纳入年度考核。"),
    ("（三）加强督促检查。党委组织部将不定期对各党支部学习情况进行抽查，抽查结果在全校范围内"
     "通报，并作为年度党建工作考核的重要依据。"),
    "三、工作要求",
    ("各党支部要高度重视党员教育培训工作，明确责任分工，细化工作措施，确保各项任务落到实处。"
     "工作中遇到的问题请及时与党委组织部沟通联系，联系人：王老师。"),
    ("各单位要结合实际制定本单位党员教育培训年度计划，统筹安排学习内容和时间，注重学用结合，"
     "切实增强教育培训的针对性和实效性，推动党员教育培训工作常态化制度化。"),
    ("请各党支部认真总结本年度党员教育培训工作开展情况，形成书面材料，于2024年12月20日前"
     "报送党委组织部，电子版发送至zzb@example.edu.cn。"),
]


def set_font(run, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def add_paragraph(doc, text: str, size: float = BODY_PT, font: str = SERIF, align=None, indent: bool = False,
                  bold: bool = False, color: RGBColor | None = None):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    set_font(run, font, size, bold, color)
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(size * 1.75)
    if align is not None:
        paragraph.alignment = align
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    return paragraph


def add_page_field(paragraph, size: float) -> None:
    """A PAGE field between dashes: `- 1 -`."""
    for text in ("- ", None, " -"):
        run = paragraph.add_run(text or "")
        set_font(run, SERIF, size)
        if text is None:
            begin, instr, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
            begin.set(qn("w:fldCharType"), "begin")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            end.set(qn("w:fldCharType"), "end")
            run._r.append(begin)
            run._r.append(instr)
            run._r.append(end)


def new_document(landscape: bool = False, header: str = "", page_numbers: bool = False):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(3)
    section.left_margin = section.right_margin = Cm(2.8)
    section.header_distance = section.footer_distance = Cm(1.5)
    if header:
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(paragraph.add_run(header), SERIF, 10.5)
    if page_numbers:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_page_field(paragraph, 14)
    return doc


def make_notice(out: Path) -> None:
    doc = new_document(header="大连示范大学党委组织部", page_numbers=True)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_paragraph(doc, "中共大连示范大学委员会组织部文件", size=26, font=SERIF, align=center,
                  color=RGBColor(0xE0, 0, 0))
    add_paragraph(doc, "大示组字〔2024〕15号", align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "关于做好2024年度党员教育培训工作的通知", size=22, font=SERIF, align=center)
    add_paragraph(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "各党总支、直属党支部：")
    for text in NOTICE_PARAGRAPHS:
        add_paragraph(doc, text, indent=True)
    add_paragraph(doc, "")
    add_paragraph(doc, "党委组织部", align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_paragraph(doc, "2024年10月8日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(out)


def set_cell(cell, text: str, size: float = 12, bold: bool = False) -> None:
    paragraphs = text.split("\n")
    cell.paragraphs[0].text = ""
    for n, line in enumerate(paragraphs):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        set_font(paragraph.add_run(line), SERIF, size, bold)
        paragraph.paragraph_format.space_after = Pt(0)


def set_widths(table, widths) -> None:
    """Column widths in the grid (which LibreOffice reads) and in every cell (which Word reads)."""
    table.autofit = False
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        column.set(qn("w:w"), str(int(width.twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


MERGED_HEADER = ("序号", "工作任务", "牵头单位", "完成时限")
MERGED_ROWS = [
    ("1", "制定年度党员教育培训计划，明确学习内容和学时要求", "党委组织部", "2024年3月"),
    ("2", "组织开展专题学习研讨", "", "每月"),
    ("3", "开展党支部书记集中轮训", "党委组织部", "2024年10月17日前"),
]


def make_merged_table(out: Path) -> None:
    doc = new_document()
    add_paragraph(doc, "2024年党员教育培训工作任务分解表", size=18, font=SANS,
                  align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "")
    table = doc.add_table(rows=5, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(MERGED_HEADER):
        set_cell(table.cell(0, c), text, bold=True)
    set_cell(table.cell(1, 0), "一、思想建设", bold=True)
    table.cell(1, 0).merge(table.cell(1, 3))  # a category row across the table
    for r, row in enumerate(MERGED_ROWS, start=2):
        for c, text in enumerate(row):
            if text:
                set_cell(table.cell(r, c), text)
    table.cell(2, 2).merge(table.cell(3, 2))  # one lead unit for two tasks
    set_widths(table, (Cm(1.5), Cm(7.5), Cm(3.5), Cm(3.0)))
    add_paragraph(doc, "")
    add_paragraph(doc, "请各单位对照任务分工抓好落实。", indent=True)
    doc.save(out)


def make_long_table(out: Path) -> None:
    doc = new_document(page_numbers=True)
    add_paragraph(doc, "党支部工作进展情况表", size=18, font=SANS, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(doc, "")
    rows = [(str(n), f"第{n}项工作任务的具体内容和要求", f"第{n}党支部", "已完成" if n % 3 else "进行中")
            for n in range(1, 35)]
    # A tall row that LibreOffice splits over the page break.
    rows[28] = ("29", ("完善党员发展工作流程，严格落实发展党员工作细则，做好入党积极分子培养考察、发展对象"
                      "政治审查和预备党员教育考察等各环节工作，确保发展党员质量，坚持把政治标准放在首位，"
                      "成熟一个发展一个。定期开展党员组织关系排查，及时做好流动党员管理服务工作，规范党费收缴使用管理，"
                      "按时完成党内统计年报"), "第29党支部", "进行中")
    table = doc.add_table(rows=len(rows) + 1, cols=4)
    table.style = "Table Grid"
    for c, text in enumerate(("序号", "工作内容", "责任单位", "进展情况")):
        set_cell(table.cell(0, c), text, bold=True)
    repeat_header(table.rows[0])
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row):
            set_cell(table.cell(r, c), text)
    set_widths(table, (Cm(1.5), Cm(8.5), Cm(3.0), Cm(2.4)))
    add_paragraph(doc, "")
    add_paragraph(doc, "填表说明：进展情况填写已完成、进行中或未启动。", indent=True)
    doc.save(out)


def convert(docx: Path, out_dir: Path, filter_options: dict | None = None) -> Path:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice (LibreOffice) is needed to build the fixtures")
    target = "pdf"
    if filter_options:
        target = "pdf:writer_pdf_Export:" + json.dumps(filter_options)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", target,
                        "--outdir", str(out_dir), str(docx)], check=True, capture_output=True)
    return out_dir / (docx.stem + ".pdf")


def make_scan(source: Path, out: Path) -> None:
    """The first page of `source` as an image only: a PDF without a text layer."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(source))
    try:
        page = pdf[0]
        bitmap = page.render(scale=0.6)
        image = bitmap.to_pil().convert("L")
        image.save(out, "PDF", resolution=72 * 0.6)
        page.close()
    finally:
        pdf.close()


def make_rotated(source: Path, out: Path) -> None:
    """The first page of `source` drawn turned on a landscape sheet, with /Rotate 90 to show it upright."""
    import pypdfium2 as pdfium
    pdf, new = pdfium.PdfDocument(str(source)), pdfium.PdfDocument.new()
    try:
        new.import_pages(pdf, [0])
        page = new[0]
        width, height = page.get_size()
        for obj in list(page.get_objects()):
            obj.transform(pdfium.PdfMatrix(0, 1, -1, 0, height, 0))  # (x, y) -> (height - y, x)
        page.set_mediabox(0, 0, height, width)
        page.set_rotation(90)
        page.gen_content()
        page.close()
        new.save(str(out))
    finally:
        new.close()
        pdf.close()


def make_unmapped(out: Path) -> None:
    """A page whose every character is a private-use code point: text that maps to nothing readable."""
    doc = new_document()
    for n in range(8):
        add_paragraph(doc, "".join(chr(0xE000 + (n * 37 + k) % 400) for k in range(24)))
    doc.save(out)


def build(out_dir: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, maker in (("notice", make_notice), ("merged_table", make_merged_table),
                            ("long_table", make_long_table)):
            maker(work / f"{name}.docx")
            shutil.copy(convert(work / f"{name}.docx", work), out_dir / f"{name}.pdf")
        shutil.copy(work / "merged_table.docx", work / "encrypted.docx")
        shutil.copy(convert(work / "encrypted.docx", work, {
            "EncryptFile": {"type": "boolean", "value": "true"},
            "DocumentOpenPassword": {"type": "string", "value": "open-sesame"}}), out_dir / "encrypted.pdf")
        shutil.copy(work / "merged_table.docx", work / "owner_only.docx")
        shutil.copy(convert(work / "owner_only.docx", work, {
            "RestrictPermissions": {"type": "boolean", "value": "true"},
            "PermissionPassword": {"type": "string", "value": "owner-only"},
            "Printing": {"type": "long", "value": "0"},
            "Changes": {"type": "long", "value": "0"}}), out_dir / "owner_only.pdf")
        make_scan(out_dir / "notice.pdf", out_dir / "scan.pdf")
        make_rotated(out_dir / "notice.pdf", out_dir / "rotated.pdf")
        make_unmapped(work / "unmapped.docx")
        shutil.copy(convert(work / "unmapped.docx", work), out_dir / "unmapped.pdf")


if __name__ == "__main__":
    build(HERE)

"""Write the fixtures of tests/test_readers_office.py and tests/test_readers_sheet.py:
`python tests/data/office/make_fixtures.py` (needs LibreOffice with Writer and Calc:
apt-get install libreoffice-writer-nogui libreoffice-calc-nogui).

- notice.docx (python-docx; Word numbering written into its numbering part) is converted by
  LibreOffice to notice.doc (Word 97), notice.rtf (its list label repaired, see
  word_level_text) and notice.odt; notice.wps is notice.doc under
  another name: LibreOffice cannot write WPS, and a Kingsoft .wps is a Word 97 file inside.
- progress.xlsx (openpyxl): title merged across, a 截至 line, an empty first column, the header
  on row 4, categories merged down, a horizontal merge, dates in four formats (one a Chinese
  built-in format Excel writes by id only), numbers, a second table sheet, a text sheet and a
  hidden sheet. LibreOffice Calc converts it to progress.xls (Excel 97).
- gbk.csv (as Excel in China saves CSV), utf8_bom.csv (Excel's "CSV UTF-8"), tab_text.xls
  (a tab-separated export named .xls, as web systems write them).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

import docx
from docx.oxml import parse_xml
from openpyxl import Workbook
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def abstract_num(num_id: int, number_format: str, text: str) -> str:
    return (f'<w:abstractNum {W_NS} w:abstractNumId="{num_id}"><w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/><w:suff w:val="nothing"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl></w:abstractNum>')


NUMBERING = (abstract_num(90, "chineseCounting", "%1、"), abstract_num(91, "decimal", "%1."))
NUMS = (f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>',
        f'<w:num {W_NS} w:numId="91"><w:abstractNumId w:val="91"/></w:num>')


def soffice(target: str, out_dir: Path, *files: Path) -> None:
    program = shutil.which("soffice")
    if program is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory(prefix="fixtures_lo_") as profile:
        subprocess.run([program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                        "--convert-to", target, "--outdir", str(out_dir), *map(str, files)],
                       check=True, capture_output=True, timeout=300)


# --- word processor files ----------------------------------------------------------------------

def numbered(document: docx.document.Document, text: str, style: str, num_id: int) -> None:
    paragraph = document.add_paragraph(text, style=style)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {W_NS}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))


def write_notice_docx(path: Path) -> None:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for xml in NUMBERING:
        numbering.insert(0, parse_xml(xml))
    for xml in NUMS:
        numbering.append(parse_xml(xml))
    document.add_paragraph("关于开展样板支部遴选工作的通知", style="Title")
    document.add_paragraph("各党支部：")
    numbered(document, "总体要求", "Heading 2", 90)
    document.add_paragraph("各党支部于6月30日前报送机关党委。")
    numbered(document, "工作安排", "Heading 2", 90)
    numbered(document, "制订学习计划。", "Normal", 91)
    numbered(document, "每年集中学习不少于32学时。", "Normal", 91)
    table = document.add_table(rows=3, cols=3)
    table.style = document.styles["Table Grid"]
    for r, row in enumerate((("阶段", "时间", "内容"), ("第一阶段", "5月", "动员部署"), ("", "6月", "组织实施"))):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))
    document.add_paragraph("材料发送至test@example.com。")
    document.save(str(path))


def word_level_text(path: Path) -> None:
    """LibreOffice 7.4 writes the list label 一、 into RTF as the code page byte ? (\'3f); write it
    as Word does, as a Unicode escape, so the fixture is the RTF a user would have."""
    rtf = path.read_bytes()
    fixed = rtf.replace(rb"{\leveltext \'02\'00\'3f;}", rb"{\leveltext \'02\'00\u12289 ?;}")
    if fixed == rtf:
        raise SystemExit(f"{path.name}: the list label to repair was not found")
    path.write_bytes(fixed)


def write_word_fixtures() -> None:
    with tempfile.TemporaryDirectory(prefix="fixtures_") as tmp:
        source = Path(tmp) / "notice.docx"
        write_notice_docx(source)
        soffice("doc:MS Word 97", HERE, source)
        soffice("rtf:Rich Text Format", HERE, source)
        soffice("odt:writer8", HERE, source)
    word_level_text(HERE / "notice.rtf")
    shutil.copyfile(HERE / "notice.doc", HERE / "notice.wps")


# --- spreadsheets --------------------------------------------------------------------------------

def progress_sheet(book: Workbook) -> None:
    sheet = book.active
    sheet.title = "进展"
    sheet["A1"] = "重点工作进展表"
    sheet.merge_cells("A1:H1")
    sheet["B2"], sheet["F2"] = "填报单位：党政办公室", "截至2021年9月25日"
    for col, text in enumerate(("项目类别", "序号", "项目名称", "主责部门", "开展时间", "完成情况", "完成率"), 2):
        sheet.cell(4, col, text)
    rows = (("一、党建工作", 1, "支部规范化建设", "组织部", datetime(2021, 5, 1), "完成。", 1),
            (None, 2.0, "党史学习教育", "宣传部", "全年", "进行中。", 0.35),
            ("二、服务保障", 3, "值班室改造", "党政办公室", datetime(2021, 5, 31), "完成。", 2.5),
            (None, 4, "会议室预约", None, datetime(2021, 6, 30), "推进中。", None))
    for r, row in enumerate(rows, 5):
        for col, value in enumerate(row, 2):
            if value is not None:
                sheet.cell(r, col, value).alignment = Alignment(wrap_text=True)
    sheet.merge_cells("B5:B6")
    sheet.merge_cells("B7:B8")
    sheet.merge_cells("E7:E8")  # one unit leads both rows
    sheet.merge_cells("C9:H9")  # a note row merged across the table's width
    sheet["C9"] = "注：第3项与第4项合并推进。"
    sheet["F5"].number_format = 'yyyy"年"m"月"'
    sheet["F7"].number_format = "yyyy-mm-dd"
    sheet["F8"].number_format = "mm-dd-yy"  # built-in 14, shown as 2021/6/30 by Chinese Excel
    sheet["H6"].number_format = "0%"
    sheet["H7"].number_format = "0.00"
    sheet["B11"] = "制表人：张三"
    sheet["C12"] = datetime(2021, 9, 25)
    sheet["C12"].number_format = 'yyyy"年"m"月"d"日"'  # replaced by the id-only built-in below


def task_sheet(book: Workbook) -> None:
    sheet = book.create_sheet("任务清单")
    sheet.append(["序号", "工作任务", "责任单位", "完成时限"])
    sheet.append([1, "报送学习计划", "各党支部", datetime(2021, 6, 30)])
    sheet.append([2, "召开组织生活会", "各党支部", "2021年12月底"])
    sheet["D2"].number_format = 'm"月"d"日"'


def text_sheets(book: Workbook) -> None:
    notice = book.create_sheet("通知")
    for line in ("关于报送学习计划的通知", "各单位：", "请于2021年6月30日前报送学习计划。"):
        notice.append([line])
    hidden = book.create_sheet("隐藏")
    hidden.append(["不应读取的下拉选项"])
    hidden.sheet_state = "hidden"


def id_only_format(path: Path, code: str, builtin_id: int) -> None:
    """Rewrite the custom format `code` as an id-only built-in, as Chinese Excel stores it."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    styles = parts["xl/styles.xml"].decode("utf-8")
    escaped = code.replace('"', "&quot;")
    found = re.search(rf'<numFmt numFmtId="(\d+)" formatCode="{re.escape(escaped)}"\s*/>', styles)
    if found is None:
        raise SystemExit(f"{path.name}: number format {code} not found in styles.xml")
    styles = styles.replace(found.group(0), "").replace(f'numFmtId="{found.group(1)}"', f'numFmtId="{builtin_id}"')
    parts["xl/styles.xml"] = styles.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2021, 9, 25, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def write_sheet_fixtures() -> None:
    book = Workbook()
    progress_sheet(book)
    task_sheet(book)
    text_sheets(book)
    path = HERE / "progress.xlsx"
    book.save(path)
    soffice("xls:MS Excel 97", HERE, path)  # before the id-only format: Calc would write it out in full
    id_only_format(path, 'yyyy"年"m"月"d"日"', 31)


def write_csv_fixtures() -> None:
    rows = ["重点工作进展表,,,,", ",,,,",
            "项目类别,序号,项目名称,主责部门,开展时间",
            "一、党建工作,1,支部规范化建设,组织部,2021年5月",
            ",2,党史学习教育,宣传部,全年",
            "二、服务保障,3,\"值班室改造,一期\",党政办公室,2021年8月"]
    (HERE / "gbk.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("gbk"))
    bom_rows = ["序号,工作任务,责任单位,完成时限", "1,报送学习计划,各党支部,2021-06-30",
                "2,\"召开组织生活会\n（含民主评议）\",各党支部,2021年12月底"]
    (HERE / "utf8_bom.csv").write_bytes(("\r\n".join(bom_rows) + "\r\n").encode("utf-8-sig"))
    tab_rows = ["序号\t工作任务\t责任单位", "1\t报送学习计划\t各党支部", "2\t召开组织生活会\t各党支部"]
    (HERE / "tab_text.xls").write_bytes("\n".join(tab_rows).encode("gbk"))


def main() -> int:
    write_word_fixtures()
    write_sheet_fixtures()
    write_csv_fixtures()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

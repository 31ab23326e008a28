"""The spreadsheet reader: .xlsx, .xls and .csv sheets into text blocks and tables, cells as shown.

Fixtures: tests/data/office/make_fixtures.py (progress.xls is progress.xlsx saved by LibreOffice Calc).
"""
from __future__ import annotations

import io
import sys
import zipfile
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest

from pipeline.errors import MissingTool, UnreadableFile
from pipeline.model import BlockKind, FileResult, Format, RawBlock, RawDocument
from pipeline.readers import read
from pipeline.readers.sheet import Grid, cell_text, read_sheet, sheet_blocks

DATA = Path(__file__).resolve().parent / "data" / "office"
PROGRESS_HEADER = ("项目类别", "序号", "项目名称", "主责部门", "开展时间", "完成情况", "完成率")
PROGRESS_ROWS = (
    PROGRESS_HEADER,
    ("一、党建工作", "1", "支部规范化建设", "组织部", "2021年5月", "完成。", "1"),
    ("一、党建工作", "2", "党史学习教育", "宣传部", "全年", "进行中。", "35%"),
    ("二、服务保障", "3", "值班室改造", "党政办公室", "2021-05-31", "完成。", "2.50"),
    ("二、服务保障", "4", "会议室预约", "党政办公室", "2021-06-30", "推进中。", ""),
)
F, T = False, True
PROGRESS_MERGED = ((F,) * 7, (F,) * 7, (T, F, F, F, F, F, F), (F,) * 7, (T, F, F, T, F, F, F))
TASK_ROWS = (("序号", "工作任务", "责任单位", "完成时限"), ("1", "报送学习计划", "各党支部", "6月30日"),
             ("2", "召开组织生活会", "各党支部", "2021年12月底"))


def _read(name: str) -> RawDocument:
    return read_sheet(DATA / name, name)


def _outline(doc: RawDocument) -> list[tuple[BlockKind, int, str, int | None]]:
    return [(b.kind, b.level, b.text, b.page) for b in doc.blocks]


def _tables(doc: RawDocument) -> list[RawBlock]:
    return [b for b in doc.blocks if b.kind is BlockKind.table]


@pytest.mark.parametrize("name, last_date", [("progress.xlsx", "2021-09-25"),  # id-only built-in 31: ISO
                                             ("progress.xls", "2021年9月25日")])  # its format spelled out
def test_sheet_workbook_outline(name: str, last_date: str) -> None:
    assert _outline(_read(name)) == [
        (BlockKind.heading, 1, "重点工作进展表", 1),  # merged across the sheet
        (BlockKind.paragraph, 0, "填报单位：党政办公室 截至2021年9月25日", 1),
        (BlockKind.table, 0, "", 1),  # header on row 4, after an empty row, from column B
        (BlockKind.paragraph, 0, "注：第3项与第4项合并推进。", 1),  # one text merged across, below the table
        (BlockKind.paragraph, 0, "制表人：张三", 1),
        (BlockKind.paragraph, 0, last_date, 1),
        (BlockKind.table, 0, "", 2),  # the second sheet's table, header on row 1
        (BlockKind.paragraph, 0, "关于报送学习计划的通知", 3),  # a notice typed into Excel
        (BlockKind.paragraph, 0, "各单位：", 3),
        (BlockKind.paragraph, 0, "请于2021年6月30日前报送学习计划。", 3),
    ]  # and nothing of the hidden fourth sheet


@pytest.mark.parametrize("name", ["progress.xlsx", "progress.xls"])
def test_sheet_progress_table_cells(name: str) -> None:
    table = _tables(_read(name))[0]
    assert (table.rows, table.merged, table.row_pages) == (PROGRESS_ROWS, PROGRESS_MERGED, (1,) * 5)


@pytest.mark.parametrize("name", ["progress.xlsx", "progress.xls"])
def test_sheet_second_sheet_table(name: str) -> None:
    assert _tables(_read(name))[1].rows == TASK_ROWS


@pytest.mark.parametrize("name, kind, pages", [("progress.xlsx", "xlsx", 3), ("progress.xls", "xls", 3),
                                               ("gbk.csv", "csv", None), ("tab_text.xls", "csv", None)])
def test_sheet_document_record(name: str, kind: str, pages: int | None) -> None:
    doc = read(DATA / name, name)  # through the registry and content sniffing
    assert (doc.format, doc.pages, doc.source, len(doc.sha256)) == \
        (Format(kind), pages, name, 64)


@pytest.mark.parametrize("name, rows, merged_first_column", [
    ("gbk.csv", (("项目类别", "序号", "项目名称", "主责部门", "开展时间"),
                 ("一、党建工作", "1", "支部规范化建设", "组织部", "2021年5月"),
                 ("一、党建工作", "2", "党史学习教育", "宣传部", "全年"),  # Excel wrote the merged cell once
                 ("二、服务保障", "3", "值班室改造,一期", "党政办公室", "2021年8月")), (F, F, T, F)),
    ("utf8_bom.csv", (("序号", "工作任务", "责任单位", "完成时限"),
                      ("1", "报送学习计划", "各党支部", "2021-06-30"),
                      ("2", "召开组织生活会\n（含民主评议）", "各党支部", "2021年12月底")), (F, F, F)),
    ("tab_text.xls", (("序号", "工作任务", "责任单位"), ("1", "报送学习计划", "各党支部"),
                      ("2", "召开组织生活会", "各党支部")), (F, F, F)),
])
def test_sheet_csv_table(name: str, rows: tuple[tuple[str, ...], ...], merged_first_column: tuple[bool, ...]) -> None:
    table = _tables(_read(name))[0]
    assert table.rows == rows
    assert tuple(m[0] for m in table.merged) == merged_first_column


def test_sheet_csv_title_row_is_heading() -> None:
    assert _outline(_read("gbk.csv"))[0] == (BlockKind.heading, 1, "重点工作进展表", None)


@pytest.mark.parametrize("value, fmt, text", [
    (None, "General", ""),
    (5.0, "General", "5"),
    (3, "General", "3"),
    (0.1, "General", "0.1"),
    (1234567.0, "General", "1234567"),
    (0.35, "0%", "35%"),
    (2.5, "0.00", "2.50"),
    (True, "General", "TRUE"),
    ("  完成。\r\n已更新。 ", "General", "完成。\n已更新。"),
    (datetime(2021, 5, 1), 'yyyy"年"m"月"', "2021年5月"),
    (datetime(2021, 6, 30), 'm"月"d"日"', "6月30日"),
    (datetime(2021, 6, 30), '[$-804]yyyy"年"mm"月"dd"日"', "2021年06月30日"),
    (datetime(2021, 6, 30, 17, 0), 'yyyy"年"m"月"d"日" h:mm', "2021年6月30日 17:00"),
    (datetime(2021, 5, 31), "yyyy-mm-dd", "2021-05-31"),
    (datetime(2021, 5, 31), "mm-dd-yy", "2021-05-31"),  # built-in 14: Chinese Excel shows 2021/5/31
    (datetime(2021, 5, 31), "yyyy/m/d", "2021-05-31"),
    (datetime(2021, 5, 1), "yyyy-mm", "2021-05"),
    (datetime(2021, 5, 1), "mmm-yy", "2021-05"),
    (datetime(2021, 5, 31, 17, 0), "yyyy-mm-dd hh:mm", "2021-05-31 17:00"),
    (datetime(2021, 5, 31, 0, 0), "yyyy-mm-dd hh:mm", "2021-05-31"),
    (date(2021, 5, 31), "General", "2021-05-31"),
    (time(17, 0), "h:mm", "17:00"),
])
def test_sheet_cell_text(value: object, fmt: str, text: str) -> None:
    assert cell_text(value, fmt) == text


def _grid(rows: list[list[str]]) -> Grid:
    return Grid(tuple(map(tuple, rows)), tuple(tuple(False for _ in row) for row in rows), 1)


@pytest.mark.parametrize("rows, kinds", [
    ([["填报单位：党政办公室", "", "", "截至2021年9月25日"], ["序号", "项目名称", "主责部门", "完成情况"],
      ["1", "学院楼宇标识牌集中更新", "党政办公室", "完成。"]],
     [BlockKind.paragraph, BlockKind.table]),  # two texts over four columns: not the header
    ([["关于报送材料的通知"], ["各单位："], ["请于6月30日前报送。"]], [BlockKind.paragraph] * 3),
    ([["", ""], ["", ""]], []),
])
def test_sheet_header_row_found(rows: list[list[str]], kinds: list[BlockKind]) -> None:
    assert [b.kind for b in sheet_blocks(_grid(rows))] == kinds


def test_sheet_empty_csv(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="^empty.csv: the file is empty$"):
        read_sheet(empty, empty.name)


def test_sheet_workbook_without_text(tmp_path: Path) -> None:
    from openpyxl import Workbook
    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    with pytest.raises(UnreadableFile) as caught:
        read_sheet(path, path.name)
    assert (str(caught.value), caught.value.hint) == ("blank.xlsx: the spreadsheet holds no text",
                                                      "check that the right file was saved")


def test_sheet_damaged_xlsx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook")
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnreadableFile, match=r"^damaged.xlsx: the workbook is damaged or not an Excel 2007\+ file"):
        read_sheet(path, path.name)


def test_sheet_damaged_xls(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(UnreadableFile, match="^damaged.xls: the workbook is damaged, encrypted or not an Excel 97"):
        read_sheet(path, path.name)


def test_sheet_xls_without_xlrd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xlrd", None)  # import xlrd now raises ImportError
    with pytest.raises(MissingTool) as caught:
        read_sheet(DATA / "progress.xls", "progress.xls")
    assert (caught.value.tool, str(caught.value)) == (
        "xlrd", "progress.xls: reading .xls files needs the Python package xlrd, which is not installed")
    assert caught.value.hint == "pip install xlrd (or open the file in Excel or WPS and save it as .xlsx)"


def _progress(result: FileResult) -> list[object]:
    return [replace(item, doc_id="", source="", page=None) for item in result.progress]


@pytest.mark.parametrize("name", ["000_b1bb4c7589408144.xlsx", "000_b1bb4c7589408144.gbk.csv"])
def test_seed000_sheet_progress_rows_match_docx(sample_results: dict[str, FileResult], name: str) -> None:
    got, want = sample_results[name], sample_results["000_b1bb4c7589408144.docx"]
    assert got.error is None and len(got.progress) == 15
    assert _progress(got) == _progress(want)
    assert (got.document.title, got.document.as_of) == (want.document.title, want.document.as_of)

"""The PDF reader: line joining, paragraphs and headings, running headers and page numbers, merged and
stitched tables, pages, and the errors for encrypted, damaged and scanned files.

The fixtures in tests/data/pdf are built by tests/data/pdf/make_fixtures.py (python-docx, LibreOffice)."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from pipeline.errors import UnreadableFile
from pipeline.model import BlockKind, Format, RawBlock, RawDocument
from pipeline.readers import read
from pipeline.readers.pdf import read_pdf
from pipeline.readers.pdf_layout import arrange
from pipeline.readers.pdf_lines import MARKER, find_lines, join_lines, split_wide
from pipeline.readers.pdf_pages import Char, read_page
from pipeline.readers.pdf_running import PAGE_NUMBER, PageDraft, drop_running_lines
from pipeline.readers.pdf_tables import Grid, TablePart, _cell_groups, continues, fill_table, stitch, to_block

from .conftest import ROOT

DATA = ROOT / "tests" / "data" / "pdf"


def read_fixture(name: str) -> RawDocument:
    return read_pdf(DATA / name, name)


def texts(doc: RawDocument) -> list[str]:
    return [b.text for b in doc.blocks if b.kind is not BlockKind.table]


def tables(doc: RawDocument) -> list[RawBlock]:
    return [b for b in doc.blocks if b.kind is BlockKind.table]


# --- the fixtures themselves ---------------------------------------------------------------------

@pytest.mark.parametrize("name, wrap", [
    ("notice.pdf", "10 月\r\n17 日"),  # pdfium writes the space LibreOffice sets between 10 and 月
    ("notice.pdf", "32\r\n学时"),
    ("notice.pdf", "培训\r\n工作"),
    ("merged_table.pdf", "10 月\r\n17 日前"),  # a date wrapped inside a cell
])
def test_pdf_fixture_wraps_where_the_tests_need_it(name: str, wrap: str) -> None:
    pdf = pdfium.PdfDocument(str(DATA / name))
    try:
        raw = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert wrap in raw


@pytest.mark.parametrize("name", ["notice.pdf", "merged_table.pdf", "long_table.pdf", "encrypted.pdf",
                                  "owner_only.pdf", "scan.pdf", "rotated.pdf", "unmapped.pdf"])
def test_pdf_fixture_is_small(name: str) -> None:
    assert (DATA / name).stat().st_size < 100_000


# --- text ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("left, right, joined", [
    ("请于2024年10月", "17日前", "请于2024年10月17日前"),
    ("不少于32", "学时", "不少于32学时"),
    ("培训", "工作", "培训工作"),
    ("95%", "以上", "95%以上"),
    ("send it to the", "office", "send it to the office"),
    ("infor-", "mation", "infor-mation"),
    ("2025-02-08", "16:00", "2025-02-08 16:00"),
    ("邮箱 ", " zzb@example.edu.cn", "邮箱zzb@example.edu.cn"),
])
def test_pdf_join_lines(left: str, right: str, joined: str) -> None:
    assert join_lines(left, right) == joined


@pytest.mark.parametrize("text", [
    "请于2024年10月17日前将学习计划报送党委组织部。",
    "均不少于32学时",
    "加强党员教育培训工作，全面",
    "联系邮箱为zzb@example.edu.cn，联系电话0411-84708888。",
    "于2024年12月20日前报送",
])
def test_pdf_notice_wrapped_lines_joined(text: str) -> None:
    body = "".join(texts(read_fixture("notice.pdf")))
    assert text in body


def test_pdf_paragraph_over_page_break_is_one_block() -> None:
    block = read_fixture("notice.pdf").blocks[9]
    assert block.text.startswith("（二）")
    assert "按照名额分配表推荐参训人员" in block.text  # 名额分 / 配表 on page 2
    assert block.text.endswith("培训情况纳入年度考核。")
    assert block.page == 1


def test_pdf_notice_blocks_have_no_line_breaks() -> None:
    assert all("\n" not in text and "\r" not in text for text in texts(read_fixture("notice.pdf")))


@pytest.mark.parametrize("index, start, page", [
    (3, "各党总支", 1),
    (4, "一、工作目标", 1),
    (5, "深入学习", 1),
    (6, "全校每名", 1),
    (7, "二、主要任务", 1),
    (8, "（一）", 1),
    (9, "（二）", 1),
    (10, "（三）", 2),
    (11, "三、工作要求", 2),
    (15, "党委组织部", 2),  # the signature
    (16, "2024年10月8日", 2),
])
def test_pdf_notice_paragraphs_and_pages(index: int, start: str, page: int) -> None:
    block = read_fixture("notice.pdf").blocks[index]
    assert block.text.startswith(start)
    assert block.page == page


@pytest.mark.parametrize("text, level", [
    ("中共大连示范大学委员会组织部文件", 1),
    ("关于做好2024年度党员教育培训工作的通知", 2),
    ("大示组字〔2024〕15号", 3),  # centred at body size
])
def test_pdf_notice_headings(text: str, level: int) -> None:
    headings = [(b.text, b.level) for b in read_fixture("notice.pdf").blocks if b.kind is BlockKind.heading]
    assert (text, level) in headings


def test_pdf_notice_has_only_three_headings() -> None:
    doc = read_fixture("notice.pdf")
    assert [b.kind for b in doc.blocks].count(BlockKind.heading) == 3


def test_pdf_running_header_and_page_numbers_dropped() -> None:
    found = texts(read_fixture("notice.pdf"))
    assert "大连示范大学党委组织部" not in found  # the running header
    assert not any(PAGE_NUMBER.match(text) for text in found)


def test_pdf_page_turned_by_rotate_reads_upright() -> None:
    upright = read_fixture("notice.pdf").blocks[:8]
    turned = read_fixture("rotated.pdf").blocks
    assert [b.text for b in turned[1:9]] == [b.text for b in upright]  # its header stays: one page only


@pytest.mark.parametrize("text", ["1", "- 1 -", "— 1 —", "第1页", "第 1 页 共 3 页",
                                  "共 3 页 第 2 页", "1/3", "Page 2 of 3"])
def test_pdf_page_number_shapes(text: str) -> None:
    assert PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text", ["2024年10月8日", "一、工作目标", "100%", "1.5"])
def test_pdf_not_page_numbers(text: str) -> None:
    assert not PAGE_NUMBER.match(text)


@pytest.mark.parametrize("text, marker", [
    ("一、工作目标", True), ("（一）开展", True), ("1、加强", True),
    ("1.加强", True), ("（1）坚持", True), ("(2)落实", True), ("①学习", True),
    ("第三条", True), ("附件：", True),
    ("1.5万元", False), ("2024年", False), ("学时。", False),
])
def test_pdf_paragraph_markers(text: str, marker: bool) -> None:
    assert bool(MARKER.match(text)) is marker


# --- tables --------------------------------------------------------------------------------------

def test_pdf_merged_cells_filled() -> None:
    table = tables(read_fixture("merged_table.pdf"))[0]
    category, lead = "一、思想建设", "党委组织部"
    assert table.rows[1] == (category,) * 4
    assert table.merged[1] == (False, True, True, True)  # horizontal: from the left
    assert table.rows[3][2] == lead and table.merged[3][2]  # vertical: from above
    assert table.rows[2][2] == lead and not table.merged[2][2]
    assert table.rows[4][3] == "2024年10月17日前"  # a date wrapped in its cell, joined
    assert table.row_pages == (1,) * 5


def test_pdf_table_text_not_repeated_as_paragraphs() -> None:
    doc = read_fixture("merged_table.pdf")
    assert [b.kind for b in doc.blocks] == [BlockKind.heading, BlockKind.table, BlockKind.paragraph]
    assert not any("制定年度" in text for text in texts(doc))


def test_pdf_table_over_two_pages_is_one_block() -> None:
    doc = read_fixture("long_table.pdf")
    table, = tables(doc)
    header = ("序号", "工作内容", "责任单位", "进展情况")
    assert table.rows[0] == header
    assert table.rows.count(header) == 1  # the header repeated on page 2 is dropped
    assert [row[0] for row in table.rows[1:]] == [str(n) for n in range(1, 35)]
    assert table.page == 1
    assert table.row_pages == (1,) * 30 + (2,) * 5


def test_pdf_row_split_by_page_break_is_one_row() -> None:
    table, = tables(read_fixture("long_table.pdf"))
    row = table.rows[29]
    assert row[0] == "29" and row[2] == "第29党支部"
    assert "定期开展党员组织关系排查" in row[1]  # cut at the page break after 定期开展
    assert row[1].endswith("按时完成党内统计年报")
    assert table.row_pages[29] == 1


def test_pdf_table_after_stitched_table_keeps_its_page() -> None:
    doc = read_fixture("long_table.pdf")
    assert doc.blocks[-1].kind is BlockKind.paragraph and doc.blocks[-1].page == 2


@pytest.mark.parametrize("name", ["merged_table.pdf", "long_table.pdf", "notice.pdf"])
def test_pdf_table_grid_same_as_pdfplumber(name: str) -> None:
    """Our ruling lines (from pypdfium2) give the cells pdfplumber's lines strategy finds from pdfminer's."""
    pdf = pdfium.PdfDocument(str(DATA / name))
    try:
        with pdfplumber.open(DATA / name) as plumber:
            for index, page in enumerate(plumber.pages):
                theirs = [(len(t.rows), len(t.columns), tuple(round(v) for v in t.bbox))
                          for t in page.find_tables()]
                grids = _cell_groups(read_page(pdf, index).edges)
                ours = [(len(g.rows) - 1, len(g.columns) - 1,
                         (round(g.columns[0]), round(g.rows[0]), round(g.columns[-1]), round(g.rows[-1])))
                        for g in grids]
                assert ours == theirs
    finally:
        pdf.close()


# --- documents and errors ------------------------------------------------------------------------

def test_pdf_document_fields() -> None:
    doc = read(DATA / "notice.pdf", "inbox/notice.pdf")
    assert (doc.format, doc.pages, doc.source) == (Format.pdf, 2, "inbox/notice.pdf")
    assert doc.sha256 == hashlib.sha256((DATA / "notice.pdf").read_bytes()).hexdigest()
    assert all(block.page in (1, 2) for block in doc.blocks)


def test_pdf_owner_password_only_reads_normally() -> None:
    assert [b.rows for b in tables(read_fixture("owner_only.pdf"))] == \
        [b.rows for b in tables(read_fixture("merged_table.pdf"))]


def _cut(tmp_path: Path) -> Path:
    data = (DATA / "notice.pdf").read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    return path


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, message, hint", [
    (lambda tmp: DATA / "encrypted.pdf", "x.pdf: the PDF is encrypted and needs a password",
     "ask the sender for an unprotected copy or the password"),
    (_cut, "x.pdf: the file is not a readable PDF (damaged, cut short or not a PDF)",
     "the file may be damaged or cut short; ask the sender for a new copy"),
    (lambda tmp: _write(tmp, b"%PDF-1.7\nnothing more"),
     "x.pdf: the file is not a readable PDF (damaged, cut short or not a PDF)",
     "the file may be damaged or cut short; ask the sender for a new copy"),
    (lambda tmp: _write(tmp, b""), "x.pdf: the file is empty", "check that the file was saved completely"),
], ids=["encrypted", "truncated", "garbage", "empty"])  # scans: tests/test_readers_ocr.py
def test_pdf_unreadable(tmp_path: Path, make, message: str, hint: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnreadableFile) as error:
        read_pdf(make(tmp_path), "x.pdf")
    assert (error.value.reason, error.value.hint) == (message, hint)


def test_pdf_reader_imports_no_pdfplumber() -> None:
    """pdfplumber is imported only when a page has ruling lines."""
    code = "import sys, pipeline.readers.pdf; print('pdfplumber' in sys.modules, 'pdfminer' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- pieces on made-up pages ---------------------------------------------------------------------

def _chars(text: str, x: float, top: float, size: float = 10.0) -> list[Char]:
    return [Char(ch, x + n * size, x + (n + 1) * size, top, top + size, size) for n, ch in enumerate(text)]


def test_pdf_menu_bar_printed_over_a_table_dropped() -> None:
    """A browser repeats a page's fixed menu bar on every printed page, over the content: on page 1 it is
    a line of its own, on page 2 it runs through the first row of a table."""
    menu = "首页 公告信息 通知公告"
    page1 = PageDraft(1, 800.0, tuple(find_lines(_chars(menu, 110, 30), 1)), (), (), ())
    grid = Grid((0.0, 100.0, 300.0), (20.0, 50.0, 80.0), {})
    cells = _chars("服务期", 5, 30) + _chars("2天", 105, 29) + _chars(menu.replace(" ", ""), 110, 31) \
        + _chars("说明", 5, 60) + _chars("每次投放", 105, 60)
    part = fill_table(grid, tuple(cells), 2)
    assert part is not None
    page2 = PageDraft(2, 800.0, (), (part,), (grid,), (tuple(cells),))
    first, second = drop_running_lines([page1, page2])
    assert first.lines == ()
    assert second.tables[0].texts == (("服务期", "2天"), ("说明", "每次投放"))


def _page(number: int, *lines: tuple[str, float]) -> PageDraft:
    chars = [c for text, top in lines for c in _chars(text, 90, top, 14.0)]
    return PageDraft(number, 842.0, tuple(find_lines(chars, number)), (), (), ())


def test_pdf_issuer_header_of_a_two_page_notice_dropped() -> None:
    """Page 1 carries the issuer's mark (its 文件 head, lower than a header stands); page 2 has the issuer's
    name as its header, in the middle of a sentence running over the page break."""
    first = _page(1, ("共青团白鹭海洋大学委员会文件", 148), ("辅导员每半年向校团委书面报告", 700))
    second = _page(2, ("共青团白鹭海洋大学委员会", 45), ("一次工作月报。", 114))
    one, two = drop_running_lines([first, second])
    assert [line.text for line in one.lines] == ["共青团白鹭海洋大学委员会文件", "辅导员每半年向校团委书面报告"]
    assert [line.text for line in two.lines] == ["一次工作月报。"]


def test_pdf_top_line_of_page_two_that_is_no_issuer_header_kept() -> None:
    """A heading at the top of page 2 that words of the title also hold is content."""
    title = _page(1, ("关于做好党员教育培训工作的通知", 148))
    heading = _page(2, ("党员教育培训工作", 60), ("各党支部要按计划开展学习。", 100))
    assert [line.text for line in drop_running_lines([title, heading])[1].lines] == \
        ["党员教育培训工作", "各党支部要按计划开展学习。"]
    cut = _page(1, ("共青团白鹭海洋大学委员会办公室文件", 148))  # more than a 文件 longer than page 2's top line
    issuer = _page(2, ("共青团白鹭海洋大学委员会", 45), ("一次工作月报。", 114))
    assert drop_running_lines([cut, issuer])[1].lines[0].text == "共青团白鹭海洋大学委员会"


def _part(page: int, texts: tuple[tuple[str, ...], ...], origin: tuple[tuple[tuple[int, int], ...], ...]
          ) -> TablePart:
    columns = (0.0, 100.0, 200.0)
    return TablePart(page, 0.0, 0.0, 200.0, 100.0, columns, texts, origin, (page,) * len(texts), 10.0)


def test_pdf_merged_column_continues_over_page_break() -> None:
    previous = _part(1, (("类别", "序号"), ("一、文化", "1"), ("", "2")),
                     (((0, 0), (0, 1)), ((1, 0), (1, 1)), ((1, 0), (2, 1))))
    part = _part(2, (("", "3"), ("", "4")), (((0, 0), (0, 1)), ((0, 0), (1, 1))))
    assert continues(previous, part)
    block = to_block(stitch(previous, part))
    assert block.rows[3:] == (("一、文化", "3"), ("一、文化", "4"))
    assert block.merged[3:] == ((True, False), (True, False))
    assert block.row_pages == (1, 1, 1, 2, 2)


def test_pdf_wide_gap_parts_title_and_date() -> None:
    line, = find_lines(_chars("采购公告", 100, 30, 8.0) + _chars("发布时间", 162, 31, 5.0), 1)
    assert [part.text for part in split_wide(line)] == ["采购公告", "发布时间"]


def test_pdf_evenly_stretched_line_stays_whole() -> None:
    chars = [Char(ch, 100 + n * 30, 110 + n * 30, 30, 40, 10.0) for n, ch in enumerate("邮箱地址为")]
    line, = find_lines(chars, 1)
    assert split_wide(line) == [line]


def test_pdf_parts_of_one_line_keep_left_to_right_order() -> None:
    """A seal line: the issuer on the left, the date on the right set a little higher (digits)."""
    chars = _chars("中共某某委员会", 80, 700, 14.0) + _chars("2017年6月19日印发", 380, 699, 14.0)
    body = _chars("正文第一行的文字内容正文第一行的文字内容", 80, 100, 14.0)
    page = PageDraft(1, 842.0, tuple(find_lines(body + chars, 1)), (), (), ())
    assert [b.text for b in arrange([page])][-2:] == ["中共某某委员会", "2017年6月19日印发"]


def _part(page: int, texts: tuple[tuple[str, ...], ...], origin: tuple[tuple[tuple[int, int], ...], ...]):  # type: ignore[no-untyped-def]
    from pipeline.readers.pdf_tables import TablePart
    return TablePart(page=page, x0=0.0, top=0.0, x1=100.0, bottom=100.0, columns=(0.0, 50.0, 100.0), texts=texts,
                     origin=origin, row_pages=(page,) * len(texts), size=10.0)


@pytest.mark.parametrize("below, expected", [
    ("好干部教育培训", "\u56db\u3001突出政治标准，抓好干部教育培训"),  # the rest of the label, printed below the break
    ("\u4e94\u3001加强作风建设", "\u56db\u3001突出政治标准，抓"),  # a new label: it starts with a marker
])
def test_pdf_stitch_merged_cell_text_over_a_page_break(below: str, expected: str) -> None:
    from pipeline.readers.pdf_tables import stitch
    first = _part(1, (("\u56db\u3001突出政治标准，抓", "8"),), (((0, 0), (0, 1)),))
    second = _part(2, ((below, "9"), ("", "10")), (((0, 0), (0, 1)), ((0, 0), (1, 1))))
    table = stitch(first, second)
    assert table.texts[0][0] == expected
    assert table.origin[2][0] == ((0, 0) if below == "好干部教育培训" else (1, 0))

"""The Word reader: body order, headings, automatic numbering, merged cells, what stays out of the body."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile
from pipeline.model import BlockKind, Format, RawBlock, RawDocument
from pipeline.readers import read
from pipeline.readers.docx import read_docx
from pipeline.readers.docx_numbering import format_number

DATA = Path(__file__).resolve().parent / "data" / "docx"


def _read(name: str) -> RawDocument:
    return read_docx(DATA / name, name)


def _texts(doc: RawDocument) -> list[str]:
    return [b.text for b in doc.blocks if b.kind is not BlockKind.table]


def _block(doc: RawDocument, text: str) -> RawBlock:
    return next(b for b in doc.blocks if b.text == text)


def test_docx_document_record() -> None:
    doc = read(DATA / "numbering.docx", "numbering.docx")
    assert (doc.format, doc.pages, len(doc.sha256)) == (Format.docx, None, 64)


@pytest.mark.parametrize("text, kind, level", [
    ("关于开展样板支部遴选工作的通知", BlockKind.heading, 1),  # style Title
    ("各党支部：", BlockKind.paragraph, 0),
    ("一、总体要求", BlockKind.heading, 2),  # Heading 2, numbered through its style
    ("三级标题", BlockKind.heading, 3),
    ("大纲级别段落", BlockKind.heading, 2),  # w:outlineLvl on the paragraph
    ("自定义标题", BlockKind.heading, 1),  # a style based on Heading 1
    ("中文名标题", BlockKind.heading, 4),  # a style named in Chinese
    ("不编号", BlockKind.heading, 2),  # numId 0 removes the style's numbering
])
def test_docx_heading_styles(text: str, kind: BlockKind, level: int) -> None:
    block = _block(_read("numbering.docx"), text)
    assert (block.kind, block.level) == (kind, level)


def test_docx_numbering_labels_in_reading_order() -> None:
    assert _texts(_read("numbering.docx"))[2:] == [
        "一、总体要求", "1. 第一项工作", "（1）子项甲", "（2）子项乙", "2. 第二项工作", "（1）子项丙",
        "二、具体措施", "三级标题", "大纲级别段落", "自定义标题", "中文名标题",
        "1. 新列表第一项",  # a w:num with a start override restarts the shared list
        "要点",  # bullets get no label
        "3. 新列表第三项",  # an empty numbered paragraph took number 2
        "1. 章", "1.1 节", "a) 条甲", "1.2 节二", "b) 条乙",  # lvlRestart 0: never restarts
        "不编号", "三、工作要求"]


def test_docx_title_over_two_centred_lines_is_one_heading() -> None:
    doc = _read("title.docx")
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.paragraph, "中共某某委员会文件"),  # the red header: one line of another look
        (BlockKind.paragraph, "某委〔2024〕1号"),
        (BlockKind.heading, "关于开展2024年度\n党建工作检查的通知"),
        (BlockKind.paragraph, "各党支部："),
        (BlockKind.paragraph, "附件一"), (BlockKind.paragraph, "检查要点")]  # only the first title


@pytest.mark.parametrize("n, fmt, label", [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCounting", "二十"), (23, "chineseCounting", "二十三"), (105, "chineseCounting", "一〇五"),
    (101, "chineseCountingThousand", "一百〇一"), (110, "chineseCountingThousand", "一百一十"),
    (3, "chineseLegalSimplified", "叁"), (12, "chineseLegalSimplified", "壹拾贰"),
    (2, "ideographTraditional", "乙"), (11, "ideographTraditional", "甲"),
    (3, "decimal", "3"), (3, "decimalZero", "03"), (12, "decimalFullWidth", "１２"),
    (2, "upperLetter", "B"), (28, "lowerLetter", "bb"), (14, "upperRoman", "XIV"), (4, "lowerRoman", "iv"),
    (3, "decimalEnclosedCircle", "③"), (2, "decimalEnclosedParen", "⑵"), (25, "decimalEnclosedCircle", "25"),
    (7, "cardinalText", "7"),
])
def test_docx_number_formats(n: int, fmt: str, label: str) -> None:
    assert format_number(n, fmt) == label


def test_docx_table_in_body_order() -> None:
    doc = _read("table.docx")
    assert [b.kind for b in doc.blocks] == [BlockKind.paragraph, BlockKind.table, BlockKind.paragraph]
    assert (doc.blocks[0].text, doc.blocks[2].text) == ("表前段落", "表后段落")


@pytest.mark.parametrize("row, cells, merged", [
    (0, ("序号", "任务", "责任单位", "完成时限"), (False, False, False, False)),
    (1, ("1", "任务甲", "机关党委", "机关党委"), (False, False, False, True)),  # gridSpan 2
    (2, ("1", "任务乙", "组织部", "6月30日前"), (True, False, False, False)),  # vMerge continue
    (3, ("二、第二部分",) * 4, (False, True, True, True)),  # a section row spanning the table
    (4, ("2", "（1）第一条\n（2）第二条", "甲 乙\n丙 丁", ""), (False,) * 4),  # numbering, nested table
    (5, ("", "多行\n单元格", "右侧", "右侧"), (False, False, False, True)),  # gridBefore
])
def test_docx_table_merged_cells(row: int, cells: tuple[str, ...], merged: tuple[bool, ...]) -> None:
    table = _read("table.docx").blocks[1]
    assert (table.rows[row], table.merged[row]) == (cells, merged)


@pytest.mark.parametrize("text", [
    "正文开始，正文继续。",  # the anchored text box is not mixed in
    "请于6月30日前报送。",  # tracked deletion out, insertion in
    "第3页，日期2024年5月14日",  # field results, not field codes
    "机关党委\n2024年5月14日",  # a soft line break
    "年度考核体系",  # a page break does not split the word
    "可见",  # hidden text is not shown
    "正文有批注",  # footnote and comment marks leave no trace
    "内容控件段落",  # a block content control
    "旧式文本框锚点",
])
def test_docx_body_text(text: str) -> None:
    assert text in _texts(_read("furniture.docx"))


@pytest.mark.parametrize("text", ["页眉文字", "页脚文字", "脚注内容", "批注内容", "整段删除", "PAGE", "DATE", "隐藏"])
def test_docx_furniture_not_in_body(text: str) -> None:
    body = [b.text for b in _read("furniture.docx").blocks if not b.boilerplate]
    assert not any(text in t for t in body)


def test_docx_text_boxes_once_as_boilerplate() -> None:
    boxes = [b.text for b in _read("furniture.docx").blocks if b.boilerplate]
    assert boxes == ["文本框内容", "旧式文本框"]


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("name, make, reason", [
    ("plain.docx", lambda p: p.write_bytes(b"not a zip at all"), "not a valid .docx"),
    ("other.docx", lambda p: _zip(p, {"readme.txt": b"hello"}), "no word/document.xml"),
    ("broken.docx", lambda p: _zip(p, {"word/document.xml": b"<w:document><w:body>"}), "damaged"),
    ("blank.docx", lambda p: _zip(p, {"word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                                         b'wordprocessingml/2006/main"><w:body><w:p/></w:body>'
                                                         b"</w:document>"}), "holds no text"),
])
def test_docx_unreadable(tmp_path: Path, name: str, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    make(path)
    with pytest.raises(UnreadableFile, match=reason) as info:
        read_docx(path, name)
    assert name in info.value.reason and info.value.hint


def test_docx_entities_not_expanded(tmp_path: Path) -> None:
    xml = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           b"<w:p><w:r><w:t>a&x;b</w:t></w:r></w:p></w:body></w:document>")
    doc = read_docx(_zip(tmp_path / "xxe.docx", {"word/document.xml": xml}), "xxe.docx")
    assert "root:" not in "".join(_texts(doc))


def test_docx_zip_bomb_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a>" + b" " * (80 * 1024 * 1024) + b"</a>")
    with pytest.raises(UnreadableFile, match="too large"):
        read_docx(path, "bomb.docx")

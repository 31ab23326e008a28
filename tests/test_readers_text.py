"""The text reader: encodings, markdown marks, tab tables and dumped column tables."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile, UnsupportedFormat
from pipeline.model import BlockKind
from pipeline.readers import read
from pipeline.readers.text import decode, is_column_dump, to_blocks

from .conftest import SAMPLES

NOTICE = "各党支部：\n认真制订学习计划于6月30日前报送机关党委。\n"


@pytest.mark.parametrize("data", [
    NOTICE.encode("utf-8"),
    codecs.BOM_UTF8 + NOTICE.encode("utf-8"),
    NOTICE.encode("gb18030"),
    NOTICE.encode("gbk"),
    codecs.BOM_UTF16_LE + NOTICE.encode("utf-16-le"),
    codecs.BOM_UTF16_BE + NOTICE.encode("utf-16-be"),
    NOTICE.encode("utf-16-le"),
    NOTICE.encode("utf-16-be"),
    NOTICE.replace("\n", "\r\n").encode("utf-8"),
], ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "crlf"])
def test_text_decode_encodings(data: bytes) -> None:
    assert decode(data, "x.txt") == NOTICE


def test_text_decode_never_latin1() -> None:
    # Bytes that are neither UTF-8 nor GB18030 must fail, not come out as Latin-1 mojibake.
    with pytest.raises(UnreadableFile, match="none of the encodings tried .*GB18030"):
        decode(b"\x81\x30\xff\xfe\x80" * 10, "bad.txt")


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty"),
    (b"  \n\n ", "the file is empty"),
    (bytes(range(32)) * 20, "binary data"),
])
def test_text_unreadable(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        decode(data, "x.txt")


def test_text_markdown_headings_and_emphasis() -> None:
    blocks = to_blocks("# 文件\n\n## 二、具体措施\n\n**2、严格基层党组织生活。**\n\n---\n")
    assert [(b.kind, b.text, b.level) for b in blocks] == [
        (BlockKind.heading, "文件", 1), (BlockKind.heading, "二、具体措施", 2),
        (BlockKind.paragraph, "2、严格基层党组织生活。", 0)]


def test_text_tab_rows_become_one_table_with_merged_cells() -> None:
    text = ("\t一级指标\n\t二级指标\n\t三级指标\n\n\t1.党组织\n\t1.1宣传\n\t(1)坚持。\n(2)落实。\n\n"
            "\t\n\t1.2民主集中制\n\t(1)对照。\n\n\n\n\n\t一级指标\n\t二级指标\n\t三级指标\n\n\t2.政治\n\t2.1责任\n\t(1)研究。\n")
    blocks = to_blocks(text)
    assert len(blocks) == 1 and blocks[0].kind is BlockKind.table
    table = blocks[0]
    assert table.rows == (("一级指标", "二级指标", "三级指标"), ("1.党组织", "1.1宣传", "(1)坚持。\n(2)落实。"),
                          ("1.党组织", "1.2民主集中制", "(1)对照。"), ("2.政治", "2.1责任", "(1)研究。"))
    assert table.merged[2] == (True, False, False)


def test_text_column_dump_is_one_preformatted_block() -> None:
    dump = "序号 项目名称\n\n1\n学院楼宇标\n识牌\n\n2\n文化讲\n座\n\n3\n环境\n改善\n"
    assert is_column_dump(dump)
    assert [b.kind for b in to_blocks(dump)] == [BlockKind.preformatted]


def test_text_prose_is_not_a_column_dump() -> None:
    assert not is_column_dump((SAMPLES / "001_66fe4d6b06fc550e.txt").read_text(encoding="utf-8"))


def test_text_page_breaks_number_pages() -> None:
    blocks = to_blocks("第一页。\n\n\n\n第二页。\f第三页。")
    assert [(b.text, b.page) for b in blocks] == [("第一页。", 1), ("第二页。", 2), ("第三页。", 3)]


def test_seed004_table_rows(tmp_path: Path) -> None:
    raw = read(SAMPLES / "004_ca7c5b3b7ac4bce8.txt", "004.txt")
    tables = [b for b in raw.blocks if b.kind is BlockKind.table]
    assert len(tables) == 1
    rows = tables[0].rows
    assert rows[0] == ("一级指标", "二级指标", "三级指标")
    # 1.1 1.2 2.1 2.2 3 4.1 4.2 4.3 4.4 4.5 5.1 5.2: the header repeated on each page is dropped
    # the reader keeps Word's [bookmark: _GoBack] artefact; normalisation cuts it
    assert [re.sub(r"^\[bookmark:[^\]]*\]", "", r[1])[:3] for r in rows[1:]] == ["1.1", "1.2", "2.1", "2.2", "院(系", "4.1", "4.2", "4.3", "4.4",
                                            "4.5", "5.1", "5.2"]
    assert rows[10][0].startswith("4.基层组织") and rows[10][2] == "(1)推进组织员队伍建设，至少配备1名专职组织员。\n" \
        "(2)加强组织员培养培训，充分发挥他们在基层党建、党员发展、党内监督等方面的专职专责作用。"


def test_read_unsupported_format_names_it(tmp_path: Path) -> None:
    path = tmp_path / "notice.xyz"
    path.write_bytes(b"hello")
    with pytest.raises(UnsupportedFormat, match=r"notice.xyz: \.xyz is not a supported format"):
        read(path, "notice.xyz")


def test_read_format_from_content_not_suffix(tmp_path: Path) -> None:
    path = tmp_path / "scan.txt"
    path.write_bytes(b"GIF89a" + bytes(64))
    with pytest.raises(UnsupportedFormat, match=r"scan.txt: \.gif is not a supported format"):
        read(path, "scan.txt")


@pytest.mark.parametrize("line, expected", [
    ("**2、严格基层党组织生活。**", "2、严格基层党组织生活。"),
    ("各支部**要**报送", "各支部要报送"),
    ("__注意__事项", "注意事项"),
    ("window.__pwned=1 and a__b", "window.__pwned=1 and a__b"),
    ("单独的**星号", "单独的**星号"),
])
def test_text_markdown_emphasis_only_in_pairs(line: str, expected: str) -> None:
    assert to_blocks(line)[0].text == expected


@pytest.mark.parametrize("name, head, kind", [
    ("notice.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32), ".doc"),
    ("table.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32), ".xls"),
    ("notice.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(32), ".doc"),
    ("page.txt", b"<!DOCTYPE html><html>", ".html"),
    ("notice.docx", b"%PDF-1.7", ".pdf"),
    ("notice.txt", "各党支部：".encode(), None),
])
def test_read_sniff_by_content(tmp_path: Path, name: str, head: bytes, kind: str | None) -> None:
    from pipeline.readers import sniff
    path = tmp_path / name
    path.write_bytes(head)
    assert sniff(path, head) == kind

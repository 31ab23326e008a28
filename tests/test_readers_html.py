"""The web page reader: the article only, its title and meta line, tables, attachments, encodings."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pipeline.errors import UnreadableFile
from pipeline.model import BlockKind, Format, RawBlock, RawDocument
from pipeline.readers import read
from pipeline.readers.html import is_meta_line, read_html
from pipeline.readers.html_page import decode_html

from .conftest import SAMPLES

DATA = Path(__file__).resolve().parent / "data" / "html"
SAMPLE_002 = SAMPLES / "002_92432040ea6714fc.html"

# An old table-layout site saved as GB2312: menu row, sidebar cell, article cell, footer table.
GB_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>学院通知</title></head><body>
<table width="100%"><tr><td colspan="2"><a href="/">首页</a> | <a href="/a">学院概况</a> | <a href="/b">通知公告</a>
 | <a href="/c">党建工作</a></td></tr>
<tr><td width="200"><a href="/n/1">关于召开教代会的通知</a> 2023-10-01<br><a href="/n/2">关于国庆放假的通知</a>
 2023-09-20<br><a href="/n/3">关于新生入学教育的通知</a> 2023-09-01</td>
<td><p align="center"><b><font size="5">关于开展2023年度</font></b></p>
<p align="center"><b><font size="5">党员教育培训工作的通知</font></b></p>
<p align="center">发布者：党委办公室　发布时间：2023-10-08　阅读次数：56</p>
<p>各党支部：</p>
<p>　　党员每年集中学习培训时间不少于32学时，请于10月31日前将培训计划报送党委办公室。</p>
<p align="right">党委办公室<br>2023年10月8日</p></td></tr></table>
<table width="100%"><tr><td>版权所有 某学院 联系邮箱：office@example.edu.cn</td></tr></table>
</body></html>"""

# What a content database holds for a gov.cn notice: the content cell only, title over two lines.
FRAGMENT = """<tbody><tr><td class="b12c" id="UCAP-CONTENT">
<p style="text-align: center;"><span style="font-weight: bold; font-size: 18pt;">国务院办公厅关于开展</span></p>
<p style="text-align: center;"><span style="font-weight: bold; font-size: 18pt;">试点工作的通知</span></p>
<p style="text-align: center;"><span style="font-family: 楷体;">国办发〔2019〕3号</span></p>
<p style="text-align: justify;">各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p style="text-indent: 2em;">试点地区要于2019年12月底前完成试点工作，并将总结报告报送国务院办公厅。</p>
<p style="text-align: right;">国务院办公厅&nbsp;&nbsp;&nbsp;</p>
<p style="text-align: right;">2019年1月9日&nbsp;&nbsp;</p></td></tr><tr><td></td></tr></tbody>"""


def _page(tmp_path: Path, html: str, encoding: str = "utf-8", name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_bytes(html.encode(encoding))
    return path


def _texts(doc: RawDocument) -> list[str]:
    return [b.text for b in doc.blocks if b.kind is not BlockKind.table]


def _body(doc: RawDocument) -> str:
    """Everything that is not flagged as furniture, tables included."""
    parts = []
    for b in doc.blocks:
        if not b.boilerplate:
            parts.append(b.text + "".join("".join(row) for row in b.rows))
    return "\n".join(parts)


def _notice() -> RawDocument:
    return read_html(DATA / "notice_page.html", "notice_page.html")


def test_html_document_record() -> None:
    doc = read(DATA / "notice_page.html", "notice_page.html")
    assert (doc.format, doc.pages, len(doc.sha256)) == (Format.html, None, 64)


def test_html_title_then_meta_line() -> None:
    first, second = _notice().blocks[:2]
    assert first == RawBlock(BlockKind.heading, "关于报送2024年度党支部工作计划的通知", level=1)
    assert (second.kind, second.boilerplate) == (BlockKind.paragraph, True)
    assert second.text.startswith("发布时间：2024-03-01")


@pytest.mark.parametrize("text", [
    "各党支部：",
    "为做好2024年度党建工作，现将有关事项通知如下：",
    "一、报送内容",
    "1. 党支部年度工作计划；\n2. 党支部书记述职报告。",  # <br> splits lines, not blocks
    "1. 计划须经支委会讨论；",  # an ordered list shows its numbers
    "2. 报告不少于2000字。",
    "请于3月20日前将电子版发送至zzb@example.edu.cn。",
    "1. 党支部工作计划模板",
    "党委组织部",
    "2024年3月1日",
])
def test_html_article_paragraphs_kept(text: str) -> None:
    assert text in _texts(_notice())


@pytest.mark.parametrize("text", [
    "机构设置",  # menu
    "当前位置",  # breadcrumb
    "关于做好2024年发展党员工作的通知", "2024-02-20",  # sidebar of other notices and their dates
    "分享到",  # share bar
    "关于报送2023年度党支部工作总结的通知", "2023-12-01",  # related notices under the article
    "zzbgs@example.edu.cn", "版权所有",  # footer
    "不应出现的脚本文字",  # script
    "2024年1月1日",  # comment
])
def test_html_furniture_dropped(text: str) -> None:
    assert text not in _body(_notice())


def test_html_table_spans_filled() -> None:
    table = next(b for b in _notice().blocks if b.kind is BlockKind.table)
    assert table.rows == (("阶段", "时间", "要求"), ("第一阶段", "3月10日前", "支部讨论"),
                          ("第一阶段", "3月20日前", "报送组织部"), ("二、第二阶段安排另行通知",) * 3)
    assert table.merged == ((False,) * 3, (False,) * 3, (True, False, False), (False, True, True))


def test_html_attachments_listed() -> None:
    assert _notice().attachments == ("1. 党支部工作计划模板", "2. 述职报告提纲")


def test_html_gb2312_table_layout_page(tmp_path: Path) -> None:
    doc = read_html(_page(tmp_path, GB_PAGE, "gb2312"), "gb.html")
    assert doc.blocks[0] == RawBlock(BlockKind.heading, "关于开展2023年度党员教育培训工作的通知", level=1)
    assert doc.blocks[1].boilerplate and "发布时间：2023-10-08" in doc.blocks[1].text
    assert _texts(doc)[2:] == ["各党支部：", "党员每年集中学习培训时间不少于32学时，请于10月31日前将培训计划报送党委办公室。",
                               "党委办公室\n2023年10月8日"]


@pytest.mark.parametrize("text", ["学院概况", "关于召开教代会的通知", "2023-10-01", "office@example.edu.cn"])
def test_html_gb2312_page_furniture_dropped(tmp_path: Path, text: str) -> None:
    assert text not in _body(read_html(_page(tmp_path, GB_PAGE, "gb2312"), "gb.html"))


def test_html_content_fragment(tmp_path: Path) -> None:
    doc = read_html(_page(tmp_path, FRAGMENT), "fragment.html")
    assert _texts(doc) == ["国务院办公厅关于开展试点工作的通知", "国办发〔2019〕3号",
                           "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
                           "试点地区要于2019年12月底前完成试点工作，并将总结报告报送国务院办公厅。",
                           "国务院办公厅", "2019年1月9日"]
    assert doc.blocks[0].kind is BlockKind.heading


def test_html_title_over_two_lines_named_in_page_title(tmp_path: Path) -> None:
    page = ("<html><head><title>国务院办公厅关于开展试点工作的通知_政府信息公开</title></head><body>"
            '<div class="nav"><a href="/">首页</a> <a href="/z">政策</a> <a href="/w">文件库</a></div>'
            f'<div class="wrap">{FRAGMENT.replace("tbody", "table", 1)}</div></body></html>')
    doc = read_html(_page(tmp_path, page), "page.html")
    assert doc.blocks[0] == RawBlock(BlockKind.heading, "国务院办公厅关于开展试点工作的通知", level=1)
    assert "首页" not in _body(doc)


def test_html_meta_line_above_title_kept(tmp_path: Path) -> None:
    page = ('<html><body><div class="crumb">首页 &gt; 通知</div><div class="box"><div class="date">'
            "发布时间：2024-03-01 来源：组织部</div><h1>关于报送材料的通知</h1><p>请于6月30日前报送。</p></div></body></html>")
    doc = read_html(_page(tmp_path, page), "page.html")
    assert [(b.text, b.boilerplate) for b in doc.blocks] == [
        ("关于报送材料的通知", False), ("发布时间：2024-03-01 来源：组织部", True), ("请于6月30日前报送。", False)]


@pytest.mark.parametrize("title, heading", [
    ("关于报送材料的通知-某某大学党委组织部", "关于报送材料的通知"),
    ("关于2024-2025学年排课工作的通知", "关于2024-2025学年排课工作的通知"),  # a dash inside the title stays
])
def test_html_page_title_when_no_heading(tmp_path: Path, title: str, heading: str) -> None:
    page = f"<html><head><title>{title}</title></head><body><div><p>请于6月30日前报送。</p></div></body></html>"
    assert read_html(_page(tmp_path, page), "page.html").blocks[0] == RawBlock(BlockKind.heading, heading, level=1)


def test_html_table_caption_kept(tmp_path: Path) -> None:
    page = ("<html><body><h1>关于报送材料的通知</h1><p>各单位：请按下表报送，报送时间以表为准。</p><table><caption>报送安排表</caption>"
            "<tr><td>材料</td><td>时间</td></tr><tr><td>总结</td><td>6月30日前</td></tr></table></body></html>")
    doc = read_html(_page(tmp_path, page), "page.html")
    assert [b.text or b.rows for b in doc.blocks][-2:] == ["报送安排表", (("材料", "时间"), ("总结", "6月30日前"))]


def test_html_title_in_a_header_named_block(tmp_path: Path) -> None:
    page = ('<html><body><div class="header"><h1><a href="/">某大学党委组织部</a></h1></div>'
            '<div class="card"><div class="card-header border-bottom"><h2>关于报送材料的通知</h2></div>'
            '<div class="card-body"><p>各单位：请于6月30日前将材料报送组织部，逾期不再受理，特此通知。</p></div></div>'
            '<div id="bottom">版权所有 某大学 E-mail: web@example.edu.cn</div></body></html>')
    doc = read_html(_page(tmp_path, page), "page.html")
    assert [b.text for b in doc.blocks] == ["关于报送材料的通知", "各单位：请于6月30日前将材料报送组织部，逾期不再受理，特此通知。"]


NOTICE = "<html><head>{meta}</head><body><h1>关于报送材料的通知</h1><p>请于6月30日前报送。</p></body></html>"


@pytest.mark.parametrize("data", [
    NOTICE.format(meta='<meta charset="utf-8">').encode("utf-8"),
    codecs.BOM_UTF8 + NOTICE.format(meta="").encode("utf-8"),
    NOTICE.format(meta="").encode("utf-8"),
    NOTICE.format(meta='<meta charset="gbk">').encode("gbk"),
    NOTICE.format(meta='<meta http-equiv="Content-Type" content="text/html; charset=GB2312">').encode("gb2312"),
    NOTICE.format(meta="").encode("gb18030"),  # no declaration: UTF-8 fails, GB18030 reads it
    NOTICE.format(meta='<meta charset="iso-8859-1">').encode("utf-8"),  # a wrong Latin-1 claim is ignored
    NOTICE.format(meta='<meta charset="utf-8">').encode("gbk"),  # a wrong UTF-8 claim falls back
    NOTICE.format(meta='<meta charset="gb2312">').encode("utf-8"),  # saved again as UTF-8, old <meta> kept
    codecs.BOM_UTF16_LE + NOTICE.format(meta="").encode("utf-16-le"),
], ids=["utf8-meta", "utf8-bom", "utf8", "gbk-meta", "gb2312-http-equiv", "gb18030", "latin1-claim",
        "wrong-utf8-claim", "stale-gb2312-claim", "utf16-bom"])
def test_html_decode_encodings(data: bytes) -> None:
    assert "关于报送材料的通知" in decode_html(data, "x.html")


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty"),
    (b" \n\t ", "the file is empty"),
    (b"<html><body><script>var a = 1;</script></body></html>", "holds no text"),
    (b"\x81\x30\xff\xfe\x80" * 200, "none of the encodings tried"),
])
def test_html_unreadable(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.html"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match=reason) as info:
        read_html(path, "bad.html")
    assert "bad.html" in info.value.reason and info.value.hint


def test_html_xml_declaration_and_entities(tmp_path: Path) -> None:
    page = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>关于报送材料的通知</h1><p>请于6月30日前&x;报送。</p>'
            "</body></html>")
    doc = read_html(_page(tmp_path, page), "x.html")
    assert "root:" not in _body(doc) and "请于6月30日前" in _body(doc)


@pytest.mark.parametrize("text, expected", [
    ("来源：学院党委发布人：姜雨杉时间：2024-05-14浏览：", True),
    ("信息来源：\xa0发布日期:\xa02021-03-12浏览次数:\xa0728", True),
    ("发布时间：2024-03-01  作者：组织部  点击：128", True),
    ("请于2024年5月20日前报送：联系人：张老师", False),  # one date, but a sentence, not fields
    ("联系人：张博华  联系电话：82668311", False),  # no date
    ("时间：2024-05-14", False),  # a single field
])
def test_html_meta_line(text: str, expected: bool) -> None:
    assert is_meta_line(text) is expected


@pytest.mark.skipif(not SAMPLE_002.exists(), reason="the HTML rendition of seed 002 is not in samples/")
def test_seed002_html_article_only() -> None:
    doc = read_html(SAMPLE_002, SAMPLE_002.name)
    assert doc.blocks[0].text == "机械工程学院党委关于遴选大连理工大学党建工作样板支部推荐对象的通知"
    assert doc.blocks[1].boilerplate and "2024-05-14" in doc.blocks[1].text
    body = _body(doc)
    assert "jxdw@dlut.edu.cn" in body and "me@dlut.edu.cn" not in body and "2024-05-10" not in body
    assert len(doc.attachments) == 2

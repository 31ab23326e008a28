"""Write the small .docx fixtures of tests/test_readers_docx.py: `python tests/data/docx/make_fixtures.py`.

The XML is written by hand, shaped like Word's own output, because python-docx cannot write
numbering definitions, text boxes, tracked changes or fields. The zip entries carry a fixed
date so that regenerating gives the same bytes.
"""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
      'xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps"')
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {  # part name: (relationship type, content type)
    "styles.xml": ("styles", "styles"),
    "numbering.xml": ("numbering", "numbering"),
    "header1.xml": ("header", "header"),
    "footer1.xml": ("footer", "footer"),
    "footnotes.xml": ("footnotes", "footnotes"),
    "comments.xml": ("comments", "comments"),
}
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def run(text: str, props: str = "") -> str:
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(content: str, style: str = "", num: tuple[int, int] | None = None, extra: str = "") -> str:
    """A paragraph; `content` is plain text or ready-made runs (starting with '<')."""
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    ppr += extra
    body = content if content.startswith("<") else run(content)
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{body}</w:p>"


def style(style_id: str, name: str, based_on: str = "", ppr: str = "") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
            f"{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}</w:style>")


STYLES = (f'<w:styles {NS}>' + style("Normal", "Normal") + style("Title", "Title", "Normal")
          + style("1", "heading 1", "Normal", '<w:outlineLvl w:val="0"/>')
          + style("2", "heading 2", "Normal", '<w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="1"/>')
          + style("Heading3", "heading 3", "Normal")
          + style("MyHeading", "My Heading", "1")
          + style("CnHeading", "标题 4", "Normal")
          + '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/></w:style></w:styles>')


def level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "", pstyle: str = "") -> str:
    ps = f'<w:pStyle w:val="{pstyle}"/>' if pstyle else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{ps}{extra}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')


NUMBERING = (
    f"<w:numbering {NS}>"
    # 0: the Heading 2 list: 一、二、
    '<w:abstractNum w:abstractNumId="0">' + level(0, "chineseCounting", "%1、", pstyle="2") + "</w:abstractNum>"
    # 1: 1. with (1) below it, restarting under each new 1.
    '<w:abstractNum w:abstractNumId="1">' + level(0, "decimal", "%1.")
    + level(1, "decimal", "（%2）") + "</w:abstractNum>"
    # 2: bullets
    '<w:abstractNum w:abstractNumId="2">' + level(0, "bullet", "\uf0b7") + "</w:abstractNum>"
    # 3: legal style 1. / 1.1 with a level that never restarts
    '<w:abstractNum w:abstractNumId="3">' + level(0, "decimal", "%1.")
    + level(1, "decimal", "%1.%2") + level(2, "lowerLetter", "%3)", extra='<w:lvlRestart w:val="0"/>')
    + "</w:abstractNum>"
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="1"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>'
    '<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>'
    "</w:numbering>")

NUMBERED_BODY = "".join([
    para("关于开展样板支部遴选工作的通知", "Title"),
    para("各党支部："),
    para("总体要求", "2"),
    para("第一项工作", num=(2, 0)),
    para("子项甲", num=(2, 1)),
    para("子项乙", num=(2, 1)),
    para("第二项工作", num=(2, 0)),
    para("子项丙", num=(2, 1)),
    para("具体措施", "2"),
    para("三级标题", "Heading3"),
    para("大纲级别段落", extra='<w:outlineLvl w:val="1"/>'),
    para("自定义标题", "MyHeading"),
    para("中文名标题", "CnHeading"),
    para("新列表第一项", num=(3, 0)),
    para("要点", num=(4, 0)),
    para("", num=(2, 0)),  # empty, yet it takes number 2 of the list that num 3 shares
    para("新列表第三项", num=(3, 0)),
    para("章", num=(5, 0)),
    para("节", num=(5, 1)),
    para("条甲", num=(5, 2)),
    para("节二", num=(5, 1)),
    para("条乙", num=(5, 2)),
    para("不编号", "2", extra='<w:numPr><w:numId w:val="0"/></w:numPr>'),
    para("工作要求", "2"),
])


def merge_cell(text: str, props: str = "") -> str:
    body = "".join(para(t) for t in text.split("|")) if text else "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def table(rows: list[str], cols: int) -> str:
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(cols))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


NESTED = table(["<w:tr>" + merge_cell("甲") + merge_cell("乙") + "</w:tr>",
                "<w:tr>" + merge_cell("丙") + merge_cell("丁") + "</w:tr>"], 2)
NUMBERED_CELL = ("<w:tc><w:tcPr/>" + para("第一条", num=(2, 1)) + para("第二条", num=(2, 1)) + "</w:tc>")
TABLE_BODY = "".join([
    para("表前段落"),
    table([
        "<w:tr>" + "".join(merge_cell(t) for t in ("序号", "任务", "责任单位", "完成时限")) + "</w:tr>",
        "<w:tr>" + merge_cell("1", '<w:vMerge w:val="restart"/>') + merge_cell("任务甲")
        + merge_cell("机关党委", '<w:gridSpan w:val="2"/>') + "</w:tr>",
        "<w:tr>" + merge_cell("", "<w:vMerge/>") + merge_cell("任务乙") + merge_cell("组织部")
        + merge_cell("6月30日前") + "</w:tr>",
        "<w:tr>" + merge_cell("二、第二部分", '<w:gridSpan w:val="4"/>') + "</w:tr>",
        "<w:tr>" + merge_cell("2") + NUMBERED_CELL + f"<w:tc><w:tcPr/>{NESTED}<w:p/></w:tc>" + merge_cell("")
        + "</w:tr>",
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + merge_cell("多行|单元格")
        + merge_cell("右侧", '<w:gridSpan w:val="2"/>') + "</w:tr>",
    ], 4),
    para("表后段落"),
])

TEXTBOX = "文本框内容"
DRAWING_BOX = (
    '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>'
    f"<w:txbxContent>{para(TEXTBOX)}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic>"
    "</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
    f"<w:txbxContent>{para(TEXTBOX)}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>")
VML_BOX = f"<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{para('旧式文本框')}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
DELETED = '<w:del w:id="1" w:author="a" w:date="2024-05-14T00:00:00Z"><w:r><w:delText>5月20日</w:delText></w:r></w:del>'
INSERTED = f'<w:ins w:id="2" w:author="a" w:date="2024-05-14T00:00:00Z">{run("6月30日")}</w:ins>'
FIELD = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
         '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run("3") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
SIMPLE_FIELD = f'<w:fldSimple w:instr=" DATE \\@ &quot;yyyy年M月d日&quot; ">{run("2024年5月14日")}</w:fldSimple>'
SECTION = ('<w:sectPr><w:headerReference w:type="default" r:id="rIdheader1"/>'
           '<w:footerReference w:type="default" r:id="rIdfooter1"/></w:sectPr>')

FURNITURE_BODY = "".join([
    para(run("正文开始") + DRAWING_BOX + run("，正文继续。")),
    para(run("请于") + DELETED + INSERTED + run("前报送。")),
    para(run("第") + FIELD + run("页，日期") + SIMPLE_FIELD),
    para(run("机关党委") + "<w:r><w:br/></w:r>" + run("2024年5月14日")),
    para(run("年度考核") + '<w:r><w:br w:type="page"/></w:r>' + run("体系")),
    para(run("可见") + run("隐藏", "<w:vanish/>")),
    para(run("正文") + '<w:r><w:footnoteReference w:id="1"/></w:r>' + '<w:commentRangeStart w:id="0"/>'
         + run("有批注") + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'),
    f'<w:sdt><w:sdtPr><w:alias w:val="控件"/></w:sdtPr><w:sdtContent>{para("内容控件段落")}</w:sdtContent></w:sdt>',
    para(run("旧式") + VML_BOX + run("文本框锚点")),
    ('<w:p><w:pPr><w:rPr><w:del w:id="3" w:author="a" w:date="2024-05-14T00:00:00Z"/></w:rPr></w:pPr>'
     '<w:del w:id="4" w:author="a" w:date="2024-05-14T00:00:00Z"><w:r><w:delText>整段删除</w:delText></w:r></w:del></w:p>'),
])
HEADER = f'<w:hdr {NS}>{para("页眉文字")}</w:hdr>'
FOOTER = f'<w:ftr {NS}>{para("页脚文字")}</w:ftr>'
FOOTNOTES = f'<w:footnotes {NS}><w:footnote w:id="1">{para("脚注内容")}</w:footnote></w:footnotes>'
COMMENTS = f'<w:comments {NS}><w:comment w:id="0" w:author="a">{para("批注内容")}</w:comment></w:comments>'


def package(body: str, parts: dict[str, str]) -> dict[str, str]:
    """The zip entries of a minimal Word document with the given extra parts."""
    overrides = "".join(f'<Override PartName="/word/{name}" ContentType="{CT}{PARTS[name][1]}+xml"/>'
                        for name in parts)
    rels = "".join(f'<Relationship Id="rId{name[:-4]}" Type="{REL}/{PARTS[name][0]}" Target="{name}"/>'
                   for name in parts)
    return {
        "[Content_Types].xml": DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{CT}document.main+xml"/>{overrides}</Types>',
        "_rels/.rels": DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/_rels/document.xml.rels": DECL + '<Relationships '
        f'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        "word/document.xml": DECL + f"<w:document {NS}><w:body>{body}</w:body></w:document>",
        **{f"word/{name}": DECL + xml for name, xml in parts.items()},
    }


def write(path: Path, entries: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 5, 14, 0, 0, 0)), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)


def display(text: str, size: int, extra: str = "") -> str:
    """A centred paragraph in display type, formatted directly (no style), as most notices are."""
    return para(run(text, f'<w:b/>{extra}<w:sz w:val="{size}"/>'), extra='<w:jc w:val="center"/>')


TITLE_BODY = "".join([
    display("中共某某委员会文件", 56, '<w:color w:val="FF0000"/>'),
    para("某委〔2024〕1号", extra='<w:jc w:val="center"/>'),
    display("关于开展2024年度", 44),
    display("党建工作检查的通知", 44),
    para("各党支部："),
    display("附件一", 44),
    display("检查要点", 44),
])

FIXTURES = {
    "numbering.docx": package(NUMBERED_BODY, {"styles.xml": STYLES, "numbering.xml": NUMBERING}),
    "table.docx": package(TABLE_BODY, {"styles.xml": STYLES, "numbering.xml": NUMBERING}),
    "title.docx": package(TITLE_BODY, {"styles.xml": STYLES}),
    "furniture.docx": package(FURNITURE_BODY + SECTION, {"styles.xml": STYLES, "header1.xml": HEADER,
                                                          "footer1.xml": FOOTER, "footnotes.xml": FOOTNOTES,
                                                          "comments.xml": COMMENTS}),
}


def main() -> None:
    for name, entries in FIXTURES.items():
        write(HERE / name, entries)


if __name__ == "__main__":
    main()

"""A synthetic notice as a text dump (UTF-8 or GB18030) or as a saved web page around the article."""
from __future__ import annotations

import html
import random

from corpus_facts import ymd
from corpus_model import Block, Notice, Table


def to_text(notice: Notice, rng: random.Random) -> bytes:
    """Lines as a notice pasted into a text file: blank lines or not, full-width indents or not."""
    indent = rng.choice(["", "", "\u3000\u3000", "    "])
    lines = _front(notice) + _lines(notice.blocks, indent) + _tail(notice) + _lines(notice.appendix, indent)
    if notice.site:
        lines = _web_copy(notice, lines)
    text = ("\n\n" if rng.random() < 0.6 else "\n").join(lines) + "\n"
    if rng.random() < 0.2:
        text = text.replace("\n", "\r\n")
    return text.encode(notice.encoding)


def _web_copy(notice: Notice, lines: list[str]) -> list[str]:
    """The article as copied from the site's page: menus and breadcrumb above, meta line under the title,
    the site's footer (with its own e-mail) below, as the 002 seed dump has them."""
    site = notice.site
    assert site is not None and notice.issued_on is not None
    title_at = lines.index(notice.title)
    meta = f"来源：{site.source} 发布人：{site.publisher} 时间：{notice.issued_on.isoformat()} 浏览："
    head = MENU + [site.column, f"您的位置：首页 > {site.column} > 正文", notice.title, meta]
    side = ["最新通知"] + [f"{t} {d}" for t, d in site.sidebar]
    foot = [f"版权所有 {site.name}", f"E-Mail:{site.email}", f"地址：{site.address}"]
    return head + lines[:title_at] + lines[title_at + 1:] + side + foot


def _lines(blocks: list[Block], indent: str) -> list[str]:
    lines = []
    for block in blocks:
        if block.table:
            lines += ["\t".join(row) for row in [block.table.header, *block.table.rows]]
        else:
            lines.append((indent if block.kind == "p" else "") + block.text)
    return lines


def _front(notice: Notice) -> list[str]:
    lines = []
    if notice.red_header:
        lines.append(f"{notice.issuer}文件")
    if notice.doc_number:
        lines.append(notice.doc_number)
    lines.append(notice.title)
    if notice.addressee:
        lines.append(f"{notice.addressee}：")
    return lines


def _tail(notice: Notice) -> list[str]:
    if not notice.issuer:
        return []
    lines = [notice.issuer, notice.date_text]
    if notice.print_line:
        lines.append(f"{notice.issuer}    {ymd(notice.issued_on)}印发" if notice.issued_on else notice.issuer)
    return lines


# --- HTML ---------------------------------------------------------------------------------------------

HEAD = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}-{site}</title>
<link rel="stylesheet" type="text/css" href="../../css/style.css">
<script type="text/javascript" src="../../js/jquery.min.js"></script>
<style type="text/css">
  body {{ margin: 0; font-family: "Microsoft YaHei", SimSun, sans-serif; color: #333; }}
  .nav li {{ float: left; width: 120px; line-height: 50px; text-align: center; }}
  .sidebar {{ float: left; width: 260px; }} .content {{ float: right; width: 910px; }}
  .footer {{ clear: both; background: #083d7a; color: #c9d6e8; font-size: 13px; text-align: center; }}
</style>
</head>
<body>
<div class="top"><div class="logo"><a href="../../index.htm"><img src="../../images/logo.png" alt="{site}"></a></div>
<div class="toplink"><a href="../../index.htm">网站首页</a>|<a href="../../en/index.htm">English</a></div>
<form action="../../search.jsp" method="post"><input name="showkeycode" placeholder="请输入关键字"><input type="submit" value="搜索"></form></div>
<div class="nav"><ul>{menu}</ul></div>
"""
MENU = ["网站首页", "机构概况", "新闻动态", "通知公告", "规章制度", "办事指南", "下载专区", "联系我们"]
SUBMENU = ["部门简介", "现任领导", "内设机构", "联系方式"]
SHARE = ('<div class="share"><span>分享到：</span><a href="#" class="bds_weixin" title="分享到微信"></a>'
         '<a href="#" class="bds_tsina" title="分享到新浪微博"></a></div>')


def to_html(notice: Notice) -> bytes:
    """One of two site templates around the article: sidebar of other notices with their dates, breadcrumb,
    meta line, share and previous/next links, footer with the site's own e-mail."""
    site = notice.site
    assert site is not None and notice.issued_on is not None
    menu = "".join(f'<li><a href="../../m{i}.htm">{html.escape(m)}</a>'
                   + ("<ul class=\"sub\">" + "".join(f"<li><a href=\"#\">{s}</a></li>" for s in SUBMENU) + "</ul>"
                      if i == 1 else "") + "</li>" for i, m in enumerate(MENU))
    sidebar = "".join(f'<li><a href="../../info/{1000 + i}.htm" title="{html.escape(t)}">{html.escape(t)}</a>'
                      f"<span>{d}</span></li>" for i, (t, d) in enumerate(site.sidebar))
    date = notice.issued_on.isoformat()
    source = site.source
    parts = [HEAD.format(title=html.escape(notice.title), site=html.escape(site.name), menu=menu)]
    side = (f'<div class="sidebar"><div class="lm_title">{site.column}</div><div class="side_news"><h3>最新通知</h3>'
            f"<ul>{sidebar}</ul></div></div>")
    if site.style == 0:
        parts.append(f'<div class="main">{side}<div class="content"><div class="breadcrumb">您的位置：'
                     f'<a href="../../index.htm">首页</a> &gt; <a href="../../tzgg.htm">{site.column}</a> &gt; 正文</div>')
        parts.append(f'<div class="article"><h1>{html.escape(notice.title)}</h1><div class="arti_metas">'
                     f"<span>来源：{html.escape(source or '')}</span>&nbsp;&nbsp;<span>发布时间：{date}</span>"
                     f"&nbsp;&nbsp;<span>浏览：</span></div>")
    else:
        parts.append(f'<div class="main"><div class="content"><div class="location">当前位置：<a href="../../index.htm">'
                     f'首页</a>&gt;&gt;<a href="../../list.htm">{site.column}</a>&gt;&gt;正文</div>')
        parts.append(f'<div class="article"><h2 class="arti_title">{html.escape(notice.title)}</h2>'
                     f'<div class="arti_info">发布日期:&nbsp;{date}&nbsp;&nbsp;浏览次数:&nbsp;<span id="clicks">'
                     f"</span>&nbsp;&nbsp;信息来源:&nbsp;{html.escape(source or '')}</div>")
    parts.append(f'<div class="v_news_content">\n{article(notice)}\n</div>{SHARE}')
    prev_title = site.sidebar[0][0]
    parts.append(f'<div class="pre_next"><div>上一条：<a href="#">{html.escape(prev_title)}</a></div></div>'
                 '<div class="print">【<a href="javascript:window.print()">打印本页</a>】'
                 '【<a href="javascript:window.close()">关闭窗口</a>】</div></div></div>')
    if site.style == 1:
        parts.append(side)
    year = notice.issued_on.year
    parts.append(f'</div><div class="footer"><div>版权所有&nbsp;&copy;&nbsp;{year}&nbsp;{html.escape(site.name)}</div>'
                 f"<div>E-Mail:{site.email}&nbsp;&nbsp;地址：{html.escape(site.address)}</div></div>"
                 '<script type="text/javascript">var _hmt = _hmt || [];</script>\n</body>\n</html>\n')
    return "\n".join(parts).encode("utf-8")


def article(notice: Notice) -> str:
    """The article body: 发文字号, addressee flush left, headings bold, tables ruled, signature at the right."""
    out = []
    para = '<p style="text-indent:2em;line-height:2em;margin:0;">{}</p>'
    if notice.doc_number:
        out.append(f'<p style="text-align:center;">{html.escape(notice.doc_number)}</p>')
    if notice.addressee:
        out.append(f'<p style="margin:0;line-height:2em;">{html.escape(notice.addressee)}：</p>')
    for block in notice.blocks:
        out.append(_table(block.table) if block.table else _block(block, para))
    out.append('<p style="margin:0;">&nbsp;</p>')
    for line in _tail(notice)[:2]:
        out.append(f'<p style="text-align:right;line-height:2em;margin:0;">{html.escape(line)}</p>')
    for block in notice.appendix:
        out.append(_table(block.table) if block.table else _block(block, para))
    return "\n".join(out)


def _block(block: Block, para: str) -> str:
    text = html.escape(block.text, quote=False)
    if block.kind == "title":
        return f'<p style="text-align:center;"><strong>{text}</strong></p>'
    return para.format(f"<strong>{text}</strong>" if block.kind in ("h1", "h2") else text)


def _table(table: Table) -> str:
    rows = ['<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse;width:100%;">',
            "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in table.header) + "</tr>"]
    col = table.merge_col
    for r, row in enumerate(table.rows):
        cells = []
        for c, text in enumerate(row):
            if c == col:
                if r and table.rows[r - 1][c] == text:
                    continue
                span = 1
                while r + span < len(table.rows) and table.rows[r + span][c] == text:
                    span += 1
                cells.append(f'<td rowspan="{span}">{html.escape(text)}</td>')
            else:
                cells.append(f"<td>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    rows.append("</table>")
    return "\n".join(rows)

"""Seed 002 (a notice copied from a college web site) -> the saved page, article inside the site's template."""
from __future__ import annotations

import html
import re
from pathlib import Path

ATTACHMENT_URL = "/__local/4/7B/2E/{key}.{ext}?e=.{ext}"
ATTACHMENT_KEYS = ["9C1F3A5E7B0D24681357ACE0BDF_6A1B2C3D_2F1A8", "D27E4B9A0C13F58E6A72B41C9D0_5E3F7A1B_5C2D9"]
ATTACHMENT_EXTS = ["pdf", "docx"]
PARA_STYLE = "text-indent:2em;line-height:2em;margin:0;"
SPAN_STYLE = "font-family:宋体,SimSun;font-size:16px;"


def _full_width_colon(text: str) -> str:
    return text.replace(":", "：")


def split_seed(seed: Path) -> tuple[str, list[str], list[str]]:
    """002 dump -> (title, meta fields, article lines). The article runs from the line after the
    meta line to the line before the footer's copyright line; the dump's menus are dropped."""
    lines = [line.strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    crumb = next(i for i, line in enumerate(lines) if line.startswith("您的位置"))
    footer = next(i for i, line in enumerate(lines) if line.startswith("版权所有"))
    title, metas = lines[crumb + 1], lines[crumb + 2].split()
    return title, metas, lines[crumb + 3: footer]


def _paragraph(text: str, style: str = PARA_STYLE, bold: bool = False) -> str:
    inner = html.escape(text, quote=False)
    if bold:
        inner = f"<strong>{inner}</strong>"
    return f'<p style="{style}"><span style="{SPAN_STYLE}">{inner}</span></p>'


def _attachment(index: int, text: str) -> str:
    ext = ATTACHMENT_EXTS[index % len(ATTACHMENT_EXTS)]
    url = ATTACHMENT_URL.format(key=ATTACHMENT_KEYS[index % len(ATTACHMENT_KEYS)], ext=ext)
    name = html.escape(f"{text}.{ext}")
    link = (f'<a href="{url}" sudyfile-attr="{{\'title\':\'{name}\'}}" style="color:#0066cc;">'
            f'<span style="{SPAN_STYLE}">{html.escape(text, quote=False)}</span></a>')
    return f'<p style="{PARA_STYLE}">{link}</p>'


def article_html(lines: list[str], heading: re.Pattern[str]) -> str:
    """The VSB-style article body: addressee flush left, 一、 headings bold, 附件 as file links,
    signature and date right-aligned."""
    body, signature = lines[:-2], lines[-2:]
    attach_at = next((i for i, line in enumerate(body) if line.rstrip(":：") == "附件"), len(body))
    parts = [_paragraph(body[0], style="margin:0;line-height:2em;")]
    for line in body[1:attach_at]:
        parts.append(_paragraph(line, bold=bool(heading.match(line))))
    if attach_at < len(body):
        parts.append(_paragraph(body[attach_at]))
        parts.extend(_attachment(i, line) for i, line in enumerate(body[attach_at + 1:]))
    parts.append('<p style="margin:0;line-height:2em;">&nbsp;</p>')
    parts.extend(_paragraph(line, style="text-align:right;line-height:2em;margin:0;") for line in signature)
    return "\n".join(parts)


def build_page(seed: Path, template: Path, out: Path, heading: re.Pattern[str]) -> None:
    """Write out (.html, UTF-8): the site's page template with the seed's title, metas and article."""
    title, metas, lines = split_seed(seed)
    spans = "&nbsp;&nbsp;".join(f"<span>{html.escape(_full_width_colon(meta))}</span>" for meta in metas)
    page = template.read_text(encoding="utf-8")
    page = page.replace("<!--@title@-->", html.escape(title, quote=False))
    page = page.replace("<!--@metas@-->", spans)
    page = page.replace("<!--@article@-->", article_html(lines, heading))
    out.write_text(page, encoding="utf-8", newline="\n")

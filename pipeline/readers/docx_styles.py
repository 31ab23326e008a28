"""Word paragraph styles: heading levels, numbering inherited from styles, the look of a title line."""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Heading styles by name: "heading 2", "Heading2", and the Chinese Word name (written as escapes).
HEADING_NAME = re.compile(r"^(?:heading|\u6807\u9898)\s*([1-9])$", re.IGNORECASE)
TITLE_NAMES = frozenset({"title", "\u6807\u9898"})
BODY_OUTLINE = 9  # w:outlineLvl 9 is body text
DISPLAY_SIZE = 32  # half-points: 16 pt (san hao) and up is display type, not body text
OFF = frozenset({"0", "false", "off"})
MAX_CHAIN = 20


@dataclass(frozen=True, slots=True)
class Style:
    name: str = ""
    based_on: str = ""
    outline: int | None = None
    num_id: str | None = None
    ilvl: int | None = None
    centered: bool | None = None
    size: int | None = None  # half-points


def val(node: etree._Element | None) -> str | None:
    return None if node is None else node.get(f"{W}val")


def parse_styles(root: etree._Element | None) -> dict[str, Style]:
    """Paragraph styles of styles.xml by style id."""
    out: dict[str, Style] = {}
    if root is None:
        return out
    for node in root.iter(f"{W}style"):
        if node.get(f"{W}type", "paragraph") != "paragraph":
            continue
        ppr = node.find(f"{W}pPr")
        num_id, ilvl = num_pr(ppr)
        jc = val(ppr.find(f"{W}jc")) if ppr is not None else None
        out[node.get(f"{W}styleId", "")] = Style(
            name=val(node.find(f"{W}name")) or "", based_on=val(node.find(f"{W}basedOn")) or "",
            outline=outline_level(ppr), num_id=num_id, ilvl=ilvl,
            centered=None if jc is None else jc == "center", size=_half_points(node.find(f"{W}rPr/{W}sz")))
    return out


def outline_level(ppr: etree._Element | None) -> int | None:
    value = val(ppr.find(f"{W}outlineLvl")) if ppr is not None else None
    return int(value) if value is not None and value.isdigit() else None


def num_pr(ppr: etree._Element | None) -> tuple[str | None, int | None]:
    """The (numId, ilvl) a paragraph or style properties give, each None when not given."""
    node = ppr.find(f"{W}numPr") if ppr is not None else None
    if node is None:
        return None, None
    ilvl = val(node.find(f"{W}ilvl"))
    return val(node.find(f"{W}numId")), int(ilvl) if ilvl is not None and ilvl.isdigit() else None


def _half_points(node: etree._Element | None) -> int | None:
    value = val(node)
    return int(value) if value is not None and value.isdigit() else None


def style_id(p: etree._Element) -> str:
    return val(p.find(f"{W}pPr/{W}pStyle")) or ""


def style_chain(sid: str, styles: dict[str, Style]) -> list[Style]:
    """The style and the styles it is based on, nearest first."""
    chain: list[Style] = []
    while sid in styles and len(chain) < MAX_CHAIN:
        style = styles[sid]
        chain.append(style)
        sid = style.based_on
    return chain


def heading_level(p: etree._Element, sid: str, styles: dict[str, Style]) -> int:
    """1-based heading level from the paragraph's outline level or its (base) style; 0 for body text."""
    outline = outline_level(p.find(f"{W}pPr"))
    if outline is not None:
        return outline + 1 if outline < BODY_OUTLINE else 0
    for style in style_chain(sid, styles):
        name = style.name.strip()
        if name.lower() in TITLE_NAMES:
            return 1
        m = HEADING_NAME.match(name)
        if m:
            return int(m.group(1))
        if style.outline is not None:
            return style.outline + 1 if style.outline < BODY_OUTLINE else 0
    return 0


def title_key(p: etree._Element, sid: str, styles: dict[str, Style]) -> tuple[str, ...] | None:
    """How a title line is set: the Title style, or centred display type (size, colour, bold).
    Lines of one title share it; None for body text."""
    chain = style_chain(sid, styles)
    if any(s.name.strip().lower() in TITLE_NAMES for s in chain):
        return ("title",)
    jc = val(p.find(f"{W}pPr/{W}jc"))
    centered = jc == "center" if jc is not None else next((s.centered for s in chain if s.centered is not None), False)
    runs = [r for r in p.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
    if not centered or not runs:
        return None
    style_size = next((s.size for s in chain if s.size is not None), None)
    size = max((_half_points(r.find(f"{W}rPr/{W}sz")) or style_size or 0) for r in runs)
    if size < DISPLAY_SIZE:
        return None
    first = runs[0].find(f"{W}rPr")
    color = val(first.find(f"{W}color")) if first is not None else None
    bold = first is not None and first.find(f"{W}b") is not None and val(first.find(f"{W}b")) not in OFF
    return ("display", str(size), color or "auto", str(bold))

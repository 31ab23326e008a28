"""Read saved web pages into blocks: the article only (title, meta line, paragraphs, tables), attachments listed.

The article is found by structure, not by words: menus, breadcrumbs, sidebars, share bars and
footers are dropped by tag, class/id and link density; the container with the most (Chinese)
paragraph text is the body; the title is the heading that stands before it.
Cost: lxml parsing plus a few passes over the tree; 1-5 ms for a 10-20 KB page, 12 ms for 100 KB.
"""
from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from lxml.html import HtmlElement as Element

from ..errors import UnreadableFile
from ..model import BlockKind, Format, RawBlock, RawDocument
from .html_blocks import (
    BLOCK_TAGS,
    HEADINGS,
    WHITESPACE,
    Piece,
    is_attachment_link,
    is_layout_table,
    is_navigation_link,
    is_styled,
    linearize,
    style_key,
)
from .html_page import parse_page

log = logging.getLogger(__name__)

DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "frame", "object", "embed", "svg", "canvas",
                "input", "select", "button", "textarea", "option", "map", "audio", "video", "head")
HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
BOILERPLATE_TAGS = frozenset({"nav", "aside", "footer", "header", "menu"})
# Class/id words of page furniture: whole words, and parts that also count inside a word (leftnav).
BOILERPLATE_WORDS = frozenset({"side", "foot", "header", "links", "link", "position", "location", "path",
                               "pager", "pagination", "prev", "next", "related", "tools", "toolbar", "qrcode",
                               "friendlink", "login", "search", "weizhi", "dqwz", "ad", "ads"})
BOILERPLATE_PARTS = ("nav", "menu", "breadcrumb", "crumb", "sidebar", "footer", "copyright", "banner", "share",
                     "linklist", "link-list", "friendlink")
BOILERPLATE_NAMES = frozenset({"top", "bottom", "head", "foot"})  # only as a whole class or id (not border-bottom)
CLASS_WORDS = re.compile(r"[^a-z0-9]+")
LINK_LIST_LINKS = 3
LINK_LIST_SHARE = 0.6
LINK_BLOCK_SHARE = 0.8  # a paragraph this much made of links is navigation
MAIN_SHARE = 0.5  # an element with this share of the page's text is never furniture
CJK = re.compile(r"[\u3400-\u9fff]")
OTHER_WEIGHT = 0.3
SELF, PARENT, GRANDPARENT = 1.0, 0.9, 0.5
TITLE_MIN, TITLE_MAX, TITLE_LINE_MAX = 5, 120, 60
SITE_SEPARATORS = (" - ", " | ", "_", "|", "-", "\u2014", "\uff0d")
LONG_PARAGRAPH = 40
META_FIELD = re.compile(r"[^\s:\uff1a]{1,8}\s*[:\uff1a]")
META_DATE = re.compile(r"[:\uff1a]\s*\d{4}\s*[-/.\u5e74]\s*\d{1,2}\s*[-/.\u6708]\s*\d{1,2}")  # a field's date
SENTENCE_MARKS = re.compile(r"[\u3002\uff0c\uff1b,;]")
META_MAX, META_WINDOW = 160, 4
TERMINAL = re.compile(r"[\u3002\uff1b;!\uff01?\uff1f]$")


@dataclass(frozen=True, slots=True)
class _Article:
    region: Element
    skip: set[Element]
    title: Element | None
    page_title: str


def read_html(path: Path, source: str) -> RawDocument:
    """A saved web page's article as blocks; the notice's attachments as listed in it."""
    data = path.read_bytes()
    root = parse_page(data, source)
    article = _find_article(root)
    blocks = _blocks(linearize(article.region, article.skip, article.title), article)
    if not blocks:
        raise UnreadableFile(f"{source}: the page holds no text", "check that the page was saved with its content")
    return RawDocument(source=source, path=path, format=Format.html, blocks=tuple(blocks), pages=None,
                       sha256=hashlib.sha256(data).hexdigest(), attachments=_attachments(article))


# --- finding the article -----------------------------------------------------------------------

def _find_article(root: Element) -> _Article:
    """The part of the page that holds the notice: from its title to the end of its body text."""
    page_title = WHITESPACE.sub(" ", root.findtext(".//title") or "").strip()
    _drop_junk(root)
    body = root.find("body")
    body = body if body is not None else root
    stats = _stats(body)
    skip = _furniture(body, stats)
    container = _container(body, skip)
    title = _title_element(body, container, skip, page_title)
    region = _common_ancestor(title, container) if title is not None else container
    keep = {container, *container.iterancestors()}
    if title is not None:
        keep |= {title, *title.iterancestors()}
    return _Article(region=region, skip=skip - keep, title=title, page_title=page_title)


def _drop_junk(root: Element) -> None:
    """Scripts, styles, forms' controls and hidden elements are never text of the page."""
    for el in list(root.iter(*DROPPED_TAGS)):
        el.drop_tree()
    for el in [e for e in root.iter() if isinstance(e.tag, str)]:
        if HIDDEN.search(el.get("style", "")) or el.get("hidden") is not None:
            el.drop_tree()


def _weight(text: str) -> float:
    """How much text a string holds: Chinese characters count 1, other visible characters less."""
    cjk = len(CJK.findall(text))
    return cjk + OTHER_WEIGHT * (len("".join(text.split())) - cjk)


@dataclass
class _Stat:
    text: float = 0.0  # weight of the text outside navigation links
    chars: int = 0
    link_chars: int = 0
    links: int = 0


def _stats(body: Element) -> dict[Element, _Stat]:
    """Text and link counts of every element, children summed into parents."""
    stats: dict[Element, _Stat] = {}
    for el in reversed(list(body.iter())):  # descendants before their ancestors
        if not isinstance(el.tag, str):
            continue
        own = (el.text or "") + "".join(c.tail or "" for c in el)
        s = _Stat(text=_weight(own), chars=len("".join(own.split())))
        for child in el:
            c = stats.get(child)
            if c is not None:
                s.text, s.chars, s.link_chars, s.links = (s.text + c.text, s.chars + c.chars,
                                                          s.link_chars + c.link_chars, s.links + c.links)
        if el.tag == "a" and is_navigation_link(el):
            s.text, s.link_chars, s.links = 0.0, s.chars, s.links + 1
        stats[el] = s
    return stats


def _furniture(body: Element, stats: dict[Element, _Stat]) -> set[Element]:
    """Elements that are page furniture: by tag, by class or id, or lists of links."""
    total = stats[body].text or 1.0
    skip: set[Element] = set()
    for el in body.iter():
        if not isinstance(el.tag, str) or el is body:
            continue
        s = stats[el]
        if s.text >= MAIN_SHARE * total:
            continue
        link_list = s.links >= LINK_LIST_LINKS and s.link_chars >= LINK_LIST_SHARE * max(1, s.chars)
        named = el.tag in BOILERPLATE_TAGS or _furniture_name(el)
        if link_list or (named and not _holds_title(el, s)):
            skip.add(el)
    return skip


def _furniture_name(el: Element) -> bool:
    names = f"{el.get('class', '')} {el.get('id', '')}".lower()
    words = [w for w in CLASS_WORDS.split(names) if w]
    whole = {el.get("class", "").strip().lower(), el.get("id", "").strip().lower()}
    return (any(w in BOILERPLATE_WORDS for w in words) or any(p in names for p in BOILERPLATE_PARTS)
            or bool(whole & BOILERPLATE_NAMES))


def _holds_title(el: Element, s: _Stat) -> bool:
    """A header that carries the article's own h1 or h2 (not a logo link) is part of the article."""
    if s.link_chars >= 0.5 * max(1, s.chars):
        return False
    for heading in el.iter("h1", "h2"):
        text = "".join(heading.text_content().split())
        linked = "".join("".join(a.text_content().split()) for a in heading.iter("a"))
        if len(text) >= TITLE_MIN and len(linked) <= len(text) / 2 and not any(
                a.tag == "a" for a in heading.iterancestors()):
            return True
    return False


def _container(body: Element, skip: set[Element]) -> Element:
    """The block whose paragraphs (and their parent's) hold the most text outside links."""
    owner: dict[Element, Element] = {body: body}
    own: dict[Element, float] = defaultdict(float)
    skipped: set[Element] = set()
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        parent = el.getparent()
        if el is not body and parent is not None:
            if parent in skipped or el in skip:
                skipped.add(el)
            owner[el] = el if el.tag in BLOCK_TAGS or el.tag in HEADINGS else owner.get(parent, body)
        if el in skipped:
            continue
        in_link = any(a.tag == "a" and is_navigation_link(a) for a in _inline_chain(el, owner))
        if el.text and not in_link:
            own[owner[el]] += _weight(el.text)
        for child in el:
            if child.tail and not in_link:
                own[owner[el]] += _weight(child.tail)
    scores: dict[Element, float] = defaultdict(float)
    for block, w in own.items():
        scores[block] += SELF * w
        parent_block = _block_parent(block, owner, body)
        scores[parent_block] += PARENT * w
        scores[_block_parent(parent_block, owner, body)] += GRANDPARENT * w
    best = max(scores, key=lambda e: scores[e], default=body)
    for table in best.iterancestors("table"):
        if not is_layout_table(table):  # the body of a page is never one cell of a data table
            parent = table.getparent()
            best = parent if parent is not None else body
    return best


def _inline_chain(el: Element, owner: dict[Element, Element]) -> list[Element]:
    """The element and its ancestors up to the block it belongs to."""
    chain = [el]
    stop = owner.get(el)
    for a in el.iterancestors():
        if a is stop or chain[-1] is stop:
            break
        chain.append(a)
    return chain


def _block_parent(block: Element, owner: dict[Element, Element], body: Element) -> Element:
    parent = block.getparent()
    return body if block is body or parent is None else owner.get(parent, body)


def is_meta_line(text: str) -> bool:
    """The line under a web article's title: several 'label: value' fields, one of them a date."""
    return (len(text) <= META_MAX and len(META_FIELD.findall(text)) >= 2 and META_DATE.search(text) is not None
            and not SENTENCE_MARKS.search(text))


def _title_element(body: Element, container: Element, skip: set[Element], page_title: str) -> Element | None:
    """The heading that names the article, before the body's first long paragraph."""
    candidates = []
    for el in body.iter():
        if not isinstance(el.tag, str) or el in skip or any(a in skip for a in el.iterancestors()):
            continue
        text = WHITESPACE.sub(" ", el.text_content()).strip()
        if el.tag not in HEADINGS and el.tag in BLOCK_TAGS and _is_long(el, text, container):
            break
        if _title_like(el, text):
            candidates.append((el, text))
    if not candidates:
        return None
    squeezed = "".join(page_title.split())
    in_page_title = [el for el, text in candidates if squeezed and "".join(text.split()) in squeezed]
    tiers = (in_page_title, [el for el, _ in candidates if el.tag == "h1"],
             [el for el, _ in candidates if el.tag == "h2"], [el for el, _ in candidates])
    chosen = next(tier[-1] for tier in tiers if tier)  # the last one: nearest to the body
    return _run_start(chosen, {el for el, _ in candidates})


def _run_start(el: Element, candidates: set[Element]) -> Element:
    """The first line of a title set over several centred paragraphs of the same style."""
    key = style_key(el)
    previous = el.getprevious()
    while (el.tag not in HEADINGS and previous is not None and previous in candidates
           and previous.tag == el.tag and style_key(previous) == key):
        el, previous = previous, previous.getprevious()
    return el


def _is_long(el: Element, text: str, container: Element) -> bool:
    """The first paragraph of the body proper: long, not a link list, not the meta line."""
    if len(text) < LONG_PARAGRAPH or is_meta_line(text):
        return False
    if not (el is container or container in el.iterancestors()):
        return False
    return not any(c.tag in BLOCK_TAGS for c in el) or el.tag == "p"


def _title_like(el: Element, text: str) -> bool:
    if not TITLE_MIN <= len(text) <= TITLE_MAX or is_meta_line(text) or TERMINAL.search(text):
        return False
    if any(a.tag == "a" for a in el.iterancestors()):
        return False
    if len("".join(a.text_content() for a in el.iter("a") if a.get("href"))) > len(text) / 2:
        return False
    if el.tag in HEADINGS:
        return True
    return el.tag in ("p", "div", "td", "span", "strong", "center") and is_styled(el) and not any(
        c.tag in BLOCK_TAGS and c.tag != "br" for c in el)


def _common_ancestor(a: Element, b: Element) -> Element:
    chain = {a, *a.iterancestors()}
    if b in chain:
        return b
    for el in b.iterancestors():
        if el in chain:
            return el
    return b


# --- blocks ----------------------------------------------------------------------------------

def _blocks(pieces: list[Piece], article: _Article) -> list[RawBlock]:
    """Title as a heading of level 1, the meta line flagged, link-made paragraphs flagged."""
    out: list[RawBlock] = []
    # Before the title stand breadcrumbs and column names; a meta line placed there is kept.
    early = [p for p in pieces if p.before and p.block.kind is not BlockKind.table and is_meta_line(p.block.text)]
    rest = [p for p in pieces if not p.before]
    if article.title is not None and rest:
        taken = _title_run(rest)
        out.append(RawBlock(BlockKind.heading, "".join(p.block.text.replace("\n", "") for p in rest[:taken]), level=1))
        rest = early[-1:] + rest[taken:]
    elif article.page_title:
        out.append(RawBlock(BlockKind.heading, _without_site_name(article.page_title), level=1))
    for i, piece in enumerate(rest):
        block = piece.block
        if block.kind is not BlockKind.table and i < META_WINDOW and is_meta_line(block.text):
            block = RawBlock(BlockKind.paragraph, block.text, boilerplate=True)
        elif block.kind is not BlockKind.table and piece.link_share >= LINK_BLOCK_SHARE:
            block = RawBlock(block.kind, block.text, level=block.level, boilerplate=True)
        out.append(block)
    return out


def _without_site_name(title: str) -> str:
    """A page title without the site name browsers show after it ("notice title - site")."""
    head, sep, tail = title.rpartition(next((s for s in SITE_SEPARATORS if s in title), "\0"))
    keep = sep and len(head.strip()) >= TITLE_MIN and not any(ch.isdigit() for ch in tail)
    return head.strip() if keep else title


def _title_run(pieces: list[Piece]) -> int:
    """How many leading pieces make the title: a title set over several centred lines is one title."""
    first = pieces[0]
    if first.heading or not first.styled:
        return 1
    key = style_key(first.owner)
    n = 1
    while (n < len(pieces) and pieces[n].styled and not pieces[n].heading and style_key(pieces[n].owner) == key
           and len(pieces[n].block.text) <= TITLE_LINE_MAX and pieces[n].block.kind is BlockKind.paragraph):
        n += 1
    return n


def _attachments(article: _Article) -> tuple[str, ...]:
    """Visible names of the files the article links to, in order, once each."""
    names: list[str] = []
    for a in article.region.iter("a"):
        if any(x in article.skip for x in (a, *a.iterancestors())) or not is_attachment_link(a):
            continue
        name = WHITESPACE.sub(" ", a.text_content()).strip() or a.get("href", "").rsplit("/", 1)[-1]
        if name and name not in names:
            names.append(name)
    return tuple(names)

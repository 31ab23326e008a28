"""Bytes of a saved web page to an HTML tree: the encoding found (never Latin-1), parsed safely."""
from __future__ import annotations

import codecs
import logging
import re

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement as Element

from ..errors import UnreadableFile

log = logging.getLogger(__name__)

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
SNIFF_BYTES = 4096
CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
GB_CHARSETS = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn"})
IGNORED_CHARSETS = frozenset({"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii"})
TRIED = "UTF-8, the declared charset, GB18030 (covers GBK and GB2312)"
BAD_BYTE_SHARE = 0.001  # a page with a few broken bytes is still read; more means a wrong encoding
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_html(data: bytes, source: str) -> str:
    """Bytes to text: a BOM, strict UTF-8, the <meta> charset, strict GB18030; never Latin-1."""
    if not data.strip():
        raise UnreadableFile(f"{source}: the file is empty", "check that the page was saved completely")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    for encoding in _encodings(data[:SNIFF_BYTES]):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = min(("utf-8", "gb18030"), key=lambda e: data.decode(e, errors="replace").count("\ufffd"))
    text = data.decode(best, errors="replace")
    if text.count("\ufffd") <= max(2, BAD_BYTE_SHARE * len(text)):
        log.warning("%s: a few bytes are not %s; they are shown as \ufffd", source, best)
        return text
    raise UnreadableFile(f"{source}: the page is in none of the encodings tried ({TRIED})",
                         "open the page in a browser and save it again as UTF-8")


def _encodings(head: bytes) -> list[str]:
    """Strict UTF-8 first: GBK text is never valid UTF-8, while UTF-8 often decodes as GBK mojibake, and a
    page a browser saved again as UTF-8 keeps its old gb2312 <meta>. Then the declared charset, GB18030."""
    found = CHARSET.search(head)
    declared = found.group(1).decode("ascii", errors="replace").lower() if found else ""
    if declared in GB_CHARSETS or declared in IGNORED_CHARSETS:
        declared = ""
    try:
        declared = codecs.lookup(declared).name if declared else ""
    except LookupError:
        declared = ""
    return list(dict.fromkeys(e for e in ("utf-8", declared, "gb18030") if e))


def parse_page(data: bytes, source: str) -> Element:
    """A saved page's bytes as an HTML tree; UnreadableFile when empty or undecodable."""
    return _parse(decode_html(data, source), source)


def _parse(text: str, source: str) -> Element:
    text = CONTROL.sub("", XML_DECLARATION.sub("", text, count=1))
    # HTML parsing loads no DTD and no external entity; no_network keeps it off the net anyway.
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False,
                                  default_doctype=False)
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableFile(f"{source}: the page has no HTML content ({exc.__class__.__name__})",
                             "check that the file is a saved web page") from None
    return root

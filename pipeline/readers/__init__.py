"""Pick the reader for a file by its content (then its suffix) and read it into a RawDocument."""
from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..errors import UnreadableFile, UnsupportedFormat
from ..model import RawDocument
from .text import read_text

Reader = Callable[[Path, str], RawDocument]


def _lazy(module: str, function: str) -> Reader:
    """A reader imported on first use, so `notices --help` does not load pdfplumber or lxml."""
    def reader(path: Path, source: str) -> RawDocument:
        found: Reader = getattr(importlib.import_module(f"{__name__}.{module}"), function)
        return found(path, source)
    reader.__name__ = function
    return reader


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".pdf": _lazy("pdf", "read_pdf"),
    ".docx": _lazy("docx", "read_docx"),
    ".html": _lazy("html", "read_html"),
    ".htm": _lazy("html", "read_html"),
    ".png": _lazy("image", "read_image"),
    ".jpg": _lazy("image", "read_image"),
    ".jpeg": _lazy("image", "read_image"),
    ".tif": _lazy("image", "read_image"),
    ".tiff": _lazy("image", "read_image"),
    ".doc": _lazy("office", "read_office"),
    ".wps": _lazy("office", "read_office"),
    ".rtf": _lazy("office", "read_office"),
    ".odt": _lazy("office", "read_office"),
    ".xlsx": _lazy("sheet", "read_sheet"),
    ".xls": _lazy("sheet", "read_sheet"),
    ".csv": _lazy("sheet", "read_sheet"),
}

# First bytes of formats, so a file is read as what it is whatever its name says.
MAGIC = ((b"%PDF", ".pdf"), (b"{\\rtf", ".rtf"), (b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"),
         (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"), (b"GIF8", ".gif"))
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .wps alike
OLE2_KINDS = (".doc", ".xls", ".wps")
OLE2_AS = {".xlsx": ".xls", ".docx": ".doc"}  # an encrypted Office file is an OLE2 container
HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<table")
SNIFF_BYTES = 4096


def read(path: Path, source: str) -> RawDocument:
    """Read one file; raise UnsupportedFormat or UnreadableFile with what to do."""
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{source}: cannot open the file: {exc.strerror}",
                             "check that the file exists and can be read") from exc
    suffix = sniff(path, head) or path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise UnsupportedFormat(f"{source}: {suffix or 'a file without a suffix'} is not a supported format",
                                f"convert it to one of {', '.join(sorted(READERS))}")
    return reader(path, source)


def sniff(path: Path, head: bytes) -> str | None:
    """The suffix a file's content says it is, or None when the content says nothing."""
    for magic, suffix in MAGIC:
        if head.startswith(magic):
            return suffix
    if head.startswith(OLE2):
        suffix = path.suffix.lower()
        return suffix if suffix in OLE2_KINDS else OLE2_AS.get(suffix, ".doc")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(text.startswith(mark) for mark in HTML_MARKS):
        return ".html"
    return None


def _zip_kind(path: Path) -> str:
    """A zip is a Word document when it holds word/document.xml; otherwise a plain archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return ".zip"
    if "word/document.xml" in names:
        return ".docx"
    if "xl/workbook.xml" in names:
        return ".xlsx"
    if "content.xml" in names:
        return ".odt"
    return ".zip"


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in READERS

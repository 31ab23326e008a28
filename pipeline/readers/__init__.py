"""Pick the reader for a file by its content (then its suffix) and read it into a RawDocument."""
from __future__ import annotations

import errno
import importlib
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ..errors import UnreadableFile, UnsupportedFormat
from ..limits import Limits
from ..model import RawDocument
from .guard import check_limits
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
    # Text by nature, though not notices as such: a database dump or an export of rows. Read as text, they
    # are told apart from notices by what they hold (doc_type 其他, no requirements), not refused.
    ".sql": read_text,
    ".json": read_text,
}

SHEETS = (".xlsx", ".xls", ".csv")

# First bytes of formats, so a file is read as what it is whatever its name says.
MAGIC = ((b"%PDF", ".pdf"), (b"{\\rtf", ".rtf"), (b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"),
         (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"), (b"GIF8", ".gif"))
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls and .wps alike
OLE2_KINDS = (".doc", ".xls", ".wps")
OLE2_AS = {".xlsx": ".xls", ".docx": ".doc"}  # an encrypted Office file is an OLE2 container
HTML_MARKS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<table")
SNIFF_BYTES = 4096
# Why a file listed in the inbox cannot be opened, by errno: what is wrong, what to do.
OPEN_ERRORS = {
    errno.ENOENT: ("the file disappeared from the inbox (removed or moved during the run, or a link to nothing)",
                   "nothing to do if it was removed on purpose; otherwise put it back and run again"),
    errno.ELOOP: ("the file is a symbolic link that loops back on itself",
                  "replace the link with the file it should point to"),
    errno.EACCES: ("no permission to read the file", "let the user who runs notices read it (chmod a+r)"),
}


def read(path: Path, source: str, limits: Limits | None = None) -> RawDocument:
    """Read one file; raise UnsupportedFormat or UnreadableFile with what to do, OverLimit when the file
    is over one of `limits` (none checked when None)."""
    _inside_inbox(path, source)
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # opening a pipe waits forever, a device never ends
            raise UnreadableFile(f"{source}: not a regular file (a pipe, socket or device)",
                                 "remove it from the inbox; only files are read")
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
            size = os.fstat(f.fileno()).st_size
    except OSError as exc:
        what, hint = OPEN_ERRORS.get(exc.errno or 0, (f"cannot open the file: {exc.strerror}",
                                                      "check that the file exists and can be read"))
        raise UnreadableFile(f"{source}: {what}", hint) from exc
    named = path.suffix.lower()
    suffix = sniff(path, head) or named
    reader = READERS.get(suffix)
    if reader is None:
        renamed = f" (the content is {suffix}, though the name ends in {named or 'no suffix'})" if suffix != named else ""
        raise UnsupportedFormat(f"{source}: {suffix or 'a file without a suffix'} is not a supported format{renamed}",
                                f"convert it to one of {', '.join(sorted(READERS))}")
    if limits is not None:
        check_limits(path, source, suffix, size, limits)
        if suffix in SHEETS:  # the one reader whose limits count its own units, rows and columns
            from .sheet import read_sheet
            return read_sheet(path, source, limits)
    return reader(path, source)


def _inside_inbox(path: Path, source: str) -> None:
    """A symbolic link in the inbox that leads out of it is not followed: anyone who can drop a file could
    otherwise put any file the run can read (a password file, another office's papers) into the outputs.
    The inbox is `path` without as many parts as `source`, the path relative to it (the same parts,
    decoded for people where the file system holds other bytes)."""
    depth = len(PurePosixPath(source).parts)
    if not 0 < depth <= len(path.parts):
        return
    inbox = path.parents[depth - 1] if depth <= len(path.parents) else Path(".")
    try:
        target, root = path.resolve(), inbox.resolve()
    except (OSError, RuntimeError):  # a loop: opening the file says so
        return
    if target != root and root not in target.parents:
        raise UnreadableFile(f"{source}: a symbolic link to a file outside the inbox, which is not followed",
                             "copy the file itself into the inbox")


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


def _zip_kind(path: Path) -> str | None:
    """A zip is a Word document when it holds word/document.xml; otherwise a plain archive. A damaged zip
    says nothing (its name then picks the reader, which says what is wrong)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "word/document.xml" in names:
        return ".docx"
    if "xl/workbook.xml" in names:
        return ".xlsx"
    if "content.xml" in names:
        return ".odt"
    return ".zip"


"""Limits a file is checked against before its reader starts: its size, a PDF's pages, what a zip unpacks to.

Each check is cheap (a stat, the PDF's page tree, the zip's directory); a file that cannot be checked
(damaged) is left to its reader, which says what is wrong with it.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..limits import MB, Limits, over_limit

ZIPPED = (".docx", ".xlsx", ".odt")


def check_limits(path: Path, source: str, suffix: str, size: int, limits: Limits) -> None:
    """Raise OverLimit when the file (read as `suffix`, `size` bytes) is over one of `limits`."""
    if size > limits.max_file_mb * MB:
        raise over_limit("max_file_mb", source, f"the file is {size / MB:.1f} MB, more than {limits.max_file_mb} MB")
    if suffix == ".pdf":
        pages = _pdf_pages(path)
        if pages is not None and pages > limits.max_pages:
            raise over_limit("max_pages", source, f"the PDF has {pages} pages, more than {limits.max_pages}")
    elif suffix in ZIPPED:
        unpacked = _unpacked_bytes(path)
        if unpacked > limits.max_unpacked_mb * MB:
            raise over_limit("max_unpacked_mb", source, f"the {suffix} archive unpacks to {unpacked / MB:.0f} MB, "
                             f"more than {limits.max_unpacked_mb} MB (a zip bomb, or not a notice)")


def _pdf_pages(path: Path) -> int | None:
    """Pages in the PDF's page tree, or None when the file does not open (its reader will say why)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def _unpacked_bytes(path: Path) -> int:
    """The sizes the zip's directory declares (zipfile stops reading a member at its declared size)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0

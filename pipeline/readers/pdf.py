"""Read a PDF with a text layer into blocks: paragraphs in reading order, headings, tables with merged cells
filled.

Cost: pypdfium2 gives every page's characters and ruling lines (a few milliseconds a page); pdfplumber's
table finder (lines strategy) runs on our own ruling lines, and only on pages that have some, so pdfminer
never parses a page. Running headers, footers and page numbers are dropped; each block keeps its page.
A page without a text layer (a scan) or with a broken one (unmapped glyphs) is rendered and read by OCR
(readers/ocr.py, seconds a page) and laid out with the rest.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import MissingTool, UnreadableFile
from ..model import Format, RawDocument
from .ocr import MAX_PIXELS, OCR_DPI, even_pages, load_engine, ocr_draft
from .pdf_layout import arrange
from .pdf_lines import find_lines
from .pdf_pages import PageContent, read_page
from .pdf_running import PageDraft, drop_running_lines
from .pdf_tables import find_tables, has_rulings

log = logging.getLogger(__name__)

DAMAGED_HINT = "the file may be damaged or cut short; ask the sender for a new copy"


def read_pdf(path: Path, source: str) -> RawDocument:
    """A PDF as blocks, pages without a text layer read by OCR. Raises UnreadableFile for an empty, damaged
    or password-protected file and for a scan where OCR finds no text; MissingTool for a scan (no text
    layer on any page) when the OCR engine is not installed."""
    data = read_bytes(path, source)
    pages = _read_pages(data, source)
    drafts = {page.number: _draft(page) for page in pages if page.has_text}
    scanned = [page.number for page in pages if not page.has_text]
    if scanned:
        drafts.update(_ocr_pages(data, source, scanned, scan_only=not drafts))
    if not any(draft.lines or draft.tables for draft in drafts.values()):
        raise UnreadableFile(f"{source}: the PDF has no text layer (a scan) and OCR found no text on it",
                             "check that the scan is legible and upright; ask for a text PDF or Word file")
    blocks = arrange(drop_running_lines([drafts[number] for number in sorted(drafts)]))
    return RawDocument(source=source, path=path, format=Format.pdf, blocks=tuple(blocks), pages=len(pages),
                       sha256=hashlib.sha256(data).hexdigest(), ocr_pages=len(scanned))


def _ocr_pages(data: bytes, source: str, numbers: list[int], scan_only: bool) -> dict[int, PageDraft]:
    """Pages `numbers` (1-based) rendered and read by OCR. Without the OCR engine a scan raises
    MissingTool naming it, and a PDF with some text pages loses the others with a warning."""
    try:
        load_engine()
    except MissingTool as exc:
        if scan_only:
            raise MissingTool(exc.tool, exc.hint,
                              f"{source}: the PDF has no text layer (a scan) and {exc.reason}") from exc
        log.warning("%s: pages without a text layer skipped, as %s: %s", source, exc.reason,
                    ", ".join(map(str, numbers)))
        return {}
    pdf = _open(data, source)
    try:
        drafts = []
        for number in numbers:
            page = pdf[number - 1]
            try:
                width, height = page.get_size()
                dpi = min(OCR_DPI, 72 * (MAX_PIXELS / max(1.0, width * height)) ** 0.5)
                image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            except pdfium.PdfiumError as exc:
                raise UnreadableFile(f"{source}: page {number} of the PDF cannot be rendered for OCR ({exc})",
                                     DAMAGED_HINT) from exc
            finally:
                page.close()
            drafts.append(ocr_draft(image, number, dpi))
            log.debug("%s: page %d read by OCR: %d lines", source, number, len(drafts[-1].lines))
        return {draft.number: draft for draft in even_pages(drafts)}
    finally:
        pdf.close()


def read_bytes(path: Path, source: str) -> bytes:
    """The file's bytes; UnreadableFile when it cannot be opened or holds nothing."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"{source}: cannot open the file: {exc.strerror}",
                             "check that the file exists and can be read") from exc
    if not data.strip():
        raise UnreadableFile(f"{source}: the file is empty", "check that the file was saved completely")
    return data


def _read_pages(data: bytes, source: str) -> list[PageContent]:
    pdf = _open(data, source)
    try:
        if len(pdf) == 0:
            raise UnreadableFile(f"{source}: the PDF has no pages", DAMAGED_HINT)
        pages = []
        for index in range(len(pdf)):
            try:
                pages.append(read_page(pdf, index))
            except pdfium.PdfiumError as exc:
                raise UnreadableFile(f"{source}: page {index + 1} of the PDF cannot be read ({exc})",
                                     DAMAGED_HINT) from exc
        return pages
    finally:
        pdf.close()


def _open(data: bytes, source: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise UnreadableFile(f"{source}: the PDF is encrypted and needs a password",
                                 "ask the sender for an unprotected copy or the password") from exc
        if exc.err_code == pdfium_c.FPDF_ERR_SECURITY:
            raise UnreadableFile(f"{source}: the PDF uses an encryption this build cannot open",
                                 "ask the sender for an unprotected copy") from exc
        raise UnreadableFile(f"{source}: the file is not a readable PDF (damaged, cut short or not a PDF)",
                             DAMAGED_HINT) from exc


def _draft(page: PageContent) -> PageDraft:
    if not has_rulings(page.edges):
        lines = tuple(find_lines(list(page.chars), page.number))
        return PageDraft(page.number, page.height, lines, (), (), ())
    tables, grids, boxed, outside = find_tables(page.edges, page.chars, page.number)
    return PageDraft(page.number, page.height, tuple(find_lines(outside, page.number)), tuple(tables),
                     tuple(grids), tuple(boxed))

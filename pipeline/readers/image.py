"""Read a scanned page or a photo (.png .jpg .tif, every frame of a multi-page TIFF) through OCR into blocks:
paragraphs and headings as the PDF reader lays them out, each block with the frame it starts on.

An image much taller than a page (pages stacked in one picture, a long screenshot) is cut into page-sized
slices at blank rows, as the OCR engine shrinks anything over 2000 pixels; the slices are laid out as pages,
so running headers and page numbers between them are dropped like a PDF's.
"""
from __future__ import annotations

import hashlib
import itertools
import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from ..errors import MissingTool, UnreadableFile
from ..model import Format, RawBlock, RawDocument
from .ocr import OCR_DPI, even_pages, load_engine, ocr_draft
from .pdf import read_bytes
from .pdf_layout import arrange
from .pdf_running import PageDraft, drop_running_lines

log = logging.getLogger(__name__)

PAGE_RATIO = 1.414  # A4 height over width: the slice a tall image is cut into
SLICE_SLACK = 0.4  # of a page's height: how far a cut may move to fall on the widest blank band
FORMATS = {"PNG": Format.png, "JPEG": Format.jpg, "MPO": Format.jpg, "TIFF": Format.tif}  # by Pillow's name
INK = 128  # grey level below which a pixel is ink
SPECK_SHARE = 0.002  # of a row's pixels that may be ink (specks) in a blank row


def read_image(path: Path, source: str) -> RawDocument:
    """An image of a document as blocks. Raises MissingTool without the OCR engine, UnreadableFile for a
    damaged file or one where OCR finds no text."""
    data = read_bytes(path, source)
    fmt = _verify(path, source)
    try:
        load_engine()
    except MissingTool as exc:
        raise MissingTool(exc.tool, exc.hint, f"{source}: an image needs OCR and {exc.reason}") from exc
    drafts, frame_of, frames = _drafts(path, source)
    if not any(draft.lines for draft in drafts):
        raise UnreadableFile(f"{source}: OCR found no text in the image",
                             "check that it shows a legible document, upright, at 150 dpi or more")
    blocks = [_on_frame(block, frame_of) for block in arrange(drop_running_lines(even_pages(drafts)))]
    return RawDocument(source=source, path=path, format=fmt, blocks=tuple(blocks), pages=frames,
                       sha256=hashlib.sha256(data).hexdigest(), ocr_pages=frames)


def _verify(path: Path, source: str) -> Format:
    """Check that the file is an image Pillow can decode, before the OCR engine is loaded; its format."""
    try:
        with Image.open(path) as image:
            image.verify()
            return FORMATS.get(image.format or "", Format.unknown)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise UnreadableFile(f"{source}: the image cannot be read (damaged, cut short or not an image)",
                             "ask the sender for a new copy") from exc


def _drafts(path: Path, source: str) -> tuple[list[PageDraft], dict[int, int], int]:
    """Every slice of every frame OCR'd as a page; the frame (1-based) of each slice; the frame count."""
    drafts: list[PageDraft] = []
    frame_of: dict[int, int] = {}
    frames = 0
    try:
        with Image.open(path) as image:
            for frames, frame in enumerate(ImageSequence.Iterator(image), start=1):
                upright = ImageOps.exif_transpose(frame).convert("RGB")
                dpi = _dpi(frame)
                for piece in _slices(upright):
                    number = len(drafts) + 1
                    frame_of[number] = frames
                    drafts.append(ocr_draft(piece, number, dpi))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise UnreadableFile(f"{source}: the image cannot be read (damaged, cut short or not an image)",
                             "ask the sender for a new copy") from exc
    log.debug("%s: %d frames, %d slices OCR'd", source, frames, len(drafts))
    return drafts, frame_of, frames


def _dpi(frame: Image.Image) -> float:
    dpi = frame.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if value >= 50 else float(OCR_DPI)


def _slices(image: Image.Image) -> list[Image.Image]:
    """The image cut into pieces about a page high, at the widest blank band near each page's end."""
    page = int(PAGE_RATIO * image.width)
    if image.height <= (1 + SLICE_SLACK) * page:
        return [image]
    ink = (np.asarray(image.convert("L")) < INK).sum(axis=1)
    blank = ink <= SPECK_SHARE * image.width
    cuts = [0]
    while image.height - cuts[-1] > (1 + SLICE_SLACK) * page:
        cuts.append(_cut(blank, cuts[-1] + int((1 - SLICE_SLACK) * page), cuts[-1] + int((1 + SLICE_SLACK) * page)))
    cuts.append(image.height)
    return [image.crop((0, top, image.width, bottom)) for top, bottom in itertools.pairwise(cuts)]


def _cut(blank: np.ndarray, low: int, high: int) -> int:
    """The middle of the longest run of blank rows between `low` and `high`, else `high`."""
    best, best_length, start = high, 0, None
    for row in range(low, high + 1):
        if blank[row] and start is None:
            start = row
        elif not blank[row] and start is not None:
            if row - start > best_length:
                best, best_length = (start + row) // 2, row - start
            start = None
    if start is not None and high + 1 - start > best_length:
        best = (start + high + 1) // 2
    return best


def _on_frame(block: RawBlock, frame_of: dict[int, int]) -> RawBlock:
    if block.page is None:
        return block
    rows = tuple(frame_of.get(p, p) if p is not None else None for p in block.row_pages)
    return replace(block, page=frame_of.get(block.page, block.page), row_pages=rows)

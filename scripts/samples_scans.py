"""Text PDFs of 001 and 003 -> scanned renditions: image-only PDFs (every page) and one tall PNG of 003.

Each page is rendered at 200 dpi in grayscale (pypdfium2), turned by 0.3-0.8 degrees, blurred a little and
given photocopy noise (toner specks, rough glyph edges, paper a shade off white), all from a seed derived
from the file name and page number, so a rebuild gives the same pixels. The PDFs hold one JPEG per page and
no text layer; their dates are pinned. The PNG stacks every page of 003 (margins trimmed) into one tall
image, like a long screenshot: a single page could not carry the notice's schedule, deadline, e-mail and
quotas, which sit on pages 4 to 6, nor its date on page 7.
"""
from __future__ import annotations

import io
import time
import zlib
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter

DPI = 200
ANGLE = (0.3, 0.8)  # degrees, either way
BLUR = 0.7  # pixels (Gaussian radius)
GRAIN = 12.0  # standard deviation of the noise, in grey levels
PAPER = 190  # grey level above which a noisy pixel is blank paper again
TONER = 0.85  # how dark the toner prints (1.0 = the rendered black)
SPECKS = 0.0001  # share of pixels hit by a toner speck
JPEG_QUALITY = 40
PNG_COLOURS = 16  # grey levels kept in the PNG (4 bits a pixel)
MARGIN = 40  # pixels of paper kept around the printed part of a page in the PNG
PAGE_GAP = 240  # pixels of paper between two pages in the PNG: wider than any blank inside a page
PINNED = time.gmtime(1767225600)  # 2026-01-01 UTC: the PDF dates, so a rebuild is byte-identical


def build_scans(samples: Path, pdf_seeds: list[str], png_seed: str) -> list[Path]:
    """Write `<seed>.scan.pdf` for each seed and `<png_seed>.scan.png`; returns the files written."""
    written = []
    for seed in pdf_seeds:
        pages = scanned_pages(samples / f"{seed}.pdf", seed)
        out = samples / f"{seed}.scan.pdf"
        out.write_bytes(image_pdf(pages))
        written.append(out)
        if seed == png_seed:
            png = samples / f"{seed}.scan.png"
            png.write_bytes(tall_png(pages))
            written.append(png)
    return written


def scanned_pages(pdf_path: Path, seed: str) -> list[Image.Image]:
    """Every page of a text PDF as a grayscale photocopy."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            page.close()
            pages.append(photocopy(image, zlib.crc32(f"{seed}:{index + 1}".encode())))
        return pages
    finally:
        pdf.close()


def photocopy(image: Image.Image, seed: int) -> Image.Image:
    """The page turned slightly, softened and speckled as a photocopier would."""
    rng = np.random.default_rng(seed)
    angle = float(rng.uniform(*ANGLE)) * (1 if rng.integers(2) else -1)
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    pixels = np.asarray(turned.filter(ImageFilter.GaussianBlur(BLUR)), dtype=np.float64)
    pixels = pixels + rng.normal(0.0, GRAIN, pixels.shape)
    pixels = np.where(pixels > PAPER, 255.0, pixels * TONER)
    count = int(pixels.size * SPECKS)
    pixels[rng.integers(0, pixels.shape[0], count), rng.integers(0, pixels.shape[1], count)] = 70.0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def image_pdf(pages: list[Image.Image]) -> bytes:
    """The pages as a PDF of JPEG images at DPI, without a text layer."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=DPI, quality=JPEG_QUALITY, save_all=True, append_images=pages[1:],
                  creationDate=PINNED, modDate=PINNED, producer="scripts/samples_scans.py")
    return out.getvalue()


def tall_png(pages: list[Image.Image]) -> bytes:
    """The pages one under the other with a gap, each cut to its printed part plus a margin, in 16 grey
    levels."""
    parts = [page.crop(_printed_box(page)) for page in pages]
    width = max(part.width for part in parts)
    tall = Image.new("L", (width, sum(part.height for part in parts) + PAGE_GAP * (len(parts) - 1)), 255)
    top = 0
    for part in parts:
        tall.paste(part, ((width - part.width) // 2, top))
        top += part.height + PAGE_GAP
    palette = Image.new("P", (1, 1))
    levels = [round(k * 255 / (PNG_COLOURS - 1)) for k in range(PNG_COLOURS)]
    palette.putpalette([v for level in levels for v in (level, level, level)])
    out = io.BytesIO()
    tall.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE).save(out, "PNG", optimize=True,
                                                                                  bits=4)
    return out.getvalue()


def _printed_box(page: Image.Image) -> tuple[int, int, int, int]:
    """The box of the page's ink (specks aside) widened by MARGIN, within the page."""
    ink = np.asarray(page) < 128
    rows = np.flatnonzero(ink.sum(axis=1) > 3)
    cols = np.flatnonzero(ink.sum(axis=0) > 3)
    if not len(rows) or not len(cols):
        return (0, 0, page.width, page.height)
    return (max(0, int(cols[0]) - MARGIN), max(0, int(rows[0]) - MARGIN),
            min(page.width, int(cols[-1]) + MARGIN), min(page.height, int(rows[-1]) + MARGIN))


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    for path in build_scans(root / "samples", ["001_66fe4d6b06fc550e", "003_790835e522af9ef0"],
                            "003_790835e522af9ef0"):
        print(f"{path.stat().st_size:>9}  {path.relative_to(root)}")

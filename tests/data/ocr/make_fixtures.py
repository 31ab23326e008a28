"""Build the OCR fixtures of tests/test_readers_ocr.py: a short notice drawn with Pillow in Noto CJK at
200 dpi, as a clean PNG, as a turned and speckled photocopy (PNG), as an image-only PDF page, and a TIFF
with two frames (pages). The images are committed, so the tests need neither the fonts nor this script.

Run from the repository root:  .venv/bin/python tests/data/ocr/make_fixtures.py
Needs fonts-noto-cjk (Debian).
"""
from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = Path("/usr/share/fonts/opentype/noto")
DPI = 200
BODY = 44  # pixels: 16 pt at 200 dpi
TITLE = 62  # pixels: 22 pt
PITCH = 1.75  # line pitch in font sizes
MARGIN = 80
WIDTH = 22 * BODY + 2 * MARGIN
PINNED = time.gmtime(1767225600)  # 2026-01-01: the PDF's dates, so a rebuild is byte-identical

TITLE_TEXT = "关于报送学习计划的通知"
# Paragraphs as printed lines; the first line of each is indented by two characters, but the addressee's.
NOTICE = [
    ["各党支部："],
    ["请于2024年10月17日前将本支部学习计划", "报送党委组织部，电子版发送至", "zzb@example.edu.cn，联系电话0411-84708888。"],
    ["全校每名正式党员每年集中学习时间不少", "于32学时。"],
]
SECOND_PAGE = [["请于2024年12月20日前报送年度工作总结。"]]


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """The Simplified Chinese face of a Noto CJK collection."""
    for index in range(10):
        face = ImageFont.truetype(str(FONTS / name), size, index=index)
        if (face.getname()[0] or "").endswith(" SC"):
            return face
    raise SystemExit(f"no SC face in {name}: apt-get install fonts-noto-cjk")


def page(paragraphs: list[list[str]], title: str = "") -> Image.Image:
    """The paragraphs drawn on white paper in grayscale, the title centred above them."""
    body, heading = font("NotoSerifCJK-Regular.ttc", BODY), font("NotoSansCJK-Bold.ttc", TITLE)
    lines = sum(len(p) for p in paragraphs)
    height = 2 * MARGIN + int(PITCH * BODY * lines) + (int(PITCH * TITLE) if title else 0)
    image = Image.new("L", (WIDTH, height), 255)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    if title:
        draw.text((WIDTH / 2, y), title, font=heading, fill=0, anchor="mt")
        y += int(PITCH * TITLE)
    for paragraph in paragraphs:
        for k, line in enumerate(paragraph):
            indent = 2 * BODY if k == 0 and not paragraph[-1].endswith("\uff1a") else 0
            draw.text((MARGIN + indent, y), line, font=body, fill=0)
            y += int(PITCH * BODY)
    return image


def photocopy(image: Image.Image, angle: float, seed: int) -> Image.Image:
    """Turned by `angle` degrees, softened, with grain and toner specks (as scripts/samples_scans.py)."""
    rng = np.random.default_rng(seed)
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=True)
    pixels = np.asarray(turned.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float64)
    pixels = pixels + rng.normal(0.0, 12.0, pixels.shape)
    pixels = np.where(pixels > 190, 255.0, pixels * 0.85)
    count = int(pixels.size * 0.0002)
    pixels[rng.integers(0, pixels.shape[0], count), rng.integers(0, pixels.shape[1], count)] = 70.0
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="L")


def to_16_greys(image: Image.Image) -> Image.Image:
    palette = Image.new("P", (1, 1))
    palette.putpalette([v for k in range(16) for v in (k * 17,) * 3])
    return image.convert("RGB").quantize(palette=palette, dither=Image.Dither.NONE)


def build(out: Path) -> None:
    notice = page(NOTICE, TITLE_TEXT)
    to_16_greys(notice).save(out / "notice.png", optimize=True, bits=4, dpi=(DPI, DPI))
    to_16_greys(photocopy(notice, 0.7, 7)).save(out / "rotated.png", optimize=True, bits=4, dpi=(DPI, DPI))
    pdf = io.BytesIO()
    photocopy(notice, -0.4, 11).save(pdf, "PDF", resolution=DPI, quality=50, creationDate=PINNED,
                                     modDate=PINNED, producer="tests/data/ocr/make_fixtures.py")
    (out / "scan_page.pdf").write_bytes(pdf.getvalue())
    first, second = page(NOTICE[1:2]), page(SECOND_PAGE)
    first.convert("1", dither=Image.Dither.NONE).save(out / "two_frames.tif", compression="group4", dpi=(DPI, DPI),
                                                      save_all=True, append_images=[second.convert("1")])


if __name__ == "__main__":
    build(HERE)
    for path in sorted(HERE.iterdir()):
        if path.suffix != ".py":
            print(f"{path.stat().st_size:>8}  {path.name}")

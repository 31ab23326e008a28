"""OCR engines on the scanned samples: character accuracy and seconds per page, RapidOCR against Tesseract.

Each page of a `samples/*.scan.pdf` is rendered at the pipeline's OCR resolution and read by
- rapidocr: the pipeline's engine (PP-OCR models inside the rapidocr wheel, onnxruntime), raw text;
- rapidocr+repair: the same lines after the pipeline's slip repairs (year brackets, digit look-alikes);
- tesseract: Debian's `tesseract` with `chi_sim` (tesseract-ocr-chi-sim), page segmentation 3 (auto) and 6
  (one block), when the program is installed.
The reference is the text layer of the same page of the text PDF the scan was rendered from. Accuracy is
1 - Levenshtein distance / reference length over the characters without white space, both sides NFKC-folded
(full-width and half-width punctuation count as the same). Times are the engine alone, one process, the page
already rendered; the first page of each engine is read once before timing (model loading is apart).

    .venv/bin/python bench/ocr.py                # writes bench/ocr.md
    .venv/bin/python bench/ocr.py --pages 3      # the first 3 pages of each scan only
"""
from __future__ import annotations

import argparse
import platform
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.readers.ocr import OCR_DPI, load_engine, repair

SAMPLES = ROOT / "samples"
REPORT = Path(__file__).with_name("ocr.md")


@dataclass
class Tally:
    pages: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    errors: int = 0
    chars: int = 0
    per_file: dict[str, tuple[int, int]] = field(default_factory=dict)  # file -> (errors, chars)

    def add(self, name: str, seconds: float, cpu: float, got: str, want: str) -> None:
        errors = Levenshtein.distance(_fold(got), _fold(want))
        self.pages += 1
        self.seconds += seconds
        self.cpu += cpu
        self.errors += errors
        self.chars += len(_fold(want))
        e, c = self.per_file.get(name, (0, 0))
        self.per_file[name] = (e + errors, c + len(_fold(want)))

    @property
    def accuracy(self) -> float:
        return 1 - self.errors / self.chars if self.chars else 0.0


def _fold(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def _rapid(repaired: bool) -> Callable[[Image.Image], str]:
    engine = load_engine()

    def read(image: Image.Image) -> str:
        lines = [line.text for line in engine.read(image)]
        return "\n".join(repair(text) if repaired else text for text in lines)
    return read


def _tesseract(psm: int) -> Callable[[Image.Image], str]:
    def read(image: Image.Image) -> str:
        path = Path("/tmp") / f"bench-ocr-{psm}.png"
        image.save(path)
        done = subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim", "--psm", str(psm)],
                              capture_output=True, text=True, check=True)
        return done.stdout
    return read


def _cpu() -> float:
    """CPU seconds of this process (all its threads) and of the programs it waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _pages(scan: Path, limit: int | None) -> list[tuple[Image.Image, str]]:
    """(page image at the OCR resolution, reference text) for each page of a scan."""
    text_pdf = scan.with_name(scan.name.replace(".scan.pdf", ".pdf"))
    images, texts = pdfium.PdfDocument(scan), pdfium.PdfDocument(text_pdf)
    out = []
    for number in range(min(len(images), limit or len(images))):
        image = images[number].render(scale=OCR_DPI / 72, grayscale=True).to_pil()
        out.append((image, texts[number].get_textpage().get_text_range()))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, help="at most this many pages per scan")
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    scans = sorted(SAMPLES.glob("*.scan.pdf"))
    pages = {scan.name: _pages(scan, args.pages) for scan in scans}
    engines: dict[str, Callable[[Image.Image], str]] = {"rapidocr": _rapid(False), "rapidocr+repair": _rapid(True)}
    if shutil.which("tesseract"):
        engines |= {"tesseract psm 3": _tesseract(3), "tesseract psm 6": _tesseract(6)}
    tallies: dict[str, Tally] = {}
    for label, read in engines.items():
        read(next(iter(pages.values()))[0][0])  # warm up: models loaded, first-call costs paid
        tally = tallies[label] = Tally()
        for name, items in pages.items():
            for image, want in items:
                start, cpu = time.perf_counter(), _cpu()
                got = read(image)
                tally.add(name, time.perf_counter() - start, _cpu() - cpu, got, want)
        print(f"{label:18s} {tally.pages} pages  {tally.seconds / tally.pages:6.2f} s/page  "
              f"{tally.cpu / tally.pages:6.2f} CPU s/page  "
              f"accuracy {tally.accuracy:.4f}", flush=True)
    args.report.write_text(_report(tallies, scans, args), encoding="utf-8")
    print(f"wrote {args.report.relative_to(ROOT) if args.report.is_relative_to(ROOT) else args.report}")
    return 0


def _report(tallies: dict[str, Tally], scans: list[Path], args: argparse.Namespace) -> str:
    names = [scan.name for scan in scans]
    head = "| engine | pages | s/page | CPU s/page | char accuracy | " + " | ".join(names) + " |"
    rows = [head, "|" + "---|" * (5 + len(names))]
    for label, t in tallies.items():
        cells = [f"{1 - e / c:.4f}" for e, c in (t.per_file[n] for n in names)]
        rows.append(f"| {label} | {t.pages} | {t.seconds / t.pages:.2f} | {t.cpu / t.pages:.2f} | {t.accuracy:.4f} | " + " | ".join(cells) + " |")
    version = _tesseract_version()
    return "\n".join([
        "# OCR engines on the scanned samples", "",
        f"Machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, {version}.",
        f"Command: `.venv/bin/python bench/ocr.py{' --pages ' + str(args.pages) if args.pages else ''}`.", "",
        "Accuracy: 1 - edit distance / reference characters (white space dropped, NFKC), against the text layer",
        ("of the PDF each scan was rendered from; times: the engine alone on a page rendered at "
        f"{OCR_DPI} dpi; wall seconds, and CPU seconds over all threads and child programs (the steadier figure "
        "on a busy machine)."), "",
        *rows, "",
    ])


def _cores() -> int:
    import os
    return len(os.sched_getaffinity(0))


def _tesseract_version() -> str:
    if not shutil.which("tesseract"):
        return "tesseract not installed"
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0]


if __name__ == "__main__":
    sys.exit(main())

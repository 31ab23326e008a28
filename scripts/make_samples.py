"""Rebuild the sample renditions of the seed notices in samples/ (DOCX, PDF, HTML, re-encoded text).

    python scripts/make_samples.py            # everything; needs LibreOffice (soffice) for the PDFs
    python scripts/make_samples.py --no-pdf   # only DOCX, HTML and text variants

The seed dumps samples/<id>.txt are the source; scripts/sample_data/ holds what the dumps lost.
See samples/README.md.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from samples_html import build_page
from samples_notices import build_notice
from samples_office import build_office
from samples_scans import build_scans
from samples_tables import build_indicators, build_progress

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "sample_data"
GOLD = ROOT / "tests" / "data" / "gold" / "seeds.jsonl"
SEED_000, SEED_001, SEED_002 = "000_b1bb4c7589408144", "001_66fe4d6b06fc550e", "002_92432040ea6714fc"
SEED_003, SEED_004 = "003_790835e522af9ef0", "004_ca7c5b3b7ac4bce8"
PDF_FROM_DOCX = [SEED_000, SEED_001, SEED_003, SEED_004]
PDF_DATE = re.compile(rb"/(CreationDate|ModDate)\((D:\d{14})([^)]*)\)")
PDF_ID = re.compile(rb"/ID \[\s*<[0-9A-Fa-f]{32}>\s*<[0-9A-Fa-f]{32}>\s*\]")
PDF_CHECKSUM = re.compile(rb"/DocChecksum /[0-9A-Fa-f]{32}")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_progress_rows(data_path: Path) -> None:
    """Every transcribed 000 cell must occur in the seed dump, and agree with the gold facts."""
    data = yaml.safe_load(data_path.read_text(encoding="utf-8"))
    dump = squash((SAMPLES / f"{SEED_000}.txt").read_text(encoding="utf-8"))
    gold = {f["seq"]: f for f in map(json.loads, GOLD.read_text(encoding="utf-8").splitlines())
            if f["type"] == "progress"}
    problems = []
    for category in data["categories"]:
        if squash(category["name"]) not in dump:
            problems.append(f"category {category['name']} not in the dump")
        for row in category["rows"]:
            problems += _row_problems(row, category["name"], dump, gold.get(row["seq"]))
    if problems:
        raise SystemExit(f"{data_path}:\n  " + "\n  ".join(problems))


def _row_problems(row: dict[str, Any], category: str, dump: str, fact: dict[str, Any] | None) -> list[str]:
    seq = row["seq"]
    found = [f"row {seq}: {key} not in the dump" for key in
             ("item", "description", "lead_org", "partner_orgs", "period", "status")
             if str(row[key]) and squash(str(row[key])) not in dump]
    if fact is None:
        return found + [f"row {seq}: no gold fact"]
    partners = [p for p in re.split("[、,]", row["partner_orgs"]) if p]
    if row["item"] != fact["item"] or category != fact["category"] or partners != fact["partner_orgs"]:
        found.append(f"row {seq}: item, category or partner_orgs differ from the gold fact")
    return found


def write_text_variants() -> None:
    """001 as GB18030 and 003 as UTF-16 LE with BOM (Notepad's "Unicode"): same characters."""
    text_001 = (SAMPLES / f"{SEED_001}.txt").read_text(encoding="utf-8")
    (SAMPLES / f"{SEED_001}.gb18030.txt").write_bytes(text_001.encode("gb18030"))
    text_003 = (SAMPLES / f"{SEED_003}.txt").read_text(encoding="utf-8")
    (SAMPLES / f"{SEED_003}.utf16.txt").write_bytes(b"\xff\xfe" + text_003.encode("utf-16-le"))


def convert_to_pdf(docx_files: list[Path], out_dir: Path) -> None:
    """LibreOffice headless, with a throwaway profile so the user's settings never leak in."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="samples_lo_") as profile, \
            tempfile.TemporaryDirectory(prefix="samples_pdf_") as tmp:
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                   "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, *map(str, docx_files)]
        subprocess.run(command, check=True, capture_output=True, timeout=600)
        for docx in docx_files:
            pdf = Path(tmp) / f"{docx.stem}.pdf"
            if not pdf.exists():
                raise SystemExit(f"LibreOffice did not convert {docx.name}")
            (out_dir / pdf.name).write_bytes(pin_pdf_metadata(pdf.read_bytes(), docx))


def pin_pdf_metadata(pdf: bytes, docx: Path) -> bytes:
    """Replace the conversion time, the random /ID and /DocChecksum by values derived from the
    DOCX, keeping every byte length (the xref offsets stay valid): a rebuild is byte-identical."""
    digest = hashlib.md5(docx.read_bytes()).hexdigest().upper().encode()
    stamp = b"D:" + digest_date(docx)
    pdf = PDF_DATE.sub(lambda m: b"/" + m.group(1) + b"(" + stamp + m.group(3) + b")", pdf)
    pinned = PDF_ID.sub(b"/ID [ <" + digest + b">\n<" + digest + b"> ]", pdf)
    pinned = PDF_CHECKSUM.sub(b"/DocChecksum /" + digest, pinned)
    if len(pinned) != len(pdf):
        raise SystemExit(f"{docx.name}: unexpected PDF trailer layout, cannot pin its metadata")
    return pinned


def digest_date(docx: Path) -> bytes:
    """The DOCX's own modified time (core.xml) as 14 PDF date digits."""
    with zipfile.ZipFile(docx) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    modified = re.search(r"<dcterms:modified[^>]*>([^<]+)<", core)
    digits = re.sub(r"\D", "", modified.group(1) if modified else "")[:14]
    return digits.ljust(14, "0").encode()


def build_all(with_pdf: bool) -> list[Path]:
    """Write every rendition; returns the files written."""
    layout = yaml.safe_load((DATA / "layout.yaml").read_text(encoding="utf-8"))
    check_progress_rows(DATA / "000_rows.yaml")
    for seed, cfg in layout["notices"].items():
        build_notice(SAMPLES / f"{seed}.txt", SAMPLES / f"{seed}.docx", cfg, layout)
    build_progress(DATA / "000_rows.yaml", SAMPLES / f"{SEED_000}.docx", layout["tables"][SEED_000], layout)
    build_indicators(SAMPLES / f"{SEED_004}.txt", SAMPLES / f"{SEED_004}.docx", layout["tables"][SEED_004], layout)
    heading = re.compile(layout["patterns"]["chinese_heading"])
    build_page(SAMPLES / f"{SEED_002}.txt", DATA / "002_page.html", SAMPLES / f"{SEED_002}.html", heading)
    write_text_variants()
    build_office(SAMPLES, DATA, layout, with_soffice=with_pdf)
    if with_pdf:
        convert_to_pdf([SAMPLES / f"{seed}.docx" for seed in PDF_FROM_DOCX], SAMPLES)
    build_scans(SAMPLES, [SEED_001, SEED_003], png_seed=SEED_003)  # from the PDFs: after them
    return sorted(p for p in SAMPLES.iterdir() if p.name.count(".") > 1 or p.suffix != ".txt")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pdf", action="store_true", help="skip the LibreOffice conversion")
    args = parser.parse_args(argv)
    for path in build_all(with_pdf=not args.no_pdf):
        print(f"{path.stat().st_size:>9}  {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A deterministic synthetic corpus of N notices with gold facts, for the throughput benchmark (issue 8).

    .venv/bin/python bench/make_corpus.py OUT_DIR --notices 200 [--seed 1] [--no-pdf]

Writes OUT_DIR/inbox/<doc id>.<ext> (PDF with and without ruled tables, DOCX, HTML, UTF-8/GB18030 text),
OUT_DIR/gold.jsonl (facts in the tests/data/gold/seeds.jsonl format, `doc` = the file's doc id, plus a
`form` key naming the template a fact comes from, which the scorer ignores) and OUT_DIR/manifest.json
(per file: format, genre, layout, pages, tables, facts). The same seed and N give
byte-identical text, HTML, DOCX and gold; PDFs come from LibreOffice (batch conversion, metadata pinned as
for the samples), so they are identical on the same LibreOffice and fonts, and may differ elsewhere.
Score the pipeline with:

    notices run OUT_DIR/inbox -o /tmp/out && notices evaluate /tmp/out OUT_DIR/gold.jsonl
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from corpus_docx import write_docx
from corpus_model import Notice
from corpus_notice import CHARS_PER_PAGE, ROWS_PER_PAGE, build
from corpus_render import to_html, to_text

MIX = (("pdf", 0.45), ("docx", 0.20), ("html", 0.15), ("txt", 0.20))
PAGES = ([1, 2, 3, 4, 5, 10], [26, 28, 18, 12, 10, 6])   # 5: 5-9 pages, 10: 10-30 pages
PDF_BATCH = 60                 # files per soffice call
WORKERS = max(1, min(4, os.cpu_count() or 1))   # soffice calls at a time
LAYOUT = ROOT / "scripts" / "sample_data" / "layout.yaml"


def plan(n: int, seed: int) -> list[tuple[str, str, str, int]]:
    """(format, genre, table kind, planned pages) for each notice, in a seeded order."""
    rng = random.Random(f"plan:{seed}")
    counts = {fmt: round(share * n) for fmt, share in MIX}
    counts["txt"] = n - sum(v for k, v in counts.items() if k != "txt")
    specs = []
    for fmt, count in counts.items():
        for i in range(count):
            table = _table_kind(rng, fmt, i, count)
            genre = {"progress": "progress", "task": "points"}.get(table) or \
                rng.choices(["notice", "plan", "points"], [6, 2.5, 1.5] if fmt != "html" else [9, 1, 0])[0]
            if genre == "points" and table == "schedule":
                genre = "notice"
            specs.append((fmt, genre, table, _pages(rng)))
    rng.shuffle(specs)
    return specs


def _table_kind(rng: random.Random, fmt: str, i: int, count: int) -> str:
    if fmt == "pdf" and i < count // 2:
        return rng.choices(["progress", "schedule", "task"], [35, 35, 30])[0]
    if fmt == "docx" and rng.random() < 0.35:
        return rng.choice(["progress", "schedule", "task"])
    if fmt == "html" and rng.random() < 0.2:
        return "schedule"
    return ""


def _pages(rng: random.Random) -> int:
    pages = rng.choices(*PAGES)[0]
    if pages == 5:
        return rng.randint(5, 9)
    if pages == 10:
        return rng.randint(10, 30)
    return pages


def doc_id(seed: int, index: int) -> str:
    return f"c{index:04d}_{hashlib.sha1(f'{seed}:{index}'.encode()).hexdigest()[:6]}"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def plain_text(notice: Notice) -> str:
    parts = [notice.title, notice.addressee or "", notice.doc_number or ""]
    for block in notice.blocks + notice.appendix:
        parts.append(block.text)
        if block.table:
            parts += ["\t".join(row) for row in [block.table.header, *block.table.rows]]
    return "\n".join(parts)


def check(notice: Notice) -> None:
    """Every keyword of a fact occurs in the notice (a generator bug otherwise)."""
    text = squash(plain_text(notice))
    for fact in notice.facts:
        missing = [k for k in fact.get("keywords", []) if squash(k) not in text]
        if missing:
            raise AssertionError(f"{notice.doc_id}: keywords {missing} of {fact} not in the text")


def generate(out: Path, n: int, seed: int, with_pdf: bool) -> dict[str, Any]:
    """Write the corpus; returns the manifest."""
    inbox = out / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir(parents=True)
    layout = yaml.safe_load(LAYOUT.read_text(encoding="utf-8"))
    notices, files, pending = [], [], []
    build_dir = Path(tempfile.mkdtemp(prefix="corpus_docx_"))
    try:
        for index, (fmt, genre, table, pages) in enumerate(plan(n, seed)):
            ident = doc_id(seed, index)
            fmt = "docx" if fmt == "pdf" and not with_pdf else fmt
            notice = build(random.Random(f"{seed}:{index}"), ident, fmt, genre, table, pages)
            check(notice)
            path = inbox / f"{ident}.{fmt}"
            source = build_dir / f"{ident}.docx" if fmt == "pdf" else path
            _write(notice, source, layout, random.Random(f"{seed}:{index}:render"))
            pending += [source] if fmt == "pdf" else []
            notices.append(notice)
            files.append(path)
        if pending:
            convert(pending, inbox)
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)
    with (out / "gold.jsonl").open("w", encoding="utf-8", newline="\n") as gold:
        for notice in notices:
            for fact in [notice.doc_fact(), *notice.facts]:
                gold.write(json.dumps(fact, ensure_ascii=False) + "\n")
    manifest = _manifest(notices, files, n, seed)
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest


def _write(notice: Notice, path: Path, layout: dict[str, Any], render: random.Random) -> None:
    """The notice in its format (a PDF's DOCX source for a PDF); `render` picks layout details."""
    if notice.fmt == "txt":
        path.write_bytes(to_text(notice, render))
    elif notice.fmt == "html":
        path.write_bytes(to_html(notice))
    else:
        write_docx(notice, path, layout, render)


def convert(docx_files: list[Path], out_dir: Path) -> None:
    """LibreOffice in batches (one soffice call converts a whole batch, with its own throwaway profile),
    WORKERS at a time; the batches are balanced by file size, so that they end together."""
    from make_samples import convert_to_pdf
    count = max(WORKERS, math.ceil(len(docx_files) / PDF_BATCH))
    count += -count % WORKERS
    batches: list[list[Path]] = [[] for _ in range(count)]
    loads = [0] * count
    for path in sorted(docx_files, key=lambda p: (-p.stat().st_size, p.name)):
        least = loads.index(min(loads))
        batches[least].append(path)
        loads[least] += path.stat().st_size
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(lambda batch: convert_to_pdf(batch, out_dir), [b for b in batches if b]))


def _pages_of(notice: Notice, path: Path) -> tuple[int, bool]:
    """Real page count of a PDF; an estimate from the text length (or table rows) otherwise."""
    if path.suffix == ".pdf":
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(str(path))
        try:
            return len(pdf), False
        finally:
            pdf.close()
    if notice.genre == "progress":
        rows = sum(len(b.table.rows) for b in notice.blocks if b.table)  # a progress table is all it holds
        return max(1, math.ceil(rows / ROWS_PER_PAGE)), True
    return max(1, math.ceil(len(plain_text(notice)) / CHARS_PER_PAGE[notice.layout])), True


def _manifest(notices: list[Notice], files: list[Path], n: int, seed: int) -> dict[str, Any]:
    entries = [_entry(notice, path) for notice, path in zip(notices, files)]
    pages = [int(e["pages"]) for e in entries]
    bins = Counter("1" if p == 1 else "2-4" if p <= 4 else "5-9" if p <= 9 else "10-30" for p in pages)
    return {"notices": n, "seed": seed, "formats": dict(Counter(str(e["format"]) for e in entries)),
            "with_tables": sum(bool(e["has_tables"]) for e in entries), "pages": dict(bins),
            "max_pages": max(pages, default=0), "facts": sum(int(e["facts"]) for e in entries), "files": entries}


def _entry(notice: Notice, path: Path) -> dict[str, Any]:
    """The manifest line of one file: facts counts exclude the doc fact and optional facts."""
    pages, estimated = _pages_of(notice, path)
    required = [f for f in notice.facts if not f.get("optional")]
    return {"file": path.name, "doc": notice.doc_id, "format": notice.fmt, "genre": notice.genre,
            "layout": notice.layout, "encoding": notice.encoding if notice.fmt == "txt" else None,
            "pages": pages, "pages_estimated": estimated, "pages_planned": notice.pages_planned,
            "has_tables": notice.has_tables, "facts": len(required), "optional_facts": len(notice.facts) - len(required),
            "by_type": dict(Counter(f["type"] for f in required))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--notices", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-pdf", action="store_true", help="write DOCX instead of PDF (no LibreOffice needed)")
    args = parser.parse_args(argv)
    if args.notices < 1:
        parser.error("--notices must be at least 1")
    start = time.perf_counter()
    manifest = generate(args.out, args.notices, args.seed, with_pdf=not args.no_pdf)
    print(f"{args.notices} notices, {manifest['facts']} facts in {time.perf_counter() - start:.1f} s -> {args.out}")
    print(f"formats {manifest['formats']}  pages {manifest['pages']}  max {manifest['max_pages']}  "
          f"with tables {manifest['with_tables']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

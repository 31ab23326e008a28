"""Benchmark of nightly runs: a first run over N files, an unchanged re-run, and a re-run after one edit.

    .venv/bin/python bench/incremental.py [--files 10000] [--work DIR] [--markdown bench/incremental.md]

The inbox holds N distinct short notices made from the seed notices' sentences (deterministic). The
first run's time is split into the extraction itself (every file's `process_file`) and everything else
(listing, hashing, planning, storing, exporting), reported per file. The re-runs are timed as a user
runs them: a fresh `notices run` process, start-up included.
"""
from __future__ import annotations

import argparse
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-21"
SENTENCE = re.compile(r"[^。\n]{12,120}[。]")


def make_inbox(folder: Path, n: int, seed: int = 7) -> None:
    """N notices of 4-8 sentences taken from the seeds, each with its own number so all differ."""
    pool = [s for p in sorted((ROOT / "samples").glob("00[1-4]_*.txt")) if p.name.count(".") == 1
            for s in SENTENCE.findall(p.read_text(encoding="utf-8"))]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = "\n\n".join(rng.sample(pool, rng.randint(4, 8)))
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"notice_{i:05d}.txt").write_text(
            f"关于做好第{i}号工作的通知\n\n各党支部：\n\n{body}\n\n机关党委\n\n2017年6月19日\n", encoding="utf-8")


def timed_run(inbox: Path, out: Path) -> tuple[float, str]:
    command = [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(out), "--today", TODAY]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 3):
        raise SystemExit(done.stderr[-2000:])
    return elapsed, done.stdout.strip().splitlines()[1]


def extraction_seconds(inbox: Path) -> float:
    """The sum of process_file over the inbox, in this process (models loaded once, not timed)."""
    from pipeline.engine.plan import discover
    from pipeline.nlp import Tagger
    from pipeline.rules import load_rules
    from pipeline.stages import process_file
    rules = load_rules()
    tagger = Tagger(rules)
    paths = discover(inbox).files
    start = time.perf_counter()
    for path in paths:
        process_file(path, path.relative_to(inbox).as_posix(), rules, tagger)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=None, help="folder for the inbox and output (kept)")
    parser.add_argument("--markdown", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="notices-bench-"))
    inbox, out = work / "inbox", work / "output"
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    make_inbox(inbox, args.files)
    first, first_line = timed_run(inbox, out)
    extraction = extraction_seconds(inbox)
    again, again_line = timed_run(inbox, out)
    edited = next(iter(sorted(inbox.rglob("*.txt"))))
    edited.write_text(edited.read_text(encoding="utf-8").replace("2017年6月19日", "2017年6月20日"), encoding="utf-8")
    one, one_line = timed_run(inbox, out)
    rows = [("first run", first, first_line), ("unchanged re-run", again, again_line),
            ("re-run after editing one file", one, one_line)]
    overhead = (first - extraction) / args.files
    report = _report(args.files, rows, extraction, overhead)
    print(report)
    if args.markdown:
        args.markdown.write_text(report + "\n", encoding="utf-8")
    return 0


def _report(n: int, rows: list[tuple[str, float, str]], extraction: float, overhead: float) -> str:
    lines = [f"# Nightly runs over {n:,} files", "",
             (f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}, "
             f"{_cores()} cores. Command: `.venv/bin/python bench/incremental.py --files {n}`."), "",
             "| run | seconds | what the run printed |", "|---|---:|---|"]
    lines += [f"| {name} | {seconds:.2f} | {line} |" for name, seconds, line in rows]
    lines += ["", (f"First run: extraction (`process_file` over every file) {extraction:.1f} s; everything else "
              f"(start-up, listing, hashing, planning, storing, exporting) {overhead * 1000:.1f} ms per file.")]
    return "\n".join(lines)


def _cores() -> int:
    import os
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())

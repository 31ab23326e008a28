"""Benchmark: the Dask executor against local worker processes, on N synthetic notices with the same workers.

    .venv/bin/python bench/dask_vs_local.py [--notices 2000] [--workers 2] [--repeat 2] [--work DIR]
                                            [--markdown bench/results.md]

The corpus comes from bench/make_corpus.py (--no-pdf: DOCX, HTML and text, 1-30 pages). Each executor runs as
a user runs it: a fresh `notices run` process on an empty output folder, start-up and every output included,
the two executors taking turns, the best of --repeat runs kept; each run waits (up to --settle seconds) for
the machine's load average to drop below --quiet, since other work on it skews wall times. CPU seconds are the
run's and all its descendants' (getrusage of reaped children), less skewed by other work than wall time. Peak
RSS is the largest sum over the run's process tree (the run and all its children: forked workers, or Dask's
nannies and workers), sampled every 50 ms with psutil; the largest single process is shown too. The fixed
cost is the same run on one file. With --markdown the figures replace the "## Dask against local" section of
that file (other sections stay).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-21"
SECTION = "## Dask against local"
SAMPLE_SECONDS = 0.05
TABLES = ("documents", "requirements", "progress", "errors")


@dataclass(frozen=True, slots=True)
class Measure:
    seconds: float
    cpu: float  # user and system seconds of the run and its descendants
    load: float  # the load average when the run started
    peak_rss: int  # bytes, summed over the process tree
    run_rss: int  # bytes, the run's own process at its largest
    worker_rss: int  # bytes, the largest of its child processes (the workers)
    summary: str


def timed_run(inbox: Path, out: Path, workers: int, executor: str) -> Measure:
    """One `notices run` in a fresh process; its time and the peak memory of its process tree."""
    shutil.rmtree(out, ignore_errors=True)
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(out), "--today", TODAY,
               "--workers", str(workers), "--executor", executor]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = run = worker = 0
    tree = psutil.Process(process.pid)
    while process.poll() is None:
        rss = _tree_rss(tree)
        peak, run, worker = max(peak, sum(rss)), max(run, *rss[:1], 0), max(worker, *rss[1:], 0)
        time.sleep(SAMPLE_SECONDS)
    elapsed = time.perf_counter() - start
    stdout, stderr = process.communicate()
    if process.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return Measure(elapsed, cpu, load, peak, run, worker, stdout.splitlines()[0].split(" -> ")[0])


def _tree_rss(root: psutil.Process) -> list[int]:
    out: list[int] = []
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return out
    for p in processes:
        try:
            out.append(p.memory_info().rss)
        except psutil.NoSuchProcess:
            continue
    return out


def wait_quiet(below: float, settle: float) -> None:
    """Wait until the 1-minute load average is under `below`, at most `settle` seconds."""
    deadline = time.monotonic() + settle
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(5)


def same_tables(a: Path, b: Path) -> bool:
    return all((a / f"{t}.csv").read_bytes() == (b / f"{t}.csv").read_bytes() for t in TABLES)


def report(args: argparse.Namespace, files: int, runs: dict[str, list[Measure]], fixed: dict[str, Measure],
           same: bool) -> str:
    best = {name: min(measures, key=lambda m: m.seconds) for name, measures in runs.items()}
    local, dask = best["local"], best["dask"]
    mb = 1 << 20
    lines = [
        SECTION, "",
        (f"Machine: {platform.machine()}, {_cores()} cores, Python {platform.python_version()}, "
         f"{platform.system()} {platform.release()}. Command: `.venv/bin/python bench/dask_vs_local.py "
         f"--notices {args.notices} --workers {args.workers} --repeat {args.repeat}`."), "",
        (f"{files} synthetic notices from `bench/make_corpus.py --no-pdf` (DOCX, HTML, text; 1-30 pages), "
         f"{args.workers} workers, each executor a fresh `notices run` on an empty output folder (start-up and "
         f"every output included), best of {args.repeat} by wall time. `local`: processes forked from the run; "
         f"`dask`: a LocalCluster of {args.workers} one-thread worker processes started by the run. CPU: user "
         "and system seconds of the run and all its processes. Load: the machine's load average as the run "
         "started (other work on a shared machine stretches wall times, much less CPU times)."), "",
        ("| executor | wall s | CPU s | files/s | peak RSS MB (process tree) | the run's process MB | "
         "largest worker MB | one file: wall s, CPU s | load |"),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [f"| {name} | {m.seconds:.1f} | {m.cpu:.1f} | {files / m.seconds:.1f} | {m.peak_rss / mb:.0f} | "
              f"{m.run_rss / mb:.0f} | {m.worker_rss / mb:.0f} | {fixed[name].seconds:.1f}, {fixed[name].cpu:.1f} | "
              f"{m.load:.1f} |"
              for name, m in best.items()]
    lines += ["",
              (f"- Dask against local, wall time: **{_change(dask.seconds, local.seconds)}** (target ≤ +15%); "
               f"CPU time: {_change(dask.cpu, local.cpu)}; without each executor's fixed cost (the one-file run: "
               f"start-up, loading the models, the outputs): wall {_change(*_net(dask, local, fixed, 'seconds'))}, "
               f"CPU {_change(*_net(dask, local, fixed, 'cpu'))}."),
              (f"- Peak RSS: Dask {dask.peak_rss / mb:.0f} MB against {local.peak_rss / mb:.0f} MB "
               f"({_change(dask.peak_rss, local.peak_rss)}); the run's own process peaks last, exporting every row "
               "with the workers gone. A worker holds the models and one file: local workers are forked and share "
               "the models' pages with the run (RSS counts them in both), Dask's are spawned and load their own "
               "(the run does not load them at all)."),
              "- Every run, wall s (CPU s): " + "; ".join(
                  f"{name} " + ", ".join(f"{m.seconds:.1f} ({m.cpu:.1f})" for m in measures)
                  for name, measures in runs.items()) + ".",
              f"- Tables (`{'`, `'.join(TABLES)}` CSV) byte-identical between the two: {'yes' if same else 'NO'}.",
              (f"- Both printed: {local.summary}." if local.summary == dask.summary else
               f"- local printed: {local.summary}; dask printed: {dask.summary}.")]
    return "\n".join(lines) + "\n"


def _net(dask: Measure, local: Measure, fixed: dict[str, Measure], what: str) -> tuple[float, float]:
    """Dask's and local's `what` (seconds or cpu) less their one-file run's."""
    return (getattr(dask, what) - getattr(fixed["dask"], what), getattr(local, what) - getattr(fixed["local"], what))


def _change(value: float, base: float) -> str:
    return f"{value / base - 1:+.1%}"


def write_section(path: Path, section: str) -> None:
    """Put the section in `path` in place of its old version, or at the end; other sections stay."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + section
    path.write_text(text, encoding="utf-8")


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--quiet", type=float, default=1.0, help="load average to wait for before each run")
    parser.add_argument("--settle", type=float, default=600, help="longest wait for it, in seconds")
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus and outputs (kept)")
    parser.add_argument("--markdown", type=Path, default=None, help="write the figures into this file's section")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="dask-bench-"))
    corpus = work / "corpus"
    if not (corpus / "inbox").is_dir():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), str(corpus), "--notices",
                        str(args.notices), "--no-pdf"], check=True)
    inbox = corpus / "inbox"
    one = work / "one"
    one.mkdir(exist_ok=True)
    first = min(inbox.iterdir())
    shutil.copy(first, one / first.name)
    runs: list[tuple[str, Path, Path]] = [(name, one, work / f"one-{name}") for name in ("local", "dask")]
    runs += [(name, inbox, work / name) for _ in range(args.repeat) for name in ("local", "dask")]
    fixed: dict[str, Measure] = {}
    measured: dict[str, list[Measure]] = {"local": [], "dask": []}
    for name, folder, out in runs:
        wait_quiet(args.quiet, args.settle)
        measure = timed_run(folder, out, args.workers, name)
        print(f"{name} on {folder.name}: {measure.seconds:.1f} s, CPU {measure.cpu:.1f} s, peak RSS "
              f"{measure.peak_rss >> 20} MB, load {measure.load:.1f}", flush=True)
        if folder == one:
            fixed[name] = measure
        else:
            measured[name].append(measure)
    section = report(args, len(list(inbox.iterdir())), measured, fixed, same_tables(work / "local", work / "dask"))
    print(section)
    if args.markdown:
        write_section(args.markdown, section)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How the cost of a nightly run grows with the dataset (issue 20): for each size, a first run, an
unchanged re-run, a re-run after one changed file, after 1% of the files changed, and a run on the next
day with no file changed; each a fresh `notices run` process, timed from start to exit, with the peak RSS
of its process tree (the run and its workers, sampled every 50 ms). "1% alone" is a first run over only
those files, in an output folder of their own: what reading them costs without the dataset around them.

    .venv/bin/python bench/scale.py [--sizes 1000,10000] [--work DIR] [--db postgresql://…] [--markdown FILE]

The notices are short text notices made from the seed notices' sentences (bench/incremental.make_inbox,
deterministic), dated 2017-06-19 and run as of 2017-06-20, a day their duties are in force.
"""
from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from incremental import make_inbox
from run import write_section

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2017, 6, 20)
SAMPLE_SECONDS = 0.05
SCENARIOS = ("first run", "unchanged re-run", "one file changed", "1% changed", "1% alone", "next day, no change")


@dataclass(frozen=True, slots=True)
class Measure:
    size: int
    scenario: str
    seconds: float
    peak_mb: float
    summary: str


def timed_run(inbox: Path, out: Path, day: date, db: str | None) -> tuple[float, float, str]:
    """(seconds, peak RSS MB of the process tree, the summary's second line) of one `notices run`."""
    command = [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(out), "--today", day.isoformat()]
    command += ["--db", db] if db else []
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            peak = max(peak, sum(p.memory_info().rss for p in [parent, *parent.children(recursive=True)]))
        except psutil.Error:
            pass
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - start
    output = proc.stdout.read() if proc.stdout else ""
    if proc.returncode not in (0, 3):
        raise SystemExit(f"notices run exited {proc.returncode}: {output[-2000:]}")
    lines = output.strip().splitlines()
    return seconds, peak / 2**20, lines[1] if len(lines) > 1 else ""


def edit(paths: list[Path], stamp: str) -> None:
    """Change each file as a person would: a sentence added before its signature."""
    for path in paths:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\n\n机关党委\n", f"\n\n请于7月10日前报送{stamp}材料。\n\n机关党委\n", 1),
                        encoding="utf-8")


def fresh_schema(db: str, size: int) -> str:
    """The URL of a new, empty schema for one size: a PostgreSQL store holds one inbox's state, whatever
    the output folder, so each size starts from nothing."""
    import psycopg
    schema = f"notices_scale_{size}"
    with psycopg.connect(db, autocommit=True) as con:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        con.execute(f"CREATE SCHEMA {schema}")
    return f"{db}{'&' if '?' in db else '?'}{urlencode({'options': f'-csearch_path={schema}'})}"


def measure(size: int, work: Path, db: str | None) -> list[Measure]:
    db = fresh_schema(db, size) if db else None
    inbox, out = work / f"inbox-{size}", work / f"out-{size}"
    shutil.rmtree(inbox, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    make_inbox(inbox, size)
    files = sorted(inbox.rglob("*.txt"))
    step = max(1, len(files) // max(1, size // 100))
    some = files[::step][:max(1, size // 100)]
    alone = work / f"alone-{size}"
    out_alone = work / f"out-alone-{size}"
    results = []

    def one(scenario: str, where: Path = inbox, to: Path = out, day: date = DAY, store: str | None = db) -> None:
        seconds, peak, summary = timed_run(where, to, day, store)
        results.append(Measure(size, scenario, seconds, peak, summary))
        print(f"{size:>7} {scenario:<22} {seconds:8.1f} s {peak:8.0f} MB  {summary}", flush=True)

    one("first run")
    one("unchanged re-run")
    edit(files[:1], "一")
    one("one file changed")
    edit(some, "二")
    one("1% changed")
    shutil.rmtree(alone, ignore_errors=True)
    shutil.rmtree(out_alone, ignore_errors=True)
    for path in some:
        target = alone / path.relative_to(inbox)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    one("1% alone", alone, out_alone, store=None)
    one("next day, no change", day=DAY + timedelta(days=1))
    return results


def table(results: list[Measure], db: str | None) -> str:
    sizes = sorted({m.size for m in results})
    by = {(m.size, m.scenario): m for m in results}
    head = "| scenario | " + " | ".join(f"{n:,} notices" for n in sizes) + " |"
    lines = [head, "|---|" + "---:|" * len(sizes)]
    for scenario in SCENARIOS:
        cells = [f"{by[(n, scenario)].seconds:.1f} s, {by[(n, scenario)].peak_mb:,.0f} MB" if (n, scenario) in by
                 else "" for n in sizes]
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    store = "PostgreSQL (`--db`)" if db else "SQLite in the output folder"
    return (f"## Scale: {', '.join(f'{n:,}' for n in sizes)} notices ({store})\n\n"
            f"Machine: {platform.machine()}, {psutil.cpu_count()} cores, Python {platform.python_version()}. "
            f"Command: `.venv/bin/python bench/scale.py --sizes {','.join(map(str, sizes))}"
            f"{' --db URL' if db else ''}`. Each cell: wall time of a `notices run` process, start-up "
            "included, and the peak RSS of its process tree.\n\n" + "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated numbers of notices")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--db", default=None, help="a PostgreSQL URL: keep the state there (a schema per size, "
                        "made anew)")
    parser.add_argument("--markdown", type=Path, default=None, help="put the table in this file (results.md)")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="notices-scale-"))
    results = []
    for size in (int(n) for n in args.sizes.split(",")):
        results += measure(size, work, args.db)
    section = table(results, args.db)
    print(section)
    if args.markdown:
        write_section(args.markdown, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

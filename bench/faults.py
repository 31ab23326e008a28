"""Kill trial (issue 21): runs killed at every rename and every commit of a small run, and at random moments
of a larger one while a reader polls the output folder; after each kill the next run must finish with the
tables of a clean run, every file listed once in changes.csv, and the files people put there kept.

    .venv/bin/python bench/faults.py [--notices 300] [--kills 50] [--seed 1] [--work DIR] [--markdown FILE]
                                     [--sweep-only]

Each trial starts from the output folder of a run over half the inbox; the killed run reads the other
half and writes every output. Kill points: before every `os.replace`/`os.rename`, and after every
transaction of the run state (the store's methods that write). The points are swept in forked copies of
this process (a kill is `os._exit`: no clean-up runs); the random kills are SIGKILL to a `notices run`
process group at a moment drawn between the first stored batch and the end of an unkilled run. The
reader resolves `.current` once and checks every file of that set against its manifest (a mixed or
half-written set is counted), and reads `documents.csv` through its fixed name (a cut file is counted).
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from incremental import make_inbox

TODAY = date(2026, 11, 21)
KILLED = 137
WRITES = ("touch", "store", "withdraw", "set", "save_marks", "record_run")  # the state's transactions
TABLES = ("documents.csv", "requirements.csv", "progress.csv", "errors.csv")
MINE = {"mine.txt": "kept", "checklists/批注.txt": "批注"}  # what a person put in the output folder


@dataclass
class Trial:
    """The outcome of one kill: the problems found after it (none: survived)."""
    point: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Reader:
    """Polls an output folder as a careful reader does, counting what it should never see."""
    out: Path
    reads: int = 0
    mixed: int = 0
    cut: int = 0
    seen: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def poll(self) -> None:
        while not self.stop.is_set():
            self.reads += 1
            problem = set_problem(self.out)
            if problem is not None:
                self.mixed += 1
                self.seen.append(problem)
            if not _whole_csv(self.out / "documents.csv"):
                self.cut += 1
            time.sleep(0.01)


# --- checks ------------------------------------------------------------------------------------------

def set_problem(out: Path) -> str | None:
    """What is wrong with the current set as one reader sees it (`.current` resolved once): None when every
    file its manifest lists is there as written."""
    from pipeline.export.generations import CURRENT, read_manifest
    try:
        folder = Path(os.path.realpath(out / CURRENT))
    except OSError as exc:
        return f"no current set: {exc}"
    manifest = read_manifest(folder)
    if manifest is None:
        return f"no manifest in {folder.name}" if folder.exists() else None  # before the first run
    for name, (size, mtime) in manifest.files.items():
        try:
            stat = (folder / name).stat()
        except OSError:
            return f"{name} missing from {folder.name}"
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return f"{name} of {folder.name} is not as written"
    return None


def _whole_csv(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return True  # before the first run
    except OSError:
        return False
    return data.endswith(b"\n") and data.startswith(b"\xef\xbb\xbfdoc_id,")


def after_problems(out: Path, inbox: Path, clean: dict[str, bytes]) -> list[str]:
    """What the run after a kill left wrong: tables unlike a clean run's, a file not listed once as new in
    changes.csv, a person's file gone, a half-written set, an output damaged."""
    from pipeline.export.generations import damaged
    problems = [f"{name} differs from a clean run's" for name in TABLES if (out / name).read_bytes() != clean[name]]
    lost = history_lost(out, inbox)
    if lost:
        problems.append(f"{len(lost)} files not listed once as new in changes.csv (e.g. {lost[0]})")
    problems += [f"{name} (a person's file) is gone" for name, text in MINE.items()
                 if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text]
    problems += [f"half-written set left: {p.name}" for p in _half_written(out)]
    problems += [f"damaged after the run: {name}" for name in damaged(out)]
    return problems


def history_lost(out: Path, inbox: Path) -> list[str]:
    """The files of the inbox that changes.csv does not list exactly once as new."""
    with (out / "changes.csv").open(encoding="utf-8-sig", newline="") as f:
        new = Counter(row["source"] for row in csv.DictReader(f) if row["change"] == "new")
    sources = [p.relative_to(inbox).as_posix() for p in sorted(inbox.rglob("*.txt"))]
    return [f"{s}: listed {new[s]} times" for s in sources if new[s] != 1]


def _half_written(out: Path) -> list[Path]:
    sets = out / ".generations"
    return [p for p in (sets.iterdir() if sets.is_dir() else []) if not (p / ".manifest.json").is_file()]


# --- kill points, swept in forked copies of this process --------------------------------------------

class Points:
    """Counts the kill points a run passes; dies (no clean-up) at point `kill_at`."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at = kill_at
        self.passed = 0
        self.names: list[str] = []

    def hit(self, name: str) -> None:
        self.passed += 1
        self.names.append(name)
        if self.passed == self.kill_at:
            os._exit(KILLED)

    def install(self) -> None:
        from pipeline.engine.state import State
        for call in ("replace", "rename"):
            setattr(os, call, self._before(getattr(os, call), f"os.{call}"))
        for method in WRITES:
            setattr(State, method, self._after(getattr(State, method), f"commit {method}"))

    def _before(self, call: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self.hit(f"{name} {Path(str(args[1])).name if len(args) > 1 else ''}".strip())
            return call(*args, **kwargs)
        return wrapped

    def _after(self, call: Callable[..., Any], name: str) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = call(*args, **kwargs)
            self.hit(name)
            return result
        return wrapped


def run_forked(inbox: Path, out: Path, kill_at: int = 0) -> tuple[int, list[str]]:
    """One run in a forked copy of this process, killed at point `kill_at` (0: never); its exit status
    and the points it passed."""
    if threading.active_count() > 1:
        raise RuntimeError("the kill points are swept in forked copies of a process that runs no other thread")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report the points passed, leave without clean-up
        os.close(read)
        points = Points(kill_at)
        try:
            points.install()
            _run(inbox, out)
            status = 0
        except BaseException:  # noqa: BLE001 - reported as a status, the trial counts it
            import traceback
            traceback.print_exc()
            status = 1
        os.write(write, "\n".join(points.names).encode("utf-8"))
        os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        names = pipe.read().decode("utf-8").splitlines()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), names


def _run(inbox: Path, out: Path) -> None:
    from pipeline.engine import RunOptions, run
    run(inbox, out, RunOptions(today=TODAY))


def sweep(work: Path, base: int = 2, more: int = 1, log: Callable[[str], None] = print) -> list[Trial]:
    """A kill at every point of a run over `base` + `more` notices after a run over `base`; returns one
    trial per point with the problems found after it."""
    inbox, start, clean = _prepared(work, base, more, forked=True)
    status, names = run_forked(inbox, _fresh_copy(start, work / "count"))
    if status != 0:
        raise RuntimeError(f"an unkilled run failed: exit {status}")
    trials = []
    for point, name in enumerate(names, 1):
        out = _fresh_copy(start, work / "out")
        status, _ = run_forked(inbox, out, point)
        trial = Trial(f"{point:3d} {name}")
        if status != KILLED:
            trial.problems.append(f"not killed (exit {status})")
        problem = set_problem(out)
        if problem is not None:
            trial.problems.append(f"after the kill: {problem}")
        status, _ = run_forked(inbox, out)
        trial.problems += [f"the next run failed (exit {status})"] if status != 0 else after_problems(out, inbox,
                                                                                                     clean)
        trials.append(trial)
        log(f"kill at {trial.point}: {'survived' if not trial.problems else '; '.join(trial.problems)}")
    return trials


def _prepared(work: Path, base: int, more: int, forked: bool) -> tuple[Path, Path, dict[str, bytes]]:
    """The inbox of `base` + `more` notices, the output folder of a run over the first `base` (with the
    person's files in it), and the tables of a clean run over all of them."""
    shutil.rmtree(work, ignore_errors=True)
    everything = work / "all"
    make_inbox(everything, base + more)
    files = sorted(everything.rglob("*.txt"))
    inbox, start, clean = work / "inbox", work / "start", work / "clean"
    for path in files[:base]:
        (inbox / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, inbox / path.parent.name / path.name)
    runner: Callable[[Path, Path], object] = _forked_run if forked else _subprocess_run
    runner(inbox, start)
    for name, text in MINE.items():
        (start / name).write_text(text, encoding="utf-8")
    for path in files[base:]:
        (inbox / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, inbox / path.parent.name / path.name)
    runner(inbox, clean)
    return inbox, start, {name: (clean / name).read_bytes() for name in TABLES}


def _forked_run(inbox: Path, out: Path) -> None:
    status, _ = run_forked(inbox, out)
    if status != 0:
        raise RuntimeError(f"a run failed: exit {status}")


def _fresh_copy(source: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)
    return target


# --- random kills of a `notices run` process ---------------------------------------------------------

def _command(inbox: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(out), "--today", TODAY.isoformat()]


def _subprocess_run(inbox: Path, out: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(_command(inbox, out), cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"notices run failed (exit {done.returncode}): {done.stderr[-1000:]}")
    return time.perf_counter() - start


def random_kills(work: Path, notices: int, kills: int, seed: int,
                 log: Callable[[str], None] = print) -> tuple[list[Trial], Reader, float, float]:
    """`kills` runs over `notices` notices (half of them new) killed at random moments while a reader
    polls, from just before an unkilled run stored its first batch (a kill during the imports tests
    little) to just after it ended; returns the trials, the reader's counts, and the length of an unkilled
    run and the moment of its first batch."""
    inbox, start, clean = _prepared(work, notices // 2, notices - notices // 2, forked=False)
    length, ready = _timed(inbox, _fresh_copy(start, work / "timed"), _stored(start))
    rng = random.Random(seed)
    out = work / "out"
    reader = Reader(out)
    trials = []
    for n in range(kills):
        _fresh_copy(start, out)
        moment = rng.uniform(ready * 0.9, length * 1.05)
        reader.stop.clear()
        thread = threading.Thread(target=reader.poll, daemon=True)
        thread.start()
        proc = subprocess.Popen(_command(inbox, out), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(moment)
        killed = proc.poll() is None
        if killed:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        trial = Trial(f"{n + 1:3d} at {moment:5.2f} s, {phase(out, start, inbox) if killed else 'the run had ended'}")
        done = subprocess.run(_command(inbox, out), cwd=ROOT, capture_output=True, text=True, check=False)
        reader.stop.set()
        thread.join()
        trial.problems += [f"the next run failed (exit {done.returncode})"] if done.returncode != 0 else \
            after_problems(out, inbox, clean)
        trials.append(trial)
        log(f"kill {trial.point}: {'survived' if not trial.problems else '; '.join(trial.problems)}")
    return trials, reader, length, ready


def _timed(inbox: Path, out: Path, stored: int) -> tuple[float, float]:
    """The length of an unkilled run, and the moment it stored its first batch (before it, a run only
    starts up, plans and reads: a kill then tests little)."""
    began = time.perf_counter()
    proc = subprocess.Popen(_command(inbox, out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = 0.0
    while proc.poll() is None:
        if not first and (out / ".notices" / "state.db").is_file() and _stored(out) > stored:
            first = time.perf_counter() - began
        time.sleep(0.005)
    if proc.returncode != 0:
        raise RuntimeError(f"notices run failed (exit {proc.returncode})")
    return time.perf_counter() - began, first or 0.0


def phase(out: Path, start: Path, inbox: Path) -> str:
    """What the killed run had done, from what it left."""
    if os.readlink(out / ".current") != os.readlink(start / ".current"):
        return "after the switch"
    if _half_written(out):
        return "while writing the outputs"
    stored = _stored(out)
    if stored <= _stored(start):
        return "before storing (start-up, planning, reading)"
    return "while storing" if stored < sum(1 for _ in inbox.rglob("*.txt")) else "after storing, before writing"


def _stored(out: Path) -> int:
    import sqlite3
    try:
        con = sqlite3.connect(f"file:{out / '.notices' / 'state.db'}?mode=ro", uri=True, timeout=1)
        try:
            return int(con.execute("SELECT count(*) FROM files").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return -1  # being written, or not made yet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=300)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=None, help="folder for the inboxes and outputs (kept)")
    parser.add_argument("--markdown", type=Path, default=None, help="write the figures here")
    parser.add_argument("--sweep-only", action="store_true", help="only the kill at every point of a small run")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="notices-faults-"))
    _warm()
    swept = sweep(work / "sweep")
    if args.sweep_only:
        print(f"{sum(not t.problems for t in swept)} of {len(swept)} kills survived")
        return 0 if all(not t.problems for t in swept) else 1
    trials, reader, length, ready = random_kills(work / "random", args.notices, args.kills, args.seed)
    report = _report(args, swept, trials, reader, length, ready)
    print(report)
    if args.markdown:
        args.markdown.write_text(report + "\n", encoding="utf-8")
    return 0 if all(not t.problems for t in swept + trials) and reader.mixed == 0 else 1


def _warm() -> None:
    """Load the rules and models once, so that every forked run starts with them."""
    from pipeline.nlp import Tagger
    from pipeline.rules import load_rules
    Tagger(load_rules())


def _report(args: argparse.Namespace, swept: list[Trial], trials: list[Trial], reader: Reader, length: float,
            ready: float) -> str:
    def survived(ts: list[Trial]) -> str:
        return f"{sum(not t.problems for t in ts)} of {len(ts)}"
    def lost(ts: list[Trial]) -> int:
        return sum(int(p.split()[0]) for t in ts for p in t.problems if "not listed once as new" in p)
    kinds = Counter(t.point.split()[1] for t in swept)
    mixed = sum(any(p.startswith("after the kill") for p in t.problems) for t in swept)
    command = f"`.venv/bin/python bench/faults.py --notices {args.notices} --kills {args.kills} --seed {args.seed}`"
    points = ", ".join(f"{n} {k}" for k, n in kinds.items())
    half = args.notices // 2
    lines = ["# Kill trial", "", f"Command: {command}.", "",
             "| trial | kills | survived | history rows lost | mixed sets seen | cut files seen | reads |",
             "|---|---:|---:|---:|---:|---:|---:|",
             (f"| every kill point of a run over 2 + 1 notices ({points}) | {len(swept)} | {survived(swept)} "
             f"| {lost(swept)} | {mixed} | | |"),
             (f"| random moments of a run over {half} + {args.notices - half} notices (unkilled: {length:.2f} s, "
              f"first batch stored at {ready:.2f} s; killed from {ready * 0.9:.2f} to {length * 1.05:.2f} s) "
             f"| {len(trials)} | {survived(trials)} | {lost(trials)} | {reader.mixed} | {reader.cut} | {reader.reads} |"),
             ""]
    phases = Counter(t.point.split(", ", 1)[1] for t in trials)
    lines += ["Where the random kills fell: " + ", ".join(f"{k} {n}" for k, n in phases.most_common()) + ".", ""]
    failed = [t for t in swept + trials if t.problems]
    lines += [f"- {t.point}: {'; '.join(t.problems)}" for t in failed]
    if not failed:
        lines.append("Every kill survived: the next run finished with the tables of a clean run, every file listed "
                     "once in changes.csv, the person's files kept.")
    lines += [f"- the reader saw: {problem}" for problem in reader.seen[:10]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

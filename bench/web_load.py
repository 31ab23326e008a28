"""Load test of the web page: N simulated users, each signed in as the user of one organisation, open their
list page again and again for a fixed time over a store of many notices, on loopback.

    .venv/bin/python bench/web_load.py [--notices 10000] [--users 50] [--seconds 60] [--work DIR]

The store is built once in WORK (kept for the next call): short notices made from the seed notices'
sentences (bench/incremental.make_inbox), each addressed to one of ORGS units, read by `notices run` as
of a day they are in force. The server is `notices serve` in a process of its own (as deployed); the
clients are asyncio tasks of one process (httpx), each waiting for its answer (and --think seconds on
average, drawn uniformly from 0 to twice that) before asking again.
Prints the latency of the list page (median, p95, p99), the pages served per second, the errors, and
the server's peak RSS.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from incremental import make_inbox

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2017-06-20"  # the seed sentences' notices are in force: every row is in a list, none past
UNITS = 60  # units the notices are addressed to and name (the list of one is about 1/60 of the rows)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "load-test-password"


def build(work: Path, notices: int) -> tuple[Path, Path, float]:
    """(inbox, out, seconds of the run) of a store of `notices` notices, made once."""
    inbox, out = work / "inbox", work / "out"
    if (out / "notices.db").is_file():
        return inbox, out, 0.0
    make_inbox(inbox, notices)
    for n, path in enumerate(sorted(inbox.rglob("*.txt"))):  # each notice to one unit
        unit = f"第{n % UNITS + 1}党支部"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("各党支部", unit).replace("机关党支部", unit), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(out), "--today", TODAY],
                   cwd=ROOT, check=True, capture_output=True)
    return inbox, out, time.perf_counter() - start


def add_users(out: Path, users: int) -> list[tuple[str, str, int]]:
    """`users` accounts, each for one of the organisations with the most rows: (user, organisation, rows)."""
    from pipeline.web import accounts
    con = sqlite3.connect(out / "notices.db")
    orgs = con.execute("SELECT organization, count(*) FROM checklist WHERE organization != 'unassigned' GROUP BY 1 "
                       "ORDER BY 2 DESC, 1").fetchall()
    con.close()
    made = []
    have = {u.name for u in accounts.users(out)}
    for n in range(users):
        org, rows = orgs[n % len(orgs)]
        name = f"load{n:03d}"
        if name not in have:
            accounts.add_user(out, name, PASSWORD, [org], False)
        made.append((name, org, rows))
    return made


def serve(out: Path, inbox: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "-o", str(out), "--inbox", str(inbox),
                                "--port", str(port), "--today", TODAY], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


async def user_loop(url: str, name: str, org: str, until: float, think: float, times: list[float],
                    errors: list[str], by_org: dict[str, list[float]]) -> None:
    rng = random.Random(name)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        page = (await client.get("/login")).text
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        await client.post("/login", data={"csrf": token, "user": name, "password": PASSWORD})
        while time.monotonic() < until:
            start = time.perf_counter()
            answer = await client.get("/list", params={"org": org})
            elapsed = time.perf_counter() - start
            if answer.status_code == 200 and 'id="done"' in answer.text:
                times.append(elapsed)
                by_org.setdefault(org, []).append(elapsed)
            else:
                errors.append(str(answer.status_code))
            if think:
                await asyncio.sleep(rng.uniform(0, 2 * think))


def watch_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    process = psutil.Process(pid)
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]))
        except psutil.Error:
            return
        time.sleep(0.1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notices", type=int, default=10000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a user reads a page before the next, on average (default 0: at once)")
    parser.add_argument("--work", type=Path, default=None, help="where the store is built and kept")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="notices-web-load-"))
    inbox, out, built = build(work, args.notices)
    users = add_users(out, args.users)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = serve(out, inbox, port)
    peak = [0]
    stop = threading.Event()
    watcher = threading.Thread(target=watch_rss, args=(server.pid, stop, peak), daemon=True)
    watcher.start()
    times: list[float] = []
    errors: list[str] = []
    by_org: dict[str, list[float]] = {}
    try:
        until = time.monotonic() + args.seconds
        started = time.monotonic()

        async def everyone() -> None:
            await asyncio.gather(*(user_loop(f"http://127.0.0.1:{port}", name, org, until, args.think, times, errors, by_org)
                                   for name, org, _ in users))
        asyncio.run(everyone())
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=20)
    con = sqlite3.connect(out / "notices.db")
    documents, rows = (con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "checklist"))
    con.close()
    sizes = sorted(r for _, _, r in users)
    times.sort()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"store: {documents} notices, {rows} checklist rows" + (f" (built in {built:.0f} s)" if built else ""))
    print(f"users: {len(users)}, thinking {args.think:g} s on average between pages, each on one organisation's list of {sizes[0]} to {sizes[-1]} rows "
          f"(median {statistics.median(sizes):.0f})")
    print(f"{len(times)} list pages in {elapsed:.0f} s: {len(times) / elapsed:.1f} pages/s, {len(errors)} errors")
    if times:
        print(f"latency: median {statistics.median(times) * 1000:.0f} ms, p95 {times[int(len(times) * .95)] * 1000:.0f}"
              f" ms, p99 {times[int(len(times) * .99)] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
    size = {org: rows for _, org, rows in users}
    for org, spent in sorted(by_org.items(), key=lambda kv: size[kv[0]]):
        print(f"  list of {size[org]} rows ({sum(o == org for _, o, _ in users)} users): median "
              f"{statistics.median(spent) * 1000:.0f} ms over {len(spent)} pages")
    print(f"server peak RSS: {peak[0] / 2**20:.0f} MB")
    return 0 if times and not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())

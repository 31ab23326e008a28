"""Watch an inbox: when files arrive or change, wait until they stop growing, then run incrementally."""
from __future__ import annotations

import logging
import os
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import RunSummary
from .plan import skipped

log = logging.getLogger(__name__)
POLL_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class WatchOptions:
    settle: float = 2.0  # seconds a file's size and time must stay the same before it is read
    max_runs: int | None = None  # stop after this many runs (tests, one-shot use)
    idle_timeout: float | None = None  # stop after this long with nothing to do


def watch(inbox: Path, run_once: Callable[[], RunSummary], options: WatchOptions,
          report: Callable[[RunSummary], None]) -> int:
    """Run once at start, then after each settled change; returns the number of runs made."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    events: queue.Queue[str] = queue.Queue()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if not event.is_directory:
                for path in (event.src_path, getattr(event, "dest_path", "")):
                    if path:
                        events.put(os.fsdecode(path))

    observer = Observer()
    observer.schedule(Handler(), str(inbox), recursive=True)
    observer.start()
    runs = 0
    try:
        report(run_once())
        runs += 1
        while options.max_runs is None or runs < options.max_runs:
            if not _wait_for_changes(events, options):
                break
            report(run_once())
            runs += 1
    finally:
        observer.stop()
        observer.join()
    return runs


def _wait_for_changes(events: queue.Queue[str], options: WatchOptions) -> bool:
    """Block until at least one relevant path changed and every changed path has settled (or gone)."""
    try:
        first = events.get(timeout=options.idle_timeout)
    except queue.Empty:
        return False
    pending = {first}
    last: dict[str, tuple[int, int] | None] = {}
    quiet_since: dict[str, float] = {}
    while pending:
        while not events.empty():
            pending.add(events.get_nowait())
        now = time.monotonic()
        for path in sorted(pending):  # a copy: paths settle and leave the set as we go
            if _ignored(path):
                pending.discard(path)
                continue
            seen = _stat(path)
            if seen is None or seen != last.get(path):
                last[path] = seen
                quiet_since[path] = now
            if seen is None or now - quiet_since[path] >= options.settle:
                pending.discard(path)  # settled, or deleted or renamed away while waiting
        if pending:
            time.sleep(POLL_SECONDS)
    return True


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _ignored(path: str) -> bool:
    return skipped(os.path.basename(path))

"""rules/limits.yaml -> Limits, and the two limits enforced from outside a reader: the time one file may
take (a SIGALRM timer) and the memory a worker process may use (RLIMIT_AS). Each breach is an OverLimit
error naming the limit and where to raise it."""
from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

from .checks import Checker
from .errors import OverLimit

log = logging.getLogger(__name__)

MB = 1 << 20
RAISE_HINT = "if the file is genuine, raise {limit} in rules/limits.yaml and run again"


@dataclass(frozen=True, slots=True)
class Limits:
    """What one input file may take; the defaults are those of the shipped rules/limits.yaml."""
    max_file_mb: int = 100  # size on disk
    max_pages: int = 1000  # pages of a PDF
    max_unpacked_mb: int = 500  # everything a Word or Excel file (a zip) unpacks to
    max_seconds: int = 900  # reading and processing one file
    max_memory_mb: int = 3072  # address space one worker process may add while reading its files
    max_clauses: int = 20000  # sentences of one notice, before any is read for duties
    max_requirements: int = 5000  # duties found in one notice
    max_sheet_rows: int = 20000  # filled rows of one sheet
    max_sheet_columns: int = 200  # filled columns of one sheet


def parse_limits(data: object, problems: list[str], file: str = "limits.yaml") -> Limits:
    """Check parsed limits.yaml: every limit a positive whole number, no unknown names."""
    check = Checker(problems, file)
    top = data.get("limits") if isinstance(data, dict) else None
    if not isinstance(top, dict):
        check.problem("limits", "expected a mapping of limit names to numbers")
        return Limits()
    names = [f.name for f in fields(Limits)]
    values = {}
    for name in names:
        value = check.positive_int(top.get(name), f"limits.{name}", "expected a positive whole number")
        if value is not None:
            values[name] = value
    check.unknown(top, names, "limit", "limits.")
    return Limits(**values)


def over_limit(limit: str, source: str, what: str) -> OverLimit:
    """The error for a file over `limit`: `what` says what is too large and what the limit is."""
    return OverLimit(limit, f"{source}: {what} (limit {limit} in rules/limits.yaml)",
                     RAISE_HINT.format(limit=limit))


@contextmanager
def time_limit(seconds: int, source: str) -> Iterator[None]:
    """Raise OverLimit(max_seconds) in this block once `seconds` have passed. Python takes the signal
    between two of its own steps, so a long call into a native library ends first (worker processes
    also have a hard stop, see workers.py). Signals reach only the main thread: elsewhere no limit."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[OverLimit] = []

    def expired(signum: int, frame: object) -> None:
        fired.append(over_limit("max_seconds", source, f"reading the file took longer than {seconds} s"))
        raise fired[0]
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except Exception as exc:
        if fired and exc is not fired[0]:  # a library caught the limit's error and raised its own
            raise fired[0] from exc
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:  # a library caught the limit's error and went on
        raise fired[0]


def out_of_memory(source: str, limits: Limits) -> OverLimit:
    return over_limit("max_memory_mb", source,
                      f"reading the file needed more memory than allowed ({limits.max_memory_mb} MB for a worker)")


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at its present size plus `megabytes`, so that a file needing more
    fails alone: Python raises MemoryError, a native library aborts the worker. Linux only."""
    try:
        import resource
        with open("/proc/self/statm", encoding="ascii") as f:
            present = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, IndexError):
        log.debug("no memory limit on this system")
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = present + megabytes * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))

"""Files processed in worker processes: rules and models loaded once, shared with the workers by fork,
batches kept in flight, results returned as they complete, a crashed worker costing only its file.
Each worker has the memory limit of rules/limits.yaml, and a hard stop for a file stuck past its time
limit in a native library (where the time limit of stages.process_file cannot reach)."""
from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import stages
from ..limits import Limits, limit_memory
from ..model import DocumentRecord, ErrorRecord, FileResult, Format, Stage, Status
from ..rules import Rules
from .executors import BATCH_FILES, Process
from .plan import Found

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)
BATCHES_PER_WORKER = 4  # batches a worker gets at least, when there are files enough: an even share
IN_FLIGHT = 2  # batches queued per worker: enough to keep it busy, few enough to stay lean
STOPPED_EXIT = 124  # exit status of a worker stopped by its hard stop (as timeout(1) uses)
_WORKER: _Worker | None = None  # the models of this process, set before the pool forks


@dataclass
class _Worker:
    rules: Rules
    tagger: object
    fail_fast: bool


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parallel(rules: Rules, workers: int, fail_fast: bool = False, batch_size: int = BATCH_FILES) -> Process:
    """A batch processor for the runner that uses `workers` processes."""
    from ..nlp import Tagger
    global _WORKER
    _WORKER = _Worker(rules, Tagger(rules), fail_fast)
    gc.freeze()  # the models stay on pages the workers share; no collection touches them

    def process(items: list[Found]) -> Iterator[list[FileResult]]:
        yield from _run_pool(balanced(items, workers, batch_size), workers)
        _release_models()
    return process


def _release_models() -> None:
    """The workers are done: this process needs their models no more (the tagger, with its dictionary of
    60 MB), and its outputs want the room."""
    global _WORKER
    _WORKER = None
    gc.unfreeze()
    gc.collect()  # the tagger's objects hold cycles


def balanced(items: list[Found], workers: int, batch_size: int) -> list[list[Found]]:
    """Batches of at most `batch_size` files, at least BATCHES_PER_WORKER a worker when there are files
    enough, the largest files first: the long tasks start at once and the short ones fill the gaps at
    the end, so no worker is left with a big batch while the others wait."""
    size = max(1, min(batch_size, -(-len(items) // (workers * BATCHES_PER_WORKER))))
    ordered = sorted(items, key=lambda item: -item.size)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _run_pool(batches: list[list[Found]], workers: int) -> Iterator[list[FileResult]]:
    pending = list(reversed(batches))
    crashed: list[list[Found]] = []
    with _pool(workers) as pool:
        running: dict[Future[list[FileResult]], list[Found]] = {}
        broken = False
        while running or (pending and not broken):
            while pending and not broken and len(running) < workers * IN_FLIGHT:
                batch = pending.pop()
                try:
                    running[pool.submit(_process_batch, batch)] = batch
                except BrokenProcessPool:  # a worker died since the last wait: the pool takes no more work
                    pending.append(batch)
                    broken = True
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                batch = running.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    crashed.append(batch)  # its worker died; the pool cannot take more work
            if crashed:
                crashed.extend(running.values())
                break
    if crashed:
        yield from _isolate([f for batch in crashed for f in batch], workers)
    if pending:  # batches not yet sent when the pool broke go on in a new pool
        yield from _run_pool(list(reversed(pending)), workers)


def _isolate(files: list[Found], workers: int) -> Iterator[list[FileResult]]:
    """Run the files of a crashed pool one per task in fresh pools: a file that kills its worker again
    gets an error row, every other file its result."""
    log.warning("a worker died; reading its %d files again one by one", len(files))
    assert _WORKER is not None
    stop = hard_stop(_WORKER.rules.limits)
    for item in files:
        with _pool(1) as pool:
            started = time.monotonic()
            try:
                yield pool.submit(_process_batch, [item]).result()
            except BrokenProcessPool:
                yield [crashed_result(item, stopped_after=stop if time.monotonic() - started >= stop else 0)]


def _pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from this process (they share its loaded models); spawned where fork is missing."""
    assert _WORKER is not None
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_init,
                               initargs=(_WORKER.rules, _WORKER.fail_fast))


def crashed_result(item: Found, stopped_after: int = 0) -> FileResult:
    """The error row of a file whose worker died, or was stopped after `stopped_after` seconds."""
    reason = (f"{item.source}: the worker crashed while reading the file (a fault in a native library, or more "
              "memory than max_memory_mb in rules/limits.yaml allows)")
    hint = "check the file (is it damaged?); if it is genuine, raise max_memory_mb in rules/limits.yaml"
    if stopped_after:
        reason = (f"{item.source}: the worker was stopped after {stopped_after} s, stuck reading the file "
                  "(over max_seconds in rules/limits.yaml)")
        hint = "check the file (is it damaged?); if it is genuine, raise max_seconds in rules/limits.yaml"
    return failed_result(item, reason, hint)


def failed_result(item: Found, reason: str, hint: str) -> FileResult:
    """The error row of a file that could not be read where it was sent."""
    fmt = Format.of(item.path)
    return FileResult(document=DocumentRecord(doc_id="", source=item.source, format=fmt, status=Status.error,
                                              error=reason),
                      error=ErrorRecord(item.source, Stage.read, reason, hint))


def _init(rules: Rules, fail_fast: bool) -> None:
    """In each worker: the models inherited by fork, or (spawn) loaded here from the rules sent along."""
    global _WORKER
    _die_with_parent()
    if _WORKER is None:
        from ..nlp import Tagger
        _WORKER = _Worker(rules, Tagger(rules), fail_fast)
    limit_memory(rules.limits.max_memory_mb)


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the run that started it dies (killed, out of memory),
    so no orphan is left holding files or memory."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        log.debug("cannot ask to die with the parent on this system")


def _process_batch(batch: list[Found]) -> list[FileResult]:
    assert _WORKER is not None
    results = []
    for f in batch:
        with stop_after(hard_stop(_WORKER.rules.limits)):
            results.append(stages.process_file(Path(f.path), f.source, _WORKER.rules, _WORKER.tagger,  # type: ignore[arg-type]
                                        _WORKER.fail_fast))
    return results


def hard_stop(limits: Limits) -> int:
    """Seconds after which a worker stuck on one file is stopped: its time limit plus a margin for the
    time limit's own error to come first."""
    return limits.max_seconds + max(5, limits.max_seconds // 10)


@contextmanager
def stop_after(seconds: int) -> Iterator[None]:
    """End this worker process when the block runs longer than `seconds` (its pool then sees it die)."""
    timer = threading.Timer(seconds, os._exit, args=(STOPPED_EXIT,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()

"""Files processed on a Dask cluster (`--executor dask`): batches sent to worker processes that load the rules
and models once, a bounded number in flight, results as they complete, a worker that dies costing only its file."""
from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

from .. import stages
from ..errors import MissingTool, RuleError, ServiceError
from ..model import FileResult
from ..rules import Rules, default_rules_dir, load_rules
from .executors import BATCH_FILES, Process
from .plan import Found
from .workers import IN_FLIGHT, balanced, crashed_result, failed_result, hard_stop, stop_after

try:
    from distributed import Client, Future, LocalCluster, Worker, WorkerPlugin, as_completed, get_worker
    from distributed.comm.core import CommClosedError
    from distributed.scheduler import KilledWorker
except ImportError as exc:
    raise MissingTool("dask", "pip install 'notices[dask]'", "the dask executor needs dask.distributed") from exc

log = logging.getLogger(__name__)

PLUGIN = "notices"
CONNECT_SECONDS = 30  # to reach a scheduler, and for it to have a worker
RETRY_SECONDS = (1, 3, 9)  # waits before the models are sent again to workers that died loading them
DIED_STARTING = "see the workers' logs; a worker killed while loading them is often out of memory (each needs about 1 GB)"
SAME_VERSIONS = "install the same notices version and rules/ on every worker as on this machine, then restart them"
SHARED_INBOX = "every worker must see the inbox at the same path as this machine (a shared mount)"
_LOADED: dict[str, _Models] = {}  # in a worker process: its models, by rules version, kept from run to run


@dataclass(frozen=True, slots=True)
class _Models:
    rules: Rules
    tagger: object


class Loader(WorkerPlugin):
    """On every worker, at once and again after each restart: the rules and models loaded once; a worker
    whose pipeline or rules differ from the driver's refuses work."""

    def __init__(self, package: str, rules_version: str, rules_dir: str | None) -> None:
        self.package = package
        self.rules_version = rules_version
        self.rules_dir = rules_dir  # None: the rules installed with the worker's own package
        self.models: _Models | None = None
        self.refusal = ""

    def setup(self, worker: Worker) -> None:
        from .. import __version__
        try:
            rules = load_rules(Path(self.rules_dir) if self.rules_dir else None)
        except RuleError as exc:
            self.refusal = f"worker {worker.address} cannot load the rules: {exc}"
            raise ServiceError(self.refusal, SAME_VERSIONS) from None
        if (__version__, rules.version) != (self.package, self.rules_version):
            self.refusal = (f"worker {worker.address} runs notices {__version__} with rules {rules.version}; "
                            f"this run uses notices {self.package} with rules {self.rules_version}")
            raise ServiceError(self.refusal, SAME_VERSIONS)
        if rules.version not in _LOADED:
            from ..nlp import Tagger
            _LOADED.clear()
            _LOADED[rules.version] = _Models(rules, Tagger(rules))
            gc.freeze()  # the models are never garbage: collections need not walk their millions of objects
        self.models = _LOADED[rules.version]


def on_dask(rules: Rules, workers: int, scheduler: str | None = None, fail_fast: bool = False,
            batch_size: int = BATCH_FILES) -> Process:
    """A batch processor for the runner on the Dask cluster at `scheduler`, else on a local one of
    `workers` processes with one thread each; raises ServiceError when the cluster cannot be used."""
    from .. import __version__
    shipped = rules.directory.resolve() == default_rules_dir().resolve()
    loader = Loader(__version__, rules.version, None if shipped else os.path.abspath(rules.directory))

    def process(items: list[Found]) -> Iterator[list[FileResult]]:
        with _client(scheduler, workers) as client:
            _register(client, loader)
            threads = max(1, sum(client.nthreads().values()))
            files = [replace(f, path=Path(os.path.abspath(f.path))) for f in items]  # the same on every worker
            yield from _isolated(client, balanced(files, threads, batch_size), threads * IN_FLIGHT, fail_fast,
                                 hard_stop(rules.limits))
    return process


@contextmanager
def _client(scheduler: str | None, workers: int) -> Iterator[Client]:
    if scheduler is None:
        # allowed_failures=0: a batch whose worker died comes back at once, and _isolated re-runs its files
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.CRITICAL, scheduler_kwargs={"allowed_failures": 0}) as cluster, \
                Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError) as exc:
        raise ServiceError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                           "start it (see the README, running distributed) or check the address") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except TimeoutError:
            raise ServiceError(f"no Dask worker joined the scheduler at {scheduler} within {CONNECT_SECONDS} s",
                               "start the workers (dask worker ...)") from None
        yield client


def _register(client: Client, loader: Loader) -> None:
    """Every worker loads the models before the first batch is sent (and again after it restarts). A worker
    that dies while loading them (killed, out of memory) is waited for, as its nanny starts it again, and
    the models are sent again; after RETRY_SECONDS, one line says so."""
    for wait in (*RETRY_SECONDS, None):
        try:
            client.register_plugin(loader, name=PLUGIN)
            return
        except ServiceError as exc:
            raise ServiceError(exc.reason, SAME_VERSIONS) from None
        except (CommClosedError, OSError) as exc:
            if wait is None:
                raise ServiceError(f"Dask workers died while loading the rules and models, {len(RETRY_SECONDS) + 1} "
                                   f"times ({type(exc).__name__})", DIED_STARTING) from None
            log.warning("a Dask worker died while loading the rules and models; trying again in %d s", wait)
            time.sleep(wait)
            with suppress(TimeoutError):
                client.wait_for_workers(1, timeout=CONNECT_SECONDS)


def _isolated(client: Client, work: list[list[Found]], slots: int, fail_fast: bool,
              stop: int) -> Iterator[list[FileResult]]:
    """Every batch; the files of a batch whose worker died again one per task, and a file whose worker
    died again once more on its own, so that no file is blamed for a neighbour's crash (nor for the hard
    stop after `stop` seconds that ended a worker stuck on it)."""
    crashed: list[list[Found]] = []
    yield from _run(client, work, slots, fail_fast, crashed)
    if not crashed:
        return
    files = [item for batch in crashed for item in batch]
    log.warning("a worker died; reading its %d files again one per task", len(files))
    suspects: list[list[Found]] = []
    yield from _run(client, [[item] for item in files], slots, fail_fast, suspects)
    for alone in suspects:
        died: list[list[Found]] = []
        started = time.monotonic()
        yield from _run(client, [alone], 1, fail_fast, died)
        if died:
            log.warning("%s: its worker died again while reading it alone", alone[0].source)
            yield [crashed_result(alone[0], stopped_after=stop if time.monotonic() - started >= stop else 0)]


def _run(client: Client, work: list[list[Found]], slots: int, fail_fast: bool,
         crashed: list[list[Found]]) -> Iterator[list[FileResult]]:
    """Results of the batches as they complete, at most `slots` in flight; batches whose worker died go
    to `crashed`."""
    pending = list(reversed(work))
    running: dict[Future[list[FileResult]], list[Found]] = {}
    finished = as_completed()

    def fill() -> None:
        while pending and len(running) < slots:
            batch = pending.pop()
            future = client.submit(_read_batch, batch, fail_fast, pure=False)
            running[future] = batch
            finished.add(future)
    fill()
    for future in finished:
        batch = running.pop(future)
        results = _result(future)
        fill()  # the cluster works on while this batch is stored
        if results is None:
            crashed.append(batch)
        else:
            yield results


def _result(future: Future[list[FileResult]]) -> list[FileResult] | None:
    """The batch's results, or None when its worker died."""
    try:
        return future.result()
    except (KilledWorker, CommClosedError):
        return None
    except ServiceError as exc:  # a worker refused the batch
        raise ServiceError(exc.reason, SAME_VERSIONS) from None
    finally:
        future.release()


# --- in the worker ---------------------------------------------------------------------------

def _read_batch(batch: list[Found], fail_fast: bool) -> list[FileResult]:
    worker = get_worker()
    loader = worker.plugins.get(PLUGIN)
    if not isinstance(loader, Loader) or loader.models is None:
        raise ServiceError(getattr(loader, "refusal", "") or f"worker {worker.address} has not loaded the rules")
    stop = hard_stop(loader.models.rules.limits)
    results = []
    for item in batch:
        # the time limit of process_file is a signal, which reaches only a main thread, never a Dask task's
        with stop_after(stop):
            results.append(_read_one(item, loader.models, worker.address, fail_fast))
    return results


def _read_one(item: Found, models: _Models, where: str, fail_fast: bool) -> FileResult:
    """One file, checked to be the bytes the run planned: workers read the inbox from a shared mount."""
    if not item.path.is_file():
        return failed_result(item, f"{item.source}: not found at {item.path} on worker {where}", SHARED_INBOX)
    result = stages.process_file(item.path, item.source, models.rules, models.tagger, fail_fast)  # type: ignore[arg-type]
    read = result.document.sha256
    if item.sha256 and read and read != item.sha256:
        return failed_result(item, f"{item.source}: worker {where} read other bytes than this run planned "
                                   f"(sha256 {read[:12]}, planned {item.sha256[:12]})",
                             SHARED_INBOX + "; or the file changed during the run, and the next run reads it")
    return result

"""Test only: a Dask worker preload (`distributed.worker.preload`) that kills its worker at once on any file
whose name holds "crash", as a segfault in a native library would (the hook of tests/test_workers.py), and
stalls on one whose name holds "hang", as a native library stuck in a loop would; with
NOTICES_TEST_DIE_STARTING, the first worker to load the models dies while loading them."""
from __future__ import annotations

import os
import time

from pipeline import stages


def dask_setup(worker: object) -> None:
    real = stages.process_file

    def crash_on_marked(path, source, rules, tagger, fail_fast=False):  # type: ignore[no-untyped-def]
        if "crash" in source:
            os._exit(70)
        if "hang" in source:
            time.sleep(3600)
        return real(path, source, rules, tagger, fail_fast)
    stages.process_file = crash_on_marked  # type: ignore[assignment]


def _die_once_while_starting(folder: str) -> None:
    """With NOTICES_TEST_DIE_STARTING set to a folder: the first worker to load the models dies while doing
    so, as a worker killed while starting would; the workers that start after it load them."""
    from pipeline.engine import cluster
    real = cluster.Loader.setup

    def setup(self, worker):  # type: ignore[no-untyped-def]
        try:
            os.mkdir(os.path.join(folder, "died"))
        except FileExistsError:
            return real(self, worker)
        os._exit(71)
    cluster.Loader.setup = setup  # type: ignore[method-assign]


if os.environ.get("NOTICES_TEST_DIE_STARTING"):
    _die_once_while_starting(os.environ["NOTICES_TEST_DIE_STARTING"])

"""Test only: a Dask worker preload (`distributed.worker.preload`) that kills its worker at once on any file
whose name holds "crash", as a segfault in a native library would (the hook of tests/test_workers.py), and
stalls on one whose name holds "hang", as a native library stuck in a loop would."""
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

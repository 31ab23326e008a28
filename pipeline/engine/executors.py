"""Executors: what turns batches of planned files into results. Each calls stages.process_file; the
runner takes whichever `choose` gives and does not know where the files are read."""
from __future__ import annotations

from collections.abc import Callable, Iterator

from .. import stages
from ..model import FileResult
from ..nlp import Tagger
from ..rules import Rules
from .options import Executor, RunOptions
from .plan import Found

BATCH_FILES = 25  # files per batch: one transaction each, and the unit given to a worker
Process = Callable[[list[Found]], Iterator[list[FileResult]]]


def batches(items: list[Found], size: int = BATCH_FILES) -> Iterator[list[Found]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def serial(rules: Rules, fail_fast: bool = False) -> Process:
    """Process batches one file after another in this process (rules and models loaded once)."""
    tagger = Tagger(rules)

    def process(items: list[Found]) -> Iterator[list[FileResult]]:
        for batch in batches(items):
            yield [stages.process_file(f.path, f.source, rules, tagger, fail_fast) for f in batch]
    return process


def choose(options: RunOptions) -> Callable[[Rules], Process]:
    """The executor the options name, made once the rules are loaded (worker processes and Dask are imported
    only when asked for)."""
    def processor(rules: Rules) -> Process:
        if options.executor is Executor.dask:
            from .cluster import on_dask
            return on_dask(rules, max(options.workers, 1), options.scheduler, options.fail_fast)
        if options.workers >= 1:
            from .workers import parallel
            return parallel(rules, options.workers, options.fail_fast)
        return serial(rules, options.fail_fast)
    return processor

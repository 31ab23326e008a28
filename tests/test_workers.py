"""Worker processes: the same results as one process, and a worker that dies costs only its file."""
from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path
from typing import Self

import pytest

from pipeline import stages

from .conftest import AS_OF, SAMPLES, run

SEEDS = sorted(p for p in SAMPLES.glob("*.txt") if p.name.count(".") == 1)


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(3):
        for path in SEEDS:
            shutil.copy(path, folder / f"{n}_{path.name}")
            (folder / f"{n}_{path.name}").write_text(path.read_text(encoding="utf-8") + f"\n{n}\n", encoding="utf-8")
    return folder


def _tables(out: Path) -> dict[str, str]:
    return {name: (out / f"{name}.csv").read_text(encoding="utf-8-sig")
            for name in ("documents", "requirements", "progress", "errors")}


def test_workers_give_the_same_tables_as_one_process(inbox: Path, tmp_path: Path) -> None:
    here = run(inbox, tmp_path / "here", today=AS_OF, workers=0)  # in this process
    one = run(inbox, tmp_path / "one", today=AS_OF, workers=1)
    two = run(inbox, tmp_path / "two", today=AS_OF, workers=2)
    assert (here.files, here.failed) == (one.files, one.failed) == (two.files, two.failed) == (15, 0)
    assert _tables(tmp_path / "here") == _tables(tmp_path / "one") == _tables(tmp_path / "two")


def test_workers_run_leaves_no_models_in_the_parent(inbox: Path, tmp_path: Path) -> None:
    """Once its workers are done, the run's process lets go of jieba's dictionary and the tagger (room for
    the outputs); the next run loads them again and reads the same."""
    import jieba

    from pipeline.engine import workers
    first = run(inbox, tmp_path / "first", today=AS_OF, workers=2)
    assert workers._WORKER is None and not jieba.dt.initialized and not jieba.dt.FREQ
    second = run(inbox, tmp_path / "second", today=AS_OF, workers=2)
    assert (first.files, first.failed) == (second.files, second.failed) == (15, 0)
    assert _tables(tmp_path / "first") == _tables(tmp_path / "second")


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_a_crashing_file_costs_only_itself(inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   workers: int) -> None:
    real = stages.process_file

    def crash_on_marked(path, source, rules, tagger, fail_fast=False):  # type: ignore[no-untyped-def]
        if "crash" in source:
            os._exit(70)  # the worker process dies at once, as on a segfault in a native library
        return real(path, source, rules, tagger, fail_fast)
    monkeypatch.setattr(stages, "process_file", crash_on_marked)  # inherited by the forked workers
    shutil.copy(SEEDS[1], inbox / "crash_me.txt")
    summary = run(inbox, tmp_path / "out", workers=workers, today=AS_OF)
    assert (summary.files, summary.failed) == (16, 1)
    errors = list(csv.DictReader(io.StringIO(_tables(tmp_path / "out")["errors"])))
    assert [(e["source"], e["stage"]) for e in errors] == [("crash_me.txt", "read")]
    assert errors[0]["reason"].startswith("crash_me.txt: the worker crashed while reading the file")


def test_workers_balanced_batches_largest_first() -> None:
    from pipeline.engine.plan import Found
    from pipeline.engine.workers import balanced
    items = [Found(Path(f"f{n}"), f"f{n}", size, 0) for n, size in enumerate([5, 900, 40, 7, 900, 3, 60, 1, 2, 8])]
    batches = balanced(items, workers=2, batch_size=25)
    assert [len(b) for b in batches] == [2, 2, 2, 2, 2]  # ten files: at least four batches a worker would be 1-2
    assert [f.source for b in batches for f in b] == ["f1", "f4", "f6", "f2", "f9", "f3", "f0", "f5", "f8", "f7"]
    assert [len(b) for b in balanced(items * 30, workers=2, batch_size=25)] == [25] * 12
    assert balanced([], workers=2, batch_size=25) == []


def test_workers_pool_broken_between_batches_loses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies while results are being stored breaks the pool before the next batch is sent:
    that batch and the rest go on in a new pool."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from pipeline.engine import workers
    from pipeline.engine.plan import Found
    submitted: list[str] = []

    class Pool:
        def __enter__(self) -> Self:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def submit(self, fn: object, batch: list[Found]) -> Future:
            submitted.append(batch[0].source)
            if len(submitted) == 2:
                raise BrokenProcessPool("a child process terminated abruptly")
            future: Future = Future()
            future.set_result([f.source for f in batch])
            return future

    monkeypatch.setattr(workers, "_pool", lambda n: Pool())
    batches = [[Found(Path(name), name, 1, 0)] for name in "abcde"]
    assert sorted(r for results in workers._run_pool(batches, 1) for r in results) == list("abcde")
    assert submitted == ["a", "b", "b", "c", "d", "e"]

"""Worker processes: the same results as one process, and a worker that dies costs only its file."""
from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.batch import run

from .conftest import SAMPLES

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
    one = run(inbox, tmp_path / "one", today=None, workers=1)
    two = run(inbox, tmp_path / "two", today=None, workers=2)
    assert (one.files, one.failed) == (two.files, two.failed) == (15, 0)
    assert _tables(tmp_path / "one") == _tables(tmp_path / "two")


def test_workers_a_crashing_file_costs_only_itself(inbox: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch.process_file

    def crash_on_marked(path, source, rules, tagger, fail_fast=False):  # type: ignore[no-untyped-def]
        if "crash" in source:
            os._exit(70)  # the worker process dies at once, as on a segfault in a native library
        return real(path, source, rules, tagger, fail_fast)
    monkeypatch.setattr(batch, "process_file", crash_on_marked)  # inherited by the forked workers
    shutil.copy(SEEDS[1], inbox / "crash_me.txt")
    summary = run(inbox, tmp_path / "out", workers=2)
    assert (summary.files, summary.failed) == (16, 1)
    errors = list(csv.DictReader(io.StringIO(_tables(tmp_path / "out")["errors"])))
    assert [(e["source"], e["stage"]) for e in errors] == [("crash_me.txt", "read")]
    assert errors[0]["reason"].startswith("crash_me.txt: the worker crashed while reading the file")

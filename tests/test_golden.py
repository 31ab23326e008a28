"""Golden files: each sample's tables compared exactly with tests/golden/<sample>/<table>.csv.

PIPELINE_UPDATE_GOLDEN=1 rewrites them; review the diff like code.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.export import tables_of, write_csv
from pipeline.model import FileResult

from .conftest import GOLDEN, sample_files

UPDATE = os.environ.get("PIPELINE_UPDATE_GOLDEN") == "1"
TABLES = ("documents", "requirements", "progress")


def _csv(result: FileResult, table: str, tmp: Path) -> str:
    columns, rows = tables_of([result])[table]
    path = tmp / f"{table}.csv"
    write_csv(path, columns, rows)
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("sample", [p.name for p in sample_files()])
@pytest.mark.parametrize("table", TABLES)
def test_golden_sample_table(sample_results: dict[str, FileResult], tmp_path: Path, sample: str, table: str) -> None:
    got = _csv(sample_results[sample], table, tmp_path)
    golden = GOLDEN / sample / f"{table}.csv"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(got, encoding="utf-8", newline="")
    assert golden.exists(), f"no golden file {golden}; run with PIPELINE_UPDATE_GOLDEN=1 and review it"
    assert got == golden.read_text(encoding="utf-8")


def test_golden_update_not_set_in_ci() -> None:
    assert not (UPDATE and os.environ.get("CI")), "PIPELINE_UPDATE_GOLDEN must never be set in CI"


def test_golden_no_stale_folders() -> None:
    names = {p.name for p in sample_files()}
    assert {p.name for p in GOLDEN.iterdir() if p.is_dir()} <= names

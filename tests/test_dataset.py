"""Records after storage: every stored form of a record (the state's JSON, notices.db, PostgreSQL's typed
cells) gives the record back, so the outputs are made from the model's dataclasses, not rows."""
from __future__ import annotations

import json
import shutil
from dataclasses import astuple
from datetime import date, time
from pathlib import Path

from pipeline.dataset import FileMarks, record_of, row_of
from pipeline.engine.state import State
from pipeline.export.tables import read_snapshot
from pipeline.model import Comparator, FileResult, Per, ReqKind, Requirement

from .conftest import SAMPLES, run


def test_dataset_every_sample_record_comes_back_from_its_row(sample_results: dict[str, FileResult]) -> None:
    for result in sample_results.values():
        records = [result.document, *result.requirements, *result.progress]
        records += [result.error] if result.error else []
        for record in records:
            row = row_of(record)
            stored = json.loads(json.dumps(row, default=str))  # as the state keeps it: dates as text
            assert record_of(type(record), row) == record
            assert record_of(type(record), stored) == record


def test_dataset_typed_cells_and_defaults() -> None:
    """PostgreSQL gives dates and floats; a missing or empty cell takes the field's default."""
    row = {"req_id": "d-1", "doc_id": "d", "source": "a.txt", "section": "", "text": "每年不少于32学时",
           "kind": "quota", "due_date": date(2027, 6, 30), "due_time": "17:00", "per": "year", "quantity": 32,
           "comparator": ">=", "emails": "a@b.cn;c@d.cn", "page": None, "flags": "", "unit": "学时"}
    got = record_of(Requirement, row)
    assert (got.kind, got.per, got.comparator, got.quantity) == (ReqKind.quota, Per.year, Comparator.ge, 32.0)
    assert (got.due_date, got.due_time, got.emails, got.flags) == (date(2027, 6, 30), time(17), ("a@b.cn", "c@d.cn"), ())
    assert (got.page, got.char_start, got.organization) == (None, 0, "")


def test_dataset_output_folder_gives_back_the_stored_records(tmp_path: Path) -> None:
    """`notices export` reads notices.db: the records and marks are those the run state holds."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for path in sorted(SAMPLES.iterdir()):
        if path.is_file():
            shutil.copy(path, inbox)
    run(inbox, out)
    (inbox / min(p.name for p in inbox.iterdir())).unlink()  # one file gone: its rows marked withdrawn
    run(inbox, out)
    with State(out) as state:
        stored = state.snapshot()
    written = read_snapshot(out)
    for table in ("documents", "requirements", "progress", "errors"):
        assert [astuple(r) for r in getattr(written, table)] == [astuple(r) for r in getattr(stored, table)], table
    assert {s: m for s, m in written.files.items() if m != FileMarks()} == \
        {s: m for s, m in stored.files.items() if m != FileMarks()}
    assert any(m.withdrawn for m in written.files.values())


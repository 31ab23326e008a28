"""Invariants on every sample: spans quote the normalised text, enums hold allowed values, dates are ISO."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from pipeline.model import Comparator, FileResult, Format, Per, ProgressStatus, ReqKind, Stage, Status

from .conftest import sample_files

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HH_MM = re.compile(r"^\d{2}:\d{2}$")
SPEC_COLUMNS = {
    "documents": "doc_id, source, format, title, issuer, doc_number, issued_on, addressee, as_of, pages, status, error",
    "requirements": "req_id, doc_id, source, section, text, kind, organization, audience, recipient, action, due_date, "
                    "due_time, window_start, window_end, recurrence, per, quantity, quantity_max, unit, comparator, "
                    "emails, page, char_start, char_end",
    "progress": "doc_id, source, as_of, category, seq, item, description, lead_org, partner_orgs, period_text, "
                "period_start, period_end, status, status_text",
    "errors": "source, stage, reason",
}
ALLOWED = {
    ("requirements", "kind"): {k.value for k in ReqKind},
    ("requirements", "per"): {p.value for p in Per} | {""},
    ("requirements", "comparator"): {c.value for c in Comparator} | {""},
    ("progress", "status"): {s.value for s in ProgressStatus} | {""},
    ("documents", "status"): {s.value for s in Status},
    ("documents", "format"): {f.value for f in Format},
    ("errors", "stage"): {s.value for s in Stage},
}
DATES = {"documents": ("issued_on", "as_of"), "requirements": ("due_date", "window_start", "window_end"),
         "progress": ("as_of", "period_start", "period_end")}


@pytest.mark.parametrize("sample", [p.name for p in sample_files()])
def test_invariant_text_is_the_span(sample_results: dict[str, FileResult], sample: str) -> None:
    result = sample_results[sample]
    for row in result.requirements:
        assert 0 <= row.char_start < row.char_end <= len(result.text)
        assert result.text[row.char_start:row.char_end] == row.text, row.req_id
        assert len(row.text) <= 300


def _rows(output: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (output / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("table", SPEC_COLUMNS)
def test_invariant_spec_columns_first(samples_output: Path, table: str) -> None:
    columns, _ = _rows(samples_output, table)
    spec = SPEC_COLUMNS[table].split(", ")
    assert columns[:len(spec)] == spec


@pytest.mark.parametrize("table, column", sorted(ALLOWED))
def test_invariant_enum_values(samples_output: Path, table: str, column: str) -> None:
    _, rows = _rows(samples_output, table)
    assert {r[column] for r in rows} <= ALLOWED[(table, column)]


@pytest.mark.parametrize("table", sorted(DATES))
def test_invariant_dates_iso(samples_output: Path, table: str) -> None:
    _, rows = _rows(samples_output, table)
    for row in rows:
        for column in DATES[table]:
            assert row[column] == "" or ISO_DATE.match(row[column]), (column, row[column])


def test_invariant_times_hh_mm(samples_output: Path) -> None:
    _, rows = _rows(samples_output, "requirements")
    assert all(r["due_time"] == "" or HH_MM.match(r["due_time"]) for r in rows)


def test_invariant_csv_has_bom(samples_output: Path) -> None:
    for path in samples_output.rglob("*.csv"):
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path

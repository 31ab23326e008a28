"""Staff marks on the checklists (issue 18): every row's stable key, marks read back from the workbook and
the CSVs people edited, kept through re-reads, new and changed notices, `--full` and rule changes, and
set from the command line with `notices done`."""
from __future__ import annotations

import csv
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.dataset import Mark
from pipeline.export.checklists import ALL, Horizon, checklists, every_item, notice_of
from pipeline.export.marks import Edit, merge
from pipeline.export.words import status_of, words
from pipeline.model import FileResult
from pipeline.rules import default_rules_dir

from .conftest import SAMPLES, run

SPAN = Horizon(date(2026, 12, 7), date(2027, 12, 7), ((1, 15), (7, 10)))
# A day the 2017 seed notice is in force (its validity: 2017-06-19 to 2018-06-18), so that its duties are
# current and its recurring ones fall due in the lists: the rows staff mark.
IN_FORCE = date(2017, 6, 20)
SEEDS = ("001", "003", "004")
W = words()  # the checklists' words: headers and sheet names in Chinese


def _keys(result: FileResult) -> set[str]:
    doc = result.document
    lists = checklists(list(result.requirements), list(result.progress), SPAN, {doc.doc_id: notice_of(doc)})
    return {i.key for i in every_item(lists)}


def test_marks_key_is_the_same_in_every_format(sample_results: dict[str, FileResult]) -> None:
    """Every sample in every format (text, Word, .doc, PDF, scans, a web page, spreadsheets) gives its
    notice's rows the same keys."""
    by_seed: dict[str, list[tuple[str, set[str]]]] = {}
    for name, result in sorted(sample_results.items()):
        by_seed.setdefault(name[:3], []).append((name, _keys(result)))
    for seed, renditions in by_seed.items():
        first = renditions[0][1]
        assert first, seed
        for name, keys in renditions:
            assert keys == first, name


def test_marks_status_words_in_both_languages() -> None:
    assert [status_of(w) for w in ("已办", "done", "在办", "doing", "未办", "", "完了")] == \
        ["done", "done", "doing", "doing", "todo", "", None]
    assert words().status("done") == "已办" and words().status("") == "未办" and words("en").status("done") == "done"


def test_marks_newest_edit_wins_and_the_conflict_is_reported() -> None:
    stored = {"k": Mark("k", status="doing", updated="2026-12-01T08:00:00")}
    older = Edit("k", "todo", "张三", None, "", datetime(2026, 11, 30, 9), "checklists.xlsx [机关党委]")
    sheet = Edit("k", "done", "", None, "", datetime(2026, 12, 2, 9), "checklists.xlsx [机关党委]")
    csv_edit = Edit("k", "doing", "李四", None, "", datetime(2026, 12, 3, 9), "checklists/机关党委.csv")
    merged = merge(stored, [older, sheet, csv_edit])
    assert [(m.status, m.assignee, m.origin) for m in merged.marks] == [("doing", "李四", "checklists/机关党委.csv")]
    assert len(merged.conflicts) == 1 and "checklists/机关党委.csv" in merged.conflicts[0]
    done = merge(stored, [sheet]).marks[0]
    assert done.done_on == date(2026, 12, 2)  # marked done without a day: the day the file was saved
    assert merge(stored, [older]).marks == []  # a file older than the mark is behind, not an edit


# --- the mark-survival trial ---------------------------------------------------------------------

def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for seed in SEEDS:
        shutil.copy(SAMPLES / f"{seed}_{_hash(seed)}.txt", inbox)
    return inbox


def _hash(seed: str) -> str:
    return next(p.name for p in SAMPLES.glob(f"{seed}_*.txt") if p.name.count(".") == 1)[4:-4]


KEPT = ("status", "assignee", "note")
DESCRIBED = ("due_date", "evidence")  # what a mark's obligation was, to find it again when its key moved


def _mark_workbook(out: Path, sheet_name: str, rows: int, value: dict[str, str]) -> dict[str, dict[str, str]]:
    """Mark the first `rows` rows of a sheet as staff would in Excel; returns the marks by key."""
    from openpyxl import load_workbook
    book = load_workbook(out / "checklists.xlsx")
    sheet = book[sheet_name]
    header = [c.value for c in sheet[1]]
    marked = {}
    for row in sheet.iter_rows(min_row=2, max_row=rows + 1):
        for column, text in value.items():
            row[header.index(W.column(column))].value = text
        cells = {h: _text(c.value) for h, c in zip(header, row)}
        marked[cells[W.column("key")]] = {**value, **{c: cells[W.column(c)] for c in DESCRIBED}}
    book.save(out / "checklists.xlsx")
    return marked


def _mark_csv(path: Path, rows: list[int], value: dict[str, str]) -> dict[str, dict[str, str]]:
    """Mark rows of a checklist CSV and save it as Excel on a Chinese Windows does (GB18030)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    header = table[0]
    marked = {}
    for n in rows:
        for column, text in value.items():
            table[n][header.index(W.column(column))] = text
        cells = dict(zip(header, table[n]))
        marked[cells[W.column("key")]] = {**value, **{c: cells[W.column(c)] for c in DESCRIBED}}
    with path.open("w", encoding="gb18030", newline="") as f:
        csv.writer(f).writerows(table)
    return marked


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    return "" if value is None else str(value)


def _rows(out: Path) -> list[dict[str, str]]:
    """Every row of the workbook's organisation sheets and of its removed sheet, with its sheet (removed for
    the removed sheet), by column id."""
    from openpyxl import load_workbook
    book = load_workbook(out / "checklists.xlsx", read_only=True)
    ids = {W.column(c): c for c in ("key", "status", "assignee", "note", "due_date", "evidence", "text")}
    found = []
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [ids.get(str(h), str(h)) for h in next(rows)]
        name = "removed" if sheet.title == W.sheet("removed") else sheet.title
        if sheet.title != W.sheet(ALL):
            found += [{"sheet": name, **{h: _text(v) for h, v in zip(header, row)}} for row in rows]
    book.close()
    return found


def _check(out: Path, wanted: dict[str, dict[str, str]]) -> dict[str, int]:
    """Each wanted mark on its row (same key), moved to the row its obligation now has (a rule changed how
    its clause is cut: same date, one clause holding the other), or on the removed sheet; never lost."""
    rows = _rows(out)
    by_key = {r["key"]: r for r in rows if r["sheet"] != "removed"}
    removed = {r["key"]: r for r in rows if r["sheet"] == "removed"}
    tally = {"in place": 0, "moved": 0, "removed": 0}
    for key, marks in wanted.items():
        if key in by_key:
            row, how = by_key[key], "in place"
        elif key in removed:
            row, how = removed[key], "removed"
        else:
            row = next(r for r in by_key.values() if r["due_date"] == marks["due_date"] and r["key"] not in wanted
                       and _holds(r["evidence"], marks["evidence"]) and r["status"] == marks["status"])
            how = "moved"
        assert all(row[c] == marks[c] for c in KEPT if c in marks), (key, marks, row)
        tally[how] += 1
    return tally


def _holds(a: str, b: str) -> bool:
    """One clause holds the other, whatever their punctuation."""
    a, b = ("".join(c for c in t if c.isalnum()) for t in (a, b))
    return a in b or b in a


def test_marks_survive_every_kind_of_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    run(inbox, out, today=IN_FORCE)
    wanted = _mark_workbook(out, "机关党支部", 8, {"status": "已办", "assignee": "张三"})
    wanted |= _mark_csv(out / "checklists" / "党支部.csv", [1, 2, 3], {"status": "在办", "note": "已联系"})
    table: list[tuple[str, dict[str, int]]] = []

    summary = run(inbox, out, today=IN_FORCE)  # nothing changed but the marks
    assert summary.marks_read == 11 and summary.exported
    table.append(("marks read back", _check(out, wanted)))

    seed = SAMPLES / "002_92432040ea6714fc.txt"
    shutil.copy(seed, inbox)  # a new notice
    changed = inbox / f"004_{_hash('004')}.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附件:联系人名单\n", encoding="utf-8")
    assert run(inbox, out, today=IN_FORCE).marks_read == 0
    table.append(("a new notice, one changed", _check(out, wanted)))

    run(inbox, out, full=True, today=IN_FORCE)
    table.append(("--full", _check(out, wanted)))

    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    patterns = rules / "patterns.yaml"
    patterns.write_text(patterns.read_text(encoding="utf-8").replace('regex: "[。!?;]"', 'regex: "[。!?]"'),
                        encoding="utf-8")  # a rule change: a semicolon no longer ends a clause
    run(inbox, out, rules=rules, today=IN_FORCE)
    table.append(("a rule changed", _check(out, wanted)))

    wanted = _moved(out, wanted)
    first = min(inbox.glob("001_*"))
    first.unlink()  # the notice of the marked 机关党支部 rows is gone: its marks go to the removed sheet
    run(inbox, out, rules=rules, today=IN_FORCE)
    gone = _check(out, wanted)
    table.append(("a notice removed", gone))
    assert gone["removed"] >= 1
    print("\n".join(f"{event}: {tally}" for event, tally in table))


def _moved(out: Path, wanted: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The wanted marks under the keys their rows have now."""
    everything = _rows(out)
    rows = [r for r in everything if r["sheet"] != "removed"]
    keys = {r["key"] for r in everything}
    out_marks = {}
    for key, marks in wanted.items():
        if key not in keys:
            row = next(r for r in rows if r["due_date"] == marks["due_date"] and r["key"] not in wanted
                       and r["key"] not in out_marks and _holds(r["evidence"], marks["evidence"]))
            key, marks = row["key"], {**marks, "evidence": row["evidence"]}
        out_marks[key] = marks
    return out_marks


def test_marks_done_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox, out = _inbox(tmp_path), tmp_path / "out"
    run(inbox, out, today=IN_FORCE)
    rows = list(csv.DictReader((out / "checklists" / "机关党委.csv").open(encoding="utf-8-sig")))
    key = rows[0]["键"]
    assert main(["done", "-o", str(out), "--today", str(IN_FORCE), "--assignee", "王五", key]) == 0
    assert capsys.readouterr().out.split("\t")[:4] == [key, rows[0]["截止日期"] or "-", "已办", "王五"]
    after = {r["键"]: r for r in csv.DictReader((out / "checklists" / "机关党委.csv").open(encoding="utf-8-sig"))}
    assert (after[key]["状态"], after[key]["承办人"], after[key]["完成日期"]) == ("已办", "王五", str(IN_FORCE))  # --today
    assert main(["status", "-o", str(out), "--today", str(IN_FORCE), "--org", "机关党委"]) == 0
    assert key in capsys.readouterr().out
    assert main(["done", "-o", str(out), "--today", str(IN_FORCE), "--org", "分党委", key]) == 2  # not a row of 分党委
    assert "no row in 分党委 has the key" in capsys.readouterr().err
    assert main(["done", "-o", str(out), "--status", "完了", key]) == 2

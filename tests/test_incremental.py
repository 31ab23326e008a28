"""Nightly runs: incremental, idempotent, safe against kills and concurrent runs, and watching a folder."""
from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from pipeline.cli import main

from .conftest import ROOT, SAMPLES, TODAY, output_hashes, run

SEEDS = sorted(p for p in SAMPLES.glob("*.txt") if p.name.count(".") == 1)



@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for path in SEEDS:
        shutil.copy2(path, folder)
    return folder


def _run(inbox: Path, out: Path, *extra: str) -> int:
    return main(["run", str(inbox), "-o", str(out), "--today", TODAY, *extra])


outputs = output_hashes


def _rows(out: Path, table: str) -> list[dict[str, str]]:
    with (out / f"{table}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_incremental_unchanged_rerun_processes_nothing(inbox: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert _run(inbox, out) == 0
    before = outputs(out)
    capsys.readouterr()
    assert _run(inbox, out) == 0
    assert "this run: 0 new, 0 changed, 5 unchanged" in capsys.readouterr().out
    assert outputs(out) == before


def test_incremental_touch_reprocesses_nothing(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    before = outputs(out)
    later = time.time() + 100
    for path in inbox.iterdir():
        os.utime(path, (later, later))
    summary = run(inbox, out)
    assert (summary.new, summary.changed, summary.unchanged, summary.exported) == (0, 0, 5, False)
    assert outputs(out) == before


def test_incremental_deleted_outputs_are_written_again(inbox: Path, tmp_path: Path) -> None:
    """Outputs someone deleted come back at the next run, though no file changed (issue 21)."""
    out = tmp_path / "out"
    run(inbox, out)
    before = outputs(out)
    for name in ("requirements.parquet", "notices.db", "checklists.xlsx"):
        (out / name).unlink()
    (out / "report" / "index.html").unlink()  # a file inside a folder of outputs
    (out / "checklists").unlink()  # the folder itself (its link to the current outputs)
    summary = run(inbox, out)
    assert (summary.new, summary.changed, summary.unchanged, summary.exported) == (0, 0, 5, True)
    assert set(outputs(out)) == set(before)
    assert outputs(out)["requirements.csv"] == before["requirements.csv"]


def test_incremental_damaged_state_is_rebuilt_and_keeps_the_history(inbox: Path, tmp_path: Path) -> None:
    """A state database that is no database any more is moved aside and rebuilt by reading the inbox again;
    the run history the last outputs hold comes back, and the tables are those of a clean run (issue 21)."""
    out, clean = tmp_path / "out", tmp_path / "clean"
    run(inbox, out)
    run(inbox, out)  # nothing changed: its record is in the state only, not yet in the outputs
    with sqlite3.connect(out / "notices.db") as con:
        written = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    state = out / ".notices" / "state.db"
    for extra in (".notices/state.db-wal", ".notices/state.db-shm"):
        (out / extra).unlink(missing_ok=True)
    state.write_bytes(b"\x00garbage, not a database" * 200)
    summary = run(inbox, out)
    assert (summary.new, summary.failed, summary.exported) == (5, 0, True)
    assert [p.name for p in state.parent.glob("state.db.damaged-*")]
    with sqlite3.connect(out / "notices.db") as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (written + 1,)
    run(inbox, clean)
    assert _rows(out, "requirements") == _rows(clean, "requirements")
    assert _rows(out, "documents") == _rows(clean, "documents")


def test_incremental_edit_changes_only_that_file(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    before = {r["req_id"]: r for r in _rows(out, "requirements")}
    path = inbox / "003_790835e522af9ef0.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("4月1日17:00前", "4月8日17:00前"), encoding="utf-8")
    summary = run(inbox, out)
    assert (summary.changed, summary.unchanged, summary.added, summary.dropped) == (1, 4, 1, 1)
    after = {r["req_id"]: r for r in _rows(out, "requirements")}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed and all(before.get(k, after.get(k))["source"] == path.name for k in changed)
    assert any(r["due_date"] == "2022-04-08" for r in after.values())


def test_incremental_removed_file_is_withdrawn(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    (inbox / "002_92432040ea6714fc.txt").unlink()
    summary = run(inbox, out)
    assert summary.removed == 1
    docs = {d["source"]: d for d in _rows(out, "documents")}
    assert docs["002_92432040ea6714fc.txt"]["withdrawn"] == TODAY  # the run's day, not the clock's
    rows = [r for r in _rows(out, "requirements") if r["source"] == "002_92432040ea6714fc.txt"]
    assert rows and all(r["withdrawn"] for r in rows)
    checklist = (out / "checklists.xlsx").stat().st_size and (out / "checklists").glob("*.csv")
    assert not any("002_92432040ea6714fc.txt" in p.read_text(encoding="utf-8-sig") for p in checklist)


def test_incremental_same_bytes_are_a_duplicate(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    shutil.copy(inbox / "003_790835e522af9ef0.txt", inbox / "copy of 003.txt")
    summary = run(inbox, out)
    assert (summary.duplicates, summary.new) == (1, 0)
    docs = {d["source"]: d for d in _rows(out, "documents")}
    assert docs["copy of 003.txt"]["duplicate_of"] == "003_790835e522af9ef0.txt"
    assert not [r for r in _rows(out, "requirements") if r["source"] == "copy of 003.txt"]


def test_incremental_other_rendition_linked_and_listed_once(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copy(SAMPLES / "001_66fe4d6b06fc550e.gb18030.txt", inbox)
    run(inbox, out, today=date(2017, 6, 20))  # while the notice is in force: its monthly duty is listed
    docs = {d["source"]: d for d in _rows(out, "documents")}
    first, second = docs["001_66fe4d6b06fc550e.gb18030.txt"], docs["001_66fe4d6b06fc550e.txt"]
    assert (first["same_as"], second["same_as"]) == ("", first["doc_id"])  # the first by file name leads
    monthly = [r for p in (out / "checklists").glob("*.csv") for r in csv.DictReader(p.open(encoding="utf-8-sig"))
               if "每月最后一个工作日" in r["依据"] and r["截止日期"] == "2017-06-30"]  # the checklists' Chinese headers
    assert len(monthly) == 1


def test_incremental_supplement_linked_to_earlier_notice(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    (inbox / "supplement.txt").write_text(
        "关于开展2022年基层党组织活动方案立项工作的补充通知\n\n各分党委（直属党总支）：\n\n"
        "材料报送时间延至4月8日17:00前。\n\n中共东北大学委员会组织部\n\n2022年3月20日\n", encoding="utf-8")
    run(inbox, out)
    docs = {d["source"]: d for d in _rows(out, "documents")}
    assert (docs["supplement.txt"]["relation"], docs["supplement.txt"]["relates_to"]) == (
        "supplement", docs["003_790835e522af9ef0.txt"]["doc_id"])
    changes = _rows(out, "changes")
    assert any(c["source"] == "supplement.txt" and c["change"] == "supplement" for c in changes)


def test_incremental_rules_change_reprocesses_everything(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    run(inbox, out, rules)
    with (rules / "units.yaml").open("a", encoding="utf-8") as f:
        f.write("# a comment changes the rules version\n")
    assert run(inbox, out, rules).changed == 5
    assert run(inbox, out, rules, full=True).changed == 5


def test_incremental_second_run_waits_for_the_first(inbox: Path, tmp_path: Path) -> None:
    from pipeline.engine.lock import RunBusy, RunLock
    out = tmp_path / "out"
    with RunLock(out):
        with pytest.raises(RunBusy, match="another run is using"):
            run(inbox, out, wait=False)
        waiter = threading.Thread(target=run, args=(inbox, out))
        waiter.start()
        time.sleep(1.0)
        assert waiter.is_alive(), "the second run waits while the lock is held"
    waiter.join(timeout=60)
    assert not waiter.is_alive() and (out / "documents.csv").exists()


def test_incremental_two_processes_are_serialised(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(out), "--today", TODAY]
    first, second = (subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                     for _ in range(2))
    results = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0]
    texts = sorted(out.decode() for out, _ in results)
    assert any("5 new" in t for t in texts) and any("5 unchanged" in t for t in texts)


def test_incremental_killed_run_leaves_outputs_whole(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run(inbox, out) == 0
    before = outputs(out)
    big = tmp_path / "big"
    shutil.copytree(inbox, big)
    for n in range(40):  # enough work to be killed in the middle of it
        for path in SEEDS[1:]:
            text = path.read_text(encoding="utf-8")
            (big / f"{n:02d}_{path.name}").write_text(text + f"\n附:{n}\n", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", "run", str(big), "-o", str(out), "--today", TODAY]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _stored_any(out, len(SEEDS) + 10):
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert outputs(out) == before, "a killed run leaves the previous outputs as they were"
    assert _run(big, out) == 0
    assert len(_rows(out, "documents")) == len(SEEDS) + 40 * (len(SEEDS) - 1)


def _stored_any(out: Path, files: int) -> bool:
    import sqlite3
    db = out / ".notices" / "state.db"
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return con.execute("SELECT count(*) FROM files").fetchone()[0] >= files
        finally:
            con.close()
    except sqlite3.Error:
        return False


def test_watch_picks_up_a_file_copied_in_slowly(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (inbox / "003_790835e522af9ef0.txt").unlink()
    data = (SAMPLES / "003_790835e522af9ef0.txt").read_bytes()

    def copy_slowly() -> None:
        deadline = time.monotonic() + 60
        while not (out / "documents.csv").exists() and time.monotonic() < deadline:
            time.sleep(0.2)  # the watcher's first run is done: what follows is a new arrival
        target = inbox / "003_790835e522af9ef0.txt"
        with target.open("wb") as f:
            for start in range(0, len(data), 1000):
                f.write(data[start:start + 1000])
                f.flush()
                time.sleep(0.3)
    writer = threading.Thread(target=copy_slowly)
    writer.start()
    code = main(["watch", str(inbox), "-o", str(out), "--today", TODAY, "--settle", "1.5", "--max-runs", "2",
                 "--idle-timeout", "30"])
    writer.join()
    assert code == 0
    rows = [r for r in _rows(out, "requirements") if r["source"] == "003_790835e522af9ef0.txt"]
    assert any(r["due_date"] == "2022-04-01" and r["due_time"] == "17:00" for r in rows), "read whole, not half-copied"


def test_incremental_postponement_moves_the_date_it_amends(inbox: Path, tmp_path: Path) -> None:
    """A 补充通知 that moves a deadline (issue 18): the duty shows the new date, the old one as 原定日期 (struck
    in the workbook), both notices, and keeps its key; the later notice's own row is not listed twice."""
    out = tmp_path / "out"
    run(inbox, out, today=date(2022, 3, 21))
    path = out / "checklists" / "分党委.csv"
    before = {r["键"]: r for r in csv.DictReader(path.open(encoding="utf-8-sig")) if r["截止日期"] == "2022-04-01"}
    (inbox / "supplement.txt").write_text(
        "关于开展2022年基层党组织活动方案立项工作的补充通知\n\n各分党委（直属党总支）：\n\n"
        "材料报送时间延至4月8日17:00前。\n\n中共东北大学委员会组织部\n\n2022年3月20日\n", encoding="utf-8")
    run(inbox, out, today=date(2022, 3, 21))
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    [moved] = [r for r in rows if r["键"] in before]
    assert (moved["截止日期"], moved["时间"], moved["原定日期"]) == ("2022-04-08", "17:00", "2022-04-01")
    assert "变更依据：关于开展2022年基层党组织活动方案立项工作的补充通知" in moved["来源"]
    assert "日期已变更" in moved["提示"] and not any("延至" in r["依据"] for r in rows)
    from openpyxl import load_workbook
    sheet = load_workbook(out / "checklists.xlsx")["分党委"]
    header = [c.value for c in sheet[1]]
    cell = next(r[header.index("原定日期")] for r in sheet.iter_rows(min_row=2) if r[header.index("键")].value
                in before)
    assert cell.font.strike and cell.value.date() == date(2022, 4, 1)


def test_incremental_removed_notice_open_duties_shown_as_withdrawn(inbox: Path, tmp_path: Path) -> None:
    """A notice whose file leaves the inbox (issue 18): its open dated duties stay in the lists, marked, not
    dropped silently; its recurring ones repeat no more."""
    out = tmp_path / "out"
    run(inbox, out, today=date(2022, 3, 21))
    (inbox / "003_790835e522af9ef0.txt").unlink()
    run(inbox, out, today=date(2022, 3, 21))
    rows = list(csv.DictReader((out / "checklists" / "分党委.csv").open(encoding="utf-8-sig")))
    deadline = next(r for r in rows if r["截止日期"] == "2022-04-01")
    assert "通知文件已移出收件箱" in deadline["提示"]


def test_incremental_run_killed_before_recording_itself_keeps_its_history(inbox: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: a run killed after it stored its files but before it recorded itself used to lose their
    history (the next run: 0 new, and changes.csv never listed them). Each batch now stores what it changed
    with its rows, and the next run records the killed one, unfinished."""
    from pipeline.engine.state import State
    out = tmp_path / "out"
    killed = State.record_run

    def kill(self: State, *args: object) -> None:
        raise KeyboardInterrupt  # the moment between storing the files and recording the run
    monkeypatch.setattr(State, "record_run", kill)
    with pytest.raises(KeyboardInterrupt):
        run(inbox, out)
    monkeypatch.setattr(State, "record_run", killed)
    summary = run(inbox, out)
    assert summary.new == 0 and summary.exported
    changes = _rows(out, "changes")
    new = [c["source"] for c in changes if c["change"] == "new"]
    assert sorted(new) == sorted(p.name for p in inbox.iterdir()) and len(new) == len(set(new))
    con = sqlite3.connect(out / "notices.db")
    runs = con.execute("SELECT finished, new FROM runs ORDER BY started").fetchall()
    con.close()
    assert runs[0] == ("", len(new)) and len(runs) == 2 and runs[1][0]  # the killed run, unfinished; this one

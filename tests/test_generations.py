"""The outputs switched as one set (issue 21): a generation folder made current by one link, fixed names
for people, the files people put in the folder kept, outputs missing or altered written again, and the
same without symbolic links."""
from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.export import generations
from pipeline.export.generations import CURRENT, GENERATIONS, MANIFEST, damaged, read_manifest

from .conftest import SAMPLES, output_files, output_hashes, run

SEEDS = ("002_92432040ea6714fc.txt", "003_790835e522af9ef0.txt", "004_ca7c5b3b7ac4bce8.txt")


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in SEEDS:
        shutil.copy2(SAMPLES / name, folder)
    return folder


def _sets(out: Path) -> list[str]:
    return sorted(p.name for p in (out / GENERATIONS).iterdir())


def test_generations_names_people_open_are_links_into_the_current_set(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    current = os.readlink(out / CURRENT)
    assert _sets(out) == [Path(current).name] and current.startswith(GENERATIONS + os.sep)
    names = sorted(p.name for p in out.iterdir() if p.name not in ("logs", ".notices", CURRENT, GENERATIONS))
    assert names == sorted(os.listdir(out / CURRENT))
    assert all(os.readlink(out / n) == os.path.join(CURRENT, n) for n in names)
    assert {"documents.csv", "checklists.xlsx", "report", "checklists", MANIFEST} <= set(names)
    manifest = read_manifest(out)
    assert manifest is not None and set(manifest.files) == set(output_files(out)) and damaged(out) == []
    mode = (out / CURRENT).stat().st_mode & 0o777
    assert mode == 0o777 & ~_umask(), "the set is as open as the umask allows (a temporary folder is 0700)"


def test_generations_the_set_before_stays_for_readers_and_older_ones_go(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    days = [date(2026, 11, 21), date(2026, 11, 22), date(2026, 11, 23)]
    seen = []
    for day in days:  # a new day moves the checklists: each run writes a new set
        run(inbox, out, today=day)
        seen.append(Path(os.readlink(out / CURRENT)).name)
    assert len(set(seen)) == 3
    assert _sets(out) == seen[1:], "the current set and the one before it"


def test_generations_files_people_put_there_are_kept(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    mine = {"notes.txt": "kept", "checklists/批注.txt": "批注", "report/extra.html": "<p>mine</p>"}
    for name, text in mine.items():
        (out / name).write_text(text, encoding="utf-8")
    (out / "exports").mkdir()
    (out / "exports" / "x.csv").write_text("x", encoding="utf-8")
    for day in (22, 23, 24):
        run(inbox, out, today=date(2026, 11, day))
    for name, text in mine.items():
        assert (out / name).read_text(encoding="utf-8") == text, name
    assert (out / "exports" / "x.csv").is_file()
    assert damaged(out) == []


def test_generations_altered_outputs_are_written_again_edited_checklists_are_read(inbox: Path,
                                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inbox, out)
    before = output_hashes(out)
    (out / "documents.csv").write_text("someone's own table", encoding="utf-8")  # through the link
    (out / "report" / "index.html").write_bytes(b"")
    _mark(out / "checklists.xlsx", "已办")
    assert damaged(out) == ["documents.csv", "report/index.html"], "an edited checklist is not damage"
    summary = run(inbox, out)
    assert summary.repaired == ("documents.csv", "report/index.html") and summary.marks_read == 1
    after = output_hashes(out)
    assert after["documents.csv"] == before["documents.csv"]
    assert after["report/index.html"] != "" and damaged(out) == []
    assert run(inbox, out).exported is False, "repaired: the next run has nothing to do"


def test_generations_a_workbook_saved_over_its_link_is_read_then_linked_again(inbox: Path, tmp_path: Path) -> None:
    """A program that saves by writing a new file and renaming it over the name (Excel over a share)
    leaves a plain file where the link was: its marks are read, and the name links to the new set."""
    out = tmp_path / "out"
    run(inbox, out)
    (out / "checklists.xlsx").unlink()
    _mark(out / "checklists.xlsx", "在办", source=out / CURRENT / "checklists.xlsx")
    assert not (out / "checklists.xlsx").is_symlink()
    summary = run(inbox, out, today=date(2026, 11, 22))
    assert summary.marks_read == 1 and (out / "checklists.xlsx").is_symlink()
    sheet = next(s for s in load_workbook(out / "checklists.xlsx").worksheets if s.max_row > 1)
    assert "在办" in [c.value for c in sheet[2]]


def test_generations_the_layout_before_links_is_taken_over(inbox: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Outputs written as plain files and folders (by an earlier version, or where there were no links)
    become links at the first run that can make them; a file a person put in checklists/ stays."""
    out = tmp_path / "out"
    monkeypatch.setattr(generations, "has_links", lambda out_dir: False)
    run(inbox, out)
    assert not (out / "documents.csv").is_symlink() and (out / "report").is_dir()
    (out / "checklists" / "批注.txt").write_text("批注", encoding="utf-8")
    before = output_hashes(out)
    monkeypatch.undo()
    run(inbox, out, today=date(2026, 11, 22))
    assert (out / "documents.csv").is_symlink() and (out / "report").is_symlink()
    assert (out / "checklists" / "批注.txt").read_text(encoding="utf-8") == "批注"
    assert set(output_hashes(out)) == set(before)
    assert _sets(out) == [Path(os.readlink(out / CURRENT)).name], "the old folders went with no set of their own"


def test_generations_without_links_files_are_moved_into_place(inbox: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system that makes no symbolic links (some network shares): each file moved into place, the
    manifest last; repair and the files people put there work the same."""
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(95, "Operation not supported")
    monkeypatch.setattr(os, "symlink", no_links)
    out = tmp_path / "out"
    run(inbox, out)
    assert not any(p.is_symlink() for p in out.iterdir()) and not (out / GENERATIONS).exists()
    assert (out / MANIFEST).is_file() and damaged(out) == []
    (out / "checklists" / "批注.txt").write_text("批注", encoding="utf-8")
    before = output_hashes(out)
    (out / "requirements.csv").unlink()
    summary = run(inbox, out)
    stamped = ("notices.db", "checklists.xlsx")  # the runs, one more now; the time the workbook was written
    assert summary.repaired == ("requirements.csv",)
    assert output_hashes(out, stamped) == {k: v for k, v in before.items() if k not in stamped}
    run(inbox, out, today=date(2026, 11, 22))
    assert (out / "checklists" / "批注.txt").read_text(encoding="utf-8") == "批注"
    assert [p.name for p in out.iterdir() if p.name.startswith(".export")] == []


def _mark(path: Path, status: str, source: Path | None = None) -> None:
    """Set the status of the first row of the first sheet with rows, as staff would in Excel."""
    book = load_workbook(source or path)
    sheet = next(s for s in book.worksheets if s.max_row > 1)
    column = next(c.column for c in sheet[1] if c.value == "状态")
    sheet.cell(row=2, column=column, value=status)
    book.save(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_generations_a_failure_after_the_switch_keeps_the_new_set(inbox: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills while the fixed names are linked: the set just made current stays whole and current,
    and the next run links the names; temporary links a killed run left are removed."""
    out = tmp_path / "out"
    run(inbox, out)
    os.symlink(os.path.join(CURRENT, "documents.csv"), out / ".documents.csv.999999.link")  # a killed run's

    def full_disk(out_dir: Path, new: Path) -> None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(generations, "_name", full_disk)
    with pytest.raises(OSError):
        run(inbox, out, today=date(2026, 11, 22))
    current = out / CURRENT
    assert (current / MANIFEST).is_file() and len(_sets(out)) == 2
    assert Path(os.readlink(current)).name == _sets(out)[-1], "the new set is current"
    monkeypatch.undo()
    run(inbox, out, today=date(2026, 11, 23))
    assert damaged(out) == [] and not (out / ".documents.csv.999999.link").exists()
    assert all(os.readlink(out / n) == os.path.join(CURRENT, n) for n in os.listdir(out / CURRENT))

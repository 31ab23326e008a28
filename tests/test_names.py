"""Names (issue 21): a file named in GBK bytes, or in a folder so named, goes through a run like any other,
and the names made from notice text (sheets, checklist files) are safe and unique where they go."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import UnreadableFile
from pipeline.names import file_stems, for_people, sheet_titles
from pipeline.readers import read

from .conftest import TODAY

NOTICE = "关于报送学习计划的通知\n\n各党支部：\n\n请于2026年12月30日前将学习计划报送机关党委。\n"


def _gbk(name: str) -> str:
    """`name` as Python lists a file whose name holds GBK bytes (undecodable bytes as surrogates)."""
    return os.fsdecode(name.encode("gbk"))


@pytest.mark.parametrize("name, shown", [
    ("通知.txt", "通知.txt"),
    (_gbk("通知.txt"), "通知.txt"),  # GBK bytes that UTF-8 reads as two combining marks
    (_gbk("学习计划.doc"), "学习计划.doc"),  # …or as Cyrillic and Greek letters mixed
    ("Приказ.txt", "Приказ.txt"),  # a name in one other script stays as it is
    (_gbk("关于报送材料的通知/附件一.docx"), "关于报送材料的通知/附件一.docx"),
    (os.fsdecode(b"\xff\xfe.txt"), "\ufffd\ufffd.txt"),
])
def test_a_name_as_people_read_it(name: str, shown: str) -> None:
    assert for_people(name) == shown


def test_sheet_titles_are_what_excel_takes() -> None:
    titles = sheet_titles(["'机关党支部'", "a[b]:c*d?e/f\\g", "History", "x" * 40, "X" * 40, "", "机关党支部"], "unassigned")
    assert titles[0] == "机关党支部" and titles[1] == "a_b__c_d_e_f_g" and titles[2] == "History_"
    assert titles[3] == "x" * 31 and titles[4] == "X" * 28 + "~2" and titles[5] == "unassigned"
    assert titles[6] == "机关党支部~2"
    assert all(len(t) <= 31 and not t.startswith("'") and not t.endswith("'") for t in titles)


def test_file_stems_are_safe_and_unique() -> None:
    stems = file_stems(["=HYPERLINK(1)", "-党委", "CON", "con.txt", "a/b", "a:b", "", "A/B"], "unassigned")
    assert stems["=HYPERLINK(1)"] == "_=HYPERLINK(1)" and stems["-党委"] == "_-党委"
    assert stems["CON"] == "_CON" and stems["con.txt"] == "_con.txt"
    assert (stems["a/b"], stems["a:b"], stems[""], stems["A/B"]) == ("a_b", "a_b~2", "unassigned", "A_B~3")


def test_gbk_named_files_and_folders_go_through_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    folder = inbox / _gbk("党委通知")
    folder.mkdir(parents=True)
    (inbox / _gbk("通知.txt")).write_text(NOTICE, encoding="utf-8")
    (folder / _gbk("补充通知.txt")).write_text(NOTICE.replace("学习计划", "总结"), encoding="utf-8")
    (inbox / "通知.txt").write_text(NOTICE.replace("学习计划", "台账"), encoding="utf-8")  # the UTF-8 name too
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY]) == 0
    with (out / "documents.csv").open(encoding="utf-8-sig", newline="") as f:
        sources = sorted(row["source"] for row in csv.DictReader(f))
    assert sources == ["党委通知/补充通知.txt", "通知.txt", "通知~2.txt"]
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY]) == 0
    assert "0 new, 0 changed, 3 unchanged" in capsys.readouterr().out


def test_a_gbk_named_link_out_of_the_inbox_is_still_refused(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (tmp_path / "secret.txt").write_text("内部名单\n", encoding="utf-8")
    link = inbox / _gbk("名单.txt")
    os.symlink(tmp_path / "secret.txt", link)
    with pytest.raises(UnreadableFile, match="outside the inbox"):
        read(link, for_people(link.relative_to(inbox).as_posix()))


def test_a_unit_named_with_an_apostrophe_gets_its_sheet(tmp_path: Path) -> None:
    """A progress table's unit cell that starts with ' stopped every run (Excel refuses such a sheet title)."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "进展.csv").write_text("序号,工作任务,牵头单位,完成时限,进展情况\n1,制定学习计划,'机关党委',2026年12月30日,推进中\n",
                                    encoding="utf-8")
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY]) == 0
    assert (out / "checklists.xlsx").stat().st_size > 0

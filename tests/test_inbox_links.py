"""Symbolic links in the inbox: followed inside it, refused when they lead out of it (a link to a password
file or another office's papers must not put them into the outputs)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import UnreadableFile
from pipeline.readers import read

from .conftest import SAMPLES, TODAY

NOTICE = SAMPLES / "003_790835e522af9ef0.txt"
SECRET = "内部名单：张三 13800000000"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "notice.txt").write_bytes(NOTICE.read_bytes())
    (tmp_path / "secret.txt").write_text(f"关于名单的通知\n{SECRET}\n请于2024年5月1日前报送。\n", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", folder / "outside.txt")
    os.symlink(folder / "notice.txt", folder / "sub" / "inside.txt")
    return folder


def test_link_out_of_the_inbox_is_refused(inbox: Path) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read(inbox / "outside.txt", "outside.txt")
    assert (caught.value.reason, caught.value.hint) == (
        "outside.txt: a symbolic link to a file outside the inbox, which is not followed",
        "copy the file itself into the inbox")


def test_link_inside_the_inbox_is_read(inbox: Path) -> None:
    assert read(inbox / "sub" / "inside.txt", "sub/inside.txt").blocks


def test_link_out_of_a_relative_inbox_is_refused(inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(inbox.parent)
    with pytest.raises(UnreadableFile, match="outside the inbox"):
        read(Path("inbox") / "outside.txt", "outside.txt")
    monkeypatch.chdir(inbox)
    with pytest.raises(UnreadableFile, match="outside the inbox"):
        read(Path("outside.txt"), "outside.txt")


def test_link_out_of_the_inbox_is_one_error_row_and_leaks_nothing(inbox: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", str(inbox), "-o", str(out), "--workers", "1", "--today", TODAY]) == 3
    assert capsys.readouterr().out.startswith("3 files: 2 ok, 1 failed;")
    errors = (out / "errors.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(errors) == 2 and errors[1].startswith("outside.txt,read,")
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path

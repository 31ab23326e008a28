"""The per-file work (pipeline/stages.py): a failure is recorded with the stage it happened in."""
from __future__ import annotations

from pathlib import Path, PurePath

import pytest

from pipeline import stages
from pipeline.model import Format, Stage, Status
from pipeline.nlp import Tagger
from pipeline.rules import Rules


@pytest.mark.parametrize("name, fmt", [
    ("通知.PDF", Format.pdf), ("a.docx", Format.docx), ("a.tar.gz", Format.unknown), ("README", Format.unknown),
    ("a.unknown", Format.unknown),
])
def test_format_of_a_name(name: str, fmt: Format) -> None:
    assert Format.of(PurePath(name)) is fmt


def test_a_failure_while_reading_metadata_is_recorded_as_metadata(tmp_path: Path, rules: Rules, tagger: Tagger,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise ValueError("no title")
    monkeypatch.setattr(stages, "extract_metadata", broken)
    path = tmp_path / "notice.txt"
    path.write_text("关于报送学习计划的通知\n\n请于6月30日前报送。\n", encoding="utf-8")
    result = stages.process_file(path, path.name, rules, tagger)
    assert result.document.status is Status.error and result.error is not None
    assert (result.error.stage, result.document.format) == (Stage.metadata, Format.txt)

"""The seed score, measured by `notices evaluate`, must not drop below the project's bar."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluate import evaluate, f1_of, loose_in, per_of

from .conftest import GOLD, sample_files


def test_evaluate_seed_scores(samples_output: Path) -> None:
    score = evaluate(samples_output, GOLD)
    assert score.files == len(sample_files())
    assert score.f1 >= 0.90 and score.precision >= 0.90, (score.f1, score.precision, score.misses)
    assert score.docs_score >= 0.90, score.notes
    assert score.progress_score >= 0.95, score.notes


@pytest.mark.parametrize("rendition", [p.name for p in sample_files() if p.name.count(".") > 1 or p.suffix != ".txt"])
def test_evaluate_rendition_scores_like_its_seed(samples_output: Path, rendition: str) -> None:
    """Issue 3: every rendition of a seed (PDF, Word, web page, other encodings) scores an F1 no more
    than 0.03 below the seed's own text file."""
    by_file = evaluate(samples_output, GOLD).by_file
    seed = rendition.split(".")[0] + ".txt"
    if seed not in by_file:  # 000 has no requirement facts, only progress cells (checked above)
        assert rendition not in by_file
        return
    assert f1_of(by_file[rendition]) >= f1_of(by_file[seed]) - 0.03


@pytest.mark.parametrize("gold, predicted, ok", [
    ("党支部", "各党支部", True), ("党支部", "机关党支部", True), ("党员", "每名党员", True),
    ("机关党委", "党委组织部", False), ("党支部", "", False),
])
def test_evaluate_loose_names(gold: str, predicted: str, ok: bool) -> None:
    assert loose_in(gold, predicted) is ok


@pytest.mark.parametrize("row, per", [
    ({"per": "semester", "recurrence": ""}, "semester"),
    ({"per": "", "recurrence": "FREQ=MONTHLY;INTERVAL=6"}, "half-year"),
    ({"per": "", "recurrence": "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"}, "month"),
    ({"per": "", "recurrence": "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=20"}, "year"),
])
def test_evaluate_per_of_row(row: dict[str, str], per: str) -> None:
    assert per_of(row) == per


@pytest.mark.parametrize("row, found", [
    ({"text": "党员每年集中学习时间不少于32学时", "evidence": "党员每年集中学习时间不少于三十二学时"}, True),
    ({"text": "党员每年集中学习时间不少于32学时"}, False),
])
def test_evaluate_keywords_in_evidence(tmp_path: Path, row: dict[str, str], found: bool) -> None:
    """As the shared scorer: a keyword written as the notice writes it matches the row's `evidence`."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"type": "quota", "doc": "x1", "value": 32, "unit": "学时", "cmp": ">=", '
                    '"keywords": ["三十二学时"]}\n', encoding="utf-8")
    columns = ["source", "text", "evidence", "quantity", "unit", "comparator"]
    lines = [",".join(columns), ",".join(["x1.txt", row["text"], row.get("evidence", ""), "32", "学时", ">="])]
    (tmp_path / "requirements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    score = evaluate(tmp_path, gold)
    assert (score.recall, score.precision) == ((1.0, 1.0) if found else (0.0, 0.0))

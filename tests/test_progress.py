"""Progress tables: header columns, rows from real tables, and seed 000 dumped cell by cell."""
from __future__ import annotations

import json
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from pipeline.model import BlockKind, FileResult, Format, ProgressStatus, RawBlock, RawDocument
from pipeline.normalize import normalize
from pipeline.progress import columns, extract_progress
from pipeline.rules import Rules

from .conftest import GOLD


@pytest.mark.parametrize("header, fields", [
    ("项目类别序号项目名称活动说明主责部门协同部门开展时间截至2021年9月25日完成情况",
     ["category", "seq", "item", "description", "lead_org", "partner_orgs", "period", "status"]),
    ("序号重点任务牵头单位配合单位完成时限进展情况", ["seq", "item", "lead_org", "partner_orgs", "period", "status"]),
    ("各党支部要认真学习", []),
])
def test_progress_columns(rules: Rules, header: str, fields: list[str]) -> None:
    assert columns(header, rules) == fields


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _gold_rows() -> list[dict]:
    facts = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [f for f in facts if f["type"] == "progress"]


def test_seed000_fifteen_rows(sample_results: dict[str, FileResult]) -> None:
    items = sample_results["000_b1bb4c7589408144.txt"].progress
    assert [i.seq for i in items] == list(range(1, 16))
    assert all(i.as_of == date(2021, 9, 25) for i in items)


@pytest.mark.parametrize("fact", _gold_rows(), ids=lambda f: f"row{f['seq']}")
def test_seed000_row_cells(sample_results: dict[str, FileResult], fact: dict) -> None:
    item = sample_results["000_b1bb4c7589408144.txt"].progress[fact["seq"] - 1]
    assert item.item == nfkc(fact["item"])
    assert item.lead_org == fact["lead_org"]
    assert list(item.partner_orgs) == fact["partner_orgs"]
    assert (item.period_start.isoformat() if item.period_start else None) == fact["period_start"]
    assert (item.period_end.isoformat() if item.period_end else None) == fact["period_end"]
    assert item.status is ProgressStatus(fact["status"])
    assert item.category == nfkc(fact["category"])


def test_seed000_gives_no_requirements(sample_results: dict[str, FileResult]) -> None:
    assert sample_results["000_b1bb4c7589408144.txt"].requirements == ()


def test_seed000_status_text_kept_as_written(sample_results: dict[str, FileResult]) -> None:
    item = sample_results["000_b1bb4c7589408144.txt"].progress[8]
    assert (item.period_text, item.status_text) == ("2021年7月", "完成。目前已经实现该功能。")


def test_progress_from_a_real_table(rules: Rules) -> None:
    rows = (("序号", "重点任务", "牵头单位", "配合单位", "完成时限", "进展情况"),
            ("1", "修订议事规则", "党政办公室", "各学院、组织部", "2024年6月", "已完成"),
            ("2", "建立党建台账", "组织部", "", "2024年12月底", "推进中"))
    raw = RawDocument("t.docx", Path("t.docx"), Format.docx,
                      (RawBlock(BlockKind.table, rows=rows, merged=tuple((False,) * 6 for _ in rows)),),
                      sha256="1" * 64)
    items, used = extract_progress(normalize(raw, rules), rules, date(2024, 9, 1))
    assert used == {0}
    assert [(i.seq, i.item, i.lead_org, i.partner_orgs, i.period_start, i.period_end, i.status) for i in items] == [
        (1, "修订议事规则", "党政办公室", ("各学院", "组织部"), date(2024, 6, 1), date(2024, 6, 30), ProgressStatus.done),
        (2, "建立党建台账", "组织部", (), None, date(2024, 12, 31), ProgressStatus.in_progress)]


def test_progress_table_without_progress_columns_is_not_one(rules: Rules) -> None:
    rows = (("一级指标", "二级指标", "三级指标"), ("1.党组织", "1.1宣传", "(1)坚持。"))
    raw = RawDocument("t.docx", Path("t.docx"), Format.docx,
                      (RawBlock(BlockKind.table, rows=rows, merged=((False,) * 3,) * 2),), sha256="1" * 64)
    assert extract_progress(normalize(raw, rules), rules, date(2024, 1, 1)) == ([], set())


def test_progress_category_row_merged_across(rules: Rules) -> None:
    head = ("序号", "重点任务", "牵头单位", "完成时限", "完成情况")
    rows = (head, ("一、加强理论学习",) * 5, ("1", "组织专题学习", "党委宣传部", "2024年6月", "已完成"),
            ("二、抓好队伍建设",) * 5, ("2", "开展干部培训", "党委组织部", "2024年9月", "推进中"))
    merged = tuple((False,) * 5 if len(set(r)) > 1 else (False,) + (True,) * 4 for r in rows)
    raw = RawDocument("t.docx", Path("t.docx"), Format.docx, (RawBlock(BlockKind.table, rows=rows, merged=merged),),
                      sha256="2" * 64)
    items, _ = extract_progress(normalize(raw, rules), rules, date(2024, 10, 1))
    assert [(i.seq, i.category, i.item) for i in items] == [(1, "一、加强理论学习", "组织专题学习"),
                                                             (2, "二、抓好队伍建设", "开展干部培训")]


def test_progress_task_list_without_status_is_not_a_progress_table(rules: Rules) -> None:
    rows = (("序号", "重点任务", "牵头单位", "配合单位", "完成时限"), ("1", "修订议事规则", "党政办公室", "", "2024年6月底前"))
    raw = RawDocument("t.docx", Path("t.docx"), Format.docx,
                      (RawBlock(BlockKind.table, rows=rows, merged=((False,) * 5,) * 2),), sha256="3" * 64)
    assert extract_progress(normalize(raw, rules), rules, date(2024, 1, 1)) == ([], set())

"""Segmentation: heading levels, sentence clauses with comma parts, table paths."""
from __future__ import annotations

import pytest

from pipeline.normalize import normalize
from pipeline.readers import read
from pipeline.rules import Rules
from pipeline.segment import parse_heading, parts, segment, sentences

from .conftest import SAMPLES


@pytest.mark.parametrize("line, level, label", [
    ("一、具体要求", 1, "一、具体要求"),
    ("第二章 总则", 1, "第二章 总则"),
    ("(一)基本情况", 2, "(一)基本情况"),
    ("第三条 本规定适用于", 3, "第三条 本规定适用于"),
    ("1、系统学、深入学、跟进学,常学常思", 3, "1、系统学、深入学、跟进学…"),
    ("3.开展机关党员主题教育活动。", 3, "3.开展机关党员主题教育活动"),
    ("2.1严格落实意识形态工作责任制,在教学科研", 4, "2.1严格落实意识形态工作责任制…"),
    ("(4)健全教师学习制度,组织教师", 5, "(4)健全教师学习制度…"),
    ("①严格执行", 6, "①严格执行"),
])
def test_segment_heading_levels(rules: Rules, line: str, level: int, label: str) -> None:
    heading = parse_heading(line, rules)
    assert heading is not None and (heading.level, heading.label) == (level, label)


@pytest.mark.parametrize("line", ["2022年3月1日至3月31日,发布方案", "30%左右", "“七一”前夕", "1.5倍"])
def test_segment_not_headings(rules: Rules, line: str) -> None:
    assert parse_heading(line, rules) is None


@pytest.mark.parametrize("text, expected", [
    ("实行月报制度;党员每半年汇报1次。机关党委定期检查。",
     ["实行月报制度;", "党员每半年汇报1次。", "机关党委定期检查。"]),
    ("思考“当初入党是怎么想的?入党的誓言是怎么说的?”等问题。", ["思考“当初入党是怎么想的?入党的誓言是怎么说的?”等问题。"]),
    ("(1)坚持。\n(2)落实。", ["(1)坚持。", "(2)落实。"]),
])
def test_segment_sentences(rules: Rules, text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentences(text, 0, len(text), rules)] == expected


@pytest.mark.parametrize("text, expected", [
    ("除自学外,党员每年不少于32学时,科级干部不少于90学时。", ["除自学外", "党员每年不少于32学时", "科级干部不少于90学时"]),
    ("附《申报书(含附件1,2)》,发送至邮箱", ["附《申报书(含附件1,2)》", "发送至邮箱"]),
])
def test_segment_parts(rules: Rules, text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in parts(text, 0, len(text), rules)] == expected


def _clauses(rules: Rules, name: str):
    doc = normalize(read(SAMPLES / name, name), rules)
    return doc, segment(doc, rules)


def test_seed001_section_paths(rules: Rules) -> None:
    _, clauses = _clauses(rules, "001_66fe4d6b06fc550e.txt")
    by_text = {c.text: c.section for c in clauses}
    quota = next(t for t in by_text if "不少于32学时" in t)
    assert by_text[quota] == "二、具体措施 > 1、系统学、深入学、跟进学…"
    monthly = next(t for t in by_text if "每月最后一个工作日" in t)
    assert by_text[monthly] == "三、其他要求 > 2.各支部要做好活动纪实、记录工作…"
    assert not any("机关党委推进" in s for s in by_text.values())  # the title is not a section


def test_seed004_table_paths(rules: Rules) -> None:
    _, clauses = _clauses(rules, "004_ca7c5b3b7ac4bce8.txt")
    clause = next(c for c in clauses if "每年至少专题研究2次意识形态工作" in c.text)
    assert clause.in_table
    assert clause.section == ("2.政治把关作用到位 > 2.1严格落实意识形态工作责任制… > "
                              "(1)意识形态工作体系健全、制度规范、责任明晰…")
    organizer = next(c for c in clauses if "专职组织员。" in c.text)
    assert organizer.section.startswith("4.基层组织制度执行到位 > 4.5专职组织员配齐配强")


def test_seed000_dump_gives_no_clauses(rules: Rules) -> None:
    _, clauses = _clauses(rules, "000_b1bb4c7589408144.txt")
    assert clauses == []


@pytest.mark.parametrize("name", ["001_66fe4d6b06fc550e.txt", "002_92432040ea6714fc.txt",
                                  "003_790835e522af9ef0.txt", "004_ca7c5b3b7ac4bce8.txt"])
def test_segment_clause_spans_match_text(rules: Rules, name: str) -> None:
    doc, clauses = _clauses(rules, name)
    assert clauses
    for c in clauses:
        assert doc.text[c.char_start:c.char_end] == c.text
        assert all(c.char_start <= s < e <= c.char_end for s, e in c.parts)


def test_seed002_menus_and_footer_give_no_clauses(rules: Rules) -> None:
    _, clauses = _clauses(rules, "002_92432040ea6714fc.txt")
    texts = " ".join(c.text for c in clauses)
    assert "me@dlut.edu.cn" not in texts and "您的位置" not in texts and "版权所有" not in texts

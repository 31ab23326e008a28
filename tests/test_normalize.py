"""Normalisation: NFKC, spacing, numerals as digits, logical paragraphs; the offset map back to raw."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import BlockKind, Format, RawBlock, RawDocument
from pipeline.normalize import as_evidence, normalize, normalize_text, to_raw
from pipeline.rules import Rules


@pytest.mark.parametrize("raw, expected", [
    ("于 6 月 30 日前报送", "于6月30日前报送"),
    ("全年撰写学习体会不少于 3 篇", "全年撰写学习体会不少于3篇"),
    ("（一）具体要求：", "(一)具体要求:"),
    ("２０２２年３月１日", "2022年3月1日"),
    ("二〇二二年三月一日", "2022年3月1日"),
    ("十二月三十一日前", "12月31日前"),
    ("每年至少讲一次党课", "每年至少讲1次党课"),
    ("拟组建两个机关教工社会实践团队", "拟组建2个机关教工社会实践团队"),
    ("每篇不少于三百字", "每篇不少于300字"),
    ("每月最后一个工作日", "每月最后一个工作日"),
    ("做到“四个合格”", "做到“四个合格”"),
    ("《关于做好两个维护的通知》", "《关于做好两个维护的通知》"),
    ("统一时间组织", "统一时间组织"),
    ("进一步加强", "进一步加强"),
    ("第一时间上报", "第一时间上报"),
    ("学习十九大精神", "学习十九大精神"),
    ("“七一”前夕", "“七一”前夕"),
    ("[bookmark: _GoBack]4.3师生党支部", "4.3师生党支部"),
    ("E-Mail: me@dlut.edu.cn", "E-Mail: me@dlut.edu.cn"),
    ("Copyright  2024  DUT", "Copyright 2024 DUT"),
    ("①严格执行", "①严格执行"),
    ("3月23日14∶00至4月6日17∶00", "3月23日14∶00至4月6日17∶00"),
    ("\u3000\u3000各党支部：", "各党支部:"),
])
def test_normalize_text(rules: Rules, raw: str, expected: str) -> None:
    assert normalize_text(raw, rules) == expected


def _doc(rules: Rules, *texts: str, kind: BlockKind = BlockKind.paragraph):
    raw = RawDocument("x.txt", Path("x.txt"), Format.txt, tuple(RawBlock(kind, t) for t in texts), sha256="0" * 64)
    return normalize(raw, rules)


def test_normalize_page_break_inside_sentence_is_joined(rules: Rules) -> None:
    doc = _doc(rules, "各支部每年至少举办一次特色党日活动，机关党委将于年底举", "办“十佳党日”评选。")
    assert doc.text == "各支部每年至少举办1次特色党日活动,机关党委将于年底举办“十佳党日”评选。"
    assert len(doc.blocks) == 1


@pytest.mark.parametrize("first, second", [
    ("学院党委遴选一批党建工作样板支部推荐对象参与校级评选", "一、遴选范围"),
    ("附件2：中山大学2016学年第二学期排课工作日程安排表", "教务部"),
    ("关于开展2022年基层党组织活动方案立项工作的通知", "各分党委（直属党总支）："),
    ("大连理工大学机械工程学院党委", "2024年5月14日"),
])
def test_normalize_paragraph_ends_are_kept(rules: Rules, first: str, second: str) -> None:
    assert len(_doc(rules, first, second).blocks) == 2


def test_normalize_wrapped_lines_in_a_block_are_joined(rules: Rules) -> None:
    doc = _doc(rules, "党支部书记和处级以上党员领导干部每年至少讲一次党课，支部安排录制视\n频，机关党委将择优共享。")
    assert doc.text == "党支部书记和处级以上党员领导干部每年至少讲1次党课,支部安排录制视频,机关党委将择优共享。"


def test_normalize_breadcrumb_title_and_meta_lines_stay_apart(rules: Rules) -> None:
    doc = _doc(rules, "您的位置: 首页 > 通知公告 > 正文\n机械工程学院党委关于遴选推荐对象的通知\n来源:学院党委 时间:2024-05-14 浏览:")
    assert [b.boilerplate for b in doc.blocks] == [True, False, True]


@pytest.mark.parametrize("raw, lines", [
    # a web page's field whose line breaks were lost: each paragraph keeps its indent of ideographic spaces
    ("全校师生：\u00a0\u3000\u3000\u3000为贯彻讲话精神，现将有关事宜通知如下。\u3000\u3000一、组织机构",
     ["全校师生:", "为贯彻讲话精神,现将有关事宜通知如下。", "一、组织机构"]),
    # a signature pushed to the right with spaces and tabs
    ("请全体党员准时参加，不得缺席！        \t\t\t本科生第二党支部", ["请全体党员准时参加,不得缺席!", "本科生第二党支部"]),
    # single spaces between Chinese text are only dropped
    ("请于 6 月 30 日前报送", ["请于6月30日前报送"]),
])
def test_normalize_indent_inside_a_line_starts_a_line(rules: Rules, raw: str, lines: list[str]) -> None:
    assert _doc(rules, raw).text.split("\n") == lines


def test_normalize_preformatted_keeps_lines(rules: Rules) -> None:
    doc = _doc(rules, "1\n学院楼宇标\n识牌集中更\n新\n\n党政办公室 全年", kind=BlockKind.preformatted)
    assert doc.text == "1\n学院楼宇标\n识牌集中更\n新\n\n党政办公室全年"


def test_normalize_offsets_point_back_to_raw(rules: Rules) -> None:
    raw_texts = ("各党支部要于 6 月 30 日前报送机关党委，", "全年撰写不少于三篇。")
    doc = _doc(rules, *raw_texts)
    i = doc.text.index("30")
    assert doc.raw_text[to_raw(doc, i):to_raw(doc, i) + 2] == "30"
    j = doc.text.index("3篇")
    assert doc.raw_text[to_raw(doc, j)] == "三"
    assert doc.raw_text[to_raw(doc, doc.text.index("全年"))] == "全"


def test_normalize_table_cells_have_spans(rules: Rules) -> None:
    raw = RawDocument("x.txt", Path("x.txt"), Format.txt, (RawBlock(
        BlockKind.table, rows=(("一级", "三级"), ("1.党组织", "每年至少研究 两次")), merged=((False, False), (False, False))),),
        sha256="0" * 64)
    doc = normalize(raw, rules)
    cells = doc.blocks[0].cells
    assert [doc.text[c.char_start:c.char_end] for c in cells] == ["一级", "三级", "1.党组织", "每年至少研究2次"]


@pytest.mark.parametrize("raw, clause, evidence", [
    ("请于６月３０日前报送机关党委，电子版发送至x@y.cn。", "请于6月30日前报送机关党委,电子版发送至x@y.cn",
     "请于６月３０日前报送机关党委，电子版发送至x@y.cn"),
    ("党员每年集中学习时间不少于三十二学时。", "党员每年集中学习时间不少于32学时", "党员每年集中学习时间不少于三十二学时"),
    ("每篇学习体会不少于八百字，全年撰写学习体会\n不少于三篇。", "全年撰写学习体会不少于3篇", "全年撰写学习体会不少于三篇"),
])
def test_normalize_evidence_is_the_clause_as_written(rules: Rules, raw: str, clause: str, evidence: str) -> None:
    """SPEC evidence: the clause with the notice's own numerals and punctuation; a wrapped line joins."""
    doc = normalize(RawDocument("n.txt", Path("n.txt"), Format.txt, (RawBlock(BlockKind.paragraph, raw),)), rules)
    start = doc.text.index(clause)
    assert as_evidence(doc, start, start + len(clause), rules) == evidence

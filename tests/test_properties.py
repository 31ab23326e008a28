"""Property tests (hypothesis): any Unicode text goes through the normaliser, the time engine and the
extractors without an exception, and every span they give lies inside the text and quotes it.

Texts are notice phrases (dates, quotas, numerals, units, punctuation, table layout) mixed with arbitrary
Unicode, arbitrary Unicode alone, and pieces of the seed notices mutated, so that the rules are reached
and not only skipped. Bounded: 200 examples each.
"""
from __future__ import annotations

from datetime import date
from itertools import pairwise
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract import Context, extract
from pipeline.metadata import extract_metadata, reference_date
from pipeline.model import Document, Format, RawDocument
from pipeline.nlp import Tagger
from pipeline.normalize import normalize, to_raw
from pipeline.organizations import issuer_of
from pipeline.progress import extract_progress
from pipeline.readers.text import to_blocks
from pipeline.rules import Rules
from pipeline.segment import segment
from pipeline.timex import resolve

from .conftest import SAMPLES

PHRASES = (
    "关于报送学习计划的通知", "各党支部：", "机关党委", "党委组织部", "2017年6月19日", "6月30日前", "4月28前", "520日",
    "7月20日和12月25日", "2021年4月-11月", "2024年5月-2026年5月", "全年", "年底", "月底", "上旬", "中旬", "下旬",
    "每月最后一个工作日", "每年至少一次", "每季度", "每半年", "每周一", "3天内", "5个工作日内", "不少于32学时",
    "不超过1000字", "300—500字", "30%左右", "2天半", "二〇二四年", "十二月", "两个", "一次", "下午3点", "上午10时",
    "17∶00", "24:00", "截至", "报送至", "发送至neuzzb@163.com", "大工机关委〔2017〕14号", "附件1", "一、", "(一)",
    "1.", "2.1", "序号\t项目名称\t牵头单位\t完成情况", "完成", "进行中", "持续推进中", "\n", "\n\n", "\t", "。", "，",
    "；", "：", "、", "（", "）", "“", "”", "—", "-", "~", "至", " ", "\u3000", "０１２３", "ＡＢＣ", "\f",
)
SEEDS = tuple(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")) if p.name.count(".") == 1)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def _mutated_seed(draw: st.DrawFn) -> str:
    """Up to 2,000 characters of a seed notice with pieces inserted, deleted and repeated."""
    text = draw(st.sampled_from(SEEDS))
    start = draw(st.integers(0, len(text)))
    piece = list(text[start:draw(st.integers(start, min(len(text), start + 2000)))])
    for _ in range(draw(st.integers(0, 10))):
        at = draw(st.integers(0, len(piece)))
        edit = draw(st.sampled_from(("insert", "delete", "repeat")))
        if edit == "insert":
            piece[at:at] = draw(st.text(max_size=4))
        elif edit == "delete":
            del piece[at:at + draw(st.integers(1, 20))]
        else:
            piece[at:at] = piece[at:at + draw(st.integers(1, 40))]
    return "".join(piece)


notice_text = st.lists(st.one_of(st.sampled_from(PHRASES), st.text(max_size=6)), max_size=40).map("".join)
texts = st.one_of(notice_text, st.text(max_size=200), _mutated_seed())
references = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


def _document(text: str, rules: Rules) -> Document:
    raw = RawDocument(source="property.txt", path=Path("property.txt"), format=Format.txt,
                      blocks=tuple(to_blocks(text)))
    return normalize(raw, rules)


@SETTINGS
@given(text=texts)
def test_properties_normalize_spans_inside_text(rules: Rules, text: str) -> None:
    doc = _document(text, rules)
    for block in doc.blocks:
        assert 0 <= block.char_start <= block.char_end <= len(doc.text)
        for cell in block.cells:
            assert block.char_start <= cell.char_start <= cell.char_end <= block.char_end
    for offset in (0, len(doc.text) // 2, len(doc.text)):
        assert 0 <= to_raw(doc, offset) <= len(doc.raw_text)


@SETTINGS
@given(text=texts, ref=references)
def test_properties_time_engine_spans_quote_text(rules: Rules, text: str, ref: date) -> None:
    values = resolve(text, ref, rules.time)
    for value in values:
        assert 0 <= value.char_start <= value.char_end <= len(text)
        assert text[value.char_start:value.char_end] == value.text
    assert all(a.char_end <= b.char_start for a, b in pairwise(values)), "in text order, not overlapping"


@SETTINGS
@given(text=texts, ref=references)
def test_properties_extractors_spans_quote_text(rules: Rules, tagger: Tagger, text: str, ref: date) -> None:
    doc = _document(text, rules)
    meta = extract_metadata(doc, rules)
    day, is_issue = reference_date(doc, meta, ref, rules)
    items, table_blocks = extract_progress(doc, rules, meta.as_of or day)
    clauses = [c for c in segment(doc, rules) if c.block_index not in table_blocks]
    for clause in clauses:
        assert doc.text[clause.char_start:clause.char_end] == clause.text
        assert all(clause.char_start <= s <= e <= clause.char_end for s, e in clause.parts)
    named = tagger.mentions(meta.addressee)
    context = Context(doc, rules, tagger, day, is_issue, named[0].name if named else meta.addressee,
                      issuer_of(meta.issuer, rules))
    for row in extract(clauses, context):
        assert 0 <= row.char_start <= row.char_end <= len(doc.text)
        assert doc.text[row.char_start:row.char_end] == row.text
    assert all(isinstance(item.item, str) for item in items)

"""Tests of pipeline.timex: the notice-phrase table, rules, workdays, recurrences and invariants."""
from __future__ import annotations

import copy
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml

from pipeline.errors import RuleError
from pipeline.model import Per, TimeKind, TimeValue
from pipeline.timex import (
    add_workdays,
    anchor_duration,
    is_workday,
    load_time_rules,
    next_occurrences,
    parse_time_rules,
    resolve,
    to_json,
)
from pipeline.timex.rules import default_rules_dir
from pipeline.timex.workdays import workday_status

DATA = Path(__file__).parent / "data" / "timex"
PHRASES = yaml.safe_load((DATA / "phrases.yaml").read_text(encoding="utf-8"))
RULES_DIR = default_rules_dir()
JSON_KEYS = ["text", "kind", "start", "end", "duration", "every", "rrule", "flags"]


def _found(case: dict) -> list[dict]:
    return [to_json(v) for v in resolve(case["text"], date.fromisoformat(case["ref"]))]


@pytest.mark.parametrize("case", PHRASES, ids=[f"{c['ref']}:{c['text'][:24]}" for c in PHRASES])
def test_timex_phrase_table(case: dict) -> None:
    found = _found(case)
    assert len(found) == len(case["expect"]), found
    for got, want in zip(found, case["expect"]):
        for key, value in want.items():
            if key == "flags":
                assert set(value) <= set(got["flags"]), (got, want)
            else:
                assert got[key] == value, (key, got, want)


def test_timex_table_has_enough_phrases() -> None:
    assert len(PHRASES) >= 150


@pytest.mark.parametrize("case", PHRASES, ids=[f"{c['ref']}:{c['text'][:24]}" for c in PHRASES])
def test_timex_spans_match_text(case: dict) -> None:
    values = resolve(case["text"], date.fromisoformat(case["ref"]))
    ends = [v.char_start for v in values[1:]]
    for value, next_start in zip(values, ends + [len(case["text"])]):
        assert case["text"][value.char_start:value.char_end] == value.text
        assert value.char_end <= next_start  # in text order, not overlapping


@pytest.mark.parametrize("text, ref, kind, start, end", [
    ("3月1日", date(2022, 3, 1), "date", "2022-03-01", "2022-03-01"),
    ("17:00", date(2022, 3, 1), "time", "2022-03-01T17:00", "2022-03-01T17:00"),
    ("6月30日前", date(2017, 5, 2), "deadline", None, "2017-06-30"),
    ("2022年3月", date(2022, 3, 1), "range", "2022-03-01", "2022-03-31"),
])
def test_timex_to_json_gives_exactly_the_cli_keys(text: str, ref: date, kind: str, start: str | None,
                                                  end: str) -> None:
    [value] = resolve(text, ref)
    out = to_json(value)
    assert list(out) == JSON_KEYS
    assert (out["kind"], out["start"], out["end"]) == (kind, start, end)


@pytest.mark.parametrize("text, ref, want", [
    ("现在", datetime(2021, 6, 14, 1, 6, 40), "2021-06-14T01:06"),
    ("2小时前", datetime(2014, 9, 1, 10, 30), "2014-09-01T08:30"),
    ("一刻钟后", datetime(2021, 6, 14, 1, 6, 40), "2021-06-14T01:21"),
])
def test_timex_datetime_ref_sets_now(text: str, ref: datetime, want: str) -> None:
    [value] = resolve(text, ref)
    assert to_json(value)["start"] == want


@pytest.mark.parametrize("text, ref, want", [
    ("3月8号", datetime(2021, 9, 1, 15, 15), "2022-03-08"),
    ("周一", datetime(2021, 9, 1, 15, 15), "2021-09-06"),
    ("下午三点", datetime(2021, 9, 1, 15, 15), "2021-09-02T15:00"),
    ("下午4点", datetime(2021, 9, 1, 15, 15), "2021-09-01T16:00"),
])
def test_timex_prefer_future_moves_past_dates_ahead(text: str, ref: datetime, want: str) -> None:
    [value] = resolve(text, ref, prefer_future=True)
    assert to_json(value)["start"] == want


@pytest.mark.parametrize("text, ref, duration, every, per", [
    ("三年半", date(2022, 1, 1), "P3.5Y", None, None),
    ("8天20小时", date(2022, 1, 1), "P8DT20H", None, None),
    ("一个半小时", date(2022, 1, 1), "PT1.5H", None, None),
    ("每学期", date(2022, 1, 1), None, None, Per.semester),
    ("每半年", date(2022, 1, 1), None, "P6M", Per.half_year),
    ("每季度", date(2022, 1, 1), None, "P3M", Per.quarter),
    ("每两周", date(2022, 1, 1), None, "P2W", Per.week),
    ("每学年", date(2022, 1, 1), None, "P1Y", Per.year),
])
def test_timex_durations_and_periods(text: str, ref: date, duration: str | None, every: str | None,
                                     per: Per | None) -> None:
    [value] = resolve(text, ref)
    assert (value.duration, value.every, value.per) == (duration, every, per)


@pytest.mark.parametrize("day, working, covered", [
    (date(2024, 2, 4), True, True),      # Sunday made a workday for the Spring Festival
    (date(2024, 2, 12), False, True),    # Spring Festival holiday, a Monday
    (date(2024, 10, 1), False, True),    # National Day
    (date(2024, 9, 29), True, True),     # make-up Sunday before National Day
    (date(2017, 9, 30), True, True),     # make-up Saturday
    (date(2031, 1, 6), True, False),     # beyond the calendar: Monday to Friday
    (date(2031, 1, 4), False, False),
])
def test_timex_workdays_follow_the_official_calendar(day: date, working: bool, covered: bool) -> None:
    assert workday_status(day) == (working, covered)
    assert is_workday(day) is working


@pytest.mark.parametrize("start, count, want, flags", [
    (date(2024, 9, 27), 5, date(2024, 10, 10), ()),  # 9/29 worked, 10/1-7 off
    (date(2021, 6, 14), 15, date(2021, 7, 5), ()),
    (date(2031, 1, 3), 2, date(2031, 1, 7), ("calendar_not_covered",)),
])
def test_timex_add_workdays(start: date, count: int, want: date, flags: tuple[str, ...]) -> None:
    assert add_workdays(start, count) == (want, flags)


@pytest.mark.parametrize("ref, want, moved", [
    (date(2017, 9, 1), [date(2017, 9, 30), date(2017, 10, 31), date(2017, 11, 30)], [True, False, False]),
    (date(2020, 1, 2), [date(2020, 1, 23), date(2020, 2, 28), date(2020, 3, 31)], [True, False, False]),
    (date(2023, 9, 1), [date(2023, 9, 28), date(2023, 10, 31), date(2023, 11, 30)], [True, False, False]),
    (date(2024, 4, 20), [date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 28)], [False, False, False]),
])
def test_timex_last_workday_of_month_is_an_official_workday(ref: date, want: list[date],
                                                            moved: list[bool]) -> None:
    [value] = resolve("每月最后一个工作日", ref)
    assert value.rrule == "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    occurrences = next_occurrences(value, ref, 3)
    assert [o.day for o in occurrences] == want
    assert ["moved_to_workday" in o.flags for o in occurrences] == moved
    assert all(is_workday(o.day) for o in occurrences)


@pytest.mark.parametrize("text, ref, want", [
    ("每年1月31日前", date(2018, 12, 5), [date(2019, 1, 31), date(2020, 1, 31)]),
    ("每周一", date(2022, 3, 2), [date(2022, 3, 7), date(2022, 3, 14)]),
    ("每年母亲节", date(2024, 3, 1), [date(2024, 5, 12), date(2025, 5, 11)]),
])
def test_timex_next_occurrences(text: str, ref: date, want: list[date]) -> None:
    [value] = resolve(text, ref)
    assert [o.day for o in next_occurrences(value, ref, 2)] == want


def test_timex_next_occurrences_without_rule_is_empty() -> None:
    [value] = resolve("每学期", date(2024, 3, 1))
    assert next_occurrences(value, date(2024, 3, 1), 3) == []


@pytest.mark.parametrize("text, start, end", [
    ("5个工作日内", date(2024, 9, 27), date(2024, 10, 10)),
    ("3天内", date(2024, 9, 27), date(2024, 9, 30)),
    ("2小时内", datetime(2024, 9, 27, 9, 0), datetime(2024, 9, 27, 11, 0)),
])
def test_timex_anchor_duration(text: str, start: date, end: date) -> None:
    [value] = resolve(text, date(2024, 9, 1))
    anchored = anchor_duration(value, start)
    assert (anchored.start, anchored.end) == (start, end)
    assert "anchored" in anchored.flags


def test_timex_year_less_list_after_deadline_marker() -> None:
    values = resolve("5月19日、30日前", date(2022, 3, 1))
    assert [(v.kind, v.end) for v in values] == [
        (TimeKind.deadline, date(2022, 5, 19)), (TimeKind.deadline, date(2022, 5, 30))]


def test_timex_rules_load_and_ids_are_unique() -> None:
    data = yaml.safe_load((RULES_DIR / "time.yaml").read_text(encoding="utf-8"))
    ids: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                ids.append(node["id"])
            for child in node.values():
                collect(child)
        elif isinstance(node, list):
            for child in node:
                collect(child)
    collect(data)
    assert len(ids) == len(set(ids))
    problems: list[str] = []
    parse_time_rules(data, problems)
    assert problems == []


def test_timex_rule_problems_are_all_collected() -> None:
    data = yaml.safe_load((RULES_DIR / "time.yaml").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    broken["slots"][0]["regex"] = "(?P<y>\\d{4"
    broken["slots"][1]["slot"] = "nowhere"
    broken["recurrences"][0]["per"] = "fortnight"
    broken["fragments"].append(dict(broken["fragments"][0]))
    problems: list[str] = []
    parse_time_rules(broken, problems)
    assert len(problems) == 4
    assert all(p.startswith("time.yaml: ") for p in problems)
    assert any("bad regex" in p for p in problems)
    assert any("unknown slot" in p for p in problems)
    assert any("unknown per" in p for p in problems)
    assert any("duplicate id" in p for p in problems)


def test_timex_load_time_rules_raises_one_rule_error(tmp_path: Path) -> None:
    data = yaml.safe_load((RULES_DIR / "time.yaml").read_text(encoding="utf-8"))
    data["markers"]["joiner"] = "("
    data["parts_of_day"][0]["shift"] = "sideways"
    (tmp_path / "time.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_time_rules(tmp_path)
    assert len(caught.value.problems) == 2


def test_timex_custom_rules_are_used() -> None:
    rules = load_time_rules(RULES_DIR)
    [value] = resolve("6月30日前", date(2017, 5, 2), rules)
    assert isinstance(value, TimeValue) and value.end == date(2017, 6, 30)


def test_timex_import_stays_light() -> None:
    # only what importing the engine adds to `import pipeline` (which is not this module's to judge)
    code = ("import sys; import pipeline; before = set(sys.modules); import pipeline.timex; "
            "print(sorted(m for m in set(sys.modules) - before "
            "if m.split('.')[0] in ('pandas', 'spacy', 'chinese_calendar', 'numpy') or m == 'dateutil.rrule'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "[]"

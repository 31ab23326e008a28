"""Checklists: recurring duties expanded over the horizon, the workbook's formatting, the calendar,
and `notices export`."""
from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.dataset import record_of
from pipeline.export.checklists import ALL, PAST, Horizon, checklists, horizon
from pipeline.model import ProgressItem, Requirement
from pipeline.rules import Rules

from .conftest import SAMPLES

TODAY = date(2026, 11, 21)
SPAN = Horizon(TODAY, date(2027, 11, 21), ((1, 15), (7, 10)))


@pytest.fixture(scope="module")
def seeds_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`notices run` over the five text seeds, counted from 2026-11-21, with every row in the lists (none
    leaves them for the past sheet: these tests look at the rows of 2017 and 2022)."""
    inbox = tmp_path_factory.mktemp("seeds")
    for path in sorted(SAMPLES.glob("*.txt")):
        if path.name.count(".") == 1:
            shutil.copy(path, inbox)
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(inbox), "-o", str(out), "--today", TODAY.isoformat(), "--past-days", "36500"]) == 0
    return out


def _req(**fields: object) -> Requirement:
    base = {"req_id": "d-0001", "organization": "机关党支部", "kind": "deadline", "text": "报送材料", "action": "报送"}
    return record_of(Requirement, base | fields)


@pytest.mark.parametrize("req, dates", [
    (_req(kind="recurring", recurrence="FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", per="month", flags="workdays"),
     [date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 29)]),
    (_req(kind="deadline", due_date=date(2017, 7, 20), recurrence="FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=20", per="year"),
     [date(2027, 7, 20)]),
    (_req(kind="quota", per="year", quantity=32, unit="学时", comparator=">="), [date(2026, 12, 31)]),
    (_req(kind="quota", per="quarter", quantity=1, unit="次"), [date(2026, 12, 31), date(2027, 3, 31)]),
    (_req(kind="recurring", per="semester"), [date(2027, 1, 15), date(2027, 7, 10)]),
    (_req(kind="deadline", due_date=date(2027, 3, 1)), [date(2027, 3, 1)]),
    (_req(kind="quota", per="item", quantity=800, unit="字"), [None]),
])
def test_export_checklist_dates(req: Requirement, dates: list) -> None:
    rows = checklists([req], [], SPAN)[req.organization]
    assert [r.due_date for r in rows][:len(dates)] == dates


def test_export_checklist_marks_overdue_and_sorts() -> None:
    reqs = [_req(req_id="a", due_date=date(2027, 1, 1)), _req(req_id="b", due_date=date(2020, 1, 1)),
            _req(req_id="c", kind="quota", per="item", quantity=1, unit="次")]
    rows = checklists(reqs, [], SPAN)["机关党支部"]
    assert [(r.req_id, r.overdue) for r in rows] == [("b", True), ("a", False), ("c", False)]


def test_export_checklist_all_and_unfinished_progress() -> None:
    progress = [record_of(ProgressItem, p) for p in (
        {"doc_id": "p", "seq": 1, "item": "建立台账", "lead_org": "党政办公室", "status": "in_progress",
         "period_end": date(2026, 12, 31)},
        {"doc_id": "p", "seq": 2, "item": "更新标识", "lead_org": "党政办公室", "status": "done"})]
    lists = checklists([_req(due_date=date(2027, 1, 1))], progress, SPAN)
    assert [r.what for r in lists["党政办公室"]] == ["建立台账"]
    assert [r.organization for r in lists[ALL]] == ["党政办公室", "机关党支部"]


@pytest.mark.parametrize("today, months, until", [
    (date(2026, 11, 21), 12, date(2027, 11, 21)), (date(2027, 1, 31), 1, date(2027, 2, 28)),
])
def test_export_horizon(today: date, months: int, until: date) -> None:
    assert horizon(today, months, ((1, 15),)).until == until


def test_export_one_checklist_per_organisation(seeds_output: Path) -> None:
    names = {p.stem for p in (seeds_output / "checklists").glob("*.csv")}
    assert {"机关党支部", "机关党委", "机械工程学院党支部", "分党委", "党政办公室"} <= names
    rows = list(csv.DictReader((seeds_output / "checklists" / "分党委.csv").open(encoding="utf-8-sig")))
    deadline = next(r for r in rows if r["截止日期"] == "2022-04-01")  # headers in Chinese (issue 18)
    assert (deadline["时间"], deadline["报送对象"], deadline["方式"]) == ("17:00", "党委组织部", "neuzzb@163.com")


def test_export_workbook_formatting(seeds_output: Path) -> None:
    """The workbook people keep (issue 18): Chinese headers with the columns staff use first, real dates, a
    frozen header, filters, a status list in Chinese, overdue rows marked; printed on A4 landscape, as wide
    as one page, the header on every page."""
    from openpyxl import load_workbook
    book = load_workbook(seeds_output / "checklists.xlsx")
    assert book.sheetnames[0] == "全部" and "机关党支部" in book.sheetnames
    sheet = book["机关党支部"]
    header = [c.value for c in sheet[1]]
    assert header[:6] == ["截止日期", "事项", "状态", "承办人", "完成日期", "备注"]
    assert {"数量", "报送对象", "方式", "依据", "来源", "键"} <= set(header)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    first = sheet.cell(row=2, column=1)
    assert first.is_date and first.number_format == "yyyy-mm-dd"
    # the evidence column: 50 characters shown; the file stores Excel's padding on top (50.71 for Calibri 11)
    evidence = chr(ord("A") + header.index("依据"))
    assert 50 <= sheet.column_dimensions[evidence].width < 51
    assert any(dv.formula1 == '"未办,在办,已办"' for dv in sheet.data_validations.dataValidation)
    assert sheet.conditional_formatting, "overdue rows are marked"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0)
    assert setup.fitToWidth in (None, 1)  # one page wide: 1 is the file format's default, left out
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$1:$1"
    assert not any(str(c.value or "").startswith("'") for row in sheet.iter_rows(min_row=2) for c in row)


def test_export_ics_holds_every_deadline(seeds_output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The calendar of 机关党支部 while its 2017 notice is in force (issue 18): every deadline, reminders 3 and
    1 days before, a yearly duty's RRULE ending with the notice's validity, and the monthly duty on the last
    official workday, one event per date as the checklist has them (a calendar program knows no 调休:
    2017-09-30, a Saturday, was the last workday of September)."""
    from icalendar import Calendar
    assert main(["export", "-o", str(seeds_output), "--format", "ics", "--org", "机关党支部",
                 "--today", "2017-06-20"]) == 0
    path = Path(capsys.readouterr().out.strip())
    events = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    starts = {e.get("dtstart").dt for e in events}
    assert {date(2017, 6, 30), date(2017, 6, 26), date(2017, 7, 5)} <= starts
    monthly = sorted(e.get("dtstart").dt for e in events if "每月最后一个工作日" in str(e.get("description")))
    assert monthly[:4] == [date(2017, 6, 30), date(2017, 7, 31), date(2017, 8, 31), date(2017, 9, 30)]
    assert monthly[-1] == date(2018, 5, 31) and not any(e.get("rrule") and "BYSETPOS" in e.get("rrule").to_ical().decode()
                                                         for e in events)
    yearly = next(e for e in events if e.get("rrule") and "YEARLY" in e.get("rrule").to_ical().decode())
    assert yearly.get("rrule")["UNTIL"] == [date(2018, 6, 18)]  # the notice applies for a year from its issue
    assert "001_66fe4d6b06fc550e.txt" in str(yearly.get("description"))
    alarms = [a.get("trigger").dt for a in events[0].walk("VALARM")]
    assert alarms == [timedelta(days=-3), timedelta(days=-1)]


@pytest.mark.parametrize("fmt, suffix", [("csv", ".csv"), ("json", ".json"), ("xlsx", ".xlsx")])
def test_export_formats(seeds_output: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        fmt: str, suffix: str) -> None:
    assert main(["export", "-o", str(seeds_output), "--format", fmt, "--dest", str(tmp_path),
                 "--today", TODAY.isoformat()]) == 0
    paths = [Path(p) for p in capsys.readouterr().out.split()]
    assert paths and all(p.suffix == suffix and p.exists() for p in paths)


def test_export_without_a_run_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "-o", str(tmp_path), "--format", "ics"]) == 2
    assert capsys.readouterr().err == f"notices: error: no notices.db in {tmp_path}; run `notices run` first\n"


def test_export_monthly_rule_without_a_day_falls_due_at_month_end() -> None:
    req = _req(kind="recurring", recurrence="FREQ=MONTHLY", per="month", quantity=1, unit="次")
    rows = checklists([req], [], SPAN)["机关党支部"]
    assert [r.due_date for r in rows][:2] == [date(2026, 11, 30), date(2026, 12, 31)]


def test_export_recurring_time_gives_due_time() -> None:
    req = _req(kind="recurring", recurrence="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", per="week")
    rows = checklists([req], [], SPAN)["机关党支部"]
    assert (rows[0].due_date, rows[0].due_time) == (date(2026, 11, 23), "09:00")


def test_export_channel_of_a_sentence_reaches_each_of_its_duties() -> None:
    """…总结(不超过3000字)报送机关党委,电子版发送至x@y.cn: the quota's row shows the e-mail too (issue 18)."""
    sentence = "总结(不超过3000字)报送机关党委,电子版发送至dw@example.cn"
    quota = _req(req_id="d-0001", kind="quota", per="item", quantity=3000, unit="字", comparator="<=",
                 evidence=sentence)
    channel = _req(req_id="d-0002", kind="submission", emails="dw@example.cn", subject="年度总结", evidence=sentence)
    other = _req(req_id="d-0003", kind="quota", per="item", quantity=1, unit="篇", evidence="另一句")
    rows = {r.req_id: r for r in checklists([quota, channel, other], [], SPAN)["机关党支部"]}
    assert rows["d-0001"].how == rows["d-0002"].how == "dw@example.cn | 年度总结" and rows["d-0003"].how == ""


def test_export_checklists_in_english_with_lang(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    shutil.copy(SAMPLES / "001_66fe4d6b06fc550e.txt", inbox)
    in_force = "2017-06-20"  # the notice's duties apply from 2017-06-19 for a year
    assert main(["run", str(inbox), "-o", str(out), "--today", in_force, "--lang", "en"]) == 0
    rows = list(csv.DictReader((out / "checklists" / "机关党支部.csv").open(encoding="utf-8-sig")))
    assert list(rows[0])[:4] == ["due_date", "what", "status", "assignee"]
    assert {r["status"] for r in rows} == {"todo"} and ">=32学时" in {r["how_much"] for r in rows}
    zh = tmp_path / "zh"
    assert main(["run", str(inbox), "-o", str(zh), "--today", "2017-07-10"]) == 0
    rows = list(csv.DictReader((zh / "checklists" / "机关党支部.csv").open(encoding="utf-8-sig")))
    assert {r["状态"] for r in rows} == {"未办"} and "不少于32学时" in {r["数量"] for r in rows}
    assert "每年" in {r["周期"] for r in rows} and "逾期" in {r["逾期"] for r in rows}
    # the notice by its title and 发文字号, not its file name
    assert {r["来源"] for r in rows} == {"机关党委推进“两学一做”学习教育常态化制度化实施方案（大工机关委〔2017〕14号）"}


def test_export_rows_long_past_leave_the_lists_for_the_past_sheet() -> None:
    """Only what is current (issue 18): a row due more than the past days ago is on the past list (with its
    organisation), not on its organisation's; one overdue by less stays, marked overdue."""
    span = horizon(TODAY, 12, ((1, 15), (7, 10)), past_days=30)
    reqs = [_req(req_id="old", due_date=date(2017, 6, 30)), _req(req_id="late", due_date=date(2026, 11, 1)),
            _req(req_id="next", due_date=date(2027, 1, 1))]
    lists = checklists(reqs, [], span)
    assert [r.req_id for r in lists["机关党支部"]] == ["late", "next"] and lists["机关党支部"][0].overdue
    assert [(r.req_id, r.organization) for r in lists[PAST]] == [("old", "机关党支部")]
    assert [r.req_id for r in lists[ALL]] == ["late", "next"]


def test_export_no_current_row_from_a_notice_no_longer_in_force(samples_output: Path) -> None:
    """On the samples as of 2026-12-07 (issue 18): the validity of every sample notice has ended by then (the
    progress table has none), so no current row comes from one of them; their rows are on the past sheet."""
    from pipeline.export import checklists_of
    from pipeline.export.tables import read_snapshot
    snapshot = read_snapshot(samples_output)
    ended = {d.doc_id for d in snapshot.documents if d.valid_until and d.valid_until < date(2026, 12, 7)}
    assert ended, "the samples' notices have a validity"
    lists = checklists_of(snapshot, horizon(date(2026, 12, 7), 12, ((1, 15), (7, 10)), past_days=30)).lists
    current = [i for i in lists.get(ALL, []) if i.req_id.rsplit("-", 1)[0] in ended]
    assert current == [] and lists[PAST]


def test_export_every_task_says_what_to_do(samples_output: Path) -> None:
    """No 事项 shorter than four characters on the samples, current or past (issue 18): a verb with its
    object, never a bare verb."""
    from pipeline.export import checklists_of
    from pipeline.export.checklists import every_item
    from pipeline.export.tables import read_snapshot
    lists = checklists_of(read_snapshot(samples_output), horizon(date(2026, 12, 7), 12, ((1, 15), (7, 10)), 30)).lists
    short = sorted({i.what for i in every_item(lists) if len(i.what) < 4})
    assert short == []


def test_export_no_checklist_named_after_people(samples_output: Path, rules: Rules) -> None:
    """Checklists for units only (issue 18, SPEC organization): no list is named after a role or people."""
    from pipeline.export import checklists_of
    from pipeline.export.checklists import every_item
    from pipeline.export.tables import read_snapshot
    from pipeline.organizations import is_people
    lists = checklists_of(read_snapshot(samples_output), horizon(date(2026, 12, 7), 12, ((1, 15), (7, 10)), 30)).lists
    names = {i.organization for i in every_item(lists)}
    assert names and not [n for n in names if is_people(n, rules)]

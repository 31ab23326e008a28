"""The HTML report in a real headless browser (Debian chromium via selenium, no browser download):
it opens from the file system, tabs switch organisation, clauses are highlighted and link to their
rows, and no text from a notice runs as script."""
from __future__ import annotations

import os
import shutil
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.export.report import segments

from .bad.make_bad import HOSTILE_HTML
from .conftest import SAMPLES, require_chromium

IN_FORCE = "2017-06-20"  # a day the 2017 seed notice is in force: its duties fill the report
HOSTILE = ("关于报送材料的通知\n\n各党支部：\n\n"
           "各党支部须于6月30日前报送<script>window.__pwned=1</script>材料<img src=x onerror=\"window.__pwned=2\">。\n\n"
           "<a href=\"javascript:window.__pwned=3\">附件</a>\n\n机关党委\n\n2017年6月19日\n")

require_chromium()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    for path in sorted(SAMPLES.glob("*.txt")):
        if path.name.count(".") == 1:
            shutil.copy(path, inbox)
    (inbox / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (inbox / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(inbox), "-o", str(out), "--today", IN_FORCE]) == 0
    return out / "report"


def _open(browser, path: Path):  # type: ignore[no-untyped-def]
    browser.get(path.as_uri())
    return browser


def test_report_opens_from_the_file_system(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    page = _open(browser, report / "index.html")
    assert page.title.startswith("通知事项")  # the interface in Chinese (issue 18)
    rows = page.find_elements(By.CSS_SELECTOR, "#next tbody tr")
    assert len(rows) >= 10
    first = rows[0].find_elements(By.TAG_NAME, "td")[0].text
    assert first >= IN_FORCE


def test_report_tabs_switch_organisation(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    page = _open(browser, report / "index.html")
    tabs = page.find_elements(By.CSS_SELECTOR, "[data-tab]")
    panels = page.find_elements(By.CSS_SELECTOR, "[data-panel]")
    assert len(tabs) == len(panels) >= 5
    target = next(t for t in tabs if t.text.startswith("机关党支部"))
    target.click()
    chosen = target.get_attribute("data-tab")
    shown = [p for p in panels if p.is_displayed()]
    assert [p.get_attribute("data-panel") for p in shown] == [chosen]
    assert target.get_attribute("aria-selected") == "true"
    assert "上报本月支部开展学习和组织生活情况及下月计划" in shown[0].text  # a monthly duty of 机关党支部


def test_report_highlights_link_to_rows(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    notice = next(p for p in (report / "notices").glob("*.html") if "大工机关委" in p.read_text(encoding="utf-8"))
    page = _open(browser, notice)
    marks = page.find_elements(By.CSS_SELECTOR, "mark")
    mark = next(m for m in marks if "6月30日前报送机关党委" in m.text)
    mark.find_element(By.TAG_NAME, "a").click()
    row_id = page.current_url.split("#", 1)[1]
    row = page.find_element(By.ID, row_id)
    assert row_id.startswith("row-") and "截止" in row.text and "2017-06-30" in row.text


def test_report_runs_no_script_from_a_notice(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    notice = next(p for p in (report / "notices").glob("*.html") if "__pwned" in p.read_text(encoding="utf-8"))
    for path in (report / "index.html", notice):
        page = _open(browser, path)
        assert page.execute_script("return window.__pwned === undefined")
        assert page.find_elements(By.TAG_NAME, "img") == []
    assert "<script>window.__pwned=1</script>" in page.find_element(By.CSS_SELECTOR, ".notice-text").text


def test_report_runs_no_script_from_a_web_page(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    """A saved page with <script>, onerror=, onload= and javascript: links (tests/bad): neither its notice
    page nor the index runs any of them, and its text is there."""
    from selenium.webdriver.common.by import By
    notice = next(p for p in (report / "notices").glob("*.html") if "学习计划模板" in p.read_text(encoding="utf-8"))
    for path in (report / "index.html", notice):
        page = _open(browser, path)
        assert page.execute_script("return window.pwned === undefined") and page.title != "pwned"
        assert page.find_elements(By.CSS_SELECTOR, "img, iframe, svg, [onerror], [onclick], [onload]") == []
        links = [a.get_attribute("href") or "" for a in page.find_elements(By.TAG_NAME, "a")]
        assert not [h for h in links if h.lower().startswith("javascript:")]
    assert "请各党支部于6月30日前将学习计划报送机关党委" in page.find_element(By.CSS_SELECTOR, ".notice-text").text


def _segments_by_scan(text: str, rows: list[dict[str, object]]) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """The report's pieces as first written: every row looked at for every piece (quadratic)."""
    spans = [(int(str(r["char_start"] or 0)), int(str(r["char_end"] or 0)), str(r["req_id"])) for r in rows]
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    return [(text[a:b], tuple(dict.fromkeys(i for s, e, i in spans if s <= a and b <= e)),
             tuple(dict.fromkeys(i for s, _, i in spans if s == a))) for a, b in pairwise(cuts)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.sampled_from("abcde")), max_size=25))
def test_report_pieces_are_those_of_a_scan_of_every_row(spans: list[tuple[int, int, str]]) -> None:
    """The sweep gives the pieces the quadratic scan gave, overlaps, empty and reversed spans included."""
    text = "通知" * 25
    rows: list[dict[str, object]] = [{"char_start": s, "char_end": e, "req_id": f"d-{i}"} for s, e, i in spans]
    got = [(p.text, p.rows, p.starts) for p in segments(text, [SimpleNamespace(**r) for r in rows])]  # type: ignore[misc]
    assert got == _segments_by_scan(text, rows)


def test_report_style_reaches_the_browser(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    """The style sheet is not HTML-escaped (issue 18): its quoted font names and the selected tab's
    [aria-selected="true"] rule apply."""
    from selenium.webdriver.common.by import By
    page = _open(browser, report / "index.html")
    font = page.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font and "&#34;" not in page.page_source.split("</style>")[0]
    tabs = page.find_elements(By.CSS_SELECTOR, "[data-tab]")
    colour = page.execute_script("return getComputedStyle(arguments[0]).backgroundColor", tabs[0])
    other = page.execute_script("return getComputedStyle(arguments[0]).backgroundColor", tabs[1])
    assert colour == "rgb(155, 28, 28)" and other != colour


def test_report_filters_by_organisation_week_status_and_text(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    """The all tab has the organisation's column; the filters keep the rows due this week, overdue, of a
    status or holding a text, in the tab chosen (issue 18)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    page = _open(browser, report / "index.html")
    panel = page.find_element(By.CSS_SELECTOR, '[data-panel="0"]')
    assert panel.find_elements(By.TAG_NAME, "th")[0].text == "单位"

    def visible() -> list[list[str]]:
        rows = [r for r in page.find_elements(By.CSS_SELECTOR, "[data-panel] tbody tr") if r.is_displayed()]
        return [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in rows]
    everything = visible()
    Select(page.find_element(By.ID, "when")).select_by_value("this-week")  # 2017-06-19 to 06-25
    assert all("2017-06-19" <= r[1] <= "2017-06-25" for r in visible())
    Select(page.find_element(By.ID, "when")).select_by_value("next-week")
    week = visible()
    assert week and all("2017-06-26" <= r[1] <= "2017-07-02" for r in week) and len(week) < len(everything)
    Select(page.find_element(By.ID, "when")).select_by_value("new")  # the first run read every file
    assert len(visible()) == len(everything)
    Select(page.find_element(By.ID, "when")).select_by_value("")
    page.find_element(By.ID, "q").send_keys("上报本月")
    found = visible()
    assert found and all("上报本月" in "".join(r) for r in found)
    assert page.find_element(By.ID, "count").text == f"{len(found)} 显示"
    target = next(t for t in page.find_elements(By.CSS_SELECTOR, "[data-tab]") if t.text.startswith("机关党委"))
    target.click()
    assert all("上报本月" in "".join(r) for r in visible())  # the search holds in the tab chosen


def test_report_reads_on_a_phone(browser, report: Path) -> None:  # type: ignore[no-untyped-def]
    """At a phone's width the page does not scroll sideways; tables scroll inside their card."""
    browser.set_window_size(390, 844)
    try:
        page = _open(browser, report / "index.html")
        width = page.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390 and page.execute_script("return window.innerWidth") <= 390
    finally:
        browser.set_window_size(1400, 1000)


def test_report_folder_is_readable_by_others(report: Path) -> None:
    """report/ is made as any folder of the process is (its umask), not for its owner only (issue 18)."""
    mask = os.umask(0)
    os.umask(mask)
    assert report.stat().st_mode & 0o777 == 0o777 & ~mask

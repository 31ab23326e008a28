"""The web page (issue 19) served by `notices serve` in a process of its own and used in headless Debian
chromium: sign in, only one's own organisation, tick a row done and find it in the next checklists.xlsx,
upload a notice and see its rows (read by a limited worker process), search by 发文字号, the page at phone
width, no script from a notice running; and a 200 MB upload refused by a real server before it is read."""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from openpyxl import load_workbook

from pipeline.cli import main

from .bad.make_bad import HOSTILE_HTML
from .conftest import SAMPLES, require_chromium
from .web_site import IN_FORCE, USERS, make_site, token

require_chromium()
pytestmark = pytest.mark.slow  # the server reads uploads in a limited worker process
START_SECONDS = 60
READ_SECONDS = 180
PHONE = (390, 844)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """(URL, inbox, out) of `notices serve` over a run of three seed notices, users as in web_site."""
    root = tmp_path_factory.mktemp("served")
    inbox, out = make_site(root)
    port = _free_port()
    log = open(root / "serve.log", "wb")  # noqa: SIM115 - open for the server's life
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "-o", str(out), "--inbox", str(inbox),
                                "--port", str(port), "--today", IN_FORCE, "--workers", "1"], stdout=log,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((root / "serve.log").read_text(errors="replace")) from None
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}", inbox, out
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def _keys(out: Path, org: str) -> set[str]:
    con = sqlite3.connect(out / "notices.db")
    try:
        return {str(k) for (k,) in con.execute("SELECT key FROM checklist WHERE organization = ?", (org,))}
    finally:
        con.close()


def _sign_in(browser: Any, url: str, name: str) -> None:
    from selenium.webdriver.common.by import By
    browser.delete_all_cookies()
    browser.get(f"{url}/list")
    assert "/login" in browser.current_url  # no session: the sign-in page
    browser.find_element(By.NAME, "user").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(USERS[name][0])
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
    _wait_for(browser, "/list")


def _wait_for(browser: Any, path: str, query: str = "") -> None:
    """Wait until the browser is on `path` (a click that submits a form returns before the next page)."""
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser, START_SECONDS).until(
        lambda b: urlsplit(b.current_url).path == path and query in urlsplit(b.current_url).query)


def _row_keys(browser: Any, section: str = "") -> list[str]:
    from selenium.webdriver.common.by import By
    rows = browser.find_elements(By.CSS_SELECTOR, f"{'#' + section + ' ' if section else ''}tr[id^=row-]")
    return [r.get_attribute("id").removeprefix("row-") for r in rows]


def _wait_read(browser: Any) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(browser, READ_SECONDS, poll_frequency=1).until(
        lambda b: b.find_element(By.ID, "state").get_attribute("data-state") != "waiting")
    return str(browser.find_element(By.ID, "state").get_attribute("data-state"))


def _upload(browser: Any, url: str, path: Path) -> None:
    from selenium.webdriver.common.by import By
    browser.get(f"{url}/upload")
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()


def test_web_browser_signed_in_user_sees_only_their_organisation(browser: Any,
                                                                  server: tuple[str, Path, Path]) -> None:
    url, _, out = server
    _sign_in(browser, url, "alice")
    shown = set(_row_keys(browser))
    assert shown and shown <= _keys(out, "机关党委")
    assert not shown & _keys(out, "机关党支部")
    assert browser.title.startswith("机关党委")


def test_web_browser_row_ticked_done_is_done_in_the_next_workbook(browser: Any,
                                                                  server: tuple[str, Path, Path]) -> None:
    from selenium.webdriver.common.by import By
    url, inbox, out = server
    _sign_in(browser, url, "alice")
    key = _row_keys(browser, "next_week")[0]
    browser.find_element(By.CSS_SELECTOR, f"#row-{key} button.tick").click()
    _wait_for(browser, "/list", "saved=1")
    assert key in _row_keys(browser, "done")
    assert main(["run", str(inbox), "-o", str(out), "--today", IN_FORCE, "--workers", "1"]) == 0
    rows = list(load_workbook(out / "checklists.xlsx", read_only=True)["机关党委"].iter_rows(values_only=True))
    column = {name: n for n, name in enumerate(rows[0])}
    assert next(r for r in rows[1:] if r[column["键"]] == key)[column["状态"]] == "已办"


def test_web_browser_uploaded_notice_shows_its_rows(browser: Any, server: tuple[str, Path, Path],
                                                    tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    url, inbox, _ = server
    _sign_in(browser, url, "bob")
    path = tmp_path / "004_ca7c5b3b7ac4bce8.txt"
    shutil.copy(SAMPLES / path.name, path)
    _upload(browser, url, path)
    assert _wait_read(browser) == "done"
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.req")) >= 5
    assert any(p.name.endswith(path.name) for p in (inbox / "网页上传").iterdir())


def test_web_browser_search_finds_a_notice_by_its_number(browser: Any, server: tuple[str, Path, Path]) -> None:
    from selenium.webdriver.common.by import By
    url, _, _ = server
    _sign_in(browser, url, "bob")
    browser.get(f"{url}/notices")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("大工机关委〔2017〕14号")
    box.submit()
    _wait_for(browser, "/notices", "q=")
    links = browser.find_elements(By.CSS_SELECTOR, "tbody a[href*='/notice/']")
    links_to = links[0].get_attribute("href") if links else ""
    assert links and "大工机关委〔2017〕14号" in browser.find_element(By.TAG_NAME, "tbody").text
    links[0].click()
    _wait_for(browser, urlsplit(links_to).path)
    assert "机关党委" in browser.find_element(By.TAG_NAME, "h2").text


def test_web_browser_list_fits_a_phone(browser: Any, server: tuple[str, Path, Path]) -> None:
    from selenium.webdriver.common.by import By
    url, _, _ = server
    _sign_in(browser, url, "alice")
    browser.set_window_size(*PHONE)
    try:
        browser.get(f"{url}/list")
        width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]  # nothing wider than the screen: no sideways scrolling
        first = browser.find_element(By.CSS_SELECTOR, "tr[id^=row-]")
        assert first.find_element(By.CSS_SELECTOR, "td.date").is_displayed()
        assert first.find_element(By.CSS_SELECTOR, "button.tick").is_displayed()
        _screenshot(browser, "web-list-phone.png")
    finally:
        browser.set_window_size(1400, 1000)
    browser.get(f"{url}/list")
    _screenshot(browser, "web-list-desktop.png")


def _screenshot(browser: Any, name: str) -> None:
    """Kept where NOTICES_SCREENSHOTS points (for the docs), else not."""
    folder = os.environ.get("NOTICES_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / name))


def test_web_browser_no_script_from_a_notice_runs(browser: Any, server: tuple[str, Path, Path],
                                                  tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    url, _, _ = server
    _sign_in(browser, url, "bob")
    path = tmp_path / "hostile.html"
    path.write_text(HOSTILE_HTML, encoding="utf-8")
    _upload(browser, url, path)
    assert _wait_read(browser) == "done"
    assert browser.execute_script("return window.pwned") is None
    notice = browser.find_element(By.CSS_SELECTOR, "#state a")
    links_to = notice.get_attribute("href")
    notice.click()
    _wait_for(browser, urlsplit(links_to).path)
    assert "关于报送学习计划的通知" in browser.page_source
    assert browser.execute_script("return window.pwned") is None and browser.title != "pwned"
    for link in browser.find_elements(By.CSS_SELECTOR, "a"):
        assert not (link.get_attribute("href") or "").lower().startswith("javascript")


def test_web_server_refuses_a_200_mb_upload_before_reading_it(server: tuple[str, Path, Path]) -> None:
    url, inbox, _ = server
    with httpx.Client(base_url=url) as client:
        page = client.get("/login").text
        client.post("/login", data={"csrf": token(page), "user": "alice", "password": USERS["alice"][0]})
        csrf = token(client.get("/upload").text)
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    before = sorted(inbox.rglob("*"))
    host, port = url.removeprefix("http://").split(":")
    boundary = "notices-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{boundary}\r\n"
            "Content-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall((f"POST /upload HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
                      f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                      f"Content-Length: {200 * 1024 * 1024}\r\n\r\n").encode() + head + b"%PDF-1.4\n" + b"0" * 65536)
        answer = conn.recv(65536).decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413") and time.monotonic() - started < 10
    assert sorted(inbox.rglob("*")) == before
    assert httpx.get(f"{url}/login").status_code == 200  # the server goes on

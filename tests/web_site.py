"""A site for the web page's tests: an output folder of a run over three seed notices in force, with three
users (one per organisation, an administrator), and a client that signs in and sends forms with their token."""
from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from pipeline.cli import main
from pipeline.web import accounts

from .conftest import SAMPLES

IN_FORCE = "2017-06-20"  # the 2017 seed notices in force: deadlines this week and next
DAY = date.fromisoformat(IN_FORCE)
NOTICES = ("001_66fe4d6b06fc550e.txt", "003_790835e522af9ef0.txt", "000_b1bb4c7589408144.txt")
USERS = {"alice": ("alice-password", ["机关党委"], False), "bob": ("bob-password", ["机关党支部"], False),
         "root": ("root-password", [], True)}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROW = re.compile(r'id="row-(k[0-9a-f]+)"')


def make_site(root: Path) -> tuple[Path, Path]:
    """(inbox, out) of a run over NOTICES as of IN_FORCE, with USERS."""
    inbox, out = root / "inbox", root / "out"
    inbox.mkdir()
    for name in NOTICES:
        shutil.copy(SAMPLES / name, inbox)
    assert main(["run", str(inbox), "-o", str(out), "--today", IN_FORCE, "--workers", "1"]) == 0
    for name, (password, orgs, admin) in USERS.items():
        accounts.add_user(out, name, password, orgs, admin)
    return inbox, out


def token(page: str) -> str:
    found = CSRF.search(page)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: Any, name: str) -> str:
    """Sign `name` in; returns the session's CSRF token."""
    page = client.get("/login").text
    answer = client.post("/login", data={"csrf": token(page), "user": name, "password": USERS[name][0], "next": "/list"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return token(client.get("/upload").text)

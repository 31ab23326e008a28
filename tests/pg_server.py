"""Test only: a throwaway PostgreSQL server (initdb and pg_ctl on a temporary folder, listening on a Unix
socket there only), run as `nobody` when the tests run as root, since initdb refuses root."""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

DEBIAN_BINARIES = Path("/usr/lib/postgresql")  # Debian's postgresql package keeps them off PATH
UNPRIVILEGED = "nobody"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else the newest of Debian's."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    for folder in sorted(DEBIAN_BINARIES.glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True):
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


CONTROLS: dict[str, tuple[list[str], list[str]]] = {}  # URL of a throwaway server -> (stop, start) commands


@contextmanager
def throwaway_server(folder: Path) -> Iterator[str]:
    """A new server for the block; yields its URL (user postgres, database postgres, no password)."""
    root = Path(tempfile.mkdtemp(prefix="notices-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        user = pwd.getpwnam(UNPRIVILEGED)
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", UNPRIVILEGED, "--"]
    data = root / "data"
    pg_ctl = [*as_user, str(folder / "pg_ctl"), "-D", str(data)]
    try:
        _call([*as_user, str(folder / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
               "--no-locale", "--no-sync"])
        start = [*pg_ctl, "-l", str(root / "server.log"), "-w", "-o", f"-k {root} -c listen_addresses='' -F", "start"]
        _call(start)
        url = f"postgresql:///postgres?host={root}&user=postgres"
        CONTROLS[url] = ([*pg_ctl, "-m", "fast", "-w", "stop"], start)
        yield url
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


def stop(url: str) -> None:
    """Stop the throwaway server at `url` (its sessions are ended, as at a restart of the service)."""
    _call(CONTROLS[url][0])


def start(url: str) -> None:
    _call(CONTROLS[url][1])


def with_schema(url: str, schema: str) -> str:
    """The URL with `schema` as its search_path."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'options': f'-csearch_path={schema}'})}"


def _call(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

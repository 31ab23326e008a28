"""Notices dropped in through the web page: each saved into the inbox under a name made safe (nothing the
browser sends becomes a path), then read at once by a run like the nightly one (the same worker processes,
limits and error rows), one run at a time in a thread of the server; the upload's state is kept in web.db."""
from __future__ import annotations

import logging
import queue
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ..limits import MB
from ..model import RunSummary
from ..names import file_stems
from ..readers import READERS
from .accounts import connect
from .board import NotWritten, document_of, errors_of

log = logging.getLogger(__name__)

CHUNK = 1 << 16


class Refused(ValueError):
    """An upload that is not taken (its type, its size); the message is for the person who sent it."""


@dataclass(frozen=True, slots=True)
class Upload:
    id: str
    user: str
    name: str  # as the browser gave it, for people
    source: str  # where it is in the inbox
    state: str  # waiting, done, error (its error row), failed (the run itself could not be made)
    message: str
    created: str
    finished: str


def safe_name(client_name: str, moment: datetime) -> str:
    """A file name for the inbox from a name a browser sent: its last part only (no folder, no `..`), no
    character any system refuses, the time in front (two uploads never share a name, and no upload is a
    hidden or temporary file), and a suffix the readers know. Refused otherwise."""
    base = unicodedata.normalize("NFKC", client_name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, suffix = base.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in READERS:
        raise Refused(f"unsupported:{suffix or '-'}")
    clean = file_stems([stem], "notice")[stem]
    return f"{moment:%Y%m%d-%H%M%S}-{clean}{suffix}"


def save(stream: BinaryIO, folder: Path, name: str, max_bytes: int) -> Path:
    """Copy an uploaded file into `folder` (made if needed) under `name`, refusing it past `max_bytes`; a
    file refused or cut short leaves nothing behind."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    part = folder / f".{name}.part"  # hidden: a run in progress does not read it
    size = 0
    try:
        with open(part, "xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise Refused(f"too_large:{max_bytes // MB}")
                out.write(chunk)
        if size == 0:
            raise Refused("empty")
        part.replace(target)
    finally:
        part.unlink(missing_ok=True)
    return target


class Runner:
    """Runs `run_once` in a thread of its own whenever uploads wait, one run at a time; uploads that arrive
    during a run are read by the next."""

    def __init__(self, out_dir: Path, run_once: Callable[[], RunSummary]) -> None:
        self.out_dir = out_dir
        self.run_once = run_once
        self._wake: queue.Queue[bool] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="notices-uploads", daemon=True)
        self._thread.start()
        if waiting(self.out_dir):  # left waiting by a server that stopped
            self._wake.put(True)

    def stop(self) -> None:
        if self._thread is not None:
            self._wake.put(False)
            self._thread.join(timeout=5)

    def add(self, user: str, client_name: str, source: str) -> str:
        upload_id = secrets.token_urlsafe(12)
        with connect(self.out_dir) as con:
            con.execute("INSERT INTO uploads VALUES (?,?,?,?,?,?,?,NULL)", (upload_id, user, client_name, source,
                                                                             "waiting", "", _now()))
        self._wake.put(True)
        return upload_id

    def _loop(self) -> None:
        while self._wake.get():
            while not self._wake.empty():  # several uploads, one run
                if not self._wake.get_nowait():
                    return
            self._run()

    def _run(self) -> None:
        sources = waiting(self.out_dir)
        if not sources:
            return
        try:
            self.run_once()
        except Exception as exc:  # the run could not be made: each upload says so, the server goes on
            log.error("a run for uploads failed", exc_info=exc)
            _finish(self.out_dir, {s: ("failed", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                                   for s in sources})
            return
        _finish(self.out_dir, {s: _outcome(self.out_dir, s) for s in sources})


def waiting(out_dir: Path) -> list[str]:
    with connect(out_dir) as con:
        return [str(r[0]) for r in con.execute("SELECT source FROM uploads WHERE state = 'waiting'")]


def upload(out_dir: Path, upload_id: str) -> Upload | None:
    with connect(out_dir) as con:
        found = con.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()
    return Upload(*(str(v or "") for v in found)) if found else None


def recent(out_dir: Path, limit: int = 50) -> list[Upload]:
    with connect(out_dir) as con:
        return [Upload(*(str(v or "") for v in r))
                for r in con.execute("SELECT * FROM uploads ORDER BY created DESC LIMIT ?", (limit,))]


def _outcome(out_dir: Path, source: str) -> tuple[str, str]:
    try:
        errors = errors_of(out_dir, source)
        if errors:
            first = errors[0]
            return "error", " -- ".join(str(v) for v in (first.get("reason"), first.get("hint")) if v)
        return ("done", "") if document_of(out_dir, source) else ("failed", "not in the outputs")
    except NotWritten:
        return "failed", "no outputs were written"


def _finish(out_dir: Path, outcomes: dict[str, tuple[str, str]]) -> None:
    with connect(out_dir) as con:
        con.executemany("UPDATE uploads SET state = ?, message = ?, finished = ? WHERE source = ? AND state = 'waiting'",
                        [(state, message, _now(), source) for source, (state, message) in outcomes.items()])


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


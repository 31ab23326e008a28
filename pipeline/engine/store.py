"""Where a run keeps its state, behind one interface: SQLite in the output folder (the default) or PostgreSQL
(`--db`). With PostgreSQL the outputs are written to a new folder that then takes the old one's place whole."""
from __future__ import annotations

import ctypes
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from ..dataset import ChangeRecord, Mark, RequirementKey, RunRecord, Snapshot
from ..model import ErrorRecord
from .lock import RunLock
from .state import FileState, State, Stored

AT_FDCWD = -100  # renameat2 arguments (linux/fcntl.h, linux/fs.h)
RENAME_EXCHANGE = 2


class Store(Protocol):
    """What a run needs of its state (state.State, pgstate.PgState); each call is its own transaction."""

    def files(self) -> dict[str, FileState]: ...

    def touch(self, source: str, size: int, mtime_ns: int) -> None: ...

    def store(self, stored: list[Stored], versions: str, now: datetime, changes: list[ChangeRecord]) -> None: ...

    def withdraw(self, sources: list[str], day: date, changes: list[ChangeRecord]) -> None: ...

    def snapshot(self) -> Snapshot: ...

    def requirement_keys(self, sources: list[str]) -> set[RequirementKey]: ...

    def live_errors(self) -> list[ErrorRecord]: ...

    def count(self, table: str) -> int: ...

    def get(self, key: str) -> str: ...

    def set(self, key: str, value: str) -> None: ...

    def marks(self) -> dict[str, Mark]: ...

    def save_marks(self, marks: list[Mark], drop: list[str]) -> None: ...

    def record_run(self, run: RunRecord, changes: list[ChangeRecord]) -> None: ...

    def runs(self) -> list[RunRecord]: ...

    def changes(self) -> list[ChangeRecord]: ...


@contextmanager
def open_store(out_dir: Path, db: str | None, wait: bool) -> Iterator[Store]:
    """The store of a run, held for the whole run: the output folder's run lock and SQLite state, or the
    PostgreSQL database at the URL `db` under its advisory lock. RunBusy when `wait` is False and another
    run holds it; ServiceError when the database cannot be reached."""
    if db is None:
        with RunLock(out_dir, wait), State(out_dir) as state:
            yield state
        return
    import psycopg

    from .pgstate import PgState, lost
    with PgState(db, wait) as store:
        try:
            yield store
        except psycopg.OperationalError as exc:  # the server went away mid-run: one line, not a traceback
            raise lost(exc, db) from exc


@contextmanager
def replaced(out_dir: Path) -> Iterator[Path]:
    """A new folder to write the outputs in, which takes the place of `out_dir` in one step when the block
    ends (readers see the old outputs or the new ones, never a mix); what only the old folder holds
    (logs, exports) is moved over first."""
    target = Path(os.path.realpath(out_dir))
    target.parent.mkdir(parents=True, exist_ok=True)
    for kind in ("new", "old"):
        for stale in target.parent.glob(f".{target.name}.{kind}-*"):  # left by a run that died
            shutil.rmtree(stale, ignore_errors=True)
    new = target.with_name(f".{target.name}.new-{os.getpid()}")
    new.mkdir()
    try:
        yield new
        old = _switch(new, target)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old)


def _switch(new: Path, target: Path) -> Path | None:
    """Put `new` in the place of `target`; returns where the old folder went, to be removed."""
    if not target.exists():
        os.rename(new, target)
        return None
    for entry in target.iterdir():
        if not (new / entry.name).exists():
            os.rename(entry, new / entry.name)
    if _exchange(new, target):
        return new
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, old)  # no exchange in one step here: for a moment there is no folder
    os.rename(new, target)
    return old


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); False where the system or its file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    return bool(renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0)

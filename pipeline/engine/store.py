"""Where a run keeps its state, behind one interface: SQLite in the output folder (the default) or PostgreSQL
(`--db`)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from ..dataset import ChangeRecord, Mark, RequirementKey, RunRecord, Snapshot
from ..model import ErrorRecord
from .lock import RunLock
from .state import FileState, State, Stored


class Store(Protocol):
    """What a run needs of its state (state.State, pgstate.PgState); each call is its own transaction."""

    def files(self) -> dict[str, FileState]: ...

    def live_files(self) -> int: ...

    def touch(self, source: str, size: int, mtime_ns: int) -> None: ...

    def store(self, stored: list[Stored], versions: str, now: datetime, changes: list[ChangeRecord]) -> None: ...

    def withdraw(self, sources: list[str], day: date, changes: list[ChangeRecord]) -> None: ...

    def snapshot(self) -> Snapshot: ...

    def requirement_keys(self, sources: list[str]) -> set[RequirementKey]: ...

    def text(self, source: str) -> str: ...

    def live_errors(self) -> list[ErrorRecord]: ...

    def count(self, table: str) -> int: ...

    def get(self, key: str) -> str: ...

    def set(self, key: str, value: str) -> None: ...

    def marks(self) -> dict[str, Mark]: ...

    def save_marks(self, marks: list[Mark], drop: list[str]) -> None: ...

    def record_run(self, run: RunRecord, changes: list[ChangeRecord]) -> None: ...

    def runs(self) -> list[RunRecord]: ...

    def changes(self) -> list[ChangeRecord]: ...

    def unrecorded_changes(self) -> list[ChangeRecord]: ...


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
def open_shared(out_dir: Path, db: str | None) -> Iterator[Store]:
    """The store of an output folder for short reads and staff marks beside runs (the web page): no run
    lock, each call its own transaction. FileNotFoundError when no run has made the SQLite state;
    ServiceError when PostgreSQL cannot be reached."""
    if db is None:
        with State.shared(out_dir) as state:
            yield state
        return
    from .pgstate import PgState
    store = PgState(db)
    try:
        yield store
    finally:
        store.con.close()

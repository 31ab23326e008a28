"""One run at a time per output folder: a POSIX lock on .notices/run.lock, freed by the kernel if a run
dies. (Not flock: worker processes forked by a run would share an flock and keep it after a kill.)"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from ..errors import PipelineError
from .state import state_dir

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5


class RunBusy(PipelineError):
    """Another run holds the output folder."""


class RunLock:
    """Held for the whole of a run; `wait` False gives up at once, a `timeout` gives up after a while."""

    def __init__(self, out_dir: Path, wait: bool = True, timeout: float | None = None) -> None:
        self.path = state_dir(out_dir) / "run.lock"
        self.wait = wait
        self.timeout = timeout
        self.fd = -1

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.local = _local_lock(self.path)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        told = False
        while not self._try():
            holder = self._holder()
            if not self.wait or (deadline is not None and time.monotonic() > deadline):
                os.close(self.fd)
                self.fd = -1
                raise RunBusy(f"another run is using {self.path.parent.parent} ({holder})",
                              "wait for it to finish, or run again without --no-wait to wait for it")
            if not told:
                log.warning("waiting for the run already using this output folder (%s)", holder)
                told = True
            time.sleep(POLL_SECONDS)
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"pid {os.getpid()} since {datetime.now().isoformat(timespec='seconds')}".encode())
        return self

    def _try(self) -> bool:
        """Both locks or neither: the thread lock (runs in this process) and the file lock (other processes)."""
        if not self.local.acquire(blocking=False):
            return False
        try:
            fcntl.lockf(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            self.local.release()
            return False
        return True

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown process"
        except OSError:
            return "unknown process"

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        os.ftruncate(self.fd, 0)
        fcntl.lockf(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
        self.local.release()


_LOCAL: dict[Path, threading.Lock] = {}
_GUARD = threading.Lock()


def _local_lock(path: Path) -> threading.Lock:
    """POSIX locks do not exclude two runs of one process (threads): this lock does."""
    with _GUARD:
        return _LOCAL.setdefault(path.resolve(), threading.Lock())

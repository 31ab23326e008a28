"""One writer run in a forked child process while this process writes the others. The checklist workbook
is pure Python and takes about as long as all the tables, so on two cores a large run's outputs take a
third less time. Forked only where that is safe and pays: fork exists, this process runs no other
thread (a lock held by one would stay held in the child), and the run is large."""
from __future__ import annotations

import logging
import os
import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)

FORK_FROM_ROWS = 1000  # checklist rows from which the writer runs beside: a fork costs tens of milliseconds
CHUNK = 65536


class WriterFailed(RuntimeError):
    """The writer running beside failed with an error that could not be sent back as it was."""


@contextmanager
def beside(task: Callable[[], None], rows: int) -> Iterator[None]:
    """Run `task` during the body: in a forked child when `rows` make it worth it, else here first. When
    the child's task fails, its exception is raised here once the body is done."""
    if rows < FORK_FROM_ROWS or not hasattr(os, "fork") or threading.active_count() > 1:
        task()
        yield
        return
    pid, reader = _start(task)
    failed = True
    try:
        yield
        failed = False
    finally:
        error = _finish(pid, reader)
    if error is not None and not failed:
        raise error


def _start(task: Callable[[], None]) -> tuple[int, int]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run the task, report an error through the pipe, leave without cleanup
        code = 1
        try:
            os.close(reader)
            task()
            code = 0
        except BaseException as exc:  # noqa: BLE001 - sent to the parent and raised there
            _send(writer, exc)
        finally:
            os._exit(code)
    os.close(writer)
    return pid, reader


def _send(writer: int, exc: BaseException) -> None:
    try:
        data = pickle.dumps(exc)
    except (pickle.PicklingError, TypeError, AttributeError):  # one that does not pickle goes as its text
        data = pickle.dumps(WriterFailed(f"{type(exc).__name__}: {exc}"))
    view = memoryview(data)
    while view:
        view = view[os.write(writer, view):]


def _finish(pid: int, reader: int) -> BaseException | None:
    """Wait for the child; the exception it failed with, or None when it succeeded."""
    try:
        chunks = []
        while chunk := os.read(reader, CHUNK):
            chunks.append(chunk)
    finally:
        os.close(reader)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return None
    try:
        error = pickle.loads(b"".join(chunks))
    except (EOFError, pickle.UnpicklingError, TypeError, ValueError, AttributeError, ImportError):
        # nothing sent (the child was killed), or an error that cannot be made again here
        error = None
    if isinstance(error, BaseException):
        return error
    return WriterFailed(f"the writer's process ended with {'signal ' + str(-code) if code < 0 else 'status ' + str(code)}")

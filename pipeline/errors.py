"""The errors stages raise; each message says which file, what is wrong and what to do."""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path


class PipelineError(Exception):
    """Base class. `hint` says what the user can do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    @property
    def reason(self) -> str:
        return str(self.args[0]) if self.args else ""


class UnreadableFile(PipelineError):
    """The file exists but its content cannot be read (corrupt, undecodable, empty)."""


class UnsupportedFormat(PipelineError):
    """No reader handles this kind of file."""


class MissingTool(PipelineError):
    """An external program or optional package the file needs is not installed."""

    def __init__(self, tool: str, hint: str, message: str = "") -> None:
        super().__init__(message or f"{tool} is not installed", hint)
        self.tool = tool


class OverLimit(PipelineError):
    """The file is over one of the limits of rules/limits.yaml (`limit` names it)."""

    def __init__(self, limit: str, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.limit = limit


class RuleError(PipelineError):
    """One or more rule files are wrong; the message lists every `file: key: problem`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("broken rules:\n  " + "\n  ".join(self.problems),
                         "fix the rule files named above")


class ServiceError(PipelineError):
    """A service the run was pointed at (a Dask scheduler, a PostgreSQL server) cannot be used as it is:
    unreachable, without workers, or with workers that run another version of the pipeline or the rules."""


class OutputProblem(PipelineError):
    """The output folder or the run state cannot be written: a full disk, a read-only folder, a file where
    the folder should be, a state database another program holds."""


# errno -> what is wrong with the output folder, and what to do (the previous outputs stay as they were)
OUTPUT_CAUSES = {
    errno.ENOSPC: ("the disk of {out} is full", "free some space, or give -o a folder on another disk, and run again"),
    errno.EDQUOT: ("the disk quota for {out} is used up", "free some space, or give -o another folder"),
    errno.EROFS: ("{out} is on a read-only file system", "give -o a folder you can write to"),
    errno.EACCES: ("no permission to write in {out}", "give -o a folder you can write to, or change its permissions"),
    errno.EPERM: ("no permission to write in {out}", "give -o a folder you can write to, or change its permissions"),
    errno.ENOTDIR: ("{out} is not a folder", "give -o a folder (it is made when missing)"),
    errno.EEXIST: ("{out} is not a folder", "give -o a folder (it is made when missing)"),
}


def output_problem(exc: BaseException, out: Path) -> OutputProblem | None:
    """The one-line cause of a failure to write the outputs or the run state, or None for another failure."""
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return OutputProblem(f"the run state in {out / '.notices'} is locked by another program",
                             "close the program that holds it (a database browser, a copy in progress) and run again")
    if isinstance(exc, sqlite3.DatabaseError) and "disk" in str(exc):
        return OutputProblem(*(part.format(out=out) for part in OUTPUT_CAUSES[errno.ENOSPC]))
    if isinstance(exc, OSError) and exc.errno in OUTPUT_CAUSES:
        reason, hint = OUTPUT_CAUSES[exc.errno]
        return OutputProblem(reason.format(out=out), hint)
    return None

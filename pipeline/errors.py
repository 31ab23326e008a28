"""The errors stages raise; each message says which file, what is wrong and what to do."""
from __future__ import annotations


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

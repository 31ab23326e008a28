"""The run engine: plan a run against the stored state (plan), keep that state (state for SQLite in the output
folder, pgstate for PostgreSQL, behind store.Store; lock serialises runs), read what is new or changed with an
executor (executors: in this process; workers: worker processes; cluster: Dask), and write the outputs
(runner, through export); watch runs it again as files arrive. The per-file stages are in pipeline.stages."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .options import HORIZON_MONTHS, Executor, RunOptions

if TYPE_CHECKING:
    from ..model import RunSummary
    from ..rules import Rules


def run(inbox: Path, out_dir: Path, options: RunOptions | None = None, rules: Rules | Path | None = None,
        on_file: Callable[[str, int, int, int], None] | None = None) -> RunSummary:
    """Process what is new or changed in the inbox and rewrite the outputs if anything changed. `rules` are
    loaded rules or the folder to load them from (default: the project's); `on_file(source, done, total, ocr_pages)`
    follows the files. Raises RuleError for broken rules, RunBusy when another run holds the output folder
    and `options.wait` is False, ServiceError when a named service (Dask, PostgreSQL) cannot be used."""
    from . import runner  # here, so that the options can be imported without the stages' models
    from .executors import choose
    options = options or RunOptions()
    return runner.run(inbox, out_dir, choose(options), rules, options, on_file)


__all__ = ["HORIZON_MONTHS", "Executor", "RunOptions", "run"]

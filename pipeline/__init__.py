"""notices: Chinese official notices in, obligations out (a dataset and per-organisation checklists)."""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from .model import RunSummary


def run(inbox: Path, out_dir: Path, rules_dir: Path | None = None, fail_fast: bool = False,
        today: date | None = None, horizon_months: int = 12) -> RunSummary:
    """Process every file of `inbox` and write the dataset and checklists to `out_dir`."""
    from .engine import RunOptions  # imported here so `import pipeline` stays light
    from .engine import run as run_engine
    return run_engine(inbox, out_dir, RunOptions(today=today, horizon_months=horizon_months, fail_fast=fail_fast),
                      rules_dir)


__all__ = ["__version__", "run"]

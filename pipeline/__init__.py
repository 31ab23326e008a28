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
    from .batch import run as run_batch  # imported here so `import pipeline` stays light
    return run_batch(inbox, out_dir, rules_dir, fail_fast, today, horizon_months)


__all__ = ["__version__", "run"]

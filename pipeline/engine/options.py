"""How a run is made: one typed value instead of a dozen positional parameters."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

HORIZON_MONTHS = 12  # the checklists' window, from the run's day
PAST_DAYS = 30  # an obligation this many days past leaves the checklists for their past sheet


class Executor(Enum):
    """Where files are read: on this machine (in this process or in worker processes), or on a Dask cluster."""
    local = "local"
    dask = "dask"


@dataclass(frozen=True, slots=True)
class RunOptions:
    """`today` (default: the run's date) and `horizon_months` set the checklists' window, `past_days` when a
    row leaves them for the past sheet; `full` reads every
    file again; `wait` waits for a run that holds the output folder (else RunBusy); `fail_fast` raises the
    first file's error instead of recording it. `workers` from 1 reads files in that many worker processes
    (each within the limits of rules/limits.yaml, a crash costing only its file), 0 in this process;
    Executor.dask reads them on the cluster at `scheduler` (default: a local one of `workers` processes).
    `db`, a PostgreSQL URL, keeps the state there instead of in the output folder. `lang` is the language
    of what people read (checklists, report): zh or en."""
    today: date | None = None
    horizon_months: int = HORIZON_MONTHS
    past_days: int = PAST_DAYS
    full: bool = False
    wait: bool = True
    fail_fast: bool = False
    workers: int = 0
    executor: Executor = Executor.local
    scheduler: str | None = None
    db: str | None = None
    lang: str = "zh"

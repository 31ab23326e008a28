"""The kill trial of issue 21 on a small run (bench/faults.py): a run killed before every rename and after
every commit of its state leaves the current set of outputs whole, and the next run finishes with the
tables of a clean run, every file listed once in changes.csv and the files people put there kept."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import faults


@pytest.mark.slow
def test_faults_a_kill_at_every_rename_and_commit_is_survived(tmp_path: Path) -> None:
    """Swept in a process of its own: the kills are forks, which a test process running threads (a Dask
    client's, a server's) must not make."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "faults.py"), "--sweep-only", "--work", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    kills = [line for line in done.stdout.splitlines() if line.startswith("kill at ")]
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert len(kills) >= 15 and all(line.endswith(": survived") for line in kills)
    assert any(" os.replace " in line for line in kills) and any(" commit " in line for line in kills)


def test_faults_the_reader_finds_a_set_that_is_not_whole(tmp_path: Path) -> None:
    """The check the trial relies on: a file of the current set changed or gone is seen."""
    from pipeline.engine import RunOptions, run
    inbox = tmp_path / "inbox"
    faults.make_inbox(inbox, 2)
    out = tmp_path / "out"
    run(inbox, out, RunOptions(today=faults.TODAY))
    assert faults.set_problem(out) is None
    (out / ".current" / "errors.csv").write_text("x", encoding="utf-8")
    assert faults.set_problem(out) == f"errors.csv of {Path((out / '.current').readlink()).name} is not as written"
    (out / ".current" / "errors.csv").unlink()
    assert "errors.csv missing" in str(faults.set_problem(out))

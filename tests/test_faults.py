"""The kill trial of issue 21 on a small run (bench/faults.py): a run killed before every rename and after
every commit of its state leaves the current set of outputs whole, and the next run finishes with the
tables of a clean run, every file listed once in changes.csv and the files people put there kept."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import faults


@pytest.mark.slow
def test_faults_a_kill_at_every_rename_and_commit_is_survived(tmp_path: Path) -> None:
    faults._warm()
    trials = faults.sweep(tmp_path / "sweep", log=lambda line: None)
    kinds = {t.point.split()[1] for t in trials}
    assert {"os.replace", "commit"} <= kinds and len(trials) >= 15
    assert [(t.point, t.problems) for t in trials if t.problems] == []


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

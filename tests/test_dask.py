"""The Dask executor: the same tables as local processes, a worker that dies costs only its file, workers of
another version refuse work, and a real `dask scheduler` with a `dask worker` runs the CLI."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pipeline
from pipeline.cli import main
from pipeline.engine.plan import Found, file_hash

from .conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow  # starts Dask clusters: `pytest -m "not slow"` leaves it out

pytest.importorskip("distributed")

SEEDS = sorted(p for p in SAMPLES.glob("*.txt") if p.name.count(".") == 1)
TODAY = "2026-11-21"
TABLES = ("documents", "requirements", "progress", "errors")
START_SECONDS = 60


def _inbox(folder: Path, copies: int = 3) -> Path:
    """Each seed `copies` times, every copy with its own bytes."""
    folder.mkdir()
    for n in range(copies):
        for path in SEEDS:
            (folder / f"{n}_{path.name}").write_text(path.read_text(encoding="utf-8") + f"\n{n}\n", encoding="utf-8")
    return folder


def _tables(out: Path) -> dict[str, str]:
    return {name: (out / f"{name}.csv").read_text(encoding="utf-8-sig") for name in TABLES}


def _database(out: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(out / "notices.db")
    try:
        return {name: con.execute(f"SELECT * FROM {name}").fetchall() for name in TABLES}
    finally:
        con.close()


def _run(inbox: Path, out: Path, *options: str) -> int:
    return main(["run", str(inbox), "-o", str(out), "--today", TODAY, "--workers", "2", *options])


def test_dask_local_cluster_gives_the_same_tables_as_local(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path / "inbox")
    assert _run(inbox, tmp_path / "local") == 0
    assert _run(inbox, tmp_path / "dask", "--executor", "dask") == 0
    assert _tables(tmp_path / "local") == _tables(tmp_path / "dask")
    assert _database(tmp_path / "local") == _database(tmp_path / "dask")


def test_dask_a_crashing_file_costs_only_itself(tmp_path: Path, dask_scheduler: str) -> None:
    inbox = _inbox(tmp_path / "inbox", copies=2)
    assert _run(inbox, tmp_path / "local") == 0
    shutil.copy(SEEDS[1], inbox / "crash_me.txt")
    shutil.copy(SEEDS[2], inbox / "crash_too.txt")
    assert _run(inbox, tmp_path / "dask", "--executor", "dask", "--scheduler", dask_scheduler) == 3
    tables = _tables(tmp_path / "dask")
    errors = list(csv.DictReader(io.StringIO(tables["errors"])))
    assert [(e["source"], e["stage"]) for e in errors] == [("crash_me.txt", "read"), ("crash_too.txt", "read")]
    assert all(e["reason"].startswith(f"{e['source']}: the worker crashed while reading the file") for e in errors)
    local = _tables(tmp_path / "local")
    assert (tables["requirements"], tables["progress"]) == (local["requirements"], local["progress"])


def test_dask_refuses_workers_of_another_version(tmp_path: Path, dask_scheduler: str,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    inbox = _inbox(tmp_path / "inbox", copies=1)
    monkeypatch.setattr(pipeline, "__version__", "9.9.9")
    assert _run(inbox, tmp_path / "out", "--executor", "dask", "--scheduler", dask_scheduler) == 1
    line = capsys.readouterr().err.splitlines()[-1]
    assert re.fullmatch(r"notices: error: worker tcp://127\.0\.0\.1:\d+ runs notices 0\.1\.0 with rules \w+; this run "
                        r"uses notices 9\.9\.9 with rules \w+ -- install the same notices version and rules/ on every "
                        r"worker as on this machine, then restart them", line), line


@pytest.mark.parametrize(("planned", "remove", "reason"), [
    ("0" * 64, False, "seed.txt: worker w1 read other bytes than this run planned (sha256 {read}, planned 000000000000)"),
    ("", True, "seed.txt: not found at {path} on worker w1"),
], ids=["other bytes", "not mounted"])
def test_dask_worker_checks_the_shared_inbox(tmp_path: Path, rules, tagger, planned: str, remove: bool,  # type: ignore[no-untyped-def]
                                             reason: str) -> None:
    from pipeline.engine.cluster import _Models, _read_one
    path = tmp_path / "seed.txt"
    shutil.copy(SEEDS[0], path)
    read = file_hash(path)[:12]
    if remove:
        path.unlink()
    result = _read_one(Found(path, "seed.txt", 1, 1, planned), _Models(rules, tagger), "w1", False)
    assert result.error is not None and result.error.reason == reason.format(read=read, path=path)


def test_dask_cli_with_scheduler_and_worker_processes(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path / "inbox", copies=1)
    address_file = tmp_path / "scheduler.json"
    dask = [sys.executable, "-m", "dask"]
    scheduler = subprocess.Popen([*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(address_file)], stderr=subprocess.DEVNULL)
    worker = None
    try:
        address = _address(address_file)
        worker = subprocess.Popen([*dask, "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                                   "--nworkers", "1", "--no-dashboard"], stderr=subprocess.DEVNULL)
        assert _run(inbox, tmp_path / "out", "--executor", "dask", "--scheduler", address) == 0
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    documents = list(csv.DictReader(io.StringIO(_tables(tmp_path / "out")["documents"])))
    assert sorted(d["source"] for d in documents) == sorted(p.name for p in inbox.iterdir())
    assert {d["status"] for d in documents} == {"ok"}


def _address(path: Path) -> str:
    """The scheduler's address, once it has written it."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if path.is_file() and path.stat().st_size:
            return str(json.loads(path.read_text(encoding="utf-8"))["address"])
        time.sleep(0.1)
    raise AssertionError(f"the scheduler wrote no address to {path} within {START_SECONDS} s")


def test_dask_a_worker_that_dies_while_loading_the_models_is_waited_for(tmp_path: Path) -> None:
    """Issue 21: a worker killed while it loads the rules and models (tests/dask_crash.py) failed the run;
    its nanny starts it again and the run sends the models again, then reads every file."""
    inbox = _inbox(tmp_path / "inbox", copies=1)
    env = {**os.environ, "NOTICES_TEST_DIE_STARTING": str(tmp_path),
           "DASK_DISTRIBUTED__WORKER__PRELOAD": json.dumps([str(ROOT / "tests" / "dask_crash.py")])}
    command = [sys.executable, "-m", "pipeline", "run", str(inbox), "-o", str(tmp_path / "dask"), "--today", TODAY,
               "--executor", "dask", "--workers", "2"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "died").is_dir(), "a worker died while loading the models"
    assert "a Dask worker died while loading the rules and models; trying again in 1 s" in done.stderr
    assert _run(inbox, tmp_path / "local") == 0
    assert _tables(tmp_path / "dask") == _tables(tmp_path / "local")


def test_dask_workers_that_keep_dying_while_starting_end_the_run_in_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed.comm.core import CommClosedError

    from pipeline.engine import cluster
    from pipeline.errors import ServiceError

    class Dying:
        tries = 0

        def register_plugin(self, plugin: object, name: str) -> None:
            self.tries += 1
            raise CommClosedError("in <TCP (closed) Scheduler Broadcast>: Stream is closed")

        def wait_for_workers(self, n: int, timeout: float) -> None:
            raise TimeoutError

    monkeypatch.setattr(cluster, "RETRY_SECONDS", (0, 0))
    client = Dying()
    with pytest.raises(ServiceError) as caught:
        cluster._register(client, object())  # type: ignore[arg-type]
    assert client.tries == 3
    assert caught.value.reason == "Dask workers died while loading the rules and models, 3 times (CommClosedError)"
    assert "out of memory" in caught.value.hint

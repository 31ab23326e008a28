"""Shared fixtures: the rules, the tagger, the samples and one run of the pipeline over them."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pipeline import engine
from pipeline.engine import RunOptions
from pipeline.model import FileResult, RunSummary
from pipeline.nlp import Tagger
from pipeline.rules import Rules, load_rules
from pipeline.stages import process_file

# One OCR disk cache for the whole session, in every process it starts (the samples' scans are read by OCR
# once, not once per run over them), and never the user's own cache folder.
os.environ.setdefault("NOTICES_OCR_CACHE", tempfile.mkdtemp(prefix="notices-test-ocr-"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "tests" / "data" / "gold" / "seeds.jsonl"
GOLDEN = ROOT / "tests" / "golden"
# The day every test runs as (checklists, overdue marks and recurring duties count from it): never the clock.
TODAY = "2026-11-21"
AS_OF = date.fromisoformat(TODAY)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def run(inbox: Path, out_dir: Path, rules: Rules | Path | None = None, **options: object) -> RunSummary:
    """engine.run with its RunOptions given by keyword, as of TODAY unless told otherwise (never the clock)."""
    options.setdefault("today", AS_OF)
    return engine.run(inbox, out_dir, RunOptions(**options), rules)  # type: ignore[arg-type]


def require_chromium() -> None:
    """Skip a module of browser tests where Debian's chromium and its driver are missing; CI must have them."""
    if not (CHROMIUM and DRIVER):
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium and chromium-driver for the browser tests")
        pytest.skip("chromium and chromedriver are not installed", allow_module_level=True)


def output_files(out: Path) -> dict[str, Path]:
    """A run's outputs by the names people open (links through the current set, see generations.py):
    not the run's own folders (logs, state, exports) nor the sets' bookkeeping (names that start with a dot)."""
    files = {}
    for entry in sorted(out.iterdir()):
        if entry.name.startswith(".") or entry.name in ("logs", "exports"):
            continue
        for path in [entry] if entry.is_file() else sorted(entry.rglob("*")):
            if path.is_file():
                files[path.relative_to(out).as_posix()] = path
    return files


def output_hashes(out: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """output_files by content, but those named in `skip`."""
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in output_files(out).items()
            if path.name not in skip}


def half_written(out: Path) -> list[str]:
    """What a run that failed or was killed while writing its outputs left: a staging folder, or a set of
    outputs without its manifest."""
    sets = out / ".generations"
    return [p.name for p in out.iterdir() if p.name.startswith(".export")] + [
        p.name for p in (sets.iterdir() if sets.is_dir() else []) if not (p / ".manifest.json").is_file()]


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.glob("*") if p.is_file() and not p.name.startswith((".", "README")))


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture(scope="session")
def tagger(rules: Rules) -> Tagger:
    return Tagger(rules)


@pytest.fixture(scope="session")
def sample_results(rules: Rules, tagger: Tagger) -> dict[str, FileResult]:
    """Every sample processed once, by file name."""
    return {p.name: process_file(p, p.name, rules, tagger) for p in sample_files()}


@pytest.fixture(scope="session")
def samples_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of `notices run samples`."""
    from pipeline.cli import main
    out = tmp_path_factory.mktemp("output")
    assert main(["run", str(SAMPLES), "-o", str(out), "--today", TODAY]) == 0
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Headless Debian chromium driven by selenium (no browser download), for a test module."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager fetch a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """The address of a local Dask cluster (two workers of one thread) shared by a test module; its workers
    die at once on a file whose name holds "crash" (tests/dask_crash.py)."""
    dask = pytest.importorskip("dask")
    from distributed import LocalCluster
    with dask.config.set({"distributed.worker.preload": [str(ROOT / "tests" / "dask_crash.py")]}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                               scheduler_kwargs={"allowed_failures": 0})
    with cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL database for a test module: NOTICES_TEST_PG_DSN when set, else a throwaway
    server (tests/pg_server.py); skipped where PostgreSQL is not installed, failed so in CI."""
    pytest.importorskip("psycopg")
    from .pg_server import binaries, throwaway_server
    if os.environ.get("NOTICES_TEST_PG_DSN"):
        yield os.environ["NOTICES_TEST_PG_DSN"]
        return
    folder = binaries()
    if folder is None:
        reason = "PostgreSQL's initdb and pg_ctl are not installed (Debian: apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run installs them")
        pytest.skip(reason)
    with throwaway_server(folder) as url:
        yield url


@pytest.fixture()
def pg_url(pg_server: str) -> Iterator[str]:
    """A schema of its own in that database for one test (the URL's search_path), dropped after it."""
    import psycopg

    from .pg_server import with_schema
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server, autocommit=True) as con:
        con.execute(f"CREATE SCHEMA {schema}")
    yield with_schema(pg_server, schema)
    with psycopg.connect(pg_server, autocommit=True) as con:
        con.execute(f"DROP SCHEMA {schema} CASCADE")

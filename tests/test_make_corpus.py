"""bench/make_corpus.py: the synthetic benchmark corpus is deterministic and its gold facts fit its files."""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline.readers import read

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import make_corpus

NOTICES = 6
FACT_TYPES = {"doc", "deadline", "window", "recurring", "quota", "email", "progress"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    assert make_corpus.main([str(out), "--notices", str(NOTICES), "--seed", "3", "--no-pdf"]) == 0
    return out


def _gold(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "gold.jsonl").read_text(encoding="utf-8").splitlines()]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_make_corpus_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    assert make_corpus.main([str(tmp_path), "--notices", str(NOTICES), "--seed", "3", "--no-pdf"]) == 0
    assert _files(tmp_path) == _files(corpus)


def test_make_corpus_other_seed_other_corpus(corpus: Path, tmp_path: Path) -> None:
    assert make_corpus.main([str(tmp_path), "--notices", str(NOTICES), "--seed", "4", "--no-pdf"]) == 0
    assert (tmp_path / "gold.jsonl").read_bytes() != (corpus / "gold.jsonl").read_bytes()


def test_make_corpus_one_file_per_notice(corpus: Path) -> None:
    names = sorted(p.name for p in (corpus / "inbox").iterdir())
    assert len(names) == NOTICES
    assert all(re.fullmatch(r"c\d{4}_[0-9a-f]{6}\.(docx|html|txt)", n) for n in names)


def test_make_corpus_every_fact_belongs_to_a_file(corpus: Path) -> None:
    stems = {p.name.split(".")[0] for p in (corpus / "inbox").iterdir()}
    gold = _gold(corpus)
    assert {f["doc"] for f in gold} == stems
    assert {f["type"] for f in gold} <= FACT_TYPES
    assert sum(f["type"] == "doc" for f in gold) == NOTICES


@pytest.mark.parametrize("kind", ["deadline", "window", "quota", "email"])
def test_make_corpus_facts_of_each_kind(corpus: Path, kind: str) -> None:
    assert any(f["type"] == kind for f in _gold(corpus))


def _reader_text(path: Path) -> str:
    """The text the pipeline's reader finds in a file outside menus and footers, table cells included."""
    blocks = [b for b in read(path, path.name).blocks if not b.boilerplate]
    return _squash("".join([b.text for b in blocks] + [c for b in blocks for row in b.rows for c in row]))


def test_make_corpus_keywords_occur_in_the_file_text(corpus: Path) -> None:
    """What the pipeline's reader gets from each file holds every keyword of that file's facts."""
    texts = {p.name.split(".")[0]: _reader_text(p) for p in (corpus / "inbox").iterdir()}
    missing = [(f["doc"], k) for f in _gold(corpus) for k in f.get("keywords", []) if _squash(k) not in texts[f["doc"]]]
    assert missing == []


def test_make_corpus_formats_present(corpus: Path) -> None:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["formats"]) == {"docx", "html", "txt"}
    assert sum(manifest["formats"].values()) == NOTICES


def test_make_corpus_manifest_describes_each_file(corpus: Path) -> None:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    gold = _gold(corpus)
    for entry in manifest["files"]:
        assert (corpus / "inbox" / entry["file"]).exists()
        assert entry["pages"] >= 1
        required = [f for f in gold if f["doc"] == entry["doc"] and f["type"] != "doc" and not f.get("optional")]
        assert entry["facts"] == len(required)


@pytest.mark.parametrize("n, expected", [(200, {"pdf": 90, "docx": 40, "html": 30, "txt": 40})])
def test_make_corpus_default_mix(n: int, expected: dict[str, int]) -> None:
    plan = make_corpus.plan(n, seed=1)
    counts = {fmt: sum(spec[0] == fmt for spec in plan) for fmt in expected}
    assert counts == expected
    pdf_tables = sum(spec[0] == "pdf" and spec[2] != "" for spec in plan)
    assert pdf_tables == expected["pdf"] // 2

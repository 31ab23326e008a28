"""jieba's dictionary read from its cache in one read: the same dictionary and words as jieba's own
loading, and jieba's own loading whenever the cache is missing or broken."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import jieba

from pipeline.nlp import load_dictionary

SENTENCE = "请各党支部于6月30日前将学习记录报送机关党委组织员办公室"


def _fresh(tmp_dir: Path) -> SimpleNamespace:
    """A tokenizer of its own, caching in `tmp_dir` (as .dt, as in jieba's module)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(tmp_dir)
    return SimpleNamespace(dt=tokenizer)


def test_dictionary_from_the_cache_is_jiebas_own(tmp_path: Path) -> None:
    built = _fresh(tmp_path)
    load_dictionary(built.dt)  # no cache there yet: jieba builds the dictionary and writes its cache
    assert built.dt.initialized and (tmp_path / "jieba.cache").is_file()
    cached = _fresh(tmp_path)
    load_dictionary(cached.dt)
    assert cached.dt.initialized
    assert cached.dt.total == built.dt.total and cached.dt.FREQ == built.dt.FREQ
    assert list(cached.dt.cut(SENTENCE)) == list(built.dt.cut(SENTENCE))


def test_broken_cache_is_built_again(tmp_path: Path) -> None:
    (tmp_path / "jieba.cache").write_bytes(b"not a marshal dump")
    broken = _fresh(tmp_path)
    load_dictionary(broken.dt)
    assert broken.dt.initialized and len(broken.dt.FREQ) > 300_000
    assert "党支部" in list(broken.dt.cut(SENTENCE))

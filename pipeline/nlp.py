"""Organisations and roles in a text: spaCy blank("zh") with jieba words and an EntityRuler from rules/."""
from __future__ import annotations

import logging
import marshal
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .rule_groups import Entity
from .rules import Rules

log = logging.getLogger(__name__)

ORG = "ORG"
ROLE = "ROLE"


@dataclass(frozen=True, slots=True)
class Mention:
    """An organisation or role named at text[start:end]; `name` is its canonical name."""
    start: int
    end: int
    label: str
    name: str


class Tagger:
    """Built once per process (loading jieba's dictionary takes most of a second)."""

    def __init__(self, rules: Rules) -> None:
        self._nlp = _build(rules)
        self._cache: dict[str, tuple[Mention, ...]] = {}

    def mentions(self, text: str) -> tuple[Mention, ...]:
        """Every organisation and role in `text`, longest match first, in text order."""
        found = self._cache.get(text)
        if found is None:
            doc = self._nlp(text)
            found = _compounds(tuple(Mention(e.start_char, e.end_char, e.label_, e.ent_id_ or e.text)
                                     for e in doc.ents))
            if len(self._cache) > 20000:
                self._cache.clear()
            self._cache[text] = found
        return found


def _compounds(mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
    """A role right before a unit names that unit (毕业生 + 党支部 is a 党支部, not graduates)."""
    out: list[Mention] = []
    for m in mentions:
        previous = out[-1] if out else None
        if previous and previous.label == ROLE and m.label == ORG and previous.end == m.start:
            out[-1] = Mention(previous.start, m.end, ORG, m.name)
        else:
            out.append(m)
    return tuple(out)


def _build(rules: Rules) -> Any:
    import jieba
    import spacy

    jieba.setLogLevel(logging.WARNING)
    # A dictionary of the tagger's own, not jieba's module-wide one: the words added here stay with this
    # tagger, whatever another tagger (other rules) adds or a run's parent drops (engine/workers.py).
    tokenizer = jieba.Tokenizer()
    load_dictionary(tokenizer)
    for entity in rules.organizations.entities + rules.roles.entities:
        for word in (entity.name, *entity.aliases):
            # Only new words: boosting 学生 would split 学生社团 and make false roles.
            if tokenizer.FREQ.get(word) is None:
                tokenizer.add_word(word)
                tokenizer.suggest_freq(word, tune=True)
    # Made as "char", then switched: made as "jieba", spaCy warms up jieba's module-wide dictionary (0.6 s,
    # 60 MB) that this tagger never uses. It calls .cut(text, cut_all=False) of its jieba_seg.
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
    segmenter: Any = nlp.tokenizer
    segmenter.segmenter, segmenter.jieba_seg = "jieba", tokenizer
    ruler: Any = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(_patterns(rules.organizations.entities, ORG, rules.organizations.prefixes)
                       + _patterns(rules.roles.entities, ROLE, rules.organizations.prefixes))
    log.debug("tagger ready: %d patterns", len(ruler.patterns))
    return nlp


def _patterns(entities: tuple[Entity, ...], label: str, prefixes: tuple[str, ...]) -> list[dict[str, str]]:
    """Every name and alias, also with each prefix: jieba keeps 各支部 as one word."""
    words = [(entity.name, word) for entity in entities for word in (entity.name, *entity.aliases)]
    return [{"label": label, "pattern": prefix + word, "id": name}
            for name, word in words for prefix in ("", *prefixes)]


def load_dictionary(tokenizer: Any) -> None:
    """jieba's default dictionary into `tokenizer` (a jieba.Tokenizer) from jieba's own cache file, in one
    read: jieba reads that file with marshal.load from the open file, 0.57 s here against 0.22 s for
    marshal.loads of its bytes, and every run waits for it before its workers start. Without a cache yet
    (the first run on a machine) or with another dictionary, jieba builds and loads it itself."""
    import jieba
    cache = Path(tokenizer.tmp_dir or tempfile.gettempdir()) / (tokenizer.cache_file or "jieba.cache")
    if tokenizer.initialized or tokenizer.dictionary != jieba.DEFAULT_DICT or not cache.is_file():
        tokenizer.initialize()
        return
    try:
        freq, total = marshal.loads(cache.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):  # unreadable or stale: jieba builds it again
        tokenizer.initialize()
        return
    with tokenizer.lock:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True

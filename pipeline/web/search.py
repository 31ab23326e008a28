"""Search over the notices: an SQLite FTS5 index (trigram tokenizer, so any run of three characters of a
title, 发文字号, issuer or text is found, Chinese needing no word list) kept in web.db and brought up to
date with the current output set, notice by notice (only new or changed notices are indexed again)."""
from __future__ import annotations

import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from ..engine.store import Store
from .accounts import connect
from .board import NotWritten, outputs, set_id

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS notice_text USING fts5(doc_id UNINDEXED, title, doc_number, issuer, text,
    tokenize = 'trigram');
CREATE TABLE IF NOT EXISTS indexed (doc_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
"""
LIMIT = 1000  # notices a search returns at most
TRIGRAM = 3  # shorter queries are looked for character by character (LIKE), which the index cannot serve
YEAR_IN_BRACKETS = re.compile(r"[\[【(（〖]\s*(\d{4})\s*[\]】)）〗]")


class Index:
    """The search index of one output folder; `store()` opens the store the notices' texts are in."""

    def __init__(self, out_dir: Path, store: Callable[[], AbstractContextManager[Store]]) -> None:
        self.out_dir = out_dir
        self.store = store
        self._lock = threading.Lock()
        self._set = ""

    def refresh(self) -> int:
        """Index what the current set holds that the index does not (and drop what it no longer holds);
        returns how many notices were indexed."""
        with self._lock:
            current = set_id(self.out_dir)
            if current == self._set:
                return 0
            try:
                with outputs(self.out_dir) as con:
                    docs = {str(r[0]): r for r in con.execute(
                        "SELECT doc_id, source, title, doc_number, issuer, sha256 FROM documents WHERE status = 'ok'")}
            except NotWritten:
                return 0
            with connect(self.out_dir) as web, self.store() as store:
                web.executescript(SCHEMA)
                have = dict(web.execute("SELECT doc_id, sha256 FROM indexed").fetchall())
                gone = [d for d in have if d not in docs or have[d] != (docs[d][5] or "")]
                for doc_id in gone:
                    web.execute("DELETE FROM notice_text WHERE doc_id = ?", (doc_id,))
                    web.execute("DELETE FROM indexed WHERE doc_id = ?", (doc_id,))
                new = [r for d, r in docs.items() if d not in have or d in gone]
                for doc_id, source, title, number, issuer, sha in new:
                    web.execute("INSERT INTO notice_text VALUES (?,?,?,?,?)",
                                (doc_id, title or "", number or "", issuer or "", store.text(str(source))))
                    web.execute("INSERT INTO indexed VALUES (?,?)", (doc_id, sha or ""))
            self._set = current
            return len(new)

    def search(self, query: str) -> list[str]:
        """The doc_ids of the notices holding `query` (title, 发文字号, issuer, text), best first."""
        text = normalised(query)
        if not text:
            return []
        self.refresh()
        with connect(self.out_dir) as web:
            try:  # no index before the first run's outputs: nothing found
                return [str(r[0]) for r in _matches(web, text)]
            except sqlite3.OperationalError:
                return []


def normalised(query: str) -> str:
    """A query as the dataset writes it: full-width letters and digits folded (NFKC), a 发文字号's year in
    the brackets the dataset uses (大工机关委[2017]14号 → 〔2017〕)."""
    text = unicodedata.normalize("NFKC", query).strip()
    return YEAR_IN_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", text)


def _matches(web: sqlite3.Connection, text: str) -> list[tuple[object, ...]]:
    if len(text) >= TRIGRAM:
        phrase = '"' + text.replace('"', '""') + '"'
        return web.execute("SELECT doc_id FROM notice_text WHERE notice_text MATCH ? ORDER BY rank LIMIT ?",
                           (phrase, LIMIT)).fetchall()
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return web.execute("SELECT doc_id FROM notice_text WHERE title LIKE ?1 ESCAPE '\\' OR doc_number LIKE ?1 "
                       "ESCAPE '\\' OR issuer LIKE ?1 ESCAPE '\\' OR text LIKE ?1 ESCAPE '\\' LIMIT ?2",
                       (like, LIMIT)).fetchall()

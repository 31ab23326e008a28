"""The web page's own database (OUT/.notices/web.db): accounts with argon2 password hashes, each bound to
organisations, the lock after repeated wrong passwords, the key that signs session cookies, and uploads."""
from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..engine.state import state_dir

MAX_FAILURES = 10  # wrong passwords in a row before an account is locked
LOCK_MINUTES = 15  # how long it stays locked
MIN_PASSWORD = 8
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, hash TEXT NOT NULL, orgs TEXT NOT NULL,
    admin INTEGER NOT NULL, version INTEGER NOT NULL, failures INTEGER NOT NULL DEFAULT 0, locked_until TEXT);
CREATE TABLE IF NOT EXISTS uploads (id TEXT PRIMARY KEY, user TEXT, name TEXT, source TEXT, state TEXT,
    message TEXT, created TEXT, finished TEXT);
"""
HASHER = PasswordHasher()  # argon2id, 64 MB and 3 passes a hash: what makes a stolen hash slow to guess
# Hashes computed at once, at most: each takes 64 MB, so fifty people signing in together would otherwise
# take over 3 GB (measured: bench/web_load.py); the others wait their turn, a fraction of a second each.
HASHING = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))
# Verified when the name is no one's, so that a wrong name takes as long as a wrong password.
NOBODY = HASHER.hash(secrets.token_hex(16))


_MADE: set[Path] = set()  # the web.db files this process has given their tables


class AccountError(ValueError):
    """A user command that cannot be done (no such user, a password too short); the message says why."""


@dataclass(frozen=True, slots=True)
class User:
    name: str
    orgs: tuple[str, ...]
    admin: bool
    version: int  # raised by a new password or removal: sessions made before it end


@dataclass(frozen=True, slots=True)
class Login:
    """The answer to a sign-in: the user, or None with whether the account is locked (and until when)."""
    user: User | None
    locked_until: datetime | None = None


def web_db(out_dir: Path) -> Path:
    return state_dir(out_dir) / "web.db"


@contextmanager
def connect(out_dir: Path) -> Iterator[sqlite3.Connection]:
    """web.db (made on first use, readable by its owner only: it holds the hashes and the cookie key)."""
    path = web_db(out_dir)
    made = path in _MADE and path.exists()
    if not made:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
    con = sqlite3.connect(path, timeout=15)
    try:
        if not made:  # once a process: every request of the web page opens it, some several times
            if fresh:
                os.chmod(path, 0o600)
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)
            _MADE.add(path)
        yield con
        con.commit()
    finally:
        con.close()


def secret_key(out_dir: Path) -> str:
    """The key that signs session cookies: made once, kept in web.db (a new one ends every session)."""
    with connect(out_dir) as con:
        con.execute("INSERT OR IGNORE INTO meta VALUES ('secret', ?)", (secrets.token_hex(32),))
        return str(con.execute("SELECT value FROM meta WHERE key = 'secret'").fetchone()[0])


def add_user(out_dir: Path, name: str, password: str, orgs: list[str], admin: bool) -> User:
    _check(name, password)
    if not orgs and not admin:
        raise AccountError("a user needs at least one --org (or --admin)")
    with connect(out_dir) as con:
        if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AccountError(f"user {name} exists; use `notices user passwd` or remove it first")
        con.execute("INSERT INTO users VALUES (?,?,?,?,1,0,NULL)",
                    (name, _hash(password), json.dumps(orgs, ensure_ascii=False), int(admin)))
    return User(name, tuple(orgs), admin, 1)


def set_password(out_dir: Path, name: str, password: str) -> None:
    """A new password; the user's sessions end and a lock is lifted."""
    _check(name, password)
    with connect(out_dir) as con:
        done = con.execute("UPDATE users SET hash = ?, version = version + 1, failures = 0, locked_until = NULL "
                           "WHERE name = ?", (_hash(password), name)).rowcount
    if not done:
        raise AccountError(f"no user {name}")


def remove_user(out_dir: Path, name: str) -> None:
    with connect(out_dir) as con:
        if not con.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
            raise AccountError(f"no user {name}")


def users(out_dir: Path) -> list[User]:
    with connect(out_dir) as con:
        return [_user(row) for row in con.execute("SELECT name, orgs, admin, version FROM users ORDER BY name")]


def user(out_dir: Path, name: str) -> User | None:
    with connect(out_dir) as con:
        row = con.execute("SELECT name, orgs, admin, version FROM users WHERE name = ?", (name,)).fetchone()
    return _user(row) if row else None


def sign_in(out_dir: Path, name: str, password: str, now: datetime) -> Login:
    """Check a password. MAX_FAILURES wrong ones in a row lock the account for LOCK_MINUTES, during which
    even the right one is refused."""
    with connect(out_dir) as con:
        row = con.execute("SELECT name, orgs, admin, version, hash, failures, locked_until FROM users WHERE name = ?",
                          (name,)).fetchone()
        if row is None:
            _verify(NOBODY, password)
            return Login(None)
        locked = datetime.fromisoformat(row[6]) if row[6] else None
        if locked is not None and locked > now:
            return Login(None, locked)
        if _verify(row[4], password):
            con.execute("UPDATE users SET failures = 0, locked_until = NULL WHERE name = ?", (name,))
            return Login(_user(row[:4]))
        failures = (0 if locked is not None else row[5]) + 1  # a lock that ran out starts the count again
        until = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
        con.execute("UPDATE users SET failures = ?, locked_until = ? WHERE name = ?",
                    (0 if until else failures, until.isoformat() if until else None, name))
        return Login(None, until)


def _verify(hashed: str, password: str) -> bool:
    try:
        with HASHING:
            return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _hash(password: str) -> str:
    with HASHING:
        return HASHER.hash(password)


def _check(name: str, password: str) -> None:
    if not name or name != name.strip() or len(name) > 64:
        raise AccountError("a user name is 1 to 64 characters, without spaces around it")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password has at least {MIN_PASSWORD} characters")


def _user(row: tuple[object, ...]) -> User:
    return User(str(row[0]), tuple(json.loads(str(row[1]))), bool(row[2]), int(row[3]))  # type: ignore[call-overload]

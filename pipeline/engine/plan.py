"""Inbox + state -> what a run must do: which files are new, changed, unchanged, duplicates or gone."""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..names import for_people, unique_source
from .state import FileState

HASH_CHUNK = 1 << 20
SKIPPED_NAMES = ("readme",)  # a folder's own README describes the folder, it is not a notice
# What operating systems and programs leave in a shared folder: thumbnail caches, folder settings, the lock
# file Word or WPS keeps beside an open document (~$通知.docx), partial downloads and temporary files.
SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})
TEMPORARY_STARTS = ("~$", "~wrl")
TEMPORARY_ENDS = (".tmp", ".temp", ".crdownload", ".part", ".partial", ".download", ".swp", "~")
SYSTEM_FOLDERS = frozenset({"__macosx", "$recycle.bin", "system volume information"})


@dataclass(frozen=True, slots=True)
class Found:
    """A file of the inbox as the file system shows it now."""
    path: Path
    source: str
    size: int
    mtime_ns: int
    sha256: str = ""  # the content hash the plan read, for workers to check they read the same bytes


@dataclass
class Plan:
    process: list[Found] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    touched: list[Found] = field(default_factory=list)  # same bytes, new time: only the time is recorded
    duplicates: list[tuple[Found, str]] = field(default_factory=list)  # (file, source it repeats)
    removed: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # vanished between listing and reading
    digests: dict[str, str] = field(default_factory=dict)  # content hashes computed while planning


def skipped(name: str) -> bool:
    """A file no run reads: hidden, a folder's own README, or what the system or a program left there."""
    return name.startswith(".") or name.lower().split(".")[0] in SKIPPED_NAMES or is_system_file(name)


def is_system_file(name: str) -> bool:
    """A file the system or a program leaves beside the notices (Thumbs.db, ~$通知.docx, a .tmp): no notice,
    and no error either."""
    lower = name.lower()
    return lower in SYSTEM_FILES or lower.startswith(TEMPORARY_STARTS) or lower.endswith(TEMPORARY_ENDS)


@dataclass(frozen=True, slots=True)
class Listing:
    """The files of an inbox a run reads, sorted, and how many it left out as the system's or a program's;
    `names`: each file's path in the inbox, /-separated, in the same order."""
    files: list[Path]
    skipped: int
    names: list[str]


def discover(inbox: Path) -> Listing:
    """Every file under the inbox, sorted by its path in the inbox; hidden files, READMEs, system and
    temporary files left out. Paths in the inbox are made once per folder, not per file (100,000 files)."""
    found: list[tuple[str, str]] = []
    left = 0
    for folder, dirs, files in os.walk(inbox):
        left += sum(1 for d in dirs if d.lower() in SYSTEM_FOLDERS)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d.lower() not in SYSTEM_FOLDERS)
        inside = os.path.relpath(folder, inbox)
        prefix = "" if inside == os.curdir else inside.replace(os.sep, "/") + "/"
        for name in files:
            if skipped(name):
                left += is_system_file(name) or name.startswith(".")
                continue
            found.append((prefix + name, os.path.join(folder, name)))
    found.sort(key=lambda item: item[0])
    return Listing([Path(path) for _, path in found], left, [name for name, _ in found])


def plan_run(found: list[Found], known: dict[str, FileState], versions: str, full: bool = False) -> Plan:
    """Unchanged files are skipped by size and time first, then by content hash; a file processed by
    another pipeline or rules version is processed again; `full` processes everything."""
    plan = Plan()
    by_hash = {s.sha256: s.source for s in known.values() if s.sha256 and not s.withdrawn and not s.duplicate_of}
    present = {f.source for f in found}
    for item in found:
        state = known.get(item.source)
        if not full and state is not None and not state.withdrawn and state.versions == versions \
                and (state.size, state.mtime_ns) == (item.size, item.mtime_ns):
            plan.unchanged.append(item.source)
            continue
        _classify(item, state, versions, full, by_hash, plan)
    plan.removed = sorted(s for s, st in known.items() if s not in present and not st.withdrawn)
    return plan


def _classify(item: Found, state: FileState | None, versions: str, full: bool, by_hash: dict[str, str],
              plan: Plan) -> None:
    try:
        digest = file_hash(item.path)
    except OSError:
        if not os.path.lexists(item.path):
            plan.gone.append(item.source)
            return
        digest = ""  # there but unreadable (no permission, a link loop): its reader gives the error row
    plan.digests[item.source] = digest
    if not full and state is not None and not state.withdrawn and state.sha256 == digest \
            and state.versions == versions:
        plan.touched.append(item)
        plan.unchanged.append(item.source)
        return
    original = by_hash.get(digest) if digest else None
    if original is not None and original != item.source:
        plan.duplicates.append((item, original))
        return
    if digest:
        by_hash.setdefault(digest, item.source)
    (plan.new if state is None or state.withdrawn else plan.changed).append(item.source)
    plan.process.append(replace(item, sha256=digest))


def file_hash(path: Path) -> str:
    """The file's SHA-256; OSError for anything but a regular file (a pipe would wait for a writer
    forever, a device never ends)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stat_all(listing: Listing) -> list[Found]:
    """Size and time of every file; a file gone since it was listed is left out, a link that leads
    nowhere (loops, or to nothing) is kept with the link's own size and time, for an error row. A file is
    known by its path in the inbox as people read it (names.for_people: a GBK name is decoded, not a crash)."""
    out = []
    taken: set[str] = set()
    for path, name in zip(listing.files, listing.names, strict=True):
        try:
            st = os.stat(path)
        except OSError:
            try:
                st = os.lstat(path)
            except OSError:
                continue
        source = unique_source(for_people(name), taken)
        taken.add(source)
        out.append(Found(path, source, st.st_size, st.st_mtime_ns))
    return out

"""The output folder's files switched as one set. A run writes its outputs into a new generation folder
(`.generations/<time>/`), which becomes current when one symbolic link (`.current`) is replaced; the names
people open (`documents.csv`, `checklists.xlsx`, `report/` ...) are fixed links through `.current`. A reader
sees the whole old set or the whole new one, and one that resolves `.current` once reads one set to the
end. Files people put in the folder, or inside `checklists/` and `report/`, are never deleted: those in a
generation move on to the next. The last set stays beside the current one for readers still in it.

Each set carries a manifest (`.manifest.json`: every file with its size and modification time) by which the
next run finds outputs missing or altered and writes them again, and finds the checklists staff edited.
Where the file system makes no symbolic links (some network shares), the files are moved into place one
by one instead; each file is then whole, the set is not."""
from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .tables import atomic_bytes

log = logging.getLogger(__name__)

GENERATIONS = ".generations"
CURRENT = ".current"
MANIFEST = ".manifest.json"
STAGE_PREFIX = ".export."  # where the outputs are written first when there are no links
LINK_SUFFIXES = (".link", ".link-probe")  # temporary links, left only by a run that was killed
EDITABLE = ("checklists.xlsx", "checklists/")  # files staff edit: changed is not damaged


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a run wrote, by path in the output folder: (size, modification time in ns)."""
    files: dict[str, tuple[int, int]] = field(default_factory=dict)

    def mtimes(self) -> dict[str, int]:
        """The modification time of each file as written (read_edits skips the checklists still so)."""
        return {name: mtime for name, (_, mtime) in self.files.items()}


@contextmanager
def new_set(out_dir: Path) -> Iterator[Path]:
    """A folder to write a whole set of outputs into; when the block ends it becomes the output folder's
    current set. When the block fails, the outputs stay as they were."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if has_links(out_dir):
        with _generation(out_dir) as folder:
            yield folder
    else:
        with _staged(out_dir) as folder:
            yield folder


def has_links(out_dir: Path) -> bool:
    """Whether symbolic links can be made in `out_dir` (or it already holds the layout that uses them)."""
    if (out_dir / CURRENT).is_symlink():
        return True
    probe = out_dir / f".{os.getpid()}{LINK_SUFFIXES[1]}"
    try:
        probe.unlink(missing_ok=True)
        os.symlink(GENERATIONS, probe)
    except OSError:
        log.info("no symbolic links in %s: outputs are moved into place one by one", out_dir)
        return False
    probe.unlink()
    return True


def read_manifest(out_dir: Path) -> Manifest | None:
    """The manifest of the current set; None when there is none or it cannot be read."""
    try:
        files = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
        return Manifest({str(k): (int(v[0]), int(v[1])) for k, v in files.items()})
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def damaged(out_dir: Path, manifest: Manifest | None = None) -> list[str]:
    """The outputs missing, or altered since they were written (a checklist staff edited is not), by path;
    every output when the manifest is gone. `manifest`: the one already read, if any."""
    manifest = manifest or read_manifest(out_dir)
    if manifest is None:
        return [MANIFEST]
    bad = []
    root = os.fspath(out_dir)
    for name, (size, mtime) in manifest.files.items():
        try:
            stat = os.stat(os.path.join(root, name))  # not pathlib: a large report has 100,000 pages
        except OSError:
            bad.append(name)
            continue
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime) and not name.startswith(EDITABLE):
            bad.append(name)
    return bad


# --- a generation made current by one link --------------------------------------------------------

@contextmanager
def _generation(out_dir: Path) -> Iterator[Path]:
    store = out_dir / GENERATIONS
    store.mkdir(exist_ok=True)
    new = _folder(store, f"{datetime.now():%Y%m%dT%H%M%S%f}-{os.getpid()}")
    try:
        yield new
        _write_manifest(new)
        _carry(out_dir / CURRENT, new, _written(out_dir))
        _link(out_dir / CURRENT, os.path.join(GENERATIONS, new.name))  # the switch, in one step
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    _name(out_dir, new)  # from here the new set is current: a failure leaves it so, the next run links it
    _prune(store, new)


def _name(out_dir: Path, new: Path) -> None:
    """Give each name of the current set a fixed link in the output folder; remove links to names it no
    longer has, and the temporary links of a run killed while making them."""
    for name in sorted(os.listdir(new)):
        path = out_dir / name
        if path.is_dir() and not path.is_symlink():  # the layout before links: moved aside, then removed
            _carry(out_dir, new, set(), name)
            aside = Path(tempfile.mkdtemp(prefix="old-", dir=out_dir / GENERATIONS))
            os.replace(path, aside / name)
        _link(path, os.path.join(CURRENT, name))
    for entry in out_dir.iterdir():
        if not entry.is_symlink():
            continue
        gone = os.readlink(entry).startswith(CURRENT + os.sep) and not entry.exists()
        if gone or (entry.name.startswith(".") and entry.name.endswith(LINK_SUFFIXES)):
            entry.unlink()


def _link(path: Path, target: str) -> None:
    """`path` made a link to `target` in one step (a file there, such as a workbook saved over its link,
    is replaced)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}{LINK_SUFFIXES[0]}")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _prune(store: Path, current: Path) -> None:
    """Keep the current set and the one before it (complete, with a manifest); remove the rest (older
    sets, and sets a killed run left half written)."""
    complete = sorted(p for p in store.iterdir() if p != current and (p / MANIFEST).is_file())
    keep = {current.name, *(p.name for p in complete[-1:])}
    for path in store.iterdir():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _folder(parent: Path, name: str) -> Path:
    """A new folder as open as the umask allows (a temporary folder is 0700: the outputs would be for their
    owner only)."""
    for n in range(1000):
        path = parent / (f"{name}-{n}" if n else name)
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(parent / name)


# --- files moved into place one by one (no links) -------------------------------------------------

@contextmanager
def _staged(out_dir: Path) -> Iterator[Path]:
    for stale in out_dir.glob(f"{STAGE_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)  # left by a run killed while writing
    stage = _folder(out_dir, f"{STAGE_PREFIX}{os.getpid()}")
    try:
        yield stage
        _write_manifest(stage)
        written = _written(out_dir)
        for folder in (p.name for p in stage.iterdir() if p.is_dir()):
            _carry(out_dir, stage, written, folder)
        for path in sorted(stage.iterdir(), key=lambda p: p.name == MANIFEST):  # the manifest last
            _put(path, out_dir / path.name)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _put(path: Path, target: Path) -> None:
    """Rename `path` over `target`; a folder is swapped in, and the old one removed afterwards."""
    if path.is_dir() and target.is_dir():
        old = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}old.", dir=target.parent))
        os.replace(target, old / target.name)
        os.replace(path, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(path, target)


# --- the manifest and what people put in the folders ----------------------------------------------

def _written(out_dir: Path) -> set[str]:
    """What the last run wrote (nothing known when there is no manifest: every file is kept)."""
    manifest = read_manifest(out_dir)
    return set(manifest.files) if manifest is not None else set()


def _write_manifest(root: Path) -> None:
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            stat = path.stat()
            files[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    atomic_bytes(root / MANIFEST, json.dumps({"files": files}, ensure_ascii=False, indent=0).encode("utf-8"))


def _carry(old: Path, new: Path, written: set[str], under: str = "") -> None:
    """Files of the old set (under its folder `under`) that no run wrote, because people put them there,
    go on into the new set; `written`: the old set's manifest."""
    if not (old / under).is_dir():
        return
    for path in sorted((old / under).rglob("*")):
        name = path.relative_to(old).as_posix()
        if path.is_symlink() or not path.is_file() or name in written or name == MANIFEST or (new / name).exists():
            continue
        (new / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, new / name)
        log.info("kept %s, which a person put there, in the new outputs", name)

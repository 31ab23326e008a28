"""Pick the reader for a file by its content (then its suffix) and read it into a RawDocument."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import UnreadableFile, UnsupportedFormat
from ..model import RawDocument
from .text import read_text

Reader = Callable[[Path, str], RawDocument]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".markdown": read_text,
}

# Signatures of formats this build cannot read yet, so the error names the real format.
MAGIC = ((b"%PDF", ".pdf"), (b"PK\x03\x04", ".zip"), (b"\xd0\xcf\x11\xe0", ".doc"), (b"{\\rtf", ".rtf"),
         (b"\x89PNG", ".png"), (b"\xff\xd8\xff", ".jpg"))
SNIFF_BYTES = 2048


def read(path: Path, source: str) -> RawDocument:
    """Read one file; raise UnsupportedFormat or UnreadableFile with what to do."""
    try:
        head = path.open("rb").read(SNIFF_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{source}: cannot open the file: {exc.strerror}",
                             "check that the file exists and can be read") from exc
    suffix = sniff(head) or path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise UnsupportedFormat(f"{source}: {suffix or 'files without a suffix'} is not a supported format",
                                f"convert it to one of {', '.join(sorted(READERS))}")
    return reader(path, source)


def sniff(head: bytes) -> str | None:
    """The suffix a file's first bytes say it is, or None when they say nothing."""
    for magic, suffix in MAGIC:
        if head.startswith(magic):
            return suffix
    return None


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in READERS

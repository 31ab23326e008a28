"""Read .doc, .wps, .rtf and .odt files: LibreOffice converts them to .docx, the DOCX reader reads that.

Cost: one LibreOffice start per file, in a fresh profile: about 1.2 s for a 33 KB .doc (1.1-1.3 s;
up to 2.6 s for the first one on a cold disk cache), nearly all of it start-up; .rtf and .odt alike.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..errors import MissingTool, UnreadableFile
from ..model import Format, RawDocument
from .docx import read_docx

log = logging.getLogger(__name__)

PROGRAMS = ("soffice", "libreoffice")
PACKAGE = "libreoffice-writer-nogui"
INSTALL_HINT = f"install LibreOffice: apt-get install {PACKAGE}"
TIMEOUT_SECONDS = 60.0
DOCX_FILTER = "docx:MS Word 2007 XML"
KINDS = ("doc", "wps", "rtf", "odt")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF = b"{\\rtf"
ZIP = b"PK\x03\x04"
WORD_STREAM = "WordDocument".encode("utf-16-le")  # the main stream of a Word (or Kingsoft WPS) file
# Import filters by kind: without one, LibreOffice opens a damaged file as plain text, silently.
INFILTERS = {"rtf": "Rich Text Format", "odt": "writer8"}
WORD_FILTER = "MS Word 97"
STDERR_CHARS = 300  # of LibreOffice's complaint quoted in an error message


def read_office(path: Path, source: str, timeout: float = TIMEOUT_SECONDS) -> RawDocument:
    """A word-processor file as the blocks of its .docx conversion; `source` and `sha256` are the
    original file's. Raises MissingTool without LibreOffice, UnreadableFile when it cannot convert
    the file within `timeout` seconds."""
    data = path.read_bytes()
    kind = _kind(path, data)
    if not data.strip():
        raise UnreadableFile(f"{source}: the file is empty", "check that the file was saved completely")
    soffice = _soffice(source, kind)
    with tempfile.TemporaryDirectory(prefix="notices_office_") as tmp:
        converted = _convert(soffice, data, kind, Path(tmp), source, timeout)
        docx = read_docx(converted, source)
    return RawDocument(source=source, path=path, format=_format(kind), blocks=docx.blocks, pages=None,
                       sha256=hashlib.sha256(data).hexdigest(), attachments=docx.attachments)


def _kind(path: Path, data: bytes) -> str:
    """What the file is by its first bytes (a .doc saved as RTF is RTF), else by its suffix."""
    suffix = path.suffix.lower().lstrip(".")
    if data.startswith(RTF):
        return "rtf"
    if data.startswith(ZIP):
        return "odt"
    if data.startswith(OLE2):
        return suffix if suffix in ("doc", "wps") else "doc"
    return suffix if suffix in KINDS else "doc"


def _format(kind: str) -> Format:
    return Format(kind)


def _soffice(source: str, kind: str) -> str:
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return found
    raise MissingTool("soffice", INSTALL_HINT,
                      f"{source}: reading .{kind} files needs LibreOffice (soffice), which is not installed")


def _convert(soffice: str, data: bytes, kind: str, work: Path, source: str, timeout: float) -> Path:
    """The .docx LibreOffice writes for the file. The input is copied under a plain name, so an odd
    file name (spaces, a leading dash) cannot reach the command line; the profile is this call's
    own, so conversions running side by side never share one. A .doc, and a .wps that is a Word
    file inside (Kingsoft's), is opened with the Word filter; a Microsoft Works .wps and a text
    file named .doc are left to LibreOffice's detection."""
    inbox, outbox, profile = work / "in", work / "out", work / "profile"
    inbox.mkdir()
    outbox.mkdir()
    document = inbox / f"document.{kind}"
    document.write_bytes(data)
    word = data.startswith(OLE2) and (kind == "doc" or WORD_STREAM in data)
    infilter = WORD_FILTER if word else INFILTERS.get(kind)
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", *([f"--infilter={infilter}"] if infilter else []),
               "--convert-to", DOCX_FILTER, "--outdir", str(outbox), str(document)]
    stderr = _run(command, work, source, kind, timeout)
    converted = outbox / "document.docx"
    if not converted.is_file() or converted.stat().st_size == 0:
        raise UnreadableFile(f"{source}: LibreOffice could not convert the .{kind} file to .docx "
                             f"({_complaint(stderr)})",
                             "open it in Word or WPS and save it as .docx; a damaged or "
                             "password-protected file cannot be read")
    return converted


def _complaint(stderr: str) -> str:
    """LibreOffice's error line, without its start-up warnings (javaldx and the like)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error")]
    return (errors or lines[-1:] or ["no output and no message"])[-1][:STDERR_CHARS]


def _run(command: list[str], work: Path, source: str, kind: str, timeout: float) -> str:
    """Run LibreOffice in a process group of its own, so a timeout kills it with every child it started."""
    log.debug("converting %s: %s", source, " ".join(command))
    env = dict(os.environ, HOME=str(work))  # nothing lands in the user's home, which may be read-only
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise UnreadableFile(f"{source}: LibreOffice did not convert the .{kind} file within {timeout:g} s "
                             "and was stopped",
                             "open it in Word or WPS and save it as .docx; if it is very large, "
                             "split it") from None
    return stderr.decode("utf-8", "replace")


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):  # it may have ended between the timeout and the kill
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()

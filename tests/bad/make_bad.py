"""The corpus of broken and hostile inputs (issue 7), written into a folder. Every case is built here,
byte for byte the same on every run, so nothing binary or large is committed:

    .venv/bin/python tests/bad/make_bad.py DEST [--bomb]

Each case says what a run must make of it: one errors.csv row whose reason holds `reason`, or an ok
document (hostile content that must go through without leaking or running anything). Two cases are
finished by the test that runs the corpus, as they are about the moment of the run (`deleted`: removed
after planning, before reading) or about who runs it (`unreadable`: its permissions taken away, which
root ignores). The PDF decompression bomb (64 KB that inflate to 4 GB) is left out unless asked for: it
is meant for worker processes, whose memory limit stops it.

A scan without a text layer is an image of an empty page: OCR exists, so the case is the one where OCR
finds nothing (a legible scan is a sample, samples/*.scan.*).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NOTICE = ("关于报送学习计划的通知\n\n各党支部：\n\n请各党支部于6月30日前将学习计划报送机关党委，"
          "每名党员全年集中学习不少于32学时。\n\n机关党委\n\n2017年6月19日\n")
ENGLISH = b"BT /F1 14 Tf 72 760 Td (Notice: every branch submits its study plan by 30 June 2017.) Tj ET"
SECRET = "bad-corpus-secret-7f3a"  # the content of a local file an XXE tries to read
LONG_NAME = "通知" + "x" * 244 + ".txt"  # 250 characters in 254 bytes (a name may hold 255 bytes)


@dataclass(frozen=True, slots=True)
class Case:
    name: str  # the file's name in the inbox
    what: str
    build: Callable[[Path, Path], None]  # (path, outside) writes the file; outside: where files not to leak go
    reason: str = ""  # words the errors.csv reason holds; empty: the file must come out ok
    special: str = ""  # "deleted", "unreadable": finished by the test at run time

    @property
    def ok(self) -> bool:
        return not self.reason


# --- PDF ---------------------------------------------------------------------------------------

PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
FILE_ID = hashlib.md5(b"notices bad corpus").digest()
PERMISSIONS = -44  # printing and copying refused: what an owner password is usually set for


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _standard_security(user: bytes, owner: bytes) -> tuple[bytes, bytes, bytes]:
    """(O, U, file key) of the PDF Standard security handler, revision 2 (40-bit RC4; PDF 1.7 §7.6.3)."""
    padded_user = (user + PAD)[:32]
    o = _rc4(hashlib.md5((owner + PAD)[:32]).digest()[:5], padded_user)
    key = hashlib.md5(padded_user + o + struct.pack("<i", PERMISSIONS) + FILE_ID).digest()[:5]
    return o, _rc4(key, PAD), key


def _pdf(objects: list[bytes], encrypt: tuple[bytes, bytes] | None = None) -> bytes:
    """A PDF of `objects` (object 1 the catalog); streams are encrypted when `encrypt` = (user, owner)."""
    trailer = b""
    key = b""
    if encrypt is not None:
        o, u, key = _standard_security(*encrypt)
        objects = [*objects, b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
                   % (o.hex().encode(), u.hex().encode(), PERMISSIONS)]
        trailer = b" /Encrypt %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        if key and b"stream\n" in body and not body.startswith(b"<< /Filter /Standard"):
            head, data = body.split(b"stream\n", 1)
            object_key = hashlib.md5(key + number.to_bytes(3, "little") + b"\0\0").digest()[:10]
            body = head + b"stream\n" + _rc4(object_key, data[:-len(b"\nendstream")]) + b"\nendstream"
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>]%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, FILE_ID.hex().encode(), FILE_ID.hex().encode(), trailer, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def _pages_pdf(pages: int, content: bytes, resources: bytes, resource_object: bytes,
               contents_ref: bytes = b"4 0 R", encrypt: tuple[bytes, bytes] | None = None) -> bytes:
    """`pages` A4 pages that all draw content stream 4 with resource object 3."""
    kids = b" ".join(b"%d 0 R" % (5 + n) for n in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %s >>" % (
        resources, contents_ref)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               resource_object, content] + [page] * pages
    return _pdf(objects, encrypt)


HELVETICA = (b"<< /Font << /F1 3 0 R >> >>", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")


def text_pdf(pages: int = 1, encrypt: tuple[bytes, bytes] | None = None) -> bytes:
    return _pages_pdf(pages, _stream(ENGLISH), *HELVETICA, encrypt=encrypt)


def _truncated_pdf(path: Path, outside: Path) -> None:
    data = text_pdf(3)
    path.write_bytes(data[:len(data) // 2])


def _blank_scan_pdf(path: Path, outside: Path) -> None:
    """A page that is one grey-white image with a few specks: a scan of an empty sheet."""
    width, height = 850, 1200
    pixels = bytearray([250]) * (width * height)
    rnd = random.Random(7)
    for _ in range(400):
        pixels[rnd.randrange(len(pixels))] = rnd.randrange(120, 200)
    image = zlib.compress(bytes(pixels), 9)
    image_object = _stream(image, b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                           b"/BitsPerComponent 8 /Filter /FlateDecode" % (width, height))
    path.write_bytes(_pages_pdf(1, _stream(b"q 595 0 0 842 0 0 cm /Im1 Do Q"), b"<< /XObject << /Im1 3 0 R >> >>",
                                image_object))


def _bomb_pdf(path: Path, outside: Path) -> None:
    """64 MB of spaces deflated into 64 KB, drawn 64 times by one page: 4 GB for a PDF library to inflate."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    chunk = b" " * (1 << 20)
    data = b"".join([packer.compress(chunk) for _ in range(64)] + [packer.flush()])
    path.write_bytes(_pages_pdf(1, _stream(data, b" /Filter /FlateDecode"), *HELVETICA,
                                contents_ref=b"[" + b"4 0 R " * 64 + b"]"))


def _pdf_case(data: Callable[[], bytes]) -> Callable[[Path, Path], None]:
    def build(path: Path, outside: Path) -> None:
        path.write_bytes(data())
    return build


# --- Word -----------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/'
                 'word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
                 'document.main+xml"/></Types>')
PACKAGE_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
FIXED_TIME = (2017, 6, 19, 0, 0, 0)


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>" for line in lines)


def _document(body: str, doctype: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
            f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}</w:body></w:document>')


def _zip(path: Path, parts: dict[str, str | bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED, 9)
    path.write_bytes(buffer.getvalue())


def _docx(path: Path, document: str | bytes, rels: str = "") -> None:
    parts: dict[str, str | bytes] = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": PACKAGE_RELS,
                                     "word/document.xml": document}
    if rels:
        parts["word/_rels/document.xml.rels"] = rels
    _zip(path, parts)


def _secret_file(outside: Path) -> Path:
    secret = outside / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    return secret


def _xxe_docx(path: Path, outside: Path) -> None:
    """External entities naming a local file and a URL, used in the body."""
    secret = _secret_file(outside)
    doctype = (f'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "{secret.as_uri()}">'
               '<!ENTITY passwd SYSTEM "file:///etc/passwd"><!ENTITY remote SYSTEM "http://127.0.0.1:9/xxe">]>')
    lines = NOTICE.strip().split("\n\n")
    body = _paragraphs(lines[:3]) + "<w:p><w:r><w:t>&secret;&passwd;&remote;</w:t></w:r></w:p>" + _paragraphs(lines[3:])
    _docx(path, _document(body, doctype))


def _external_rels_docx(path: Path, outside: Path) -> None:
    """Relationships that point outside the package: a local file as an image, a URL as a template."""
    secret = _secret_file(outside)
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships">'
            f'<Relationship Id="rId7" Type="{R_NS}/image" Target="{secret.as_uri()}" TargetMode="External"/>'
            f'<Relationship Id="rId8" Type="{R_NS}/attachedTemplate" Target="http://127.0.0.1:9/template.dotm" '
            'TargetMode="External"/>'
            f'<Relationship Id="rId9" Type="{R_NS}/hyperlink" Target="file:///etc/passwd" TargetMode="External"/>'
            '</Relationships>')
    body = _paragraphs(NOTICE.strip().split("\n\n")) + '<w:p><w:hyperlink r:id="rId9"><w:r><w:t>附件</w:t></w:r>' \
        '</w:hyperlink></w:p>'
    _docx(path, _document(body), rels)


def _laughs_docx(path: Path, outside: Path) -> None:
    """Nested internal entities: a billion laughs if anything expanded them."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" if n > 1 else "&lol;"}' + f'{f"&lol{n - 1};" if n > 1 else "&lol;"}' * 9
        + '">' for n in range(1, 10))
    body = _paragraphs(NOTICE.strip().split("\n\n")) + "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
    _docx(path, _document(body, f"<!DOCTYPE w:document [{entities}]>"))


def _bomb_docx(path: Path, outside: Path) -> None:
    """word/document.xml of 100 MB of spaces in a 100 KB file."""
    head = _document("").encode().split(b"<w:body>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS)):
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data)
        info = zipfile.ZipInfo("word/document.xml", FIXED_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as f:
            f.write(head[0] + b"<w:body>")
            chunk = b" " * (1 << 20)
            for _ in range(100):
                f.write(chunk)
            f.write(b"</w:body>" + head[1].split(b"</w:body>")[1])
    path.write_bytes(buffer.getvalue())


def _zip_as_docx(path: Path, outside: Path) -> None:
    _zip(path, {"notice.txt": NOTICE, "photo.jpg": b"\xff\xd8\xff\xe0 not really"})


def _broken_deflate(path: Path, member: str) -> None:
    """Damage the compressed data of one zip member (an invalid deflate block type): zlib fails mid-read."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    data[info.header_offset + 30 + name_length + extra_length] = 0x07
    path.write_bytes(bytes(data))


def _broken_deflate_docx(path: Path, outside: Path) -> None:
    _docx(path, _document(_paragraphs(NOTICE.strip().split("\n\n"))))
    _broken_deflate(path, "word/document.xml")


def _broken_deflate_xlsx(path: Path, outside: Path) -> None:
    from openpyxl import Workbook
    book = Workbook()
    for row in (("序号", "项目名称", "牵头单位", "完成情况"), ("1", "学习计划", "机关党委", "完成")):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as made:  # again with fixed times, so the bytes are the same on every run
        _zip(path, {info.filename: made.read(info) for info in made.infolist() if info.filename != "docProps/core.xml"})
    _broken_deflate(path, "xl/worksheets/sheet1.xml")


def _truncated_xlsx(path: Path, outside: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("xl/workbook.xml", FIXED_TIME), "<workbook/>" * 2000)
        archive.writestr(zipfile.ZipInfo("xl/worksheets/sheet1.xml", FIXED_TIME), "<worksheet/>" * 2000)
    path.write_bytes(buffer.getvalue()[:200])


# --- web page, text and other files --------------------------------------------------------------

HOSTILE_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于报送学习计划的通知</title>
<script>window.pwned = "head"; document.title = "pwned";</script></head>
<body onload="window.pwned='onload'"><div class="article"><h1>关于报送学习计划的通知</h1>
<p>各党支部：</p>
<p>请各党支部于6月30日前将学习计划报送机关党委<script>window.pwned = "inline"</script>，每名党员全年集中学习不少于32学时。</p>
<p><img src="x" onerror="window.pwned='onerror'">学习计划模板见<a href="javascript:window.pwned='link'">附件</a>。</p>
<p><a href="jAvAsCrIpT:window.pwned='case'" onclick="window.pwned='click'">报送说明</a>
<iframe src="javascript:window.pwned='iframe'"></iframe><svg onload="window.pwned='svg'"></svg></p>
<p style="background:url(javascript:window.pwned='css')">机关党委</p><p>2017年6月19日</p></div></body></html>
"""


def _notice(tag: str) -> str:
    """The notice with a line of its own, so that no two cases are copies of each other."""
    return f"{NOTICE}\n（{tag}）\n"


def _text(data: str | bytes) -> Callable[[Path, Path], None]:
    def build(path: Path, outside: Path) -> None:
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return build


def _symlink_loop(path: Path, outside: Path) -> None:
    os.symlink(path.name, path)


def _fifo(path: Path, outside: Path) -> None:
    os.mkfifo(path)


def _png(width: int, height: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _png_bomb(path: Path, outside: Path) -> None:
    """A PNG that says it is 40,000 x 40,000 (1.6 gigapixels) around 1 KB of data."""
    path.write_bytes(_png(40000, 40000, b"\0" * 40001 * 4))


def _truncated_png(path: Path, outside: Path) -> None:
    data = _png(600, 800, b"".join(b"\0" + bytes([255]) * 600 for _ in range(800)))
    path.write_bytes(data[:len(data) // 2])


CASES = (
    Case("empty.pdf", "an empty file", _text(b""), "the file is empty"),
    Case("truncated.pdf", "a PDF cut in half", _truncated_pdf, "not a readable PDF"),
    Case("encrypted-user-password.pdf", "an encrypted PDF that needs a password to open",
         _pdf_case(lambda: text_pdf(encrypt=(b"secret", b"owner"))), "needs a password"),
    Case("encrypted-owner-password.pdf", "an encrypted PDF with only an owner password (opens without one)",
         _pdf_case(lambda: text_pdf(encrypt=(b"", b"owner")))),
    Case("no-text-layer.pdf", "a scan of an empty sheet: no text layer, and OCR finds nothing",
         _blank_scan_pdf, "no text layer"),
    Case("2000-pages.pdf", "a PDF of 2,000 pages", _pdf_case(lambda: text_pdf(2000)), "max_pages"),
    Case("bomb.pdf", "a decompression bomb in a PDF stream (64 KB to 4 GB)", _bomb_pdf, "max_memory_mb"),
    Case("bomb.docx", "a zip bomb: word/document.xml of 100 MB in 100 KB", _bomb_docx, "unpacks to"),
    Case("xxe.docx", "a DOCX with external entities (a local file, /etc/passwd, a URL)", _xxe_docx),
    Case("external-relationships.docx", "a DOCX whose relationships point to a local file and a URL",
         _external_rels_docx),
    Case("billion-laughs.docx", "a DOCX with nested internal entities (refused by the XML parser)", _laughs_docx,
         "is damaged"),
    Case("zip-renamed.docx", "a plain zip archive named .docx", _zip_as_docx, ".zip is not a supported format"),
    Case("truncated.xlsx", "an Excel file cut short", _truncated_xlsx, "damaged"),
    Case("broken-deflate.docx", "a DOCX whose document.xml holds broken compressed data (found by bench/fuzz.py)",
         _broken_deflate_docx, "is damaged"),
    Case("broken-deflate.xlsx", "an Excel file whose sheet holds broken compressed data (found by bench/fuzz.py)",
         _broken_deflate_xlsx, "damaged"),
    Case("hostile.html", "a web page with <script>, onerror=, javascript: links", _text(HOSTILE_HTML)),
    Case("undecodable.txt", "text in no encoding tried", _text(b"\x80\x81 \xff\xa0\x80" * 20),
         "none of the encodings"),
    Case("binary.txt", "binary data named .txt", _text(bytes(range(256)) * 8), "binary data"),
    Case("undecodable.csv", "a CSV table in no encoding tried", _text(b"a,b\n\x80\xff,\xfe\x80\n" * 10), "encoding"),
    Case("bomb.png", "an image that says it is 1.6 gigapixels", _png_bomb, "image cannot be read"),
    Case("truncated.png", "an image cut in half", _truncated_png, "image cannot be read"),
    Case("garbage.doc", "an OLE2 header and then noise, named .doc",
         _text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random.Random(3).randbytes(4096)), "LibreOffice"),
    Case("name with spaces.txt", "a file name with spaces", _text(_notice("spaces"))),
    Case("name\nwith newline.txt", "a file name with a newline", _text(_notice("newline"))),
    Case("中文文件名通知.txt", "a Chinese file name", _text(_notice("chinese"))),
    Case(LONG_NAME, "a file name of 250 characters", _text(_notice("long"))),
    Case("loop.txt", "a symbolic link to itself", _symlink_loop, "loops back on itself"),
    Case("pipe.txt", "a named pipe (FIFO) named .txt", _fifo, "not a regular file"),
    Case("unreadable.txt", "a file without read permission", _text(_notice("unreadable")), "no permission",
         special="unreadable"),
    Case("deleted.txt", "a file deleted while the run is going", _text(_notice("deleted")), "disappeared",
         special="deleted"),
)
BOMBS = ("bomb.pdf",)  # cases written only when asked for (see the module's docstring)


def write_corpus(dest: Path, outside: Path | None = None, bombs: bool = False) -> list[Case]:
    """Write every case into `dest` (files that must not leak into outputs into `outside`, default
    `dest`'s parent); returns the cases written."""
    dest.mkdir(parents=True, exist_ok=True)
    outside = outside or dest.parent
    written = []
    for case in CASES:
        if case.name in BOMBS and not bombs:
            continue
        case.build(dest / case.name, outside)
        written.append(case)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--bomb", action="store_true", help="also write the PDF decompression bomb")
    args = parser.parse_args(argv)
    for case in write_corpus(args.dest, bombs=args.bomb):
        print(f"{case.name!r:40} {case.what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

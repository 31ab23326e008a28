"""Every record and enum the stages pass to each other; field names are the SPEC's column names."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from pathlib import Path, PurePath


class Format(str, Enum):
    pdf = "pdf"
    docx = "docx"
    html = "html"
    txt = "txt"
    md = "md"
    doc = "doc"
    wps = "wps"
    rtf = "rtf"
    odt = "odt"
    xlsx = "xlsx"
    xls = "xls"
    csv = "csv"
    png = "png"
    jpg = "jpg"
    tif = "tif"
    unknown = "unknown"

    @classmethod
    def of(cls, path: PurePath) -> Format:
        """The format a file's suffix names (unknown when none does); a reader may still find another."""
        suffix = path.suffix.lower().lstrip(".")
        return next((f for f in cls if f.value == suffix and f is not cls.unknown), cls.unknown)


class Status(str, Enum):
    ok = "ok"
    error = "error"


class Stage(str, Enum):
    """The stages a file goes through; the values fill the `stage` column of errors.csv."""
    read = "read"
    normalize = "normalize"
    metadata = "metadata"
    progress = "progress"
    segment = "segment"
    extract = "extract"


class BlockKind(str, Enum):
    heading = "heading"
    paragraph = "paragraph"
    table = "table"
    # Layout that only makes sense line by line (a table dumped cell by cell).
    preformatted = "preformatted"


class ReqKind(str, Enum):
    deadline = "deadline"
    window = "window"
    recurring = "recurring"
    quota = "quota"
    submission = "submission"
    event = "event"


class Comparator(str, Enum):
    ge = ">="
    le = "<="
    eq = "="
    approx = "~"
    range = "range"


class Per(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    semester = "semester"
    half_year = "half-year"
    year = "year"
    item = "item"


class ProgressStatus(str, Enum):
    done = "done"
    in_progress = "in_progress"
    partial = "partial"
    not_started = "not_started"
    delayed = "delayed"


class DocType(str, Enum):
    """What a file is (SPEC documents.doc_type); a form or anything not a notice gives no requirements."""
    notice = "通知"
    circular = "通告"
    announcement = "公告"
    plan = "方案"
    opinion = "意见"
    measures = "办法"
    regulation = "规定"
    points = "要点"
    guide = "指南"
    letter = "函"
    minutes = "纪要"
    progress = "进展表"
    form = "表格"
    other = "其他"

    def has_requirements(self) -> bool:
        return self not in (DocType.form, DocType.other)


class TimeKind(str, Enum):
    date = "date"
    datetime = "datetime"
    time = "time"
    range = "range"
    deadline = "deadline"
    recurrence = "recurrence"
    duration = "duration"


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class RawBlock:
    """One block as a reader found it: text with its own line breaks, or a table grid."""
    kind: BlockKind
    text: str = ""
    # Table cells, merged cells already filled; `merged[r][c]` is True where a cell was filled.
    rows: tuple[tuple[str, ...], ...] = ()
    merged: tuple[tuple[bool, ...], ...] = ()
    level: int = 0  # heading level given by the format (markdown #, Word style); 0 = unknown
    page: int | None = None  # the page the block starts on (1-based); None where a format has no pages
    boilerplate: bool = False  # the reader knows it is a menu, header or footer
    row_pages: tuple[int | None, ...] = ()  # a table's page per row (a table may run over pages)


@dataclass(frozen=True, slots=True)
class RawDocument:
    source: str  # path relative to the inbox
    path: Path
    format: Format
    blocks: tuple[RawBlock, ...]
    pages: int | None = None
    sha256: str = ""
    attachments: tuple[str, ...] = ()  # names of files the notice attaches (附件), as listed
    ocr_pages: int = 0  # pages read by OCR (a scan, an image)


# --- normalised document -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Cell:
    row: int
    col: int
    char_start: int
    char_end: int
    merged: bool = False  # filled from a merged neighbour: its text stands in the origin cell
    page: int | None = None
    origin: tuple[int, int] | None = None  # (row, col) of the cell a merged cell continues


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the normalised text: `Document.text[char_start:char_end]`."""
    kind: BlockKind
    char_start: int
    char_end: int
    page: int | None = None
    level: int = 0
    boilerplate: bool = False
    cells: tuple[Cell, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    source: str
    format: Format
    text: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    raw_text: str = ""
    # Piecewise map normalised offset -> raw offset: sorted (norm_start, raw_start) breakpoints.
    offset_map: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Clause:
    """A sentence-level unit with its heading path; `parts` are its comma pieces (absolute spans)."""
    text: str
    char_start: int
    char_end: int
    section: str
    page: int | None
    block_index: int
    parts: tuple[tuple[int, int], ...]
    in_table: bool = False
    boilerplate: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table recovered from a document: header and cell texts (normalised), with page per row."""
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    pages: tuple[int | None, ...] = ()
    title: str = ""


# --- time engine ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TimeValue:
    """One time expression found in a text; spans are offsets into that text.

    `start`/`end` are dates, or datetimes to the minute; `end` is inclusive; None is an open
    side. `duration` and `every` are ISO 8601 durations, `rrule` an RFC 5545 rule.
    """
    text: str
    kind: TimeKind
    char_start: int
    char_end: int
    start: date | datetime | None = None
    end: date | datetime | None = None
    duration: str | None = None
    every: str | None = None
    rrule: str | None = None
    per: Per | None = None
    flags: tuple[str, ...] = ()

    def is_whole_year(self) -> bool:
        """A bare year (2022年, 2017年度): January 1 to December 31 of one year."""
        start = self.start.date() if isinstance(self.start, datetime) else self.start
        end = self.end.date() if isinstance(self.end, datetime) else self.end
        return (start is not None and end is not None and start.year == end.year
                and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31))


# --- output rows ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Requirement:
    req_id: str
    doc_id: str
    source: str
    section: str
    text: str
    kind: ReqKind
    organization: str = ""
    audience: str = ""
    recipient: str = ""
    action: str = ""
    due_date: date | None = None
    due_time: time | None = None
    window_start: date | None = None
    window_end: date | None = None
    recurrence: str = ""
    per: Per | None = None
    quantity: float | None = None
    quantity_max: float | None = None
    unit: str = ""
    comparator: Comparator | None = None
    emails: tuple[str, ...] = ()
    page: int | None = None
    char_start: int = 0
    char_end: int = 0
    rule_id: str = ""
    flags: tuple[str, ...] = ()
    subject: str = ""  # the subject line an e-mail must carry (邮件主题为…)
    evidence: str = ""  # `text` as the notice writes it (its numerals, punctuation and spacing)
    task: str = ""  # the duty in a few words, its verb with its object (报送学习计划): the checklists' 事项


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    doc_id: str
    source: str
    format: Format
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    issued_on: date | None = None
    addressee: str = ""
    as_of: date | None = None
    pages: int | None = None
    status: Status = Status.ok
    error: str = ""
    sha256: str = ""
    attachments: tuple[str, ...] = ()
    doc_type: DocType | None = None
    valid_from: date | None = None  # the period the notice's duties apply (validity.py)
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class ProgressItem:
    doc_id: str
    source: str
    as_of: date | None
    category: str
    seq: int | None
    item: str
    description: str = ""
    lead_org: str = ""
    partner_orgs: tuple[str, ...] = ()
    period_text: str = ""
    period_start: date | None = None
    period_end: date | None = None
    status: ProgressStatus | None = None
    status_text: str = ""
    page: int | None = None


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    source: str
    stage: Stage
    reason: str
    hint: str = ""  # what to do about it
    doc_id: str = ""


@dataclass(frozen=True, slots=True)
class DocMeta:
    """Document metadata found in the text (documents.csv fields other than bookkeeping)."""
    title: str = ""
    issuer: str = ""
    doc_number: str = ""
    issued_on: date | None = None
    addressee: str = ""
    as_of: date | None = None
    title_span: tuple[int, int] = (0, 0)  # the title line in the normalised text: a name, never a duty


@dataclass(frozen=True, slots=True)
class FileResult:
    document: DocumentRecord
    requirements: tuple[Requirement, ...] = ()
    progress: tuple[ProgressItem, ...] = ()
    error: ErrorRecord | None = None
    text: str = ""  # the normalised text, for reports that quote it
    ocr_pages: int = 0  # pages read by OCR, for the progress a run shows


@dataclass(frozen=True, slots=True)
class RunSummary:
    inbox: Path
    out_dir: Path
    files: int
    ok: int
    failed: int
    requirements: int
    progress: int
    started: datetime
    finished: datetime
    errors: tuple[ErrorRecord, ...] = field(default_factory=tuple)
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    duplicates: int = 0
    added: int = 0  # requirements that were not there before this run
    dropped: int = 0  # requirements gone with this run (a file changed or removed)
    exported: bool = True  # False when nothing changed and the outputs were left as they were
    next_due: tuple[tuple[date, str, str], ...] = ()  # (due date, organisation, what) of the next deadlines
    marks_read: int = 0  # staff marks this run read from the checklists people edited
    mark_conflicts: tuple[str, ...] = ()  # rows marked differently in two files: which won
    mark_problems: tuple[str, ...] = ()  # cells of marks that could not be read
    removed_marks: int = 0  # marks kept on the removed sheet: their obligation is gone
    repaired: tuple[str, ...] = ()  # outputs found missing or altered since the last run, written again
    skipped: int = 0  # files of the system or of a program (Thumbs.db, ~$通知.docx, .tmp) and hidden ones, not read

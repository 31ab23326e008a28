"""The per-file work: one file through every stage (read, normalise, metadata, progress tables, segment,
extract) into one FileResult; a failure at any stage becomes the file's error record. Every executor calls
`process_file`, in this process, in worker processes or on Dask workers."""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .doctype import classify
from .errors import PipelineError
from .extract import Context, extract
from .extract.tasks import extract_tasks
from .limits import out_of_memory, over_limit, time_limit
from .metadata import extract_metadata, reference_date
from .model import (
    DocMeta,
    DocType,
    DocumentRecord,
    ErrorRecord,
    FileResult,
    Format,
    RawDocument,
    Requirement,
    Stage,
    Status,
)
from .nlp import ORG, Tagger
from .normalize import normalize
from .organizations import canonical, issuer_of
from .progress import extract_progress
from .readers import read
from .rules import Rules
from .segment import segment
from .validity import find_validity

log = logging.getLogger(__name__)

# documents.csv's note on a file read whole that is no notice (its people read Chinese).
NOT_A_NOTICE = {DocType.form: "空白表格或模板，不是通知：不列事项",
                DocType.other: "不是通知（新闻、说明文件或链接列表）：不列事项"}


@dataclass
class _Tracker:
    """The stage a file is in, for the error record if it fails there."""
    stage: Stage = Stage.read


def process_file(path: Path, source: str, rules: Rules, tagger: Tagger, fail_fast: bool = False) -> FileResult:
    """All stages for one file; any failure becomes an error record and the batch goes on."""
    tracker = _Tracker(Stage.read)
    try:
        with time_limit(rules.limits.max_seconds, source):
            raw = read(path, source, rules.limits)
            return _stages(raw, rules, tagger, tracker, _file_date(path))
    except Exception as exc:  # the one broad handler: a bad file must not stop the batch
        if fail_fast:
            raise
        log.debug("%s failed in %s", source, tracker.stage.value, exc_info=True)
        return _failed(path, source, tracker.stage, out_of_memory(source, rules.limits)
                       if isinstance(exc, MemoryError) else exc)


def _stages(raw: RawDocument, rules: Rules, tagger: Tagger, tracker: _Tracker, file_date: date) -> FileResult:
    tracker.stage = Stage.normalize
    doc = normalize(raw, rules)
    tracker.stage = Stage.metadata
    meta = extract_metadata(doc, rules)
    ref, ref_is_issue = reference_date(doc, meta, file_date, rules)
    tracker.stage = Stage.progress
    items, table_blocks = extract_progress(doc, rules, meta.as_of or ref)
    doc_type = classify(doc, meta, bool(items), rules)
    issuer = issuer_of(meta.issuer, rules)
    requirements: list[Requirement] = []
    validity: tuple[date | None, date | None] = (None, None)
    if doc_type.has_requirements():  # a form, a news item or a README is read for its metadata only
        tracker.stage = Stage.segment
        clauses = segment(doc, rules, rules.limits.max_clauses)
        _within(len(clauses), rules.limits.max_clauses, "max_clauses", raw.source, "sentences")
        tracker.stage = Stage.extract
        tasks, task_blocks = extract_tasks(doc, rules, ref, issuer)
        read_apart, (title_start, title_end) = table_blocks | task_blocks, meta.title_span
        clauses = [c for c in clauses if c.block_index not in read_apart
                   and not (title_start <= c.char_start and c.char_end <= title_end)]  # the title names, binds none
        named = tagger.mentions(meta.addressee)
        units = [m.name for m in named if m.label == ORG]
        addressee = units[0] if units else "" if named else meta.addressee  # people addressed are no unit
        most = rules.limits.max_requirements
        requirements = extract(clauses, Context(doc, rules, tagger, ref, ref_is_issue, addressee, issuer), tasks, most)
        _within(len(requirements), most, "max_requirements", raw.source, "duties")
        validity = find_validity(clauses, meta, ref, rules)
    as_of = meta.as_of or next((i.as_of for i in items if i.as_of), None)
    items = [replace(i, as_of=i.as_of or as_of, lead_org=canonical(i.lead_org, rules),
                     partner_orgs=tuple(canonical(p, rules) for p in i.partner_orgs)) for i in items]
    record = replace(_record(raw, doc.doc_id, replace(meta, as_of=as_of, issuer=issuer.name)), doc_type=doc_type,
                     error="" if doc_type.has_requirements() else NOT_A_NOTICE[doc_type],
                     valid_from=validity[0], valid_until=validity[1])
    return FileResult(document=record, requirements=tuple(requirements), progress=tuple(items), text=doc.text,
                      ocr_pages=raw.ocr_pages)


def _within(count: int, limit: int, name: str, source: str, what: str) -> None:
    """OverLimit naming `name` when one notice has more `what` than `limit` (the stage stopped counting
    past it): a data dump or a runaway file ends in one error row, not in hours of work while the run
    holds its lock."""
    if count > limit:
        raise over_limit(name, source, f"the notice has more than {limit} {what}")


def _record(raw: RawDocument, doc_id: str, meta: DocMeta) -> DocumentRecord:
    return DocumentRecord(doc_id=doc_id, source=raw.source, format=raw.format, title=meta.title, issuer=meta.issuer,
                          doc_number=meta.doc_number, issued_on=meta.issued_on, addressee=meta.addressee,
                          as_of=meta.as_of, pages=raw.pages, status=Status.ok, sha256=raw.sha256,
                          attachments=raw.attachments)


def _failed(path: Path, source: str, stage: Stage, exc: Exception) -> FileResult:
    if isinstance(exc, PipelineError):
        reason, hint = exc.reason, exc.hint
    else:
        reason = f"{source}: unexpected {type(exc).__name__} while {stage.value}: {exc}"
        hint = "keep the file and report it with notices.log; the rest of the batch was processed"
    fmt = Format.of(path)
    error = ErrorRecord(source=source, stage=stage, reason=reason, hint=hint)
    record = DocumentRecord(doc_id="", source=source, format=fmt, status=Status.error, error=reason)
    return FileResult(document=record, error=error)


def _file_date(path: Path) -> date:
    """The file's own date, the last resort for reading dates without a year."""
    try:
        return date.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return date.today()

"""A run over an inbox: plan against the stored state, process what is new or changed in batches,
store each batch, mark what is gone, and rewrite the outputs only when something changed."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..dataset import ChangeRecord, Mark, RequirementKey, RunRecord, Snapshot
from ..export import export
from ..export.checklists import ALL, Horizon, horizon, upcoming
from ..export.generations import Manifest, damaged, read_manifest
from ..export.links import link_documents
from ..export.marks import Attached, Merged, merge, read_edits
from ..export.words import DEFAULT
from ..model import DocumentRecord, FileResult, Format, RunSummary, Status
from ..rules import Rules, load_rules
from .executors import Process
from .options import RunOptions
from .plan import Plan, discover, plan_run, stat_all
from .state import Stored
from .store import Store, open_store

log = logging.getLogger(__name__)

NEXT_DUE = 5  # deadlines shown in the summary


def run(inbox: Path, out_dir: Path, process: Callable[[Rules], Process], rules: Rules | Path | None = None,
        options: RunOptions | None = None, on_file: Callable[[str, int, int, int], None] | None = None) -> RunSummary:
    """One run; `process(rules)` gives the function that turns batches of files into results; `rules`
    are loaded rules, or the folder to load them from (default: the project's)."""
    options = options or RunOptions()
    started = datetime.now()
    rules = rules if isinstance(rules, Rules) else load_rules(rules)
    versions = f"{__version__}+{rules.version}"
    span = horizon(options.today or started.date(), options.horizon_months, rules.periods.semester_ends, options.past_days)
    with open_store(out_dir, options.db, options.wait) as state:
        _recover(state, inbox, versions)
        listing = discover(inbox)
        plan = plan_run(stat_all(listing), state.files(), versions, options.full)
        for item in plan.touched:
            state.touch(item.source, item.size, item.mtime_ns)
        before = state.requirement_keys(plan.changed + plan.removed)
        _process(plan, process(rules) if plan.process else None, state, versions, started, on_file)
        _store_duplicates(plan, state, versions, started)
        gone = plan.removed + plan.gone
        state.withdraw(gone, span.today, [ChangeRecord(_stamp(started), s, "removed", "rows kept, marked withdrawn")
                                          for s in gone])
        after = state.requirement_keys(plan.new + plan.changed)
        changes = _changes(_stamp(started), before, after)
        summary = replace(_summary(inbox, out_dir, plan, state, started, len(after - before), len(before - after)),
                          skipped=listing.skipped)
        return _finish(state, summary, changes, set(plan.new + plan.changed), out_dir, span, rules, versions,
                       options.lang)


def _process(plan: Plan, process: Process | None, state: Store, versions: str, started: datetime,
             on_file: Callable[[str, int, int, int], None] | None) -> None:
    """Process the planned files batch by batch, each batch stored with what it changed (new, changed,
    failed) in one transaction: a run killed afterwards loses neither (see _recover)."""
    if process is None:
        return
    by_source = {f.source: f for f in plan.process}
    new = set(plan.new)
    run = _stamp(started)
    done = 0
    for results in process(plan.process):
        stored = [Stored(r, by_source[r.document.source], plan.digests.get(r.document.source, "")) for r in results]
        changes = [ChangeRecord(run, r.document.source, "new" if r.document.source in new else "changed", "")
                   for r in results]
        changes += [ChangeRecord(run, r.document.source, "failed", r.error.reason) for r in results if r.error]
        state.store(stored, versions, started, changes)
        for r in results:
            done += 1
            log.info("%s: %s, %d requirements, %d progress rows", r.document.source, r.document.status.value,
                     len(r.requirements), len(r.progress))
            if on_file is not None:
                on_file(r.document.source, done, len(plan.process), r.ocr_pages)


def _store_duplicates(plan: Plan, state: Store, versions: str, started: datetime) -> None:
    """A file with the same bytes as another is recorded, pointing to it, and not processed again."""
    stored = []
    changes = [ChangeRecord(_stamp(started), i.source, "duplicate", f"same bytes as {original}")
               for i, original in plan.duplicates]
    for item, original in plan.duplicates:
        digest = plan.digests.get(item.source, "")
        fmt = Format.of(item.path)
        record = DocumentRecord(doc_id=digest[:16], source=item.source, format=fmt, status=Status.ok, sha256=digest)
        stored.append(Stored(FileResult(document=record), item, digest, original))
    if stored:
        state.store(stored, versions, started, changes)


def _changes(run: str, before: set[RequirementKey], after: set[RequirementKey]) -> list[ChangeRecord]:
    """What the run changed in the requirements (the files it stored or withdrew are recorded with them)."""
    out = [(k.source, "requirement added", k.describe()) for k in sorted(after - before)]
    out += [(k.source, "requirement removed", k.describe()) for k in sorted(before - after)]
    return [ChangeRecord(run, source, change, detail) for source, change, detail in out]


def _recover(state: Store, inbox: Path, versions: str) -> None:
    """A run killed after storing files and before recording itself: its history is there (the changes its
    batches stored), only its run row is missing; it is recorded, unfinished, with what it did."""
    lost: dict[str, list[ChangeRecord]] = {}
    for change in state.unrecorded_changes():
        lost.setdefault(change.run, []).append(change)
    for run, changes in sorted(lost.items()):
        count = {kind: len({c.source for c in changes if c.change == kind})
                 for kind in ("new", "changed", "removed", "duplicate", "failed")}
        log.warning("the run of %s was stopped before it finished; its %d changes are kept", run, len(changes))
        state.record_run(RunRecord(run, "", str(inbox), count["new"], count["changed"], 0, count["removed"],
                                   count["duplicate"], count["failed"], 0, 0, versions), [])


def _stamp(moment: datetime) -> str:
    """A run's key in the history: its start, to the second."""
    return moment.isoformat(timespec="seconds")


def _finish(state: Store, summary: RunSummary, changes: list[ChangeRecord], read: set[str], out_dir: Path,
            span: Horizon, rules: Rules, versions: str, lang: str = DEFAULT) -> RunSummary:
    """Record the run; write the outputs when something changed, a run died before writing them, or some
    are missing or altered since. `read`: the files this run read, whose amendments of earlier notices are
    recorded."""
    stamp = f"{span.today}+{span.until}+{span.past}+{versions}+{lang}"  # what the outputs were last written for
    manifest = read_manifest(out_dir)  # what the last run wrote: the edited checklists and the damage
    merged = take_edits(state, out_dir, manifest)
    summary = replace(summary, marks_read=len(merged.marks), mark_conflicts=tuple(merged.conflicts),
                      mark_problems=tuple(merged.problems))
    bad = damaged(out_dir, manifest) if state.get("exported") else []
    if bad:
        log.warning("outputs missing or altered, written again: %s", ", ".join(bad))
        summary = replace(summary, repaired=tuple(bad))
    needed = state.get("dirty") == "1" or state.get("exported") != stamp or bool(bad)
    snapshot = linked(state, rules) if needed else None
    if snapshot is not None:
        changes += _relations(_stamp(summary.started), snapshot, read)
    state.record_run(_run_record(summary, versions), changes)
    if snapshot is None:
        return replace(summary, exported=False, finished=datetime.now())
    marked = write(state, snapshot, out_dir, span, lang)
    state.set("exported", stamp)
    due = [(day, item) for day, item in upcoming(marked.lists.get(ALL, []), span.today) if item.status != "done"]
    next_due = tuple((day, item.organization, item.what) for day, item in due[:NEXT_DUE])
    return replace(summary, next_due=next_due, removed_marks=len(marked.removed), finished=datetime.now())


def take_edits(state: Store, out_dir: Path, manifest: Manifest | None = None) -> Merged:
    """Store what staff marked in the checklists since the outputs were written (marks.py); files as the
    last run left them (by its manifest, read here unless given) are not read again."""
    manifest = manifest or read_manifest(out_dir)
    edits, problems = read_edits(out_dir, manifest.mtimes() if manifest is not None else {})
    merged = merge(state.marks(), edits, problems)
    state.save_marks(merged.marks, [])
    return merged


def linked(state: Store, rules: Rules) -> Snapshot:
    """The stored dataset with the links between its notices."""
    snapshot = state.snapshot()
    return replace(snapshot, links=link_documents(snapshot, rules))


def write(state: Store, snapshot: Snapshot, out_dir: Path, span: Horizon, lang: str) -> Attached:
    """Write every output from `snapshot` and store the marks that moved with their rows."""
    marked = export(replace(snapshot, runs=state.runs(), changes=state.changes()), out_dir, span, lang)
    # A mark made meanwhile beside the run (on the web page) is newer than what this run read: it stays.
    now = state.marks()

    def untouched(key: str, read: Mark | None) -> bool:
        return now.get(key, Mark(key)).updated <= (read or Mark(key)).updated
    state.save_marks([m for m in marked.changed if untouched(m.key, m)],
                     [k for k in marked.dropped if untouched(k, snapshot.staff_marks.get(k))])
    state.set("dirty", "0")
    return marked


def _relations(run: str, snapshot: Snapshot, sources: set[str]) -> list[ChangeRecord]:
    """Notices of this run that supplement, correct or postpone an earlier one."""
    titles = {d.doc_id: f"{d.title} ({d.source})" for d in snapshot.documents}
    return [ChangeRecord(run, d.source, link.relation, f"of {titles.get(link.relates_to, link.relates_to)}")
            for d in snapshot.documents if d.source in sources and (link := snapshot.link(d.source)).relates_to]


def _summary(inbox: Path, out_dir: Path, plan: Plan, state: Store, started: datetime, added: int,
             dropped: int) -> RunSummary:
    live = state.live_files()
    errors = tuple(state.live_errors())
    return RunSummary(inbox=inbox, out_dir=out_dir, files=live, ok=live - len(errors), failed=len(errors),
                      requirements=state.count("requirements"), progress=state.count("progress"), started=started,
                      finished=datetime.now(), errors=errors, new=len(plan.new), changed=len(plan.changed),
                      unchanged=len(plan.unchanged), removed=len(plan.removed) + len(plan.gone),
                      duplicates=len(plan.duplicates), added=added, dropped=dropped)


def _run_record(s: RunSummary, versions: str) -> RunRecord:
    return RunRecord(_stamp(s.started), _stamp(datetime.now()), str(s.inbox), s.new, s.changed, s.unchanged,
                     s.removed, s.duplicates, s.failed, s.added, s.dropped, versions)

"""The `notices` command: parse arguments, call the batch or a tool, print a summary, return the exit code."""
from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .engine.options import HORIZON_MONTHS, PAST_DAYS, Executor

if TYPE_CHECKING:
    from .engine import RunOptions
    from .export.checklists import Horizon, Item
    from .model import RunSummary
    from .rules import Rules

OK, BROKEN, USAGE, FILE_ERRORS = 0, 1, 2, 3
STOPPED = 130  # Ctrl-C, as a shell reports a program ended by SIGINT
INTERRUPTED = ("interrupted, outputs unchanged: they are as the last finished run wrote them; the files read so far "
               "are kept, and the next run goes on from there")
log = logging.getLogger(__name__)
DEFAULT_INBOX = Path("samples")
DEFAULT_OUT = Path("output")


def command() -> int:
    """The `notices` program: `main`, then its objects left to the operating system. Python's exit would
    otherwise walk every object a run leaves (the models, the libraries' modules): 0.2-0.3 s at the end of
    every run, after the outputs are written. Exit handlers still run and files are still flushed; only
    the collector skips them. Calls of `main` from Python keep the collector as it was."""
    import gc
    import os
    try:
        code = main()
    except BrokenPipeError:  # the reader of the output went away (`notices status | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so that Python's flush at exit is silent
        return OK
    gc.freeze()
    return code


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return int(exc.code or 0) and USAGE
    _console_logging(logging.DEBUG if args.verbose > 1 else logging.INFO if args.verbose else logging.WARNING)
    return int(args.handler(args))


def _console_logging(level: int) -> None:
    """Log lines on stderr at `level`; the log file (see progress_report) takes INFO whatever this is."""
    logger = logging.getLogger("pipeline")
    for handler in [h for h in logger.handlers if getattr(h, "notices_console", False)]:
        logger.removeHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(level)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    console.notices_console = True  # type: ignore[attr-defined]
    logger.addHandler(console)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="notices", description="Turn Chinese official notices into "
                                     "obligations: a dataset and per-organisation checklists.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log lines (-vv for debug)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="process an inbox folder into the output folder")
    run.add_argument("inbox", nargs="?", type=Path, default=DEFAULT_INBOX, help="folder of notices (default: samples/)")
    run.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: output/)")
    run.add_argument("--rules", type=Path, default=None, help="rules folder (default: the project's rules/)")
    run.add_argument("--fail-fast", action="store_true", help="stop at the first file that fails")
    run.add_argument("--full", action="store_true", help="process every file again, changed or not")
    run.add_argument("--no-wait", dest="wait", action="store_false",
                     help="exit at once if another run is using the output folder (default: wait for it)")
    _engine_options(run)
    _horizon_options(run)
    run.set_defaults(handler=_run)

    watch = sub.add_parser("watch", help="watch an inbox and run whenever files arrive or change")
    watch.add_argument("inbox", type=Path)
    watch.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: output/)")
    watch.add_argument("--rules", type=Path, default=None)
    watch.add_argument("--settle", type=float, default=2.0,
                       help="seconds a new file must stop growing before it is read (default: 2)")
    watch.add_argument("--max-runs", type=_positive, default=None, help="stop after this many runs")
    watch.add_argument("--idle-timeout", type=float, default=None, help="stop after this many idle seconds")
    _engine_options(watch)
    _horizon_options(watch)
    watch.set_defaults(handler=_watch, fail_fast=False, full=False, wait=True)

    export = sub.add_parser("export", help="export the checklists of an output folder")
    export.add_argument("--format", required=True, choices=("csv", "xlsx", "ics", "json"))
    export.add_argument("--org", default=None, help="one organisation (default: every one)")
    export.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the output folder of a run")
    export.add_argument("--dest", type=Path, default=None, help="where to write (default: OUT/exports/)")
    export.add_argument("--remind", type=_days, default=None, metavar="DAYS",
                        help="calendar reminders, days before a duty falls due, comma-separated (default: 3,1)")
    export.add_argument("--rules", type=Path, default=None)
    _horizon_options(export)
    export.set_defaults(handler=_export)

    done = sub.add_parser("done", help="mark checklist rows done (or set their status, assignee, note) by key")
    done.add_argument("keys", nargs="+", metavar="KEY", help="a row's key (the checklist's key column), or a req_id "
                      "that has one row")
    done.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the output folder of a run")
    done.add_argument("--org", default=None, help="only rows of this organisation")
    done.add_argument("--status", default="done", help="the status to set, in any language of the checklists "
                      "(default: done)")
    done.add_argument("--on", type=_iso_date, default=None, help="the day it was done (default: --today, else today)")
    done.add_argument("--assignee", default=None, help="who handles it")
    done.add_argument("--note", default=None, help="a note kept with the row")
    done.add_argument("--rules", type=Path, default=None)
    done.add_argument("--db", default=None, metavar="postgresql://...", help="the PostgreSQL state of `run --db`")
    _horizon_options(done)
    done.set_defaults(handler=_done)

    status = sub.add_parser("status", help="show the checklist rows with their marks")
    status.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the output folder of a run")
    status.add_argument("--org", default=None, help="one organisation (default: every one)")
    status.add_argument("--all", dest="every", action="store_true", help="every row, not only the marked ones")
    status.add_argument("--rules", type=Path, default=None)
    _horizon_options(status)
    status.set_defaults(handler=_status)

    digest = sub.add_parser("digest", help="a morning e-mail per organisation: overdue, due this week, new")
    digest.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the output folder of a run")
    digest.add_argument("--org", default=None, help="one organisation (default: every one with something to say)")
    where = digest.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=Path, metavar="FOLDER", help="write each mail as FOLDER/<organisation>.eml")
    where.add_argument("--smtp", metavar="URL", help="send through this server: smtp://[USER:PASSWORD@]HOST[:PORT] "
                       "(STARTTLS when offered) or smtps://…")
    digest.add_argument("--from", dest="sender", default="notices@localhost", help="the sender's address")
    digest.add_argument("--mail-to", action="append", default=[], metavar="ADDRESS",
                        help="an address for the organisation of --org (repeat for several)")
    digest.add_argument("--recipients", type=Path, default=None, metavar="CSV",
                        help="organisation,address[,address…] per line (UTF-8 or GB18030): who gets whose mail")
    digest.add_argument("--base-url", default="", help="where the output folder is served, for links to the report")
    digest.add_argument("--web-url", default="", help="where `notices serve` is reached, for links to each row")
    digest.add_argument("--rules", type=Path, default=None)
    _horizon_options(digest)
    digest.set_defaults(handler=_digest)

    serve = sub.add_parser("serve", help="serve the office's web page: lists, marks, notices, uploads")
    serve.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the output folder of the runs")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=_positive, default=8080, help="port to listen on (default: 8080)")
    serve.add_argument("--inbox", type=Path, default=None, help="where uploads go (default: the last run's inbox)")
    serve.add_argument("--db", default=None, metavar="postgresql://...", help="the PostgreSQL state of `run --db`")
    serve.add_argument("--rules", type=Path, default=None)
    serve.add_argument("--workers", type=_positive, default=None,
                       help="processes that read uploaded files (default: the number of cores)")
    serve.add_argument("--secure-cookies", action="store_true",
                       help="send the session cookie over HTTPS only (behind a TLS proxy)")
    serve.add_argument("--root-path", default="", help="the path the site is served under by a proxy (/notices)")
    serve.add_argument("--forwarded-allow-ips", default="127.0.0.1",
                       help="proxies whose X-Forwarded-* headers are trusted (default: 127.0.0.1)")
    _horizon_options(serve)
    serve.set_defaults(handler=_serve)

    user = sub.add_parser("user", help="add, change or remove the web page's users")
    user.add_argument("action", choices=("add", "passwd", "remove", "list"))
    user.add_argument("name", nargs="?", default=None, help="the user's name")
    user.add_argument("-o", "--out", type=Path, default=DEFAULT_OUT, help="the output folder the page serves")
    user.add_argument("--org", action="append", default=[], help="an organisation the user acts for (repeat)")
    user.add_argument("--admin", action="store_true", help="an administrator: every organisation, the run history")
    user.add_argument("--password-stdin", action="store_true", help="read the password from stdin (one line)")
    user.set_defaults(handler=_user)

    evaluate = sub.add_parser("evaluate", help="score an output folder against gold facts")
    evaluate.add_argument("output", type=Path)
    evaluate.add_argument("gold", type=Path)
    evaluate.add_argument("--verbose", dest="detail", action="store_true", help="list every miss and false claim")
    evaluate.add_argument("--json", action="store_true", help="print the scores as JSON")
    evaluate.add_argument("--by-file", action="store_true", help="also print F1 per scored file")
    evaluate.set_defaults(handler=_evaluate)

    when = sub.add_parser("when", help="resolve Chinese time expressions (one JSON object per expression)")
    when.add_argument("--ref", required=True, type=_iso_moment,
                      help="the notice's date, YYYY-MM-DD, or the moment they are read from, YYYY-MM-DDTHH:MM")
    when.add_argument("--prefer-future", action="store_true",
                      help="a date without a year already past at --ref is next year's (as in a reminder)")
    when.add_argument("text", nargs="+", help="texts to read, or - to read one per line from stdin")
    when.set_defaults(handler=_when)

    doctor = sub.add_parser("doctor", help="check the installation and list missing optional tools")
    doctor.add_argument("--rules", type=Path, default=None)
    doctor.set_defaults(handler=_doctor)
    return parser


def _horizon_options(parser: argparse.ArgumentParser) -> None:
    """The checklists' window and language: the same for every command that writes or shows them."""
    parser.add_argument("--today", type=_iso_date, default=None,
                        help="the date checklists count from and mark overdue before (default: today)")
    parser.add_argument("--past-days", type=_positive, default=PAST_DAYS,
                        help="an obligation this many days past leaves the lists for the past sheet (default: 30)")
    parser.add_argument("--lang", type=_language, default="zh",
                        help="the language of the checklists and the report: zh (default) or en")
    parser.add_argument("--horizon-months", type=_positive, default=HORIZON_MONTHS,
                        help="how far ahead recurring duties are listed (default: 12)")


def _language(text: str) -> str:
    """A language the checklists have words for (export/labels.yaml)."""
    from .export.words import words
    try:
        words(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _days(text: str) -> tuple[int, ...]:
    """Days before a date, comma-separated (3,1); an empty text: none."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"not whole numbers of days separated by commas: {text!r}")
    return tuple(int(p) for p in parts)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def _iso_moment(text: str) -> date | datetime:
    """A day, or a moment to the minute (2小时内 and 从现在到八点 count from it)."""
    try:
        return datetime.fromisoformat(text) if "T" in text or " " in text.strip() else date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:MM): {text!r}") \
            from None


def _engine_options(parser: argparse.ArgumentParser) -> None:
    """Where files are read and where the state is kept: the same for `run` and `watch`."""
    parser.add_argument("--workers", type=_positive, default=None,
                        help="processes that read files (default: the number of cores)")
    parser.add_argument("--executor", choices=[e.value for e in Executor], default=Executor.local.value,
                        help="where files are read: local processes (default) or a Dask cluster")
    parser.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                        help="the Dask scheduler (default with --executor dask: a local cluster of --workers)")
    parser.add_argument("--db", default=None, metavar="postgresql://...",
                        help="keep the dataset, file state and run history in PostgreSQL (default: SQLite in OUT)")


def _usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the folders and engine options of `run` or `watch`, or None."""
    if not args.inbox.is_dir():
        return f"inbox folder not found: {args.inbox}"
    if args.rules is not None and not args.rules.is_dir():
        return f"rules folder not found: {args.rules}"
    if args.scheduler is not None and args.executor != "dask":
        return "--scheduler needs --executor dask"
    if args.db is not None and not args.db.startswith(("postgresql://", "postgres://")):
        return "--db takes a PostgreSQL URL: postgresql://USER@HOST:PORT/DATABASE"
    return None


def _run(args: argparse.Namespace) -> int:
    from .engine.lock import RunBusy
    from .errors import MissingTool, RuleError, ServiceError
    problem = _usage_problem(args)
    if problem:
        print(f"notices: error: {problem}", file=sys.stderr)
        return USAGE
    from .engine import run
    from .progress_report import Progress, log_to_file
    from .rules import load_rules
    try:
        rules = load_rules(args.rules)  # before anything is written: broken rules leave no output folder
        log_to_file(args.out)
        with Progress(sys.stderr) as progress:
            summary = run(args.inbox, args.out, _options(args, full=args.full, wait=args.wait,
                                                         fail_fast=args.fail_fast), rules, progress.update)
    except (RuleError, RunBusy, ServiceError, MissingTool) as exc:
        return _broken(exc, with_hint=not isinstance(exc, RuleError))
    except (OSError, sqlite3.Error) as exc:
        return _output_broken(exc, args.out)
    except KeyboardInterrupt:
        print(f"notices: {INTERRUPTED}", file=sys.stderr)
        return STOPPED
    _print_summary(summary)
    return FILE_ERRORS if summary.failed else OK


def _output_broken(exc: OSError | sqlite3.Error, out: Path) -> int:
    """The outputs or the run state cannot be written: one line with the cause and what to do, exit 1; the
    traceback goes to the log file only. Any other failure is a bug and is raised as it is."""
    from .errors import output_problem
    problem = output_problem(exc, out)
    if problem is None:
        raise exc
    log.info("%s", problem.reason, exc_info=exc)
    return _broken(problem, with_hint=True)


def _broken(exc: Exception, with_hint: bool) -> int:
    """A set-up that cannot run (rules, lock, service, tool): its message, what to do, exit 1."""
    hint = getattr(exc, "hint", "") if with_hint else ""
    print(f"notices: error: {exc}" + (f" -- {hint}" if hint else ""), file=sys.stderr)
    return BROKEN


def _watch(args: argparse.Namespace) -> int:
    from .engine import run
    from .engine.lock import RunBusy
    from .engine.watch import WatchOptions, watch
    from .errors import MissingTool, RuleError, ServiceError
    from .progress_report import log_to_file
    problem = _usage_problem(args)
    if problem:
        print(f"notices: error: {problem}", file=sys.stderr)
        return USAGE

    def run_once() -> RunSummary:
        return run(args.inbox, args.out, _options(args), args.rules)
    try:
        log_to_file(args.out)
        watch(args.inbox, run_once, WatchOptions(args.settle, args.max_runs, args.idle_timeout), _print_summary)
    except (RuleError, RunBusy, ServiceError, MissingTool) as exc:
        return _broken(exc, with_hint=not isinstance(exc, RuleError))
    except (OSError, sqlite3.Error) as exc:
        return _output_broken(exc, args.out)
    except KeyboardInterrupt:
        pass
    return OK


def _options(args: argparse.Namespace, full: bool = False, wait: bool = True, fail_fast: bool = False) -> RunOptions:
    """The options of `run` and `watch` (watch waits for a run in progress, never reads all again)."""
    from .engine import Executor, RunOptions
    from .engine.workers import default_workers
    return RunOptions(today=args.today, horizon_months=args.horizon_months, past_days=args.past_days, full=full,
                      wait=wait, fail_fast=fail_fast, workers=args.workers or default_workers(),
                      executor=Executor(args.executor), scheduler=args.scheduler, db=args.db, lang=args.lang)


def _print_summary(s: RunSummary) -> None:
    print(f"{s.files} files: {s.ok} ok, {s.failed} failed; {s.requirements} requirements, {s.progress} progress rows"
          f" -> {s.out_dir}")
    print(f"this run: {s.new} new, {s.changed} changed, {s.unchanged} unchanged, {s.removed} removed, "
          f"{s.duplicates} duplicates; requirements +{s.added} -{s.dropped}"
          + (f"; {s.skipped} system, hidden or temporary files left out" if s.skipped else "")
          + ("" if s.exported else "; nothing changed, outputs left as they were"))
    for due, org, what in s.next_due:
        print(f"next: {due} {org}: {what}")
    if s.marks_read or s.removed_marks:
        print(f"marks: {s.marks_read} read from the checklists; {s.removed_marks} kept on the removed sheet")
    if s.repaired:
        print(f"outputs missing or altered since the last run, written again: {', '.join(s.repaired[:5])}"
              + (f" and {len(s.repaired) - 5} more" if len(s.repaired) > 5 else ""))
    for line in s.mark_conflicts:
        print(f"mark conflict: {line}")
    for line in s.mark_problems:
        print(f"mark not read: {line}", file=sys.stderr)
    for error in s.errors:
        print(f"error: {error.source} ({error.stage.value}): {error.reason}"
              + (f" -- {error.hint}" if error.hint else ""), file=sys.stderr)


def _output_window(args: argparse.Namespace, written: bool = True) -> tuple[Rules, Horizon] | int:
    """The rules and the checklists' window of a command that works on a run's output folder (export, done,
    status, digest), or the exit code when it cannot: no run wrote the folder (`written`), broken rules."""
    from .errors import RuleError
    from .export.checklists import horizon
    from .rules import load_rules
    if written and not (args.out / "notices.db").is_file():
        print(f"notices: error: no notices.db in {args.out}; run `notices run` first", file=sys.stderr)
        return USAGE
    try:
        rules = load_rules(args.rules)
    except RuleError as exc:
        return _broken(exc, with_hint=False)
    return rules, horizon(args.today or date.today(), args.horizon_months, rules.periods.semester_ends, args.past_days)


def _export(args: argparse.Namespace) -> int:
    from .export import export_checklists
    window = _output_window(args)
    if isinstance(window, int):
        return window
    _, span = window
    from .export.calendar import REMIND_DAYS
    remind = REMIND_DAYS if args.remind is None else args.remind
    for path in export_checklists(args.out, args.format, span, args.org, args.dest, args.lang, remind):
        print(path)
    return OK


def _done(args: argparse.Namespace) -> int:
    from .engine import RunOptions
    from .engine.lock import RunBusy
    from .engine.marking import Change, set_marks
    from .errors import ServiceError
    from .export.words import status_ids, status_of, words
    status = status_of(args.status)
    if not status:
        print(f"notices: error: unknown status {args.status!r}; one of "
              f"{', '.join(words(args.lang).status(s) for s in status_ids())}", file=sys.stderr)
        return USAGE
    window = _output_window(args, written=args.db is None)  # with --db, the dataset is in the database
    if isinstance(window, int):
        return window
    rules, span = window
    try:
        result = set_marks(args.out, args.keys, Change(status, args.assignee, args.on or args.today, args.note), span, rules,
                           RunOptions(today=args.today, past_days=args.past_days, db=args.db, lang=args.lang), args.org)
    except (RunBusy, ServiceError) as exc:
        return _broken(exc, with_hint=True)
    except (OSError, sqlite3.Error) as exc:
        return _output_broken(exc, args.out)
    for item in result.marked:
        print(_mark_line(item, args.lang))
    for name in result.unknown:
        where = f" in {args.org}" if args.org else ""
        print(f"notices: error: no row{where} has the key {name} (see the key column; a req_id of a recurring "
              "duty names several rows)", file=sys.stderr)
    return USAGE if result.unknown else OK


def _status(args: argparse.Namespace) -> int:
    from .engine.marking import marked_rows
    from .export.words import words
    window = _output_window(args)
    if isinstance(window, int):
        return window
    _, span = window
    rows = marked_rows(args.out, span, args.org)
    w = words(args.lang)
    counts: dict[str, int] = {}
    for item in rows:
        counts[w.status(item.status)] = counts.get(w.status(item.status), 0) + 1
        if args.every or item.status not in ("", "todo") or item.assignee or item.note:
            print(_mark_line(item, args.lang))
    print(", ".join(f"{word} {n}" for word, n in counts.items()) or "no rows")
    return OK


def _mark_line(item: Item, lang: str) -> str:
    from .export.words import words
    fields = [item.key, str(item.due_date or "-"), words(lang).status(item.status), item.assignee or "-",
              str(item.done_on or "-"), item.organization, item.what]
    return "\t".join(fields) + (f"\t{item.note}" if item.note else "")


def _digest(args: argparse.Namespace) -> int:
    import smtplib

    from .export import digest_mails, file_names
    from .export.digest import send, write_messages
    from .export.words import words
    if args.mail_to and args.org is None:
        print("notices: error: --mail-to needs --org (use --recipients for several organisations)", file=sys.stderr)
        return USAGE
    window = _output_window(args)
    if isinstance(window, int):
        return window
    _, span = window
    try:
        recipients = _recipients(args.recipients) if args.recipients else {}
    except (OSError, ValueError) as exc:
        print(f"notices: error: cannot read {args.recipients}: {exc}", file=sys.stderr)
        return USAGE
    if args.org is not None and args.mail_to:
        recipients[args.org] = args.mail_to
    mails = digest_mails(args.out, span, args.sender, recipients, args.base_url, args.org, args.lang,
                         args.web_url)
    if args.to is not None:
        for path in write_messages(args.to, mails, file_names(list(mails), words(args.lang))):
            print(path)
        return OK
    unaddressed = sorted(org for org, mail in mails.items() if not mail["To"])
    try:
        sent = send(args.smtp, mails.values())
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        log.info("sending the digest failed", exc_info=exc)
        print(f"notices: error: cannot send through {_no_password(args.smtp)}: {exc} -- check the server, "
              "its port and the user and password in the URL", file=sys.stderr)
        return BROKEN
    print(f"{sent} mails sent" + (f"; no address for {', '.join(unaddressed)} (see --recipients)" if unaddressed
                                  else ""))
    return OK


def _recipients(path: Path) -> dict[str, list[str]]:
    """organisation,address[,address…] per line of a CSV file staff keep in Excel (a header line is skipped)."""
    import csv

    from .export.marks import spreadsheet_text
    text = spreadsheet_text(path.read_bytes())
    if text is None:
        raise ValueError("neither UTF-8 nor GB18030")
    out: dict[str, list[str]] = {}
    for row in csv.reader(text.splitlines()):
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) >= 2 and "@" in cells[1]:
            out.setdefault(cells[0], []).extend(c for c in cells[1:] if "@" in c)
    return out


def _no_password(url: str) -> str:
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .engine.workers import default_workers
    from .errors import RuleError
    from .progress_report import log_to_file
    from .web import Settings, make_app
    if args.inbox is not None and not args.inbox.is_dir():
        print(f"notices: error: inbox folder not found: {args.inbox}", file=sys.stderr)
        return USAGE
    settings = Settings(args.out, args.inbox, args.db, args.rules, args.today, args.past_days, args.horizon_months,
                        args.lang, args.workers or default_workers(), args.secure_cookies)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        log_to_file(args.out)
        app = make_app(settings)
    except RuleError as exc:
        return _broken(exc, with_hint=False)
    except (OSError, sqlite3.Error) as exc:
        return _output_broken(exc, args.out)
    print(f"serving {args.out} on http://{args.host}:{args.port}{args.root_path} (Ctrl-C stops)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, root_path=args.root_path, proxy_headers=True,
                forwarded_allow_ips=args.forwarded_allow_ips, log_level="warning", server_header=False)
    return OK


def _user(args: argparse.Namespace) -> int:
    from .web import accounts
    try:
        if args.action == "list":
            for item in accounts.users(args.out):
                print(f"{item.name}\t{'admin' if item.admin else '-'}\t{', '.join(item.orgs)}")
            return OK
        if not args.name:
            print(f"notices: error: `notices user {args.action}` needs a user name", file=sys.stderr)
            return USAGE
        if args.action == "remove":
            accounts.remove_user(args.out, args.name)
        else:
            password = _password(args.password_stdin)
            if password is None:
                return USAGE
            if args.action == "add":
                accounts.add_user(args.out, args.name, password, args.org, args.admin)
            else:
                accounts.set_password(args.out, args.name, password)
    except accounts.AccountError as exc:
        print(f"notices: error: {exc}", file=sys.stderr)
        return USAGE
    except (OSError, sqlite3.Error) as exc:
        return _output_broken(exc, args.out)
    print(f"{args.action}: {args.name}")
    return OK


def _password(from_stdin: bool) -> str | None:
    """A new password: one line of stdin, or typed twice at a terminal; None (said why) when neither works."""
    import getpass
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        print("notices: error: no terminal to type the password at; use --password-stdin", file=sys.stderr)
        return None
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        print("notices: error: the two passwords differ", file=sys.stderr)
        return None
    return first


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, report, report_files
    if not args.output.is_dir() or not args.gold.is_file():
        print(f"notices: error: need an output folder and a gold file: {args.output} {args.gold}", file=sys.stderr)
        return USAGE
    score = evaluate(args.output, args.gold)
    if args.json:
        print(json.dumps(score.as_dict(), ensure_ascii=False, indent=1))
        return OK
    if args.by_file:
        print(report_files(score))
    print(report(score, args.detail))
    return OK


def _when(args: argparse.Namespace) -> int:
    from .timex import resolve, to_json
    texts = sys.stdin.read().splitlines() if args.text == ["-"] else args.text
    for text in texts:
        for value in resolve(text, args.ref, prefer_future=args.prefer_future):
            print(json.dumps(to_json(value), ensure_ascii=False))
    return OK


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import check
    problems = 0
    for item in check(args.rules):
        state = "ok" if item.ok else "MISSING" if item.required else "WARNING" if item.warning else "absent"
        print(f"{state:8} {item.name:22} {item.purpose}"
              + ("" if item.ok else f" -- {item.hint}"))
        problems += not item.ok and item.required
    return BROKEN if problems else OK

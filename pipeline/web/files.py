"""Files in and out of the web page: a notice dropped in (saved, read at once, its page), and an
organisation's list as a file (CSV, XLSX, iCalendar) with the marks as they are now."""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..export import file_names, write_checklist_csv
from ..export.calendar import write_ics
from ..export.checklists import COLUMNS, is_past
from ..export.xlsx import write_xlsx
from ..readers import READERS
from . import accounts, board, uploads
from .app import FORM_OVERHEAD, Ctx, Site, csrf_ok, now, signed_in, site_of
from .pages import marks_of

log = logging.getLogger(__name__)


EXPORTS = {"csv": "text/csv; charset=utf-8", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml"
            ".sheet", "ics": "text/calendar; charset=utf-8"}


def export(ctx: Ctx) -> Response:
    """An organisation's list as a file, with the marks as they are now: CSV and XLSX as the checklists
    (the rows in force), iCalendar with reminders (past ones too, as `notices export` writes it)."""
    site, request = ctx.site, ctx.request
    org, fmt = request.query_params.get("org", ""), request.query_params.get("format", "csv")
    if org not in site.allowed(ctx.user) or fmt not in EXPORTS:
        raise HTTPException(404)
    try:
        items = board.marked(board.rows_of(site.settings.out_dir, org), marks_of(site))
    except board.NotWritten:
        raise HTTPException(404) from None
    span = site.horizon()
    w = site.words
    name = file_names([org], w)[org]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.{fmt}"
        if fmt == "ics":
            write_ics(path, site.shown_org(org), items, w)
        elif fmt == "csv":
            write_checklist_csv(path, COLUMNS, [i for i in items if not is_past(i, span)], w)
        else:
            write_xlsx(path, {org: [i for i in items if not is_past(i, span)]}, w)
        data = path.read_bytes()
    return Response(data, media_type=EXPORTS[fmt], headers={
        "content-disposition": f"attachment; filename=\"list.{fmt}\"; filename*=UTF-8''{quote(path.name)}"})


# --- uploads ---------------------------------------------------------------------------------------

def upload_page(ctx: Ctx, message: str = "", status: int = 200) -> Response:
    site = ctx.site
    return site.render(ctx.request, "upload.html", ctx.user, status=status, message=message, types=_types(),
                       mb=site.max_bytes // (1 << 20), title=site.words.ui("web_upload"))


def _types() -> str:
    return " ".join(sorted(READERS))


async def upload(request: Request) -> Response:
    """Take one file: refused at once by its declared size, then by its type and its real size; saved into
    the inbox under a safe name and read by the next run of the upload runner."""
    site = site_of(request)
    user = await run_in_threadpool(signed_in, request, site)
    if user is None:
        raise HTTPException(403)
    ctx = Ctx(request, user, None, site)
    w = site.words
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        return upload_page(ctx, w.ui("web_no_file"), 411)
    if int(declared) > site.max_bytes + FORM_OVERHEAD:
        log.info("upload by %s refused: %s bytes declared", user.name, declared)
        return upload_page(ctx, w.ui("web_too_large", mb=site.max_bytes >> 20), 413)
    form = await request.form(max_files=1, max_fields=5)
    if not csrf_ok(request, form):
        raise HTTPException(403)
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return upload_page(ctx, w.ui("web_no_file"), 400)
    try:
        upload_id = await run_in_threadpool(_keep, site, user, sent)
    except uploads.Refused as refused:
        return upload_page(ctx, _refusal(site, str(refused)), 413 if str(refused).startswith("too_large") else 400)
    finally:
        await sent.close()
    return RedirectResponse(f"{request.scope.get('root_path', '')}/upload/{upload_id}", 303)


def _keep(site: Site, user: accounts.User, sent: UploadFile) -> str:
    inbox = site.inbox()
    if inbox is None:
        raise uploads.Refused("no_inbox")
    moment = now()
    name = uploads.safe_name(str(sent.filename), moment)
    folder = inbox / site.words.ui("web_upload_folder")
    path = uploads.save(sent.file, folder, name, site.max_bytes)
    log.info("%s uploaded %r as %s", user.name, sent.filename, path)
    return site.runner.add(user.name, str(sent.filename)[:200], path.relative_to(inbox).as_posix())


def _refusal(site: Site, code: str) -> str:
    w = site.words
    kind, _, detail = code.partition(":")
    if kind == "unsupported":
        return w.ui("web_unsupported", suffix=detail, types=_types())
    if kind == "too_large":
        return w.ui("web_too_large", mb=detail)
    if kind == "empty":
        return w.ui("web_empty")
    return w.ui("web_no_inbox")


def uploaded(ctx: Ctx) -> Response:
    site = ctx.site
    up = uploads.upload(site.settings.out_dir, ctx.request.path_params["upload_id"])
    if up is None or (up.user != ctx.user.name and not ctx.user.admin):
        raise HTTPException(404)
    doc, rows = None, []
    if up.state == "done":
        try:
            doc = board.document_of(site.settings.out_dir, up.source)
            rows = board.requirements_of(site.settings.out_dir, str(doc["doc_id"])) if doc else []
        except board.NotWritten:
            pass
    return site.render(ctx.request, "uploaded.html", ctx.user, up=up, doc=doc, rows=rows, title=up.name)



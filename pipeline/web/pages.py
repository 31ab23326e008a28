"""The pages and actions of the web page, each a function of the request (app.Ctx) to a response: the
list, a row and its marks, the notices and their search, a notice with its clause, uploads, the runs."""
from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..dataset import Mark
from ..engine.marking import Change, changed
from ..export.checklists import Item
from ..export.marks import described_by
from ..export.report import segments
from ..export.words import status_ids
from . import accounts, board, search, uploads
from .app import Ctx, Site, csrf_ok, csrf_token, now, signed_in, site_of

log = logging.getLogger(__name__)

MAX_ASSIGNEE = 100
MAX_NOTE = 2000
ORIGIN = "web"  # a mark's origin: web (user)


def _local(target: str, base: str) -> str:
    """`target` if it is a path of this site, else the list: a sign-in never sends people elsewhere."""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc \
            and "\\" not in target:
        return target
    return f"{base}/list"


# --- signing in and out -------------------------------------------------------------------------

async def login_page(request: Request) -> Response:
    site = site_of(request)
    if await run_in_threadpool(signed_in, request, site):
        return RedirectResponse(f"{request.scope.get('root_path', '')}/list", 303)
    return site.render(request, "login.html", None, next=request.query_params.get("next", ""), name="",
                       message="", title=site.words.ui("web_sign_in"))


async def login(request: Request) -> Response:
    site = site_of(request)
    form = await request.form(max_files=0, max_fields=10)
    if not csrf_ok(request, form):
        raise HTTPException(403)
    name, password = str(form.get("user") or ""), str(form.get("password") or "")
    target = str(form.get("next") or "")
    result = await run_in_threadpool(accounts.sign_in, site.settings.out_dir, name.strip(), password, now())
    if result.user is None:
        w = site.words
        message = w.ui("web_locked", until=f"{result.locked_until:%H:%M}") if result.locked_until else w.ui("web_wrong")
        log.info("sign-in refused for %r%s", name, " (locked)" if result.locked_until else "")
        return site.render(request, "login.html", None, status=401 if not result.locked_until else 429,
                           next=target, name=name, message=message, title=w.ui("web_sign_in"))
    request.session.clear()  # a new session (and CSRF token) for the signed-in user
    request.session.update({"user": result.user.name, "v": result.user.version})
    csrf_token(request)
    return RedirectResponse(_local(target, request.scope.get("root_path", "")), 303)


def logout(ctx: Ctx) -> Response:
    ctx.request.session.clear()
    return RedirectResponse(f"{ctx.request.scope.get('root_path', '')}/login", 303)


def home(ctx: Ctx) -> Response:
    return RedirectResponse(f"{ctx.request.scope.get('root_path', '')}/list", 303)


# --- the list and its rows ------------------------------------------------------------------------

def my_list(ctx: Ctx) -> Response:
    site, request = ctx.site, ctx.request
    allowed = site.allowed(ctx.user)
    org = request.query_params.get("org") or (allowed[0] if allowed else "")
    if org not in allowed:
        raise HTTPException(404)
    marks = marks_of(site)
    whole = request.query_params.get("all", "")
    try:
        found = board.listed(site.settings.out_dir, org, site.today(), site.past(),
                             {k for k, m in marks.items() if m.status == "done"}, whole)
    except board.NotWritten:
        return _message(ctx, site.words.ui("web_no_outputs"))
    lists = {name: board.marked(rows, marks) for name, rows in found.rows.items()}
    here = f"{request.scope.get('root_path', '')}/list?org={quote(org)}"
    return site.render(request, "list.html", ctx.user, orgs=[(o, site.shown_org(o)) for o in allowed], org=org,
                       org_shown=site.shown_org(org), lists=lists, counts=found.counts, sections=board.SECTIONS,
                       today=site.today(), here=here, saved=request.query_params.get("saved") == "1",
                       title=site.shown_org(org))


def marks_of(site: Site) -> dict[str, Mark]:
    """The store's marks, with those made in the checklist files since the last run laid over them (none
    before the first run has made the store)."""
    try:
        with site.store() as store:
            stored: dict[str, Mark] = store.marks()
    except FileNotFoundError:
        return {}
    return site.pending.over(site.settings.out_dir, stored)


def _row(ctx: Ctx) -> Item:
    """The row of the path's key, if the user may see it; another organisation's row is as good as none."""
    found = board.row(ctx.site.settings.out_dir, ctx.request.path_params["key"])
    if found is None or not ctx.site.may_see(ctx.user, found):
        raise HTTPException(404)
    return found


def item(ctx: Ctx) -> Response:
    site = ctx.site
    try:
        found = _row(ctx)
    except board.NotWritten:
        raise HTTPException(404) from None
    marks = marks_of(site)
    found = board.marked([found], marks)[0]
    clause = board.clause_of(site.settings.out_dir, found.req_id)
    return site.render(ctx.request, "item.html", ctx.user, r=found, clause=clause, statuses=status_ids(),
                       mark=marks.get(found.key), org_shown=site.shown_org(found.organization), title=found.what)


def mark(ctx: Ctx) -> Response:
    """Set a row's status, assignee and note: stored as the checklists' marks are, so the next workbook
    shows it; fields the form does not send stay as they were."""
    site, form = ctx.site, ctx.form
    assert form is not None
    try:
        found = _row(ctx)
    except board.NotWritten:
        raise HTTPException(404) from None
    status = str(form.get("status") or "")
    if status not in status_ids():
        raise HTTPException(400)
    assignee, note = form.get("assignee"), form.get("note")
    moment = now()
    with site.store() as store:
        old = store.marks().get(found.key, Mark(found.key))
        done_on = old.done_on if old.status == "done" and old.done_on else site.today()
        new = changed(old, Change(status, _field(assignee, MAX_ASSIGNEE), done_on if status == "done" else None,
                                  _field(note, MAX_NOTE)), moment, f"{ORIGIN} ({ctx.user.name})")
        store.save_marks([described_by(new, found)], [])
    log.info("%s marked %s %s", ctx.user.name, found.key, status)
    target = _local(str(form.get("next") or ""), ctx.request.scope.get("root_path", ""))
    return RedirectResponse(target.replace("#", "&saved=1#", 1) if "?" in target and "#" in target else target, 303)


def _field(value: object, limit: int) -> str | None:
    """A text field of a form, trimmed and cut at `limit`; None when the form did not send it."""
    return None if value is None else str(value).strip()[:limit]


# --- the user's own password ------------------------------------------------------------------------

def password_page(ctx: Ctx, message: str = "", status: int = 200) -> Response:
    return ctx.site.render(ctx.request, "password.html", ctx.user, status=status, message=message,
                           status_ok=status < 400, title=ctx.site.words.ui("web_password_change"))


def password(ctx: Ctx) -> Response:
    """A new password for the signed-in user, given the present one (a wrong one counts toward the lock)."""
    site, form = ctx.site, ctx.form
    assert form is not None
    w = site.words
    new = str(form.get("new") or "")
    if new != str(form.get("again") or ""):
        return password_page(ctx, w.ui("web_password_differ"), 400)
    if len(new) < accounts.MIN_PASSWORD:
        return password_page(ctx, w.ui("web_password_short", n=accounts.MIN_PASSWORD), 400)
    checked = accounts.sign_in(site.settings.out_dir, ctx.user.name, str(form.get("current") or ""), now())
    if checked.user is None:
        return password_page(ctx, w.ui("web_wrong") if checked.locked_until is None else
                             w.ui("web_locked", until=f"{checked.locked_until:%H:%M}"), 403)
    accounts.set_password(site.settings.out_dir, ctx.user.name, new)  # ends the user's other sessions
    changed = accounts.user(site.settings.out_dir, ctx.user.name)
    ctx.request.session["v"] = changed.version if changed else 0
    log.info("%s changed their password", ctx.user.name)
    return password_page(ctx, w.ui("web_password_changed"))


# --- notices ---------------------------------------------------------------------------------------

def notices(ctx: Ctx) -> Response:
    site, request = ctx.site, ctx.request
    q = request.query_params.get("q", "").strip()[:200]
    try:
        page = max(0, int(request.query_params.get("page", "0")))
    except ValueError:
        page = 0
    try:
        docs, total = board.documents(site.settings.out_dir, site.index.search(q) if q else None, page)
    except board.NotWritten:
        return _message(ctx, site.words.ui("web_no_outputs"))
    pages = max(1, -(-total // board.PAGE))
    return site.render(request, "notices.html", ctx.user, docs=docs, total=total, q=q, page=page, pages=pages,
                       limit=search.LIMIT, title=site.words.ui("web_notices"))


def notice(ctx: Ctx) -> Response:
    site, request = ctx.site, ctx.request
    try:
        doc = board.document(site.settings.out_dir, request.path_params["doc_id"])
        rows = board.requirements_of(site.settings.out_dir, request.path_params["doc_id"]) if doc else []
    except board.NotWritten:
        raise HTTPException(404) from None
    if doc is None:
        raise HTTPException(404)
    text = site.text_of(str(doc["source"]))
    at = _span(request.query_params.get("at", ""))
    spans = [SimpleNamespace(char_start=int(r["char_start"] or 0), char_end=int(r["char_end"] or 0),
                             req_id=str(r["req_id"])) for r in rows]
    pieces, start = [], 0
    for seg in segments(text, spans):
        end = start + len(seg.text)
        pieces.append({"text": seg.text, "rows": seg.rows, "here": at is not None and at[0] <= start and end <= at[1]
                       and start < end})
        start = end
    return site.render(request, "notice.html", ctx.user, doc=doc, rows=rows, segments=_joined(pieces),
                       title=str(doc.get("title") or doc["source"]))


def _span(text: str) -> tuple[int, int] | None:
    start, _, end = text.partition("-")
    return (int(start), int(end)) if start.isdigit() and end.isdigit() else None


def _joined(pieces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Neighbouring pieces of the chosen clause as one (one <mark id="at">)."""
    out: list[dict[str, Any]] = []
    for piece in pieces:
        if out and piece["here"] and out[-1]["here"]:
            out[-1] = {**out[-1], "text": out[-1]["text"] + piece["text"]}
        else:
            out.append(piece)
    return out


# --- the administrator's page and the refusals -------------------------------------------------------

def admin(ctx: Ctx) -> Response:
    site = ctx.site
    try:
        with site.store() as store:
            runs, errors = list(reversed(store.runs()))[:50], store.live_errors()
    except FileNotFoundError:
        runs, errors = [], []
    return site.render(ctx.request, "admin.html", ctx.user, runs=runs, errors=errors,
                       uploads=uploads.recent(site.settings.out_dir), users=accounts.users(site.settings.out_dir),
                       title=site.words.ui("web_admin"))


def _message(ctx: Ctx, text: str, status: int = 200) -> Response:
    return ctx.site.render(ctx.request, "message.html", ctx.user, status=status, message=text)


async def refused(request: Request, exc: Exception) -> Response:
    site = site_of(request)
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    text = site.words.ui("web_not_found") if code == 404 else site.words.ui("web_forbidden")
    return site.render(request, "message.html", None, status=code, message=text)


async def broken(request: Request, exc: Exception) -> Response:
    """A fault of the server: one line for the person, the traceback in the log."""
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    site = site_of(request)
    return site.render(request, "message.html", None, status=500, message=site.words.ui("web_broken"))


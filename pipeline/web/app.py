"""The web page (`notices serve`): an organisation's list from the last run's outputs, marks saved in the
run's store (the same marks the checklists and `notices done` keep), notices searched and read, notices
uploaded and read at once; accounts bound to organisations, signed session cookies, a CSRF token on every
form, no script at all in the pages (the Content-Security-Policy forbids any)."""
from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engine.options import HORIZON_MONTHS, PAST_DAYS
from ..engine.store import Store, open_shared
from ..export.checklists import UNASSIGNED, Horizon, Item, horizon, shown
from ..export.words import Words, words
from ..limits import MB
from ..model import RunSummary
from . import accounts, board
from .accounts import User
from .search import Index
from .uploads import Runner

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
REPORT_CSS = HERE.parent / "export" / "templates" / "base.css"
SESSION_HOURS = 8
FORM_OVERHEAD = 1 * MB  # what a multipart body adds to the file it carries, at most
HEADERS = (
    ("content-security-policy", ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'")),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
)


@dataclass(frozen=True, slots=True)
class Settings:
    """What `notices serve` serves: the output folder of the runs and their store (`db`: PostgreSQL), the
    inbox uploads land in (default: the last run's), and the checklists' window (`today` fixed, else the
    day of each request)."""
    out_dir: Path
    inbox: Path | None = None
    db: str | None = None
    rules: Path | None = None
    today: date | None = None
    past_days: int = PAST_DAYS
    horizon_months: int = HORIZON_MONTHS
    lang: str = "zh"
    workers: int = 0
    secure_cookies: bool = False


@dataclass(frozen=True, slots=True)
class Ctx:
    """One request as the pages see it: who asks, the form sent (POST), and the server's parts."""
    request: Request
    user: User
    form: FormData | None
    site: Site


class Site:
    """The server's parts: settings, words, templates, the pending checklist edits, the search index, the
    upload runner and the upload size limit."""

    def __init__(self, settings: Settings, run_once: Callable[[], RunSummary] | None) -> None:
        from ..rules import load_rules
        self.settings = settings
        self.words: Words = words(settings.lang)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.pending = board.Pending()
        self.index = Index(settings.out_dir, self.store)
        rules = load_rules(settings.rules)  # an upload's run loads them again, as a nightly run does
        self.max_bytes = rules.limits.max_file_mb * MB
        self.semester_ends = rules.periods.semester_ends
        self.runner = Runner(settings.out_dir, run_once or self.run_once)

    def today(self) -> date:
        return self.settings.today or date.today()

    def past(self) -> date:
        return self.today() - timedelta(days=self.settings.past_days)

    def horizon(self) -> Horizon:
        s = self.settings
        return horizon(self.today(), s.horizon_months, self.semester_ends, s.past_days)

    def store(self) -> AbstractContextManager[Store]:
        return open_shared(self.settings.out_dir, self.settings.db)

    def text_of(self, source: str) -> str:
        with self.store() as store:
            return str(store.text(source))

    def inbox(self) -> Path | None:
        """Where uploads go: the --inbox of the server, else the inbox of the last run."""
        if self.settings.inbox is not None:
            return self.settings.inbox
        try:
            with self.store() as store:
                runs = store.runs()
        except FileNotFoundError:
            return None
        return Path(runs[-1].inbox) if runs else None

    def run_once(self) -> RunSummary:
        from ..engine import RunOptions, run
        inbox = self.inbox()
        if inbox is None:
            raise FileNotFoundError("no inbox")
        s = self.settings
        return run(inbox, s.out_dir, RunOptions(today=s.today, horizon_months=s.horizon_months, past_days=s.past_days,
                                                workers=s.workers, db=s.db, lang=s.lang), s.rules)

    def render(self, request: Request, template: str, user: User | None, status: int = 200, **values: object) -> Response:
        w = self.words
        context = {"w": w, "user": user, "csrf": csrf_token(request), "base": request.scope.get("root_path", ""),
                   "title": values.pop("title", w.ui("title")), "amount": lambda i: shown(i, ("how_much",), w)[0],
                   **values}
        response = self.templates.TemplateResponse(request, template, context, status_code=status)
        response.headers["cache-control"] = "no-store"
        return response

    def shown_org(self, org: str) -> str:
        return self.words.sheet(org) if org == UNASSIGNED else org

    def allowed(self, user: User) -> list[str]:
        """The organisations whose rows the user sees and marks (an administrator: every one)."""
        if user.admin:
            try:
                return board.organisations(self.settings.out_dir)
            except board.NotWritten:
                return list(user.orgs)
        return list(user.orgs)

    def may_see(self, user: User, item: Item) -> bool:
        return user.admin or item.organization in user.orgs


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, form: FormData) -> bool:
    sent, kept = form.get("csrf"), request.session.get("csrf")
    return isinstance(sent, str) and isinstance(kept, str) and hmac.compare_digest(sent, kept)


def signed_in(request: Request, site: Site) -> User | None:
    """The user of the session, if the session is still theirs (a new password or removal ends it)."""
    name, version = request.session.get("user"), request.session.get("v")
    if not isinstance(name, str):
        return None
    user = accounts.user(site.settings.out_dir, name)
    if user is None or user.version != version:
        request.session.clear()
        return None
    return user


Handler = Callable[[Ctx], Response]


def guarded(handler: Handler, admin: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint only for a signed-in user (an administrator with `admin`): a page without a session goes
    to the sign-in page, an action without one is refused, and so is a form without its CSRF token."""
    async def endpoint(request: Request) -> Response:
        site = site_of(request)
        user = await run_in_threadpool(signed_in, request, site)
        if user is None:  # refused before a byte of the body is read
            if request.method != "GET":
                raise HTTPException(403)
            return RedirectResponse(f"{request.scope.get('root_path', '')}/login?next={request.url.path}", 303)
        form = await request.form(max_files=0, max_fields=20) if request.method == "POST" else None
        if form is not None and not csrf_ok(request, form):
            raise HTTPException(403)
        if admin and not user.admin:
            raise HTTPException(404)
        return await run_in_threadpool(handler, Ctx(request, user, form, site))
    return endpoint


class SecurityHeaders:
    """Headers on every response: no script, no frame, no sniffing, no referrer outside the site."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS:
                    headers[name] = value
            await send(message)
        await self.app(scope, receive, sending)


def make_app(settings: Settings, run_once: Callable[[], RunSummary] | None = None) -> Starlette:
    """The application; `run_once` reads the inbox after an upload (default: a run as `notices run` makes)."""
    from . import files, pages
    site = Site(settings, run_once)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        site.runner.start()
        try:
            yield
        finally:
            site.runner.stop()

    routes = [
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Route("/logout", guarded(pages.logout), methods=["POST"]),
        Route("/", guarded(pages.home), methods=["GET"]),
        Route("/list", guarded(pages.my_list), methods=["GET"]),
        Route("/item/{key}", guarded(pages.item), methods=["GET"]),
        Route("/item/{key}", guarded(pages.mark), methods=["POST"]),
        Route("/export", guarded(files.export), methods=["GET"]),
        Route("/password", guarded(pages.password_page), methods=["GET"]),
        Route("/password", guarded(pages.password), methods=["POST"]),
        Route("/notices", guarded(pages.notices), methods=["GET"]),
        Route("/notice/{doc_id}", guarded(pages.notice), methods=["GET"]),
        Route("/upload", guarded(files.upload_page), methods=["GET"]),
        Route("/upload", files.upload, methods=["POST"]),
        Route("/upload/{upload_id}", guarded(files.uploaded), methods=["GET"]),
        Route("/admin", guarded(pages.admin, admin=True), methods=["GET"]),
        Route("/static/base.css", lambda r: FileResponse(REPORT_CSS, media_type="text/css")),
        Route("/static/web.css", lambda r: FileResponse(HERE / "static" / "web.css", media_type="text/css")),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=accounts.secret_key(settings.out_dir), session_cookie="notices_session",
                   max_age=SESSION_HOURS * 3600, same_site="lax", https_only=settings.secure_cookies),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: pages.refused, Exception: pages.broken})
    app.state.site = site
    return app


def now() -> datetime:
    return datetime.now().replace(microsecond=0)

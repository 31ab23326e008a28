"""Checklists -> a morning e-mail per organisation (`notices digest`): what is overdue, what falls due this
week, and what the notices read since yesterday ask, each with a link to the report; a standard MIME
message (plain text and HTML), written to files or sent through an SMTP server."""
from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from .checklists import Horizon, Item, shown
from .words import Words

SECTIONS = ("overdue", "this_week", "new")
COLUMNS = ("due_date", "due_time", "what", "status", "assignee", "how_much", "to_whom", "how", "notice")
SMTP_SECONDS = 30


@dataclass(frozen=True, slots=True)
class Digest:
    """One organisation's morning mail: its rows by section (SECTIONS)."""
    organization: str
    sections: dict[str, list[Item]]
    org_id: str = ""  # the organisation as the checklists name it (unassigned, not its words), for web links

    def is_empty(self) -> bool:
        return not any(self.sections.values())


@dataclass(frozen=True, slots=True)
class Links:
    """Where the mail links to: the report where the output folder is served (`base_url`), and each row on
    the web page where `notices serve` is reached (`web_url`), which wins when both are given."""
    base_url: str = ""
    web_url: str = ""

    def row(self, item: Item) -> str:
        if self.web_url:
            return f"{self.web_url.rstrip('/')}/item/{item.key}"
        doc_id = item.req_id.rsplit("-", 1)[0]
        return f"{self.base_url.rstrip('/')}/report/notices/{doc_id}.html#row-{item.req_id}" if self.base_url else ""

    def everything(self, d: Digest, w: Words) -> tuple[str, str]:
        """The link to everything and its line: the organisation's list on the web page, else the report."""
        if self.web_url:
            url = f"{self.web_url.rstrip('/')}/list?org={quote(d.org_id or d.organization)}"
            return url, w.ui("web_digest", url=url)
        if self.base_url:
            url = f"{self.base_url.rstrip('/')}/report/index.html"
            return url, w.ui("digest_report", url=url)
        return "", ""


def digest_of(organization: str, items: list[Item], span: Horizon, fresh: set[str], org_id: str = "") -> Digest:
    """Overdue and open, due from today to Sunday, and the rows of notices read since yesterday (`fresh`:
    their sources); a row marked done is in none. `organization` in words, `org_id` as the lists name it."""
    sunday = span.today + timedelta(days=6 - span.today.weekday())
    open_items = [i for i in items if i.status != "done"]
    overdue = [i for i in open_items if i.due_date is not None and i.due_date < span.today]
    week = [i for i in open_items if i.due_date is not None and span.today <= i.due_date <= sunday]
    listed = {i.req_id for i in overdue + week}
    new: dict[str, Item] = {}  # a new duty once, at its first date, unless listed above
    for item in open_items:
        if item.source in fresh and item.req_id not in listed:
            new.setdefault(item.req_id, item)
    return Digest(organization, {"overdue": overdue, "this_week": week, "new": list(new.values())}, org_id)


def message(d: Digest, w: Words, day: date, sender: str, recipients: Iterable[str], links: Links) -> EmailMessage:
    """The mail of one digest: a subject with its counts, a plain-text body and the same as HTML."""
    counts = {s: len(d.sections[s]) for s in SECTIONS}
    mail = EmailMessage()
    mail["Subject"] = w.ui("digest_subject", organization=d.organization, day=day, **counts)
    mail["From"] = sender
    if recipients:
        mail["To"] = ", ".join(recipients)
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    mail.set_content(_text(d, w, links))
    mail.add_alternative(_html(d, w, links), subtype="html")
    return mail


def _text(d: Digest, w: Words, links: Links) -> str:
    lines = [w.ui("digest_greeting", organization=d.organization), ""]
    for section in SECTIONS:
        lines.append(f"{w.ui('digest_' + section)} ({len(d.sections[section])})")
        for item in d.sections[section]:
            cells = dict(zip(COLUMNS, shown(item, COLUMNS, w)))
            line = " ".join(str(cells[c]) for c in ("due_date", "due_time", "what", "how_much") if cells[c])
            extra = "；".join(f"{w.column(c)}：{cells[c]}" for c in ("status", "assignee", "to_whom", "how", "notice")
                             if cells[c])
            lines.append(f"- {line}" + (f"（{extra}）" if extra else ""))
            if links.row(item):
                lines.append(f"  {links.row(item)}")
        lines.append("")
    url, line = links.everything(d, w)
    if url:
        lines.append(line)
    return "\n".join(lines)


def _html(d: Digest, w: Words, links: Links) -> str:
    e = html.escape
    parts = [f"<p>{e(w.ui('digest_greeting', organization=d.organization))}</p>"]
    for section in SECTIONS:
        parts.append(f"<h3>{e(w.ui('digest_' + section))} ({len(d.sections[section])})</h3>")
        if not d.sections[section]:
            continue
        head = "".join(f"<th>{e(w.column(c))}</th>" for c in COLUMNS)
        rows = []
        for item in d.sections[section]:
            cells = [e(str(v or "")) for v in shown(item, COLUMNS, w)]
            link = links.row(item)
            if link:
                cells[2] = f'<a href="{e(link)}">{cells[2]}</a>'
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        parts.append(f"<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr>{head}</tr>{''.join(rows)}</table>")
    url, line = links.everything(d, w)
    if url:
        parts.append(f'<p><a href="{e(url)}">{e(line)}</a></p>')
    return "<html><body>" + "".join(parts) + "</body></html>"


def write_messages(folder: Path, mails: dict[str, EmailMessage], names: dict[str, str]) -> list[Path]:
    """Each mail as <organisation>.eml in `folder` (any mail program opens one)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for org, mail in mails.items():
        path = folder / f"{names[org]}.eml"
        path.write_bytes(bytes(mail))
        written.append(path)
    return written


def send(url: str, mails: Iterable[EmailMessage]) -> int:
    """Send the mails through the SMTP server at `url`: smtp://[user:password@]host[:port] (STARTTLS when
    the server offers it), or smtps:// for TLS from the start; returns how many were sent."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"not an SMTP URL: {url!r} (smtp://host:port or smtps://user:password@host)")
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        server: smtplib.SMTP = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, timeout=SMTP_SECONDS,
                                                context=context)
    else:
        server = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=SMTP_SECONDS)
    sent = 0
    with server:
        server.ehlo()
        if parts.scheme == "smtp" and server.has_extn("starttls"):
            server.starttls(context=context)
            server.ehlo()
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        for mail in mails:
            if mail["To"]:
                server.send_message(mail)
                sent += 1
    return sent

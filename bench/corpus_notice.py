"""One synthetic notice from a seeded random generator: front matter, numbered sections of prose and
obligations, optional tables, signature; its gold facts collected on the way."""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

from corpus_facts import Ctx, cn_date, deadline, window, window_heading, ymd
from corpus_model import Block, Notice, Site
from corpus_quotas import email, grant, materials, meeting, quota, recurring
from corpus_tables import progress_table, schedule_table, task_table
from corpus_words import (
    AREA_CODES,
    CITED,
    COLLEGES,
    FILLER,
    FILLER_INTROS,
    FILLER_NUMBERS,
    GIVEN_NAMES,
    HEADING_OBJECTS,
    HEADING_VERBS,
    POINT_SECTIONS,
    PROGRESS_ORGS,
    PROSE_ACTIONS,
    PROSE_RESULTS,
    PROSE_SUBJECTS,
    SECTION_NAMES,
    SIDEBAR,
    SURNAME_PINYIN,
    SURNAMES,
    TOPICS,
    UNITS,
    UNIVERSITIES,
)

CN = "一二三四五六七八九十"
# Characters of body text on an A4 page, headings and short lines included (text/HTML: a 公文-like page)
CHARS_PER_PAGE = {"gongwen": 600, "plain14": 850, "plain12": 1150, "text": 600}
ROWS_PER_PAGE = 10            # progress table rows on a landscape page
FIRST_DAY, LAST_DAY = dt.date(2016, 1, 4), dt.date(2026, 10, 30)


def cn_index(i: int) -> str:
    """The Chinese numeral of i + 1 (0 -> 一, 10 -> 十一, 19 -> 二十)."""
    tens, ones = divmod(i + 1, 10)
    return ("" if tens == 0 else "十" if tens == 1 else CN[tens - 1] + "十") + (CN[ones - 1] if ones else "")


def build(rng: random.Random, doc_id: str, fmt: str, genre: str, table: str, pages: int) -> Notice:
    """A notice of `genre` (notice, plan, points, progress); `table` is "", schedule, task or progress."""
    if genre == "progress":
        return _progress(rng, doc_id, fmt, pages)
    univ, abbr, domain = rng.choice(UNIVERSITIES)
    unit = rng.choice(UNITS)
    college, college_mail = rng.choice(COLLEGES)
    issuer = unit.full.format(U=univ, C=college)
    issued = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    topic = rng.choice(TOPICS[unit.domain])
    number = None
    if unit.number_word and rng.random() < 0.75:
        left, right = ("〔", "〕") if rng.random() < 0.8 else ("[", "]")
        number = f"{abbr}{unit.number_word}{left}{issued.year}{right}{rng.randint(1, 60)}号"
    addressee = rng.choice(unit.addressees) if genre == "notice" or rng.random() < 0.3 else None
    local = unit.mail.format(c=college_mail)
    mail = f"{local}@{domain}" if rng.random() < 0.75 else f"{domain.split('.')[0]}{local}@{rng.choice(['163.com', '126.com'])}"
    org = addressee.split("、")[0] if addressee else rng.choice(["各单位", "各党支部", "各学院（部）"])
    ctx = Ctx(rng, doc_id, issued, unit.domain, org, unit.short, mail)
    title = _title(rng, genre, topic, issued.year, issuer, unit.short)
    notice = Notice(doc_id, fmt, genre, title, issuer, issued, number, unit.red_header and number is not None,
                    addressee, pages_planned=pages, running_header=issuer)
    notice.date_text = cn_date(issued) if rng.random() < 0.1 else ymd(issued)
    if fmt in ("pdf", "docx"):
        gongwen = notice.red_header or (pages > 1 and rng.random() < 0.4)   # a 红头 file is never one page
        notice.layout = "gongwen" if gongwen else rng.choice(["plain12", "plain14"])
    body = Body(ctx, topic, pages * CHARS_PER_PAGE[notice.layout], abbr)
    {"notice": body.notice, "plan": body.plan, "points": body.points}[genre](table)
    notice.blocks, notice.appendix, notice.facts = body.blocks, body.appendix, ctx.facts
    notice.print_line = notice.red_header and rng.random() < 0.4
    if fmt == "html" or (fmt == "txt" and rng.random() < 0.25):
        notice.site = _site(rng, univ, college, unit.short, domain, issued, issuer)
    if fmt == "txt" and rng.random() < 0.3:
        notice.encoding = "gb18030"
    return notice


def _title(rng: random.Random, genre: str, topic: str, year: int, issuer: str, short: str) -> str:
    if genre == "plan":
        return rng.choice([f"{short}{year}年{topic}工作实施方案", f"{topic}工作实施方案"])
    if genre == "points":
        return rng.choice([f"{short}{year}年工作要点", f"{year}年{topic}工作要点"])
    return rng.choice([f"关于开展{year}年{topic}工作的通知", f"关于做好{year}年度{topic}工作的通知",
                       f"关于{topic}有关事项的通知", f"{short}关于开展{topic}工作的通知"])


class Body:
    """Writes the blocks of a notice until its length budget is spent."""

    def __init__(self, ctx: Ctx, topic: str, budget: int, abbr: str) -> None:
        self.ctx, self.topic, self.budget, self.abbr = ctx, topic, budget, abbr
        self.blocks: list[Block] = []
        self.appendix: list[Block] = []
        self.size = 0
        self.section = 0
        self.deck: list[str] = []
        self.names: set[str] = set()
        self.numbers = ctx.rng.sample(FILLER_NUMBERS, len(FILLER_NUMBERS))   # each at most once
        self.headings = [v + o for v in HEADING_VERBS for o in HEADING_OBJECTS]
        ctx.rng.shuffle(self.headings)

    def add(self, kind: str, text: str) -> None:
        self.blocks.append(Block(kind, text))
        self.size += len(text) + 20

    def h1(self, group: str) -> None:
        names = [n for n in SECTION_NAMES[group] + POINT_SECTIONS if n not in self.names]
        name = self.ctx.rng.choice([n for n in names if n in SECTION_NAMES[group]] or names or [self.heading()])
        self.names.add(name)
        self.add("h1", f"{cn_index(self.section)}、{name}")
        self.section += 1

    def filler(self, count: int) -> str:
        rng = self.ctx.rng
        out = []
        for _ in range(count):
            if rng.random() < 0.12 and self.numbers:
                out.append(self.numbers.pop().format(
                    n=rng.randint(2, 9), k=rng.randint(10, 60), y=self.ctx.issued.year - rng.randint(1, 3),
                    py=self.ctx.issued.year - 1,
                    T=self.topic, cite=rng.choice(CITED), abbr=self.abbr))
            elif rng.random() < 0.5:
                if not self.deck:
                    self.deck = rng.sample(FILLER, len(FILLER))
                out.append(self.deck.pop().format(T=self.topic, R=self.ctx.recipient))
            else:
                first, second = rng.sample(PROSE_ACTIONS, 2)
                out.append(f"{rng.choice(PROSE_SUBJECTS)}{first}，{second}，"
                           f"{rng.choice(PROSE_RESULTS).format(T=self.topic)}。")
        return "".join(out)

    def heading(self) -> str:
        """A sub-heading not used before in this notice."""
        return self.headings.pop() if len(self.headings) > 1 else self.headings[0]

    def paragraph(self, duties: Sequence[Callable[[Ctx], str]], filler: tuple[int, int] = (1, 3)) -> None:
        """Prose with the duties' sentences at random places (or a duty as its own paragraph)."""
        rng = self.ctx.rng
        sentences = [self.filler(1) for _ in range(rng.randint(*filler))]
        for duty in duties:
            sentences.insert(rng.randint(0, len(sentences)), duty(self.ctx))
        self.add("p", "".join(sentences))

    def schedule(self, table: str, least: int = 2) -> None:
        rng = self.ctx.rng
        if table == "schedule":
            self.add("p", "具体工作安排如下表：")
            self.blocks.append(Block("table", table=schedule_table(self.ctx, rng.randint(3, 7))))
            self.size += 400
            return
        after = self.ctx.issued
        headed = rng.random() < 0.25
        for index in range(rng.randint(least, least + 2)):
            if headed:
                text, after = window_heading(self.ctx, after)
                self.add("h2", f"（{cn_index(index)}）{text}")
                self.add("p", self.filler(rng.randint(1, 2)))
            else:
                text, after = window(self.ctx, after)
                self.add("p", text)

    def contact(self) -> None:
        rng = self.ctx.rng
        surname = rng.choice(SURNAMES)
        phone = f"{rng.choice(AREA_CODES)}-8{rng.randint(1000000, 9999999)}"
        address = f"{SURNAME_PINYIN[surname]}{rng.randint(10, 99)}@{self.ctx.email.split('@')[1]}"
        if rng.random() < 0.5:
            self.add("p", f"联系人：{surname}老师，联系电话：{phone}，电子邮箱：{address}。")
        else:
            self.add("p", f"联系人：{surname}老师，联系电话：{phone}。")

    def notice(self, table: str) -> None:
        rng = self.ctx.rng
        short = self.budget < 1000
        intro = rng.choice(FILLER_INTROS[:-1]).format(T=self.topic)   # the last one introduces a plan
        self.add("p", self.filler(0 if short else rng.randint(0, 1)) + intro)
        if not short:
            self.h1("goal")
            self.paragraph([], (2, 4))
        while self.size < self.budget * 0.55:
            self.h1("tasks")
            numbered = rng.random() < 0.5
            for index in range(rng.randint(2, 4) + self.budget // 3000):
                if numbered:
                    self.add("h3", f"{index + 1}.{self.heading()}")
                else:
                    self.add("h2", f"（{cn_index(index)}）{self.heading()}")
                self.paragraph([rng.choice([quota, recurring, deadline])] if rng.random() < 0.5 else [], (2, 5))
        self.h1("schedule")
        self.schedule(table, 1 if short else 2)
        self.h1("submit")
        self.paragraph([deadline] + ([email] if rng.random() < 0.3 else []), (0, 1))
        if not short and rng.random() < 0.4:
            self.add("p", materials(self.ctx))
        self.h1("rules")
        while True:
            duty = [rng.choice([quota, quota, recurring, meeting, grant])] if rng.random() < 0.6 else []
            self.paragraph(duty, (1, 2) if short else (2, 4))
            if self.size >= self.budget * 0.9:
                break
        if rng.random() < 0.6:
            self.contact()
        self.add("p", "特此通知。")

    def plan(self, table: str) -> None:
        rng = self.ctx.rng
        short = self.budget < 1000
        self.add("p", self.filler(0 if short else 1) + FILLER_INTROS[-1].format(T=self.topic))
        self.h1("goal")
        self.paragraph([], (1, 2) if short else (3, 5))
        self.h1("tasks")
        index = 0
        while index < (1 if short else 2) or self.size < self.budget * 0.7:
            if index == 6:
                self.h1("tasks")
                index = 0
            self.add("h2", f"（{cn_index(index)}）{self.heading()}")
            duty = rng.choice([quota, recurring, deadline, quota, grant])
            self.paragraph([duty] if rng.random() < 0.7 else [], (2, 5))
            index += 1
        self.h1("schedule")
        self.schedule(table, 1 if short else 2)
        self.h1("rules")
        while True:
            self.paragraph([recurring] if rng.random() < 0.4 else [], (1, 2) if short else (2, 4))
            if self.size >= self.budget * 0.95:
                break

    def points(self, table: str) -> None:
        rng = self.ctx.rng
        short = self.budget < 1000
        self.add("p", self.filler(1 if short else 2))
        item = 0
        names = rng.sample(POINT_SECTIONS, len(POINT_SECTIONS))
        while self.section < (1 if short else 2) or self.size < self.budget * (0.6 if table else 0.95):
            self.add("h1", f"{cn_index(self.section)}、{names[self.section % len(names)]}")
            self.section += 1
            for _ in range(2 if short else rng.randint(2, 4) + self.budget // 2400):
                item += 1
                duty = rng.choice([deadline, quota, recurring, deadline])
                text = f"{item}.{self.heading()}。" + self.filler(rng.randint(1, 3))
                self.add("p", text + (duty(self.ctx) if rng.random() < 0.5 else ""))
        if table == "task":
            self.add("p", "附件：重点任务分解表")
            rows = max(4, (self.budget - self.size) // 110)
            self.appendix = [Block("p", "附件"), Block("title", "重点任务分解表"),
                             Block("table", table=task_table(self.ctx, min(rows, 40)))]


def _site(rng: random.Random, univ: str, college: str, short: str, domain: str, issued: dt.date,
          issuer: str) -> Site:
    name = f"{univ}{college}" if short == "学院党委" else f"{univ}{short}"
    items = []
    day = issued
    for template in rng.sample(SIDEBAR, 6):   # newest first, as a site lists them
        day -= dt.timedelta(days=rng.randint(2, 12))
        items.append((template.format(y=day.year, n=rng.randint(3, 15)), day.isoformat()))
    mail = f"{rng.choice(['webmaster', 'office', 'news'])}@{domain}"
    publisher = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
    return Site(name, mail, "通知公告", items, rng.randrange(2), rng.choice([issuer, short]), publisher,
                f"{univ}{rng.choice(['行政楼', '办公楼', '综合楼'])}{rng.randint(1, 9)}层")


def _progress(rng: random.Random, doc_id: str, fmt: str, pages: int) -> Notice:
    as_of = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    lead = rng.choice(PROGRESS_ORGS)
    title = rng.choice([f"{lead}为师生办实事工作进展", f"{as_of.year}年{lead}重点工作进展",
                        f"{lead}{as_of.year}年度重点任务进展表"])
    rows = max(3, min(300, pages * ROWS_PER_PAGE - rng.randint(0, 4)))
    table, facts = progress_table(rng, doc_id, as_of, rows)
    notice = Notice(doc_id, fmt, "progress", title, None, None, None, False, None,
                    blocks=[Block("table", table=table)], facts=facts, as_of=as_of, landscape=True,
                    pages_planned=pages, layout="plain12")
    return notice

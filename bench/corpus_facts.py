"""Deadline and period sentences for the synthetic corpus, each with the gold facts it holds (seeds.jsonl format).

Every generator writes one sentence in the way real notices phrase a deadline, a period, a recurring duty,
a quota or a submission e-mail, and records its facts in `Ctx.facts`: the key value (due date with the year
of the notice, time, window, per, value/unit/comparator, e-mail) and 1-2 keywords taken from the clause that
holds the value. Readings a careful reader might or might not take as a fact are recorded as optional.
"""
from __future__ import annotations

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from corpus_words import CN_DIGITS, DOCS, PLACES, STAGES, SYSTEMS, TASKS, WEEKDAYS

Fact = dict[str, Any]
# (how a time is written, the HH:MM it means)
TIMES = [("17:00", "17:00"), ("17∶00", "17:00"), ("下午5时", "17:00"), ("下午5点", "17:00"), ("12:00", "12:00"),
         ("上午10时", "10:00"), ("16:30", "16:30"), ("下午3点", "15:00"), ("上午11时", "11:00")]
RANGE_DASHES = ["—", "-", "～", "至"]
QUALIFIERS = ["专项", "补充", "汇总", "重点", "分项", "总体", "修订", "综合"]
DEADLINE_FORMS = ["submit", "time_email", "paper_weekday", "cutoff_label", "month_end", "xun", "date_first",
                  "midnight", "system", "cutoff_date", "no_later", "mailbox_paren"]
WINDOW_FORMS = ["ymd_to_md", "period_is", "stage_colon", "months", "dates_colon", "day_range", "times"]


@dataclass
class Ctx:
    """What the sentences of one notice share: its dates, actor, recipient, e-mail and keywords used."""

    rng: random.Random
    doc: str
    issued: dt.date
    domain: str
    org: str            # who must act, as the notice names it: 各党支部
    recipient: str      # the issuing unit as a recipient: 党委组织部
    email: str
    used: set[str] = field(default_factory=set)
    facts: list[Fact] = field(default_factory=list)
    form: str = ""      # the template a fact comes from (kept in the gold as "form", for the analysis)

    def take(self, pool: list[str]) -> str:
        """A word of the pool that is not (and does not contain, nor sit inside) a keyword used already; when
        a long notice has used them all, the word with a qualifier (专项自查报告)."""
        free = [w for w in pool if not any(w in u or u in w for u in self.used)]
        if not free:
            free = [q + w for q in QUALIFIERS for w in pool if q + w not in self.used]
        word = self.rng.choice(free)
        self.used.add(word)
        return word

    def future(self, lo: int, hi: int) -> dt.date:
        return self.issued + dt.timedelta(days=self.rng.randint(lo, hi))

    def md(self, d: dt.date) -> str:
        """5月20日 in the notice's year, else with the year written."""
        return f"{d.month}月{d.day}日" if d.year == self.issued.year else ymd(d)

    def add(self, kind: str, keywords: list[str], **values: Any) -> None:
        fact: Fact = {"type": kind, "doc": self.doc}
        fact.update({k: v for k, v in values.items() if v is not None})
        fact["keywords"] = keywords
        fact["form"] = self.form
        self.facts.append(fact)


def ymd(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_date(d: dt.date) -> str:
    """二〇二四年三月八日, as some signatures write the date."""
    digits = "〇一二三四五六七八九"
    return "".join(digits[int(c)] for c in str(d.year)) + f"年{cn_number(d.month)}月{cn_number(d.day)}日"


def cn_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else "十" if tens == 1 else CN_DIGITS[tens] + "十") + (CN_DIGITS[ones] if ones else "")


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def cn_count(n: int) -> str:
    """一, 两, 三 … 十 as a count before a measure word."""
    return "两" if n == 2 else ("十" if n == 10 else CN_DIGITS[n])


def _org_attr(org: str) -> str | None:
    return org if org.startswith("各") else None


# --- deadlines --------------------------------------------------------------------------------------

def deadline(ctx: Ctx) -> str:
    """请…于X月X日前将…报送…, …17:00前…发送至…, 截止时间：…, X月底前, 中旬前, 24:00前."""
    doc = ctx.take(DOCS[ctx.domain])
    d = ctx.future(6, 75)
    variant = ctx.rng.randrange(12)
    ctx.form = f"deadline.{DEADLINE_FORMS[variant]}"
    if variant in (1, 2, 3, 7, 8, 11):
        return _timed_deadline(ctx, variant, doc, d)
    return _dated_deadline(ctx, variant, doc, d)


def _dated_deadline(ctx: Ctx, variant: int, doc: str, d: dt.date) -> str:
    rng, org, rec = ctx.rng, ctx.org, ctx.recipient
    if variant == 9:
        ctx.add("deadline", [doc], due=d.isoformat())
        return f"{doc}截止日期{ctx.md(d)}，逾期不予受理。"
    if variant == 10:
        ctx.add("deadline", [doc], due=d.isoformat(), recipient=rec)
        return rng.choice([f"{doc}应不迟于{ctx.md(d)}报送{rec}。", f"{org}最迟于{ctx.md(d)}之前将{doc}报{rec}。"])
    if variant == 0:
        ctx.add("deadline", [doc], due=d.isoformat(), recipient=rec, org=_org_attr(org))
        return f"请{org}于{ctx.md(d)}前将{doc}报送{rec}。"
    if variant == 4:
        end = last_day(d.year, d.month)
        month = f"{d.month}月" if d.year == ctx.issued.year else f"{d.year}年{d.month}月"
        ctx.add("deadline", [doc], due=end.isoformat(), org=_org_attr(org))
        return f"{org}要在{month}底前完成{doc}的报送工作。"
    if variant == 5:
        later = ctx.future(40, 90)
        part, day = rng.choice([("上旬", 10), ("中旬", 20)])
        due = dt.date(later.year, later.month, day)
        month = f"{later.month}月" if later.year == ctx.issued.year else f"{later.year}年{later.month}月"
        ctx.add("deadline", [doc], due=due.isoformat(), recipient=rec)
        return f"{doc}须于{month}{part}前报送{rec}。"
    task = ctx.take(TASKS)
    ctx.add("deadline", [doc], due=d.isoformat(), recipient=rec)
    return f"{ctx.md(d)}前，{org}完成{task}工作，并将{doc}报{rec}备案。"


def _timed_deadline(ctx: Ctx, variant: int, doc: str, d: dt.date) -> str:
    rng, org, rec = ctx.rng, ctx.org, ctx.recipient
    if variant == 11:
        written, hhmm = rng.choice(TIMES[:5])
        local, domain = ctx.email.split("@")
        shown = rng.choice([ctx.email, ctx.email, f"{local}＠{domain}", f"{local}@ {domain}"])
        ctx.add("deadline", [doc], due=d.isoformat(), time=hhmm)
        ctx.add("email", [doc], email=ctx.email)
        return f"请于{ctx.md(d)}{written}前将{doc}电子版发送至{rec}专用邮箱（{shown}）。"
    if variant == 1:
        written, hhmm = rng.choice(TIMES)
        ctx.add("deadline", [doc], due=d.isoformat(), time=hhmm)
        ctx.add("email", [doc], email=ctx.email)
        return f"{org}须于{ctx.md(d)}{written}前将{doc}电子版发送至{ctx.email}，逾期不予受理。"
    if variant == 2:
        written, hhmm = rng.choice(TIMES[2:6])
        copies = rng.randint(2, 3)
        place = rng.choice(PLACES).format(n=rng.randint(101, 520))
        ctx.add("deadline", [doc], due=d.isoformat(), time=hhmm)
        ctx.add("quota", [doc], value=copies, unit="份", cmp="=", optional=True)
        return (f"请于{ctx.md(d)}（星期{WEEKDAYS[d.weekday()]}）{written}前将{doc}纸质版（加盖公章）"
                f"一式{cn_count(copies)}份交至{place}。")
    if variant == 3:
        written, hhmm = rng.choice(TIMES[:2] + [("", "")])
        ctx.add("deadline", [doc], due=d.isoformat(), time=hhmm or None)
        return f"{doc}提交截止时间：{ymd(d)}{written}。"
    if variant == 7:
        system = rng.choice(SYSTEMS)
        ctx.add("deadline", [doc], due=d.isoformat(), time="23:59")
        return f"请于{ctx.md(d)}24:00前通过{system}提交{doc}。"
    written, hhmm = rng.choice(TIMES[:5])
    ctx.add("deadline", [doc], due=d.isoformat(), time=hhmm, org=_org_attr(org))
    return f"{org}于{ctx.md(d)}{written}前登录{rng.choice(SYSTEMS)}完成{doc}填报。"


# --- windows ----------------------------------------------------------------------------------------

def window_dates(ctx: Ctx, after: dt.date) -> tuple[dt.date, dt.date]:
    start = after + dt.timedelta(days=ctx.rng.randint(1, 20))
    return start, start + dt.timedelta(days=ctx.rng.randint(5, 45))


def window(ctx: Ctx, after: dt.date | None = None) -> tuple[str, dt.date]:
    """A period of the schedule: 2024年3月1日至3月31日，…; …时间为…至…; 2024年4月至6月，…. Returns the
    sentence and the period's last day (the next stage starts after it)."""
    rng = ctx.rng
    stage = ctx.take(STAGES[ctx.domain])
    start, end = window_dates(ctx, after or ctx.issued)
    dash = rng.choice(RANGE_DASHES)
    variant = rng.randrange(7)
    if variant == 5 and start.day >= 25:
        variant = 0
    ctx.form = f"window.{WINDOW_FORMS[variant]}"
    if variant == 5:
        end = start.replace(day=rng.randint(start.day + 2, min(28, start.day + 12)))
        ctx.add("window", [stage], start=start.isoformat(), end=end.isoformat())
        day_range = f"{start.month}月{start.day}日－{end.day}日"
        day_range = day_range if start.year == ctx.issued.year else f"{start.year}年{day_range}"
        return f"{day_range}，{stage}，{rng.choice(STAGE_TAILS)}。", end
    if variant == 6:
        ctx.add("window", [stage], start=start.isoformat(), end=end.isoformat())
        colon = rng.choice([":", "∶"])
        return f"{stage}集中办理时间为{ctx.md(start)}9{colon}00至{ctx.md(end)}17{colon}00。", end
    variant %= 5
    if variant == 3:
        end_month = min(12, start.month + rng.randint(1, 3))
        start, end = dt.date(start.year, start.month, 1), last_day(start.year, end_month)
        ctx.add("window", [stage], start=start.isoformat(), end=end.isoformat())
        months = f"{start.year}年{start.month}月" + (f"至{end_month}月" if end_month > start.month else "")
        return f"{months}，{stage}，{rng.choice(STAGE_TAILS)}。", end
    ctx.add("window", [stage], start=start.isoformat(), end=end.isoformat())
    if variant == 0:
        return f"{ymd(start)}至{ctx.md(end)}，{stage}，{rng.choice(STAGE_TAILS)}。", end
    if variant == 1:
        return f"{stage}时间为{ymd(start)}{dash}{ymd(end)}。", end
    if variant == 2:
        return f"{stage}阶段：{ctx.md(start)}{dash}{ctx.md(end)}。", end
    return f"{ctx.md(start)}{dash}{ctx.md(end)}：{stage}，{rng.choice(STAGE_TAILS)}。", end


STAGE_TAILS = ["各单位认真制定工作方案", "各单位对照要求逐项落实", "学校组织专家进行评议",
               "各单位做好过程记录和材料归档", "有关部门加强督促指导", "形成书面材料"]


def window_heading(ctx: Ctx, after: dt.date) -> tuple[str, dt.date]:
    """（一）动员部署阶段（3月1日—3月15日）: a heading that is itself a period."""
    stage = ctx.take(STAGES[ctx.domain])
    start, end = window_dates(ctx, after)
    ctx.form = "window.heading"
    ctx.add("window", [stage], start=start.isoformat(), end=end.isoformat())
    return f"{stage}阶段（{ctx.md(start)}—{ctx.md(end)}）", end



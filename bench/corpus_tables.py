"""Tables of the synthetic corpus with their gold facts: schedule tables and task tables inside notices,
and stand-alone progress tables (工作进展表) whose rows become `progress` facts."""
from __future__ import annotations

import datetime as dt
import random

from corpus_facts import Ctx, last_day, ymd
from corpus_model import Fact, Table
from corpus_words import (
    CAMPUSES,
    DOCS,
    MEASURES,
    PROGRESS_CATEGORIES,
    PROGRESS_ITEMS,
    PROGRESS_ORGS,
    TASK_ITEMS,
)

SCHEDULE_WIDTHS = [2.0, 1.0, 5.2, 4.4, 3.0]
TASK_WIDTHS = [1.2, 3.2, 4.8, 2.2, 2.2, 2.0]
PROGRESS_WIDTHS = [2.4, 1.3, 2.8, 4.8, 2.2, 2.2, 2.2, 8.2]   # as the 000 sample
PHASES = ["第一阶段", "第二阶段", "第三阶段", "第四阶段", "第五阶段", "第六阶段"]
VERBS = ["报送", "提交", "完成", "汇总上报"]
CN_ORDINALS = "一二三四五六七八九十"


def schedule_table(ctx: Ctx, rows: int) -> Table:
    """阶段 (merged over its rows) | 序号 | 工作内容 | 时间安排 | 责任单位: each row a window or a deadline."""
    rng = ctx.rng
    ctx.form = "table.schedule"
    cells: list[list[str]] = []
    cursor = ctx.issued
    phase = 0
    for index in range(rows):
        if index and rng.random() < 0.5 and phase < len(PHASES) - 1:
            phase += 1
        doc = ctx.take(DOCS[ctx.domain])
        content = f"{rng.choice(VERBS)}{doc}"
        start = cursor + dt.timedelta(days=rng.randint(2, 12))
        if rng.random() < 0.5:
            end = start + dt.timedelta(days=rng.randint(5, 20))
            when = f"{ctx.md(start)}—{ctx.md(end)}"
            ctx.add("window", [doc], start=start.isoformat(), end=end.isoformat())
        else:
            end = start
            when = f"{ctx.md(end)}前"
            ctx.add("deadline", [doc], due=end.isoformat())
        cursor = end
        who = rng.choice([ctx.org, ctx.recipient])
        cells.append([PHASES[phase], str(index + 1), content, when, who])
    return Table(["阶段", "序号", "工作内容", "时间安排", "责任单位"], cells, SCHEDULE_WIDTHS, merge_col=0)


def task_table(ctx: Ctx, rows: int) -> Table:
    """序号 | 重点任务 | 具体措施 | 牵头单位 | 配合单位 | 完成时限, as in a 工作要点's 任务分解表."""
    rng = ctx.rng
    ctx.form = "table.task"
    cells = []
    for index in range(rows):
        task = ctx.take(TASK_ITEMS)
        lead, partner = rng.sample(PROGRESS_ORGS, 2)
        cells.append([str(index + 1), task, rng.choice(MEASURES), lead, partner, _task_limit(ctx, task)])
    return Table(["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"], cells, TASK_WIDTHS)


def _task_limit(ctx: Ctx, task: str) -> str:
    rng, year = ctx.rng, ctx.issued.year
    kind = rng.randrange(6)
    if kind in (0, 1):
        d = ctx.future(20, 300)
        end = last_day(d.year, d.month)
        ctx.add("deadline", [task], due=end.isoformat())
        return f"{d.month}月底前" if d.year == year else f"{d.year}年{d.month}月底前"
    if kind == 2:
        d = ctx.future(20, 300)
        ctx.add("deadline", [task], due=d.isoformat())
        return f"{ctx.md(d)}前"
    if kind == 3:
        per, text = rng.choice([("semester", "每学期"), ("quarter", "每季度"), ("month", "每月")])
        ctx.add("recurring", [task], per=per)
        return text
    if kind == 4:
        ctx.add("window", [task], start=f"{year}-01-01", end=f"{year}-12-31", optional=True)
        return "全年"
    return rng.choice(["长期坚持", "持续推进"])


def progress_table(rng: random.Random, doc: str, as_of: dt.date, rows: int) -> tuple[Table, list[Fact]]:
    """A 工作进展表 like the 000 sample: 项目类别 merged down its rows, 截至…完成情况 as the last column."""
    year = as_of.year
    categories = rng.sample(PROGRESS_CATEGORIES, min(len(PROGRESS_CATEGORIES), max(1, rows // 6 + 1)))
    names = [f"{c}{i}{phase}" for i in PROGRESS_ITEMS for c in [""] + CAMPUSES for phase in ("", "（续建）")]
    items = rng.sample(names, rows)
    cells, facts = [], []
    bounds = sorted(rng.sample(range(1, rows), len(categories) - 1)) if rows > len(categories) else []
    for seq, item in enumerate(items, start=1):
        cat_index = sum(seq > b for b in bounds)
        category = f"{CN_ORDINALS[cat_index]}、{categories[cat_index]}"
        lead = rng.choice(PROGRESS_ORGS)
        partners = rng.sample([o for o in PROGRESS_ORGS if o != lead] + ["各学院", "分院"], rng.choice([0, 0, 1, 2]))
        period, start, end = _period(rng, year, as_of)
        status, status_text = _status(rng)
        description = "，".join(rng.sample(MEASURES, rng.randint(1, 2)))
        cells.append([category, str(seq), item, description, lead, "、".join(partners), period, status_text])
        facts.append({"type": "progress", "doc": doc, "seq": seq, "item": item, "lead_org": lead,
                      "partner_orgs": partners, "period_start": start, "period_end": end, "status": status,
                      "category": category, "as_of": as_of.isoformat()})
    header = ["项目类别", "序号", "项目名称", "活动说明", "主责部门", "协同部门", "开展时间", f"截至{ymd(as_of)}完成情况"]
    return Table(header, cells, PROGRESS_WIDTHS, merge_col=0), facts


def _period(rng: random.Random, year: int, as_of: dt.date) -> tuple[str, str | None, str | None]:
    kind = rng.randrange(5)
    m1 = rng.randint(1, max(1, as_of.month))
    if kind == 0:
        return f"{year}年{m1}月", f"{year}-{m1:02d}-01", last_day(year, m1).isoformat()
    if kind == 1:
        return "全年", f"{year}-01-01", f"{year}-12-31"
    if kind == 2 and m1 < 12:
        m2 = rng.randint(m1 + 1, 12)
        return f"{year}年{m1}月-{m2}月", f"{year}-{m1:02d}-01", last_day(year, m2).isoformat()
    if kind == 3:
        m2 = rng.randint(1, 6)
        return (f"{year}年{m1}月-{year + 1}年{m2}月", f"{year}-{m1:02d}-01", last_day(year + 1, m2).isoformat())
    return "", None, None


STATUS_TEXTS = [
    ("done", "完成。已{m}。"), ("done", "已完成。"), ("done", "完成。{m}，相关工作已全部落实。"),
    ("in_progress", "进行中。正在{m}。"), ("in_progress", "持续推进中。{m}。"),
    ("partial", "取得阶段性成果。已{m}，后续工作按计划开展。"), ("not_started", "尚未开展，待条件具备后启动。"),
    ("delayed", "延期。受客观因素影响，工作进度有所滞后。"),
]


def _status(rng: random.Random) -> tuple[str, str]:
    status, text = rng.choices(STATUS_TEXTS, weights=[4, 2, 2, 3, 2, 2, 1, 1])[0]
    return status, text.format(m=rng.choice(MEASURES))

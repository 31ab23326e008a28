"""Recurring duties, quotas, submission e-mails and the softer sentences (meetings, grants) of the synthetic
corpus, each with the gold facts it holds; see corpus_facts for the conventions."""
from __future__ import annotations

import datetime as dt

from corpus_facts import RANGE_DASHES, TIMES, Ctx, cn_count, last_day
from corpus_words import ACTIVITIES, AUDIENCES, DOCS, ITEMS, PLACES, PROJECTS, REPORTS, WEEKDAYS

# --- recurring duties -------------------------------------------------------------------------------

def recurring(ctx: Ctx) -> str:
    """每月最后一个工作日…, 每季度末…, 每半年…一次, 每年X月X日前…, 每月X日前…, 每周X下午…."""
    rng, org, rec = ctx.rng, ctx.org, ctx.recipient
    report = ctx.take(REPORTS)
    variant = rng.randrange(6)
    ctx.form = "recurring." + ["last_workday", "quarter_end", "half_year", "yearly_date", "monthly_day", "weekly"][variant]
    if variant == 0:
        ctx.add("recurring", [report], per="month", recipient=rec, rrule_contains="BYSETPOS=-1")
        return f"{org}于每月最后一个工作日前向{rec}报送{report}。"
    if variant == 1:
        ctx.add("recurring", [report], per="quarter", recipient=rec)
        first = last_day(ctx.issued.year, (ctx.issued.month + 2) // 3 * 3)
        ctx.add("deadline", [report], due=first.isoformat(), optional=True)
        return f"每季度末，{org}要向{rec}报告{report}。"
    if variant == 2:
        audience = rng.choice(AUDIENCES[ctx.domain])
        ctx.add("recurring", [report], per="half-year", recipient=rec)
        ctx.add("quota", [report], value=1, unit="次", cmp="=", per="half-year", optional=True)
        return f"{audience}每半年向{rec}书面报告一次{report}。"
    if variant == 3:
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        due = dt.date(ctx.issued.year, month, day)
        due = due if due >= ctx.issued else dt.date(ctx.issued.year + 1, month, day)
        ctx.add("deadline", [report], due=due.isoformat(), recipient=rec)
        ctx.add("recurring", [report], per="year", optional=True)
        return f"每年{month}月{day}日前，{org}向{rec}报送上一年度{report}。"
    if variant == 4:
        day = rng.randint(3, 10)
        ctx.add("recurring", [report], per="month")
        first = ctx.issued.replace(day=day) if ctx.issued.day <= day else \
            (ctx.issued.replace(day=1) + dt.timedelta(days=32)).replace(day=day)
        ctx.add("deadline", [report], due=first.isoformat(), optional=True)
        return f"{org}实行月报制度，每月{day}日前向{rec}报送上月{report}。"
    activity = ctx.take([a for a, _ in ACTIVITIES[ctx.domain]])
    ctx.add("recurring", [activity], per="week")
    return f"每周{WEEKDAYS[rng.randrange(5)]}下午为{activity}时间，{rng.choice(RECUR_TAILS)}。"


RECUR_TAILS = ["原则上不安排其他活动", "由各单位统筹组织", "各单位要做好考勤记录"]


# --- quotas -----------------------------------------------------------------------------------------

QUOTA_FORMS = ["study", "study", "study", "max_chars", "recommend", "percent", "projects", "publicity_days",
               "reply_days", "monthly_once", "materials", "chars_range", "video", "team"]


def quota(ctx: Ctx) -> str:
    """不少于N学时/次/篇, 不超过N字, 推荐N—M个, 控制在N%左右, N个工作日内, 每月开展一次…."""
    variant = ctx.rng.randrange(14)
    if variant == 10 and "照片" in ctx.used:
        variant = 3
    if variant == 12 and "视频" in ctx.used:
        variant = 13
    ctx.form = "quota." + QUOTA_FORMS[variant]
    if variant in (0, 1, 2):
        return _study(ctx)
    if variant in (3, 4, 6, 7, 8):
        return _limit(ctx, variant)
    if variant in (5, 9):
        return _rate(ctx, variant)
    if variant >= 11:
        return _quota_more(ctx, variant)
    return materials(ctx)


def _study(ctx: Ctx) -> str:
    """An audience's yearly or per-semester hours, times or articles: 党员每年…不少于32学时."""
    rng, dom = ctx.rng, ctx.domain
    activity, unit = rng.choice([a for a in ACTIVITIES[dom] if a[0] not in ctx.used] or ACTIVITIES[dom])
    ctx.used.add(activity)
    audience = rng.choice(AUDIENCES[dom])
    per, word = rng.choice([("year", "每年"), ("semester", "每学期"), ("year", "全年")])
    timed = unit in ("学时", "小时", "天")
    n = rng.choice([2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 56]) if unit in ("学时", "小时") \
        else rng.randint(1, 6)
    number = cn_count(n) if not timed and n <= 4 and rng.random() < 0.5 else str(n)
    bound = rng.choice(["不少于", "至少"])
    ctx.add("quota", [activity], value=n, unit=unit, cmp=">=", per=per, audience=audience)
    if bound == "至少":
        verb = {"篇": "撰写", "次": "开展", "场": "组织"}.get(unit, "参加")
        return f"{audience}{word}至少{verb}{activity}{number}{unit}。"
    if timed:
        return f"{audience}{word}参加{activity}的时间不少于{number}{unit}。"
    return f"{audience}{word}{activity}不少于{number}{unit}。"


def _limit(ctx: Ctx, variant: int) -> str:
    """Caps and ranges: 字数不超过, 可推荐N—M个, 不超过N项, 公示期不少于N个工作日, N个工作日内反馈."""
    rng, dom = ctx.rng, ctx.domain
    if variant == 3:
        doc = ctx.take(DOCS[dom])
        n = rng.choice([800, 1000, 1500, 2000, 3000, 5000])
        ctx.add("quota", [doc], value=n, unit="字", cmp="<=")
        return rng.choice([f"{doc}字数不超过{n}字。", f"{doc}字数控制在{n}字以内。", f"{doc}篇幅一般不超过{n}字。"])
    if variant == 4:
        item, measure = _item(ctx)
        a = rng.randint(1, 3)
        b = a + rng.randint(1, 2)
        ctx.add("quota", [item], value=a, value_max=b, unit=measure, cmp="range")
        return f"每个单位可择优推荐{a}{rng.choice(RANGE_DASHES)}{b}{measure}{item}。"
    if variant == 6:
        project = ctx.take(PROJECTS)
        n = rng.randint(2, 5)
        ctx.add("quota", [project], value=n, unit="项", cmp="<=")
        return f"每个单位申报{project}原则上不超过{n}项。"
    if variant == 7:
        item, _ = _item(ctx)
        n = rng.choice([3, 5, 7])
        ctx.add("quota", [item], value=n, unit="工作日", cmp=">=")
        return f"{item}名单公示期不少于{n}个工作日。"
    doc = ctx.take(DOCS[dom])
    n = rng.choice([3, 5, 10])
    ctx.add("quota", [doc], value=n, unit="工作日", cmp="<=")
    return f"{ctx.recipient}将在收到{doc}后{n}个工作日内反馈审核意见。"


def _rate(ctx: Ctx, variant: int) -> str:
    """A share (控制在N%左右, 不超过N%) or a monthly count (每月开展一次…)."""
    rng, dom = ctx.rng, ctx.domain
    if variant == 5:
        n = rng.choice([10, 15, 20, 25, 30, 40])
        word = ctx.take(["优秀", "最佳", "一等奖", "示范"])
        if rng.random() < 0.5:
            ctx.add("quota", [word], value=n, unit="%", cmp="~")
            return f"评为“{word}”的比例原则上控制在{n}%左右。"
        ctx.add("quota", [word], value=n, unit="%", cmp="<=")
        return f"“{word}”等次比例不超过参评总数的{n}%。"
    activity, _ = rng.choice([a for a in ACTIVITIES[dom] if a[1] == "次" and a[0] not in ctx.used]
                             or [("专题学习", "次")])
    ctx.used.add(activity)
    ctx.add("quota", [activity], value=1, unit="次", cmp=["=", ">="], per="month")
    ctx.add("recurring", [activity], per="month", optional=True)
    return f"{ctx.org}每月开展{rng.choice(['一', '1'])}次{activity}。"


def _item(ctx: Ctx) -> tuple[str, str]:
    word = ctx.take([w for w, _ in ITEMS[ctx.domain]])
    units = dict(ITEMS[ctx.domain])
    return word, units.get(word) or next(u for w, u in ITEMS[ctx.domain] if word.endswith(w))  # 专项自查报告: 自查报告


def materials(ctx: Ctx) -> str:
    """The materials sentence of a call (字数不超过…，可推荐…个，每个…字，附…张照片): one quota per clause."""
    rng = ctx.rng
    ctx.form = "quota.materials"
    part = ctx.take(["基本情况", "工作成效", "主要做法", "经验启示"])
    item = ctx.take(["典型案例", "特色做法", "优秀案例"])
    n = rng.choice([800, 1000, 1500, 2000])
    a, c = rng.randint(1, 2), rng.choice([300, 500, 800])
    b, d = a + 1, c + rng.choice([200, 500, 700])
    e = rng.randint(2, 4)
    ctx.used.update({"照片"})
    ctx.add("quota", [part], value=n, unit="字", cmp="<=")
    ctx.add("quota", [item], value=a, value_max=b, unit="个", cmp="range")
    ctx.add("quota", [f"每个{item[-2:]}"], value=c, value_max=d, unit="字", cmp="range", per="item")
    ctx.add("quota", ["照片"], value=e, value_max=e + 1, unit="张", cmp="range")
    return (f"其中，“{part}”部分字数不超过{n}字；“{item}”可择优推荐{a}—{b}个，每个{item[-2:]}{c}—{d}字，"
            f"并附{e}—{e + 1}张与主题相关的工作照片。")


# --- e-mails and distractors ------------------------------------------------------------------------

def email(ctx: Ctx) -> str:
    """A submission channel on its own: …电子版请发送至…邮箱xxx@yyy.edu.cn."""
    doc = ctx.take(DOCS[ctx.domain])
    ctx.form = "email.alone"
    ctx.add("email", [doc], email=ctx.email)
    if ctx.rng.random() < 0.5:
        return f"{doc}电子版请发送至{ctx.recipient}邮箱{ctx.email}。"
    return f"{doc}电子版发送至：{ctx.email}，邮件主题请注明“单位名称+{doc}”。"


def _quota_more(ctx: Ctx, variant: int) -> str:
    """篇幅N—M字, 视频时长不超过N分钟, 团队人数不超过N人，指导教师不超过N名."""
    rng = ctx.rng
    if variant == 11:
        doc = ctx.take(DOCS[ctx.domain])
        a = rng.choice([1000, 1500, 2000, 3000])
        b = a + rng.choice([1000, 2000])
        ctx.add("quota", [doc], value=a, value_max=b, unit="字", cmp="range")
        return f"{doc}篇幅{a}{rng.choice(RANGE_DASHES[:3])}{b}字，格式规范，内容翔实。"
    if variant == 12:
        ctx.used.add("视频")
        n = rng.choice([3, 5, 8, 10, 15])
        ctx.add("quota", ["视频"], value=n, unit="分钟", cmp="<=")
        return f"作品可附展示视频，视频时长不超过{n}分钟。"
    team = ctx.take(["参赛团队", "项目团队", "申报团队", "实践小组"])
    n, m = rng.randint(3, 8), rng.randint(1, 3)
    ctx.add("quota", [team], value=n, unit="人", cmp="<=")
    if "指导教师" in ctx.used:
        return f"每个{team}人数不超过{n}人。"
    ctx.used.add("指导教师")
    ctx.add("quota", ["指导教师"], value=m, unit="名", cmp="<=")
    return f"每个{team}人数不超过{n}人，指导教师不超过{m}名。"


def meeting(ctx: Ctx) -> str:
    """A meeting the addressees attend: a date (and time) that is an event, recorded as an optional fact."""
    rng = ctx.rng
    d = ctx.future(5, 40)
    written, hhmm = rng.choice(TIMES[2:6] + [("上午9:00", "09:00"), ("下午2:30", "14:30")])
    name = ctx.take(["工作推进会", "专题培训会", "工作布置会", "经验交流会"])
    place = rng.choice(PLACES).format(n=rng.randint(101, 520))
    ctx.form = "meeting"
    ctx.add("deadline", [name], due=d.isoformat(), time=hhmm, optional=True)
    return f"{ctx.md(d)}{written}，{ctx.recipient}将在{place}召开{name}，请{ctx.org}分管负责同志参加。"


def grant(ctx: Ctx) -> str:
    """A grant amount (300元): a quantity some would call a quota, recorded as an optional fact."""
    rng = ctx.rng
    n = rng.choice([300, 500, 1000, 2000, 5000])
    who = ctx.take(["党支部", "立项项目", "实践团队", "建设单位"])
    ctx.form = "grant"
    ctx.add("quota", [who], value=n, unit="元", cmp="=", optional=True)
    return f"学校为每个{who}提供{n}元工作经费，经费使用须严格执行财务管理有关规定。"

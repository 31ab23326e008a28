"""Extraction: quantities, parties and whole requirement rows, on tables of real notice phrases."""
from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from pipeline.extract import Context, extract, parties
from pipeline.extract.quantities import find_quantities
from pipeline.model import BlockKind, Format, RawBlock, RawDocument, Requirement
from pipeline.nlp import Tagger
from pipeline.normalize import normalize, normalize_text
from pipeline.rules import Rules
from pipeline.segment import segment
from pipeline.stages import process_file


@pytest.mark.parametrize("phrase, expected", [
    ("党员每年集中学习时间一般不少于32学时", [(32, None, "学时", ">=")]),
    ("每年至少专题研究2次意识形态工作", [(2, None, "次", ">=")]),
    ("“基本情况”字数不超过1000字", [(1000, None, "字", "<=")]),
    ("“特色案例”可择优推荐1—2个", [(1, 2, "个", "range")]),
    ("每个案例300—500字", [(300, 500, "字", "range")]),
    ("“最佳方案”比例控制在30%左右", [(30, None, "%", "~")]),
    ("保证每人集中学习培训时间不少于2天半", [(2.5, None, "天", ">=")]),
    ("一般性信息要在3天内报送", [(3, None, "天", "<=")]),
    ("重大信息2小时内报送", [(2, None, "小时", "<=")]),
    ("5个工作日内反馈", [(5, None, "工作日", "<=")]),
    ("视频不超过15分钟", [(15, None, "分钟", "<=")]),
    ("字数2000-3000字", [(2000, 3000, "字", "range")]),
    ("团队成员不超过3人", [(3, None, "人", "<=")]),
    ("至少配备1名专职组织员", [(1, None, "名", ">=")]),
    ("法制审核人员不少于本单位执法人员总数的5%", [(5, None, "%", ">=")]),
    ("每学年不少于90学时,医科每学年不少于72学时", [(90, None, "学时", ">="), (72, None, "学时", ">=")]),
    ("推荐限报2项", [(2, None, "项", "<=")]),
    ("可获得经费300元", [(300, None, "元", None)]),
    # bound words and units of real notices: the longest bound word wins (不少于 over 少于, 不低于 over 低于)
    ("导师评语要不少于5行", [(5, None, "行", ">=")]),
    ("正文字数一般不低于1万字", [(1, None, "万字", ">=")]),
    ("重复率低于30%", [(30, None, "%", "<=")]),
    ("任务书一式三份", [(3, None, "份", "=")]),
    ("课程负责人限1人", [(1, None, "人", "<=")]),
    ("论文题目不得超过30个汉字", [(30, None, "个汉字", "<=")]),
    ("考试时间一般为120分钟", [(120, None, "分钟", "=")]),
    ("总文字复制比≤25%", [(25, None, "%", "<=")]),
    ("指导教师不得多于2人", [(2, None, "人", "<=")]),
    ("微视频短于3分钟,文件大小不超过60M", [(3, None, "分钟", "<="), (60, None, "M", "<=")]),
    # a lead time before a moment, and a lag after one bound by what the clause then allows
    ("考前30分钟,凭准考证入场", [(30, None, "分钟", ">=")]),
    ("期末考试安排表至少在考试前2周公布", [(2, None, "周", ">=")]),
    ("巡道车提前1小时出库巡道", [(1, None, "小时", "=")]),
    ("存档工作一般于每学期前6周内完成", [(6, None, "周", "<=")]),
    ("开考15分钟后,不得进入考点", [(15, None, "分钟", "<=")]),
    ("考试开始30分钟后考生才能离开考场", [(30, None, "分钟", ">=")]),
    ("前3名获一等奖", []),
    # two bounds of one thing make a range; a range of numerals; a count of half days
    ("动态码流的码率为不低于1024Kbps,不超过1280Kbps", [(1024, 1280, "Kbps", "range")]),
    ("每月进行一至二次党课教育", [(1, 2, "次", "range")]),
    ("每月组织民警不少于两个半天的学习", [(2, None, "半天", ">=")]),
    # a count given to each one of a kind is exact; a period or the base of a rate is no kind
    ("参赛队伍自行组建,每队3 - 5人", [(3, 5, "人", "range")]),
    ("学生自行组队,每队人数为3人", [(3, None, "人", "=")]),
    ("原则上每校可报5个赛队", [(5, None, "个", "<=")]),
    ("每队只可选报1个题目", [(1, None, "个", "<=")]),
    ("每天分为5个段", [(5, None, "个", None)]),
    ("每提供1份有效合同得3分", [(1, None, "份", None)]),
    ("应答人须提供不少于36个人的团队", [(36, None, "人", ">=")]),
    ("年终总结和新一年度工作计划正在进行", []),
    # a bound of credits to complete; people named for a task right after the verb that names them
    ("每名本科生应当修满2个创新学分", [(2, None, "个", ">=")]),
    ("党支部应确定2名正式党员为培养联系人", [(2, None, "名", "=")]),
    ("参赛学校需为每个参赛团队配备1名指导教师", [(1, None, "名", "=")]),
    ("确定3个重点课题", [(3, None, "个", None)]),
    ("近3年来获得表彰", []),
    ("第1次会议", []),
    ("G01楼会议室", []),
])
def test_extract_quantities(rules: Rules, phrase: str, expected: list[tuple]) -> None:
    found = find_quantities(normalize_text(phrase, rules), rules)
    assert [(q.value, q.value_max, q.unit, q.comparator) for q in found] == expected


@pytest.mark.parametrize("phrase, recipient", [
    ("认真制订学习计划于6月30日前报送机关党委", "机关党委"),
    ("7月20日和12月25日党支部要向机关党委书面汇报半年工作情况", "机关党委"),
    ("将电子版申报书提交至学院党委邮箱jxdw@dlut.edu.cn", "学院党委"),
    ("发送至党委组织部专用邮箱(neuzzb@163.com):", "党委组织部"),
    ("党员每半年向党支部汇报1次自己学习情况", "党支部"),
    ("于4月28前上报区局办公室", "区局办公室"),
    ("于3月23日前统一上报至教务处通识科", "教务处"),
    ("各党支部需于5月20日前将电子版申报书提交", ""),
])
def test_extract_recipient(rules: Rules, tagger: Tagger, phrase: str, recipient: str) -> None:
    text = normalize_text(phrase, rules)
    assert parties.recipient(text, 0, len(text), tagger.mentions(text), rules) == recipient


@pytest.mark.parametrize("phrase, actor", [
    ("各党支部要结合本支部前期学习情况,认真制订学习计划", "党支部"),
    ("各支部每年至少举办1次特色党日活动", "党支部"),
    ("并严格按照机关党委要求以建立台账为重点,到2017年年底,机关党支部要力争全面达到标准", "党支部"),
    ("7月20日和12月25日党支部要向机关党委书面汇报", "党支部"),
    ("各分党委(直属党总支)请于4月1日17:00前将如下材料", "分党委"),
    # people act: SPEC organization is never a role but the unit the people belong to (党员 of 各党支部 ->
    # 党支部); people the rules give no unit leave it to the addressee or the issuer
    ("基层党支部书记每年集中学习时间一般不少于56学时", "党支部"),
    ("机关全体党员要积极参加学校党委、机关党委和本支部组织的学习活动", "党支部"),
    ("科级干部集中学习时间不少于90学时", ""),
    ("学习“我的入党初心”", ""),
    ("每名党员提交记录表,6月26日前以支部为单位报送机关党委", "党支部"),
    ("请各毕业生党支部做好信息收集工作,并于6月2日前上报年级党建负责老师", "党支部"),
    ("附件2请于6月17日17:00前上报党建负责老师", ""),
    # units the lists do not know: labelled before a request, or a bare unit opening its part
    ("2.各教科初审单位:请于4月13日前将附件4的电子稿报送", "各教科初审单位"),
    ("有1位盲审专家意见为延缓答辩的毕业论文(设计),学院须组织不少于3位教师组成的专家组", "学院"),
    # the author of a cited document, or the unit something is handed to, does not act
    ("2018年1月19日前,领会教务处《关于做好2018届本科毕业论文工作的通知》", ""),
    ("认真填写申请表,并于2017年12月31日前报教务处", ""),
])
def test_extract_actor(rules: Rules, tagger: Tagger, phrase: str, actor: str) -> None:
    text = normalize_text(phrase, rules)
    assert parties.actor(text, 0, len(text), tagger.mentions(text), rules) == actor


def rows_of(text: str, ref: date, rules: Rules, tagger: Tagger, addressee: str = "") -> list[Requirement]:
    raw = RawDocument("x.txt", Path("x.txt"), Format.txt, (RawBlock(BlockKind.paragraph, text),), sha256="0" * 64)
    doc = normalize(raw, rules)
    return extract(segment(doc, rules), Context(doc, rules, tagger, ref, True, addressee))


def _key(r: Requirement) -> tuple:
    return (r.kind.value, r.due_date, r.due_time, r.window_start, r.window_end, r.per.value if r.per else None,
            r.quantity, r.quantity_max, r.unit, r.comparator.value if r.comparator else None)


D = date
T = time
ROWS = [
    # (text, reference date, [(kind, due_date, due_time, window_start, window_end, per, qty, qty_max, unit, cmp)])
    ("各党支部要结合本支部前期学习情况，认真制订学习计划于6月30日前报送机关党委。", D(2017, 6, 19),
     [("deadline", D(2017, 6, 30), None, None, None, None, None, None, "", None)]),
    ("各分党委（直属党总支）请于4月1日17:00前将如下材料电子版发送至党委组织部专用邮箱(neuzzb@163.com)。",
     D(2022, 3, 1), [("deadline", D(2022, 4, 1), T(17, 0), None, None, None, None, None, "", None)]),
    ("请于2016年6月2日24:00前上报。", D(2016, 5, 30),
     [("deadline", D(2016, 6, 2), T(23, 59), None, None, None, None, None, "", None)]),
    ("2022年3月1日至3月31日，发布方案，支部申报。", D(2022, 3, 1),
     [("window", None, None, D(2022, 3, 1), D(2022, 3, 31), None, None, None, "", None)]),
    ("2023年1月1日至3月初，分党委对方案实施效果进行验收。", D(2022, 3, 1),
     [("window", None, None, D(2023, 1, 1), D(2023, 3, 10), None, None, None, "", None)]),
    ("经费使用期限为2016年12月15日至2017年6月30日。", D(2016, 12, 8),
     [("window", None, None, D(2016, 12, 15), D(2017, 6, 30), None, None, None, "", None)]),
    ("每月最后一个工作日向机关党委上报本月支部开展学习情况。", D(2017, 6, 19),
     [("recurring", None, None, None, None, "month", None, None, "", None)]),
    ("党员每半年向党支部汇报一次自己学习、思想和工作情况。", D(2017, 6, 19),
     [("recurring", None, None, None, None, "half-year", 1, None, "次", "=")]),
    ("坚持院(系)党政主要负责同志每学期讲党课和思想政治理论课制度。", D(2024, 1, 1),
     [("recurring", None, None, None, None, "semester", None, None, "", None)]),
    ("7月20日和12月25日党支部要向机关党委书面汇报半年工作情况。", D(2017, 6, 19),
     [("deadline", D(2017, 7, 20), None, None, None, "year", None, None, "", None),
      ("deadline", D(2017, 12, 25), None, None, None, "year", None, None, "", None)]),
    ("除自学外，党员每年集中学习时间一般不少于32学时，科级干部集中学习时间不少于90学时。", D(2017, 6, 19),
     [("quota", None, None, None, None, "year", 32, None, "学时", ">="),
      ("quota", None, None, None, None, "year", 90, None, "学时", ">=")]),
    ("全年撰写学习体会不少于3篇，其中1篇为学习十九大精神体会，每篇不少于800字。", D(2017, 6, 19),
     [("quota", None, None, None, None, "year", 3, None, "篇", ">="),
      ("quota", None, None, None, None, "year", 1, None, "篇", "="),
      ("quota", None, None, None, None, "item", 800, None, "字", ">=")]),
    ("每年至少专题研究2次意识形态工作，并向上级党组织专题汇报1次。", D(2024, 1, 1),
     [("quota", None, None, None, None, "year", 2, None, "次", ">="),
      ("quota", None, None, None, None, "year", 1, None, "次", "=")]),
    ("组织教师每月开展1次党的创新理论学习。", D(2024, 1, 1),
     [("recurring", None, None, None, None, "month", 1, None, "次", "=")]),
    ("一般性信息要在3天内报送。", D(2012, 4, 20),
     [("quota", None, None, None, None, None, 3, None, "天", "<=")]),
    ("“最佳方案”比例控制在30%左右。", D(2022, 3, 1),
     [("quota", None, None, None, None, None, 30, None, "%", "~")]),
    ("到2017年年底，机关党支部要力争全面达到规范化示范点建设标准。", D(2017, 6, 19),
     [("deadline", D(2017, 12, 31), None, None, None, None, None, None, "", None)]),
    # history and counted-from-today periods are not duties
    ("近3年来，党支部曾获得校级以上表彰。", D(2024, 5, 14), []),
    ("经过2021年7月19日校区党工委会议研究决定。", D(2021, 9, 25), []),
    ("大连理工大学机关党委成立于2010年。", D(2017, 6, 19), []),
    ("拟组建两个机关教工社会实践团队。", D(2017, 6, 19), []),
    ("联系人：张老师，电话：0411-84707000，邮箱：zhang@dlut.edu.cn。", D(2024, 5, 14), []),
    ("1995年6月8日北京市第十届人民代表大会常务委员会第十七次会议通过", D(2000, 1, 1), []),
    ("本规定自1995年10月1日起施行。", D(1995, 6, 8), []),
    ("关于实行考察学时制度的决议(2019.3.3修改)1", D(2019, 1, 1), []),
    ("〔1〕丁文详.数字革命与竞争国际化〔N〕.中国青年报,2000-11-20(15).", D(2023, 1, 1), []),  # a reference cited
    ("与学习贯彻《先行示范区综合改革试点实施方案（2020-2025年）》结合起来。", D(2020, 12, 1), []),
    ("体育课安排在4-5节、8-9节。", D(2016, 11, 14), []),
    # a case is no duty: a number inside a condition, or a band between two bounds
    ("如果1个图由2个或2个以上分图组成时,各分图分别以(a)、(b)作为图序。", D(2023, 1, 1), []),
    ("26%<复制比<50%,经修改,再检测,若通过检测,方可参加答辩。", D(2018, 1, 1), []),
    # the sessions of a programme ask nothing, even when one is a 报告
    ("二、日程安排\n8月26日 10:00-20:00 报到\n8月27日 9:00-12:00 开幕式、大会报告\n8月28日 9:00-12:00 分会报告、颁奖",
     D(2026, 6, 1), []),
    ("请于6月30日前通过邮箱报送学习计划。", D(2017, 6, 19),
     [("deadline", D(2017, 6, 30), None, None, None, None, None, None, "", None)]),
    ("即2021年1月11日的上午。", D(2020, 12, 1),
     [("event", D(2021, 1, 11), None, None, None, None, None, None, "", None)]),
]


@pytest.mark.parametrize("text, ref, expected", ROWS, ids=[r[0][:18] for r in ROWS])
def test_extract_rows(rules: Rules, tagger: Tagger, text: str, ref: date, expected: list[tuple]) -> None:
    assert [_key(r) for r in rows_of(text, ref, rules, tagger)] == expected


def test_extract_channel_of_a_quota_clause_has_its_row(rules: Rules, tagger: Tagger) -> None:
    """An e-mail in a clause whose only row is a quota is not lost: the channel gets a row of its own."""
    rows = rows_of("各学院指定1名大赛负责人通过邮件进行报名,报名邮箱为:icbaoming@example.org.cn。", date(2016, 11, 1),
                   rules, tagger)
    assert [(r.kind.value, r.quantity, r.emails) for r in rows] == [
        ("quota", 1, ()), ("submission", None, ("icbaoming@example.org.cn",))]


def test_extract_channel_in_the_part_of_a_recurring_duty_is_carried_by_it(rules: Rules, tagger: Tagger) -> None:
    """An e-mail in the same part as a recurring duty (found by the property test, which crashed on it): the
    duty's row carries it, with no second row."""
    rows = rows_of("每月最后一个工作日发送至neuzzb@163.com", date(2000, 1, 1), rules, tagger)
    assert [(r.kind.value, r.per.value if r.per else "", r.emails) for r in rows] == [
        ("recurring", "month", ("neuzzb@163.com",))]


@pytest.mark.parametrize("text, emails", [
    ("请于4月1日前将材料发送至党委组织部专用邮箱(neuzzb@163.com)。", ("neuzzb@163.com",)),
    ("将申报书电子版发送至 zzhang86@ xjtu.edu.cn。", ("zzhang86@xjtu.edu.cn",)),
    ("于2012年4月28日前将此表报送jbgs＠xjzj.gov.cn。", ("jbgs@xjzj.gov.cn",)),
    # the verbs and labels of real notices: 发到, 反馈至, a mailbox named for what it receives
    ("请于5月9日前将汇总表电子版发到党建邮箱sdcsxsdj1111@qq.com中。", ("sdcsxsdj1111@qq.com",)),
    ("处置情况请于10月31日反馈至wfdsjaq@wf.shandong.cn。", ("wfdsjaq@wf.shandong.cn",)),
    ("各学院于5月20日前通过邮件进行报名,报名邮箱为:icbaoming@miitec.org.cn。", ("icbaoming@miitec.org.cn",)),
    ("联系人:王芳,电话18602223177,邮箱:wangfang@example.com,5月20日前可咨询。", ()),
])
def test_extract_submission_emails(rules: Rules, tagger: Tagger, text: str, emails: tuple[str, ...]) -> None:
    rows = rows_of(text, date(2012, 1, 1), rules, tagger)
    assert rows and rows[0].emails == emails


def test_extract_row_parties_and_section(rules: Rules, tagger: Tagger) -> None:
    row, = rows_of("各党支部需于520日上午10时前将电子版申报书提交至学院党委邮箱jxdw@dlut.edu.cn，"
                   "邮件主题为：样板支部申报书。", date(2024, 5, 14), rules, tagger)
    assert (row.kind.value, row.due_date, row.due_time) == ("deadline", date(2024, 5, 20), time(10, 0))
    assert (row.organization, row.recipient, row.emails, row.action) == (
        "党支部", "学院党委", ("jxdw@dlut.edu.cn",), "提交")
    assert "repaired" in row.flags
    assert row.text.endswith("邮件主题为:样板支部申报书")


def test_extract_row_falls_back_to_addressee(rules: Rules, tagger: Tagger) -> None:
    row, = rows_of("请于4月1日前报送总结材料。", date(2022, 3, 1), rules, tagger, addressee="分党委")
    assert row.organization == "分党委"


def test_extract_rows_are_numbered(rules: Rules, tagger: Tagger) -> None:
    rows = rows_of("每年不少于32学时，每月不少于4学时。", date(2017, 1, 1), rules, tagger)
    assert [r.req_id for r in rows] == ["0000000000000000-0001", "0000000000000000-0002"]


def test_extract_task_table_rows_by_unit_and_day(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    """A week's 工作安排表 (date | task | unit): a row per task, due on its row's date (a date cell merged over
    the rows of one day counts for each), owned by its row's unit; a clock time alone makes no row."""
    import docx

    from pipeline.stages import process_file
    document = docx.Document()
    document.add_paragraph("第14周主要工作安排表(6.1-6.7)")
    table = document.add_table(rows=4, cols=3)
    for r, cells in enumerate([("日期(星期)", "重点事项", "负责处室"), ("6.1(周一)", "党员每周一学", "党政办"),
                               ("", "高考考务室整理\n高三模拟考成绩赋分", "教学处"), ("6.2(周二)", "高一大扫除", "德育处")]):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 0).text = "6.1(周一)"
    document.add_paragraph("8:30-9:30 开幕式")
    document.add_paragraph("2026年6月1日")
    path = tmp_path / "week.docx"
    document.save(str(path))
    rows = process_file(path, path.name, rules, tagger).requirements
    assert [(r.text, r.due_date, r.organization) for r in rows] == [
        ("党员每周一学", date(2026, 6, 1), "党政办公室"), ("高考考务室整理", date(2026, 6, 1), "教学处"),
        ("高三模拟考成绩赋分", date(2026, 6, 1), "教学处"), ("高一大扫除", date(2026, 6, 2), "德育处")]


def test_extract_evidence_keeps_the_sentence(rules: Rules, tagger: Tagger) -> None:
    """A row's text is its own clause; its evidence is its sentence as written, so that a clause with no
    subject of its own (页数不超过16页) is quoted with it."""
    rows = rows_of("SGJ和SJZ字数不超过8000字，页数不超过十六页。", date(2026, 3, 1), rules, tagger)
    sentence = "SGJ和SJZ字数不超过8000字，页数不超过十六页"
    assert [(r.text, r.evidence) for r in rows] == [("SGJ和SJZ字数不超过8000字", sentence), ("页数不超过16页", sentence)]


@pytest.mark.parametrize("text, label", [
    ("1、2018年5月3日", True), ("2018年1月26日前", True), ("6月14日(15周周四)前", True),
    ("2018年5月3日上午,在行政办510房间发放档案袋", False),
    ("6月27日8:45-9:30施迅", False),  # a session of a programme
    ("(教学经历:近5年来在承担该门课程教学任务方面的情况)", False),
])
def test_extract_date_label(rules: Rules, text: str, label: bool) -> None:
    from pipeline.extract.clauses import is_date_label
    assert is_date_label(normalize_text(text, rules), date(2018, 1, 1), rules) is label


def test_extract_date_label_joins_its_action(rules: Rules, tagger: Tagger) -> None:
    """A list item whose first line is only its date keeps that date with the action under it."""
    rows = rows_of("1、2018年5月3日\n请指导老师到行政办510房间领取档案袋。", date(2018, 4, 20), rules, tagger)
    assert [(r.due_date, "领取档案袋" in r.text) for r in rows] == [(date(2018, 5, 3), True)]


@pytest.mark.parametrize("text, windows", [
    ("例:2022年4月份将有38首歌单位置。", []),  # a month named inside a clause that asks nothing
    ("作品准备时间:2017年3月-4月。", [(date(2017, 3, 1), date(2017, 4, 30))]),  # a labelled period
    ("各党支部于2017年5月开展主题党日活动。", [(date(2017, 5, 1), date(2017, 5, 31))]),  # a duty in a month
    ("上海同济大学建筑与城市规划学院海外远程专家(2022-2023)。", []),  # a post held, in brackets
    ("(二)第二阶段:(2017年1月-12月)", [(date(2017, 1, 1), date(2017, 12, 31))]),  # a phase of a plan, a whole year
    ("请注意封面上的日期要与本年度相对应。", []),  # a year counted from today is no phase
    ("一、2月份党日活动安排\n1.组织党员学习。", []),  # a heading naming the plan below it
    # lettered options offer a choice; the numbered item after them is a duty
    (("A.第1季度(2017.6-2017-9)B.第2季度(2017.9-2017-12)C.第3季度(2017.12-2018-3)D.第4季度(2018.3-2018-5)"
      "2)入党介绍人意见(2017-05-10前完成)"), []),
])
def test_extract_windows_that_bind(rules: Rules, tagger: Tagger, text: str, windows: list[tuple]) -> None:
    rows = rows_of(text, date(2017, 1, 1), rules, tagger)
    assert [(r.window_start, r.window_end) for r in rows if r.window_start] == windows


def test_extract_task_table_recurring_rows(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    """A task whose 完成时限 is a period that comes back (每季度) is a recurring duty of its row's unit."""
    import docx

    from pipeline.stages import process_file
    document = docx.Document()
    document.add_paragraph("2024年重点任务分解表")
    table = document.add_table(rows=3, cols=3)
    for r, cells in enumerate([("重点任务", "责任单位", "完成时限"), ("课程思政建设", "教务处", "每季度"),
                               ("审计问题整改", "审计处", "2024年6月底前")]):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    path = tmp_path / "tasks.docx"
    document.save(str(path))
    rows = process_file(path, path.name, rules, tagger).requirements
    assert [(r.text, r.kind.value, r.per.value if r.per else None, r.due_date, r.organization) for r in rows] == [
        ("课程思政建设", "recurring", "quarter", None, "教务处"),
        ("审计问题整改", "deadline", None, date(2024, 6, 30), "审计处")]


def test_year_of_a_plan_with_no_date_is_its_first_year(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    """A plan that writes no full date reads its year-less dates in the first year it names, not the file's."""
    path = tmp_path / "plan.txt"
    path.write_text("党支部工作计划\n\n2012年,政治处党支部以科学发展观为统领。\n\n各支部要于年底前报送检查总结。\n",
                    encoding="utf-8")
    rows = process_file(path, path.name, rules, tagger).requirements
    assert [(r.kind.value, r.due_date) for r in rows] == [("deadline", date(2012, 12, 31))]


def test_year_of_a_title_with_a_span_of_years_is_the_first(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    """关于遴选2017-2018年度…的通知 is sent in 2017: its year-less dates are read in the span's first year."""
    path = tmp_path / "notice.txt"
    path.write_text("关于遴选2017-2018年度大学生创业中心入驻项目的通知\n\n纸质版材料于11月20日前交到系楼101办公室。\n",
                    encoding="utf-8")
    rows = process_file(path, path.name, rules, tagger).requirements
    assert [(r.kind.value, r.due_date) for r in rows] == [("deadline", date(2017, 11, 20))]


@pytest.mark.parametrize("text, action, recipient, task", [
    # the object before the verb, once the subject, the manner and the date are taken away
    ("各党支部要结合本支部前期学习情况,认真制订学习计划于6月30日前报送机关党委,按时保质组织好集中学习", "报送", "机关党委",
     "报送学习计划"),
    # the object after 将
    ("各党支部需于5月20日上午10时前将电子版申报书提交至学院党委邮箱jxdw@dlut.edu.cn", "提交", "学院党委", "提交电子版申报书"),
    ("请各单位于4月8日17:00前将申报表报送党委组织部", "报送", "党委组织部", "报送申报表"),
    ("年度总结(不超过3000字)报送机关党委,电子版发送至x@y.cn", "报送", "机关党委", "报送年度总结(不超过3000字)"),
    # the object after the verb: the clause from the verb
    ("全年撰写学习体会不少于3篇", "撰写", "", "撰写学习体会不少于3篇"),
    # a unit is no object; a bare verb takes what stands before it
    ("各支部于3月31日前申报", "申报", "", "各支部申报"),
    # brackets never left open or closed alone
    ("认真学习《关于新时代加强和改进思想政治工作的意见》《关于加强和改进新时代党的建设工作的若干意见和实施办法》", "学习",
     "", "学习《关于新时代加强和改进思想政治工作的意见》"),
    ("学习计划》于6月30日前报送", "报送", "", "报送学习计划"),
])
def test_extract_task_is_a_verb_with_its_object(rules: Rules, text: str, action: str, recipient: str,
                                                task: str) -> None:
    from pipeline.extract.task import task_of
    got = task_of(text, action, recipient, rules)
    assert got == task and len(got) >= 4


def test_extract_people_are_bound_and_never_the_organisation(rules: Rules, tagger: Tagger) -> None:
    """SPEC organization is a unit (issue 18): a notice addressed to 全校师生 binds them (audience) and leaves
    the unit unknown, not named after people."""
    rows = rows_of("请于6月30日前提交报名表。", date(2024, 6, 1), rules, tagger, addressee="全校师生")
    assert [(r.organization, r.audience) for r in rows] == [("", "全校师生")]

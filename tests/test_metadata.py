"""Metadata of real notices: title, issuer, 发文字号 and issue date where each stands in the file."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.nlp import Tagger
from pipeline.rules import Rules
from pipeline.stages import process_file

BODY = "请各学院于5月14日前报送材料。\n\n"


@pytest.mark.parametrize("text, title, issuer, number, issued_on", [
    # signer with a bracketed line under it, the date written with dots
    ("关于报送材料的通知\n\n各学院：\n\n" + BODY + "数字强市建设领导小组办公室\n\n（潍坊市大数据局代章）\n\n2023.10.25\n",
     "关于报送材料的通知", "数字强市建设领导小组办公室(潍坊市大数据局代章)", "", date(2023, 10, 25)),
    # the signer and the date on one line
    ("关于报送材料的通知\n\n" + BODY + "山东科技大学计算机科学与工程学院2025年4月15日\n",
     "关于报送材料的通知", "山东科技大学计算机科学与工程学院", "", date(2025, 4, 15)),
    # a signature with no date, then co-signers
    ("关于影视配音大赛延期举办的通知\n\n" + BODY + "校团委\n\n鹤屋日研社，养新文学社\n", "关于影视配音大赛延期举办的通知",
     "校团委", "", None),
    # the letterhead: the unit alone above the title
    ("广东省国基教育发展研究院\n\n三年教育规划及教师培训项目方案\n\n" + BODY, "三年教育规划及教师培训项目方案",
     "广东省国基教育发展研究院", "", None),
    # a 发文字号 run into the title, the 印发 line of the 版记
    ("沪地铁运〔2023〕190号关于做好防汛防台工作的通知\n\n各单位：\n\n" + BODY
     + "上海申通地铁集团有限公司办公室2023年6月8日印发共印3份\n",
     "关于做好防汛防台工作的通知", "上海申通地铁集团有限公司办公室", "沪地铁运〔2023〕190号", date(2023, 6, 8)),
    # the letterhead's genre word run into the 发文字号 is not part of it
    ("通知沪地铁路网﹝2023﹞79 号关于开展汛前大检查活动的通知\n\n各部门：\n\n" + BODY + "2023年4月6日\n",
     "关于开展汛前大检查活动的通知", "", "沪地铁路网〔2023〕79号", date(2023, 4, 6)),
    # a document-class letterhead, the title and labelled fields on one line; the signer issues it
    ("某某集团有限公司运营生产组织类文件提升路网保驾等级编号：ST/SC-YG-305-2019 签发人：张三发布日期：2019 年 8 月 9 日\n\n"
     "各运营单位：\n\n" + BODY + "运营管理部\n\n2019 年 8 月 9 日\n",
     "提升路网保驾等级", "运营管理部", "ST/SC-YG-305-2019", date(2019, 8, 9)),
    # the signature run on after the last sentence, as PDF text has it
    ("关于报送材料的通知\n\n各学院：\n\n请各学院于5月14日前报送材料。山东科技大学计算机科学与工程学院2025年4月15日\n",
     "关于报送材料的通知", "山东科技大学计算机科学与工程学院", "", date(2025, 4, 15)),
    # the signer run into the last attachment above the date, the next attachment run into the date
    ("关于报送材料的通知\n\n" + BODY + "附件：1.防汛防台通讯录\n\n2.防汛防台工作计划某市轨道交通调度指挥中心\n\n"
     "2023 年 4 月 6 日附表：停运统计表\n", "关于报送材料的通知", "某市轨道交通调度指挥中心", "", date(2023, 4, 6)),
    # the signer named with its role, a note after it; the units above it have other roles
    ("关于召开研讨会的通知\n\n" + BODY + "主办：某某地理信息协会\n\n承办：某某大学地理科学学院（代章）\n\n2023年5月21日\n",
     "关于召开研讨会的通知", "某某大学地理科学学院(代章)", "", date(2023, 5, 21)),
    # a date with its day left open still marks the signature; a 会议时间 is no issue date
    ("第二轮会议通知\n\n会议时间：2026年8月26日\n\n" + BODY + "天津某某大学\n\n2026年7月*日\n",
     "第二轮会议通知", "天津某某大学", "", None),
    # a form signed by the unit that made it
    ("课程建设指南\n\n" + BODY + "福建省教育厅制\n2026年4月\n", "课程建设指南", "福建省教育厅", "", None),
    # a title with no genre word stands over an addressee that is an office (…办); the signer is a 室
    ("9月15日某市地铁地面高架区段首班车运营时间或将延后\n市防汛办：\n" + BODY + "某市轨道交通应急指挥室\n2022年9月14日\n",
     "9月15日某市地铁地面高架区段首班车运营时间或将延后", "某市轨道交通应急指挥室", "", date(2022, 9, 14)),
    # the unit named alone right below the title, at the end of a draft
    ("为保障业务稳定运行，计划于6月10日升级网络设备。\n\n关于进行网络设备升级的通知\n\nIT平台服务部\n",
     "关于进行网络设备升级的通知", "IT平台服务部", "", None),
    # the unit a title opens with, before the school year it names
    ("# CSG广播站2022新学期点歌机制更改公告\n\n" + BODY, "CSG广播站2022新学期点歌机制更改公告", "CSG广播站", "", None),
    # a signature with no date after a paragraph whose last sentence is a list of fields
    (("兹定于2018年10月24日（本周三）下午在数学与信息学院217会议室召开本科生第二党支部支委委员选举会议，请全体党员同志提前安排好课务，"
      "准时参加，不得缺席！会议时间：2018年10月24日下午2∶30会议地点：数学与信息学院217参会人员：全体党员\t\t\t本科生第二党支部\n"),
     "", "本科生第二党支部", "", None),
    # a span of days under a bare 时间 label is the event's, not the day the page was published
    ("第七届全国偏振与椭偏测量大会会议通知\n\n一、时间地点\n\n时间:2026年8月26-28日\n\n" + BODY,
     "第七届全国偏振与椭偏测量大会会议通知", "", "", None),
    # a section heading is no title; a bracketed note after the genre word stays
    ("关于下发吸收预备党员的通知[预审前]\n\n一、征求党内外群众意见\n\n" + BODY, "关于下发吸收预备党员的通知[预审前]", "", "", None),
])
def test_metadata_of_real_layouts(tmp_path: Path, rules: Rules, tagger: Tagger, text: str, title: str, issuer: str,
                                  number: str, issued_on: date | None) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(text, encoding="utf-8")
    record = process_file(path, path.name, rules, tagger).document
    assert (record.title, record.issuer, record.doc_number, record.issued_on) == (title, issuer, number, issued_on)


@pytest.mark.parametrize("text, title", [
    # a heading broken before its genre word
    ("# 第一届全国大学生集成电路创新创业大赛(邀请赛)\n\n# 章程\n\n一、概况\n\n" + BODY, "第一届全国大学生集成电路创新创业大赛(邀请赛)章程"),
    # a letterhead over the genre word is no broken title
    ("# 中共某某大学委员会\n\n# 通知\n\n关于报送材料的通知\n\n" + BODY, "关于报送材料的通知"),
])
def test_metadata_title_broken_over_headings(tmp_path: Path, rules: Rules, tagger: Tagger, text: str, title: str) -> None:
    path = tmp_path / "notice.md"
    path.write_text(text, encoding="utf-8")
    assert process_file(path, path.name, rules, tagger).document.title == title

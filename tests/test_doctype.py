"""What a file is (SPEC doc_type): a notice's genre from its title; forms, news, READMEs and lists of links
give no requirements."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import DocType
from pipeline.nlp import Tagger
from pipeline.rules import Rules
from pipeline.stages import process_file

NOTICE = "关于报送2024年学习计划的通知\n\n各党支部：\n\n请于6月30日前将学习计划报送机关党委。\n\n机关党委\n\n2024年6月1日\n"


@pytest.mark.parametrize("text, doc_type", [
    (NOTICE, DocType.notice),
    ("机关党委2024年党建工作要点\n\n一、加强理论学习\n\n各党支部每月开展1次集中学习。\n", DocType.points),
    ("关于实行考察学时制度的决议（2019.3.3修改）\n\n入党积极分子每季度考察学时不少于10个。\n", DocType.notice),
    ("党建工作实施方案[预审前]\n\n各党支部于5月16日前完成。\n", DocType.plan),
    # a news item: its headline says what happened, its lead the day and the event
    ("江南大学来我校调研信息化工作\n\n7月15日上午，江南大学信息化建设与管理中心一行来我校调研。\n", DocType.other),
    ("记桂林中学参加五校交流活动\n\n2021年11月19日晚，我校校团委学生会应邀参加五校交流活动。\n", DocType.other),
    # a forecast sent upward tells what will happen and asks nothing
    ("9月15日首班车运营时间或将延后的预报\n\n市防汛办：\n\n9月15日首班车时间可能推迟至7时。\n", DocType.other),
    # a page that lists other notices with their dates
    ("信息化动态\n\n" + "".join(f"系统{n}优化上线2021-06-{n:02d}\n\n" for n in range(1, 9)), DocType.other),
    # a template: its blanks are placeholders, whatever its title
    ("附件4\n\n本科毕业论文(设计)\n\nXXXXXXXX\n\n学院：XXXXXXXX\n\n姓名：XXX\n\n摘要不超过300字。\n", DocType.form),
    # how to use a system: steps on a screen
    ("团员注册流程\n\n1.登录\n\n密码长度8-32个字符;至少含3个不同的字符。\n", DocType.other),
    # a README
    ("# 作业仓库\n\n```\ngit clone https://example.org/x.git\n```\n\npip install -r requirements.txt\n", DocType.other),
])
def test_doctype_of_text(tmp_path: Path, rules: Rules, tagger: Tagger, text: str, doc_type: DocType) -> None:
    path = tmp_path / "notice.md"
    path.write_text(text, encoding="utf-8")
    result = process_file(path, path.name, rules, tagger)
    assert result.document.doc_type is doc_type
    assert doc_type.has_requirements() or result.requirements == ()


def test_doctype_blank_form_gives_no_requirements(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    import docx
    document = docx.Document()
    document.add_paragraph("附件1")
    document.add_paragraph("2022年学术论坛报名表")
    table = document.add_table(rows=4, cols=4)
    for r, labels in enumerate([("姓名", "性别"), ("所在学校", "专业"), ("电话", "邮箱"), ("摘要(800字以内)", "")]):
        table.cell(r, 0).text, table.cell(r, 2).text = labels
    path = tmp_path / "form.docx"
    document.save(str(path))
    result = process_file(path, path.name, rules, tagger)
    assert (result.document.doc_type, result.requirements) == (DocType.form, ())
    assert result.document.error.startswith("空白表格")


def test_doctype_front_matter_is_not_the_title(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    path = tmp_path / "post.md"
    path.write_text("---\nlayout: page\ndate: 2022-9-19\n---\n\n" + NOTICE, encoding="utf-8")
    result = process_file(path, path.name, rules, tagger)
    assert result.document.title == "关于报送2024年学习计划的通知"
    assert [r.due_date.isoformat() for r in result.requirements if r.due_date] == ["2024-06-30"]


def test_doctype_data_dump_is_read_and_gives_no_requirements(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    """A database dump that holds notices as rows is text, not a notice: read, said to be 其他, no rows."""
    path = tmp_path / "notices.sql"
    path.write_text("INSERT INTO `message` VALUES (1,'关于报送材料的通知','请于3月30日前报送教务处。');\n"
                    "INSERT INTO `message` VALUES (2,'评教通知','请于4月1日前完成评教。');\n", encoding="utf-8")
    result = process_file(path, path.name, rules, tagger)
    assert (result.error, result.document.doc_type, result.requirements) == (None, DocType.other, ())


def test_doctype_file_named_a_template_is_a_form(tmp_path: Path, rules: Rules, tagger: Tagger) -> None:
    """Staff name a template so (各中心培训规划模板.xls): filled in or not, it asks nothing of its reader."""
    text = "各部门职工培养计划\n\n序号\t课程\t时间\n\n1\t讲座\t2018-03-13\n"
    path = tmp_path / "附件3-2各中心培训规划模板.txt"
    path.write_text(text, encoding="utf-8")
    result = process_file(path, path.name, rules, tagger)
    assert result.document.doc_type is DocType.form
    assert result.requirements == ()
    named = tmp_path / "培训规划.txt"
    named.write_text(text, encoding="utf-8")
    assert process_file(named, named.name, rules, tagger).document.doc_type is not DocType.form

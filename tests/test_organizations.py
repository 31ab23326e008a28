"""Organisation names: the issuer's canonical forms and the units a notice's issuer owns."""
from __future__ import annotations

import pytest

from pipeline.organizations import canonical, in_notice, issuer_of
from pipeline.rules import Rules


@pytest.mark.parametrize("written, name, short, stem", [
    ("中共大连理工大学机关委员会", "中共大连理工大学机关委员会", "机关党委", "机关"),
    ("大连理工大学机关党委", "中共大连理工大学机关委员会", "机关党委", "机关"),
    ("大连理工大学机械工程学院党委", "大连理工大学机械工程学院党委", "机械工程学院党委", "机械工程学院"),
    ("中共东北大学委员会组织部", "中共东北大学委员会组织部", "委员会组织部", ""),
    ("", "", "", ""),
])
def test_organizations_issuer(rules: Rules, written: str, name: str, short: str, stem: str) -> None:
    issuer = issuer_of(written, rules)
    assert (issuer.name, issuer.short, issuer.stem) == (name, short, stem)


@pytest.mark.parametrize("issuer, name, expected", [
    ("中共大连理工大学机关委员会", "党支部", "机关党支部"),
    ("大连理工大学机械工程学院党委", "党支部", "机械工程学院党支部"),
    ("大连理工大学机械工程学院党委", "学院党委", "机械工程学院党委"),
    ("中共大连理工大学机关委员会", "机关党委", "机关党委"),
    ("中共东北大学委员会组织部", "党支部", "党支部"),
    ("", "党支部", "党支部"),
])
def test_organizations_in_notice(rules: Rules, issuer: str, name: str, expected: str) -> None:
    assert in_notice(name, issuer_of(issuer, rules), rules) == expected


@pytest.mark.parametrize("written, expected", [
    ("各学院", "各学院"), ("分院", "分院"), ("各党支部", "党支部"), ("党政办", "党政办公室"),
    ("图书馆盘锦分馆", "图书馆盘锦分馆"), ("组织部", "党委组织部"),
])
def test_organizations_canonical(rules: Rules, written: str, expected: str) -> None:
    assert canonical(written, rules) == expected


@pytest.mark.parametrize("name, people", [
    ("全校师生", True), ("各位参赛团队", True), ("各位合伙人好", True), ("全体党员", True),
    ("机关党支部", False), ("学生工作部", False), ("各OCC、COCC", False), ("参赛高校", False), ("地理科学学院(代章)", False),
])
def test_organizations_people_are_no_unit(rules: Rules, name: str, people: bool) -> None:
    from pipeline.organizations import is_people
    assert is_people(name, rules) is people

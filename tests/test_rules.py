"""Rules load, ids are unique across files, and a broken file is reported by file and key."""
from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from pipeline.errors import RuleError
from pipeline.rules import FILES, load_rules

from .conftest import ROOT

RULES = ROOT / "rules"


def _ids(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["id"]] if isinstance(node.get("id"), str) else []
        return found + [i for v in node.values() for i in _ids(v)]
    if isinstance(node, list):
        return [i for v in node for i in _ids(v)]
    return []


def test_rules_every_file_loads() -> None:
    rules = load_rules(RULES)
    assert rules.units.entries and rules.organizations.entities and rules.roles.entities
    assert rules.patterns.headings
    assert len(rules.version) == 12


def test_rules_ids_unique_across_files() -> None:
    ids = [i for name in FILES for i in _ids(yaml.safe_load((RULES / name).read_text(encoding="utf-8")))]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert duplicates == []


@pytest.mark.parametrize("file, old, new, problem", [
    ("units.yaml", "kind: time}", "kind: weight}", "units.yaml: unit.study_hour: kind 'weight' is not one of"),
    ("patterns.yaml", 'regex: "[。!?;]"}', 'regex: "[。!?;"}', "patterns.yaml: sentence_end: regex does not compile"),
    ("comparators.yaml", 'comparator: ">="}', 'comparator: ">>"}', "comparators.yaml: cmp.not_less: comparator '>>'"),
    ("roles.yaml", "id: role.teacher,", "id: role.party_member,", "roles.yaml: role.party_member: id already used"),
    ("patterns.yaml", "id: email,", "id: mail,", "patterns.yaml: regexes: required id 'email' is missing"),
])
def test_rules_broken_file_names_file_and_key(tmp_path: Path, file: str, old: str, new: str, problem: str) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    text = (broken / file).read_text(encoding="utf-8")
    assert old in text
    (broken / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(broken)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_rules_missing_file_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    (broken / "roles.yaml").unlink()
    with pytest.raises(RuleError, match="roles.yaml: file is missing"):
        load_rules(broken)


def test_rules_all_problems_reported_together(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    (broken / "roles.yaml").unlink()
    (broken / "units.yaml").write_text("units: [", encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rules(broken)
    text = "\n".join(caught.value.problems)
    assert "roles.yaml" in text and "units.yaml: not valid YAML" in text

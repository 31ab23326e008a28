"""Score an output folder against gold facts, with the matching rules of the shared seed scorer.

Every source file whose name starts with a gold doc id is scored on its own. A fact is found when a
row of that file has its key value and its `text` or `evidence` (at most 300 characters) holds its
keywords; a row value that matches no fact is a false claim.
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_TEXT = 300
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "【": "〔", "】": "〕", "(": "（", ")": "）",
                          "“": '"', "”": '"', "〈": "<", "〉": ">"})
RRULE_PER = (("FREQ=MONTHLY;INTERVAL=6", "half-year"), ("FREQ=MONTHLY;INTERVAL=3", "quarter"),
             ("FREQ=YEARLY", "year"), ("FREQ=MONTHLY", "month"), ("FREQ=WEEKLY", "week"), ("FREQ=DAILY", "day"))
DOC_FIELDS = ("title", "issuer", "issued_on", "doc_number", "addressee", "as_of")
EXACT_DOC_FIELDS = ("issued_on", "as_of", "doc_number")
# Part of the scoring convention shared with the gold scorer, so fixed here rather than in rules/
# (editing the rules must not move the measure).
LOOSE_PREFIXES = ("各", "全体", "每名", "所属")
Row = dict[str, str]
Fact = dict[str, Any]


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    claims: int = 0
    tp: int = 0


@dataclass
class Score:
    files: int = 0
    by_type: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_format: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_file: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    attributes: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    docs: list[int] = field(default_factory=lambda: [0, 0])
    progress: list[int] = field(default_factory=lambda: [0, 0])
    misses: list[tuple[str, Fact]] = field(default_factory=list)
    false_claims: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _total(self) -> Tally:
        t = Tally()
        for s in self.by_type.values():
            t.gold, t.found, t.claims, t.tp = t.gold + s.gold, t.found + s.found, t.claims + s.claims, t.tp + s.tp
        return t

    @property
    def recall(self) -> float:
        t = self._total()
        return t.found / t.gold if t.gold else 0.0

    @property
    def precision(self) -> float:
        t = self._total()
        return t.tp / t.claims if t.claims else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def docs_score(self) -> float:
        return self.docs[0] / self.docs[1] if self.docs[1] else 0.0

    @property
    def progress_score(self) -> float:
        return self.progress[0] / self.progress[1] if self.progress[1] else 0.0

    def as_dict(self) -> dict[str, object]:
        return {"files": self.files, "recall": self.recall, "precision": self.precision, "f1": self.f1,
                "by_type": {k: vars(v) for k, v in self.by_type.items()},
                "by_format": {k: vars(v) for k, v in self.by_format.items()},
                "by_file": {k: vars(v) | {"f1": f1_of(v)} for k, v in self.by_file.items()},
                "attributes": {k: v[0] / v[1] for k, v in self.attributes.items() if v[1]},
                "docs": self.docs_score, "progress": self.progress_score,
                "misses": self.misses, "false_claims": self.false_claims}


def f1_of(t: Tally) -> float:
    r = t.found / t.gold if t.gold else 0.0
    p = t.tp / t.claims if t.claims else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def squash(s: object) -> str:
    """Compare texts whatever their width or spacing: NFKC, no whitespace, one bracket style."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s or ""))).translate(BRACKETS)


def evaluate(out_dir: Path, gold_path: Path) -> Score:
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_doc: dict[str, list[Fact]] = defaultdict(list)
    for fact in gold:
        by_doc[str(fact["doc"])].append(fact)
    requirements = _read(out_dir / "requirements.csv")
    documents = _read(out_dir / "documents.csv")
    rows_of: dict[str, list[Row]] = defaultdict(list)
    for row in requirements:
        rows_of[row.get("source", "")].append(row)
    for row in documents:
        rows_of.setdefault(row.get("source", ""), [])
    files = {src: doc for src in rows_of if (doc := _gold_doc(src, by_doc))}
    score = Score(files=len(files))
    for src, doc in sorted(files.items()):
        _score_file(score, src, rows_of[src], by_doc[doc])
    _score_documents(score, documents, files, by_doc)
    _score_progress(score, _read(out_dir / "progress.csv"), files, gold)
    return score


def _read(path: Path) -> list[Row]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _gold_doc(source: str, by_doc: dict[str, list[Fact]]) -> str | None:
    stem = Path(source.replace("\\", "/")).name.split(".")[0]
    return next((d for d in by_doc if stem.startswith(d)), None)


def _number(x: object) -> float | int | None:
    try:
        v = float(str(x).strip())
    except (TypeError, ValueError):
        return None
    return int(v) if v == int(v) else v


def per_of(row: Row) -> str:
    per = (row.get("per") or "").strip()
    if per:
        return per
    rule = (row.get("recurrence") or "").upper().replace(" ", "")
    for key, name in RRULE_PER:
        if all(part in rule.split(";") or part in rule for part in key.split(";")):
            if key == "FREQ=MONTHLY" and "INTERVAL=" in rule and "INTERVAL=1" not in rule:
                continue
            return name
    return ""


def _has_keywords(row: Row, fact: Fact) -> bool:
    """The fact's keywords all stand in the row's clause: its normalised `text`, or its `evidence` (the
    clause as written, with the notice's own numerals and punctuation)."""
    keywords = [squash(k) for k in fact.get("keywords", [])]
    for column in ("text", "evidence"):
        text = squash(row.get(column))
        if text and len(text) <= MAX_TEXT and all(k in text for k in keywords):
            return True
    return False


def loose_in(gold: object, predicted: object) -> bool:
    """Org and role names compare loosely: 党支部 matches 各党支部 and 机关党支部."""
    g, p = squash(gold), squash(predicted)
    for prefix in LOOSE_PREFIXES:
        g, p = g.removeprefix(prefix), p.removeprefix(prefix)
    return bool(g) and bool(p) and (g in p or p in g)


def _emails(row: Row) -> list[str]:
    return [e.strip().lower() for e in re.split(r"[;,\s]+", row.get("emails", "")) if e]


def key_match(fact: Fact, row: Row) -> bool:
    kind = fact["type"]
    if not _has_keywords(row, fact):
        return False
    if kind == "deadline":
        return bool(row.get("due_date", "").strip() == fact["due"] and (
            "time" not in fact or row.get("due_time", "").strip()[:5] == fact["time"]))
    if kind == "window":
        return bool(row.get("window_start", "").strip() == fact["start"]
                    and row.get("window_end", "").strip() == fact["end"])
    if kind == "recurring":
        return bool(per_of(row) == fact["per"])
    if kind == "quota":
        ok = _number(row.get("quantity")) == fact["value"] and squash(row.get("unit")) == squash(fact["unit"])
        return ok and ("value_max" not in fact or _number(row.get("quantity_max")) == fact["value_max"])
    if kind == "email":
        return str(fact["email"]).lower() in _emails(row)
    return False


def _attributes(fact: Fact, row: Row) -> list[tuple[str, bool]]:
    out = []
    if fact["type"] == "quota":
        cmps = fact["cmp"] if isinstance(fact["cmp"], list) else [fact["cmp"]]
        out.append(("comparator", row.get("comparator", "").strip() in cmps))
        if "per" in fact:
            out.append(("per", per_of(row) == fact["per"]))
    for name in ("audience", "org", "recipient"):
        if name in fact:
            out.append((name, loose_in(fact[name], row.get("organization" if name == "org" else name, ""))))
    if "section_contains" in fact:
        out.append(("section", str(fact["section_contains"]) in squash(row.get("section"))))
    if "rrule_contains" in fact:
        out.append(("rrule", str(fact["rrule_contains"]) in (row.get("recurrence") or "").upper()))
    return out


def _claims(row: Row) -> list[str]:
    out = []
    if row.get("due_date", "").strip():
        out.append("deadline")
    if row.get("window_start", "").strip() or row.get("window_end", "").strip():
        out.append("window")
    if (row.get("recurrence") or "").strip():
        out.append("recurring")
    if str(row.get("quantity", "")).strip():
        out.append("quota")
    out += [f"email:{e}" for e in _emails(row)]
    return out


def _claim_ok(claim: str, row: Row, facts: list[Fact]) -> bool:
    if claim.startswith("email:"):
        address = claim[len("email:"):]
        return any(f["type"] == "email" and str(f["email"]).lower() == address and _has_keywords(row, f)
                   for f in facts)
    if claim == "deadline":
        due = row.get("due_date", "").strip()
        return any(_has_keywords(row, f) and ((f["type"] == "deadline" and f["due"] == due)
                   or (f["type"] == "window" and due in (f["start"], f["end"]))) for f in facts)
    if claim == "window":
        return any(f["type"] == "window" and key_match(f, row) for f in facts)
    if claim == "recurring":
        per = per_of(row)
        return any(_has_keywords(row, f) and f.get("per") == per and f["type"] in ("recurring", "quota")
                   for f in facts)
    return any(f["type"] == "quota" and key_match(f, row) for f in facts)


def _score_file(score: Score, src: str, rows: list[Row], facts: list[Fact]) -> None:
    ext = Path(src).suffix.lower() or "(none)"
    for fact in facts:
        if fact["type"] in ("doc", "progress") or fact.get("optional"):
            continue
        kind = str(fact["type"])
        score.by_type[kind].gold += 1
        score.by_format[ext].gold += 1
        score.by_file[src].gold += 1
        hits = [r for r in rows if key_match(fact, r)]
        if not hits:
            score.misses.append((src, {k: v for k, v in fact.items() if k != "doc"}))
            continue
        score.by_type[kind].found += 1
        score.by_format[ext].found += 1
        score.by_file[src].found += 1
        best = max(hits, key=lambda r: sum(ok for _, ok in _attributes(fact, r)))
        for name, ok in _attributes(fact, best):
            score.attributes[name][0] += ok
            score.attributes[name][1] += 1
    for row in rows:
        for claim in _claims(row):
            kind = claim.split(":")[0]
            ok = _claim_ok(claim, row, facts)
            score.by_type[kind].claims += 1
            score.by_type[kind].tp += ok
            score.by_format[ext].claims += 1
            score.by_format[ext].tp += ok
            score.by_file[src].claims += 1
            score.by_file[src].tp += ok
            if not ok:
                score.false_claims.append((src, kind, squash(row.get("text"))[:80]))


def _score_documents(score: Score, documents: list[Row], files: dict[str, str],
                     by_doc: dict[str, list[Fact]]) -> None:
    for row in documents:
        doc = files.get(row.get("source", ""))
        meta = next((f for f in by_doc.get(doc or "", []) if f["type"] == "doc"), None)
        if meta is None:
            continue
        for key in DOC_FIELDS:
            if key not in meta:
                continue
            want, got = squash(meta[key]), squash(row.get(key))
            ok = want == got if key in EXACT_DOC_FIELDS else (want == got or bool(want and want in got))
            score.docs[0] += ok
            score.docs[1] += 1
            if not ok:
                score.notes.append(f"doc {row.get('source')}: {key} want {meta[key]!r} got {row.get(key)!r}")


def _score_progress(score: Score, progress: list[Row], files: dict[str, str], gold: list[Fact]) -> None:
    by_source: dict[str, dict[str, Row]] = defaultdict(dict)
    for row in progress:
        by_source[row.get("source", "")][str(_number(row.get("seq")))] = row
    for fact in (f for f in gold if f["type"] == "progress"):
        for src, doc in files.items():
            if doc != fact["doc"]:
                continue
            got = by_source.get(src, {}).get(str(fact["seq"]), {})
            checks = _progress_checks(fact, got)
            score.progress[0] += sum(checks.values())
            score.progress[1] += len(checks)
            wrong = [k for k, v in checks.items() if not v]
            if wrong:
                score.notes.append(f"progress {src} #{fact['seq']}: wrong {wrong}")


def _progress_checks(fact: Fact, got: Row) -> dict[str, bool]:
    partners = re.split(r"[、,;；，]", got.get("partner_orgs", "") or "")
    category = squash(fact["category"])
    return {
        "item": squash(fact["item"]) == squash(got.get("item")),
        "lead_org": loose_in(fact["lead_org"], got.get("lead_org", "")),
        "partner_orgs": sorted(squash(x) for x in fact["partner_orgs"])
        == sorted(squash(x) for x in partners if squash(x)),
        "period_start": (fact["period_start"] or "") == (got.get("period_start") or "").strip(),
        "period_end": (fact["period_end"] or "") == (got.get("period_end") or "").strip(),
        "status": fact["status"] == (got.get("status") or "").strip(),
        "category": bool(got) and squash(got.get("category")).startswith(category[:2])
        and category[2:8] in squash(got.get("category")),
        "as_of": fact["as_of"] == (got.get("as_of") or "").strip(),
    }


def report_files(score: Score) -> str:
    """F1 per scored file, so each rendition of a notice can be compared with its text seed."""
    lines = [f"{'file':44} {'gold':>5} {'found':>6} {'claims':>7} {'tp':>5} {'F1':>6}"]
    for src, t in sorted(score.by_file.items()):
        lines.append(f"{src[:44]:44} {t.gold:5} {t.found:6} {t.claims:7} {t.tp:5} {f1_of(t):6.3f}")
    return "\n".join(lines)


def report(score: Score, verbose: bool = False) -> str:
    """The scores as a table, in the shared scorer's layout, ending with the summary line."""
    lines = [f"{'type':10} {'gold':>5} {'found':>6} {'recall':>7} {'claims':>7} {'tp':>5} {'prec':>6}"]
    for kind, t in sorted(score.by_type.items()):
        lines.append(f"{kind:10} {t.gold:5} {t.found:6} {t.found / t.gold if t.gold else 0:7.2f} "
                     f"{t.claims:7} {t.tp:5} {t.tp / t.claims if t.claims else 0:6.2f}")
    lines.append("by format: " + "  ".join(
        f"{e} R={t.found / t.gold if t.gold else 0:.2f} P={t.tp / t.claims if t.claims else 0:.2f}"
        for e, t in sorted(score.by_format.items())))
    lines.append("attributes: " + "  ".join(
        f"{k}={v[0] / v[1]:.2f}" for k, v in sorted(score.attributes.items()) if v[1]))
    if verbose:
        lines += [f"  {note}" for note in score.notes]
        lines += [f"  missed {src}: {json.dumps(f, ensure_ascii=False)}" for src, f in score.misses]
        lines += [f"  false {kind} {src}: {text}" for src, kind, text in score.false_claims]
    lines.append(f"overall F1={score.f1:.3f} P={score.precision:.3f} R={score.recall:.3f} | "
                 f"docs={score.docs_score:.3f} | progress={score.progress_score:.3f} | files={score.files}")
    return "\n".join(lines)

"""Check the installation: required packages, the rules, and optional tools with what each is for."""
from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import RuleError

# (import name, what it is for, what to do when missing)
PACKAGES = (
    ("yaml", "reads rules/*.yaml", "pip install PyYAML"),
    ("jieba", "Chinese word segmentation", "pip install jieba"),
    ("spacy", "organisation and role recognition", "pip install spacy"),
    ("cn2an", "Chinese numerals to digits", "pip install cn2an"),
    ("chinese_calendar", "official holidays and make-up workdays", "pip install chinesecalendar"),
    ("dateutil", "recurrence rules (RRULE)", "pip install python-dateutil"),
    ("pyarrow", "Parquet output", "pip install pyarrow"),
    ("xlsxwriter", "Excel checklists", "pip install XlsxWriter"),
    ("openpyxl", ".xlsx progress tables", "pip install openpyxl"),
    ("xlrd", ".xls progress tables (Excel 97-2003)", "pip install xlrd"),
    ("rapidocr", "OCR of scanned PDFs and images (models inside the wheel)", "pip install rapidocr"),
    ("onnxruntime", "runs the OCR models", "pip install onnxruntime"),
)
# Optional packages: (import name, what it is for, what to do when missing)
EXTRAS = (
    ("distributed", "--executor dask: per-file stages on a Dask cluster", "pip install 'notices[dask]'"),
    ("psycopg", "--db postgresql://...: the shared store", "pip install 'notices[postgres]'"),
)
# (program, what it is for, how to install)
TOOLS: tuple[tuple[str, str, str], ...] = (
    ("soffice", ".doc, .wps, .rtf and .odt files (LibreOffice headless)",
     "apt-get install libreoffice-writer-nogui (Debian/Ubuntu)"),
)


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    required: bool
    purpose: str
    hint: str = ""
    warning: bool = False  # not a missing piece: something to act on before it matters (the holiday calendar)


def check(rules_dir: Path | None = None, today: date | None = None) -> list[Check]:
    """Every dependency and tool, whether the rules load, and whether the official holiday calendar covers
    the checklists' horizon from `today` (default: today)."""
    out = [Check(name, importlib.util.find_spec(name) is not None, True, purpose, hint)
           for name, purpose, hint in PACKAGES]
    out += [Check(tool, shutil.which(tool) is not None, False, purpose, hint) for tool, purpose, hint in TOOLS]
    out += [Check(name, importlib.util.find_spec(name) is not None, False, purpose, hint)
            for name, purpose, hint in EXTRAS]
    out.append(_rules(rules_dir))
    out.append(_holidays(today or date.today()))
    return out


def _holidays(today: date) -> Check:
    """A warning when the checklists reach past the years the holiday calendar knows: there, workdays are
    Monday to Friday, and a duty due on 每月最后一个工作日 may fall on a holiday or miss a make-up workday."""
    from .engine.options import HORIZON_MONTHS
    from .timex.workdays import workday_status
    until = date(today.year + (today.month - 1 + HORIZON_MONTHS) // 12, (today.month - 1 + HORIZON_MONTHS) % 12 + 1, 1)
    last = today.year
    while workday_status(date(last + 1, 1, 1))[1]:
        last += 1
    covered = workday_status(today)[1] and until.year <= last
    purpose = f"official holidays and make-up workdays, needed up to {until:%Y-%m}"
    hint = (f"the installed calendar knows the years up to {last} (none, if {today.year} is unknown): "
            "`pip install -U chinesecalendar` once the State Council has published the next year's holidays; "
            "until then workdays past it are Monday to Friday")
    return Check("holiday calendar", covered, False, purpose, "" if covered else hint, warning=True)


def _rules(rules_dir: Path | None) -> Check:
    from .rules import default_rules_dir, load_rules
    directory = rules_dir or default_rules_dir()
    try:
        load_rules(directory)
    except RuleError as exc:
        return Check(f"rules ({directory})", False, True, "keywords, patterns, organisations", str(exc))
    except ImportError as exc:
        return Check(f"rules ({directory})", False, True, "keywords, patterns, organisations", str(exc))
    return Check(f"rules ({directory})", True, True, "keywords, patterns, organisations")

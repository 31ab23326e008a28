"""Check the installation: required packages, the rules, and optional tools with what each is for."""
from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass
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


def check(rules_dir: Path | None = None) -> list[Check]:
    """Every dependency and tool, and whether the rules load."""
    out = [Check(name, importlib.util.find_spec(name) is not None, True, purpose, hint)
           for name, purpose, hint in PACKAGES]
    out += [Check(tool, shutil.which(tool) is not None, False, purpose, hint) for tool, purpose, hint in TOOLS]
    out += [Check(name, importlib.util.find_spec(name) is not None, False, purpose, hint)
            for name, purpose, hint in EXTRAS]
    out.append(_rules(rules_dir))
    return out


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

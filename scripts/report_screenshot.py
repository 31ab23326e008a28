"""Run the pipeline on samples/ and take a screenshot of the report for the README (docs/report.png).

    .venv/bin/python scripts/report_screenshot.py

Needs Debian's chromium (package chromium); nothing is downloaded.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-21"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def main() -> int:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("chromium is not installed (Debian package chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        subprocess.run([sys.executable, "-m", "pipeline", "run", str(ROOT / "samples"), "-o", str(out),
                        "--today", TODAY], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        target = ROOT / "docs" / "report.png"
        target.parent.mkdir(exist_ok=True)
        subprocess.run([browser, *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", "--window-size=1280,900",
                        f"--screenshot={target}", (out / "report" / "index.html").as_uri()],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

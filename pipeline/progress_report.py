"""What a run shows while it works: a progress bar on a terminal, a line now and then otherwise
(cron), and a log file in the output folder."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TextIO

LOG_BYTES = 1 << 20
LOG_BACKUPS = 3
PLAIN_STEPS = 10  # lines a run prints when not on a terminal


def log_to_file(out_dir: Path) -> Path:
    """Log every file's outcome to <out>/logs/notices.log (rotated), whatever the console shows."""
    path = out_dir / "logs" / "notices.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    handler.notices_file = True  # type: ignore[attr-defined]
    logger = logging.getLogger("pipeline")
    for old in [h for h in logger.handlers if getattr(h, "notices_file", False)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    return path


class Progress:
    """`update(source, done, total)` after each file: a tqdm bar on a terminal, else a few plain lines."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: Any = None
        self.tty = stream.isatty()

    def __enter__(self) -> Self:
        return self

    def update(self, source: str, done: int, total: int, ocr_pages: int = 0) -> None:
        """After each file; a scan read by OCR (seconds a page, so the run slows down) is named."""
        scan = f" (a scan: {ocr_pages} page{'s' if ocr_pages > 1 else ''} read by OCR)" if ocr_pages else ""
        if self.tty:
            if self.bar is None:
                from tqdm import tqdm
                self.bar = tqdm(total=total, file=self.stream, unit="file", dynamic_ncols=True)
            self.bar.set_postfix_str(source[-40:] + scan, refresh=False)
            self.bar.update(1)
            return
        if scan:
            print(f"read {source}{scan}", file=self.stream, flush=True)
        if total and (done == total or done % max(1, total // PLAIN_STEPS) == 0):
            print(f"processed {done}/{total} files", file=self.stream, flush=True)

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.close()

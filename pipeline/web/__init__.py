"""The office's web page (`notices serve`) on the runs' outputs and store: see app.py."""
from __future__ import annotations

from .app import Settings, make_app

__all__ = ["Settings", "make_app"]

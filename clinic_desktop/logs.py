"""Rotating log file in the data folder; the crash dialog points people at it."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
_handler: RotatingFileHandler | None = None


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    """Send the app's log to ``log_dir/clinic.log`` (5 files of 2 MB); returns the path."""
    global _handler
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "clinic.log"
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    _handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    _handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(_handler)
    root.setLevel(level)
    return path


def current_log_path() -> Path | None:
    return Path(_handler.baseFilename) if _handler is not None else None

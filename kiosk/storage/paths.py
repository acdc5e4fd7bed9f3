"""The user data folder: settings, the log file, the demo database, saved badge PDFs.

$FORUM_CHECKIN_HOME moves it; otherwise the platform's data location (XDG on Linux).
It holds personal data and signing keys, so it is owner-only (0700), and so is every log
file (0600, `PrivateFileHandler`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from io import TextIOWrapper
from pathlib import Path

from kiosk.storage.atomic import open_private

APP_DIR_NAME = "forum-checkin"
HOME_ENV = "FORUM_CHECKIN_HOME"


def data_dir(create: bool = True) -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        path = Path(override)
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / APP_DIR_NAME
    elif sys.platform == "win32":
        path = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP_DIR_NAME
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / APP_DIR_NAME
    if create:
        with contextlib.suppress(OSError):  # a read-only home: the callers report it
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
                path.chmod(0o700)
    return path


def log_path() -> Path:
    return data_dir() / "forum-checkin.log"


class PrivateFileHandler(logging.FileHandler):
    """A log file (appended to) that is owner-only (0600) from its first byte: log lines
    name attendees and hold tracebacks with their data."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, mode="a", encoding="utf-8")

    def _open(self) -> TextIOWrapper:
        fd = open_private(Path(self.baseFilename))
        return open(fd, "a", encoding=self.encoding, errors=self.errors)

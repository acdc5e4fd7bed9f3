"""Where the application keeps its files: resources shipped with it, the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
FONTS = RESOURCES / "fonts"
SOUNDS = RESOURCES / "sounds"
I18N = RESOURCES / "i18n"
DEMO = RESOURCES / "demo"
APP_DIR_NAME = "forum-checkin"
HOME_ENV = "FORUM_CHECKIN_HOME"


def data_dir() -> Path:
    """The user data folder ($FORUM_CHECKIN_HOME, else the platform's data location)."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override)
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    if not base:
        base = str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR_NAME


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def log_path() -> Path:
    return data_dir() / "forum-checkin.log"


def demo_videos() -> list[Path]:
    """The recorded demo videos shipped in resources/demo/ (the webcam stand-in)."""
    if not DEMO.is_dir():
        return []
    return sorted(p for p in DEMO.iterdir() if p.suffix.lower() in (".avi", ".mp4", ".mkv"))

"""Where the application keeps its files: resources shipped with it, the user data folder."""

from __future__ import annotations

from pathlib import Path

from kiosk.storage.paths import HOME_ENV, data_dir, log_path

__all__ = ["HOME_ENV", "data_dir", "demo_db_path", "log_path"]

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
FONTS = RESOURCES / "fonts"
SOUNDS = RESOURCES / "sounds"
I18N = RESOURCES / "i18n"
DEMO = RESOURCES / "demo"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def demo_videos() -> list[Path]:
    """The recorded demo videos shipped in resources/demo/ (the webcam stand-in)."""
    if not DEMO.is_dir():
        return []
    return sorted(p for p in DEMO.iterdir() if p.suffix.lower() in (".avi", ".mp4", ".mkv"))

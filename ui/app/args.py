"""The application's options, as the command line parsed them (ui.app.appcli)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ui.app.screens import DEFAULT


@dataclass(frozen=True, slots=True)
class AppArgs:
    mode: str = DEFAULT  # a screen of ui.app.screens
    db: Path | None = None
    camera: str = "auto"
    session: str = ""
    station: str = ""
    operator: str = ""
    now: str | None = None
    lang: str | None = None
    decoder: str = "zxing"
    no_sound: bool = False
    print_on_checkin: bool = False
    printer: str | None = None  # None: the station's choice (settings), else the default
    label: str | None = None  # a label stock (kiosk.badges.stocks)
    set_pin: str | None = None
    windowed: bool = False
    exit_after: float = 0.0
    quit_when_source_ends: bool = False
    no_echo: bool = False
    server: str | None = None

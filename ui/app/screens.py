"""The application's screens, in one registry that the window and the command line read.

Each screen has a name (`--mode NAME`), a bilingual label (the header's button), the
function key that shows it, a factory for its page, and whether scans go to it while it
is shown (its page's `submit_code`). A new screen is one entry here and its page: the
window's buttons, keys and checks, and the command line's choices, follow.

A page may also have `shown()` (called when it becomes the shown screen) and `preview`
(where the camera's frames go while it is shown). No Qt is imported here until a page is
made, so the command line reads the names cheaply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.app.context import Context


@dataclass(frozen=True, slots=True)
class Screen:
    name: str
    label: tuple[str, str]  # (English, Chinese)
    key: str  # "F1"
    factory: Callable[[Context], QWidget]
    takes_codes: bool  # scans go to its page while it is shown
    locks: bool = False  # full screen; leaving it takes the staff PIN (the kiosk)
    shows_event: bool = True  # the header names the event (the dashboard names it itself)

    def text(self, lang: str) -> str:
        return self.label[1] if lang == "zh" else self.label[0]


def _staff(ctx: Context) -> QWidget:
    from ui.desk.view import StaffView

    return StaffView(ctx)


def _kiosk(ctx: Context) -> QWidget:
    from ui.kiosk.view import KioskView

    return KioskView(ctx)


def _dashboard(ctx: Context) -> QWidget:
    from ui.dashboard.page import DashboardPage

    return DashboardPage(ctx)


SCREENS: tuple[Screen, ...] = (
    Screen("staff", ("Staff desk", "服务台"), "F1", _staff, takes_codes=True),
    Screen("kiosk", ("Self check-in", "自助签到"), "F2", _kiosk, takes_codes=True, locks=True),
    Screen("dashboard", ("Dashboard", "数据看板"), "F3", _dashboard, takes_codes=False,
           shows_event=False),
)  # fmt: skip
NAMES: tuple[str, ...] = tuple(s.name for s in SCREENS)
DEFAULT = SCREENS[0].name


def named(name: str) -> Screen:
    for s in SCREENS:
        if s.name == name:
            return s
    raise ValueError(f"no screen {name!r} (screens: {', '.join(NAMES)})")

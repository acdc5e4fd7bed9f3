"""UI fixtures: a private user data folder, badge videos of demo attendees, a running Shell."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.ui_video import write_badge_video
from ui.app.refguard import pin_singletons

# PySide6 6.12 drops references to None/True/False on every void call: without this, a
# long test process aborts (often at exit) with "none_dealloc"/"bool_dealloc".
pin_singletons()

HERE = Path(__file__).resolve().parent
# Expected Qt warnings on this headless machine: the offscreen platform cannot resize
# windows that have a layout nor raise them, and QtMultimedia finds no audio device.
EXPECTED_QT_WARNINGS = (
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise()",  # the kiosk guard raising its window
    "Couldn't load",
    "Couldn't resolve",
    "PulseAudioService",
    "QSoundEffect",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore(*EXPECTED_QT_WARNINGS))


@pytest.fixture(autouse=True)
def ui_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every UI test gets its own user data folder (settings, log, demo database)."""
    home = tmp_path / "home"
    monkeypatch.setenv("FORUM_CHECKIN_HOME", str(home))
    return home


@pytest.fixture
def ui_clock() -> ManualClock:
    """09:05 on the forum's day: the opening plenary's check-in is open."""
    return at("09:05")


def badge_codes(db: Path, n: int, category: str | None = None) -> list[tuple[str, str]]:
    """(attendee_id, badge code) of the first `n` demo attendees (optionally of a category)."""
    store = Store.open(db)
    try:
        svc = CheckinService(store, at("07:30"), rng=random.Random(3))
        people = list(reads(store).people.everyone(category))[:n]
        return [(a.attendee_id, svc.badge_code(a.attendee_id)) for a in people]
    finally:
        store.close()


@pytest.fixture
def make_video(tmp_path: Path) -> Callable[..., Path]:
    def make(codes: list[str | None], name: str = "badges.avi", **kw: Any) -> Path:
        return write_badge_video(tmp_path / name, codes, **kw)

    return make


@pytest.fixture
def make_shell(qapp: Any, ui_clock: ManualClock, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Builds a started `ui.app.shell.Shell` on a database; shut down after the test."""
    from ui.app.shell import Shell, ShellOptions

    shells: list[Shell] = []

    def make(db: Path, **kw: Any) -> Shell:
        opts = ShellOptions(
            db_path=db,
            clock=kw.pop("clock", ui_clock),
            lang=kw.pop("lang", "en"),
            sound=kw.pop("sound", False),
            fullscreen_kiosk=kw.pop("fullscreen_kiosk", False),
            settings_path=tmp_path / "settings.json",
            **kw,
        )
        shell = Shell(qapp, opts)
        shells.append(shell)
        shell.start()
        shell.show()
        return shell

    yield make
    for s in shells:
        s.shutdown()
        s.window.locked = False
        s.window.close()
        s.window.deleteLater()

"""The scenes of issue 20 ("every scan gets an answer"), at 1366×768, at 10:00 on the
forum's day (the opening plenary in progress), through the running application:

- `staff-default-session-1366x768`: the desk at 10:00 chose the plenary, the one session
  marked "● now"; `staff-sessions-at-ten`: the list of sessions, "● now" on the plenary alone;
- `staff-pretix-admitted-1366x768`, `staff-pretix-again-1366x768`: a pretix ticket
  secret scanned with the search box focused, twice: welcome, then "Already checked in";
- `staff-unknown-code-1366x768`: a code nobody issued: red "Unknown code · 无法识别", what to do;
- `staff-repeat-badge-1366x768`: a badge, another, the first again: "Already checked in";
- `kiosk-no-camera-1366x768`: a kiosk with a handheld scanner and no camera: "Scan your badge".
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kiosk.models.clock import FixedClock
from kiosk.models.outcomes import Method

WHEN = time(10, 0)
SIZE = (1366, 736)  # the window inside a 1366×768 screen's work area


def every_scan_scenes(scenes: Any) -> None:
    """Runs on `scenes` (tools.screenshots.scenes.Scenes) once its own shell has shut down."""
    from kiosk.storage.store import Store
    from tests.helpers.pretix import import_pretix
    from ui.app.shell import Shell, ShellOptions

    secrets = import_pretix(scenes.db, scenes.tmp, n=6, seed=20)
    store = Store.open(scenes.db)
    try:
        event = store.event()
    finally:
        store.close()
    shell = Shell(
        scenes.app,
        ShellOptions(
            db_path=scenes.db, clock=FixedClock(datetime.combine(event.day, WHEN, event.tz)),
            lang=scenes.lang, sound=False, fullscreen_kiosk=False, watchdog=False,
            settings_path=scenes.tmp / "settings-every-scan.json", camera=None,
        ),
    )  # fmt: skip
    main, scenes.shell, scenes.win = (scenes.shell, scenes.win), shell, shell.window
    try:
        _run(scenes, shell, [secret for _name, secret in secrets])
    finally:
        shell.window.locked = False
        shell.shutdown()
        shell.window.close()
        scenes.shell, scenes.win = main


def _keys(scenes: Any, code: str) -> Any:
    """A handheld scanner's burst into the focused widget; the result it got."""
    got: list[Any] = []
    win = scenes.win
    win.result_shown.connect(got.append)
    for ch in code:
        QTest.keyClicks(win.focusWidget() or win, ch)
    QTest.keyClick(win.focusWidget() or win, Qt.Key.Key_Return)
    scenes.until(lambda: bool(got))
    win.result_shown.disconnect(got.append)
    scenes.pump(250)
    return got[0] if got else None


def _run(scenes: Any, shell: Any, secrets: list[str]) -> None:
    win = shell.window
    win.resize(*SIZE)
    shell.start()
    win.show()
    scenes.until(lambda: shell.db.state.writable)
    scenes.pump(800)
    win.resize(*SIZE)
    staff = win.staff
    scenes.shot("staff-default-session-1366x768")
    staff.session.showPopup()
    scenes.pump(300)
    view = staff.session.view()
    view.resize(staff.session.width(), view.sizeHintForRow(0) * staff.session.count() + 4)
    scenes.shot("staff-sessions-at-ten", view)
    staff.session.hidePopup()
    staff.focus_search()
    scenes.pump(100)
    staff.panel.clear()
    _keys(scenes, secrets[1])
    scenes.shot("staff-pretix-admitted-1366x768")
    staff.panel.clear()
    _keys(scenes, secrets[1])
    scenes.shot("staff-pretix-again-1366x768")
    scenes.scan("CTF24-99999", Method.HANDHELD)
    scenes.shot("staff-unknown-code-1366x768")
    first, second = secrets[2], secrets[3]
    scenes.scan(first, Method.HANDHELD)
    scenes.scan(second, Method.HANDHELD)
    scenes.scan(first, Method.HANDHELD)
    scenes.shot("staff-repeat-badge-1366x768")
    win.set_mode("kiosk")
    win.showNormal()
    win.resize(*SIZE)
    scenes.pump(300)
    scenes.shot("kiosk-no-camera-1366x768")
    win.locked = False
    win.set_mode("staff")

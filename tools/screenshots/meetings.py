"""The matchmaking scenes of `python main.py screenshots`: the afternoon of the same demo
database, at 13:56, with the matchmaking session selected.

Before the app starts, some parties of the 14:00 meetings have checked in (at 13:48–13:54).
Then, through the running application: a Chinese attendee checks in at the desk, her
counterpart already there (`staff-matchmaking`, and at 1366×768); another at the kiosk
(`kiosk-matchmaking`); and the dashboard's matchmaking panel with the meetings due with
a party missing first (`dashboard-matchmaking`).
"""

from __future__ import annotations

import random
from datetime import datetime, time
from pathlib import Path
from typing import Any

from kiosk.models.clock import FixedClock, ManualClock
from kiosk.models.outcomes import Method

WHEN = time(13, 56)


def seed_afternoon(db: Path) -> dict[str, str]:
    """Check some 14:00 parties in; returns the badge codes the scenes scan."""
    from kiosk.checkin.service import CheckinService
    from kiosk.meetings.service import MeetingService
    from kiosk.storage.store import Store

    store = Store.open(db)
    try:
        event = store.event()
        clock = ManualClock(datetime.combine(event.day, time(13, 48), event.tz))
        svc = CheckinService(store, clock, rng=random.Random(5))
        active = [s.meeting for s in MeetingService(store, clock).states() if s.meeting.active]
        first = [m for m in active if m.start == active[0].start and len(m.parties) == 2]
        booked: dict[str, int] = {}
        for m in active:
            for party in m.parties:
                booked[party.attendee_id] = booked.get(party.attendee_id, 0) + 1
        # The desk's attendee has more meetings later that day: the desk lists them.
        first.sort(key=lambda m: -booked[m.parties[1].attendee_id])

        def arrive(aid: str) -> None:
            clock.advance(50)
            svc.check_in(svc.badge_code(aid), "matchmaking")

        # 1 and 2: the U.S. side is here; 3 and 4: the Chinese side; 5: nobody yet.
        for m in first[:2]:
            arrive(m.parties[0].attendee_id)
        for m in first[2:4]:
            arrive(m.parties[1].attendee_id)
        return {
            "desk": svc.badge_code(first[0].parties[1].attendee_id),
            "kiosk": svc.badge_code(first[1].parties[1].attendee_id),
        }
    finally:
        store.close()


def matchmaking_scenes(scenes: Any) -> None:
    """Runs on `scenes` (tools.screenshots.scenes.Scenes) once its own shell has shut down."""
    from ui.app.shell import Shell, ShellOptions

    codes = seed_afternoon(scenes.db)
    from kiosk.storage.store import Store

    store = Store.open(scenes.db)
    try:
        event = store.event()
    finally:
        store.close()
    now = datetime.combine(event.day, WHEN, event.tz)
    shell = Shell(
        scenes.app,
        ShellOptions(
            db_path=scenes.db, clock=FixedClock(now), lang=scenes.lang, sound=False,
            fullscreen_kiosk=False, watchdog=False, session_id="matchmaking",
            settings_path=scenes.tmp / "settings-mm.json",
        ),
    )  # fmt: skip
    main, scenes.shell, scenes.win = (scenes.shell, scenes.win), shell, shell.window
    try:
        _run(scenes, shell, codes)
    finally:
        shell.window.locked = False
        shell.shutdown()
        shell.window.close()
        scenes.shell, scenes.win = main


def _run(scenes: Any, shell: Any, codes: dict[str, str]) -> None:
    from tools.screenshots.run import _fake_camera, fps_text

    win = shell.window
    win.resize(1440, 900)
    shell.start()
    win.show()
    scenes.until(lambda: shell.db.state.writable)
    scenes.pump(800)
    win.resize(1440, 900)
    _fake_camera(win)
    scenes.scan(codes["desk"], Method.CAMERA)
    scenes.shot("staff-matchmaking")
    win.resize(1366, 736)
    scenes.pump(400)
    scenes.shot("staff-matchmaking-1366x768")
    win.set_mode("kiosk")
    win.resize(1440, 900)
    _fake_camera(win)
    scenes.scan(codes["kiosk"], Method.SELF)
    scenes.shot("kiosk-matchmaking")
    win.locked = False
    fps_text(win)
    win.set_mode("dashboard")
    win.resize(1440, 900)
    scenes.pump(2500)
    dash = win.dashboard
    if dash is not None:
        bar = dash.body_scroll.verticalScrollBar()
        bar.setValue(bar.maximum())
        scenes.pump(300)
        scenes.shot("dashboard-matchmaking")
        scenes.shot("dashboard-matchmaking-panel", dash.matchmaking)
    win.set_mode("staff")

"""`python main.py screenshots --out DIR`: every mode and its key states as PNG files.

Real data throughout: a fresh demo database with a morning's check-ins, real check-ins
of demo badges through the running application (database thread included), a forged
code, a VIP. `--screen` also saves what the screen shows (QScreen.grabWindow: run it
under `xvfb-run -a` for a real window).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

EVENT_DAY = date(2024, 11, 4)
WHEN = "2024-11-04T09:20:00+08:00"


def seed_activity(db: Path, n: int = 190, seed: int = 11) -> list[str]:
    """A morning at the forum: opening-plenary arrivals from 08:05, a few refusals.

    Returns the ids of attendees not yet checked in (the screenshots scan those)."""
    from kiosk.checkin.service import CheckinService
    from kiosk.models.clock import ManualClock
    from kiosk.storage.store import Store

    store = Store.open(db)
    try:
        event = store.event()
        clock = ManualClock(datetime.combine(EVENT_DAY, time(8, 5), event.tz))
        svc = CheckinService(store, clock, rng=random.Random(seed))
        people = list(store.attendees())
        rng = random.Random(seed)
        rng.shuffle(people)
        arriving = [a for a in people if a.category not in ("vip",)][:n]
        step = (75 * 60) / max(1, len(arriving))
        for i, a in enumerate(arriving):
            clock.set(
                datetime.combine(EVENT_DAY, time(8, 5), event.tz) + timedelta(seconds=i * step)
            )
            svc.check_in(svc.badge_code(a.attendee_id), "opening")
            if i % 37 == 5:  # the odd badge scanned twice
                svc.check_in(svc.badge_code(a.attendee_id), "opening")
        svc.check_in("https://example.com/poster", "opening")
        done = {a.attendee_id for a in arriving}
        return [a.attendee_id for a in people if a.attendee_id not in done]
    finally:
        store.close()


def forge(code: str) -> str:
    """The same badge code with one signature character changed: a forgery."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    i = len(code) - 20
    ch = alphabet[(alphabet.index(code[i]) + 7) % len(alphabet)]
    return code[:i] + ch + code[i + 1 :]


def run_screenshots(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python main.py screenshots")
    p.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    p.add_argument("--screen", action="store_true", help="also grab the whole screen (xvfb-run)")
    p.add_argument("--lang", choices=("en", "zh"), default="en")
    args = p.parse_args(argv)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        probe = args.out / ".write-test"
        probe.write_text("x")
        probe.unlink()
    except OSError as exc:
        print(
            f"error: --out {args.out}: cannot write there ({exc.strerror or exc})", file=sys.stderr
        )
        return 1
    with tempfile.TemporaryDirectory(prefix="forum-shots-") as tmp:
        return _shoot(Path(tmp), args.out, args.screen, args.lang)


def _shoot(tmp: Path, out: Path, screen: bool, lang: str) -> int:
    import os

    os.environ.setdefault("FORUM_CHECKIN_HOME", str(tmp / "home"))
    from kiosk.demo import build_demo
    from kiosk.models.clock import FixedClock, parse_instant
    from kiosk.models.outcomes import Method

    db = build_demo(tmp / "demo.sqlite", attendees=300, day=EVENT_DAY)
    waiting = seed_activity(db)
    codes, vip, chinese = _pick(db, waiting)

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from ui.shell import Shell, ShellOptions

    clock = FixedClock(parse_instant(WHEN))
    shell = Shell(
        app,
        ShellOptions(
            db_path=db, clock=clock, lang=lang, sound=False, fullscreen_kiosk=False,
            watchdog=False, settings_path=tmp / "settings.json",
        ),
    )  # fmt: skip
    win = shell.window
    win.resize(1440, 900)
    shell.start()
    win.show()
    saved: list[Path] = []

    def pump(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_result() -> Any:
        got: list[Any] = []
        loop = QEventLoop()

        def done(r: Any) -> None:
            got.append(r)
            loop.quit()

        win.result_shown.connect(done)
        QTimer.singleShot(10000, loop.quit)
        loop.exec()
        win.result_shown.disconnect(done)
        pump(150)
        return got[0] if got else None

    def shot(name: str) -> None:
        app.processEvents()
        path = out / f"{name}.png"
        win.grab().save(str(path))
        saved.append(path)
        if screen and app.primaryScreen() is not None:
            spath = out / f"{name}-screen.png"
            app.primaryScreen().grabWindow(0).save(str(spath))
            saved.append(spath)

    def scan(code: str, mode_method: Method = Method.CAMERA) -> Any:
        win.submit_code(code, mode_method)
        return wait_result()

    pump(1500)  # the database opens, counters fill
    _fake_camera(win)
    shot("staff-idle")
    scan(codes[0])
    shot("staff-admitted")
    scan(codes[0])
    shot("staff-already-checked-in")
    scan(forge(codes[1]))
    shot("staff-refused-forged")
    scan(vip)
    shot("staff-vip")
    win.staff.panel.clear()
    win.staff.search.setText("wang")
    pump(800)
    shot("staff-search")
    win.staff.search.clear()
    win.set_mode("kiosk")
    win.showNormal()
    win.resize(1440, 900)
    _fake_camera(win)
    shot("kiosk-attract")
    scan(chinese)
    shot("kiosk-welcome")
    scan(forge(codes[2]))
    shot("kiosk-refused")
    win.kiosk.set_camera_status("failed", "0: no camera")
    shot("kiosk-out-of-order")
    win.kiosk.set_camera_status("running", "")
    win._fps_timer.stop()
    win.cam_state.setText("  camera: running · 30 fps  ")
    win.locked = False
    win.set_mode("dashboard")
    pump(2500)
    shot("dashboard")
    win.set_mode("staff")
    shell.shutdown()
    win.close()
    for path in saved:
        print(path)
    return 0


def _pick(db: Path, waiting: list[str]) -> tuple[list[str], str, str]:
    """Badge codes for the screenshots: three plain delegates, a VIP, a Chinese name."""
    from kiosk.checkin.service import CheckinService
    from kiosk.models.clock import ManualClock
    from kiosk.storage.store import Store

    store = Store.open(db)
    try:
        svc = CheckinService(store, ManualClock())
        people = [store.attendee(a) for a in waiting]
        plain = [a for a in people if a and a.category == "delegate" and a.name and a.name_zh]
        vips = [a for a in people if a and a.category == "vip"]
        chinese = [a for a in plain[3:] if "·" not in a.name_zh and a.name_zh and a.organization_zh]
        codes = [svc.badge_code(a.attendee_id) for a in plain[:3]]
        return codes, svc.badge_code(vips[0].attendee_id), svc.badge_code(chinese[0].attendee_id)
    finally:
        store.close()


def _fake_camera(win: Any) -> None:
    """The preview without a webcam: a synthetic hall frame with a badge, outlined."""
    import numpy as np

    from kiosk.scan.synth import Distortion, render
    from ui.camera import to_qimage

    d = Distortion(height=0.34, center=(0.52, 0.5), rotation=-8.0, tilt_x=0.08)
    frame, quad = render(1280, 720, "FC1:DEMO-BADGE-0001", d, np.random.default_rng(4))
    image = to_qimage(frame)
    for preview in (win.staff.preview, win.kiosk.preview):
        preview.set_frame(image)
    win.staff.preview.set_detections([list(quad)])
    win.staff.set_camera_status("running", "")
    win.kiosk.set_camera_status("running", "")
    win._fps_timer.stop()
    win.cam_state.setText("  camera: running · 30 fps  ")
    win.staff.preview.hold_outline = True

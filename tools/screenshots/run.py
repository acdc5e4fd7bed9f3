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

from kiosk.storage.tx import Tx

EVENT_DAY = date(2024, 11, 4)
WHEN = "2024-11-04T09:20:00+08:00"


def seed_activity(db: Path, n: int = 190, seed: int = 11) -> tuple[list[str], list[str]]:
    """A morning at the forum: opening-plenary arrivals from 08:05, a few refusals.

    Returns the ids of attendees not yet checked in (the screenshots scan those), and of
    some checked in at desk-2 (a repeat of theirs is news at this desk)."""
    from kiosk.checkin.service import CheckinService
    from kiosk.models.clock import ManualClock
    from kiosk.models.records import Category
    from kiosk.storage.store import Store

    store = Store.open(db)
    try:
        event = store.event()
        clock = ManualClock(datetime.combine(EVENT_DAY, time(8, 5), event.tz))
        svc = CheckinService(store, clock, rng=random.Random(seed))
        people = list(Tx(store.conn, store.event).people.everyone())
        rng = random.Random(seed)
        rng.shuffle(people)
        arriving = [a for a in people if a.category != Category.VIP][:n]
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
        at_desk_2 = [a.attendee_id for i, a in enumerate(arriving) if i % 3 == 0]
        return [a.attendee_id for a in people if a.attendee_id not in done], at_desk_2
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

    db = build_demo(tmp / "demo.sqlite", attendees=300, day=EVENT_DAY)
    waiting, earlier = seed_activity(db)
    picks = _pick(db, waiting, earlier)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from tools.screenshots.scenes import Scenes

    saved = Scenes(app, db, tmp, out, lang, screen).run(picks)
    for path in saved:
        print(path)
    return 0


def _pick(db: Path, waiting: list[str], earlier: list[str]) -> dict[str, Any]:
    """Badge codes for the screenshots: plain delegates, a VIP, a Chinese name, an
    American without a Chinese name, and someone checked in earlier at another desk."""
    from kiosk.checkin.service import CheckinService
    from kiosk.models.clock import ManualClock
    from kiosk.models.records import Category
    from kiosk.storage.store import Store

    store = Store.open(db)
    try:
        svc = CheckinService(store, ManualClock())
        people = [Tx(store.conn, store.event).people.attendee(a) for a in waiting]
        plain = [
            a for a in people if a and a.category == Category.DELEGATE and a.name and a.name_zh
        ]
        vips = [a for a in people if a and a.category == Category.VIP]
        chinese = [a for a in plain[5:] if "·" not in a.name_zh and a.name_zh and a.organization_zh]
        american = [
            a for a in people if a and a.name and not a.name_zh and a.category == Category.DELEGATE
        ]
        code = svc.badge_code
        return {
            "plain": [code(a.attendee_id) for a in plain[:4]],
            "vip": code(vips[0].attendee_id),
            "chinese": code(chinese[0].attendee_id),
            "american": code(american[0].attendee_id),
            "earlier": code(earlier[0]),
            "undo_person": plain[0],
        }
    finally:
        store.close()


def _fake_camera(win: Any) -> None:
    """The preview without a webcam: a synthetic hall frame with a badge, outlined."""
    import numpy as np

    from kiosk.scan.synth import Distortion, render
    from ui.capture.camera import to_qimage

    d = Distortion(height=0.34, center=(0.52, 0.5), rotation=-8.0, tilt_x=0.08)
    frame, quad = render(1280, 720, "FC1:DEMO-BADGE-0001", d, np.random.default_rng(4))
    image = to_qimage(frame)
    for preview in (win.staff.preview, win.kiosk.preview):
        preview.set_frame(image)
    win.staff.preview.set_detections([list(quad)])
    win.staff.set_camera_status("running", "")
    win.kiosk.set_camera_status("running", "")
    fps_text(win)
    win.staff.preview.hold_outline = True


def fps_text(win: Any) -> None:
    """The status bar's camera line as a running 30 fps camera shows it (no webcam here)."""
    win._fps_timer.stop()
    from PySide6.QtCore import QCoreApplication

    def mw(text: str) -> str:  # the window's own strings, already in its catalogue
        return QCoreApplication.translate("MainWindow", text)

    text = mw("camera: %1 · %2 fps").replace("%1", mw("running")).replace("%2", "30")
    win.cam_state.setText(f"  {text}  ")

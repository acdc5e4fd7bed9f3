"""Frame-to-result-panel latency (goal p95 < 100 ms) and GUI frame rate while scanning
(goal: at least the camera's), measured in the running staff desk.

The real application objects (database thread, camera threads, widgets, offscreen) play
a recorded badge video in real time; each decoded badge is checked in and shown. One
table compares decoders and camera resolutions.

    .venv/bin/python bench/gui_scan.py [--badges 15]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from kiosk.storage.tx import Tx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
EVENT_DAY = date(2024, 11, 4)


def make_video(db: Path, out: Path, n: int, size: tuple[int, int], fps: float) -> Path:
    from kiosk.checkin.service import CheckinService
    from kiosk.models.clock import ManualClock
    from kiosk.storage.store import Store
    from tests.helpers.ui_video import write_badge_video

    store = Store.open(db)
    try:
        svc = CheckinService(store, ManualClock(), rng=random.Random(1))
        codes: list[str | None] = [
            svc.badge_code(a.attendee_id)
            for a in list(Tx(store.conn, store.event).people.everyone())[:n]
        ]
    finally:
        store.close()
    return write_badge_video(
        out, codes, frames_each=15, gap_frames=9, fps=fps, width=size[0], height=size[1]
    )


def measure(app: object, db: Path, video: Path, decoder: str, fps: float) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from kiosk.models.clock import FixedClock, parse_instant
    from ui.app.shell import Shell, ShellOptions

    clock = FixedClock(parse_instant("2024-11-04T09:05:00+08:00"))
    shell = Shell(
        app,  # type: ignore[arg-type]
        ShellOptions(db_path=db, clock=clock, camera=str(video), loop_video=False, decoder=decoder,
                     sound=False, lang="en", settings_path=db.with_suffix(".json")),
    )  # fmt: skip
    shell.window.resize(1440, 900)
    shell.start()
    shell.window.show()
    loop = QEventLoop()
    assert shell.camera is not None
    shell.camera.status_changed.connect(
        lambda s, _m: QTimer.singleShot(800, loop.quit) if s == "ended" else None
    )
    t0 = time.monotonic()
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    elapsed = time.monotonic() - t0
    lat = sorted(x * 1000 for x in shell.window.staff.latencies)
    shown = shell.window.staff.preview.frames
    captured = shell.camera.frames_captured
    decoded = shell.camera.frames_decoded
    stalls = list(shell.watchdog.stalls) if shell.watchdog else []
    shell.shutdown()
    shell.window.close()
    shell.window.deleteLater()
    return {
        "results": len(lat),
        "p50": statistics.median(lat) if lat else float("nan"),
        "p95": lat[max(0, int(len(lat) * 0.95) - 1)] if lat else float("nan"),
        "gui_fps": shown / elapsed,
        "cam_fps": captured / elapsed,
        "decoded": decoded / max(1, captured),
        "stalls": len(stalls),
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--badges", type=int, default=15)
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    from kiosk.demo import build_demo
    from ui.app.refguard import pin_singletons

    pin_singletons()
    app = QApplication.instance() or QApplication([])
    variants = [
        ("zxing", (1280, 720)),
        ("zxing", (640, 480)),
        ("pyzbar", (1280, 720)),
        ("opencv", (1280, 720)),
    ]
    print(
        f"{'decoder':<8} {'camera':>9} {'scans':>5} {'p50 ms':>7} {'p95 ms':>7} {'GUI fps':>8} {'cam fps':>8} {'decoded':>8} {'stalls':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        template = build_demo(Path(tmp) / "template.sqlite", attendees=120, day=EVENT_DAY)
        for decoder, size in variants:
            db = Path(tmp) / f"{decoder}-{size[0]}.sqlite"
            db.write_bytes(template.read_bytes())
            video = make_video(template, Path(tmp) / f"{size[0]}.avi", args.badges, size, 30.0)
            os.environ["FORUM_CHECKIN_HOME"] = str(Path(tmp) / "home")
            r = measure(app, db, video, decoder, 30.0)
            print(
                f"{decoder:<8} {size[0]:>4}x{size[1]:<4} {r['results']:>5.0f} {r['p50']:>7.1f} {r['p95']:>7.1f} "
                f"{r['gui_fps']:>8.1f} {r['cam_fps']:>8.1f} {r['decoded']:>8.0%} {r['stalls']:>6.0f}"
            )
    print("goals: p95 < 100 ms; GUI fps >= camera fps (30); stalls = GUI-thread stalls > 100 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Memory of the running staff desk over 50,000 frames of the demo video (goal: no growth).

The demo video loops as fast as it decodes (not paced), through the real camera threads,
preview and database thread; the resident set size is sampled every 10,000 frames. One
table, one column per checkpoint, for the staff desk and the kiosk.

    .venv/bin/python bench/gui_memory.py [--frames 50000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(app: object, db: Path, video: str, mode: str, frames: int, every: int) -> list[float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from kiosk.models.clock import SystemClock
    from ui.app.shell import Shell, ShellOptions

    shell = Shell(
        app,  # type: ignore[arg-type]
        ShellOptions(db_path=db, clock=SystemClock(), camera=video, camera_realtime=False,
                     sound=False, lang="en", fullscreen_kiosk=False,
                     settings_path=db.with_suffix(".json")),
    )  # fmt: skip
    win = shell.window
    win.resize(1440, 900)
    shell.start()
    win.show()
    if mode == "kiosk":
        win.set_mode("kiosk")
    samples: list[float] = []
    loop = QEventLoop()
    target = [every]

    def check() -> None:
        cam = shell.camera
        assert cam is not None
        if cam.frames_captured >= target[0]:
            samples.append(rss_mb())
            target[0] += every
            if cam.frames_captured >= frames:
                loop.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(50)
    samples.append(rss_mb())
    loop.exec()
    timer.stop()
    win.locked = False
    shell.shutdown()
    win.close()
    return samples


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--frames", type=int, default=50_000)
    ap.add_argument("--every", type=int, default=10_000)
    args = ap.parse_args()
    from PySide6.QtWidgets import QApplication

    from kiosk.demo import build_demo
    from ui.app.paths import demo_videos
    from ui.app.refguard import pin_singletons

    pin_singletons()
    videos = demo_videos()
    if not videos:
        raise SystemExit("no demo video in resources/demo/ (make demo-video)")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FORUM_CHECKIN_HOME"] = str(Path(tmp) / "home")
        db = build_demo(Path(tmp) / "demo.sqlite", attendees=300)
        rows = [
            (mode, run(app, db, str(videos[0]), mode, args.frames, args.every))
            for mode in ("staff", "kiosk")
        ]
    heads = ["start"] + [f"{n // 1000}k" for n in range(args.every, args.frames + 1, args.every)]
    print(
        f"{'mode':<6} "
        + " ".join(f"{h:>7}" for h in heads)
        + "   growth after 1st checkpoint (MB RSS)"
    )
    for mode, s in rows:
        growth = s[-1] - s[1] if len(s) > 2 else float("nan")
        print(f"{mode:<6} " + " ".join(f"{v:>7.1f}" for v in s) + f"   {growth:+.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

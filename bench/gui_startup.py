"""Time from `python main.py` to the first camera frame on screen (goal: under 2 s).

Starts the real application as a subprocess (offscreen) on the demo video, reads the
"first frame shown" line of its log, and prints one table comparing start-up variants:
first run (the demo database is built), later runs, kiosk mode, and the camera-less
start with the recorded video given explicitly.

    .venv/bin/python bench/gui_startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def first_frame_after(home: Path, *args: str) -> float:
    log = home / "forum-checkin.log"
    if log.exists():
        log.unlink()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FORUM_CHECKIN_HOME=str(home))
    t0 = time.time()
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args, "--exit-after", "4", "--no-sound", "--no-echo"],
        env=env, cwd=ROOT, capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    m = re.search(r"first frame shown .*wall clock ([0-9.]+)", log.read_text(encoding="utf-8"))
    if not m:
        raise SystemExit(f"no frame was shown (see {log})")
    return float(m.group(1)) - t0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from ui.app.paths import demo_videos

    videos = demo_videos()
    if not videos:
        raise SystemExit("no demo video in resources/demo/ (make demo-video)")
    video = str(videos[0])
    rows: list[tuple[str, list[float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        rows.append(("first run: builds the demo database", [first_frame_after(home)]))
        rows.append(
            ("demo database exists (make run)", [first_frame_after(home) for _ in range(args.runs)])
        )
        rows.append(
            (
                "--camera VIDEO (no webcam probe)",
                [first_frame_after(home, "--camera", video) for _ in range(args.runs)],
            )
        )
        rows.append(
            ("--mode kiosk", [first_frame_after(home, "--mode", "kiosk") for _ in range(args.runs)])
        )
    print(f"{'variant':<40} {'runs':>4} {'median s':>9} {'max s':>7}  goal < 2 s")
    for name, values in rows:
        med, worst = statistics.median(values), max(values)
        print(
            f"{name:<40} {len(values):>4} {med:>9.2f} {worst:>7.2f}  {'ok' if worst < 2 else 'SLOW'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

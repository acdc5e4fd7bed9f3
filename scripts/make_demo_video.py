"""Make the demo video that `make run` plays when there is no webcam.

    python scripts/make_demo_video.py [--db DEMO.db | --seed 7] [--out resources/demo/badges.mp4]

It shows the badges of the first demo attendees (by registration number) of the demo
database built with `--seed` (ids, badge ids and the demo signing key depend on the seed
only, so the video matches every demo database built with that seed, on any day), then
decodes the video it wrote and checks that every badge is read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.models.clock import SystemClock  # noqa: E402
from kiosk.scan.demo_video import Shown, Timeline, write_video  # noqa: E402
from kiosk.scan.pipeline import FramePipeline  # noqa: E402
from kiosk.scan.sources import SourceStatus, open_source  # noqa: E402


def demo_people(db: Path, count: int) -> list[Shown]:
    from kiosk.checkin.service import CheckinService
    from kiosk.storage.store import Store

    store = Store.open(db)
    try:
        service = CheckinService(store, SystemClock())
        people = sorted(store.attendees(), key=lambda a: a.external_id)[:count]
        return [
            Shown(service.badge_code(a.attendee_id), a.name, a.name_zh, a.organization)
            for a in people
        ]
    finally:
        store.close()


def verify(path: Path, people: list[Shown]) -> dict[str, int]:
    """Frames on which each badge's code was read."""
    seen = {p.code: 0 for p in people}
    src = open_source(str(path))
    pipeline = FramePipeline()
    try:
        while (r := src.read()).status is SourceStatus.OK:
            assert r.frame is not None
            for d in pipeline.process(r.frame):
                if d.text not in seen:
                    raise SystemExit(f"{path}: decoded a code that is not in the video: {d.text!r}")
                seen[d.text] += 1
    finally:
        src.close()
    return seen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--db", type=Path, help="a demo database (default: build one with --seed)")
    ap.add_argument("--seed", type=int, default=7, help="demo seed (default 7)")
    ap.add_argument("--attendees", type=int, default=8, help="badges shown (default 8)")
    ap.add_argument("--fps", type=float, default=10.0, help="frames per second (default 10)")
    ap.add_argument("--out", type=Path, default=ROOT / "resources" / "demo" / "badges.mp4")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from kiosk.demo import build_demo

            db = build_demo(Path(tmp) / "demo.db", attendees=300, seed=args.seed)
        elif not db.exists():
            print(f"error: {db}: no such database", file=sys.stderr)
            return 1
        people = demo_people(db, args.attendees)
    try:
        n = write_video(args.out, people, timeline=Timeline(fps=args.fps), seed=args.seed)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seen = verify(args.out, people)
    size = args.out.stat().st_size
    print(f"{args.out}: {n} frames at {args.fps:g} fps, {size / 1e6:.2f} MB")
    for p in people:
        print(f"  {seen[p.code]:3d} frames read  {p.name or p.name_zh}")
    missing = [p for p in people if seen[p.code] == 0]
    if missing:
        print(f"error: {len(missing)} badges are never read in the video", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

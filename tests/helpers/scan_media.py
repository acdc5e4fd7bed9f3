"""Media for scanning tests: demo badge codes, videos of them, corpus listing."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import SystemClock
from kiosk.scan import synth
from kiosk.scan.demo_video import Shown, Timeline, write_video
from kiosk.storage.store import Store
from tests.helpers.reads import reads

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "qr-photos"
IMAGE_SUFFIXES = (".webp", ".png", ".jpg")


def corpus_items() -> list[tuple[Path, str]]:
    """(image, expected text) for every corpus image that has a NAME.txt beside it."""
    items = []
    for folder in sorted(CORPUS.glob("qrcode-*")):
        for txt in sorted(folder.glob("*.txt")):
            if txt.name.endswith(".result.txt"):
                continue
            images = [txt.with_suffix(s) for s in IMAGE_SUFFIXES if txt.with_suffix(s).exists()]
            if images:
                # bytes, not text mode: some expected texts hold \r\n that must stay as they are
                items.append((images[0], txt.read_bytes().decode("utf-8")))
    return items


def corpus_false_positives() -> list[Path]:
    return sorted(p for p in (CORPUS / "falsepositives-1").iterdir() if p.suffix in IMAGE_SUFFIXES)


def demo_people(db: Path, count: int) -> list[tuple[str, Shown]]:
    """(attendee id, badge) of the first `count` demo attendees by registration number."""
    store = Store.open(db)
    try:
        service = CheckinService(store, SystemClock())
        people = sorted(reads(store).people.everyone(), key=lambda a: a.external_id)[:count]
        return [
            (a.attendee_id, Shown(service.badge_code(a.attendee_id), a.name, a.name_zh))
            for a in people
        ]
    finally:
        store.close()


QUICK = Timeline(fps=10, show=1.0, gap=0.5, lead_in=0.3)


def badge_video(path: Path, shown: list[Shown], timeline: Timeline = QUICK) -> Path:
    write_video(path, shown, timeline=timeline)
    return path


def folder_of(tmp: Path, name: str, codes: list[str | None]) -> Path:
    """A folder of 640x480 frames showing `codes` (None: a frame without a code)."""
    d = tmp / name
    d.mkdir()
    for i, code in enumerate(codes):
        frame, _ = synth.render(
            640, 480, code, synth.Distortion(height=0.4), np.random.default_rng(i)
        )
        cv2.imwrite(str(d / f"{i:03d}.png"), frame)
    return d

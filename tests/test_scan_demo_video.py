"""The committed demo video (what `make run` plays without a webcam) matches the demo data."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.demo import build_demo
from kiosk.scan.pipeline import FramePipeline
from kiosk.scan.sources import open_source
from tests.helpers.scan_media import demo_people

VIDEO = Path(__file__).resolve().parents[1] / "resources" / "demo" / "badges.mp4"


def codes_in(video: Path) -> list[str]:
    src, pipe, seen = open_source(str(video)), FramePipeline(), []
    try:
        while (r := src.read()).ok:
            assert r.frame is not None
            seen += [d.text for d in pipe.process(r.frame) if d.text not in seen]
    finally:
        src.close()
    return seen


def test_demo_video_is_small_and_shows_the_first_demo_badges(tmp_path: Path) -> None:
    """If this fails after a change to the demo data, run `make demo-video`."""
    assert VIDEO.exists(), f"{VIDEO} is missing: run `make demo-video`"
    assert VIDEO.stat().st_size < 5_000_000
    src = open_source(str(VIDEO))
    assert (src.info.width, src.info.height) == (1280, 720)
    assert 20 <= src.info.frame_count / src.info.fps <= 40  # seconds
    src.close()
    db = build_demo(tmp_path / "demo.sqlite", attendees=300, seed=7)  # today, as `make run`
    expected = [shown.code for _, shown in demo_people(db, 8)]
    assert codes_in(VIDEO) == expected


@pytest.mark.parametrize("day", ["2024-11-04", "2031-02-28"])
def test_demo_badge_codes_do_not_depend_on_the_day(tmp_path: Path, day: str) -> None:
    from datetime import date

    today = build_demo(tmp_path / "today.sqlite", attendees=300, seed=7)
    other = build_demo(
        tmp_path / "other.sqlite", attendees=300, day=date.fromisoformat(day), seed=7
    )
    assert [s.code for _, s in demo_people(today, 8)] == [s.code for _, s in demo_people(other, 8)]

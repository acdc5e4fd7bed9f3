"""Frame sources: video files, folders, cameras and streams that are absent, reconnection."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.models.clock import ManualClock
from kiosk.scan.sources import (
    FolderSource,
    ReconnectingSource,
    SourceError,
    SourceStatus,
    open_source,
)


def numbered_frame(i: int, w: int = 320, h: int = 240) -> np.ndarray:
    f = np.full((h, w, 3), (i * 7) % 256, np.uint8)
    cv2.putText(f, str(i), (40, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 5)
    return f


def write_avi(path: Path, n: int, fps: float = 10) -> Path:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (320, 240))
    for i in range(n):
        w.write(numbered_frame(i))
    w.release()
    return path


def drain(src, limit: int = 10_000):
    frames = 0
    while (r := src.read()).ok and frames < limit:
        frames += 1
    return frames, r


def test_video_file_plays_to_its_end(tmp_path: Path) -> None:
    src = open_source(str(write_avi(tmp_path / "v.avi", 25)))
    assert (src.info.kind, src.info.width, src.info.height, src.info.fps) == ("video", 320, 240, 10)
    assert src.info.frame_count == 25
    n, last = drain(src)
    assert n == 25
    assert last.status is SourceStatus.ENDED and "v.avi" in last.reason
    assert src.read().status is SourceStatus.ENDED  # stays ended


def test_looping_video_starts_again(tmp_path: Path) -> None:
    src = open_source(str(write_avi(tmp_path / "v.avi", 10)), loop=True)
    first = [src.read() for _ in range(25)]
    assert all(r.ok for r in first)
    assert [r.index for r in first] == list(range(25))
    assert np.array_equal(first[0].frame, first[10].frame)  # frame 0 again
    src.close()


def test_truncated_video_fails_midway_naming_the_file(tmp_path: Path) -> None:
    full = write_avi(tmp_path / "full.avi", 40)
    cut = tmp_path / "cut.avi"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) * 6 // 10])
    src = open_source(str(cut))
    n, last = drain(src)
    assert 10 < n < 40
    assert last.status is SourceStatus.FAILED
    assert "cut.avi" in last.reason and "truncated" in last.reason


def test_garbage_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "notavideo.mp4"
    bad.write_bytes(b"\x00garbage" * 100)
    with pytest.raises(SourceError, match=r"notavideo\.mp4"):
        open_source(str(bad))


def test_missing_path_and_empty_spec(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        open_source(str(tmp_path / "nope.mp4"))
    with pytest.raises(SourceError, match="no frame source"):
        open_source("  ")


def test_realtime_playback_is_paced_at_the_file_fps(tmp_path: Path) -> None:
    clock = ManualClock()
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        clock.advance(s)

    src = open_source(
        str(write_avi(tmp_path / "v.avi", 10, fps=5)), realtime=True, clock=clock, sleep=sleep
    )
    t0 = clock.monotonic()
    n, _ = drain(src)
    assert n == 10
    assert clock.monotonic() - t0 == pytest.approx(9 * 0.2)  # 5 fps, no time spent decoding
    assert len(slept) == 9


def test_folder_of_images_in_name_order_skips_unreadable_files(tmp_path: Path) -> None:
    for i in (2, 0, 1):
        cv2.imwrite(str(tmp_path / f"f{i}.png"), numbered_frame(i))
    (tmp_path / "f1b.jpg").write_bytes(b"not a jpeg")
    (tmp_path / "notes.txt").write_text("ignored")
    src = open_source(str(tmp_path))
    assert isinstance(src, FolderSource)
    frames = []
    while (r := src.read()).ok:
        frames.append(r.frame)
    assert len(frames) == 3
    assert [int(f[5, 5, 0]) for f in frames] == [0, 7, 14]
    assert r.status is SourceStatus.ENDED
    assert len(src.problems) == 1 and "f1b.jpg" in src.problems[0]


def test_folder_without_images_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(SourceError, match="no images"):
        open_source(str(tmp_path))


def test_absent_camera_is_unavailable_with_a_reason() -> None:
    src = open_source("9")  # no /dev/video9 here (nor on a CI machine)
    r = src.read()
    assert r.status is SourceStatus.UNAVAILABLE
    assert r.reason.startswith("camera 9:")
    src.close()


def test_unreachable_stream_is_unavailable_with_a_reason() -> None:
    src = open_source("rtsp://127.0.0.1:9/none")
    r = src.read()
    assert r.status is SourceStatus.UNAVAILABLE and "rtsp://127.0.0.1:9/none" in r.reason


class FlakyCamera:
    """A camera stand-in made of real sources: absent, then frames, then lost, then back."""

    def __init__(self, folder: Path, plan: list[str]) -> None:
        self.folder = folder
        self.plan = plan  # per open attempt: "absent" or "frames:N"
        self.opened = 0

    def __call__(self):
        step = self.plan[min(self.opened, len(self.plan) - 1)]
        self.opened += 1
        if step == "absent":
            return open_source("9")
        n = int(step.split(":")[1])
        src = open_source(str(self.folder))
        src.files = src.files[:n]
        return LoseAtEnd(src)


class LoseAtEnd:
    """A source whose end is a lost device (FAILED), as a camera unplugged mid-stream."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.info = inner.info

    def read(self):
        r = self.inner.read()
        if r.status is SourceStatus.ENDED:
            from kiosk.scan.sources import ReadResult

            return ReadResult(SourceStatus.FAILED, reason="camera 9: stopped delivering frames")
        return r

    def close(self) -> None:
        self.inner.close()


def test_reconnecting_source_retries_with_exponential_back_off(tmp_path: Path) -> None:
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"f{i}.png"), numbered_frame(i))
    clock = ManualClock()
    changes: list[tuple[SourceStatus, str]] = []
    cam = FlakyCamera(tmp_path, ["absent", "absent", "frames:2", "absent", "frames:3"])
    src = ReconnectingSource(
        cam, clock, first_delay=0.5, max_delay=4, on_status=lambda s, r: changes.append((s, r))
    )

    r = src.read()
    assert r.status is SourceStatus.UNAVAILABLE and r.retry_in == 0.5 and "camera 9" in r.reason
    assert src.read().retry_in == pytest.approx(0.5)  # not due yet: no new attempt
    assert cam.opened == 1
    clock.advance(0.5)
    assert src.read().retry_in == 1.0  # second failure: doubled
    clock.advance(1.0)
    assert src.read().ok and src.read().ok  # back: two frames
    r = src.read()  # lost
    assert r.status is SourceStatus.FAILED and r.retry_in == 0.5  # back-off was reset
    clock.advance(0.5)
    assert src.read().retry_in == 1.0
    clock.advance(1.0)
    assert all(src.read().ok for _ in range(3))
    assert cam.opened == 5
    assert [s for s, _ in changes] == [
        SourceStatus.UNAVAILABLE,
        SourceStatus.OK,
        SourceStatus.FAILED,
        SourceStatus.UNAVAILABLE,
        SourceStatus.OK,
    ]


def test_back_off_is_capped() -> None:
    clock = ManualClock()
    src = ReconnectingSource(lambda: open_source("9"), clock, first_delay=1, max_delay=4)
    waits = []
    for _ in range(6):
        r = src.read()
        waits.append(r.retry_in)
        clock.advance(r.retry_in or 0)
    assert waits == [1, 2, 4, 4, 4, 4]

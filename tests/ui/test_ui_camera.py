"""Camera threads: latest frame wins (no queue), one scan per showing, clean end; sounds."""

from __future__ import annotations

import time
from typing import Any

from kiosk.models.clock import ManualClock
from ui.app.sounds import SoundPlayer
from ui.capture.camera import CameraConfig, CameraWorker


def test_a_busy_gui_gets_the_latest_frame_not_a_queue(qtbot: Any, make_video: Any) -> None:
    video = make_video(["FC1:NOT-A-REAL-BADGE-0001"], frames_each=200, gap_frames=50)
    cam = CameraWorker(CameraConfig(spec=str(video), loop=True, realtime=False), ManualClock())
    got: list[object] = []
    cam.frame_ready.connect(lambda img: got.append(img))
    cam.start()
    try:
        qtbot.waitUntil(lambda: len(got) >= 1, timeout=10000)
        before = cam.frames_captured
        time.sleep(0.5)  # the GUI thread is busy: it does not call frame_shown()
        qtbot.wait(50)
        assert cam.frames_captured - before > 20  # capture went on meanwhile …
        assert len(got) == 1  # … but nothing piled up for the GUI
        cam.frame_shown()
        qtbot.waitUntil(lambda: len(got) == 2, timeout=3000)
        assert cam.dropped > 0  # decoding skipped frames rather than queueing them
    finally:
        cam.stop()


def test_one_scan_per_showing_and_a_clean_end(qtbot: Any, make_video: Any) -> None:
    codes = ["FC1:FIRST-BADGE-IN-THE-VIDEO", "FC1:SECOND-BADGE-IN-THE-VIDEO"]
    video = make_video(codes, frames_each=10, gap_frames=5)
    cam = CameraWorker(CameraConfig(spec=str(video), loop=False, realtime=False), ManualClock())
    read: list[str] = []
    states: list[str] = []
    quads: list[object] = []
    cam.code_read.connect(lambda text, _t: read.append(text))
    cam.status_changed.connect(lambda s, _m: states.append(s))
    cam.detected.connect(lambda q: quads.extend(q))
    cam.frame_ready.connect(lambda _img: cam.frame_shown())
    cam.start()
    try:
        qtbot.waitUntil(lambda: "ended" in states, timeout=15000)
        qtbot.wait(300)  # the decoder's last frames
    finally:
        cam.stop()
    assert read == codes  # each once, in order, though seen on many frames
    assert states[:2] == ["starting", "running"]
    assert quads and all(len(q) == 4 for q in quads)  # corners for the outline


def test_a_missing_camera_is_reported_with_its_name(qtbot: Any, tmp_path: Any) -> None:
    missing = tmp_path / "no-such-video.avi"
    cam = CameraWorker(CameraConfig(spec=str(missing), retry_s=0.1), ManualClock())
    msgs: list[tuple[str, str]] = []
    cam.status_changed.connect(lambda s, m: msgs.append((s, m)))
    cam.start()
    try:
        qtbot.waitUntil(lambda: any(s == "failed" for s, _ in msgs), timeout=5000)
    finally:
        cam.stop()
    failed = next(m for s, m in msgs if s == "failed")
    assert str(missing) in failed


def test_sounds_without_an_audio_device_are_silent(qtbot: Any) -> None:
    player = SoundPlayer(enabled=True)
    for name in ("admitted", "already", "refused", "attention"):
        player.play(name)
    assert player.played == ["admitted", "already", "refused", "attention"]
    off = SoundPlayer(enabled=False)
    off.play("admitted")
    assert not off.active and off.played == ["admitted"]

"""Decoder backends and the frame pipeline on real rendered QR images."""

from __future__ import annotations

import sys

import cv2
import numpy as np
import pytest

from kiosk.scan import synth
from kiosk.scan.decoders import (
    DecoderUnavailable,
    available_decoders,
    make_decoder,
    make_decoder_or_fallback,
)
from kiosk.scan.pipeline import FramePipeline, tiles

CODE = synth.badge_text(1)


def corners_match(found, truth, tol: float) -> bool:
    """Every true corner has a found corner within `tol` pixels (order aside)."""
    f = np.array(found, dtype=float)
    return len(found) == 4 and all(np.min(np.hypot(*(f - np.array(t)).T)) < tol for t in truth)


def frame_with_code(width: int, height: int, d: synth.Distortion, seed: int = 3, text: str = CODE):
    rng = np.random.default_rng(seed)
    return synth.render(width, height, text, d, rng)


@pytest.mark.parametrize("name", ["zxing", "pyzbar", "opencv"])
def test_each_backend_reads_a_clean_code_with_its_corners(name: str) -> None:
    if name not in available_decoders():
        pytest.skip(f"{name} cannot run here")
    frame, quad = frame_with_code(640, 480, synth.Distortion(height=0.5, noise=1))
    found = make_decoder(name).decode(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    assert [d.text for d in found] == [CODE]
    assert corners_match(found[0].corners, quad, tol=12)


@pytest.mark.parametrize("name", ["zxing", "pyzbar", "opencv"])
def test_no_backend_reads_anything_on_empty_frames(name: str) -> None:
    if name not in available_decoders():
        pytest.skip(f"{name} cannot run here")
    dec = make_decoder(name)
    for frame in synth.empty_set(4, 640, 480, seed=5):
        assert dec.decode(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)) == []


def test_unknown_decoder_name() -> None:
    with pytest.raises(ValueError, match="zxing, pyzbar, opencv"):
        make_decoder("quagga")


def test_missing_zbar_falls_back_to_zxing_and_says_so_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyzbar.pyzbar", None)  # as if libzbar0 were missing
    monkeypatch.setitem(sys.modules, "pyzbar", None)
    with pytest.raises(DecoderUnavailable, match="libzbar0"):
        make_decoder("pyzbar")
    told: list[str] = []
    dec = make_decoder_or_fallback("pyzbar", told.append)
    assert dec.name == "zxing" and len(told) == 1
    assert "libzbar0" in told[0] and "zxing" in told[0]
    assert "pyzbar" not in available_decoders()


def test_pipeline_corners_are_in_the_original_frame_coordinates_at_1080p() -> None:
    d = synth.Distortion(height=0.35, center=(0.3, 0.6), rotation=12, tilt_x=0.1)
    frame, quad = frame_with_code(1920, 1080, d)
    pipe = FramePipeline()
    found = pipe.process(frame)
    assert [x.text for x in found] == [CODE]
    assert pipe.stats.found_by == "sharp"  # found on the frame scaled to 720p …
    assert corners_match(found[0].corners, quad, tol=15)  # … reported at full resolution


def test_pipeline_accepts_gray_and_bgra_and_ignores_tiny_images() -> None:
    frame, _ = frame_with_code(640, 480, synth.Distortion(height=0.4))
    pipe = FramePipeline()
    assert [d.text for d in pipe.process(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))] == [CODE]
    assert [d.text for d in pipe.process(cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA))] == [CODE]
    assert pipe.process(np.zeros((1, 1, 3), np.uint8)) == []


def test_inverted_code_on_a_phone_in_dark_mode() -> None:
    for seed, (w, h) in enumerate([(640, 480), (1280, 720), (1920, 1080)]):
        d = synth.Distortion(height=0.45, rotation=-10, tilt_y=0.1, invert=True, noise=4)
        frame, _ = frame_with_code(w, h, d, seed=seed)
        pipe = FramePipeline()
        assert [x.text for x in pipe.process(frame)] == [CODE], (w, h)
        assert pipe.stats.found_by == "sharp"  # zxing inverts the sharpened image itself


@pytest.mark.parametrize(("w", "h"), [(1280, 720), (1920, 1080)])
def test_distorted_frames_are_read(w: int, h: int) -> None:
    pipe = FramePipeline()
    frames = synth.distorted_set(12, w, h, seed=21)
    read = sum(any(d.text == text for d in pipe.process(f)) for f, text, _ in frames)
    assert read == 12


def test_sharpening_reads_what_plain_zxing_misses() -> None:
    """The step that earns its cost: a blurred, low-contrast small code at 720p."""
    d = synth.Distortion(
        height=0.16, center=(0.3, 0.7), blur=1.6, contrast=0.45, noise=5, rotation=8
    )
    frame, _ = frame_with_code(1280, 720, d, seed=4)
    plain = make_decoder("zxing").decode(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    assert plain == []
    assert [x.text for x in FramePipeline().process(frame)] == [CODE]


def test_empty_frames_give_nothing() -> None:
    pipe = FramePipeline(budget_ms=100)
    for w, h in [(640, 480), (1280, 720), (1920, 1080)]:
        for frame in synth.empty_set(5, w, h, seed=w):
            assert pipe.process(frame) == []


def test_small_distant_code_low_in_a_1080p_frame_is_read_within_a_few_frames() -> None:
    d = synth.Distortion(height=0.06, center=(0.7, 0.85), rotation=5, noise=2)
    frame, quad = frame_with_code(1920, 1080, d, seed=8)
    assert FramePipeline().process(frame) == []  # too small once scaled down to 720p
    pipe = FramePipeline(budget_ms=1000)
    n_tiles = len(tiles(1920, 1080, 960, 540))
    attempts = [(pipe.process(frame), pipe.stats.found_by) for _ in range(n_tiles)]
    first = next(i for i, (found, _) in enumerate(attempts) if found)
    assert first < 3  # bottom row first: the lower part of the picture is tried first
    found, by = attempts[first]
    assert [x.text for x in found] == [CODE]
    assert by.startswith("tile@")
    assert corners_match(found[0].corners, quad, tol=6)


def test_no_budget_no_tiles() -> None:
    d = synth.Distortion(height=0.06, center=(0.7, 0.85), rotation=5, noise=2)
    frame, _ = frame_with_code(1920, 1080, d, seed=8)
    pipe = FramePipeline(budget_ms=0)
    for _ in range(8):
        assert pipe.process(frame) == []
    assert not any(p.startswith("tile") for p in pipe.stats.passes)


def test_tiles_cover_the_frame_with_overlap_bottom_first() -> None:
    ts = tiles(1920, 1080, 960, 540)
    assert ts[0][1] == 540  # bottom row first
    covered = np.zeros((1080, 1920), bool)
    for x, y, w, h in ts:
        covered[y : y + h, x : x + w] = True
    assert covered.all()
    assert tiles(640, 480, 960, 540) == [(0, 0, 640, 480)]


def test_thorough_mode_reads_a_tiny_code() -> None:
    img = synth.qr_image("http://example.com/x", module_px=2, quiet=2)  # 2 px per module
    img = cv2.GaussianBlur(img, (0, 0), 0.7)
    assert FramePipeline(thorough=True).process(img)[0].text == "http://example.com/x"

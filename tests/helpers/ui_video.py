"""Badge videos for UI tests: real QR codes of real demo badges, written with OpenCV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from kiosk.scan.synth import qr_image


def badge_frame(code: str | None, width: int = 640, height: int = 480) -> np.ndarray:
    """A light-grey BGR frame with the badge's QR code in the middle (or none)."""
    frame = np.full((height, width, 3), 205, dtype=np.uint8)
    cv2.rectangle(frame, (30, 30), (width - 30, height - 30), (180, 180, 180), 2)
    if code:
        card = qr_image(code, module_px=6, quiet=4)
        side = min(card.shape[0], height - 40)
        scaled = cv2.resize(card, (side, side), interpolation=cv2.INTER_NEAREST)
        y, x = (height - side) // 2, (width - side) // 2
        frame[y : y + side, x : x + side] = scaled[..., None]
    return frame


def write_badge_video(
    path: Path,
    codes: Sequence[str | None],
    frames_each: int = 12,
    gap_frames: int = 6,
    fps: float = 15.0,
    width: int = 640,
    height: int = 480,
) -> Path:
    """An MJPG .avi showing each code for `frames_each` frames with blank frames between."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise OSError(f"cannot write video {path}")
    try:
        blank = badge_frame(None, width, height)
        for _ in range(gap_frames):
            writer.write(blank)
        for code in codes:
            shown = badge_frame(code, width, height)
            for _ in range(frames_each):
                writer.write(shown)
            for _ in range(gap_frames):
                writer.write(blank)
    finally:
        writer.release()
    return path

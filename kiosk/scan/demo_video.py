"""A recorded stand-in for a webcam: badges shown one after another to a camera.

Each badge (a real badge code of a demo attendee, with the name in English and Chinese) is
held up for a couple of seconds with its own conditions: perspective tilt, rotation, blur,
dim or uneven lighting, far away in the lower part of the picture, or on a phone in dark
mode (light modules on dark). Between badges the camera sees the hall without any code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from kiosk.scan import synth

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
EVENT_EN = "2024 U.S.–China Cleantech Cooperation Forum"
EVENT_ZH = "2024 中美清洁技术合作论坛"


@dataclass(frozen=True, slots=True)
class Shown:
    """One badge in the video."""

    code: str
    name: str = ""
    name_zh: str = ""
    organization: str = ""


# How each successive badge is shown (cycled): the conditions of a real hall.
LOOKS: tuple[tuple[str, synth.Distortion], ...] = (
    ("plain", synth.Distortion(height=0.75, center=(0.5, 0.5))),
    ("tilted", synth.Distortion(height=0.7, center=(0.45, 0.5), rotation=-14, tilt_x=0.2)),
    ("blurred", synth.Distortion(height=0.72, center=(0.55, 0.52), rotation=6, blur=1.6)),
    ("dim", synth.Distortion(height=0.7, center=(0.5, 0.5), contrast=0.45, light=-0.7)),
    ("phone-dark", synth.Distortion(height=0.6, center=(0.5, 0.5), rotation=-8, invert=True)),
    ("far-low", synth.Distortion(height=0.36, center=(0.62, 0.75), rotation=10, tilt_y=0.15)),
    (
        "steep",
        synth.Distortion(height=0.72, center=(0.5, 0.5), rotation=25, tilt_x=-0.28, tilt_y=0.12),
    ),
    ("bright", synth.Distortion(height=0.7, center=(0.48, 0.5), contrast=0.6, light=0.5)),
)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_DIR / ("NotoSansSC-Bold.otf" if bold else "NotoSansSC-Regular.otf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:  # the font is missing: Latin text still shows
        return ImageFont.load_default()


def badge_card(person: Shown, dark: bool = False, module_px: int = 6) -> NDArray[np.uint8]:
    """A BGR image of a printed badge (or, `dark`, of a phone in dark mode showing it)."""
    qr = synth.qr_image(person.code, module_px=module_px, quiet=4)
    side = qr.shape[0]
    w, h = max(side + 40, 520), side + 260
    bg, fg, band = (
        ((24, 24, 28), (235, 235, 235), (40, 70, 60))
        if dark
        else ((255, 255, 255), (20, 20, 20), (0, 110, 90))
    )
    img = Image.new("RGB", (w, h), bg)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, w, 70), fill=band)
    draw.text((20, 10), EVENT_EN, font=_font(18, True), fill=(255, 255, 255))
    draw.text((20, 38), EVENT_ZH, font=_font(18), fill=(255, 255, 255))
    draw.text((20, 85), person.name or person.name_zh, font=_font(40, True), fill=fg)
    draw.text((20, 140), person.name_zh if person.name else "", font=_font(34), fill=fg)
    draw.text((20, 190), person.organization[:40], font=_font(22), fill=fg)
    code = np.asarray(img).copy()
    tile = 255 - qr if dark else qr
    x0 = (w - side) // 2
    code[h - side - 20 : h - 20, x0 : x0 + side] = tile[:, :, None]
    return cv2.cvtColor(code, cv2.COLOR_RGB2BGR)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Timeline:
    fps: float = 10.0
    show: float = 2.4  # seconds a badge is in view
    gap: float = 1.0  # seconds of hall without a code between badges
    lead_in: float = 0.8
    hold: int = 4  # frames per pose: a badge held up moves a little, not on every frame


def frames(
    people: Sequence[Shown],
    width: int = 1280,
    height: int = 720,
    timeline: Timeline = Timeline(),
    seed: int = 7,
) -> list[tuple[NDArray[np.uint8], str | None]]:
    """The video's frames, each with the code in view (None for frames without one)."""
    rng = np.random.default_rng(seed)
    hall = synth.scene(width, height, rng)
    out: list[tuple[NDArray[np.uint8], str | None]] = []
    still = synth.Distortion(noise=0.0)
    for _ in range(round(timeline.lead_in * timeline.fps)):
        out.append((synth.degrade(hall, still, rng), None))
    n_show = max(1, round(timeline.show * timeline.fps))
    for k, person in enumerate(people):
        _look, d = LOOKS[k % len(LOOKS)]
        card = badge_card(person, dark=d.invert)
        lo, hi = _levels(d.contrast)
        card = (lo + card.astype(np.float32) / 255 * (hi - lo)).astype(np.uint8)
        ch, cw = card.shape[:2]
        rect_h = d.height * height
        for i in range(n_show):
            t = (i - i % timeline.hold) / n_show  # the pose changes every `hold` frames
            sway = replace(
                d,
                center=(
                    d.center[0] + 0.015 * np.sin(2 * np.pi * t),
                    d.center[1] + 0.01 * np.cos(2 * np.pi * t),
                ),
                rotation=d.rotation + 2 * np.sin(2 * np.pi * t),
                noise=0.0,
            )
            frame = hall.copy()
            quad = synth.rect_quad(width, height, sway, rect_h * cw / ch, rect_h)
            synth.warp_onto(frame, card, quad)
            out.append((synth.degrade(frame, sway, rng), person.code))
        for _ in range(round(timeline.gap * timeline.fps)):
            out.append((synth.degrade(hall, still, rng), None))
    return out


def _levels(contrast: float) -> tuple[float, float]:
    span = 255.0 * max(0.05, min(1.0, contrast))
    mid = 140.0 if contrast < 1 else 127.5
    return max(0.0, mid - span / 2), min(255.0, mid + span / 2)


def write_video(
    path: Path,
    people: Sequence[Shown],
    width: int = 1280,
    height: int = 720,
    timeline: Timeline = Timeline(),
    seed: int = 7,
) -> int:
    """Write the video (mp4v for .mp4, MJPG for .avi); returns the number of frames."""
    fourcc = "MJPG" if path.suffix.lower() == ".avi" else "mp4v"
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter.fourcc(*fourcc), timeline.fps, (width, height)
    )
    if not writer.isOpened():
        raise OSError(f"{path}: OpenCV cannot write a {fourcc} video here")
    try:
        shots = frames(people, width, height, timeline, seed)
        for frame, _ in shots:
            writer.write(frame)
    finally:
        writer.release()
    return len(shots)

"""Synthetic camera frames with QR codes: for tests, benchmarks and the demo video.

A frame is a plausible hall scene (gradients, shapes, printed text, sensor noise) with
zero or one code placed with a given size, tilt, perspective, blur, contrast and lighting.
Everything is driven by a seeded numpy Generator, so a set is the same on every run.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
import segno
from numpy.typing import NDArray

Gray = NDArray[np.uint8]
Quad = tuple[tuple[float, float], ...]


@functools.lru_cache(maxsize=64)
def qr_modules(text: str, ec: Literal["L", "M", "Q", "H"] = "M") -> NDArray[np.bool_]:
    """The module matrix of `text` (True = dark), without quiet zone: the smallest version
    at level `ec`, the mask that the standard's penalty picks."""
    qr = segno.make_qr(text, error=ec, boost_error=False)
    return np.array([list(row) for row in qr.matrix], dtype=bool)


def qr_image(
    text: str, module_px: int = 8, quiet: int = 4, ec: Literal["L", "M", "Q", "H"] = "M"
) -> Gray:
    """A clean grayscale QR image: black modules on white with a `quiet`-module margin."""
    mods = qr_modules(text, ec)
    img = np.where(mods, 0, 255).astype(np.uint8)
    img = np.pad(img, quiet, constant_values=255)
    return np.kron(img, np.ones((module_px, module_px), dtype=np.uint8))


@dataclass(frozen=True, slots=True)
class Distortion:
    """How a code appears in a frame. Sizes are fractions of the frame height."""

    height: float = 0.3  # side of the code (without quiet zone) / frame height
    center: tuple[float, float] = (0.5, 0.5)  # fractions of width, height
    rotation: float = 0.0  # degrees, in the image plane
    tilt_x: float = 0.0  # perspective: -0.4..0.4, relative shrink of the right edge
    tilt_y: float = 0.0  # perspective: -0.4..0.4, relative shrink of the bottom edge
    blur: float = 0.0  # Gaussian sigma in pixels of the frame
    noise: float = 2.0  # sensor noise sigma (grey levels)
    contrast: float = 1.0  # 1 = black on white; 0.3 = dark grey on light grey
    light: float = 0.0  # -1..1: a lighting gradient across the frame
    invert: bool = False  # light modules on dark (a phone in dark mode)


def scene(width: int, height: int, rng: np.random.Generator) -> NDArray[np.uint8]:
    """A BGR background: wall gradient, boxes, printed text; no code."""
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    base = rng.uniform(70, 150) + rng.uniform(-40, 40) * x + rng.uniform(-40, 40) * y
    img = np.repeat(base[:, :, None], 3, axis=2) * rng.uniform(0.8, 1.2, 3).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(4, 10))):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = (
            int(rng.integers(width // 20, width // 3)),
            int(rng.integers(height // 20, height // 2)),
        )
        colour = tuple(int(c) for c in rng.integers(30, 230, 3))
        cv2.rectangle(out, (x0, y0), (x0 + w, y0 + h), colour, -1)
    for _ in range(int(rng.integers(2, 6))):
        org = (int(rng.integers(0, width - 50)), int(rng.integers(20, height)))
        scale = float(rng.uniform(0.6, 1.8)) * height / 720
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.putText(out, "Cleantech Forum 2024", org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, 2)
    return np.asarray(cv2.GaussianBlur(out, (3, 3), 0), dtype=np.uint8)


def code_quad(width: int, height: int, d: Distortion, side: float) -> NDArray[np.float32]:
    """Corners (TL, TR, BR, BL) of a code of `side` px placed in the frame as `d` says."""
    return rect_quad(width, height, d, side, side)


def rect_quad(
    width: int, height: int, d: Distortion, rect_w: float, rect_h: float
) -> NDArray[np.float32]:
    """Corners (TL, TR, BR, BL) of a `rect_w` x `rect_h` rectangle placed as `d` says."""
    hw, hh = rect_w / 2, rect_h / 2
    pts = np.array([[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]], np.float32)
    # Perspective: shrink the right (tilt_x > 0) or the bottom (tilt_y > 0) edge.
    pts[1:3, 1] *= 1 - d.tilt_x
    pts[0, 1] *= 1 + d.tilt_x / 2
    pts[3, 1] *= 1 + d.tilt_x / 2
    pts[2:4, 0] *= 1 - d.tilt_y
    a = np.deg2rad(d.rotation)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    pts = pts @ rot.T
    pts += np.array([d.center[0] * width, d.center[1] * height], np.float32)
    return pts.astype(np.float32)


def warp_onto(
    frame: NDArray[np.uint8], image: NDArray[np.uint8], quad: NDArray[np.float32]
) -> None:
    """Paste `image` (BGR or gray) onto `frame` so that its corners land on `quad`."""
    h, w = image.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, quad)
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpPerspective(image, m, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size, flags=cv2.INTER_NEAREST)
    sel = mask > 0
    frame[sel] = warped[sel] if warped.ndim == 3 else warped[sel][:, None]


def place(
    frame: NDArray[np.uint8],
    card: Gray,
    quad: NDArray[np.float32],
    quiet_px: float,
) -> None:
    """Warp the grayscale `card` (code with `quiet_px` margin on each side) onto `quad`."""
    h, w = card.shape
    src = np.array(
        [
            [quiet_px, quiet_px],
            [w - quiet_px, quiet_px],
            [w - quiet_px, h - quiet_px],
            [quiet_px, h - quiet_px],
        ],
        np.float32,
    )
    m = cv2.getPerspectiveTransform(src, quad)
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpPerspective(card, m, size, flags=cv2.INTER_AREA, borderValue=0)
    mask = cv2.warpPerspective(np.full_like(card, 255), m, size, flags=cv2.INTER_NEAREST)
    sel = mask > 0
    frame[sel] = warped[sel][:, None]


def render(
    width: int,
    height: int,
    text: str | None,
    d: Distortion,
    rng: np.random.Generator,
    background: NDArray[np.uint8] | None = None,
) -> tuple[NDArray[np.uint8], Quad]:
    """A BGR frame, and the code's corners (empty when `text` is None)."""
    frame = scene(width, height, rng) if background is None else background.copy()
    corners: Quad = ()
    if text is not None:
        mods = qr_modules(text).shape[0]
        side = d.height * height
        module_px = max(4, int(np.ceil(side / mods)) * 2)
        card = qr_image(text, module_px=module_px, quiet=4)
        lo, hi = _levels(d.contrast)
        card = (lo + (card.astype(np.float32) / 255) * (hi - lo)).astype(np.uint8)
        if d.invert:
            card = (255 - card).astype(np.uint8)
        quad = code_quad(width, height, d, side)
        place(frame, card, quad, quiet_px=4 * module_px)
        corners = tuple((float(x), float(y)) for x, y in quad)
    return degrade(frame, d, rng), corners


def _levels(contrast: float) -> tuple[float, float]:
    mid, span = 140.0, 255.0 * max(0.05, min(1.0, contrast))
    return max(0.0, mid - span / 2), min(255.0, mid + span / 2)


def degrade(frame: NDArray[np.uint8], d: Distortion, rng: np.random.Generator) -> NDArray[np.uint8]:
    """Blur, lighting gradient and sensor noise, as a cheap webcam does."""
    out = frame
    if d.blur > 0:
        out = np.asarray(cv2.GaussianBlur(out, (0, 0), d.blur), dtype=np.uint8)
    if not d.light and d.noise <= 0:
        return out
    f = out.astype(np.float32)
    if d.light:
        w = out.shape[1]
        grad = np.linspace(1 - abs(d.light) * 0.6, 1.0, w, dtype=np.float32)
        if d.light < 0:
            grad = grad[::-1]
        f *= grad[None, :, None]
    if d.noise > 0:
        noise = np.empty_like(f)
        cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
        cv2.randn(noise, 0.0, float(d.noise))  # type: ignore[call-overload]
        f += noise
    return np.clip(f, 0, 255).astype(np.uint8)


def random_distortion(
    rng: np.random.Generator,
    min_height: float = 0.15,
    max_height: float = 0.6,
    invert: bool = False,
) -> Distortion:
    """A random hall-lighting view of a badge: the set the benchmark and tests use."""
    h = float(rng.uniform(min_height, max_height))
    margin = h * 0.75 + 0.02
    cy_lo, cy_hi = margin, max(margin, 1 - margin)
    cx_lo, cx_hi = margin * 9 / 16, max(margin * 9 / 16, 1 - margin * 9 / 16)
    return Distortion(
        height=h,
        center=(float(rng.uniform(cx_lo, cx_hi)), float(rng.uniform(cy_lo, cy_hi))),
        rotation=float(rng.uniform(-35, 35)),
        tilt_x=float(rng.uniform(-0.25, 0.25)),
        tilt_y=float(rng.uniform(-0.25, 0.25)),
        blur=float(rng.choice([0.0, 0.7, 1.0, 1.3, 1.6])),
        noise=float(rng.uniform(2, 10)),
        contrast=float(rng.uniform(0.3, 1.0)),
        light=float(rng.uniform(-0.8, 0.8)),
        invert=invert,
    )


def badge_text(i: int) -> str:
    """A text shaped like a badge code (FC1: + 118 Base45 characters), for frames only."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    rng = np.random.default_rng(10_000 + i)
    return "FC1:" + "".join(alphabet[int(k)] for k in rng.integers(0, 45, 114))


def distorted_set(
    n: int, width: int, height: int, seed: int = 1, invert: bool = False
) -> list[tuple[NDArray[np.uint8], str, Distortion]]:
    """`n` frames, each with one badge-like code under a random distortion."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        d = random_distortion(rng, invert=invert)
        text = badge_text(seed * 100_000 + i)
        frame, _ = render(width, height, text, d, rng)
        out.append((frame, text, d))
    return out


def empty_set(n: int, width: int, height: int, seed: int = 2) -> list[NDArray[np.uint8]]:
    """`n` frames of hall scenes without any code."""
    rng = np.random.default_rng(seed)
    return [
        degrade(scene(width, height, rng), Distortion(noise=float(rng.uniform(1, 6))), rng)
        for _ in range(n)
    ]

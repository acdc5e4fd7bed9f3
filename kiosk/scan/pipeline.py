"""From a camera frame to the QR codes in it, fast, and robust to a hall's conditions.

The live path (every frame), measured in bench/decode.py:

1. grayscale; frames taller than `work_height` (1080p) are scaled down to it (linear
   interpolation: 0.6 ms, where INTER_AREA costs 3 ms);
2. an unsharp mask (box 5x5, 0.5 ms at 720p): what lifts blurred, low-contrast and
   small codes at 720p from about 95% to 99-100% read;
3. zxing-cpp on that image, with its inversion pass (light-on-dark codes: a phone in dark
   mode) and without its downscaling pass (the image is at most 720p already).

Only while the frame's time budget (`budget_ms`) allows, when nothing was found:
4. the image halved, with zxing's downscaling: very close, large codes;
5. the image without sharpening (which spoils a few clean, small or screen-shown codes);
6. when the frame was scaled down: one full-resolution tile, a different one each frame,
   bottom row first (a small code far away in a 1080p frame is read within a few frames).

The thorough path (`thorough=True`, for still images: `decode`, the corpus) runs everything
until a code is found: the live passes, all tiles, the plain image with zxing's own
inversion and downscaling, a median-filtered image with a global threshold, and a 2x
upscale of small images.

Corners are always reported in the original frame's pixel coordinates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from kiosk.scan.decoders import Decoder, Detection, OpenCvDecoder, ZxingDecoder

Image = NDArray[np.uint8]


def to_gray(frame: Image) -> Image:
    """A grayscale uint8 view of a BGR, BGRA or grayscale frame."""
    if frame.ndim == 2:
        return frame
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2GRAY)  # type: ignore[return-value]
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)  # type: ignore[return-value]


def sharpen(gray: Image) -> Image:
    """Unsharp mask with a 5x5 box: 2*img - blur(img)."""
    return cv2.addWeighted(gray, 2.0, cv2.blur(gray, (5, 5)), -1.0, 0)  # type: ignore[return-value]


def tiles(width: int, height: int, tile_w: int, tile_h: int) -> list[tuple[int, int, int, int]]:
    """Overlapping tiles (x, y, w, h) covering the frame, bottom row first.

    Codes far away are usually low in the picture (badges on chests in front of a camera
    above the desk), so the bottom tiles come first. Overlap is a quarter of a tile.
    """

    def starts(total: int, size: int) -> list[int]:
        if size >= total:
            return [0]
        step = max(1, int(size * 0.75))
        out = list(range(0, total - size, step))
        out.append(total - size)
        return out

    ys = starts(height, tile_h)[::-1]
    xs = starts(width, tile_w)
    return [(x, y, min(tile_w, width), min(tile_h, height)) for y in ys for x in xs]


@dataclass
class PipelineStats:
    """What the last `process` call did: for the benchmark and the GUI's status line."""

    ms: float = 0.0
    passes: list[str] = field(default_factory=list)
    found_by: str = ""
    failures: int = 0  # decoder exceptions contained on this frame


@dataclass
class DecoderFailures:
    """Decoder exceptions contained so far (per decoder name), and the last one's text.

    A decoder that raises on a frame (pyzbar's `ValueError: 4294967295 is not a valid
    ZBarOrientation` with newer zbar) never stops a run: the frame is decoded again by
    the fallback decoder and the failure is counted here."""

    by_decoder: dict[str, int] = field(default_factory=dict)
    last: str = ""

    @property
    def total(self) -> int:
        return sum(self.by_decoder.values())

    def add(self, decoder: str, exc: BaseException) -> None:
        self.by_decoder[decoder] = self.by_decoder.get(decoder, 0) + 1
        self.last = f"{type(exc).__name__}: {exc}"[:200]

    def summary(self) -> str:
        """'pyzbar failed on 4 frames (ValueError: …)', or '' when nothing failed."""
        if not self.by_decoder:
            return ""
        parts = [f"{name} failed on {n} frame{'s' if n != 1 else ''}"
                 for name, n in sorted(self.by_decoder.items())]  # fmt: skip
        return f"{', '.join(parts)} ({self.last}); the fallback decoder read those frames"


class FramePipeline:
    """Decode the QR codes in camera frames. Not thread-safe: one per worker."""

    def __init__(
        self,
        decoder: Decoder | None = None,
        *,
        work_height: int = 720,
        thorough: bool = False,
        budget_ms: float = 0.0,
        use_sharpen: bool = True,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        """`decoder`: a backend (default zxing-cpp, which the pipeline drives itself).

        `budget_ms`: the extra live passes (half resolution, full-resolution tiles) run only
        while the time spent on the frame is under this; 0 = never.
        `thorough`: still images, try everything. `use_sharpen`: for measuring what it buys.
        """
        self._own = decoder is None or isinstance(decoder, ZxingDecoder)
        if self._own:
            self._dec: Decoder = ZxingDecoder(try_invert=True, try_downscale=False)
            self._half: Decoder = ZxingDecoder(try_invert=False, try_downscale=True)
            self._full: Decoder = ZxingDecoder()
            self._global: Decoder | None = ZxingDecoder(binarizer="GlobalHistogram")
        else:
            assert decoder is not None
            self._dec = self._half = self._full = decoder
            self._global = None
        self.use_sharpen = use_sharpen
        self.name = "pipeline" if self._own else f"pipeline+{self._dec.name}"
        self.work_height = work_height
        self.thorough = thorough
        self.budget_ms = budget_ms
        self._timer = timer
        self._next_tile = 0
        self.stats = PipelineStats()
        self.failures = DecoderFailures()
        self._fallback: Decoder = OpenCvDecoder() if self._own else ZxingDecoder()

    def process(self, frame: Image) -> list[Detection]:
        """The codes in `frame`. Never raises: a frame that cannot be processed at all (an
        empty or malformed array) counts as a failure and gives no codes."""
        t0 = self._timer()
        self.stats = PipelineStats()
        try:
            found = self._run(to_gray(frame), t0)
        except Exception as exc:
            self._failed("pipeline", exc)
            found = []
        self.stats.ms = (self._timer() - t0) * 1000
        return found

    def _failed(self, decoder: str, exc: BaseException) -> None:
        self.failures.add(decoder, exc)
        self.stats.failures += 1

    # -- passes --------------------------------------------------------------------------

    def _run(self, gray: Image, t0: float) -> list[Detection]:
        h, w = gray.shape[:2]
        if min(h, w) < 21:  # smaller than the smallest QR code (21 modules)
            return []
        scale = 1.0
        work = gray
        if h > self.work_height:
            scale = self.work_height / h
            size = (max(1, round(w * scale)), self.work_height)
            work = cv2.resize(gray, size, interpolation=cv2.INTER_LINEAR)  # type: ignore[assignment]
            scale = size[1] / h

        found = self._try("sharp", self._dec, self._sharpen(work), 1 / scale)
        if found or not (self.thorough or self._time_left(t0)):
            return found
        if self._own:
            half = np.asarray(
                cv2.resize(work, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_LINEAR), np.uint8
            )
            found = self._try("half", self._half, half, 2 / scale)
            if found:
                return found
        if self.thorough:
            return self._thorough(gray, work, scale)
        if self._own and self.use_sharpen and self._time_left(t0):
            # Sharpening spoils a few clean, small, or screen-shown codes.
            found = self._try("plain", self._dec, work, 1 / scale)
            if found:
                return found
        if scale < 1.0 and self._time_left(t0):
            return self._live_tile(gray)
        return []

    def _time_left(self, t0: float) -> bool:
        return self.budget_ms > 0 and (self._timer() - t0) * 1000 < self.budget_ms

    def _sharpen(self, gray: Image) -> Image:
        return sharpen(gray) if self.use_sharpen else gray

    def _live_tile(self, gray: Image) -> list[Detection]:
        h, w = gray.shape[:2]
        all_tiles = self._tiles(w, h)
        x, y, tw, th = all_tiles[self._next_tile % len(all_tiles)]
        self._next_tile += 1
        return self._try(
            f"tile@{x},{y}", self._dec, self._sharpen(gray[y : y + th, x : x + tw]), 1.0, x, y
        )

    def _tiles(self, w: int, h: int) -> list[tuple[int, int, int, int]]:
        tw = min(w, max(self.work_height * 16 // 9 // 2, w // 2))
        return tiles(w, h, tw, min(h, max(self.work_height // 2, h // 2)))

    def _thorough(self, gray: Image, work: Image, scale: float) -> list[Detection]:
        h, w = gray.shape[:2]
        if scale < 1.0:
            for x, y, tw, th in self._tiles(w, h):
                found = self._try(
                    f"tile@{x},{y}",
                    self._dec,
                    self._sharpen(gray[y : y + th, x : x + tw]),
                    1.0,
                    x,
                    y,
                )
                if found:
                    return found
        steps: list[tuple[str, Decoder | None, Callable[[], Image], float]] = [
            ("plain", self._full, lambda: gray, 1.0),
            (
                "median-global",
                self._global,
                lambda: np.asarray(cv2.medianBlur(gray, 3), np.uint8),
                1.0,
            ),
        ]
        if max(h, w) < 640:
            steps.append(("upscaled", self._full, lambda: _upscale(gray), 0.5))
        for name, dec, make, back in steps:
            if dec is None:
                continue
            found = self._try(name, dec, make(), back)
            if found:
                return found
        return []

    def _try(
        self, name: str, dec: Decoder, img: Image, back: float, dx: float = 0.0, dy: float = 0.0
    ) -> list[Detection]:
        self.stats.passes.append(name)
        img = np.ascontiguousarray(img)
        try:
            raw = dec.decode(img)
        except Exception as exc:  # contained per frame: counted, then the fallback decodes it
            self._failed(dec.name, exc)
            self.stats.passes.append(name + "+fallback")
            raw = self._fallback.decode(img)
        found = _unique(d.moved(back, dx, dy) for d in raw)
        if found:
            self.stats.found_by = name
        return found


def _upscale(gray: Image) -> Image:
    return cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)  # type: ignore[return-value]


def _unique(dets: Iterable[Detection]) -> list[Detection]:
    seen: dict[str, Detection] = {}
    for d in dets:
        seen.setdefault(d.text, d)
    return list(seen.values())

"""QR decoder backends behind one small interface.

- "zxing": zxing-cpp restricted to QR codes (models 1 and 2, not Micro QR), exact text
  (`TextMode.Plain`). The default.
- "pyzbar": the ZBar library (system package libzbar0); a second try on the inverted image.
- "opencv": OpenCV's own QR detector (`QRCodeDetectorAruco`).

Every decoder takes a grayscale uint8 image and returns the codes it is sure of; corners are
in that image's pixel coordinates, clockwise from the code's top left when known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from kiosk.models.errors import KioskError

Gray = NDArray[np.uint8]
Corners = tuple[tuple[float, float], ...]

DECODER_NAMES = ("zxing", "pyzbar", "opencv")


@dataclass(frozen=True, slots=True)
class Detection:
    text: str
    corners: Corners = ()

    def moved(self, scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> Detection:
        """The same code with corners mapped by x' = x * scale + dx (and y alike)."""
        return Detection(
            self.text, tuple((x * scale + dx, y * scale + dy) for x, y in self.corners)
        )


class Decoder(Protocol):
    name: str

    def decode(self, gray: Gray) -> list[Detection]: ...


class DecoderUnavailable(KioskError):
    """The decoder cannot run on this machine (a library is missing)."""


class ZxingDecoder:
    """zxing-cpp, QR only. Knobs are those of `zxingcpp.read_barcodes`."""

    name = "zxing"

    def __init__(
        self,
        *,
        try_invert: bool = True,
        try_downscale: bool = True,
        try_rotate: bool = True,
        binarizer: str = "LocalAverage",
    ) -> None:
        import zxingcpp

        self._zx = zxingcpp
        self._kwargs: dict[str, Any] = {
            # Models 1 and 2 only: "QRCode" also means Micro QR and rMQR, and an M1 Micro QR
            # (error detection only, no correction) is "found" in noise: a false read.
            "formats": (zxingcpp.BarcodeFormat.QRCodeModel1, zxingcpp.BarcodeFormat.QRCodeModel2),
            "text_mode": zxingcpp.TextMode.Plain,
            "try_invert": try_invert,
            "try_downscale": try_downscale,
            "try_rotate": try_rotate,
            "binarizer": getattr(zxingcpp.Binarizer, binarizer),
        }

    def decode(self, gray: Gray) -> list[Detection]:
        if gray.size == 0 or min(gray.shape[:2]) < 21:
            return []
        out = []
        for r in self._zx.read_barcodes(gray, **self._kwargs):
            if not r.valid:
                continue
            p = r.position
            corners = tuple(
                (float(q.x), float(q.y))
                for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
            )
            out.append(Detection(r.text, corners))
        return out


class PyzbarDecoder:
    """ZBar through pyzbar, QR only; tries the inverted image when nothing is found."""

    name = "pyzbar"

    def __init__(self) -> None:
        try:
            from pyzbar import pyzbar
        except ImportError as exc:  # the Python package is missing, or libzbar0 is
            raise DecoderUnavailable(
                f"pyzbar cannot load the ZBar library ({exc}); install the system package "
                "libzbar0 (scripts/sysdeps.sh does)"
            ) from None
        self._pyzbar = pyzbar
        self._symbols = [pyzbar.ZBarSymbol.QRCODE]
        try:  # the library loads lazily: make it fail now, not on the first frame
            pyzbar.decode(np.zeros((8, 8), np.uint8), symbols=self._symbols)
        except Exception as exc:
            raise DecoderUnavailable(
                f"pyzbar cannot load the ZBar library ({exc}); install the system package "
                "libzbar0 (scripts/sysdeps.sh does)"
            ) from None

    def decode(self, gray: Gray) -> list[Detection]:
        if gray.size == 0 or min(gray.shape[:2]) < 21:
            return []
        gray = np.ascontiguousarray(gray)
        found = self._read(gray)
        return found or self._read(np.ascontiguousarray(255 - gray))

    def _read(self, gray: Gray) -> list[Detection]:
        out = []
        for r in self._pyzbar.decode(gray, symbols=self._symbols):
            try:
                text = r.data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            corners = tuple((float(p.x), float(p.y)) for p in r.polygon)
            out.append(Detection(text, corners))
        return out


class OpenCvDecoder:
    """OpenCV's QR detector (the ArUco-based one: faster and better than the classic one)."""

    name = "opencv"

    def __init__(self) -> None:
        import cv2

        self._det = cv2.QRCodeDetectorAruco()

    def decode(self, gray: Gray) -> list[Detection]:
        if gray.size == 0 or min(gray.shape[:2]) < 21:
            return []
        try:
            ok, texts, points, _ = self._det.detectAndDecodeMulti(gray)
        except Exception:  # OpenCV asserts on some degenerate inputs
            return []
        if not ok or points is None:
            return []
        out = []
        for text, quad in zip(texts, points, strict=False):
            if text:
                out.append(Detection(str(text), tuple((float(x), float(y)) for x, y in quad)))
        return out


def make_decoder(name: str = "zxing") -> Decoder:
    """A decoder by name; DecoderUnavailable if it cannot run here, ValueError if unknown."""
    if name == "zxing":
        return ZxingDecoder()
    if name == "pyzbar":
        return PyzbarDecoder()
    if name == "opencv":
        return OpenCvDecoder()
    raise ValueError(f"unknown decoder {name!r}: choose one of {', '.join(DECODER_NAMES)}")


def make_decoder_or_fallback(name: str, notify: Callable[[str], None]) -> Decoder:
    """`make_decoder(name)`, or zxing when `name` cannot run here: `notify` is told once why."""
    try:
        return make_decoder(name)
    except DecoderUnavailable as exc:
        notify(f"{exc}; using zxing instead")
        return ZxingDecoder()


def available_decoders() -> list[str]:
    """Names of the decoders that can run on this machine."""
    names = []
    for name in DECODER_NAMES:
        try:
            make_decoder(name)
        except (DecoderUnavailable, ImportError, AttributeError):
            continue
        names.append(name)
    return names

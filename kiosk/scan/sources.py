"""Frame sources: a webcam, a video file, a network stream or a folder of images.

All go through OpenCV and behind one small interface: `read()` gives a BGR frame or a
status with a reason that names the source. Nothing here raises once a source is open: a
camera that is absent, busy or unplugged is an outcome the caller sees. `open_source`
raises `SourceError` only for a spec that can never work (no such file, an empty folder).
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from kiosk.models.backoff import Backoff
from kiosk.models.clock import Clock, SystemClock
from kiosk.models.errors import KioskError

Frame = NDArray[np.uint8]
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".pgm"})
STREAM_PREFIXES = ("rtsp://", "rtsps://", "http://", "https://", "rtmp://", "udp://", "tcp://")


# The most pixels a still image or a frame may have: a 24 Mpx camera's 6000x4000 photo
# passes. Decoding one and every pass of the pipeline take about 7 bytes a pixel (an
# 8000x5000 noise image: 430 MB peak for `decode`, the process's 150 MB included), so an
# image stays well under 500 MB. Checked on the file's header, before anything is
# decoded: a 30000x30000 PNG of 875 KB would take 2.7 GB once decoded.
MAX_IMAGE_PIXELS = 30_000_000
MAX_IMAGE_BYTES = 200 * 1024 * 1024  # a larger file is no photo of a badge


class SourceError(KioskError):
    """A source spec that can never deliver frames (missing file, empty folder)."""


class ImageRefused(SourceError):
    """An image (or a source's frames) refused before decoding: too large, or not an image."""


def too_many_pixels(name: str, width: int, height: int) -> str:
    """The message for an image or frame above `MAX_IMAGE_PIXELS` ("" when it is not)."""
    if width * height <= MAX_IMAGE_PIXELS:
        return ""
    return (
        f"{name}: {width}x{height} is too large ({width * height:,} pixels; the limit is "
        f"{MAX_IMAGE_PIXELS:,}): not decoded"
    )


class SourceStatus(enum.StrEnum):
    OK = "ok"  # a frame
    ENDED = "ended"  # a file or folder played to its end: normal
    FAILED = "failed"  # it was delivering frames and stopped (unplugged, truncated file)
    UNAVAILABLE = "unavailable"  # cannot deliver frames now (absent or busy camera)


@dataclass(frozen=True, slots=True)
class ReadResult:
    status: SourceStatus
    frame: Frame | None = None
    reason: str = ""  # for every status but OK: what happened, naming the source
    index: int = -1  # frame number since the source was opened
    retry_in: float | None = None  # UNAVAILABLE from a ReconnectingSource: next try

    @property
    def ok(self) -> bool:
        return self.status is SourceStatus.OK


@dataclass(frozen=True, slots=True)
class SourceInfo:
    kind: str  # "camera", "video", "stream" or "folder"
    name: str  # what the user gave: "camera 0", a path, a URL
    width: int = 0  # granted by the device (0 when unknown)
    height: int = 0
    fps: float = 0.0
    frame_count: int = 0  # files: frames announced by the container, 0 when unknown


class FrameSource(Protocol):
    info: SourceInfo

    def read(self) -> ReadResult: ...

    def close(self) -> None: ...


def quiet_opencv() -> None:
    """Keep OpenCV's and FFmpeg's own warnings off the user's terminal: every failure
    reaches the caller as a status with a reason instead."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)


def describe(spec: str) -> str:
    return f"camera {spec}" if spec.strip().isdigit() else spec


def open_source(
    spec: str,
    *,
    width: int = 1280,
    height: int = 720,
    fps: float = 30,
    loop: bool = False,
    realtime: bool = False,
    clock: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FrameSource:
    """A source for `spec`: a camera index ("0"), a video file, a folder of images or a URL.

    Cameras are asked for `width` x `height` at `fps` (`info` says what was granted).
    `loop`: files and folders start again at their end. `realtime`: files and folders are
    paced at their frame rate (for the GUI); otherwise frames come as fast as they decode.
    """
    spec = spec.strip()
    quiet_opencv()
    if not spec:
        raise SourceError("no frame source given (a camera index, a video file, a folder or a URL)")
    clock = clock or SystemClock()
    if spec.isdigit():
        return CaptureSource(spec, "camera", width=width, height=height, fps=fps)
    if spec.lower().startswith(STREAM_PREFIXES):
        return CaptureSource(spec, "stream")
    path = Path(spec)
    if path.is_dir():
        return FolderSource(path, loop=loop, realtime=realtime, fps=fps, clock=clock, sleep=sleep)
    if not path.exists():
        raise SourceError(f"{spec}: no such file, folder or camera")
    return VideoFileSource(path, loop=loop, realtime=realtime, clock=clock, sleep=sleep)


class _Pacer:
    """Hands out frames no faster than `fps` (realtime playback of files)."""

    def __init__(self, fps: float, clock: Clock, sleep: Callable[[float], None]) -> None:
        self.period = 1.0 / fps if fps > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._due: float | None = None

    def wait(self) -> None:
        now = self._clock.monotonic()
        if self._due is None or now - self._due > 1.0:  # start, or we fell far behind
            self._due = now
        elif self._due > now:
            self._sleep(self._due - now)
        self._due += self.period


class CaptureSource:
    """A webcam (by index) or a network stream, through cv2.VideoCapture."""

    def __init__(
        self, spec: str, kind: str, *, width: int = 0, height: int = 0, fps: float = 0
    ) -> None:
        self.spec = spec
        self._name = describe(spec)
        self._index = 0
        self._cap: Any = None
        self._failure = ""
        self.info = SourceInfo(kind, self._name)
        try:
            if kind == "camera":
                cap = cv2.VideoCapture(int(spec))
            else:
                params = [
                    cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                    5000,
                    cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                    5000,
                ]
                cap = cv2.VideoCapture(spec, cv2.CAP_FFMPEG, params)
        except cv2.error as exc:
            self._failure = f"{self._name}: cannot be opened ({exc})"
            return
        if not cap.isOpened():
            cap.release()
            self._failure = (
                f"{self._name}: not found, unplugged or in use by another program"
                if kind == "camera"
                else f"{self._name}: the stream cannot be opened (wrong address, or no network)"
            )
            return
        if kind == "camera":
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter.fourcc(*"MJPG"))
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            cap.set(cv2.CAP_PROP_FPS, fps)
        self._cap = cap
        self.info = SourceInfo(
            kind,
            self._name,
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            float(cap.get(cv2.CAP_PROP_FPS) or 0.0),
        )
        problem = too_many_pixels(self._name, self.info.width, self.info.height)
        if problem:  # known from the stream's header: no frame is decoded
            self.close()
            self._failure = problem

    @property
    def opened(self) -> bool:
        return self._cap is not None

    def read(self) -> ReadResult:
        if self._cap is None:
            status = SourceStatus.FAILED if self._index else SourceStatus.UNAVAILABLE
            return ReadResult(status, reason=self._failure, index=self._index)
        ok, frame = self._cap.read()
        if not ok or frame is None:
            self._failure = f"{self._name}: stopped delivering frames after {self._index} (unplugged or disconnected?)"
            self.close()
            return ReadResult(SourceStatus.FAILED, reason=self._failure, index=self._index)
        problem = too_many_pixels(self._name, frame.shape[1], frame.shape[0])
        if problem:  # a stream that changed its size on the way
            self._failure = problem
            self.close()
            return ReadResult(SourceStatus.FAILED, reason=problem, index=self._index)
        self._index += 1
        return ReadResult(SourceStatus.OK, frame, index=self._index - 1)

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class VideoFileSource:
    """A recorded video: the webcam of tests and demos."""

    def __init__(
        self,
        path: Path,
        *,
        loop: bool = False,
        realtime: bool = False,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.path = path
        self.loop = loop
        cap = cv2.VideoCapture(str(path))
        if not cap.isOpened():
            cap.release()
            raise SourceError(
                f"{path}: not a video OpenCV can read (damaged, or an unknown format)"
            )
        self._cap: Any = cap
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.info = SourceInfo(
            "video",
            str(path),
            int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            fps,
            max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT))),
        )
        problem = too_many_pixels(str(path), self.info.width, self.info.height)
        if problem:  # from the container's header: no frame is decoded
            cap.release()
            raise ImageRefused(problem)
        self._pacer = _Pacer(fps or 30.0, clock or SystemClock(), sleep) if realtime else None
        self._index = 0  # frames delivered
        self._pos = 0  # position in the current pass over the file
        self._done: ReadResult | None = None

    def read(self) -> ReadResult:
        if self._done is not None:
            return self._done
        ok, frame = self._cap.read()
        if (not ok or frame is None) and self.loop and self._pos > 0 and self._complete():
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._pos = 0
            ok, frame = self._cap.read()
        if not ok or frame is None:
            self._done = self._end()
            self.close()
            return self._done
        if self._pacer is not None:
            self._pacer.wait()
        self._pos += 1
        self._index += 1
        return ReadResult(SourceStatus.OK, frame, index=self._index - 1)

    def _complete(self) -> bool:
        count = self.info.frame_count
        return count <= 0 or self._pos >= count - 1

    def _end(self) -> ReadResult:
        count = self.info.frame_count
        if self._pos == 0 and self._index == 0:
            reason = f"{self.path}: no frame could be decoded (damaged file?)"
            return ReadResult(SourceStatus.FAILED, reason=reason, index=self._index)
        if not self._complete():
            reason = (
                f"{self.path}: unreadable after frame {self._pos} of {count} "
                "(the file is truncated or damaged)"
            )
            return ReadResult(SourceStatus.FAILED, reason=reason, index=self._index)
        return ReadResult(
            SourceStatus.ENDED,
            reason=f"{self.path}: end of video ({self._pos} frames)",
            index=self._index,
        )

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


@dataclass
class FolderSource:
    """A folder of still images, in name order; unreadable files are skipped and listed."""

    folder: Path
    loop: bool = False
    realtime: bool = False
    fps: float = 30
    clock: Clock | None = None
    sleep: Callable[[float], None] = time.sleep
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.files = sorted(
            p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
        )
        if not self.files:
            raise SourceError(
                f"{self.folder}: no images in this folder ({', '.join(sorted(IMAGE_SUFFIXES))})"
            )
        self.info = SourceInfo(
            "folder", str(self.folder), fps=self.fps, frame_count=len(self.files)
        )
        self._pacer = (
            _Pacer(self.fps, self.clock or SystemClock(), self.sleep) if self.realtime else None
        )
        self._pos = 0
        self._index = 0
        self._skipped: set[Path] = set()
        self.current: Path | None = None

    def read(self) -> ReadResult:
        while True:
            if self._pos >= len(self.files):
                if not self.loop or len(self._skipped) == len(self.files):
                    reason = f"{self.folder}: end of the {len(self.files)} images"
                    return ReadResult(SourceStatus.ENDED, reason=reason, index=self._index)
                self._pos = 0
            path = self.files[self._pos]
            self._pos += 1
            try:
                frame = load_image(path)
            except SourceError as exc:
                if path not in self._skipped:
                    self._skipped.add(path)
                    self.problems.append(f"{exc}; skipped")
                continue
            if self._pacer is not None:
                self._pacer.wait()
            self.current = path
            self._index += 1
            return ReadResult(SourceStatus.OK, frame, index=self._index - 1)

    def close(self) -> None:
        self._pos = len(self.files)


def read_image(path: Path) -> Frame | None:
    """An image file as a BGR frame, or None if it is not one or is refused. Never raises."""
    try:
        return load_image(path)
    except SourceError:
        return None


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) from the image file's header alone: nothing is decoded.

    Raises ImageRefused for a file that is not an image Pillow knows, too big a file, or
    too many pixels (a decompression bomb), with a message that names the file."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImageRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise ImageRefused(f"{path}: an empty file, not an image")
    if size > MAX_IMAGE_BYTES:
        raise ImageRefused(
            f"{path}: {size:,} bytes is too large for an image of a badge (the limit is "
            f"{MAX_IMAGE_BYTES:,}): not decoded"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:  # reads the header only
                width, height = im.size
    except Image.DecompressionBombError as exc:
        raise ImageRefused(
            f"{path}: too large ({_pixels_of(str(exc))} pixels; the limit is "
            f"{MAX_IMAGE_PIXELS:,}): not decoded"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageRefused(f"{path}: not an image OpenCV or Pillow can read ({exc})") from None
    problem = too_many_pixels(str(path), width, height)
    if problem:
        raise ImageRefused(problem)
    return width, height


def _pixels_of(message: str) -> str:
    import re

    m = re.search(r"\((\d+) pixels\)", message)
    return f"{int(m.group(1)):,}" if m else "too many"


def load_image(path: Path) -> Frame:
    """An image file as a BGR frame; ImageRefused (a clear message) for anything else.

    Its size is read from the header first and an image above `MAX_IMAGE_PIXELS` is never
    decoded. OpenCV decodes (it takes non-ASCII paths through `imdecode`); Pillow what
    OpenCV 5 cannot, such as valid tiny WebP images (1×1, 1×100). OpenCV's own error log
    is silenced: an unreadable file is reported once, by the caller."""
    image_size(path)
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise ImageRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        img = cv2.imdecode(data, cv2.IMREAD_COLOR)
    except cv2.error:
        img = None
    finally:
        cv2.utils.logging.setLogLevel(level)
    frame = img if img is not None else _read_with_pillow(data)
    if frame is None:
        raise ImageRefused(f"{path}: not an image OpenCV or Pillow can read (damaged?)")
    return frame  # type: ignore[return-value]


def _read_with_pillow(data: NDArray[np.uint8]) -> Frame | None:
    import io
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data.tobytes())) as im:
                rgb = np.asarray(im.convert("RGB"), dtype=np.uint8)
    except Exception:  # not an image, damaged, or a decompression bomb
        return None
    return np.ascontiguousarray(rgb[:, :, ::-1])


class ReconnectingSource:
    """Wraps a camera or stream: when it is lost, reopen it with exponential back-off.

    `read()` never blocks on a lost device: until the next attempt is due it returns
    UNAVAILABLE with `retry_in`. `on_status(status, reason)` is called on every change
    (OK after a failure means reconnected). ENDED (a file) passes through.
    """

    def __init__(
        self,
        factory: Callable[[], FrameSource],
        clock: Clock,
        *,
        first_delay: float = 0.5,
        max_delay: float = 10.0,
        on_status: Callable[[SourceStatus, str], None] | None = None,
    ) -> None:
        self._factory = factory
        self._clock = clock
        self.backoff = Backoff(first_delay, max(first_delay, max_delay))
        self._on_status = on_status
        self._inner: FrameSource | None = None
        self._next_try = clock.monotonic()
        self._status: SourceStatus | None = None
        self._reason = ""
        self.info = SourceInfo("camera", "")

    def read(self) -> ReadResult:
        if self._inner is None:
            wait = self._next_try - self._clock.monotonic()
            if wait > 0:
                return ReadResult(SourceStatus.UNAVAILABLE, reason=self._reason, retry_in=wait)
            try:
                self._inner = self._factory()
            except KioskError as exc:
                return self._lost(SourceStatus.UNAVAILABLE, str(exc))
            self.info = self._inner.info
        result = self._inner.read()
        if result.status is SourceStatus.OK:
            self.backoff.reset()
            self._set(SourceStatus.OK, f"{self.info.name}: receiving frames")
            return result
        if result.status is SourceStatus.ENDED:
            self._set(SourceStatus.ENDED, result.reason)
            return result
        return self._lost(result.status, result.reason)

    def _lost(self, status: SourceStatus, reason: str) -> ReadResult:
        if self._inner is not None:
            self._inner.close()
            self._inner = None
        wait = self.backoff.next()
        self._next_try = self._clock.monotonic() + wait
        self._reason = f"{reason}; retrying in {wait:g} s"
        self._set(status, self._reason)
        return ReadResult(status, reason=self._reason, retry_in=wait)

    def _set(self, status: SourceStatus, reason: str) -> None:
        if status is not self._status:
            self._status = status
            if self._on_status is not None:
                self._on_status(status, reason)

    def close(self) -> None:
        if self._inner is not None:
            self._inner.close()
            self._inner = None

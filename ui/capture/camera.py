"""Camera capture and decoding off the GUI thread.

Two threads: capture reads frames at the camera's rate and hands the preview a QImage
copy (at most one in flight: a slow GUI skips frames, it never queues them); decode takes
the latest frame from a one-slot mailbox (latest frame wins) and runs the pipeline.
A camera that fails is reopened with back-off (kiosk.scan.sources.ReconnectingSource, as
`scan` does), and frames go through kiosk.scan.loop.FrameScanner, the `scan` command's
step: one reconnect loop and one scan loop for the app and the command line.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QImage

from kiosk.models.clock import Clock, SystemClock
from kiosk.models.errors import KioskError
from kiosk.scan.sources import ReconnectingSource, SourceStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CameraConfig:
    spec: str  # what `scan --source` takes: a device index, a video file, a URL …
    width: int = 1280
    height: int = 720
    fps: float = 30.0
    decoder: str = "zxing"
    loop: bool = True  # video files start over at the end (the demo)
    realtime: bool = True  # files play at their frame rate (False: as fast as they decode)
    fallback: str | None = None  # used when `spec` cannot be opened (the demo video)
    retry_s: float = 2.0
    repeat_after: float = 3.0  # the same code again is a new scan after this many seconds


def to_qimage(frame: np.ndarray) -> QImage:
    """A deep copy of a BGR or grayscale frame as a QImage (safe to hand across threads)."""
    if frame.ndim == 2:
        h, w = frame.shape
        img = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_Grayscale8)
    else:
        h, w = frame.shape[:2]
        img = QImage(frame.data, w, h, frame.strides[0], QImage.Format.Format_BGR888)
    return img.copy()


class _Mailbox:
    """One slot: put overwrites, take waits. Frames never pile up."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: tuple[np.ndarray, int, float] | None = None
        self.dropped = 0

    def put(self, item: tuple[np.ndarray, int, float]) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self._cond.notify()

    def take(self, timeout: float) -> tuple[np.ndarray, int, float] | None:
        with self._cond:
            if self._item is None:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            return item


class _CaptureThread(QThread):
    """Reads frames through kiosk.scan's ReconnectingSource (the one reconnect loop of the
    app and the `scan` command): a lost camera is reopened with back-off; a camera that
    never gave a frame gives way to the fallback (the demo video), said once."""

    def __init__(self, owner: CameraWorker) -> None:
        super().__init__()
        self.setObjectName("camera-capture")
        self.o = owner
        self.spec = owner.config.spec
        self.frames = 0

    def _factory(self) -> Any:
        o = self.o
        try:
            return o._open(self.spec)
        except KioskError as exc:
            if not self._fall_back(_why(exc, self.spec)):
                raise
            return o._open(self.spec)

    def _fall_back(self, reason: str) -> bool:
        """No webcam: the demo video instead (said once in the status bar)."""
        fb = self.o.config.fallback
        if not fb or self.spec == fb or self.frames:
            return False
        self.o._t_notice.emit(f"{reason}; showing the demo video {fb}")
        self.spec = fb
        return True

    def _status(self, status: SourceStatus, reason: str) -> None:
        if status is SourceStatus.OK:
            self.o._set_status("running", "")
        elif status is SourceStatus.ENDED:
            self.o._set_status("ended", reason)
        else:
            self.o._set_status("failed", reason)

    def run(self) -> None:
        o = self.o
        source = ReconnectingSource(
            self._factory, SystemClock(), first_delay=o.config.retry_s,
            max_delay=max(10.0, o.config.retry_s), on_status=self._status,
        )  # fmt: skip
        try:
            while not o._stop.is_set():
                try:
                    r = source.read()
                except Exception as exc:  # the sources report problems; this is a last guard
                    o._set_status("failed", _why(exc, self.spec))
                    o._stop.wait(o.config.retry_s)
                    continue
                if r.status is SourceStatus.ENDED:
                    return
                if r.status is not SourceStatus.OK or r.frame is None:
                    if self.frames == 0 and self._fall_back(r.reason):
                        source.close()  # reopened on the fallback at the next read
                        source = ReconnectingSource(
                            self._factory, SystemClock(), first_delay=o.config.retry_s,
                            on_status=self._status,
                        )  # fmt: skip
                        continue
                    o._stop.wait(min(r.retry_in or o.config.retry_s, 0.5))
                    continue
                self.frames += 1
                o.frames_captured += 1
                o._mailbox.put((r.frame, self.frames, time.monotonic()))
                if o._preview_free.is_set():
                    o._preview_free.clear()
                    o._t_frame.emit(to_qimage(r.frame))
        finally:
            _close(source)


class _DecodeThread(QThread):
    def __init__(self, owner: CameraWorker) -> None:
        super().__init__()
        self.setObjectName("camera-decode")
        self.o = owner

    def run(self) -> None:
        from kiosk.scan.debounce import Debouncer
        from kiosk.scan.decoders import make_decoder_or_fallback
        from kiosk.scan.loop import FrameScanner
        from kiosk.scan.pipeline import FramePipeline

        o = self.o
        decoder = make_decoder_or_fallback(o.config.decoder, lambda m: o._t_notice.emit(m))
        captured = [0.0]
        scanner = FrameScanner(
            FramePipeline(decoder),
            Debouncer(o.clock, repeat_after=o.config.repeat_after),
            lambda text: o._t_code.emit(text, captured[0]),
        )
        while not o._stop.is_set():
            item = o._mailbox.take(0.1)
            if item is None:
                continue
            frame, _seq, captured[0] = item
            try:
                found, _scans = scanner.scan(frame)
            except Exception as exc:  # one bad frame must not stop the station
                log.warning("decoding a frame failed: %s", exc)
                continue
            o.frames_decoded += 1
            o._t_detected.emit([list(d.corners) for d in found if d.corners])


class CameraWorker(QObject):
    """Owns the capture and decode threads; all signals arrive in the GUI thread."""

    # Public signals: emitted in the GUI thread (relayed from the threads' private ones).
    frame_ready = Signal(QImage)  # preview frame (copy); call frame_shown() when painted
    detected = Signal(object)  # list of corner lists, in frame pixels
    code_read = Signal(str, float)  # decoded text (debounced), capture time (monotonic)
    status_changed = Signal(str, str)  # state (starting|running|failed|ended|stopped), message
    notice = Signal(str)
    _t_frame = Signal(QImage)
    _t_detected = Signal(object)
    _t_code = Signal(str, float)
    _t_status = Signal(str, str)
    _t_notice = Signal(str)

    def __init__(self, config: CameraConfig, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.clock = clock
        self.state = "stopped"
        self.message = ""
        self.frames_captured = 0
        self.frames_decoded = 0
        self._stop = threading.Event()
        self._preview_free = threading.Event()
        self._preview_free.set()
        self._mailbox = _Mailbox()
        self._lock = threading.Lock()
        self._capture: _CaptureThread | None = None
        self._decode: _DecodeThread | None = None
        self._t_frame.connect(self.frame_ready)
        self._t_detected.connect(self.detected)
        self._t_code.connect(self.code_read)
        self._t_status.connect(self.status_changed)
        self._t_notice.connect(self.notice)

    def _open(self, spec: str) -> Any:
        from kiosk.scan.sources import open_source

        c = self.config
        loop = c.loop or spec == c.fallback
        return open_source(
            spec, width=c.width, height=c.height, fps=c.fps, loop=loop, realtime=c.realtime
        )

    def _set_status(self, state: str, message: str) -> None:
        with self._lock:
            changed = (state, message) != (self.state, self.message)
            self.state, self.message = state, message
        if changed:
            if state == "failed":
                log.warning("camera: %s", message)
            self._t_status.emit(state, message)

    def start(self) -> None:
        if self._capture is not None:
            return
        self._stop.clear()
        self._set_status("starting", "")
        self._capture = _CaptureThread(self)
        self._decode = _DecodeThread(self)
        self._decode.start()
        self._capture.start()

    def stop(self) -> None:
        self._stop.set()
        for t in (self._capture, self._decode):
            if t is not None:
                t.wait(5000)
        self._capture = self._decode = None
        self.state = "stopped"

    def frame_shown(self) -> None:
        """The GUI painted the last preview frame: the next one may be sent."""
        self._preview_free.set()

    @property
    def dropped(self) -> int:
        return self._mailbox.dropped


def _why(exc: BaseException, spec: str) -> str:
    text = str(exc) or type(exc).__name__
    return text if spec in text else f"{spec}: {text}"


def _close(source: Any) -> None:
    try:
        source.close()
    except Exception as exc:
        log.info("closing the camera: %s", exc)

"""Camera to check-in: source → pipeline → debouncer → a callback (the check-in service).

Used headlessly by `python main.py scan`; the GUI runs the same steps in a worker thread
(`ScanLoop.step`), so that a slow frame never stalls the window.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from kiosk.models.clock import Clock
from kiosk.scan.debounce import Debouncer
from kiosk.scan.decoders import Detection
from kiosk.scan.pipeline import FramePipeline
from kiosk.scan.sources import FrameSource, ReadResult, SourceStatus

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Step(Generic[R]):
    """One frame's worth of work."""

    read: ReadResult
    detections: list[Detection] = field(default_factory=list)
    scans: list[tuple[str, R]] = field(default_factory=list)  # new scans and their results
    decode_ms: float = 0.0


class MediaClock:
    """The time inside a recording: frame index / fps, for debouncing files read faster
    (or slower) than real time. `now()` is the wall clock's."""

    def __init__(self, wall: Clock, fps: float) -> None:
        self._wall = wall
        self.period = 1.0 / fps if fps > 0 else 1.0 / 30
        self._t = 0.0

    def now(self) -> datetime:
        return self._wall.now()

    def monotonic(self) -> float:
        return self._t

    def at_frame(self, index: int) -> None:
        self._t = index * self.period


@dataclass
class ScanSummary:
    frames: int = 0
    seconds: float = 0.0
    decode_ms_total: float = 0.0
    codes: int = 0  # debounced scans handed to the callback
    outcomes: Counter[str] = field(default_factory=Counter)
    end: SourceStatus = SourceStatus.ENDED
    reason: str = ""
    problems: list[str] = field(default_factory=list)
    decoder_failures: int = 0  # frames on which a decoder raised (decoded by the fallback)
    decoder_failure: str = ""  # what the failures were, or ''

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds > 0 else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "summary": True,
            "frames": self.frames,
            "seconds": round(self.seconds, 3),
            "fps": round(self.fps, 1),
            "decode_ms_mean": round(self.decode_ms_total / self.frames, 2) if self.frames else 0.0,
            "codes": self.codes,
            "outcomes": dict(sorted(self.outcomes.items())),
            "end": self.end.value,
            "reason": self.reason,
            "problems": list(self.problems),
            "decoder_failures": self.decoder_failures,
            "decoder_failure": self.decoder_failure,
        }


class FrameScanner(Generic[R]):
    """Frame → codes → new scans: the pipeline, the debouncer and the check-in callback.

    The one scanning step, used by the headless loop below (`scan`) and by the GUI's
    decode thread (ui.capture.camera), which reads frames from its own capture thread."""

    def __init__(
        self, pipeline: FramePipeline, debouncer: Debouncer, on_code: Callable[[str], R]
    ) -> None:
        self.pipeline = pipeline
        self.debouncer = debouncer
        self.on_code = on_code

    def scan(self, frame: NDArray[np.uint8]) -> tuple[list[Detection], list[tuple[str, R]]]:
        """The frame's detections, and each code seen anew handed to `on_code`."""
        detections = self.pipeline.process(frame)
        texts = self.debouncer.offer_all([d.text for d in detections])
        return detections, [(t, self.on_code(t)) for t in texts]


class ScanLoop(Generic[R]):
    """Pull frames, decode them, and hand each new (debounced) code to `on_code`.

    `outcome_of(result)` names a result for the summary's tally (e.g. the check-in outcome).
    """

    def __init__(
        self,
        source: FrameSource,
        pipeline: FramePipeline,
        debouncer: Debouncer,
        on_code: Callable[[str], R],
        clock: Clock,
        *,
        outcome_of: Callable[[R], str] = str,
        sleep: Callable[[float], None] = time.sleep,
        media_clock: MediaClock | None = None,
    ) -> None:
        """`media_clock`: the debouncer's clock when it follows the recording's time."""
        self.source = source
        self.pipeline = pipeline
        self.debouncer = debouncer
        self.scanner = FrameScanner(pipeline, debouncer, on_code)
        self.outcome_of = outcome_of
        self.clock = clock
        self.sleep = sleep
        self.media_clock = media_clock

    def step(self) -> Step[R]:
        read = self.source.read()
        if read.status is not SourceStatus.OK or read.frame is None:
            return Step(read)
        if self.media_clock is not None:
            self.media_clock.at_frame(read.index)
        detections, scans = self.scanner.scan(read.frame)
        return Step(read, detections, scans, self.pipeline.stats.ms)

    def run(
        self,
        *,
        max_frames: int | None = None,
        give_up_after: float | None = None,
        stop: Callable[[], bool] = lambda: False,
        on_scan: Callable[[str, R], None] | None = None,
    ) -> ScanSummary:
        """Run until the source ends or fails, `stop()` is true or `max_frames` were read.

        A source that will retry (a ReconnectingSource: `retry_in` is set) is waited for,
        at most `give_up_after` seconds in a row (None: forever).
        """
        summary = ScanSummary()
        t0 = self.clock.monotonic()
        unavailable_since: float | None = None
        while not stop() and (max_frames is None or summary.frames < max_frames):
            step = self.step()
            status = step.read.status
            if status is SourceStatus.OK:
                unavailable_since = None
                summary.frames += 1
                summary.decode_ms_total += step.decode_ms
                for text, result in step.scans:
                    summary.codes += 1
                    summary.outcomes[self.outcome_of(result)] += 1
                    if on_scan is not None:
                        on_scan(text, result)
                continue
            summary.end, summary.reason = status, step.read.reason
            if step.read.retry_in is not None:  # a ReconnectingSource will try again
                now = self.clock.monotonic()
                unavailable_since = now if unavailable_since is None else unavailable_since
                if give_up_after is None or now - unavailable_since < give_up_after:
                    self.sleep(min(step.read.retry_in, 0.5))
                    continue
            break
        else:
            summary.end, summary.reason = SourceStatus.OK, "stopped"
        summary.seconds = self.clock.monotonic() - t0
        summary.problems = list(getattr(self.source, "problems", []))
        failures = self.pipeline.failures
        summary.decoder_failures, summary.decoder_failure = failures.total, failures.summary()
        return summary

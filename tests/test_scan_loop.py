"""The scan loop: frames → codes → debounced scans, across a camera that comes and goes."""

from __future__ import annotations

from pathlib import Path

from kiosk.models.clock import ManualClock
from kiosk.scan.debounce import Debouncer
from kiosk.scan.loop import ScanLoop
from kiosk.scan.pipeline import FramePipeline
from kiosk.scan.sources import ReadResult, ReconnectingSource, SourceStatus, open_source
from tests.helpers.scan_media import folder_of


class Camera:
    """Real folder sources, one per connection; each connection ends as an unplugged camera."""

    def __init__(self, folders: list[Path | None]) -> None:
        self.folders = folders
        self.opened = 0

    def __call__(self):
        folder = self.folders[min(self.opened, len(self.folders) - 1)]
        self.opened += 1
        return open_source("9") if folder is None else Unplugged(open_source(str(folder)))


class Unplugged:
    def __init__(self, inner) -> None:
        self.inner, self.info = inner, inner.info

    def read(self) -> ReadResult:
        r = self.inner.read()
        return (
            ReadResult(SourceStatus.FAILED, reason="camera 9: lost")
            if r.status is SourceStatus.ENDED
            else r
        )

    def close(self) -> None:
        self.inner.close()


def test_loop_survives_a_lost_camera_and_debounces(tmp_path: Path) -> None:
    first = folder_of(tmp_path, "a", ["A", "A", "A", None, "B"])
    second = folder_of(tmp_path, "b", ["B", "C", "C"])
    clock = ManualClock()

    def sleep(s: float) -> None:
        clock.advance(s)

    source = ReconnectingSource(Camera([None, first, None, second, None]), clock, first_delay=0.5)
    seen: list[str] = []
    loop = ScanLoop(
        source,
        FramePipeline(),
        Debouncer(clock, 3.0),
        lambda t: seen.append(t) or t.lower(),
        clock,
        sleep=sleep,
    )
    summary = loop.run(give_up_after=5.0)
    assert seen == ["A", "B", "C"]  # B seen again right after the reconnection: same showing
    assert summary.frames == 8 and summary.codes == 3
    assert summary.outcomes == {"a": 1, "b": 1, "c": 1}
    assert summary.end is SourceStatus.FAILED or summary.end is SourceStatus.UNAVAILABLE
    assert "camera 9" in summary.reason


def test_loop_stops_after_max_frames(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, "a", ["A", None, None])
    clock = ManualClock()
    loop = ScanLoop(
        open_source(str(folder), loop=True), FramePipeline(), Debouncer(clock), str, clock
    )
    summary = loop.run(max_frames=7)
    assert summary.frames == 7 and summary.end is SourceStatus.OK and summary.reason == "stopped"

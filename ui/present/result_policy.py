"""When a new check-in result may replace the one on screen (Qt-free, on the injected clock).

The camera sees a badge again every few seconds while it is held up; a person at the desk
needs time to read a result. So:

- a result stays up at least `hold_s`; a newer one waits in a short queue until then;
- the camera seeing a badge again ("already checked in" for a person shown here a moment
  ago, read from a camera frame) does not replace anybody's result: not the same
  person's welcome, and not the result of someone who came after them (it is in the log
  and the recent scans all the same);
- every other input is answered every time: a handheld scan, a search check-in or a
  kiosk scan of someone already in shows "Already checked in", however recent.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from kiosk.models.clock import Clock
from kiosk.models.outcomes import CheckinResult, Outcome


@dataclass(frozen=True, slots=True)
class Shown:
    key: str  # the attendee id, or the code's log uuid for a code that named nobody
    at: float  # monotonic seconds


class ResultPolicy:
    def __init__(
        self, clock: Clock, hold_s: float = 2.0, repeat_window_s: float = 60.0, queue: int = 4
    ) -> None:
        self.clock = clock
        self.hold_s = hold_s
        self.repeat_window_s = repeat_window_s
        self.current: Shown | None = None
        self._queue: deque[CheckinResult] = deque(maxlen=queue)
        self._history: deque[Shown] = deque(maxlen=50)

    @staticmethod
    def key(result: CheckinResult) -> str:
        return result.attendee_id or f"code:{result.log_uuid}"

    def offer(self, result: CheckinResult, camera: bool = False) -> str:
        """'show' (now), 'queue' (after the shown one's minimum time) or 'drop' (only a
        camera frame's echo: `camera` says the result came from a camera frame)."""
        now = self.clock.monotonic()
        if camera and self._is_echo(result, now):
            return "drop"
        held = self.current is not None and now - self.current.at < self.hold_s
        if held or self._queue:  # never ahead of results that came before it
            self._queue.append(result)
            return "queue"
        self.showing(result)
        return "show"

    def _is_echo(self, result: CheckinResult, now: float) -> bool:
        """A repeat scan of someone shown here within the window: the camera seeing the
        badge again, not news."""
        if result.outcome is not Outcome.ALREADY_CHECKED_IN or not result.attendee_id:
            return False
        key = self.key(result)
        return any(
            s.key == key and now - s.at <= self.repeat_window_s for s in self._history
        ) or any(self.key(r) == key for r in self._queue)

    def showing(self, result: CheckinResult | None) -> None:
        """Record that `result` (None: an error panel) went on screen now."""
        now = self.clock.monotonic()
        self.current = Shown(self.key(result) if result else "error", now)
        self._history.append(self.current)

    def cleared(self) -> None:
        self.current = None

    def wait_s(self) -> float | None:
        """Seconds until the next queued result may be shown (None: nothing queued)."""
        if not self._queue:
            return None
        if self.current is None:
            return 0.0
        return max(0.0, self.hold_s - (self.clock.monotonic() - self.current.at))

    def take(self) -> CheckinResult | None:
        """The next queued result, if its time has come (it is then the shown one)."""
        wait = self.wait_s()
        if wait is None or wait > 0:
            return None
        result = self._queue.popleft()
        self.showing(result)
        return result

    @property
    def queued(self) -> int:
        return len(self._queue)

"""One scan per showing of a badge, however many frames it stays in view."""

from __future__ import annotations

from kiosk.models.clock import Clock


class Debouncer:
    """Turn per-frame sightings of codes into scans.

    A code seen in consecutive frames is one scan, however long it is held up. Once it has
    been out of sight for `repeat_after` seconds, seeing it again is a new scan (which the
    check-in rules will call `already_checked_in`). Several codes in view at once are
    independent.
    """

    def __init__(self, clock: Clock, repeat_after: float = 3.0) -> None:
        if repeat_after < 0:
            raise ValueError(f"repeat_after must be >= 0, not {repeat_after}")
        self._clock = clock
        self.repeat_after = repeat_after
        self._last_seen: dict[str, float] = {}

    def offer(self, text: str) -> bool:
        """Record a sighting of `text` now; True when it is a new scan."""
        now = self._clock.monotonic()
        last = self._last_seen.get(text)
        self._last_seen[text] = now
        self._forget_older_than(now - self.repeat_after)
        return last is None or now - last >= self.repeat_after

    def offer_all(self, texts: list[str]) -> list[str]:
        """The texts among one frame's codes that are new scans, in order."""
        return [t for t in dict.fromkeys(texts) if self.offer(t)]

    def reset(self) -> None:
        """Forget everything: the next sighting of any code is a new scan."""
        self._last_seen.clear()

    def _forget_older_than(self, limit: float) -> None:
        if len(self._last_seen) > 64:
            self._last_seen = {t: s for t, s in self._last_seen.items() if s > limit}

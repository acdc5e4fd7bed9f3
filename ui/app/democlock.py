"""The demo's clock: `make run` must show badges being admitted at any hour of the day.

The demo database's program is on the day it was built. When none of its sessions is open
for check-in at the real time, the demo clock moves into the program's day and runs on
from there (as `--now` would): from five minutes past the first session's start the first
time, and from the last entry in the database after that, so that times never run
backwards from one launch to the next.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.models.clock import Clock, FixedClock, SystemClock
from kiosk.models.event import Event


class DemoClock:
    def __init__(self, inner: Clock | None = None) -> None:
        self.inner: Clock = inner or SystemClock()
        self.shifted_to: datetime | None = None

    def now(self) -> datetime:
        return self.inner.now()

    def monotonic(self) -> float:
        return self.inner.monotonic()

    def fit(self, event: Event, last_entry_at: datetime | None = None) -> bool:
        """Move into the program when no session is open now; True when it moved."""
        now = self.inner.now()
        if any(s.window(event.checkin_opens_minutes)[0] <= now <= s.end for s in event.sessions):
            return False
        first = min(event.sessions, key=lambda s: s.start)
        start = first.start + timedelta(minutes=5)
        last_end = max(s.end for s in event.sessions)
        if last_entry_at is not None and start < last_entry_at < last_end:
            start = last_entry_at + timedelta(seconds=1)  # on from the last launch
        self.shifted_to = start
        self.inner = FixedClock(start)
        return True

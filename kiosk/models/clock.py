"""Injected time. Rules and debouncers take a Clock, so tests never sleep."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC datetime of the wall clock."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary origin that never goes backwards."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FixedClock:
    """A clock that starts at a given instant and runs on with the real monotonic clock.

    Used for `--now`: rehearsals see the event's day, and time still passes.
    """

    def __init__(self, start: datetime) -> None:
        self._start = to_utc(start)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that only moves when told to: for tests."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = to_utc(start) if start else datetime(2024, 11, 4, 1, 0, tzinfo=UTC)
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def set(self, when: datetime) -> None:
        self._mono += max(0.0, (to_utc(when) - self._now).total_seconds())
        self._now = to_utc(when)


def to_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {dt.isoformat()} has no time zone")
    return dt.astimezone(UTC)


def parse_instant(text: str, default_tz: str | None = None) -> datetime:
    """Parse ISO-8601; a value without offset is read in `default_tz` (else UTC)."""
    from zoneinfo import ZoneInfo

    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"not an ISO-8601 date-time: {text!r}") from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(default_tz) if default_tz else UTC)
    return dt.astimezone(UTC)

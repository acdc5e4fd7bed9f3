"""Clocks on the forum's day (4 November 2024, Beijing time)."""

from __future__ import annotations

from datetime import date

from kiosk.models.clock import ManualClock, parse_instant

EVENT_DAY = date(2024, 11, 4)


def at(text: str) -> ManualClock:
    """A manual clock at a Beijing time on the forum's day, e.g. at("09:05")."""
    return ManualClock(parse_instant(f"{EVENT_DAY.isoformat()}T{text}", "Asia/Shanghai"))

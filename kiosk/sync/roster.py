"""The stations a hub knows, as `hub status` shows them and `hub forget` names them.

One row per station identity (kiosk.sync.hub.Hub.stations): its current name, a short id
that tells stations apart (the random end of the uuid: station ids are uuid7, whose first
characters are the time they were made, alike for stations made the same day), whether
it is active, stale (not seen for a while) or never seen by this hub (its entries came
relayed by another station, as when a hub is refilled), and the refill it reports.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.models.errors import KioskError
from kiosk.sync.hub import StationRow

STALE_AFTER_S = 15 * 60.0
SHORT = 8  # hex digits of the short id


class Seen(enum.StrEnum):
    ACTIVE = "active"
    STALE = "stale"  # not seen for longer than the stale limit
    NEVER = "not seen by this hub"  # its entries came relayed by another station


def short_id(station_id: str) -> str:
    """The part of a station id that tells it apart: its last hex digits (random)."""
    return station_id.replace("-", "")[-SHORT:]


def seen(row: StationRow, now: datetime, stale_after_s: float = STALE_AFTER_S) -> Seen:
    if row.last_seen is None:
        return Seen.NEVER
    return Seen.STALE if (now - row.last_seen).total_seconds() > stale_after_s else Seen.ACTIVE


@dataclass(frozen=True, slots=True)
class Refill:
    """A hub being refilled: the entries it holds now, of how many (at least the largest
    log among the stations refilling it)."""

    held: int
    of: int
    stations: tuple[str, ...]  # the names of the stations refilling it


def refill(rows: Sequence[StationRow], total: int, now: datetime,
           stale_after_s: float = STALE_AFTER_S) -> Refill | None:  # fmt: skip
    """The refill in progress, from what the active stations said at their last contact
    (a station gone in the middle of one is shown stale, not refilling)."""
    busy = [r for r in rows if r.refill is not None and seen(r, now, stale_after_s) is Seen.ACTIVE]
    if not busy:
        return None
    largest = max(r.refill[1] for r in busy if r.refill is not None)
    return Refill(total, max(total, largest), tuple(r.name for r in busy))


def find(rows: Sequence[StationRow], text: str) -> StationRow:
    """The one station that `text` names: its name (any case), its id, its short id or
    the start or end of its id (at least 4 characters)."""
    key = text.strip()
    if not key:
        raise KioskError("name a station: its name or id as `hub status` shows them")
    by_name = [r for r in rows if r.name.casefold() == key.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    plain = key.lower().replace("-", "").lstrip("…")
    by_id = [] if len(plain) < 4 else [
        r for r in rows
        if r.station_id.replace("-", "").startswith(plain)
        or r.station_id.replace("-", "").endswith(plain)
    ]  # fmt: skip
    found = by_id or by_name
    if len(found) == 1:
        return found[0]
    if not found:
        raise KioskError(f"no station {key!r} on this hub (`hub status` lists them)")
    listed = ", ".join(f"{r.name} ({short_id(r.station_id)})" for r in found)
    raise KioskError(f"{key!r} names {len(found)} stations: {listed}; give the id")

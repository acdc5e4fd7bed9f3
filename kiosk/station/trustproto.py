"""The desk's Stations… requests (issue 18): list, enroll, revoke, rotate the event key
(kiosk.sync.enroll),
on the station host's jobs lane."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.station.wire import Request
from kiosk.storage.trust import Enrolls, StationInfo


@dataclass(frozen=True, slots=True)
class StationsView:
    desk: bool  # this database holds the event key (it enrolls and revokes)
    stations: tuple[StationInfo, ...]
    enrolls: Enrolls = Enrolls.DESK  # whether stations can be enrolled here, or why not
    timezone: str = "UTC"  # the event's: expiries are shown in its local time

    @property
    def can_enroll(self) -> bool:
        return self.enrolls in (Enrolls.DESK, Enrolls.FIRST)


@dataclass(frozen=True, slots=True)
class EnrolledFile:
    name: str
    role: str
    expires: str
    path: str
    text: str  # the file's content (for a QR code to carry it across): secret inside


@dataclass(frozen=True, slots=True)
class ListStations(Request[StationsView]):
    lane = "jobs"
    operation = "stations"


@dataclass(frozen=True, slots=True)
class EnrollStation(Request[EnrolledFile]):
    """Enroll a station; its hub login is made with `owner_dsn` (the hub owner's string,
    sent to the station host only, never logged)."""

    owner_dsn: str
    role: str
    name: str
    out: Path
    now: datetime
    days: int = 14
    lane = "jobs"
    timeout = 60.0
    operation = "enroll"


@dataclass(frozen=True, slots=True)
class RevokeStation(Request[int]):
    name: str
    now: datetime
    owner_dsn: str = ""
    lane = "jobs"
    timeout = 60.0
    operation = "revoke"


@dataclass(frozen=True, slots=True)
class RotateEventKey(Request[str]):
    """Replace the event key (the desk only); replies with the new key's first hex digits."""

    now: datetime
    compromised: bool = False
    lane = "jobs"
    timeout = 60.0
    operation = "rotate_key"

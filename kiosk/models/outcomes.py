"""Typed results of the domain. The UI maps each Outcome to text, colour and sound."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Outcome(enum.StrEnum):
    # Checked in exactly this order (see kiosk.checkin.service.CheckinService.check_in).
    WRONG_EVENT = "wrong_event"
    FORGED_CODE = "forged_code"
    UNKNOWN_CODE = "unknown_code"
    REVOKED_BADGE = "revoked_badge"
    OUTSIDE_TIME_WINDOW = "outside_time_window"
    NOT_REGISTERED = "not_registered"
    SESSION_FULL = "session_full"
    ALREADY_CHECKED_IN = "already_checked_in"
    ADMITTED = "admitted"
    # Exit scans (sessions that count who is inside).
    EXITED = "exited"
    NOT_INSIDE = "not_inside"

    @property
    def admitted(self) -> bool:
        return self in (Outcome.ADMITTED, Outcome.EXITED)

    @property
    def refused(self) -> bool:
        return not self.admitted and self is not Outcome.ALREADY_CHECKED_IN


class Method(enum.StrEnum):
    CAMERA = "camera"
    HANDHELD = "handheld"
    SEARCH = "search"
    SELF = "self"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class PriorCheckin:
    """Where and when an attendee was already admitted."""

    at: datetime
    station: str


@dataclass(frozen=True, slots=True)
class CheckinResult:
    outcome: Outcome
    session_id: str
    at: datetime
    station: str
    log_uuid: str
    attendee_id: str | None = None
    name: str = ""
    name_zh: str = ""
    organization: str = ""
    organization_zh: str = ""
    title: str = ""
    category: str = ""
    attention: bool = False
    notes: str = ""
    room: str = ""
    room_zh: str = ""
    prior: PriorCheckin | None = None
    opens_at: datetime | None = None  # the session's check-in window
    closes_at: datetime | None = None
    open_sessions: tuple[str, ...] = ()  # ids of the sessions whose window is open at `at`
    detail: str = ""  # technical detail for logs (never shown as the reason)
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "outcome": self.outcome.value,
            "attendee_id": self.attendee_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "organization": self.organization,
            "category": self.category,
            "session": self.session_id,
            "room": self.room,
            "at": self.at.isoformat(),
            "station": self.station,
            "attention": self.attention,
            "notes": self.notes,
            "already_at": self.prior.at.isoformat() if self.prior else None,
            "already_station": self.prior.station if self.prior else None,
            "log_uuid": self.log_uuid,
        }

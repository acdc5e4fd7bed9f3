"""Typed results of the domain. The UI maps each Outcome to text, colour and sound."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from kiosk.models.meetings import UpcomingMeeting


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
    FOREIGN_TICKET = "foreign_ticket"  # a ticket issued by another system (pretix, Eventbrite)


@dataclass(frozen=True, slots=True)
class PriorCheckin:
    """Where and when an attendee was already admitted."""

    at: datetime
    station: str  # the station's name
    station_id: str = ""


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
    extra: dict[str, str] = field(default_factory=dict)
    station_id: str = ""
    method: Method | None = None
    # The session's check-in window (outside_time_window says when it opens or closed).
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    open_sessions: tuple[str, ...] = ()  # sessions whose check-in window is open at `at`
    # A check-in to the matchmaking session: the attendee's meetings for the rest of the
    # day, the next one first (kiosk.models.meetings).
    meetings: tuple[UpcomingMeeting, ...] = ()

    @property
    def next_meeting(self) -> UpcomingMeeting | None:
        return self.meetings[0] if self.meetings else None

    def to_json(self, tz: tzinfo | None = None) -> dict[str, object]:
        """JSON-ready; times in `tz` (the event's zone) with their offset, else UTC."""

        def when(dt: datetime | None) -> str | None:
            return None if dt is None else (dt.astimezone(tz) if tz else dt).isoformat()

        return {
            "outcome": self.outcome.value,
            "attendee_id": self.attendee_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "organization": self.organization,
            "category": self.category,
            "session": self.session_id,
            "room": self.room,
            "at": when(self.at),
            "station": self.station,
            "station_id": self.station_id,
            "method": self.method.value if self.method else None,
            "attention": self.attention,
            "notes": self.notes,
            "already_at": when(self.prior.at) if self.prior else None,
            "already_station": self.prior.station if self.prior else None,
            "opens_at": when(self.opens_at),
            "open_sessions": list(self.open_sessions),
            "meetings": [m.to_json(tz) for m in self.meetings],
            "log_uuid": self.log_uuid,
        }

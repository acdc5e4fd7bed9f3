"""Plain data of the domain."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.models.outcomes import Method, Outcome

CATEGORIES = ("delegate", "vip", "speaker", "press", "exhibitor", "staff", "guest")


class Category(enum.StrEnum):
    DELEGATE = "delegate"
    VIP = "vip"
    SPEAKER = "speaker"
    PRESS = "press"
    EXHIBITOR = "exhibitor"
    STAFF = "staff"
    GUEST = "guest"


@dataclass(frozen=True, slots=True)
class AttendeeInput:
    """An attendee as imported or registered (no id yet, or an id to update)."""

    name: str = ""
    name_zh: str = ""
    organization: str = ""
    organization_zh: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    category: str = "delegate"
    delegation: str = ""
    notes: str = ""
    attention: bool = False
    external_id: str = ""
    sessions: tuple[str, ...] = ()


# The attendee's own fields, as stored, compared on re-import and mapped from files.
ATTENDEE_FIELDS: tuple[str, ...] = (
    "name", "name_zh", "organization", "organization_zh", "title", "email", "phone",
    "category", "delegation", "notes", "attention", "external_id",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Attendee:
    attendee_id: str
    name: str = ""
    name_zh: str = ""
    organization: str = ""
    organization_zh: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    category: str = "delegate"
    delegation: str = ""
    notes: str = ""
    attention: bool = False
    external_id: str = ""
    sessions: tuple[str, ...] = ()
    walk_in: bool = False

    @property
    def display_name(self) -> str:
        return self.name or self.name_zh

    def to_json(self) -> dict[str, object]:
        return {
            "attendee_id": self.attendee_id,
            "name": self.name,
            "name_zh": self.name_zh,
            "organization": self.organization,
            "organization_zh": self.organization_zh,
            "title": self.title,
            "email": self.email,
            "phone": self.phone,
            "category": self.category,
            "delegation": self.delegation,
            "notes": self.notes,
            "attention": self.attention,
            "external_id": self.external_id,
            "sessions": list(self.sessions),
        }


@dataclass(frozen=True, slots=True)
class Badge:
    badge_id: int
    attendee_id: str
    version: int
    issued_at: datetime
    revoked_at: datetime | None = None


class LogKind(enum.StrEnum):
    ENTRY = "entry"  # an entry scan or manual check-in, any outcome
    EXIT = "exit"  # an exit scan, any outcome
    ANNUL = "annul"  # undo of an earlier entry/exit (`annuls` names it)
    WALK_IN = "walk_in"  # an attendee registered at the desk
    REPRINT = "reprint"  # a badge reissued; the earlier one revoked
    PIN_ATTEMPT = "pin_attempt"  # a try of the staff PIN at a locked kiosk (reason says how)


@dataclass(frozen=True, slots=True)
class LogEntry:
    uuid: str
    seq: int
    kind: LogKind
    at: datetime
    session_id: str
    station: str
    operator: str
    method: Method | None
    outcome: Outcome | None
    attendee_id: str | None
    badge_id: int | None
    code: str = ""
    annuls: str | None = None
    reason: str = ""
    annulled: bool = False


@dataclass(frozen=True, slots=True)
class UpsertReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    attendee: Attendee
    session_id: str
    first_at: datetime
    station: str
    inside: bool


@dataclass(frozen=True, slots=True)
class SessionStats:
    session_id: str
    title: str
    title_zh: str
    capacity: int | None
    registered: int  # attendees registered for the session (everyone for open sessions)
    admitted: int  # distinct attendees admitted (undos excluded)
    inside: int  # admitted minus exited (meaningful where exits are scanned)
    exits_scanned: bool
    # Refused entry scans by outcome value (Outcome.refused: one definition everywhere),
    # undone ones excluded; a repeat scan of someone already checked in is a `repeat`.
    refused: dict[str, int] = field(default_factory=dict)
    repeats: int = 0

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())

    def to_json(self) -> dict[str, object]:
        return {
            "session": self.session_id,
            "title": self.title,
            "title_zh": self.title_zh,
            "capacity": self.capacity,
            "registered": self.registered,
            "admitted": self.admitted,
            "inside": self.inside if self.exits_scanned else None,
            "refused": dict(self.refused),
            "repeats": self.repeats,
        }

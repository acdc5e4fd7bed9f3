"""Plain data of the domain."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.models.outcomes import Method, Outcome


class Category(enum.StrEnum):
    DELEGATE = "delegate"
    VIP = "vip"
    SPEAKER = "speaker"
    PRESS = "press"
    EXHIBITOR = "exhibitor"
    STAFF = "staff"
    GUEST = "guest"

    @classmethod
    def of(cls, text: str) -> Category:
        """The category a stored text names; an unknown one (a newer release's) is a delegate."""
        return _CATEGORY_OF.get(text, cls.DELEGATE)  # (a dict: a read of every attendee)


_CATEGORY_OF: dict[str, Category] = {c.value: c for c in Category}  # Category.of's look-up


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
    category: str = Category.DELEGATE
    delegation: str = ""
    notes: str = ""
    attention: bool = False
    external_id: str = ""
    sessions: tuple[str, ...] = ()
    ticket_code: str = ""  # a ticket issued by another system (pretix secret, Eventbrite barcode)


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
    category: Category = Category.DELEGATE
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
    """What a log entry records. The log is the record; every table is a projection of it."""

    EVENT = "event"  # the program and the badge verify key (init, a program update)
    IMPORT = "import"  # attendees created or changed by an import (one chunk of a batch)
    IMPORT_COMMIT = "import_commit"  # an import batch takes effect (its chunks are applied)
    WALK_IN = "walk_in"  # an attendee registered at the desk, with every field
    EDIT = "edit"  # an attendee's fields changed at a desk (the fields that changed)
    MERGE = "merge"  # `attendee_id` merged into `data.into` (one person, two records)
    BADGE_ISSUE = "badge_issue"  # badges issued (badge id, attendee, version)
    BADGE_REVOKE = "badge_revoke"  # a badge revoked (a reprint revokes the earlier one)
    BADGE_PRINT = "badge_print"  # a badge printed at a desk
    TICKET_REVOKE = "ticket_revoke"  # a foreign ticket revoked (`data.ticket`: its key)
    ENTRY = "entry"  # an entry scan or manual check-in, any outcome
    EXIT = "exit"  # an exit scan, any outcome
    ANNUL = "annul"  # undo of an earlier entry/exit (`ref` names it)
    PIN_ATTEMPT = "pin_attempt"  # a staff PIN typed at a locked kiosk (right or wrong)
    # Matchmaking meetings (kiosk.meetings; folded by kiosk.storage.meetings):
    MEETING_SCHEDULE = "meeting_schedule"  # meetings scheduled or updated, every field
    MEETING_CANCEL = "meeting_cancel"  # meetings cancelled (never deleted)
    MEETING_MARK = "meeting_mark"  # staff marked a meeting held / not held (or cleared it)
    MEETING_REMATCH = "meeting_rematch"  # a new meeting for a waiting party, linked to the old
    # Later kinds (receipts from the hub) are added here; an entry of a kind this release
    # does not know (synced from a newer station) is kept and ignored.


def log_kind(text: str) -> LogKind | str:
    try:
        return LogKind(text)
    except ValueError:
        return text


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One entry of the append-only log: an envelope (who, where, when, what) and a payload.

    `station_id` and `station_seq` identify the writing station and its own counter;
    `at` is that station's clock. Projections order entries by (`at`, `uuid`), never by
    arrival (`seq` is only this database's arrival order).
    """

    uuid: str
    kind: LogKind | str
    at: datetime
    station_id: str = ""
    station_seq: int = 0
    station: str = ""  # the station's name when it wrote the entry
    session_id: str = ""
    operator: str = ""
    outcome: Outcome | None = None
    attendee_id: str | None = None
    badge_id: int | None = None
    ref: str | None = None  # the entry this one is about (annul: the entry it undoes)
    batch: str | None = None  # an import batch: applied once its commit entry exists
    data: dict[str, Any] = field(default_factory=dict)
    seq: int = 0  # arrival order in this database only
    annulled: bool = False
    private_hash: bytes | None = None  # SHA-256 of the private part (kiosk.trust.split)
    sig: bytes | None = None  # Ed25519 by the writing station (None: from before signing)

    @property
    def method(self) -> Method | None:
        m = self.data.get("method")
        try:
            return Method(m) if m else None
        except ValueError:
            return None

    @property
    def code(self) -> str:
        return str(self.data.get("code", ""))

    @property
    def reason(self) -> str:
        return str(self.data.get("reason", ""))

    @property
    def annuls(self) -> str | None:
        return self.ref if self.kind == LogKind.ANNUL else None


@dataclass(frozen=True, slots=True)
class Station:
    """This database's station on this machine: a uuid made on first open, and a name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class UpsertReport:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Presence:
    """An attendee's admission to a session, as the presence projection holds it."""

    inside: bool
    first_at: datetime
    station: str
    station_id: str


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
    registered: int  # who registered for it (attendees without registrations: open sessions)
    admitted: int  # distinct attendees admitted (undos excluded)
    inside: int  # admitted minus exited (meaningful where exits are scanned)
    exits_scanned: bool
    # Refused entry scans by outcome (Outcome.refused: one definition everywhere);
    # a repeat scan of someone already checked in is a `repeat`, not a refusal.
    refused: dict[Outcome, int] = field(default_factory=dict)
    repeats: int = 0
    may_attend: int = -1  # who may enter (everyone, for open sessions); -1: as registered

    def __post_init__(self) -> None:
        if self.may_attend < 0:
            object.__setattr__(self, "may_attend", self.registered)

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
            "may_attend": self.may_attend,
            "admitted": self.admitted,
            "inside": self.inside if self.exits_scanned else None,
            "refused": dict(self.refused),
            "repeats": self.repeats,
        }

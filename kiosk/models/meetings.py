"""Plain data of matchmaking meetings: the schedule as the projections hold it, and what a
check-in to the matchmaking session carries (the attendee's meetings for the rest of the
day). The rules (status, validation, guidance) are in kiosk.meetings."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, tzinfo


class MeetingStatus(enum.StrEnum):
    """Where a meeting stands now, from the parties' arrivals and the clock."""

    SCHEDULED = "scheduled"  # not due yet, or due with nobody here yet
    WAITING = "waiting"  # due: a party is here, another is missing
    BOTH_ARRIVED = "both_arrived"  # every party has arrived
    NO_SHOW = "no_show"  # started more than N minutes ago with a party missing
    CANCELLED = "cancelled"


class MeetingMark(enum.StrEnum):
    """What staff at the matchmaking desk recorded."""

    HELD = "held"
    NOT_HELD = "not_held"


class MeetingOutcome(enum.StrEnum):
    """How a meeting counts in reports (a staff mark overrides the arrivals)."""

    HELD = "held"  # every party came (or staff marked it held)
    PARTLY_HELD = "partly_held"  # every company came, not every person
    NO_SHOW = "no_show"  # a company did not come
    NOT_HELD = "not_held"  # staff marked it not held
    CANCELLED = "cancelled"
    PENDING = "pending"  # not decided yet (not started, or inside the no-show grace time)


ROLE_PARTY = "party"
ROLE_INTERPRETER = "interpreter"


@dataclass(frozen=True, slots=True)
class Party:
    """A person in a meeting, with the company they represent there."""

    attendee_id: str
    name: str = ""
    name_zh: str = ""
    organization: str = ""
    organization_zh: str = ""
    delegation: str = ""

    @property
    def display_name(self) -> str:
        return self.name or self.name_zh or self.attendee_id

    @property
    def company(self) -> str:
        """The company as one key (English first): what "per company" counts group by."""
        return self.organization or self.organization_zh


@dataclass(frozen=True, slots=True)
class Meeting:
    meeting_id: str
    start: datetime  # aware, UTC
    end: datetime
    table: str
    parties: tuple[Party, ...]
    interpreter: Party | None = None  # an attendee who interprets
    interpreter_name: str = ""  # or just a name
    languages: str = ""  # e.g. "en-zh"
    slot: int | None = None
    cancelled: bool = False
    cancel_reason: str = ""
    mark: MeetingMark | None = None
    marked_at: datetime | None = None
    marked_by: str = ""
    rematch_of: str | None = None  # this meeting replaces that one (a re-match)
    rematched_to: str | None = None  # this meeting's waiting party was re-matched there
    source: str = ""  # the schedule file it came from ("" for a re-match)

    @property
    def active(self) -> bool:
        """Still on the schedule: not cancelled and not replaced by a re-match."""
        return not self.cancelled and self.rematched_to is None

    @property
    def interpreter_label(self) -> str:
        if self.interpreter is not None:
            return self.interpreter.display_name
        return self.interpreter_name

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Counterpart:
    """Who an attendee meets, in both languages, and whether they are already here."""

    attendee_id: str
    name: str = ""
    name_zh: str = ""
    organization: str = ""
    organization_zh: str = ""
    arrived_at: datetime | None = None

    @property
    def arrived(self) -> bool:
        return self.arrived_at is not None


@dataclass(frozen=True, slots=True)
class UpcomingMeeting:
    """One of an attendee's meetings for the rest of the day (a check-in result carries them)."""

    meeting_id: str
    start: datetime
    end: datetime
    table: str
    counterparts: tuple[Counterpart, ...]
    interpreter: str = ""
    languages: str = ""
    role: str = ROLE_PARTY  # the attendee's role in it: a party, or the interpreter

    @property
    def counterpart_arrived(self) -> bool:
        """Every counterpart has checked in to the matchmaking session."""
        return bool(self.counterparts) and all(c.arrived for c in self.counterparts)

    def to_json(self, tz: tzinfo | None = None) -> dict[str, object]:
        def when(dt: datetime | None) -> str | None:
            return None if dt is None else (dt.astimezone(tz) if tz else dt).isoformat()

        return {
            "meeting_id": self.meeting_id,
            "start": when(self.start),
            "end": when(self.end),
            "table": self.table,
            "with": [
                {
                    "attendee_id": c.attendee_id,
                    "name": c.name,
                    "name_zh": c.name_zh,
                    "organization": c.organization,
                    "organization_zh": c.organization_zh,
                    "arrived": c.arrived,
                    "arrived_at": when(c.arrived_at),
                }
                for c in self.counterparts
            ],
            "counterpart_arrived": self.counterpart_arrived,
            "interpreter": self.interpreter,
            "languages": self.languages,
            "role": self.role,
        }

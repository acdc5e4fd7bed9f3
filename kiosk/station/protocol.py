"""What the GUI and the station host say to each other: typed requests in, typed replies out.

Every request is a frozen dataclass sent (pickled) on a lane's pipe; the host answers each
with exactly one `Done` or `Failed`, after any number of `Progress` messages. Time always
comes from the GUI (`at` / `now`): the GUI's clock is the one the desk and the tests
control, and a scan kept while the database was down is recorded at its real time.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult, Method
from kiosk.models.records import Attendee, AttendeeInput
from kiosk.people.hits import SearchHit

__all__ = ["SearchHit"]  # a reply of Search, defined with the ranking

# check-ins and staff actions; dashboard reads; exports; the hub sync (kiosk.station.syncing)
LANES = ("desk", "reader", "jobs", "sync")


class Problem(enum.StrEnum):
    """Why a request failed, as far as the GUI needs to know to react."""

    MISSING = "missing"  # the database file does not exist
    UNAVAILABLE = "unavailable"  # it cannot be opened or read (corrupt, another app's, gone)
    UNWRITABLE = "unwritable"  # it can be read but not written (read-only, disk full, locked)
    INVALID = "invalid"  # the request itself was wrong (validation, unknown id): db is fine
    FAILED = "failed"  # a bug in the host: logged there with its traceback

    @property
    def database_down(self) -> bool:
        return self in (Problem.MISSING, Problem.UNAVAILABLE, Problem.UNWRITABLE)


# -- replies ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Done:
    value: object


@dataclass(frozen=True, slots=True)
class Failed:
    problem: Problem
    message: str  # English, names what and where (shown after a translated lead-in)


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int


# -- results that are not domain records ------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Opened:
    event: Event
    path: str
    last_entry_at: datetime | None  # the demo clock continues from it
    writable: bool
    station: str = ""  # this station's name, as the database keeps it


@dataclass(frozen=True, slots=True)
class WalkInDone:
    attendee: Attendee
    code: str
    result: CheckinResult | None  # the admission to `admit_to`, when one was asked for


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The dashboard's data did not change since `version`."""

    version: int


@dataclass(frozen=True, slots=True)
class ExportDone:
    path: str
    rows: int = -1  # rows written (tables), -1 when not counted
    pages: int = -1  # pages written (the PDF report)


# -- requests: the desk lane ------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class OpenDatabase:
    create_demo: bool = False  # build the demo database first when the file does not exist
    station_name: str = ""  # name the station so (--station); "" keeps the name it has


@dataclass(frozen=True, slots=True)
class CreateDatabase:
    """A new event database (the embedded event) at the host's path: the missing-file choice."""

    station_name: str = ""


@dataclass(frozen=True, slots=True)
class Reopen:
    """Close and reopen the lane's connection (a read-only one stays read-only otherwise)."""


@dataclass(frozen=True, slots=True)
class ProbeWrite:
    """Can the database be written now? A write in a transaction that is rolled back."""


@dataclass(frozen=True, slots=True)
class CheckIn:
    code: str
    session_id: str
    method: Method
    station: str
    operator: str
    at: datetime  # when the badge was scanned


@dataclass(frozen=True, slots=True)
class ManualCheckIn:
    attendee_id: str
    session_id: str
    station: str
    operator: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Search:
    text: str
    session_id: str  # whose presence the hits carry
    limit: int = 50


@dataclass(frozen=True, slots=True)
class Stats:
    pass


@dataclass(frozen=True, slots=True)
class Recent:
    station: str
    limit: int = 20


@dataclass(frozen=True, slots=True)
class Undo:
    log_uuid: str
    operator: str
    reason: str
    now: datetime


@dataclass(frozen=True, slots=True)
class WalkIn:
    person: AttendeeInput
    station: str
    operator: str
    admit_to: str | None
    now: datetime


@dataclass(frozen=True, slots=True)
class Reprint:
    attendee_id: str
    operator: str
    reason: str
    now: datetime


@dataclass(frozen=True, slots=True)
class BadgeCode:
    """The attendee's current badge code (the first badge is issued if none exists)."""

    attendee_id: str
    now: datetime


@dataclass(frozen=True, slots=True)
class PreparePrint:
    """The badge to print (kiosk.badges.printing.PrintJob), or None if printed already."""

    attendee_id: str
    station: str
    operator: str
    reason: str
    only_first: bool
    now: datetime
    with_slip: bool = False  # the schedule slip too, for an attendee with meetings


@dataclass(frozen=True, slots=True)
class PrepareSlip:
    """An attendee's schedule slip to print (kiosk.badges.printing.SlipJob), or None when
    they have no meeting on the schedule."""

    attendee_id: str
    station: str
    now: datetime


@dataclass(frozen=True, slots=True)
class RecordPrint:
    attendee_id: str
    badge_id: int
    station: str
    operator: str
    reason: str
    now: datetime


@dataclass(frozen=True, slots=True)
class PinAttempt:
    ok: bool
    station: str
    operator: str
    now: datetime


@dataclass(frozen=True, slots=True)
class MarkMeeting:
    """Staff at the matchmaking desk: the meeting was held / not held ("" clears the mark)."""

    meeting_id: str
    mark: str  # held | not_held | ""
    operator: str
    now: datetime


@dataclass(frozen=True, slots=True)
class RematchMeeting:
    """Re-match a meeting's waiting party into the first free table and slot (a new meeting
    linked to the old one); replies with the new meeting's MeetingState."""

    meeting_id: str
    operator: str
    now: datetime


# -- requests: the reader lane (dashboard) and the jobs lane (exports) ------------------------
@dataclass(frozen=True, slots=True)
class Snapshot:
    """The dashboard's data for `session_id` ('' = the session open now), or `Unchanged`."""

    session_id: str
    now: datetime
    known: tuple[int, str] | None = None  # (data version, session) of the last snapshot
    scope: str = "event"  # event: everything the database holds; station: its own entries


@dataclass(frozen=True, slots=True)
class Export:
    what: str  # attendance | scans | no-shows | report
    fmt: str  # csv | xlsx | pdf
    out: Path
    session_id: str | None
    now: datetime


from kiosk.station.syncproto import (  # noqa: E402  (the sync lane's and conflicts' requests)
    MergeAttendees,
    StartSync,
    StopSync,
    SyncPoll,
    SyncUpdate,
)

__all__ += ["MergeAttendees", "StartSync", "StopSync", "SyncPoll", "SyncUpdate"]

Request = (
    OpenDatabase | CreateDatabase | Reopen | ProbeWrite | CheckIn | ManualCheckIn | Search
    | Stats | Recent | Undo | WalkIn | Reprint | BadgeCode | PreparePrint | PrepareSlip
    | RecordPrint | PinAttempt | MarkMeeting | RematchMeeting | Snapshot | Export | StartSync | StopSync | SyncPoll
    | MergeAttendees
)  # fmt: skip
Reply = Done | Failed | Progress

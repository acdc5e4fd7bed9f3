"""What the GUI and the station host say to each other: typed requests, typed replies.

Each request is a frozen dataclass deriving from `Request[R]` (kiosk.station.wire), R
being the type of its reply's value; it travels in an envelope with an id and its origin,
and the reply echoes both. Time always comes from the GUI (`at` / `now`): the GUI's
clock is the one the desk and the tests control, and a scan kept while the database was
down is recorded at its real time. Naming the station is a request of its own
(`NameStation`): no other request renames it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult, Method
from kiosk.models.records import Attendee, AttendeeInput, LogEntry, SessionStats
from kiosk.people.hits import DuplicateHit, SearchHit
from kiosk.station.wire import (
    LANES,
    SYSTEM,
    Done,
    Envelope,
    Failed,
    Origin,
    Problem,
    Progress,
    Reply,
    Request,
    Source,
)

if TYPE_CHECKING:  # replies named as strings below: importing them here costs the GUI
    from kiosk.badges.printing import PrintJob, SlipJob  # noqa: F401
    from kiosk.meetings.status import MeetingState  # noqa: F401
    from kiosk.station.printproto import PrintDone  # noqa: F401
    from kiosk.station.snapshot import DashboardSnapshot  # noqa: F401

__all__ = [
    "LANES", "SYSTEM", "Done", "Envelope", "Failed", "Origin", "Problem", "Progress", "Reply",
    "Request", "SearchHit", "Source",
]  # fmt: skip


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
    full: tuple[str, ...] = ()  # sessions registered for at or over their capacity


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
class OpenDatabase(Request[Opened]):
    create_demo: bool = False  # build the demo database first when the file does not exist
    timeout = 300.0  # building the demo takes a while on a slow machine
    operation = "open"


@dataclass(frozen=True, slots=True)
class CreateDatabase(Request[Opened]):
    """A new event database (the embedded event) at the host's path: the missing-file choice."""

    timeout = 300.0
    operation = "create"


@dataclass(frozen=True, slots=True)
class Reopen(Request[bool]):
    """Close and reopen the lane's connection (a read-only one stays read-only otherwise)."""

    operation = "open"


@dataclass(frozen=True, slots=True)
class ProbeWrite(Request[bool]):
    """Can the database be written now? A write in a transaction that is rolled back."""

    operation = "open"


@dataclass(frozen=True, slots=True)
class NameStation(Request[str]):
    """Give this station a name (kept with the database, in its entries from now on);
    replies with the name the database keeps."""

    name: str
    operation = "station"


@dataclass(frozen=True, slots=True)
class CheckIn(Request[CheckinResult]):
    code: str
    session_id: str
    method: Method
    operator: str
    at: datetime  # when the badge was scanned
    operation = "check-in"
    admits = True


@dataclass(frozen=True, slots=True)
class ManualCheckIn(Request[CheckinResult]):
    attendee_id: str
    session_id: str
    operator: str
    at: datetime
    operation = "check-in"
    admits = True


@dataclass(frozen=True, slots=True)
class Search(Request[list[SearchHit]]):
    text: str
    session_id: str  # whose presence the hits carry
    limit: int = 50
    operation = "search"


@dataclass(frozen=True, slots=True)
class LikelyDuplicates(Request[list[DuplicateHit]]):
    """Before a walk-in is registered: who is registered already under that name."""

    person: AttendeeInput
    session_id: str  # whose presence the hits carry
    operation = "search"


@dataclass(frozen=True, slots=True)
class Stats(Request[list[SessionStats]]):
    operation = "statistics"


@dataclass(frozen=True, slots=True)
class Recent(Request[list[tuple[LogEntry, Attendee | None]]]):
    """The newest entry, exit and undo entries, with their attendee."""

    own: bool = True  # this station's only (False: every station's)
    limit: int = 20
    operation = "recent"


@dataclass(frozen=True, slots=True)
class Undo(Request[LogEntry]):
    log_uuid: str
    operator: str
    reason: str
    now: datetime
    operation = "undo"


@dataclass(frozen=True, slots=True)
class WalkIn(Request[WalkInDone]):
    person: AttendeeInput
    operator: str
    admit_to: str | None
    now: datetime
    operation = "walk-in"
    admits = True


@dataclass(frozen=True, slots=True)
class Reprint(Request[str]):
    """A new badge (the old ones revoked); replies with its code."""

    attendee_id: str
    operator: str
    reason: str
    now: datetime
    operation = "reprint"


@dataclass(frozen=True, slots=True)
class BadgeCode(Request[str]):
    """The attendee's current badge code (the first badge is issued if none exists)."""

    attendee_id: str
    now: datetime
    operation = "badge"


@dataclass(frozen=True, slots=True)
class PreparePrint(Request["PrintJob | PrintDone | None"]):
    """The badge to print (kiosk.badges.printing.PrintJob), or None if printed already,
    or a PrintDone saying why it cannot be (the label is too small for the badge)."""

    attendee_id: str
    operator: str
    reason: str
    only_first: bool
    now: datetime
    with_slip: bool = False  # the schedule slip too, for an attendee with meetings
    label: str | None = None  # the label stock (None: the station's default, 4x3in)
    operation = "print"


@dataclass(frozen=True, slots=True)
class PrepareSlip(Request["SlipJob | None"]):
    """An attendee's schedule slip to print (kiosk.badges.printing.SlipJob), or None when
    they have no meeting on the schedule."""

    attendee_id: str
    now: datetime
    operation = "slip"


@dataclass(frozen=True, slots=True)
class RecordPrint(Request[str]):
    """A badge reached the printer: a print-log entry (replies with its uuid)."""

    attendee_id: str
    badge_id: int
    operator: str
    reason: str
    now: datetime
    printer: str = ""
    operation = "print log"


@dataclass(frozen=True, slots=True)
class PinAttempt(Request[None]):
    ok: bool
    operator: str
    now: datetime
    operation = "PIN"


@dataclass(frozen=True, slots=True)
class MarkMeeting(Request["MeetingState"]):
    """Staff at the matchmaking desk: the meeting was held / not held ("" clears the mark)."""

    meeting_id: str
    mark: str  # held | not_held | ""
    operator: str
    now: datetime
    operation = "meeting"


@dataclass(frozen=True, slots=True)
class RematchMeeting(Request["MeetingState"]):
    """Re-match a meeting's waiting party into the first free table and slot (a new meeting
    linked to the old one); replies with the new meeting's MeetingState."""

    meeting_id: str
    operator: str
    now: datetime
    operation = "meeting"


# -- requests: the reader lane (dashboard) and the jobs lane (exports) ------------------------
@dataclass(frozen=True, slots=True)
class Snapshot(Request["DashboardSnapshot | Unchanged"]):
    """The dashboard's data for `session_id` ('' = the session open now), or `Unchanged`."""

    session_id: str
    now: datetime
    known: tuple[int, str] | None = None  # (data version, session) of the last snapshot
    scope: str = "event"  # event: everything the database holds; station: its own entries
    lane = "reader"
    timeout = 120.0
    operation = "dashboard"


@dataclass(frozen=True, slots=True)
class Export(Request[ExportDone]):
    what: str  # attendance | scans | no-shows | report
    fmt: str  # csv | xlsx | pdf
    out: Path
    session_id: str | None
    now: datetime
    lane = "jobs"
    timeout = None  # a large export takes as long as it takes (it reports progress)
    operation = "export"


from kiosk.station.syncproto import (  # noqa: E402  (the sync lane's and conflicts' requests)
    MergeAttendees,
    StartSync,
    StopSync,
    SyncPoll,
    SyncUpdate,
)

__all__ += ["MergeAttendees", "StartSync", "StopSync", "SyncPoll", "SyncUpdate"]

"""One step function per kind of log entry, and the one registry of them (`STEPS`).

A step folds one entry into the projections' states (kiosk.storage.projections.state) and
does nothing else: no SQL, no clock. Both drivers run these same steps — the incremental
driver on the keys an entry touches, the rebuild on every key at once
(kiosk.storage.projections.drivers). A new kind of entry is one function here and one line
in `STEPS`; a kind missing here (from a newer release) is kept in the log and ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from sys import intern
from typing import Any, Protocol

from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.storage import meeting_fold
from kiosk.storage.fold import Step as Move
from kiosk.storage.fold import import_rows
from kiosk.storage.projections.state import Folds


class Entry(Protocol):
    """What a step reads of an entry: a LogEntry (the incremental driver) or a log row read
    as one (kiosk.storage.log.Row: the rebuild, which parses no payload a step does not read)."""

    @property
    def uuid(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def station_id(self) -> str: ...
    @property
    def station(self) -> str: ...
    @property
    def session_id(self) -> str: ...
    @property
    def operator(self) -> str: ...
    @property
    def outcome(self) -> Outcome | None: ...
    @property
    def attendee_id(self) -> str | None: ...
    @property
    def badge_id(self) -> int | None: ...
    @property
    def ref(self) -> str | None: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def reason(self) -> str: ...


#: (the states, the entry, its version, its time as stored text)
StepFn = Callable[[Folds, Entry, str, str], None]


def event(f: Folds, e: Entry, ver: str, at: str) -> None:
    f.event.offer(ver, e.data)


def import_chunk(f: Folds, e: Entry, ver: str, at: str) -> None:
    rows = list(import_rows(e.data))
    people = f.people
    people.want([row[0] for row in rows])  # the chunk's records, read in one go
    apply = people.apply
    for aid, full, fields in rows:
        apply(aid, fields, ver, at, full)
        if fields.get("ticket"):
            _ticket(f, aid, fields, ver, at)


def walk_in(f: Folds, e: Entry, ver: str, at: str) -> None:
    if e.attendee_id:
        fields = e.data.get("fields", {})
        f.people.apply(e.attendee_id, fields, ver, at, full=True, walk_in=True)
        _ticket(f, e.attendee_id, fields, ver, at)


def edit(f: Folds, e: Entry, ver: str, at: str) -> None:
    if e.attendee_id:
        fields = e.data.get("fields", {})
        f.people.apply(e.attendee_id, fields, ver, at, full=False)
        _ticket(f, e.attendee_id, fields, ver, at)


def _ticket(f: Folds, aid: str, fields: dict[str, object], ver: str, at: str) -> None:
    if fields.get("ticket"):
        f.tickets.get(str(fields["ticket"])).give(aid, ver, at)


def merge(f: Folds, e: Entry, ver: str, at: str) -> None:
    """`attendee_id` is merged into `data.into`: the merged record is hidden, its badges and
    check-ins count for the one kept (kiosk.storage.fold.resolve_merges)."""
    f.merges.append((ver, e.attendee_id or "", str(e.data.get("into", ""))))


def badge_issue(f: Folds, e: Entry, ver: str, at: str) -> None:
    for badge_id, aid, badge_version in e.data.get("badges", ()):
        f.badges.get(badge_id).issue(aid, badge_version, at)


def badge_revoke(f: Folds, e: Entry, ver: str, at: str) -> None:
    if e.badge_id is not None:
        f.badges.get(e.badge_id).revoke(at, ver, e.reason)


def ticket_revoke(f: Folds, e: Entry, ver: str, at: str) -> None:
    key = str(e.data.get("ticket", ""))
    if key and e.attendee_id:
        f.tickets.get(key).revoke(e.attendee_id, at, ver, e.reason)


def badge_print(f: Folds, e: Entry, ver: str, at: str) -> None:
    f.prints[e.uuid] = (e.uuid, e.attendee_id or "", e.badge_id or 0, at, e.station_id,
                        e.station, e.operator, e.reason)  # fmt: skip


_ADMITTED, _EXITED = Outcome.ADMITTED, Outcome.EXITED  # (an enum's class attribute is slow)


def scan(f: Folds, e: Entry, ver: str, at: str) -> None:
    """An entry or exit scan: an admission or exit moves the person (presence) and counts
    as the station's own admission; any other outcome is counted per session, kind and
    outcome, and an entry's per station too. (The rebuild runs this a million times: each
    field is read once, as the rebuild's entries look them up when asked; the texts a
    state keeps per scan, kind, session and station, are one shared object each.)"""
    kind, outcome = intern(str(e.kind)), e.outcome
    session_id, aid = intern(e.session_id), e.attendee_id
    entry = kind == "entry"
    if outcome is not (_ADMITTED if entry else _EXITED):
        text = str(outcome) if outcome is not None else ""  # a StrEnum's str is its value
        f.presence.scan(session_id, kind, text)
        if entry and outcome is not None:
            f.stations.outcome(e.uuid, intern(e.station_id), session_id, text)
    elif aid:
        uuid, station_id = e.uuid, intern(e.station_id)
        f.presence.move(session_id, aid, Move(ver, kind, uuid, at, station_id, intern(e.station)))
        if entry:
            f.stations.admit(uuid, station_id, session_id, aid, at)


def annul(f: Folds, e: Entry, ver: str, at: str) -> None:
    f.presence.annul(e.session_id, e.attendee_id, e.ref)
    f.stations.undo(e.ref)


def meeting_schedule(f: Folds, e: Entry, ver: str, at: str) -> None:
    f.meetings.want(meeting_fold.touched(e.data))
    meeting_fold.schedule(f.meetings.get, e.data, ver)


def meeting_cancel(f: Folds, e: Entry, ver: str, at: str) -> None:
    f.meetings.want(meeting_fold.touched(e.data))
    meeting_fold.cancel(f.meetings.get, e.data, ver)


def meeting_mark(f: Folds, e: Entry, ver: str, at: str) -> None:
    meeting_fold.mark(f.meetings.get, e.data, ver, at, e.operator)


def meeting_rematch(f: Folds, e: Entry, ver: str, at: str) -> None:
    f.meetings.want(meeting_fold.touched(e.data))
    meeting_fold.rematch(f.meetings.get, e.data, ver)


def nothing(f: Folds, e: Entry, ver: str, at: str) -> None:
    """Kept in the log only (an import commit lets its batch's chunks be folded; PIN
    attempts are an audit trail)."""


STEPS: dict[str, StepFn] = {
    LogKind.EVENT: event,
    LogKind.IMPORT: import_chunk,
    LogKind.IMPORT_COMMIT: nothing,
    LogKind.WALK_IN: walk_in,
    LogKind.EDIT: edit,
    LogKind.MERGE: merge,
    LogKind.BADGE_ISSUE: badge_issue,
    LogKind.BADGE_REVOKE: badge_revoke,
    LogKind.BADGE_PRINT: badge_print,
    LogKind.TICKET_REVOKE: ticket_revoke,
    LogKind.ENTRY: scan,
    LogKind.EXIT: scan,
    LogKind.ANNUL: annul,
    LogKind.PIN_ATTEMPT: nothing,
    LogKind.MEETING_SCHEDULE: meeting_schedule,
    LogKind.MEETING_CANCEL: meeting_cancel,
    LogKind.MEETING_MARK: meeting_mark,
    LogKind.MEETING_REMATCH: meeting_rematch,
}

#: Kinds whose entries may belong to an import batch: kept pending until it is committed.
BATCHED = frozenset({LogKind.IMPORT, LogKind.MEETING_SCHEDULE, LogKind.MEETING_CANCEL})

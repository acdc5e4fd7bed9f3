"""What each request does, on one lane's own Store and CheckinService (in the host child).

`Lane.run(request)` returns a `Done` or a `Failed` naming the problem; it never raises.
Which problem an exception is, is decided by its type, in one place (`problem_of`). A
lane opens its Store on first use and closes it after a database problem, so the next
request opens it afresh (a connection opened read-only stays read-only).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import singledispatch
from pathlib import Path
from typing import Any

from kiosk.models.errors import (
    DatabaseMissing,
    DatabaseUnwritable,
    KioskError,
    NoEventError,
    NotFoundError,
    SigningKeyMissing,
    StorageError,
    ValidationError,
)
from kiosk.models.records import LogKind
from kiosk.station import protocol as p
from kiosk.storage.store import DB_ERRORS, Store, db_error, describe_db_error

log = logging.getLogger(__name__)
ProgressFn = Callable[[int, int], None]
RECENT_KINDS = (LogKind.ENTRY, LogKind.EXIT, LogKind.ANNUL)


class RequestClock:
    """The service's clock in the host: the time each request carries (the GUI's clock)."""

    def __init__(self) -> None:
        self._now = datetime.now(UTC)

    def set(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return time.monotonic()


class Lane:
    """One lane's connection, service and badge desk, used by the lane's thread only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = RequestClock()
        self.store: Store | None = None
        self._service: Any = None
        self._desks: dict[str, Any] = {}

    def open_store(self) -> Store:
        if self.store is None:
            if not self.path.is_file():
                raise DatabaseMissing(f"{self.path}: no such database")  # never created unasked
            store = Store.open(self.path)
            try:
                store.event()
            except BaseException:
                store.close()
                raise
            self.store = store
        return self.store

    @property
    def service(self) -> Any:  # kiosk.checkin.service.CheckinService
        if self._service is None:
            from kiosk.checkin.service import CheckinService

            self._service = CheckinService(self.open_store(), self.clock)
        return self._service

    def desk(self) -> Any:  # kiosk.badges.printing.BadgeDesk
        from kiosk.badges.printing import BadgeDesk

        if "desk" not in self._desks:
            self._desks["desk"] = BadgeDesk(self.service)
        return self._desks["desk"]

    def close(self) -> None:
        store, self.store, self._service = self.store, None, None
        self._desks.clear()
        if store is not None:
            try:
                store.close()
            except sqlite3.Error as exc:
                log.info("closing %s: %s", self.path, exc)

    def run(self, request: object, progress: ProgressFn | None = None) -> p.Done[object] | p.Failed:
        now = getattr(request, "now", None) or getattr(request, "at", None)
        if isinstance(now, datetime):
            self.clock.set(now)
        try:
            return p.Done(handle(request, self, progress or (lambda _d, _t: None)))
        except Exception as exc:
            problem = problem_of(exc)
            if problem is p.Problem.FAILED:
                log.exception("%s failed", type(request).__name__)
            if problem.database_down:
                self.close()
            return p.Failed(problem, describe(exc, self.path))


def problem_of(exc: BaseException) -> p.Problem:
    """The one mapping from an exception to the problem the GUI reacts to, by its type."""
    if isinstance(exc, DatabaseMissing):
        return p.Problem.MISSING
    if isinstance(exc, DatabaseUnwritable):
        return p.Problem.UNWRITABLE
    if isinstance(exc, (StorageError, NoEventError)):  # DatabaseUnavailable
        return p.Problem.UNAVAILABLE
    if isinstance(exc, (ValidationError, NotFoundError, SigningKeyMissing)):
        return p.Problem.INVALID
    if isinstance(exc, DB_ERRORS):
        return problem_of(db_error("", exc))
    if isinstance(exc, OSError):
        return p.Problem.UNAVAILABLE
    if isinstance(exc, KioskError):
        return p.Problem.INVALID
    return p.Problem.FAILED


def describe(exc: BaseException, path: Path) -> str:
    """One clear line: what failed and where."""
    if isinstance(exc, KioskError):
        return str(exc)
    if isinstance(exc, DB_ERRORS):
        return describe_db_error(str(path), exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or path}: {exc.strerror or exc}"
    return f"{path}: unexpected error ({type(exc).__name__}: {exc})"


# -- the handlers ------------------------------------------------------------------------------
@singledispatch
def handle(request: object, lane: Lane, progress: ProgressFn) -> object:
    raise ValidationError(f"unknown request {type(request).__name__}")


@handle.register
def _(r: p.OpenDatabase, lane: Lane, progress: ProgressFn) -> p.Opened:
    if r.create_demo and not lane.path.exists():
        from kiosk.demo import build_demo

        lane.path.parent.mkdir(parents=True, exist_ok=True)
        part = lane.path.with_name(lane.path.name + ".building")
        part.unlink(missing_ok=True)
        build_demo(part, attendees=300)
        os.replace(part, lane.path)
    lane.close()
    store = lane.open_store()
    try:
        store.probe_write()
        writable = True
    except StorageError:
        writable = False
    with store.snapshot() as tx:
        last = tx.log.last_at()
    return p.Opened(store.event(), str(lane.path), last, writable, store.station.name)


@handle.register
def _(r: p.CreateDatabase, lane: Lane, progress: ProgressFn) -> p.Opened:
    from kiosk.checkin.bootstrap import init_database
    from kiosk.models.event import load_event

    if lane.path.exists():
        raise ValidationError(f"{lane.path}: already exists; open it instead")
    lane.close()
    lane.path.parent.mkdir(parents=True, exist_ok=True)  # the staff member chose this place
    init_database(lane.path, load_event()).close()
    opened = handle(p.OpenDatabase(), lane, progress)
    assert isinstance(opened, p.Opened)
    return opened


@handle.register
def _(r: p.Reopen, lane: Lane, progress: ProgressFn) -> bool:
    lane.close()
    lane.open_store()
    return True


@handle.register
def _(r: p.ProbeWrite, lane: Lane, progress: ProgressFn) -> bool:
    lane.open_store().probe_write()
    return True


@handle.register
def _(r: p.NameStation, lane: Lane, progress: ProgressFn) -> str:
    name = r.name.strip()
    if not name:
        raise ValidationError("a station needs a name")
    store = lane.open_store()
    if name != store.station.name:
        store.set_station_name(name)
    return str(store.station.name)


@handle.register
def _(r: p.CheckIn, lane: Lane, progress: ProgressFn) -> object:
    return lane.service.check_in(r.code, r.session_id, r.method, r.operator, at=r.at)


@handle.register
def _(r: p.ManualCheckIn, lane: Lane, progress: ProgressFn) -> object:
    return lane.service.manual_check_in(r.attendee_id, r.session_id, r.operator, at=r.at)


@handle.register
def _(r: p.Search, lane: Lane, progress: ProgressFn) -> object:
    from kiosk.people.search import search_people

    return search_people(lane.open_store(), r.text, r.session_id, r.limit)


@handle.register
def _(r: p.LikelyDuplicates, lane: Lane, progress: ProgressFn) -> object:
    from kiosk.people.duplicates import likely_duplicates

    return likely_duplicates(lane.open_store(), r.person, r.session_id)


@handle.register
def _(r: p.Stats, lane: Lane, progress: ProgressFn) -> object:
    with lane.open_store().snapshot() as tx:
        return tx.presence.stats()


@handle.register
def _(r: p.Recent, lane: Lane, progress: ProgressFn) -> object:
    store = lane.open_store()
    own = store.station.id if r.own else None
    with store.snapshot() as tx:
        entries = list(tx.log.entries(station_id=own, newest_first=True, limit=r.limit,
                                      kinds=RECENT_KINDS))  # fmt: skip
        people = {e.attendee_id: tx.people.attendee(e.attendee_id) for e in entries
                  if e.attendee_id}  # fmt: skip
    return [(e, people.get(e.attendee_id or "")) for e in entries]


@handle.register
def _(r: p.Undo, lane: Lane, progress: ProgressFn) -> object:
    return lane.service.undo(r.log_uuid, r.operator, r.reason)


@handle.register
def _(r: p.WalkIn, lane: Lane, progress: ProgressFn) -> p.WalkInDone:
    done = lane.service.walk_in(r.person, r.operator, admit_to=r.admit_to or None)
    return p.WalkInDone(done.attendee, done.code, done.result, done.full)


@handle.register
def _(r: p.Reprint, lane: Lane, progress: ProgressFn) -> object:
    return lane.service.reprint_badge(r.attendee_id, r.operator, r.reason)


@handle.register
def _(r: p.BadgeCode, lane: Lane, progress: ProgressFn) -> object:
    return lane.service.badge_code(r.attendee_id)


@handle.register
def _(r: p.PreparePrint, lane: Lane, progress: ProgressFn) -> object:
    desk = lane.desk()
    if r.only_first and desk.prints(r.attendee_id):
        return None  # "print at first check-in": this attendee has a printed badge
    from kiosk.badges.design import LabelTooSmall

    try:
        return desk.prepare(r.attendee_id, reprint=False, operator=r.operator, reason=r.reason,
                            with_slip=r.with_slip, label=r.label)  # fmt: skip
    except LabelTooSmall as exc:
        from kiosk.badges.printstate import PrintProblem, failed
        from kiosk.station.printproto import PrintDone

        return PrintDone(failed(PrintProblem.LABEL_TOO_SMALL, detail=exc.detail), pdf=None)


@handle.register
def _(r: p.PrepareSlip, lane: Lane, progress: ProgressFn) -> object:
    return lane.desk().slip(r.attendee_id)


@handle.register
def _(r: p.RecordPrint, lane: Lane, progress: ProgressFn) -> object:
    return lane.service.record_print(r.attendee_id, r.badge_id, r.operator, r.reason,
                                     printer=r.printer)  # fmt: skip


@handle.register
def _(r: p.PinAttempt, lane: Lane, progress: ProgressFn) -> None:
    lane.service.record_pin_attempt(r.ok, r.operator)


@handle.register
def _(r: p.MarkMeeting, lane: Lane, progress: ProgressFn) -> object:
    from kiosk.meetings.service import MeetingService
    from kiosk.models.meetings import MeetingMark

    if r.mark and r.mark not in {m.value for m in MeetingMark}:
        raise ValidationError(f"unknown meeting mark {r.mark!r} (held, not_held or none)")
    mark = MeetingMark(r.mark) if r.mark else None
    return MeetingService(lane.open_store(), lane.clock).mark(r.meeting_id, mark, r.operator)


@handle.register
def _(r: p.RematchMeeting, lane: Lane, progress: ProgressFn) -> object:
    from kiosk.meetings.service import MeetingService

    return MeetingService(lane.open_store(), lane.clock).rematch(r.meeting_id, operator=r.operator)


@handle.register
def _(r: p.Snapshot, lane: Lane, progress: ProgressFn) -> object:
    from kiosk.station.scoped import collect_scoped

    store = lane.open_store()
    event = store.event()
    with store.snapshot() as tx:
        version = tx.log.data_version()
    session = r.session_id or event.current_session(r.now).id
    if r.known == (version, session):
        return p.Unchanged(version)
    return collect_scoped(store, event, session, r.now, version, r.scope)


@handle.register
def _(r: p.MergeAttendees, lane: Lane, progress: ProgressFn) -> object:
    return lane.service.merge_attendees(r.duplicate, r.into, r.operator)


@handle.register
def _(r: p.Export, lane: Lane, progress: ProgressFn) -> p.ExportDone:
    if not r.out.parent.is_dir():
        raise ValidationError(f"{r.out}: cannot write: the folder {r.out.parent} does not exist")
    store = lane.open_store()
    if r.what == "report":
        from kiosk.formats.report import write_report

        written = write_report(store, r.out, r.now)
        return p.ExportDone(str(written.path), pages=written.pages)
    from kiosk.formats.export import export

    summary = export(
        store, r.what, r.fmt, r.out, now=r.now, session_id=r.session_id, progress=progress
    )
    return p.ExportDone(str(summary.path), rows=summary.rows)


# -- trusted stations (kiosk.station.trustproto) -------------------------------------------------
def _register_trust() -> None:
    from kiosk.station import trustproto as t

    @handle.register(t.ListStations)
    def _(r: t.ListStations, lane: Lane, progress: ProgressFn) -> t.StationsView:
        from kiosk.storage import syncstate
        from kiosk.storage import trust as tstore

        store = lane.open_store()
        gate = store.gate
        rows = () if gate is None else tuple(tstore.stations(store.conn, gate.verifier))
        right = tstore.enrolls(store.conn)
        timezone = store.event().timezone if syncstate.setting(store.conn, "event") else "UTC"
        return t.StationsView(right is tstore.Enrolls.DESK, rows, right, timezone)

    @handle.register(t.EnrollStation)
    def _(r: t.EnrollStation, lane: Lane, progress: ProgressFn) -> t.EnrolledFile:
        from kiosk.sync.enroll import enroll
        from kiosk.trust.roles import Role

        if r.out.exists():
            raise ValidationError(f"{r.out}: already exists (an enrollment file is made once)")
        if not r.out.parent.is_dir():
            raise ValidationError(f"{r.out}: the folder {r.out.parent} does not exist")
        done = enroll(lane.open_store(), r.owner_dsn, Role(r.role), r.name, r.out, r.now, r.days)
        text = done.path.read_text(encoding="utf-8")
        return t.EnrolledFile(r.name, r.role, done.cert.expires, str(done.path), text)

    @handle.register(t.RevokeStation)
    def _(r: t.RevokeStation, lane: Lane, progress: ProgressFn) -> int:
        from kiosk.sync.enroll import revoke

        return revoke(lane.open_store(), r.name, r.now, r.owner_dsn or None)[1]

    @handle.register(t.RotateEventKey)
    def _(r: t.RotateEventKey, lane: Lane, progress: ProgressFn) -> str:
        from kiosk.sync.enroll import rotate_key

        return rotate_key(lane.open_store(), r.now, r.compromised).key[:12]


_register_trust()

"""MeetingService: the matchmaking schedule's one entry point (import, status, marks,
re-matches, cancellations). Every change is a log entry; the meetings projection is
kiosk.storage.meetings. Returns typed data, never UI text; time comes from the clock.

An import is an import batch like the attendee import: chunks of `meeting_schedule` entries
and one `meeting_cancel` entry (the meetings dropped from the file) take effect together
when the batch's commit entry is written, and no chunk holds the write lock for long.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.meetings.board import MatchmakingBoard, build_board
from kiosk.meetings.rematch import free_places, on_grid, place_problem
from kiosk.meetings.schedule import Directory, Problem, ScheduleCheck, ScheduleRow, check_schedule
from kiosk.meetings.status import MeetingState, MeetingStatusRow, state_of, status_rows
from kiosk.models.clock import Clock
from kiosk.models.errors import NotFoundError, ValidationError
from kiosk.models.event import Event, Session
from kiosk.models.meetings import Meeting, MeetingMark, MeetingOutcome, UpcomingMeeting
from kiosk.models.records import LogKind
from kiosk.storage.base import from_ts, new_uuid, ts
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx

CHUNK = 1000  # meetings per schedule entry: one short transaction each (~50 ms)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ScheduleImport:
    source: str
    rows: int
    problems: tuple[Problem, ...]
    written: bool  # False: nothing was written (bad rows)
    scheduled: int = 0  # new meetings
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0  # dropped from the file

    @property
    def bad(self) -> int:
        return len({p.row for p in self.problems})

    def summary(self) -> str:
        if not self.written:
            return (f"{self.source}: {self.rows} rows read, {self.bad} bad — nothing imported "
                    "(fix the rows listed above and import the file again)")  # fmt: skip
        return (f"{self.source}: {self.rows} rows read; {self.scheduled} meetings scheduled, "
                f"{self.updated} updated, {self.unchanged} unchanged, "
                f"{self.cancelled} cancelled (no longer in the file)")  # fmt: skip

    def to_json(self) -> dict[str, object]:
        return {"file": self.source, "rows": self.rows, "written": self.written,
                "scheduled": self.scheduled, "updated": self.updated,
                "unchanged": self.unchanged, "cancelled": self.cancelled, "bad": self.bad,
                "problems": [{"row": p.row, "column": p.column, "why": p.why}
                             for p in self.problems]}  # fmt: skip


class MeetingService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.event: Event = store.event()

    @property
    def session(self) -> Session:
        s = self.event.matchmaking_session()
        if s is None:
            raise ValidationError(
                f"{self.store.path}: the event has no matchmaking session "
                f"{self.event.matchmaking.session!r} (see [matchmaking] in the event file)"
            )
        return s

    # -- the schedule ------------------------------------------------------------------------
    def check(self, rows: Sequence[ScheduleRow], source: str = "") -> ScheduleCheck:
        """Check a schedule against the event and the attendees; writes nothing."""
        session = self.session
        with self.store.snapshot() as tx:
            directory = Directory(tx.meetings.people_index(), session.id, session.restricted)
            rematches = tx.meetings.by_id(tx.meetings.rematch_ids())
        kept = [(m.meeting_id, m.start, m.end, m.table, people_of(m))
                for m in rematches.values() if m.active]  # fmt: skip
        return check_schedule(rows, self.event, directory, kept, source)

    def import_schedule(
        self, rows: Sequence[ScheduleRow], source: str, problems: Sequence[Problem] = ()
    ) -> ScheduleImport:
        """All or nothing: with any problem (`problems` from reading the file, or found
        here) nothing is written. Meetings are matched by id; a meeting missing from the
        file is cancelled (re-matches made at the desk stay)."""
        check = self.check(rows, source)
        found = tuple(sorted([*problems, *check.problems], key=lambda p: (p.row, p.column)))
        n = len(rows) + len({p.row for p in problems} - {r.row for r in rows})
        if found:
            return ScheduleImport(source, n, found, written=False)
        with self.store.snapshot() as tx:
            existing = tx.meetings.scheduled_fields()
        changed: list[dict[str, Any]] = []
        scheduled = updated = unchanged = 0
        for f in check.meetings:
            old = existing.get(f["id"])
            if old is None:
                scheduled += 1
            elif old[1] or _comparable(old[0]) != _comparable(f):
                updated += 1
            else:
                unchanged += 1
                continue
            changed.append(f)
        in_file = {f["id"] for f in check.meetings}
        dropped = sorted(mid for mid, (_, cancelled, rematch_of) in existing.items()
                         if mid not in in_file and not cancelled and rematch_of is None)  # fmt: skip
        if changed or dropped:
            self._write_batch(changed, dropped, source)
        return ScheduleImport(source, n, (), True, scheduled, updated, unchanged, len(dropped))

    def _write_batch(self, changed: list[dict[str, Any]], dropped: list[str], source: str) -> None:
        now = self.clock.now()
        batch = new_uuid()
        for i in range(0, len(changed), CHUNK):
            with self.store.write() as tx:
                self.store.append(tx, LogKind.MEETING_SCHEDULE, now, batch=batch,
                                  data={"meetings": changed[i : i + CHUNK]})  # fmt: skip
        if dropped:
            with self.store.write() as tx:
                self.store.append(tx, LogKind.MEETING_CANCEL, now, batch=batch,
                                  data={"meetings": dropped,
                                        "reason": f"not in {source or 'the schedule'}"})  # fmt: skip
        with self.store.write() as tx:
            self.store.append(tx, LogKind.IMPORT_COMMIT, now, batch=batch,
                              data={"source": source, "what": "meetings",
                                    "meetings": len(changed), "cancelled": len(dropped)})  # fmt: skip
        self.store.catch_up()

    # -- reading -------------------------------------------------------------------------------
    def states(self, now: datetime | None = None, attendee_id: str | None = None
               ) -> list[MeetingState]:  # fmt: skip
        """Every meeting's status with names (cancelled ones too), by start time and table;
        with `attendee_id`, the meetings that attendee is in."""
        now = now or self.clock.now()
        session, rules = self.session, self.event.matchmaking
        with self.store.snapshot() as tx:
            meetings = tx.meetings.of(attendee_id) if attendee_id else tx.meetings.all()
            arrivals = tx.meetings.arrivals(session.id)
        return [state_of(m, arrivals, now, rules) for m in meetings]

    def statuses(self, now: datetime | None = None) -> list[MeetingStatusRow]:
        """The status of every meeting, without names: fast (10,000 meetings in tens of
        milliseconds; bench/meetings_status.py), by start time and table."""
        now = now or self.clock.now()
        session, rules = self.session, self.event.matchmaking
        with self.store.snapshot() as tx:
            rows = self.store.meeting_rows.read(tx.conn)
            times = tx.meetings.arrival_times(session.id)

            def companies_here(ids: list[str]) -> set[str]:
                full = self._states(tx, ids, now)
                return {s.meeting_id for s in full if s.outcome is MeetingOutcome.PARTLY_HELD}

            return status_rows(rows, times, now, rules, companies_here)

    def board(self, now: datetime | None = None) -> MatchmakingBoard:
        """The dashboard's matchmaking panel (kiosk.meetings.board): the due-soon meetings
        with names, the tables in use, and the counts."""
        now = now or self.clock.now()
        with self.store.snapshot() as tx:  # one moment: the counts and the lists agree
            rows = self.statuses(now)
            return build_board(rows, now, self.session.id, lambda ids: self._states(tx, ids, now))

    def _states(self, tx: Tx, ids: list[str], now: datetime) -> list[MeetingState]:
        found = tx.meetings.by_id(ids)
        wanted = {p.attendee_id for m in found.values() for p in m.parties}
        arrivals = {aid: from_ts(at) for aid, at in tx.meetings.arrival_times(self.session.id).items()
                    if aid in wanted}  # fmt: skip
        return [state_of(found[i], arrivals, now, self.event.matchmaking) for i in ids
                if i in found]  # fmt: skip

    def state(self, meeting_id: str, now: datetime | None = None) -> MeetingState:
        now = now or self.clock.now()
        m = self._meeting(meeting_id)
        with self.store.snapshot() as tx:
            arrivals = tx.meetings.arrivals(self.session.id)
        return state_of(m, arrivals, now, self.event.matchmaking)

    def schedule_of(self, attendee_ref: str) -> tuple[UpcomingMeeting, ...]:
        """An attendee's whole schedule for the day (cancelled and replaced meetings left
        out), with the counterparts: what their slip shows."""
        with self.store.snapshot() as tx:
            found = tx.people.find(attendee_ref)
            if found is None:
                raise NotFoundError(f"no attendee {attendee_ref!r} (id, external id or email)")
            return tx.meetings.upcoming(found.attendee_id, self.session.id, _EPOCH)

    def with_meetings(self) -> list[str]:
        """Attendees with at least one meeting on the schedule, by first meeting."""
        out: dict[str, None] = {}
        with self.store.snapshot() as tx:
            meetings = tx.meetings.all()
        for m in meetings:
            if m.active:
                for aid in people_of(m):
                    out.setdefault(aid)
        return list(out)

    def _meeting(self, meeting_id: str) -> Meeting:
        with self.store.snapshot() as tx:
            found = tx.meetings.by_id([meeting_id]).get(meeting_id)
        if found is None:
            raise NotFoundError(f"no meeting {meeting_id!r}")
        return found

    # -- staff at the matchmaking desk -----------------------------------------------------
    def mark(self, meeting_id: str, mark: MeetingMark | None, operator: str = "") -> MeetingState:
        """Record that a meeting was held or not held (None clears an earlier mark)."""
        with self.store.write() as tx:
            m = self._meeting(meeting_id)
            if m.cancelled:
                raise ValidationError(f"meeting {meeting_id} is cancelled")
            self.store.append(tx, LogKind.MEETING_MARK, self.clock.now(), operator=operator,
                              data={"meeting": m.meeting_id,
                                    "mark": mark.value if mark else None})  # fmt: skip
        return self.state(meeting_id)

    def cancel(self, meeting_id: str, reason: str, operator: str = "") -> MeetingState:
        if not reason.strip():
            raise ValidationError("a cancellation needs a reason")
        with self.store.write() as tx:
            m = self._meeting(meeting_id)
            if not m.cancelled:
                self.store.append(tx, LogKind.MEETING_CANCEL, self.clock.now(), operator=operator,
                                  data={"meetings": [m.meeting_id], "reason": reason.strip()})  # fmt: skip
        return self.state(meeting_id)

    def rematch(
        self, meeting_id: str, with_refs: Sequence[str] = (), table: str | None = None,
        start: datetime | None = None, operator: str = "",
    ) -> MeetingState:  # fmt: skip
        """A new meeting for the parties of `meeting_id` who are here: with `with_refs`
        (attendee ids, external ids or emails), else with the missing parties again; at
        `table` and `start`, else the first free table from now. Linked to the old one."""
        now = self.clock.now()
        session = self.session
        with self.store.write() as tx:
            old_state = self.state(meeting_id, now)
            old = old_state.meeting
            _check_rematchable(meeting_id, old_state)
            parties = _rematch_parties(old_state, [self._party(ref) for ref in with_refs])
            ids = [p[0] for p in parties]
            meetings = tx.meetings.all()
            length = old.end - old.start
            if table is None or start is None:
                table, start = self._free_place(meeting_id, meetings, ids, length, table, start,
                                                now)  # fmt: skip
            problem = place_problem(self.event, session, meetings, ids, table, start,
                                    start + length, ignore=meeting_id)  # fmt: skip
            if problem:
                raise ValidationError(f"cannot re-match meeting {meeting_id}: {problem}")
            new_id = _next_id(meeting_id, {m.meeting_id for m in meetings})
            fields = {"id": new_id, "start": ts(start), "end": ts(start + length), "table": table,
                      "slot": None, "parties": parties,
                      "interpreter": ["", old.interpreter_label],
                      "languages": old.languages, "source": ""}  # fmt: skip
            self.store.append(tx, LogKind.MEETING_REMATCH, now, operator=operator,
                              data={"meeting": fields, "from": meeting_id})  # fmt: skip
        return self.state(new_id, now)

    def _free_place(
        self, meeting_id: str, meetings: list[Meeting], ids: list[str], length: timedelta,
        table: str | None, start: datetime | None, now: datetime,
    ) -> tuple[str, datetime]:  # fmt: skip
        """The first free table and time for a re-match (at `table` and/or `start` if given)."""
        session = self.session
        after = start or on_grid(session, now)
        place = next((p for p in free_places(self.event, session, meetings, ids, length, after,
                                             ignore=meeting_id)
                      if (table is None or p[0] == table)
                      and (start is None or p[1] == start)), None)  # fmt: skip
        if place is None:
            where = f" at table {table}" if table else ""
            raise ValidationError(f"no free table and time left{where} in the "
                                  "matchmaking session for these parties")  # fmt: skip
        return place

    def _party(self, ref: str) -> list[str]:
        with self.store.snapshot() as tx:
            a = tx.people.find(ref)
        if a is None:
            raise NotFoundError(f"no attendee {ref!r} (id, external id or email)")
        return [a.attendee_id, "", ""]


def _check_rematchable(meeting_id: str, old_state: MeetingState) -> None:
    old = old_state.meeting
    if old.cancelled:
        raise ValidationError(f"meeting {meeting_id} is cancelled")
    if old.rematched_to:
        raise ValidationError(f"meeting {meeting_id} was already re-matched "
                              f"(to {old.rematched_to})")  # fmt: skip
    if not old_state.arrived:
        raise ValidationError(f"nobody of meeting {meeting_id} has arrived yet: "
                              "there is no waiting party to re-match")  # fmt: skip


def _rematch_parties(old_state: MeetingState, chosen: list[list[str]]) -> list[list[str]]:
    """The parties here, then `chosen` (else the missing parties again): two or more."""
    others = chosen or [
        [p.attendee_id, p.organization, p.organization_zh] for p in old_state.missing
    ]
    parties = [[p.attendee_id, p.organization, p.organization_zh] for p, _ in old_state.arrived]
    for o in others:
        if o[0] not in {p[0] for p in parties}:
            parties.append(o)
    if len(parties) < 2:
        raise ValidationError("a meeting needs two or more parties")
    return parties


def people_of(m: Meeting) -> list[str]:
    """The attendees in a meeting: its parties, then an attendee interpreter."""
    return [p.attendee_id for p in m.parties] + (
        [m.interpreter.attendee_id] if m.interpreter is not None else []
    )


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k != "source"}


def _next_id(meeting_id: str, taken: set[str]) -> str:
    k = 1
    while f"{meeting_id}-R{k}" in taken:
        k += 1
    return f"{meeting_id}-R{k}"

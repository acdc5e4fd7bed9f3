"""CheckinService: the domain's one entry point for check-in, undo, walk-ins and badges.

Every call that changes something is one BEGIN IMMEDIATE transaction that reads what it
decides on and writes the log entries (and their projections) together: two stations on
one database file can never both admit the last seat, undo one check-in twice, or issue
one badge version twice. Returns typed results (kiosk.models.outcomes), never UI text.
Time comes from the injected clock.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from kiosk.checkin import rules
from kiosk.checkin.codes import (
    MAX_BADGE_ID,
    BadgeRef,
    BadgeSigner,
    BadgeVerifier,
    TokenProblem,
    scanned_text,
)
from kiosk.models.clock import Clock
from kiosk.models.errors import NotFoundError, SigningKeyMissing, ValidationError
from kiosk.models.event import Event, Session
from kiosk.models.meetings import UpcomingMeeting
from kiosk.models.outcomes import CheckinResult, Method, Outcome, PriorCheckin
from kiosk.models.records import (
    ATTENDEE_FIELDS,
    Attendee,
    AttendeeInput,
    Category,
    LogEntry,
    LogKind,
    Presence,
    SessionStats,
    Station,
    UpsertReport,
)
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 10 bits as 2 characters
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ISSUE_CHUNK = 1000


MAX_LOGGED_CODE = 512  # characters of an unknown code the log keeps (a QR holds up to 7,089)


def loggable(code: str, ref: BadgeRef | TokenProblem, attendee: Attendee | None = None) -> str:
    """What of a scanned text the log keeps. A badge code that verifies, or another
    system's ticket that names an attendee, is a credential: the entry names the badge or
    the attendee instead, so that no copy of the log (a stolen kiosk) can clone it; forged
    and other events' codes are kept only as a prefix."""
    if isinstance(ref, BadgeRef) or attendee is not None:
        return ""
    if ref is not TokenProblem.NOT_OURS:
        return code[:24] + "…"
    return code if len(code) <= MAX_LOGGED_CODE else code[:MAX_LOGGED_CODE] + "…"


@dataclass(frozen=True, slots=True)
class WalkIn:
    """A walk-in registered at the desk: the attendee, their badge code, and the check-in
    when they were admitted in the same step."""

    attendee: Attendee
    code: str
    result: CheckinResult | None = None
    # Sessions registered for at or over their capacity (a warning for the desk).
    full: tuple[str, ...] = ()


class CheckinService:
    def __init__(self, store: Store, clock: Clock, rng: random.Random | None = None) -> None:
        self.store = store
        self.clock = clock
        self.rng = rng or random.SystemRandom()
        self.event: Event = store.event()
        with store.snapshot() as tx:
            private, public = tx.keys()
        self.verifier = BadgeVerifier(self.event.id, public)
        self.signer = BadgeSigner(self.event.id, private) if private else None

    @property
    def station(self) -> Station:
        return self.store.station

    # -- ids -------------------------------------------------------------------------------
    def new_attendee_id(self) -> str:
        """A random candidate id (8 Crockford base-32 characters); callers check it is unused."""
        n, p = self.rng.getrandbits(40), _PAIRS
        return p[n >> 30] + p[(n >> 20) & 1023] + p[(n >> 10) & 1023] + p[n & 1023]

    def _unused_attendee_id(self, tx: Tx) -> str:
        while True:
            aid = self.new_attendee_id()
            if not tx.people.id_taken(aid):
                return aid

    def _new_badge_id(self, tx: Tx) -> int:
        while True:
            bid = self.rng.randint(1, MAX_BADGE_ID)
            if tx.people.badge(bid) is None:
                return bid

    def attendee(self, ref: str) -> Attendee:
        """The attendee by id, external id or email; NotFoundError names what was asked."""
        with self.store.snapshot() as tx:
            return self._attendee(tx, ref)

    @staticmethod
    def _attendee(tx: Tx, ref: str) -> Attendee:
        found = tx.people.find(scanned_text(ref))
        if found is None:
            raise NotFoundError(f"no attendee {scanned_text(ref)!r} (id, external id or email)")
        return found

    def session(self, session_id: str) -> Session:
        try:
            return self.event.session(session_id)
        except KeyError:
            known = ", ".join(self.event.session_ids())
            raise ValidationError(f"unknown session {session_id!r} (sessions: {known})") from None

    # -- check-in --------------------------------------------------------------------------
    def check_in(
        self,
        code: str,
        session_id: str,
        method: Method = Method.CAMERA,
        operator: str = "",
        at: datetime | None = None,
    ) -> CheckinResult:
        """Check a scanned code in the fixed order and record the scan, whatever its outcome."""
        session = self.session(session_id)
        now = at or self.clock.now()
        code = scanned_text(code).strip()
        ref = self.verifier.verify(code)  # pure: outside the transaction
        with self.store.write() as tx:
            attendee, badge_id, problem = self._resolve(tx, ref, code)
            method = self._method(ref, attendee, method)
            return self._enter(tx, session, now, method, operator, attendee, badge_id, problem,
                               loggable(code, ref, attendee))  # fmt: skip

    def manual_check_in(
        self,
        attendee_ref: str,
        session_id: str,
        operator: str = "",
        method: Method = Method.SEARCH,
        at: datetime | None = None,
    ) -> CheckinResult:
        session = self.session(session_id)
        now = at or self.clock.now()
        with self.store.write() as tx:
            attendee = self._attendee(tx, attendee_ref)
            return self._enter(tx, session, now, method, operator, attendee, None, None, "")

    def _resolve(
        self, tx: Tx, ref: BadgeRef | TokenProblem, code: str = ""
    ) -> tuple[Attendee | None, int | None, Outcome | None]:
        """(attendee, badge id, refusal) of a scanned code, read inside the transaction.

        Our signed badges first; a text not in our format at all may be a ticket another
        system issued (an imported pretix secret or Eventbrite barcode): `_foreign`."""
        if ref is TokenProblem.NOT_OURS:
            return self._foreign(tx, code)
        if isinstance(ref, TokenProblem):
            return None, None, rules.TOKEN_OUTCOME[ref]
        badge = tx.people.badge(ref.badge_id)
        attendee = tx.people.attendee(badge.attendee_id) if badge else None
        problem = rules.badge_problem(badge, ref.version, attendee)
        if problem is Outcome.UNKNOWN_CODE:
            return None, None, problem
        return attendee, ref.badge_id, problem

    @staticmethod
    def _foreign(tx: Tx, code: str) -> tuple[Attendee | None, int | None, Outcome | None]:
        ticket = tx.tickets.foreign(code)
        attendee = tx.people.attendee(ticket.attendee_id) if ticket else None
        if ticket is None or attendee is None:
            return None, None, Outcome.UNKNOWN_CODE
        return attendee, None, (None if ticket.valid else Outcome.REVOKED_BADGE)

    @staticmethod
    def _method(ref: BadgeRef | TokenProblem, attendee: Attendee | None, method: Method) -> Method:
        """How the attendee was identified: a foreign ticket says so."""
        if ref is TokenProblem.NOT_OURS and attendee is not None:
            return Method.FOREIGN_TICKET
        return method

    def _enter(
        self, tx: Tx, session: Session, now: datetime, method: Method,
        operator: str, attendee: Attendee | None, badge_id: int | None,
        problem: Outcome | None, code: str,
    ) -> CheckinResult:  # fmt: skip
        prior: PriorCheckin | None = None
        outcome = problem
        if outcome is None:
            assert attendee is not None
            presence = self._presence(tx, session.id, attendee)
            # The session's admitted count decides only a first admission where seats are
            # counted (rules.entry_decision): not read otherwise.
            counted = presence is None and session.capacity is not None
            decision = rules.entry_decision(
                self.event, session, now, attendee, presence,
                tx.presence.admitted(session.id) if counted else 0,
            )  # fmt: skip
            outcome, prior = decision.outcome, decision.prior
        data: dict[str, object] = {"method": method.value}
        if code:
            data["code"] = code
        entry = self.store.append(
            tx, LogKind.ENTRY, now, session_id=session.id, operator=operator, outcome=outcome,
            attendee_id=attendee.attendee_id if attendee else None, badge_id=badge_id, data=data,
        )  # fmt: skip
        meetings: tuple[UpcomingMeeting, ...] = ()
        if (
            attendee is not None
            and session.id == self.event.matchmaking.session
            and outcome in (Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN)
        ):  # in the same transaction: counterparts' arrivals as of this check-in
            meetings = tx.meetings.upcoming(attendee.attendee_id, session.id, now)
        return self._result(outcome, session, attendee, entry, prior, method, meetings)

    @staticmethod
    def _presence(tx: Tx, session_id: str, attendee: Attendee) -> Presence | None:
        return tx.presence.of(session_id, attendee.attendee_id)

    def check_out(
        self, code: str, session_id: str, operator: str = "", at: datetime | None = None
    ) -> CheckinResult:
        """An exit scan: the attendee leaves the session (counted in `inside`)."""
        session = self.session(session_id)
        now = at or self.clock.now()
        code = scanned_text(code).strip()
        ref = self.verifier.verify(code)
        with self.store.write() as tx:
            attendee, badge_id, outcome = self._resolve(tx, ref, code)
            method = self._method(ref, attendee, Method.CAMERA)
            if outcome is None:
                assert attendee is not None
                outcome = rules.exit_decision(self._presence(tx, session.id, attendee)).outcome
            data: dict[str, object] = {"method": method.value}
            if kept := loggable(code, ref, attendee):
                data["code"] = kept
            entry = self.store.append(
                tx, LogKind.EXIT, now, session_id=session.id, operator=operator, outcome=outcome,
                attendee_id=attendee.attendee_id if attendee else None, badge_id=badge_id,
                data=data,
            )  # fmt: skip
        return self._result(outcome, session, attendee, entry, None, method)

    def _result(
        self, outcome: Outcome, session: Session, attendee: Attendee | None, entry: LogEntry,
        prior: PriorCheckin | None, method: Method, meetings: tuple[UpcomingMeeting, ...] = (),
    ) -> CheckinResult:  # fmt: skip
        a = attendee
        opens, closes = session.window(self.event.checkin_opens_minutes)
        return CheckinResult(
            outcome=outcome,
            session_id=session.id,
            at=entry.at,
            station=entry.station,
            station_id=entry.station_id,
            log_uuid=entry.uuid,
            attendee_id=a.attendee_id if a else None,
            name=a.name if a else "",
            name_zh=a.name_zh if a else "",
            organization=a.organization if a else "",
            organization_zh=a.organization_zh if a else "",
            title=a.title if a else "",
            category=a.category if a else "",
            attention=bool(a and (a.attention or a.category is Category.VIP)),
            notes=a.notes if a else "",
            room=session.room,
            room_zh=session.room_zh,
            prior=prior,
            method=method,
            opens_at=opens,
            closes_at=closes,
            open_sessions=rules.open_sessions(self.event, entry.at),
            meetings=meetings,
        )

    # -- undo ------------------------------------------------------------------------------
    def undo(self, log_uuid: str, operator: str, reason: str) -> LogEntry:
        """Annul an admission or an exit: a new entry by this station, never a delete."""
        if not reason.strip():
            raise ValidationError("an undo needs a reason")
        now = self.clock.now()
        with self.store.write() as tx:
            entry = tx.log.entry(log_uuid)
            if entry is None:
                raise NotFoundError(f"no log entry {log_uuid!r}")
            if entry.kind not in (LogKind.ENTRY, LogKind.EXIT) or entry.outcome not in (
                Outcome.ADMITTED,
                Outcome.EXITED,
            ):
                raise ValidationError(f"log entry {log_uuid} recorded no admission or exit to undo")
            if entry.annulled:
                raise ValidationError(f"log entry {log_uuid} was already undone")
            annul = self.store.append(
                tx, LogKind.ANNUL, now, session_id=entry.session_id, operator=operator,
                attendee_id=entry.attendee_id, badge_id=entry.badge_id, ref=entry.uuid,
                data={"reason": reason.strip()},
            )  # fmt: skip
            result = tx.log.entry(annul.uuid)
        assert result is not None
        return result

    def recent(self, limit: int = 20, station_id: str | None = None) -> list[LogEntry]:
        with self.store.snapshot() as tx:
            return list(tx.log.entries(station_id=station_id, newest_first=True, limit=limit))

    def record_pin_attempt(self, ok: bool, operator: str = "") -> None:
        """A staff PIN typed at the locked kiosk, right or wrong: kept for the audit trail."""
        with self.store.write() as tx:
            self.store.append(tx, LogKind.PIN_ATTEMPT, self.clock.now(), operator=operator,
                              data={"ok": bool(ok), "reason": "accepted" if ok else "wrong PIN"})  # fmt: skip

    # -- attendees -------------------------------------------------------------------------
    def validate(self, a: AttendeeInput) -> None:
        if not (a.name.strip() or a.name_zh.strip()):
            raise ValidationError("a name (English or Chinese) is required")
        if a.email and not _EMAIL.match(a.email):
            raise ValidationError(f"malformed email {a.email!r}")
        for s in a.sessions:
            self.session(s)

    def import_attendees(
        self,
        rows: Iterable[AttendeeInput],
        progress: Callable[[int, int], None] | None = None,
        source: str = "",
        total: int | None = None,
        keep_ids: bool = True,
    ) -> UpsertReport:
        """Attendees from a file, as one import batch (kiosk.storage.imports); `keep_ids`
        False leaves the report's ids out (memory stays flat for a million rows)."""
        return self.store.upsert_attendees(rows, self.new_attendee_id, self.clock.now(),
                                           progress, source, total, keep_ids)  # fmt: skip

    def ticket_holder(self, code: str) -> tuple[str, str, str] | None:
        """(attendee id, external id, email) of the attendee another system's ticket is
        for (an import names attendees by their tickets too), or None."""
        with self.store.snapshot() as tx:
            return tx.tickets.holder(code)

    def unkeyed_inputs(self) -> set[AttendeeInput]:
        """Attendees without external id and email, as imported (an exact re-import of
        them is skipped)."""
        with self.store.snapshot() as tx:
            return tx.people.unkeyed_inputs()

    def walk_in(
        self, person: AttendeeInput, operator: str = "", admit_to: str | None = None
    ) -> WalkIn:
        """Register, issue a badge and (with `admit_to`) check in: one transaction, so a
        failure anywhere (no signing key, a full disk) leaves nothing behind. The walk-in
        is registered for the sessions the event file opens to walk-ins (those chosen, or
        all of them): never for a session closed to walk-ins, never for "every session"."""
        person = self._walk_in_sessions(person)
        self.validate(person)
        signer = self._require_signer()
        session = self.session(admit_to) if admit_to else None
        now = self.clock.now()
        with self.store.write() as tx:
            if person.email and tx.people.find(person.email):
                raise ValidationError(
                    f"{person.email} is already registered: search for them instead"
                )
            aid = self._unused_attendee_id(tx)
            badge_id = self._new_badge_id(tx)
            self.store.append(tx, LogKind.WALK_IN, now, attendee_id=aid, badge_id=badge_id,
                              operator=operator, data={"fields": tx.people.entry_fields(person)})  # fmt: skip
            self.store.append(tx, LogKind.BADGE_ISSUE, now, attendee_id=aid, badge_id=badge_id,
                              operator=operator, data={"badges": [[badge_id, aid, 1]]})  # fmt: skip
            attendee = tx.people.attendee(aid)
            assert attendee is not None
            result = None
            if session is not None:
                result = self._enter(tx, session, now, Method.MANUAL, operator, attendee, badge_id,
                                     None, "")  # fmt: skip
            full = tuple(
                st.session_id for st in tx.presence.stats()
                if st.capacity is not None and st.session_id in attendee.sessions
                and st.registered >= st.capacity
            )  # fmt: skip
        return WalkIn(attendee, signer.sign(BadgeRef(badge_id, 1)), result, full)

    def _walk_in_sessions(self, person: AttendeeInput) -> AttendeeInput:
        open_to = [s.id for s in self.event.walk_in_sessions()]
        closed = [x for x in person.sessions if x not in open_to]
        if closed:
            raise ValidationError(
                f"walk-ins are not registered for {', '.join(closed)} (the event file's "
                f"walk_in = false); sessions open to walk-ins: {', '.join(open_to) or 'none'}"
            )
        if not open_to:
            raise ValidationError("the event file opens no session to walk-ins")
        return replace(person, sessions=tuple(person.sessions or open_to))

    def edit_attendee(
        self, attendee_ref: str, changes: AttendeeInput, operator: str = ""
    ) -> Attendee:
        """Change an attendee's fields at a desk: an `edit` entry with the fields that changed."""
        self.validate(changes)
        with self.store.write() as tx:
            current = self._attendee(tx, attendee_ref)
            new = tx.people.entry_fields(changes)
            old = tx.people.entry_fields(AttendeeInput(**{k: getattr(current, k) for k in ATTENDEE_FIELDS},
                                          sessions=current.sessions))  # fmt: skip
            if not changes.ticket_code:  # an edit without a ticket leaves it alone
                new.pop("ticket", None)
            diff = {k: new.get(k, "") for k in set(new) | set(old) if new.get(k) != old.get(k)}
            if diff:
                self.store.append(tx, LogKind.EDIT, self.clock.now(),
                                  attendee_id=current.attendee_id, operator=operator,
                                  data={"fields": diff})  # fmt: skip
            return self._attendee(tx, current.attendee_id)

    def merge_attendees(self, duplicate_ref: str, into_ref: str, operator: str = "") -> Attendee:
        """One person registered twice (walk-ins at two desks): a `merge` entry; the
        duplicate record is hidden and its badges and check-ins count for the one kept."""
        with self.store.write() as tx:
            gone, kept = self._attendee(tx, duplicate_ref), self._attendee(tx, into_ref)
            if gone.attendee_id == kept.attendee_id:
                raise ValidationError(f"{duplicate_ref} and {into_ref} are one record already")
            self.store.append(tx, LogKind.MERGE, self.clock.now(), attendee_id=gone.attendee_id,
                              operator=operator, data={"into": kept.attendee_id})  # fmt: skip
            return self._attendee(tx, kept.attendee_id)

    # -- badges ----------------------------------------------------------------------------
    def _require_signer(self) -> BadgeSigner:
        if self.signer is None:
            raise SigningKeyMissing(
                f"{self.store.path}: this station holds only the public key; "
                "badges are issued at the registration desk"
            )
        return self.signer

    def badge_code(self, attendee_ref: str) -> str:
        """The attendee's current badge code, issuing the first badge if none exists.

        Codes are not stored: they are signed again (Ed25519 is deterministic), so a
        verify-only copy of the database cannot give a badge's code away."""
        signer = self._require_signer()
        with self.store.snapshot() as tx:
            attendee = self._attendee(tx, attendee_ref)
            badge = tx.people.current_badge(attendee.attendee_id)
        if badge is not None:
            return signer.sign(BadgeRef(badge.badge_id, badge.version))
        with self.store.write() as tx:
            badge = tx.people.current_badge(attendee.attendee_id)  # again, inside
            if badge is None:
                ref = self._issue(tx, attendee.attendee_id, "")
                return signer.sign(ref)
        return signer.sign(BadgeRef(badge.badge_id, badge.version))

    def reprint_badge(self, attendee_ref: str, operator: str = "", reason: str = "reprint") -> str:
        """A new badge version; every earlier badge of the attendee revoked, in the same
        transaction. The print itself is recorded when it reached the printer."""
        signer = self._require_signer()
        now = self.clock.now()
        with self.store.write() as tx:
            aid = self._attendee(tx, attendee_ref).attendee_id
            for bid in tx.people.live_badges(aid):
                self.store.append(tx, LogKind.BADGE_REVOKE, now, attendee_id=aid, badge_id=bid,
                                  operator=operator, data={"reason": reason})  # fmt: skip
            if ticket := tx.tickets.current(aid):  # another system's ticket goes too
                self.store.append(tx, LogKind.TICKET_REVOKE, now, attendee_id=aid,
                                  operator=operator, data={"ticket": ticket, "reason": reason})  # fmt: skip
            ref = self._issue(tx, aid, operator)
        return signer.sign(ref)

    def _issue(self, tx: Tx, aid: str, operator: str) -> BadgeRef:
        version = tx.people.next_badge_version(aid)
        bid = self._new_badge_id(tx)
        self.store.append(tx, LogKind.BADGE_ISSUE, self.clock.now(), attendee_id=aid,
                          badge_id=bid, operator=operator,
                          data={"badges": [[bid, aid, version]]})  # fmt: skip
        return BadgeRef(bid, version)

    def record_print(
        self, attendee_id: str, badge_id: int, operator: str = "", reason: str = "",
        printer: str = "", job_id: int | None = None,
    ) -> str:  # fmt: skip
        """A badge that printed (its job completed): a `badge_print` entry (with the printer
        and its job id when known); returns its uuid."""
        data: dict[str, object] = {"reason": reason}
        if printer:
            data |= {"printer": printer, "job": job_id}
        with self.store.write() as tx:
            entry = self.store.append(tx, LogKind.BADGE_PRINT, self.clock.now(),
                                      attendee_id=attendee_id, badge_id=badge_id,
                                      operator=operator, data=data)  # fmt: skip
        return entry.uuid

    def issue_all_badges(self, progress: Callable[[int, int], None] | None = None) -> int:
        """A first badge for every attendee who has none (an entry per 1,000 badges)."""
        self._require_signer()
        with self.store.snapshot() as tx:
            missing = tx.people.unbadged()
        now = self.clock.now()
        for i in range(0, len(missing), _ISSUE_CHUNK):
            part = missing[i : i + _ISSUE_CHUNK]
            taken: set[int] = set()
            rows = []
            with self.store.write() as tx:
                for aid in part:
                    bid = self._new_badge_id(tx)
                    while bid in taken:
                        bid = self._new_badge_id(tx)
                    taken.add(bid)
                    rows.append([bid, aid, 1])
                self.store.append(tx, LogKind.BADGE_ISSUE, now, data={"badges": rows})
            if progress is not None:
                progress(i + len(part), len(missing))
        return len(missing)

    def search(self, text: str, limit: int = 50) -> list[Attendee]:
        with self.store.snapshot() as tx:
            return tx.people.search(text, limit)

    def stats(self) -> list[SessionStats]:
        with self.store.snapshot() as tx:
            return tx.presence.stats()

"""CheckinService: the domain's one entry point for check-in, undo, walk-ins and badges.

Returns typed results (kiosk.models.outcomes), never UI text. Time comes from the injected clock.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable
from datetime import datetime

from kiosk.checkin.codes import MAX_BADGE_ID, BadgeRef, BadgeSigner, BadgeVerifier, TokenProblem
from kiosk.models.clock import Clock
from kiosk.models.errors import NotFoundError, SigningKeyMissing, ValidationError
from kiosk.models.event import Event, Session
from kiosk.models.outcomes import CheckinResult, Method, Outcome, PriorCheckin
from kiosk.models.records import Attendee, AttendeeInput, LogEntry, LogKind, SessionStats
from kiosk.storage.base import from_ts
from kiosk.storage.store import Store

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_B32_TO_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CROCKFORD)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_TOKEN_OUTCOME = {
    TokenProblem.WRONG_EVENT: Outcome.WRONG_EVENT,
    TokenProblem.FORGED: Outcome.FORGED_CODE,
    TokenProblem.NOT_OURS: Outcome.UNKNOWN_CODE,
}


class CheckinService:
    def __init__(self, store: Store, clock: Clock, rng: random.Random | None = None) -> None:
        self.store = store
        self.clock = clock
        self.rng = rng or random.SystemRandom()
        self.event: Event = store.event()
        private, public = store.keys()
        self.verifier = BadgeVerifier(self.event.id, public)
        self.signer = BadgeSigner(self.event.id, private) if private else None

    # -- ids -------------------------------------------------------------------------------
    def new_attendee_id(self) -> str:
        """A random candidate id (8 Crockford base-32 characters); the store checks it is unused."""
        raw = self.rng.getrandbits(40).to_bytes(5, "big")
        return base64.b32encode(raw).decode().translate(_B32_TO_CROCKFORD)

    def _new_badge_id(self) -> int:
        while True:
            bid = self.rng.randint(1, MAX_BADGE_ID)
            if self.store.badge(bid) is None:
                return bid

    def attendee(self, ref: str) -> Attendee:
        """The attendee by id, external id or email; NotFoundError names what was asked."""
        found = self.store.find_attendee(ref)
        if found is None:
            raise NotFoundError(f"no attendee {ref!r} (id, external id or email)")
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
        station: str = "desk-1",
        method: Method = Method.CAMERA,
        operator: str = "",
        at: datetime | None = None,
    ) -> CheckinResult:
        """Check a scanned code in the fixed order and record the scan, whatever its outcome.

        `at`: when the badge was scanned, for a scan recorded later (default: now)."""
        session = self.session(session_id)
        now = at or self.clock.now()
        code = code.strip()
        ref = self.verifier.verify(code)
        attendee: Attendee | None = None
        badge_id: int | None = None
        outcome: Outcome | None = None
        if isinstance(ref, TokenProblem):
            outcome = _TOKEN_OUTCOME[ref]
        else:
            badge = self.store.badge(ref.badge_id)
            if badge is None or badge.version != ref.version:
                outcome = Outcome.UNKNOWN_CODE
            else:
                badge_id = badge.badge_id
                attendee = self.store.attendee(badge.attendee_id)
                if attendee is None:
                    outcome = Outcome.UNKNOWN_CODE
                elif badge.revoked_at is not None:
                    outcome = Outcome.REVOKED_BADGE
        return self._admit(
            session, attendee, now, station, method, operator, outcome, badge_id, code
        )

    def manual_check_in(
        self,
        attendee_id: str,
        session_id: str,
        station: str = "desk-1",
        operator: str = "",
        method: Method = Method.SEARCH,
        at: datetime | None = None,
    ) -> CheckinResult:
        session = self.session(session_id)
        attendee = self.attendee(attendee_id)
        return self._admit(session, attendee, at or self.clock.now(), station, method, operator)

    def _admit(
        self,
        session: Session,
        attendee: Attendee | None,
        now: datetime,
        station: str,
        method: Method,
        operator: str,
        outcome: Outcome | None = None,
        badge_id: int | None = None,
        code: str = "",
    ) -> CheckinResult:
        prior: PriorCheckin | None = None
        if outcome is None and attendee is not None:
            presence = self.store.presence(session.id, attendee.attendee_id)
            opens, closes = session.window(self.event.checkin_opens_minutes)
            if not opens <= now <= closes:
                outcome = Outcome.OUTSIDE_TIME_WINDOW
            elif session.restricted and session.id not in attendee.sessions:
                outcome = Outcome.NOT_REGISTERED
            elif (
                presence is None
                and session.capacity is not None
                and self.store.admitted_count(session.id) >= session.capacity
            ):
                outcome = Outcome.SESSION_FULL
            elif presence is not None and (presence["inside"] or not session.reentry):
                outcome = Outcome.ALREADY_CHECKED_IN
                prior = PriorCheckin(from_ts(presence["first_at"]), presence["station"])
            else:
                outcome = Outcome.ADMITTED
        assert outcome is not None
        aid = attendee.attendee_id if attendee else None
        with self.store.write() as c:
            log_uuid = self.store.append_log(
                c, LogKind.ENTRY, now, session_id=session.id, station=station, operator=operator,
                method=method, outcome=outcome, attendee_id=aid, badge_id=badge_id, code=code,
            )  # fmt: skip
            if outcome is Outcome.ADMITTED and aid:
                self.store.admit(c, session.id, aid, log_uuid, now, station)
        return self._result(outcome, session, attendee, now, station, log_uuid, prior)

    def check_out(
        self, code: str, session_id: str, station: str = "exit-1", operator: str = ""
    ) -> CheckinResult:
        """An exit scan: the attendee leaves the session (counted in `inside`)."""
        session = self.session(session_id)
        now = self.clock.now()
        ref = self.verifier.verify(code.strip())
        attendee: Attendee | None = None
        outcome: Outcome | None = None
        badge_id = None
        if isinstance(ref, TokenProblem):
            outcome = _TOKEN_OUTCOME[ref]
        else:
            badge = self.store.badge(ref.badge_id)
            attendee = self.store.attendee(badge.attendee_id) if badge else None
            if badge is None or attendee is None or badge.version != ref.version:
                outcome, attendee = Outcome.UNKNOWN_CODE, None
            elif badge.revoked_at is not None:
                outcome = Outcome.REVOKED_BADGE
            else:
                badge_id = badge.badge_id
                presence = self.store.presence(session.id, attendee.attendee_id)
                inside = presence is not None and presence["inside"]
                outcome = Outcome.EXITED if inside else Outcome.NOT_INSIDE
        aid = attendee.attendee_id if attendee else None
        with self.store.write() as c:
            log_uuid = self.store.append_log(
                c, LogKind.EXIT, now, session_id=session.id, station=station, operator=operator,
                method=Method.CAMERA, outcome=outcome, attendee_id=aid, badge_id=badge_id,
                code=code.strip(),
            )  # fmt: skip
            if outcome is Outcome.EXITED and aid:
                self.store.leave(c, session.id, aid)
        return self._result(outcome, session, attendee, now, station, log_uuid, None)

    def _result(
        self,
        outcome: Outcome,
        session: Session,
        attendee: Attendee | None,
        now: datetime,
        station: str,
        log_uuid: str,
        prior: PriorCheckin | None,
    ) -> CheckinResult:
        a = attendee
        opens, closes = session.window(self.event.checkin_opens_minutes)
        return CheckinResult(
            outcome=outcome,
            session_id=session.id,
            at=now,
            station=station,
            log_uuid=log_uuid,
            attendee_id=a.attendee_id if a else None,
            name=a.name if a else "",
            name_zh=a.name_zh if a else "",
            organization=a.organization if a else "",
            organization_zh=a.organization_zh if a else "",
            title=a.title if a else "",
            category=a.category if a else "",
            attention=bool(a and (a.attention or a.category == "vip")),
            notes=a.notes if a else "",
            room=session.room,
            room_zh=session.room_zh,
            prior=prior,
            opens_at=opens,
            closes_at=closes,
            open_sessions=tuple(s.id for s in self.event.open_sessions(now)),
        )

    def record_pin_attempt(self, ok: bool, operator: str = "", station: str = "") -> None:
        """Every try of the staff PIN at a locked kiosk, right or wrong, goes in the log."""
        with self.store.write() as c:
            self.store.append_log(
                c, LogKind.PIN_ATTEMPT, self.clock.now(), station=station, operator=operator,
                reason="accepted" if ok else "wrong PIN",
            )  # fmt: skip

    # -- undo ------------------------------------------------------------------------------
    def undo(self, log_uuid: str, operator: str, reason: str) -> LogEntry:
        """Annul an admitted entry or an exit: a new log entry, never a delete."""
        if not reason.strip():
            raise ValidationError("an undo needs a reason")
        entry = self.store.log_entry(log_uuid)
        if entry is None:
            raise NotFoundError(f"no log entry {log_uuid!r}")
        if entry.kind not in (LogKind.ENTRY, LogKind.EXIT) or entry.outcome not in (
            Outcome.ADMITTED,
            Outcome.EXITED,
        ):
            raise ValidationError(f"log entry {log_uuid} recorded no admission or exit to undo")
        if entry.annulled:
            raise ValidationError(f"log entry {log_uuid} was already undone")
        now = self.clock.now()
        with self.store.write() as c:
            u = self.store.append_log(
                c, LogKind.ANNUL, now, session_id=entry.session_id, station=entry.station,
                operator=operator, attendee_id=entry.attendee_id, badge_id=entry.badge_id,
                annuls=entry.uuid, reason=reason.strip(),
            )  # fmt: skip
            if entry.attendee_id:
                self.store.rebuild_presence(c, entry.session_id, entry.attendee_id)
        result = self.store.log_entry(u)
        assert result is not None
        return result

    def recent(self, station: str | None = None, limit: int = 20) -> list[LogEntry]:
        return list(self.store.log(station=station, newest_first=True, limit=limit))

    # -- attendees and badges --------------------------------------------------------------
    def validate(self, a: AttendeeInput) -> None:
        if not (a.name.strip() or a.name_zh.strip()):
            raise ValidationError("a name (English or Chinese) is required")
        if a.email and not _EMAIL.match(a.email):
            raise ValidationError(f"malformed email {a.email!r}")
        for s in a.sessions:
            self.session(s)

    def register_walk_in(
        self, person: AttendeeInput, station: str = "desk-1", operator: str = ""
    ) -> tuple[Attendee, str]:
        self.validate(person)
        now = self.clock.now()
        if person.email and self.store.find_attendee(person.email):
            raise ValidationError(f"{person.email} is already registered: search for them instead")
        report = self.store.upsert_attendees([person], self.new_attendee_id, now, walk_in=True)
        aid = report.ids[0]
        code = self.badge_code(aid)
        with self.store.write() as c:
            self.store.append_log(
                c, LogKind.WALK_IN, now, station=station, operator=operator, attendee_id=aid,
                badge_id=self._badge_id(aid),
            )  # fmt: skip
        attendee = self.store.attendee(aid)
        assert attendee is not None
        return attendee, code

    def _badge_id(self, attendee_id: str) -> int | None:
        b = self.store.current_badge(attendee_id)
        return b.badge_id if b else None

    def _require_signer(self) -> BadgeSigner:
        if self.signer is None:
            raise SigningKeyMissing(
                f"{self.store.path}: this station holds only the public key; "
                "badges are issued at the registration desk"
            )
        return self.signer

    def badge_code(self, attendee_id: str) -> str:
        """The attendee's current badge code, issuing the first badge if none exists."""
        attendee = self.attendee(attendee_id)
        badge = self.store.current_badge(attendee.attendee_id)
        if badge is not None:
            text = self.store.badge_code_text(badge.badge_id)
            assert text is not None
            return text
        return self._issue(attendee.attendee_id, revoke_reason=None)

    def reprint_badge(self, attendee_id: str, operator: str = "", reason: str = "reprint") -> str:
        """Issue a new badge version; the earlier badge is revoked in the same transaction."""
        return self._issue(self.attendee(attendee_id).attendee_id, reason, operator)

    def _issue(self, attendee_id: str, revoke_reason: str | None, operator: str = "") -> str:
        signer = self._require_signer()
        now = self.clock.now()
        version = self.store.next_badge_version(attendee_id)
        badge_id = self._new_badge_id()
        code = signer.sign(BadgeRef(badge_id, version))
        with self.store.write() as c:
            if revoke_reason is not None:
                self.store.revoke_badges(c, attendee_id, now, revoke_reason)
                self.store.append_log(
                    c, LogKind.REPRINT, now, operator=operator, attendee_id=attendee_id,
                    badge_id=badge_id, reason=revoke_reason,
                )  # fmt: skip
            self.store.insert_badge(c, badge_id, attendee_id, version, code, now)
        return code

    def issue_all_badges(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Issue a first badge to every attendee who has none (one transaction)."""
        signer = self._require_signer()
        now = self.clock.now()
        missing = [
            r[0]
            for r in self.store.conn.execute(
                "SELECT attendee_id FROM attendees WHERE attendee_id NOT IN "
                "(SELECT attendee_id FROM badges) ORDER BY rowid"
            )
        ]
        with self.store.write() as c:
            for i, aid in enumerate(missing):
                bid = self._new_badge_id()
                self.store.insert_badge(c, bid, aid, 1, signer.sign(BadgeRef(bid, 1)), now)
                if progress and i % 1000 == 0:
                    progress(i, len(missing))
        return len(missing)

    def search(self, text: str, limit: int = 50) -> list[Attendee]:
        return self.store.search(text, limit)

    def stats(self) -> list[SessionStats]:
        return self.store.stats()

"""Printing a badge at the desk, Qt-free: when to print, what to print, the print log.

The policy: a badge (one badge id) is printed once. Printing again needs a reprint, which
issues a new code and revokes the old one (`CheckinService.reprint_badge`), so that a
lost badge found later is refused at the door. Only a print that reached the printer is
recorded: a desk without a printer, or a failed print, can try again.

The desk's flow (ui.desk.view calls it; ui.desk.printing talks to the printer):

    job = desk.prepare(attendee_id)              # None: this badge was printed already
    outcome = ui.desk.printing.print_badge(job.drawing)
    if outcome.ok:
        desk.record(job, operator)
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.badges.design import BadgeData, BadgeDrawing
from kiosk.badges.render import BadgeRenderer
from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import CheckinResult, Outcome
from kiosk.models.records import Attendee


@dataclass(frozen=True, slots=True)
class PrintJob:
    attendee: Attendee
    code: str
    badge_id: int
    version: int
    reprint: bool
    reason: str
    drawing: BadgeDrawing
    slip: SlipJob | None = None  # the schedule slip printed with the badge


@dataclass(frozen=True, slots=True)
class SlipJob:
    """An attendee's matchmaking schedule slip to print (an A6 PDF, kiosk.badges.slips)."""

    attendee_id: str
    name: str
    meetings: int
    pdf: bytes


@dataclass(frozen=True, slots=True)
class PrintRecord:
    uuid: str
    attendee_id: str
    badge_id: int
    at: str
    station: str
    operator: str
    reason: str


class BadgeDesk:
    """The print-log policy of one station. Keep one per station (it holds a renderer)."""

    def __init__(self, service: CheckinService, renderer: BadgeRenderer | None = None) -> None:
        self.service = service
        self.store = service.store
        self.renderer = renderer or BadgeRenderer(service.event, "4x3in")

    def prints(self, attendee_id: str) -> list[PrintRecord]:
        return [
            PrintRecord(
                uuid=str(r["uuid"]),
                attendee_id=str(r["attendee_id"]),
                badge_id=int(r["badge_id"]),
                at=str(r["at"]),
                station=str(r["station"]),
                operator=str(r["operator"]),
                reason=str(r["reason"]),
            )
            for r in self.store.prints(attendee_id)
        ]

    def should_print(self, attendee_id: str, reprint: bool = False) -> bool:
        """True for a reprint, or when the attendee's current badge was never printed."""
        if reprint:
            return True
        badge = self.store.current_badge(self.service.attendee(attendee_id).attendee_id)
        if badge is None:
            return True  # no badge yet: one is issued when printed
        return all(p.badge_id != badge.badge_id for p in self.prints(badge.attendee_id))

    def prepare(
        self, attendee_id: str, reprint: bool = False, operator: str = "", reason: str = "",
        with_slip: bool = False,
    ) -> PrintJob | None:  # fmt: skip
        """The badge to print, or None when the current badge was printed already.

        `reprint=True` issues a new code first and revokes the old one (needs the signing
        key: a verify-only station raises SigningKeyMissing and nothing changes).
        `with_slip`: the attendee's schedule slip too, when they have meetings.
        """
        attendee = self.service.attendee(attendee_id)
        aid = attendee.attendee_id
        if not self.should_print(aid, reprint):
            return None
        why = reason or ("reprint" if reprint else "first print")
        code = (
            self.service.reprint_badge(aid, operator=operator, reason=why)
            if reprint
            else self.service.badge_code(aid)
        )
        badge = self.store.current_badge(aid)
        assert badge is not None  # badge_code / reprint_badge issued one
        drawing = self.renderer.drawing(BadgeData(attendee, code))
        slip = self.slip(aid) if with_slip else None
        return PrintJob(attendee, code, badge.badge_id, badge.version, reprint, why, drawing,
                        slip)  # fmt: skip

    def slip(self, attendee_id: str) -> SlipJob | None:
        """The attendee's matchmaking schedule slip, or None when they have no meeting on
        the schedule (or the event has no matchmaking)."""
        from kiosk.badges.slips import slip_pdf
        from kiosk.meetings.service import MeetingService

        attendee = self.service.attendee(attendee_id)
        if self.service.event.matchmaking_session() is None:
            return None
        meetings = MeetingService(self.store, self.service.clock)
        schedule = meetings.schedule_of(attendee.attendee_id)
        if not schedule:
            return None
        pdf = slip_pdf(self.store, meetings, attendee.attendee_id, self.service.clock.now())
        name = " ".join(x for x in (attendee.name, attendee.name_zh) if x)
        return SlipJob(attendee.attendee_id, name, len(schedule), pdf)

    def prepare_on_check_in(self, result: CheckinResult) -> PrintJob | None:
        """For "print on first check-in": a job when `result` admitted someone whose badge
        was never printed, else None."""
        if result.outcome is not Outcome.ADMITTED or not result.attendee_id:
            return None
        return self.prepare(result.attendee_id, reason="first check-in")

    def record(self, job: PrintJob, operator: str = "") -> str:
        """Log a print that reached the printer; returns the print log row's uuid."""
        return self.service.record_print(
            job.attendee.attendee_id, job.badge_id, operator=operator, reason=job.reason
        )

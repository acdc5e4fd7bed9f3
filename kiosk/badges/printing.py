"""Printing a badge at the desk, Qt-free: when to print, what to print, the print log.

The policy (here and nowhere else): a badge (one badge id) is printed once. Printing again
needs a reprint, which issues a new code and revokes the old one
(`CheckinService.reprint_badge`), so that a lost badge found later is refused at the door.
"Print at first check-in" prints only for an attendee who has no printed badge at all
(`only_first`). Only a print that completed is recorded: a desk without a printer, a job
that failed, was cancelled or timed out leaves the badge printable, so the desk (or the
next `print-badge`) can try again, on this printer or another.

The desk's flow, the same for `print-badge`:

    desk = BadgeDesk(service, label="62x100mm")            # where the database is
    job = desk.prepare(attendee_id, only_first=True)       # None: printed already
    printer = DeskPrinter(CupsPrinters(), "QL-820NWB")     # in the print thread
    result = printer.print(job, record=desk.record_result, on_change=show)
    # result.status: printed | failed (result.problem) | cancelled | timeout

When the database lives in another process (the station host), `record` sends the
record there (`BadgeDesk.record_result` on the host's desk).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from kiosk.badges.design import BadgeData, BadgeDrawing
from kiosk.badges.layouts import get_layout
from kiosk.badges.printstate import (
    DEFAULT_POLICY,
    FollowPolicy,
    PrintProblem,
    PrintResult,
    PrintStatus,
    failed,
)
from kiosk.badges.render import BadgeRenderer, badge_pdf
from kiosk.badges.stocks import DEFAULT_LABEL, LabelChoice, parse_label
from kiosk.checkin.service import CheckinService
from kiosk.models.records import Attendee, Badge


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
    label: str = DEFAULT_LABEL  # the label stock (layout name) the drawing is for

    @property
    def title(self) -> str:
        """The print job's name (shown by `lpstat`, on the printer's panel)."""
        return f"badge {self.attendee.attendee_id} v{self.version}"

    def pdf(self) -> bytes:
        """The badge on its label, as the printer gets it (~0.1 s)."""
        return badge_pdf(self.drawing, get_layout(self.label), self.title)


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
    """The print-log policy of one station. Keep one per station (it holds renderers)."""

    def __init__(
        self, service: CheckinService, renderer: BadgeRenderer | None = None,
        label: str = DEFAULT_LABEL,
    ) -> None:  # fmt: skip
        self.service = service
        self.store = service.store
        self.renderer = renderer or BadgeRenderer(service.event, parse_label(label).name)
        self._renderers = {self.renderer.layout.name: self.renderer}

    def warm_up(self) -> None:
        """Load what the first badge needs (font metrics, ~0.5 s) now, at start-up."""
        self.renderer.warm_up()

    def renderer_for(self, label: str | None) -> BadgeRenderer:
        """The renderer of a label stock (the desk's own when None)."""
        if label is None:
            return self.renderer
        name = parse_label(label).name
        if name not in self._renderers:
            self._renderers[name] = BadgeRenderer(self.service.event, name)
        return self._renderers[name]

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
            for r in self._prints(attendee_id)
        ]

    def _prints(self, attendee_id: str) -> list[dict[str, Any]]:
        with self.store.snapshot() as tx:
            return tx.people.prints(attendee_id)

    def _current_badge(self, attendee_id: str) -> Badge | None:
        with self.store.snapshot() as tx:
            return tx.people.current_badge(attendee_id)

    def should_print(
        self, attendee_id: str, reprint: bool = False, only_first: bool = False
    ) -> bool:
        """True for a reprint, or when the attendee's current badge was never printed;
        with `only_first` ("print at first check-in"), only when no badge of theirs was
        ever printed. Only completed prints count (the print log)."""
        if reprint:
            return True
        aid = self.service.attendee(attendee_id).attendee_id
        printed = self.prints(aid)
        if only_first and printed:
            return False
        badge = self._current_badge(aid)
        if badge is None:
            return True  # no badge yet: one is issued when printed
        return all(p.badge_id != badge.badge_id for p in printed)

    def prepare(
        self, attendee_id: str, reprint: bool = False, operator: str = "", reason: str = "",
        with_slip: bool = False, only_first: bool = False, label: str | None = None,
    ) -> PrintJob | None:  # fmt: skip
        """The badge to print on `label` (default: the desk's), or None when it was
        printed already (see `should_print`).

        `reprint=True` issues a new code first and revokes the old one (needs the signing
        key: a verify-only station raises SigningKeyMissing and nothing changes).
        `with_slip`: the attendee's schedule slip too, when they have meetings.
        Raises LabelTooSmall (before anything is issued) when the badge cannot fit.
        """
        attendee = self.service.attendee(attendee_id)
        aid = attendee.attendee_id
        if not self.should_print(aid, reprint, only_first):
            return None
        renderer = self.renderer_for(label)
        renderer.module_mm()  # LabelTooSmall now, not after a reprint revoked a badge
        why = reason or ("reprint" if reprint else "first print")
        code = (
            self.service.reprint_badge(aid, operator=operator, reason=why)
            if reprint
            else self.service.badge_code(aid)
        )
        badge = self._current_badge(aid)
        assert badge is not None  # badge_code / reprint_badge issued one
        drawing = renderer.drawing(BadgeData(attendee, code))
        slip = self.slip(aid) if with_slip else None
        return PrintJob(attendee, code, badge.badge_id, badge.version, reprint, why, drawing,
                        slip, renderer.layout.name)  # fmt: skip

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

    def record(self, job: PrintJob, operator: str = "", printer: str = "",
               job_id: int | None = None) -> str:  # fmt: skip
        """Log a print that completed; returns the print log row's uuid."""
        return self.service.record_print(
            job.attendee.attendee_id, job.badge_id, operator=operator, reason=job.reason,
            printer=printer, job_id=job_id,
        )  # fmt: skip

    def record_result(self, job: PrintJob, result: PrintResult, operator: str = "") -> str:
        """Log `job` when `result` says it printed (else nothing, and returns '')."""
        if not result.printed:
            return ""
        return self.record(job, operator, result.printer, result.job_id)


class Printer(Protocol):
    """What prints a PDF and follows it: kiosk.badges.cupsprint.CupsPrinters, or a system
    printer that cannot be followed (its results say SENT, never PRINTED)."""

    def print_pdf(self, printer: str, pdf: bytes, title: str, label: LabelChoice | None = None,
                  policy: FollowPolicy = ..., on_change: Callable[[PrintResult], None] | None = None,
                  ) -> PrintResult: ...  # fmt: skip


Record = Callable[[PrintJob, PrintResult], str]


class DeskPrinter:
    """One desk's printing (in its print thread, never in the check-in's path): the job's
    PDF to the chosen printer ('' = the default), followed to its end; recorded through
    `record` only when it printed. A badge already printing is not sent twice."""

    def __init__(self, backend: Printer, printer: str = "",
                 policy: FollowPolicy = DEFAULT_POLICY) -> None:  # fmt: skip
        self.backend = backend
        self.printer = printer
        self.policy = policy
        self._lock = threading.Lock()
        self._printing: set[int] = set()

    def print(self, job: PrintJob, record: Record, printer: str | None = None,
              on_change: Callable[[PrintResult], None] | None = None) -> PrintResult:  # fmt: skip
        """Print `job` on `printer` (default: this desk's) and follow it."""
        name = self.printer if printer is None else printer
        with self._lock:
            if job.badge_id in self._printing:
                return _about(failed(PrintProblem.IN_PROGRESS, name), job)
            self._printing.add(job.badge_id)
        try:

            def tell(r: PrintResult) -> None:
                if on_change is not None:
                    on_change(_about(r, job))

            result = self.backend.print_pdf(name, job.pdf(), job.title, parse_label(job.label),
                                            self.policy, tell)  # fmt: skip
            result = _about(result, job)
            if result.status is PrintStatus.PRINTED:
                result = replace(result, logged=record(job, result))
            return result
        finally:
            with self._lock:
                self._printing.discard(job.badge_id)


def _about(result: PrintResult, job: PrintJob) -> PrintResult:
    return replace(result, attendee_id=job.attendee.attendee_id, badge_id=job.badge_id,
                   label=job.label)  # fmt: skip

"""The print lane's handlers (kiosk.station.printproto): CUPS, in the station host.

Registered on `kiosk.station.handlers.handle` when imported (the host does). Each print
opens its own CUPS connection (kiosk.badges.cupsprint: CUPS_SERVER is read at each call)
and is followed here, on the print lane's thread; a badge that printed is logged on the
lane's own connection at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from kiosk.station import printproto as pp
from kiosk.station.handlers import Lane, ProgressFn, handle


def cups_missing() -> str:
    """Why CUPS cannot be used here ('' when it can): pycups is not installed (Windows)."""
    try:
        import cups  # noqa: F401
    except ImportError as exc:
        return f"pycups is not available ({exc})"
    return ""


def _policy(timeout_s: float) -> Any:
    from kiosk.badges.printstate import FollowPolicy

    return FollowPolicy(timeout_s=min(max(timeout_s, 1.0), pp.MAX_TIMEOUT_S))


def _told(progress: ProgressFn) -> Any:
    """on_change for a print: the job id, once, as progress (job id, 0)."""
    said: set[int] = set()

    def tell(result: Any) -> None:
        if result.job_id is not None and result.job_id not in said:
            said.add(result.job_id)
            progress(result.job_id, 0)

    return tell


@handle.register
def _(r: pp.Printers, lane: Lane, progress: ProgressFn) -> pp.PrinterList:
    why = cups_missing()
    if why:
        return pp.PrinterList(cups=False, reason=why)
    from kiosk.badges.cupsprint import CupsPrinters, CupsUnavailable

    cups = CupsPrinters()
    found = cups.printers(probe=False)
    if not found:
        try:
            cups.connect()
        except CupsUnavailable as exc:
            return pp.PrinterList(cups=True, reason=str(exc), server_down=True)
    chosen = r.chosen or next((p.name for p in found if p.is_default), "")
    listed = tuple(cups.status(p.name, probe=True) if p.name == chosen else p for p in found)
    return pp.PrinterList(cups=True, printers=listed)


@handle.register
def _(r: pp.PrintBadge, lane: Lane, progress: ProgressFn) -> pp.PrintDone:
    job = r.job
    if cups_missing():
        return pp.PrintDone(_unfollowed(job.attendee.attendee_id), cups=False,
                            drawing=job.drawing)  # fmt: skip
    from kiosk.badges.cupsprint import CupsPrinters
    from kiosk.badges.printing import DeskPrinter, PrintJob
    from kiosk.badges.printstate import PrintResult

    def record(done: PrintJob, result: PrintResult) -> str:
        lane.clock.set(r.now + timedelta(seconds=result.seconds))
        lane.open_store().reload_station()  # renamed on the desk lane meanwhile?
        uuid: str = lane.service.record_print(
            done.attendee.attendee_id, done.badge_id, operator=r.operator, reason=done.reason,
            printer=result.printer, job_id=result.job_id,
        )  # fmt: skip
        return uuid

    printer = DeskPrinter(CupsPrinters(), r.printer, _policy(r.timeout_s))
    result = printer.print(job, record, on_change=_told(progress))
    return pp.PrintDone(result, pdf=None if result.printed else job.pdf())


@handle.register
def _(r: pp.PrintSlip, lane: Lane, progress: ProgressFn) -> pp.PrintDone:
    slip = r.slip
    if cups_missing():
        return pp.PrintDone(_unfollowed(slip.attendee_id), cups=False, pdf=slip.pdf)
    from kiosk.badges.cupsprint import CupsPrinters

    title = f"schedule {slip.attendee_id}"
    result = CupsPrinters().print_pdf(r.printer, slip.pdf, title, None, _policy(r.timeout_s),
                                      _told(progress))  # fmt: skip
    result = replace(result, attendee_id=slip.attendee_id)
    return pp.PrintDone(result, pdf=None if result.printed else slip.pdf)


@handle.register
def _(r: pp.PrintSample, lane: Lane, progress: ProgressFn) -> pp.PrintDone:
    from kiosk.badges.design import BadgeData, LabelTooSmall
    from kiosk.badges.printstate import PrintProblem, failed
    from kiosk.badges.render import SAMPLE_CODE, badge_pdf
    from kiosk.models.records import Attendee, Category

    sample = Attendee("TEST", name="Test Badge", name_zh="测试胸卡",
                      organization="Printer check · 打印测试", category=Category.DELEGATE)  # fmt: skip
    renderer = lane.desk().renderer_for(r.label)
    try:
        drawing = renderer.drawing(BadgeData(sample, SAMPLE_CODE))
    except LabelTooSmall as exc:
        return pp.PrintDone(failed(PrintProblem.LABEL_TOO_SMALL, r.printer, exc.detail))
    if cups_missing():
        return pp.PrintDone(_unfollowed(""), cups=False, drawing=drawing)
    from kiosk.badges.cupsprint import CupsPrinters
    from kiosk.badges.stocks import parse_label

    pdf = badge_pdf(drawing, renderer.layout, "test badge")
    result = CupsPrinters().print_pdf(r.printer, pdf, "test badge", parse_label(r.label),
                                      _policy(r.timeout_s), _told(progress))  # fmt: skip
    return pp.PrintDone(replace(result, label=renderer.layout.name),
                        pdf=None if result.printed else pdf)  # fmt: skip


def _unfollowed(attendee_id: str) -> Any:
    """The result of a print CUPS did not take (it is not there): the GUI prints with Qt."""
    from kiosk.badges.printstate import PrintProblem, failed

    return replace(failed(PrintProblem.SERVER_DOWN), attendee_id=attendee_id)

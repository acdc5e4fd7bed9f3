"""Printing at the desk: the printer and label chosen, each print followed to its end.

`PrintDesk` asks the desk lane what to print (`PreparePrint`: the badge's drawing and
its code, on the chosen label) and hands the job to the station host's print lane
(`PrintBadge`): there the badge's PDF goes to CUPS and is followed until it printed,
failed, was cancelled or got no answer in time; only a badge that printed goes into the
print log. Everything goes through the one station client (`ctx.db`): no thread here,
and a dead printer never delays a scan (the print lane is not the desk lane).

Each print is a `DeskPrint`; `changed(DeskPrint)` says "printing", then what became of it.
One that did not print can be sent again (`retry`, on this printer or another) or saved
as a PDF (`save_pdf`, 0600). `printers_changed(PrinterList)` refreshes the printer's state
every REFRESH_S (one question at a time), so it shows before anyone scans.

Where CUPS is not there (pycups missing: Windows) the host says so and the badge is
painted with Qt's printing here (`ui.desk.printing`): such a print is "sent", never
"printed", and is logged as sent.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.badges.printstate import PrintProblem, PrintResult, PrintStatus, failed
from kiosk.badges.stocks import DEFAULT_LABEL, parse_label
from kiosk.models.clock import Clock
from kiosk.models.errors import ValidationError
from kiosk.station.errors import StationDown, StationError
from kiosk.station.printproto import (
    PrintBadge,
    PrintDone,
    PrinterList,
    Printers,
    PrintSample,
    PrintSlip,
)
from kiosk.station.protocol import PreparePrint, PrepareSlip, RecordPrint
from kiosk.station.wire import Origin, Source
from kiosk.storage.atomic import write_private
from ui.app.settings import Settings
from ui.bridge.desk import DeskLink
from ui.desk.print_texts import ALREADY_PRINTED, NO_SLIP, outcome_text

log = logging.getLogger(__name__)
ASKED = Origin(Source.DESK)
REFRESH_S = 10.0  # the printer's state, asked again this often
DEFAULT_TIMEOUT_S = 30.0
_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class DeskPrint:
    """One print at the desk: a badge, a schedule slip, or a test badge."""

    kind: str  # badge | slip | test
    printer: str  # '' = the default printer
    label: str
    who: str = ""  # the person's name, for the messages
    attendee_id: str = ""
    job: Any = None  # kiosk.badges.printing.PrintJob (badge)
    slip: Any = None  # kiosk.badges.printing.SlipJob (slip)
    operator: str = ""
    result: PrintResult | None = None  # None: being handed over
    job_id: int | None = None
    pdf: bytes | None = None  # what did not print, for "Save as PDF"
    drawing: Any = None  # a badge's drawing, when Qt prints it (no CUPS)
    saved: str = ""  # no printer at all: where its PDF was saved instead
    ident: int = 0

    @property
    def status(self) -> PrintStatus:
        return PrintStatus.PRINTING if self.result is None else self.result.status

    @property
    def done(self) -> bool:
        return self.result is not None and self.result.final

    @property
    def ok(self) -> bool:
        return self.status in (PrintStatus.PRINTED, PrintStatus.SENT)

    @property
    def problem(self) -> PrintProblem | None:
        return None if self.result is None else self.result.problem

    @property
    def printer_name(self) -> str:
        return (self.result.printer if self.result else "") or self.printer

    def text(self, lang: str) -> str:
        return outcome_text(self, lang)

    def __str__(self) -> str:
        return f"{self.text('en')} · {self.text('zh')}"


class PrintDesk(QObject):
    printed = Signal(str, str)  # attendee_id, message (bilingual): a print's end
    notice = Signal(str)  # a one-off remark for the status bar
    changed = Signal(object)  # DeskPrint: printing, then what became of it
    printers_changed = Signal(object)  # PrinterList
    choice_changed = Signal(str, str)  # printer ('' = default), label

    def __init__(
        self,
        db: DeskLink,
        clock: Clock,
        out_dir: Path,
        settings: Settings | None = None,
        printer: str | None = None,
        label: str | None = None,
        timeout_s: float | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.clock = clock
        self.out_dir = out_dir
        self.settings = settings
        stored = settings.get("printer", "") if settings is not None else ""
        self.printer = printer if printer is not None else str(stored or "")
        self.label = _valid_label(label or (settings.get("label") if settings else None))
        self.timeout_s = float(timeout_s or (settings.get("print_timeout_s") if settings
                                             else None) or DEFAULT_TIMEOUT_S)  # fmt: skip
        self.printers: PrinterList | None = None
        self.cups: bool | None = None  # None: not known yet
        self.last: DeskPrint | None = None
        self._in_flight: dict[int, DeskPrint] = {}
        self._asking = False
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(REFRESH_S * 1000))
        self._timer.timeout.connect(self.refresh)
        db.opened.connect(lambda _o: self.refresh())  # the host is up: ask at once

    # -- life ------------------------------------------------------------------------------
    def start(self) -> None:
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        """Nothing to wait for here: a print being followed ends in the host, which
        logs it if it printed (the client finishes every request before closing)."""
        self._stopped = True
        self._timer.stop()

    # -- the choice ------------------------------------------------------------------------
    def set_choice(self, printer: str, label: str) -> None:
        """Print on `printer` ('' = the system's default) and `label` from now on; kept in
        the station's settings."""
        self.printer, self.label = printer, _valid_label(label)
        if self.settings is not None:
            self.settings.set("printer", self.printer)
            self.settings.set("label", self.label)
        self.choice_changed.emit(self.printer, self.label)
        self.refresh()

    def chosen_status(self) -> Any:
        """The chosen printer's PrinterStatus (None when it is not known)."""
        if self.printers is None:
            return None
        name = self.printer
        for p in self.printers.printers:
            if (name and p.name == name) or (not name and p.is_default):
                return p
        return None

    def refresh(self) -> None:
        """Ask the printers' state (not while the last question is unanswered)."""
        if self._asking or self._stopped:
            return
        self._asking = True
        self.db.submit(Printers(self.printer), ASKED, then=self._got_printers,
                       otherwise=self._no_printers, owner=self)  # fmt: skip

    def _got_printers(self, found: PrinterList) -> None:
        self._asking = False
        self.cups = found.cups
        if not found.cups:
            found = replace(found, printers=tuple(_qt_printers()))
        self.printers = found
        self.printers_changed.emit(found)

    def _no_printers(self, error: StationError) -> None:
        self._asking = False
        log.info("the printers' state: %s", error)
        if isinstance(error, StationDown):  # the host is starting (or restarting)
            QTimer.singleShot(1000, self, self.refresh)

    # -- printing --------------------------------------------------------------------------
    def print_badge(
        self,
        attendee_id: str,
        operator: str = "",
        reason: str = "",
        only_first: bool = False,
        with_slip: bool = False,
    ) -> None:
        """Print the attendee's badge (and their schedule slip) on the chosen printer."""
        request = PreparePrint(attendee_id, operator, reason, only_first, self.clock.now(),
                               with_slip, self.label)  # fmt: skip
        item = DeskPrint("badge", self.printer, self.label, attendee_id=attendee_id,
                         operator=operator, ident=next(_ids))  # fmt: skip
        self.db.submit(request, ASKED, then=lambda job: self._prepared(item, only_first, job),
                       otherwise=lambda e: self._failed(item, e), owner=self)  # fmt: skip

    def _prepared(self, item: DeskPrint, only_first: bool, job: Any) -> None:
        if job is None:
            if not only_first:  # "print at first check-in": they have a printed badge
                self.printed.emit(item.attendee_id, ALREADY_PRINTED)
            return
        if isinstance(job, PrintDone):  # the label is too small for the badge
            self._finish(replace(item, result=job.result))
            return
        if any(p.job is not None and p.job.badge_id == job.badge_id
               for p in self._in_flight.values()):  # fmt: skip
            return  # this very badge is being printed (two quick scans)
        who = " ".join(x for x in (job.attendee.name, job.attendee.name_zh) if x)
        self.send(replace(item, job=job, who=who))

    def print_slip(self, attendee_id: str) -> None:
        """Print an attendee's matchmaking schedule slip (a notice when they have none)."""
        item = DeskPrint("slip", self.printer, "", attendee_id=attendee_id, ident=next(_ids))
        self.db.submit(PrepareSlip(attendee_id, self.clock.now()), ASKED,
                       then=lambda slip: self._got_slip(item, slip),
                       otherwise=lambda e: self._failed(item, e), owner=self)  # fmt: skip

    def _got_slip(self, item: DeskPrint, slip: Any) -> None:
        if slip is None:
            self.notice.emit(NO_SLIP)
        else:
            self.send(replace(item, slip=slip, who=slip.name))

    def test_print(self, printer: str | None = None, label: str | None = None) -> None:
        """A sample badge on `printer` and `label` (default: the chosen ones)."""
        chosen = self.printer if printer is None else printer
        self.send(DeskPrint("test", chosen, _valid_label(label or self.label),
                            ident=next(_ids)))  # fmt: skip

    def retry(self, item: DeskPrint, printer: str | None = None) -> None:
        """Send a print that did not print again, on its printer or on `printer`."""
        self.send(replace(item, printer=item.printer if printer is None else printer,
                          result=None, job_id=None, pdf=None, ident=next(_ids)))  # fmt: skip

    def send(self, item: DeskPrint) -> None:
        """Hand `item` to the print lane (or to Qt, without CUPS); "printing" meanwhile."""
        self._in_flight[item.ident] = item
        self.changed.emit(item)
        if self.cups is False and item.kind != "test":  # the test badge: drawn by the host
            QTimer.singleShot(0, self, lambda: self._qt_print(item))
            return
        request: Any
        if item.kind == "badge":
            request = PrintBadge(item.job, item.printer, self.timeout_s, item.operator,
                                 self.clock.now())  # fmt: skip
        elif item.kind == "slip":
            request = PrintSlip(item.slip, item.printer, self.timeout_s)
        else:
            request = PrintSample(item.printer, item.label, self.timeout_s)
        self.db.submit(request, ASKED, then=lambda done: self._printed(item, done),
                       otherwise=lambda e: self._failed(item, e),
                       progress=lambda job_id, _t: self._job_id(item, job_id),
                       owner=self)  # fmt: skip

    def _job_id(self, item: DeskPrint, job_id: int) -> None:
        if item.ident in self._in_flight:
            item = replace(item, job_id=job_id)
            self._in_flight[item.ident] = item
            self.changed.emit(item)

    def _printed(self, item: DeskPrint, done: PrintDone) -> None:
        if not done.cups:  # no CUPS in the host: Qt prints it here
            self.cups = False
            self._qt_print(replace(item, drawing=done.drawing, pdf=done.pdf))
            return
        result = done.result
        self._finish(replace(item, result=result, job_id=result.job_id, pdf=done.pdf))

    def _failed(self, item: DeskPrint, error: StationError) -> None:
        log.warning("printing (%s) failed: %s", item.kind, error)
        self._finish(replace(item, result=failed(PrintProblem.STOPPED, item.printer,
                                                 (str(error), str(error)))))  # fmt: skip

    def _finish(self, item: DeskPrint) -> None:
        self._in_flight.pop(item.ident, None)
        if item.problem is PrintProblem.NO_PRINTER and item.kind != "test":
            item = self._save_instead(item)
        self.last = item
        self.changed.emit(item)
        self.printed.emit(item.attendee_id, str(item))
        slip = item.job.slip if item.kind == "badge" and item.job is not None else None
        if slip is not None and item.ok:  # the slip follows its badge (a failed badge keeps it)
            self.send(DeskPrint("slip", item.printer_name, "", who=item.who,
                                attendee_id=item.attendee_id, slip=slip, ident=next(_ids)))  # fmt: skip
        if item.problem is not None and item.problem is not PrintProblem.LABEL_TOO_SMALL:
            self.refresh()  # what the printer says now

    def _save_instead(self, item: DeskPrint) -> DeskPrint:
        """No printer at all (an ordinary desk, not an error): the PDF is kept in the user
        data folder for printing elsewhere; nothing is logged, so it prints later."""
        folder = self.out_dir / "slips" if item.kind == "slip" else self.out_dir
        try:
            path = self.save_pdf(item, folder / self.pdf_name(item))
        except (OSError, ValueError) as exc:
            log.warning("saving the %s PDF failed: %s", item.kind, exc)
            return item
        return replace(item, saved=str(path))

    # -- Save as PDF -----------------------------------------------------------------------
    def pdf_name(self, item: DeskPrint) -> str:
        if item.kind == "badge" and item.job is not None:
            return f"badge-{item.attendee_id}-v{item.job.version}.pdf"
        if item.kind == "slip":
            return f"slip-{item.attendee_id}.pdf"
        return "test-badge.pdf"

    def save_pdf(self, item: DeskPrint, path: Path) -> Path:
        """Write what did not print to `path` (owner-only, 0600: it has personal data)."""
        data = item.pdf if item.pdf is not None else self._qt_pdf(item)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private(path, data)
        return path

    # -- without CUPS: Qt's printing, "sent" at best ---------------------------------------
    def _qt_print(self, item: DeskPrint) -> None:
        from ui.desk import printing

        if item.kind == "slip":
            pdf = item.pdf if item.pdf is not None else item.slip.pdf
            outcome = printing.print_pdf(pdf, ("Schedule slip", "洽谈日程"), item.printer or None)
            item = replace(item, pdf=pdf)
        else:
            drawing = item.drawing if item.drawing is not None else _drawing_of(item)
            item = replace(item, drawing=drawing)
            outcome = printing.print_badge(drawing, item.printer or None)
        result = _qt_result(outcome)
        if result.status is PrintStatus.SENT and item.kind == "badge" and item.job is not None:
            job = item.job
            self.db.submit(RecordPrint(job.attendee.attendee_id, job.badge_id, item.operator,
                                       job.reason, self.clock.now(), result.printer),
                           ASKED)  # fmt: skip
        self._finish(replace(item, result=result))

    def _qt_pdf(self, item: DeskPrint) -> bytes:
        """The badge painted by Qt into a PDF (no CUPS, so no PDF from the host)."""
        from PySide6.QtPrintSupport import QPrinter

        from ui.desk import printing

        with tempfile.TemporaryDirectory(prefix="badge-") as tmp:
            out = Path(tmp) / "badge.pdf"
            pdf = QPrinter(QPrinter.PrinterMode.HighResolution)
            pdf.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            pdf.setOutputFileName(str(out))
            printing.print_badge(item.drawing or _drawing_of(item), printer=pdf)
            return out.read_bytes()


def _drawing_of(item: DeskPrint) -> Any:
    if item.job is not None:
        return item.job.drawing
    raise ValueError("nothing to print")


def _qt_result(outcome: Any) -> PrintResult:
    from ui.desk import printing

    status = outcome.status
    if status is printing.PrintStatus.PRINTED:
        return PrintResult(PrintStatus.SENT, outcome.printer)
    problem = {
        printing.PrintStatus.NO_PRINTER: PrintProblem.NO_PRINTER,
        printing.PrintStatus.PRINTER_NOT_FOUND: PrintProblem.NOT_FOUND,
    }.get(status, PrintProblem.REFUSED)
    return failed(problem, outcome.printer)


def _qt_printers() -> list[Any]:
    """The system's printers as Qt sees them (no CUPS to ask): names, and Qt's word on
    their state (it knows "error" at best)."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    from kiosk.badges.printstate import PrinterStatus

    default = QPrinterInfo.defaultPrinterName()
    out = []
    for info in QPrinterInfo.availablePrinters():
        name = info.printerName()
        broken = info.state() == QPrinter.PrinterState.Error
        out.append(PrinterStatus(name, is_default=name == default,
                                 problem=PrintProblem.STOPPED if broken else None,
                                 model=info.makeAndModel()))  # fmt: skip
    return sorted(out, key=lambda p: (not p.is_default, p.name.lower()))


def _valid_label(label: object) -> str:
    try:
        return parse_label(str(label)).name if label else DEFAULT_LABEL
    except ValidationError:
        log.warning("unknown label stock %r in the settings: %s used", label, DEFAULT_LABEL)
        return DEFAULT_LABEL

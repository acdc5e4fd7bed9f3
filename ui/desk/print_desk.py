"""Printing at the desk: what to print comes from the station host, the print thread prints.

`PrintDesk` asks the desk session what to print (`PreparePrint`: the badge's drawing and
its fresh code; `PrepareSlip`: a schedule slip) and hands the job to the print thread
(`ui.desk.print_worker.PrintWorker`, a QThread of its own: a slow printer never delays
the next scan). A badge that reached the printer is recorded in the print log
(`RecordPrint`), asked from the print thread itself, so a badge printed while the app
closes is recorded all the same. `printed(attendee_id, message)` says what happened.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal

from kiosk.models.clock import Clock
from kiosk.station.protocol import PreparePrint, PrepareSlip, RecordPrint
from kiosk.station.wire import Origin, Source
from ui.bridge.desk import DeskLink
from ui.desk.print_worker import PrintWorker

log = logging.getLogger(__name__)
ASKED = Origin(Source.DESK)
NO_SLIP = "No meetings on the schedule: no slip to print · 暂无洽谈安排，无需打印日程"


class PrintDesk(QObject):
    printed = Signal(str, str)  # attendee_id, message (bilingual)
    notice = Signal(str)  # a one-off remark for the status bar
    _badge = Signal(object, object, object)  # PreparePrint, PrintJob, Event
    _slip = Signal(object)  # kiosk.badges.printing.SlipJob

    def __init__(
        self, db: DeskLink, clock: Clock, out_dir: Path, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.clock = clock
        self.thread = QThread()
        self.thread.setObjectName("print-worker")
        self.worker = PrintWorker(out_dir)
        self.worker.moveToThread(self.thread)
        self._badge.connect(self.worker.print_job)
        self._slip.connect(self.worker.print_slip)
        # In the print thread, at once: the GUI's event loop may have ended already.
        self.worker.record_requested.connect(self._record, Qt.ConnectionType.DirectConnection)
        self.worker.printed.connect(self.printed)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """A badge being printed is finished (and recorded) first."""
        if self.thread.isRunning():
            self.thread.quit()
            if not self.thread.wait(20000):
                log.error("the print thread did not finish within 20 s")

    def print_badge(
        self,
        attendee_id: str,
        operator: str = "",
        reason: str = "",
        only_first: bool = False,
        with_slip: bool = False,
    ) -> None:
        request = PreparePrint(attendee_id, operator, reason, only_first, self.clock.now(),
                               with_slip)  # fmt: skip
        self.db.submit(request, ASKED, then=lambda job: self._got(request, job), owner=self)

    def _got(self, request: PreparePrint, job: Any) -> None:
        if job is None and request.only_first:
            return  # "print at first check-in": this attendee has a printed badge
        if self.db.event is not None:
            self._badge.emit(request, job, self.db.event)

    def print_slip(self, attendee_id: str) -> None:
        """Print an attendee's matchmaking schedule slip (a notice when they have none)."""
        self.db.submit(
            PrepareSlip(attendee_id, self.clock.now()), ASKED, then=self._got_slip, owner=self
        )

    def _got_slip(self, job: Any) -> None:
        if job is None:
            self.notice.emit(NO_SLIP)
        else:
            self._slip.emit(job)

    def _record(self, request: PreparePrint, job: Any) -> None:
        """A badge reached the printer (in the print thread): into the print log."""
        self.db.submit(
            RecordPrint(job.attendee.attendee_id, job.badge_id, request.operator, job.reason,
                        self.clock.now()),
            ASKED,
        )  # fmt: skip

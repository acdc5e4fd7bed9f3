"""The print thread: a slow or stuck printer never delays the next scan.

The desk (`ui.desk.print_desk.PrintDesk`) asks the station host what to print (a
`PrintJob`: the badge's drawing and its fresh code) and hands the job here. This worker
lives in a QThread of its own, renders the badge and sends it to the system printer
(`ui.desk.badge_print.print_one`). A print that reached the printer is handed back to be
recorded in the print log (`record_requested`, emitted in this thread); the bilingual
line saying what happened is emitted as `printed`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.models.event import Event

log = logging.getLogger(__name__)


class PrintWorker(QObject):
    printed = Signal(str, str)  # attendee_id, message
    record_requested = Signal(object, object)  # protocol.PreparePrint, PrintJob

    def __init__(self, out_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.out_dir = out_dir
        self._renderer: Any = None
        self._event_id = ""

    def _renderer_for(self, event: Event) -> Any:
        if self._renderer is None or self._event_id != event.id:
            from kiosk.badges.render import BadgeRenderer

            self._renderer = BadgeRenderer(event, "4x3in")
            self._event_id = event.id
        return self._renderer

    @Slot(object, object, object)
    def print_job(self, request: Any, job: Any, event: Event) -> None:
        """Print (or save as PDF) one badge; never raises into the event loop."""
        from ui.desk.badge_print import print_one

        def record(done: Any) -> None:
            self.record_requested.emit(request, done)

        try:
            msg = print_one(job, self._renderer_for(event), record, self.out_dir)
        except Exception as exc:  # a printer driver or disk problem: say so, keep going
            log.exception("printing the badge of %s failed", request.attendee_id)
            msg = f"Printing failed: {exc} · 打印失败"
        self.printed.emit(request.attendee_id, msg)

    @Slot(object)
    def print_slip(self, job: Any) -> None:
        """Print (or save as PDF) one schedule slip; never raises into the event loop."""
        from ui.desk.badge_print import print_slip

        try:
            msg = print_slip(job, self.out_dir)
        except Exception as exc:  # a printer driver or disk problem: say so, keep going
            log.exception("printing the schedule slip of %s failed", job.attendee_id)
            msg = f"Printing the schedule slip failed: {exc} · 洽谈日程打印失败"
        self.printed.emit(job.attendee_id, msg)

"""The GUI-side handle of the database thread: typed calls become queued intents.

Results are relayed through this object's own signals (signal-to-signal connections,
queued to the GUI thread), so every listener, lambdas included, runs in the GUI thread.
`state` mirrors the worker's DbState: what the desk may do with the database now.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from kiosk.models.clock import Clock
from kiosk.models.outcomes import Method
from kiosk.models.records import AttendeeInput
from kiosk.station import protocol as p
from kiosk.station.process import StationProcess
from ui.bridge.dbworker import DbState, DbWorker

log = logging.getLogger(__name__)
_RELAYED = (
    "opened", "state_changed", "checked_in", "not_recorded", "recorded_later", "searched",
    "stats_ready", "recent_ready", "undone", "walked_in", "reprinted", "badge_code_ready",
    "notice", "failed",
)  # fmt: skip


class DbClient(QObject):
    opened = Signal(object)
    state_changed = Signal(object)
    checked_in = Signal(object)
    not_recorded = Signal(object)
    recorded_later = Signal(object)
    searched = Signal(int, object)
    stats_ready = Signal(object)
    recent_ready = Signal(object)
    undone = Signal(object)
    walked_in = Signal(object)
    reprinted = Signal(str, str)
    badge_code_ready = Signal(str, str)
    printed = Signal(str, str)
    notice = Signal(str)
    failed = Signal(str, str, str)  # operation, Problem value, message

    _open = Signal()
    _close = Signal()
    _check_in = Signal(object)
    _request = Signal(object)
    _print = Signal(object)
    _slip = Signal(object)
    _create = Signal()
    _open_other = Signal(str)

    def __init__(
        self,
        host: StationProcess,
        clock: Clock,
        build_demo: bool = False,
        journal_dir: Path | None = None,
        parent: QObject | None = None,
        station_name: str = "",
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.clock = clock
        self.state = DbState("opening")
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("db-worker")
        self.worker = DbWorker(host, clock, build_demo, journal_dir, station_name)
        self.worker.moveToThread(self.worker_thread)
        self._search_token = 0
        w = self.worker
        for sig, slot in (
            (self._open, w.open),
            (self._close, w.close),
            (self._check_in, w.check_in),
            (self._request, w.request),
            (self._print, w.print_badge),
            (self._slip, w.print_slip),
            (self._create, w.create_database),
            (self._open_other, w.open_other),
        ):
            sig.connect(slot)
        for name in _RELAYED:
            getattr(w, name).connect(getattr(self, name))
        # Printing has a thread of its own: a slow printer never delays the next scan.
        from ui.app.paths import data_dir
        from ui.desk.print_worker import PrintWorker

        self.print_thread = QThread()
        self.print_thread.setObjectName("print-worker")
        self.printer = PrintWorker(data_dir() / "badges")
        self.printer.moveToThread(self.print_thread)
        w.print_job.connect(self.printer.print_job)
        w.slip_job.connect(self.printer.print_slip)
        self.printer.record_requested.connect(w.record_print)
        self.printer.printed.connect(self.printed)
        self.state_changed.connect(self._mirror)

    @property
    def db_path(self) -> Path:
        return self.host.db_path

    def _mirror(self, state: DbState) -> None:
        self.state = state

    def start(self) -> None:
        self.print_thread.start()
        self.worker_thread.start()
        self._open.emit()

    def stop(self) -> None:
        """Finish every queued intent, stop the station host, end the threads."""
        if self.print_thread.isRunning():  # a badge being printed is finished first
            self.print_thread.quit()
            if not self.print_thread.wait(20000):
                log.error("the print thread did not finish within 20 s")
        if self.worker_thread.isRunning():
            self._close.emit()
            if not self.worker_thread.wait(20000):
                log.error("the database thread did not finish within 20 s")
                self.worker_thread.quit()
                self.worker_thread.wait()

    def _ask(self, what: str, request: object, done: Callable[[Any], None]) -> None:
        self._request.emit((what, request, done))

    # -- the database itself -------------------------------------------------------------------
    def create_database(self) -> None:
        """Create the missing database (the embedded event) where --db said."""
        self._create.emit()

    def open_other(self, path: Path) -> None:
        self._open_other.emit(str(path))

    # -- scans and staff actions ---------------------------------------------------------------
    def check_in(
        self, code: str, session_id: str, method: Method, station: str, operator: str = ""
    ) -> None:
        self._check_in.emit(
            p.CheckIn(code, session_id, method, station, operator, self.clock.now())
        )

    def manual_check_in(
        self, attendee_id: str, session_id: str, station: str, operator: str = ""
    ) -> None:
        req = p.ManualCheckIn(attendee_id, session_id, station, operator, self.clock.now())
        self._ask("check-in", req, self.worker.checked_in.emit)

    def search(self, text: str, session_id: str = "", limit: int = 50) -> int:
        """Returns the request token; only the latest token's results are current."""
        self._search_token += 1
        token = self._search_token
        worker = self.worker
        self._ask(
            "search", p.Search(text, session_id, limit), lambda v: worker.searched.emit(token, v)
        )
        return token

    @property
    def latest_search(self) -> int:
        return self._search_token

    def stats(self) -> None:
        self._ask("statistics", p.Stats(), self.worker.stats_ready.emit)

    def recent(self, station: str = "", limit: int = 20) -> None:
        self._ask("recent", p.Recent(station, limit), self.worker.recent_ready.emit)

    def undo(self, log_uuid: str, operator: str, reason: str) -> None:
        req = p.Undo(log_uuid, operator, reason, self.clock.now())
        self._ask("undo", req, self.worker.undone.emit)

    def walk_in(
        self, person: AttendeeInput, station: str, operator: str = "", admit_to: str | None = None
    ) -> None:
        req = p.WalkIn(person, station, operator, admit_to, self.clock.now())
        self._ask("walk-in", req, self.worker.walked_in.emit)

    def reprint(self, attendee_id: str, operator: str, reason: str) -> None:
        worker = self.worker
        self._ask(
            "reprint",
            p.Reprint(attendee_id, operator, reason, self.clock.now()),
            lambda code: worker.reprinted.emit(attendee_id, code),
        )

    def badge_code(self, attendee_id: str) -> None:
        worker = self.worker
        self._ask(
            "badge",
            p.BadgeCode(attendee_id, self.clock.now()),
            lambda code: worker.badge_code_ready.emit(attendee_id, code),
        )

    def print_badge(
        self,
        attendee_id: str,
        station: str,
        operator: str = "",
        reason: str = "",
        only_first: bool = False,
        with_slip: bool = False,
    ) -> None:
        self._print.emit(p.PreparePrint(attendee_id, station, operator, reason, only_first,
                                        self.clock.now(), with_slip))  # fmt: skip

    def print_slip(self, attendee_id: str, station: str) -> None:
        """Print an attendee's matchmaking schedule slip (a notice when they have none)."""
        self._slip.emit(p.PrepareSlip(attendee_id, station, self.clock.now()))

    def pin_attempt(self, ok: bool, station: str, operator: str = "") -> None:
        self._ask("PIN", p.PinAttempt(ok, station, operator, self.clock.now()), lambda _v: None)

"""The database thread: talks to the station host (the child that owns SQLite).

`DbWorker` lives in its own QThread and holds the desk lane of a
`kiosk.station.process.StationProcess`: every intent becomes a typed request, every reply
a typed signal. No SQLite connection exists in the GUI process (a pulled drive kills the
process holding one: SIGBUS), so when the database goes away only the child dies; the
worker keeps the scans (`KeptScans`, with their real time), restarts the child with
back-off and records them when the database can be written again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from kiosk.models.backoff import Backoff
from kiosk.models.clock import Clock
from kiosk.models.outcomes import CheckinResult
from kiosk.station import protocol as p
from kiosk.station.kept import KeptScans
from kiosk.station.process import StationDown, StationFailed, StationProcess

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DbState:
    """What the desk may do with the database now, and why not."""

    status: str  # opening | ok | read_only | down | missing
    reason: str = ""  # English detail naming the file and the cause
    kept: int = 0  # scans kept for later

    @property
    def writable(self) -> bool:
        return self.status == "ok"

    @property
    def readable(self) -> bool:
        return self.status in ("ok", "read_only")


@dataclass(frozen=True, slots=True)
class NotRecorded:
    code: str
    at: datetime
    kept: bool  # False: the keep was full (the paper list only)
    count: int  # scans kept now
    reason: str


def journal_for(folder: Path, db_path: Path) -> Path:
    """The kept-scans journal of one database, in the user data folder."""
    digest = hashlib.sha1(str(db_path.resolve()).encode()).hexdigest()[:12]
    return folder / f"kept-scans-{digest}.jsonl"


class DbWorker(QObject):
    opened = Signal(object)  # protocol.Opened
    state_changed = Signal(object)  # DbState
    checked_in = Signal(object)  # CheckinResult
    not_recorded = Signal(object)  # NotRecorded
    recorded_later = Signal(object)  # list[CheckinResult]: kept scans now recorded
    searched = Signal(int, object)  # request token, list[SearchHit]
    stats_ready = Signal(object)  # list[SessionStats]
    recent_ready = Signal(object)  # list[tuple[LogEntry, Attendee | None]]
    undone = Signal(object)  # LogEntry (the annul entry)
    walked_in = Signal(object)  # protocol.WalkInDone
    reprinted = Signal(str, str)  # attendee_id, new badge code
    badge_code_ready = Signal(str, str)  # attendee_id, code
    print_job = Signal(object, object, object)  # PreparePrint, PrintJob | None, Event
    slip_job = Signal(object)  # kiosk.badges.printing.SlipJob
    notice = Signal(str)  # a one-off remark for the status bar
    failed = Signal(str, str, str)  # operation, Problem value, message

    def __init__(
        self,
        host: StationProcess,
        clock: Clock,
        build_demo: bool = False,
        journal_dir: Path | None = None,
        station_name: str = "",
    ) -> None:
        super().__init__()
        self.station_name = station_name  # --station: name the station when opening
        self.host = host
        self.clock = clock
        self.build_demo = build_demo
        self.journal_dir = journal_dir
        self.kept = KeptScans(None)
        self.state = DbState("opening")
        self.current_event: Any = None
        self.backoff = Backoff()
        self._retry: QTimer | None = None
        self._watch: QTimer | None = None

    # -- lifecycle (runs in the worker thread) ---------------------------------------------
    @Slot()
    def open(self) -> None:
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.recover)
        self._watch = QTimer(self)
        self._watch.setInterval(1000)
        self._watch.timeout.connect(self._check_alive)
        self._watch.start()
        self._load_journal()
        try:
            self.host.start()
        except OSError as exc:
            self._down(f"cannot start the station host ({exc.strerror or exc})")
            return
        self._open(p.OpenDatabase(create_demo=self.build_demo, station_name=self.station_name))

    def _open(self, request: object) -> None:
        try:
            opened = self.host.call("desk", request, timeout=300)
        except StationFailed as exc:
            if exc.problem is p.Problem.MISSING:
                log.warning("%s: the window offers to create it or open another", exc.message)
                self._set_state(DbState("missing", exc.message, len(self.kept)))
            else:
                self._down(exc.message, read_only=exc.problem is p.Problem.UNWRITABLE)
            return
        except StationDown as exc:
            self._down(str(exc))
            return
        assert isinstance(opened, p.Opened)
        log.info(
            "database open: %s (%s)", opened.path, "writable" if opened.writable else "read-only"
        )
        self.current_event = opened.event
        fit = getattr(self.clock, "fit", None)  # the demo's clock (ui.app.democlock)
        if fit is not None and fit(opened.event, opened.last_entry_at):
            at = self.clock.now().astimezone(opened.event.tz)
            self.notice.emit(
                f"Demo: no session is open now, so the clock runs from {at:%H:%M} on the "
                f"program's day · 演示：时钟设为活动当天 {at:%H:%M}"
            )
        if opened.writable and not self.kept:
            self._set_state(DbState("ok"))  # before `opened`: the views enable their actions
        self.opened.emit(opened)
        if opened.writable:
            self.backoff.reset()
            self._replay()
        else:
            self._down(f"{opened.path}: the database is read-only", read_only=True)

    @Slot()
    def create_database(self) -> None:
        self._open(p.CreateDatabase(station_name=self.station_name))

    @Slot(str)
    def open_other(self, path: str) -> None:
        try:
            self.host.restart(Path(path))
        except OSError as exc:
            self._down(f"cannot start the station host ({exc.strerror or exc})")
            return
        self._load_journal()
        self._set_state(DbState("opening", "", len(self.kept)))
        self._open(p.OpenDatabase(station_name=self.station_name))

    @Slot()
    def close(self) -> None:
        """Queued after every earlier intent, so all of them are done: stop, end the thread."""
        for t in (self._retry, self._watch):
            if t is not None:
                t.stop()
        try:
            self.host.stop()
        finally:
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def _load_journal(self) -> None:
        journal = None
        if self.journal_dir is not None:
            try:
                self.journal_dir.mkdir(parents=True, exist_ok=True)
                journal = journal_for(self.journal_dir, self.host.db_path)
            except OSError as exc:
                log.warning("%s: no journal for kept scans (%s)", self.journal_dir, exc)
        self.kept = KeptScans(journal)

    # -- state and recovery ----------------------------------------------------------------
    def _set_state(self, state: DbState) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _down(self, reason: str, read_only: bool = False) -> None:
        status = "read_only" if read_only and self.host.alive else "down"
        if status == "down" and self.state.status == "missing":
            status = "missing"
        self._set_state(DbState(status, reason, len(self.kept)))
        if status != "missing" and self._retry is not None and not self._retry.isActive():
            delay = self.backoff.next()
            log.warning("database unavailable (%s); trying again in %.1f s", reason, delay)
            self._retry.start(int(delay * 1000))

    @Slot()
    def _check_alive(self) -> None:
        if not self.host.alive and self.state.status in ("ok", "read_only"):
            self._down(self.host.why_down())

    @Slot()
    def recover(self) -> None:
        """Restart the host if it died, reopen, and record the kept scans if it can write."""
        if self.state.status in ("ok", "missing"):
            return
        try:
            if not self.host.alive:
                self.host.restart()
            if self.current_event is None:
                self._open(
                    p.OpenDatabase(create_demo=self.build_demo, station_name=self.station_name)
                )
                return
            self.host.call("desk", p.Reopen(), timeout=60)
            self.host.call("desk", p.ProbeWrite(), timeout=60)
        except StationFailed as exc:
            self._down(exc.message, read_only=exc.problem is p.Problem.UNWRITABLE)
            return
        except (StationDown, OSError) as exc:
            self._down(str(exc))
            return
        self.backoff.reset()
        self._replay()

    def _replay(self) -> None:
        """Record the kept scans in order, at the time they were scanned."""
        recorded: list[CheckinResult] = []
        try:
            while (scan := self.kept.first()) is not None:
                try:
                    result = self.host.call("desk", scan, timeout=60)
                except StationFailed as exc:
                    if exc.problem.database_down:
                        raise
                    log.warning("kept scan %s could not be recorded: %s", scan, exc.message)
                    self.failed.emit("check-in", exc.problem.value, exc.message)
                else:
                    assert isinstance(result, CheckinResult)
                    recorded.append(result)
                self.kept.done(scan)
        except StationFailed as exc:
            self._down(exc.message, read_only=exc.problem is p.Problem.UNWRITABLE)
        except StationDown as exc:
            self._down(str(exc))
        else:
            self._set_state(DbState("ok", "", 0))
        finally:
            self.kept.save()
            if recorded:
                self.recorded_later.emit(recorded)

    def _call(self, what: str, request: object, done: Callable[[Any], None]) -> None:
        """Run a request; report a failure once, clearly (the GUI never sees a traceback)."""
        try:
            value = self.host.call("desk", request, timeout=60)
        except StationFailed as exc:
            if exc.problem.database_down:
                self._down(exc.message, read_only=exc.problem is p.Problem.UNWRITABLE)
            self.failed.emit(what, exc.problem.value, exc.message)
            return
        except StationDown as exc:
            self._down(str(exc))
            self.failed.emit(what, p.Problem.UNAVAILABLE.value, str(exc))
            return
        try:
            done(value)
        except Exception as exc:
            log.exception("%s: handling the reply failed", what)
            self.failed.emit(what, p.Problem.FAILED.value, f"{type(exc).__name__}: {exc}")

    # -- intents ---------------------------------------------------------------------------
    @Slot(object)
    def check_in(self, scan: p.CheckIn) -> None:
        if self.kept or not self.state.writable:
            self._keep(scan, self.state.reason or "the database is not open")
            return
        try:
            result = self.host.call("desk", scan, timeout=60)
        except StationFailed as exc:
            if exc.problem.database_down:
                self._down(exc.message, read_only=exc.problem is p.Problem.UNWRITABLE)
                self._keep(scan, exc.message)
            else:
                self.failed.emit("check-in", exc.problem.value, exc.message)
            return
        except StationDown as exc:
            self._down(str(exc))
            self._keep(scan, str(exc))
            return
        self.checked_in.emit(result)

    def _keep(self, scan: p.CheckIn, reason: str) -> None:
        kept = self.kept.add(scan)
        self.state = DbState(self.state.status, self.state.reason or reason, len(self.kept))
        self.state_changed.emit(self.state)
        self.not_recorded.emit(NotRecorded(scan.code, scan.at, kept, len(self.kept), reason))
        if self.state.writable:  # the database was fine: record the queue now
            self._replay()

    @Slot(object)
    def request(self, job: tuple[str, object, Callable[[Any], None]]) -> None:
        """A generic intent: (what, request, what to emit with the value)."""
        what, request, done = job
        self._call(what, request, done)

    @Slot(object)
    def print_badge(self, request: p.PreparePrint) -> None:
        """Ask the station host what to print; the print thread prints it."""

        def go(job: Any) -> None:
            if job is None and request.only_first:
                return  # "print at first check-in": this attendee has a printed badge
            event = self.current_event
            if event is None:
                return
            self.print_job.emit(request, job, event)

        self._call("print", request, go)

    @Slot(object)
    def print_slip(self, request: p.PrepareSlip) -> None:
        """Ask the station host for an attendee's schedule slip; the print thread prints it."""

        def go(job: Any) -> None:
            if job is None:
                self.notice.emit(
                    "No meetings on the schedule: no slip to print · 暂无洽谈安排，无需打印日程"
                )
            else:
                self.slip_job.emit(job)

        self._call("slip", request, go)

    @Slot(object, object)
    def record_print(self, request: p.PreparePrint, job: Any) -> None:
        """A badge reached the printer: into the print log (queued here from the print thread)."""
        record = p.RecordPrint(job.attendee.attendee_id, job.badge_id, request.station,
                               request.operator, job.reason, self.clock.now())  # fmt: skip
        self._call("print log", record, lambda _v: None)

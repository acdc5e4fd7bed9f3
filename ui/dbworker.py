"""The database thread: one Store connection, owned by one thread, reached by intents.

`DbWorker` lives in its own QThread; it opens its `kiosk.storage.store.Store` there (SQLite's
one-owner rule) and holds the `CheckinService`. The GUI talks to it only through
`DbClient`: small typed intents in (signals queued to the worker), typed results out.
No SQL ever runs on the GUI thread.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from kiosk.models.clock import Clock
from kiosk.models.errors import KioskError
from kiosk.models.outcomes import Method
from kiosk.models.records import AttendeeInput

log = logging.getLogger(__name__)


def describe(exc: BaseException, db_path: Path) -> str:
    """One clear line for the user: what failed and where."""
    if isinstance(exc, KioskError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return f"{db_path}: database error ({exc}); nothing was recorded"
    if isinstance(exc, OSError):
        where = exc.filename or db_path
        return f"{where}: {exc.strerror or exc}"
    return f"{type(exc).__name__}: {exc}"


class DbWorker(QObject):
    opened = Signal(object)  # kiosk.models.event.Event
    open_failed = Signal(str)
    checked_in = Signal(object)  # CheckinResult
    searched = Signal(int, object)  # request token, list[Attendee]
    stats_ready = Signal(object)  # list[SessionStats]
    recent_ready = Signal(object)  # list[tuple[LogEntry, Attendee | None]]
    undone = Signal(object)  # LogEntry (the annul entry)
    walked_in = Signal(object, str)  # Attendee, badge code
    reprinted = Signal(str, str)  # attendee_id, new badge code
    badge_code_ready = Signal(str, str)  # attendee_id, code
    printed = Signal(str, str)  # attendee_id, message
    notice = Signal(str)  # a one-off remark for the status bar
    failed = Signal(str, str)  # operation, message
    station_named = Signal(str)  # this station's name (kept with the database)

    def __init__(
        self, db_path: Path, clock: Clock, build_demo: bool = False, station_name: str = ""
    ) -> None:
        super().__init__()
        self.station_name = station_name
        self.db_path = db_path
        self.build_demo = build_demo
        self.clock = clock
        self.store: Any = None
        self.service: Any = None
        self._desk: Any = (
            None  # kiosk.badges.printing.BadgeDesk of this station, made on first print
        )

    # -- lifecycle (runs in the worker thread) ---------------------------------------
    @Slot()
    def open(self) -> None:
        from kiosk.checkin.service import CheckinService
        from kiosk.storage.store import Store

        try:
            if self.build_demo and not self.db_path.exists():
                from kiosk.demo import build_demo

                self.db_path.parent.mkdir(parents=True, exist_ok=True)
                part = self.db_path.with_name(self.db_path.name + ".building")
                part.unlink(missing_ok=True)
                build_demo(part, attendees=300)
                os.replace(part, self.db_path)
            self.store = Store.open(self.db_path)
            event = self.store.event()
            fit = getattr(self.clock, "fit", None)  # the demo's clock (ui.democlock)
            if fit is not None and fit(event):
                at = self.clock.now().astimezone(event.tz)
                self.notice.emit(
                    f"Demo: no session is open now, so the clock runs from {at:%H:%M} on the "
                    f"program's day · 演示：时钟设为活动当天 {at:%H:%M}"
                )
            if self.station_name:
                self.store.set_station_name(self.station_name)
            self.service = CheckinService(self.store, self.clock)
        except Exception as exc:
            log.exception("cannot open %s", self.db_path)
            self.open_failed.emit(describe(exc, self.db_path))
            return
        self.station_named.emit(self.store.station.name)
        self.opened.emit(event)

    @Slot()
    def close(self) -> None:
        """Queued after every earlier intent, so all of them are done: close, end the thread."""
        try:
            if self.store is not None:
                self.store.close()
        except Exception as exc:
            log.warning("closing %s: %s", self.db_path, exc)
        finally:
            self.store = None
            self.service = None
            self._desk = None
            thread = self.thread()
            if thread is not None:
                thread.quit()

    def _run(self, what: str, fn: Callable[[], None]) -> None:
        if self.service is None:
            self.failed.emit(what, f"{self.db_path}: the database is not open")
            return
        try:
            fn()
        except Exception as exc:  # reported once, clearly; the GUI never sees a traceback
            log.exception("%s failed", what)
            self.failed.emit(what, describe(exc, self.db_path))

    # -- intents ----------------------------------------------------------------------
    @Slot(str, str, str, str, str)
    def check_in(
        self, code: str, session_id: str, method: str, station: str, operator: str
    ) -> None:
        def go() -> None:
            res = self.service.check_in(code, session_id, Method(method), operator)
            self.checked_in.emit(res)

        self._run("check-in", go)

    @Slot(str, str, str, str)
    def manual_check_in(
        self, attendee_id: str, session_id: str, station: str, operator: str
    ) -> None:
        def go() -> None:
            res = self.service.manual_check_in(attendee_id, session_id, operator, Method.SEARCH)
            self.checked_in.emit(res)

        self._run("check-in", go)

    @Slot(int, str, int)
    def search(self, token: int, text: str, limit: int) -> None:
        self._run(
            "search", lambda: self.searched.emit(token, self.service.search(text, limit=limit))
        )

    @Slot()
    def stats(self) -> None:
        self._run("statistics", lambda: self.stats_ready.emit(self.service.stats()))

    @Slot(str, int)
    def recent(self, station: str, limit: int) -> None:
        def go() -> None:
            own = self.store.station.id if station else None
            entries = self.service.recent(limit, station_id=own)
            people = {
                e.attendee_id: self.store.attendee(e.attendee_id) for e in entries if e.attendee_id
            }
            self.recent_ready.emit([(e, people.get(e.attendee_id or "")) for e in entries])

        self._run("recent", go)

    @Slot(str, str, str)
    def undo(self, log_uuid: str, operator: str, reason: str) -> None:
        self._run("undo", lambda: self.undone.emit(self.service.undo(log_uuid, operator, reason)))

    @Slot(object, str, str)
    def walk_in(self, person: AttendeeInput, station: str, operator: str) -> None:
        def go() -> None:
            done = self.service.walk_in(person, operator)
            self.walked_in.emit(done.attendee, done.code)

        self._run("walk-in", go)

    @Slot(str)
    def rename_station(self, name: str) -> None:
        def go() -> None:
            self.station_named.emit(self.store.set_station_name(name).name)

        self._run("station name", go)

    @Slot(str, str, str)
    def reprint(self, attendee_id: str, operator: str, reason: str) -> None:
        def go() -> None:
            code = self.service.reprint_badge(attendee_id, operator, reason)
            self.reprinted.emit(attendee_id, code)

        self._run("reprint", go)

    @Slot(str)
    def badge_code(self, attendee_id: str) -> None:
        self._run(
            "badge",
            lambda: self.badge_code_ready.emit(attendee_id, self.service.badge_code(attendee_id)),
        )

    @Slot(str, str, str, str, bool)
    def print_badge(
        self, attendee_id: str, station: str, operator: str, reason: str, only_first: bool
    ) -> None:
        from kiosk.badges.printing import BadgeDesk
        from ui.badge_print import print_one
        from ui.paths import data_dir

        def go() -> None:
            if self._desk is None:
                self._desk = BadgeDesk(self.service)
            if only_first and self._desk.prints(attendee_id):
                return  # "print on first check-in": this attendee has a printed badge
            msg = print_one(self._desk, attendee_id, operator, reason, data_dir() / "badges")
            self.printed.emit(attendee_id, msg)

        self._run("print", go)


class DbClient(QObject):
    """The GUI-side handle: typed calls become queued intents to the worker thread.

    Results are relayed through this object's own signals (signal-to-signal connections,
    queued to the GUI thread), so every listener, lambdas included, runs in the GUI thread.
    """

    opened = Signal(object)
    open_failed = Signal(str)
    checked_in = Signal(object)
    searched = Signal(int, object)
    stats_ready = Signal(object)
    recent_ready = Signal(object)
    undone = Signal(object)
    walked_in = Signal(object, str)
    reprinted = Signal(str, str)
    badge_code_ready = Signal(str, str)
    printed = Signal(str, str)
    notice = Signal(str)
    failed = Signal(str, str)
    station_named = Signal(str)

    _open = Signal()
    _close = Signal()
    _check_in = Signal(str, str, str, str, str)
    _manual = Signal(str, str, str, str)
    _search = Signal(int, str, int)
    _stats = Signal()
    _recent = Signal(str, int)
    _undo = Signal(str, str, str)
    _walk_in = Signal(object, str, str)
    _reprint = Signal(str, str, str)
    _badge_code = Signal(str)
    _print = Signal(str, str, str, str, bool)
    _rename = Signal(str)

    def __init__(
        self, db_path: Path, clock: Clock, build_demo: bool = False, parent: QObject | None = None,
        station_name: str = "",
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.db_path = db_path
        self.worker_thread = QThread()
        self.worker_thread.setObjectName("db-worker")
        self.worker = DbWorker(db_path, clock, build_demo, station_name)
        self.worker.moveToThread(self.worker_thread)
        self._search_token = 0
        w = self.worker
        for sig, slot in (
            (self._open, w.open),
            (self._close, w.close),
            (self._check_in, w.check_in),
            (self._manual, w.manual_check_in),
            (self._search, w.search),
            (self._stats, w.stats),
            (self._recent, w.recent),
            (self._undo, w.undo),
            (self._walk_in, w.walk_in),
            (self._reprint, w.reprint),
            (self._badge_code, w.badge_code),
            (self._print, w.print_badge),
            (self._rename, w.rename_station),
        ):
            sig.connect(slot)
        for name in (
            "opened", "open_failed", "checked_in", "searched", "stats_ready", "recent_ready",
            "undone", "walked_in", "reprinted", "badge_code_ready", "printed", "notice", "failed",
            "station_named",
        ):  # fmt: skip
            getattr(w, name).connect(getattr(self, name))

    def start(self) -> None:
        self.worker_thread.start()
        self._open.emit()

    def stop(self) -> None:
        """Finish every queued intent, close the connection in its thread, end the thread."""
        if self.worker_thread.isRunning():
            self._close.emit()
            if not self.worker_thread.wait(15000):
                log.error("the database thread did not finish within 15 s")
                self.worker_thread.quit()
                self.worker_thread.wait()

    def check_in(
        self, code: str, session_id: str, method: Method, station: str, operator: str = ""
    ) -> None:
        self._check_in.emit(code, session_id, method.value, station, operator)

    def manual_check_in(
        self, attendee_id: str, session_id: str, station: str, operator: str = ""
    ) -> None:
        self._manual.emit(attendee_id, session_id, station, operator)

    def search(self, text: str, limit: int = 50) -> int:
        """Returns the request token; only the latest token's results are current."""
        self._search_token += 1
        self._search.emit(self._search_token, text, limit)
        return self._search_token

    @property
    def latest_search(self) -> int:
        return self._search_token

    def stats(self) -> None:
        self._stats.emit()

    def recent(self, station: str = "", limit: int = 20) -> None:
        self._recent.emit(station, limit)

    def undo(self, log_uuid: str, operator: str, reason: str) -> None:
        self._undo.emit(log_uuid, operator, reason)

    def walk_in(self, person: AttendeeInput, station: str, operator: str = "") -> None:
        self._walk_in.emit(person, station, operator)

    def reprint(self, attendee_id: str, operator: str, reason: str) -> None:
        self._reprint.emit(attendee_id, operator, reason)

    def badge_code(self, attendee_id: str) -> None:
        self._badge_code.emit(attendee_id)

    def rename_station(self, name: str) -> None:
        self._rename.emit(name)

    def print_badge(
        self,
        attendee_id: str,
        station: str,
        operator: str = "",
        reason: str = "",
        only_first: bool = False,
    ) -> None:
        self._print.emit(attendee_id, station, operator, reason, only_first)

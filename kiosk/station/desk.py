"""The desk's session with its database, through the station client (no Qt).

Every desk request goes through the session, on the desk lane's worker and in the order
it was made: the session knows what the desk may do with the database now (`DbState`),
keeps the scans it cannot record (`KeptScans`, with their real time), restarts the
station host with back-off (`Backoff`) when it died or the database went away, reopens
it, and records the kept scans when it can be written again.

While the database cannot be written, a check-in is kept (its call fails with
`NotRecorded`, which says whether it was kept) and every other request is still tried:
a reply that says the database is down marks the session down, and the views disable
what needs it (DbState.writable / readable). Meeting marks, re-matches, prints and PIN
attempts are desk writes like the others.

What happens is told to `on_event` (from the desk lane's worker): `StateChanged`,
`DeskOpened`, `RecordedLater`, `KeptRefused`, `Notice`. The GUI's link (ui.bridge.desk)
carries them to its own thread.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from kiosk.models.backoff import Backoff
from kiosk.models.clock import Clock
from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult
from kiosk.station.client import Call, ProgressFn, StationClient
from kiosk.station.errors import StationDown, StationError, StationFailed
from kiosk.station.kept import KeptScans
from kiosk.station.protocol import (
    CheckIn,
    CreateDatabase,
    NameStation,
    OpenDatabase,
    Opened,
    ProbeWrite,
    Reopen,
)
from kiosk.station.wire import SYSTEM, Origin, Problem, Request

log = logging.getLogger(__name__)
R = TypeVar("R")
DESK = "desk"
WATCH_S = 1.0  # how often a dead station host is looked for


class DbStatus(enum.StrEnum):
    OPENING = "opening"
    OK = "ok"
    READ_ONLY = "read_only"
    DOWN = "down"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class DbState:
    """What the desk may do with the database now, and why not."""

    status: DbStatus = DbStatus.OPENING
    reason: str = ""  # English detail naming the file and the cause
    kept: int = 0  # scans kept for later

    @property
    def writable(self) -> bool:
        return self.status is DbStatus.OK

    @property
    def readable(self) -> bool:
        return self.status in (DbStatus.OK, DbStatus.READ_ONLY)


class NotRecorded(StationError):
    """A scan the database could not take now: kept to be recorded later (`kept`), or
    not even that (the keep is full: the paper list only)."""

    def __init__(self, scan: CheckIn, kept: bool, count: int, reason: str, problem: Problem):
        super().__init__(problem, reason)
        self.scan = scan
        self.kept = kept
        self.count = count  # scans kept now
        self.reason = reason

    @property
    def code(self) -> str:
        return self.scan.code

    @property
    def at(self) -> Any:  # datetime: when it was scanned
        return self.scan.at


# -- what the session tells ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StateChanged:
    state: DbState


@dataclass(frozen=True, slots=True)
class DeskOpened:
    opened: Opened


@dataclass(frozen=True, slots=True)
class RecordedLater:
    """Kept scans recorded now that the database is back, at the time they were scanned."""

    results: tuple[CheckinResult, ...]


@dataclass(frozen=True, slots=True)
class KeptRefused:
    """A kept scan the database refused when it was back (not a database problem)."""

    scan: CheckIn
    error: StationError


@dataclass(frozen=True, slots=True)
class Notice:
    text: str  # bilingual, for the status bar


DeskEvent = StateChanged | DeskOpened | RecordedLater | KeptRefused | Notice


def journal_for(folder: Path, db_path: Path) -> Path:
    """The kept-scans journal of one database, in the user data folder."""
    digest = hashlib.sha1(str(db_path.resolve()).encode()).hexdigest()[:12]
    return folder / f"kept-scans-{digest}.jsonl"


class DeskSession:
    def __init__(
        self,
        client: StationClient,
        clock: Clock,
        *,
        build_demo: bool = False,
        journal_dir: Path | None = None,
        station_name: str = "",
        on_event: Callable[[DeskEvent], None] | None = None,
        backoff: Backoff | None = None,
        watch_s: float = WATCH_S,
    ) -> None:
        self.client = client
        self.host = client.host
        self.clock = clock
        self.build_demo = build_demo
        self.journal_dir = journal_dir
        self.station_name = station_name  # --station: the name given to each opened database
        self.on_event = on_event or (lambda _e: None)
        self.backoff = backoff or Backoff()
        self.watch_s = watch_s
        self.kept = KeptScans(None)
        self.state = DbState()
        self.event: Event | None = None
        self._lock = threading.Lock()
        self._retry_at: float | None = None  # monotonic: when to try again
        self._checking = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._watcher: threading.Thread | None = None

    # -- asked from any thread: done on the desk lane, in order ------------------------------
    def start(self) -> None:
        """Start the station host and open the database (building the demo if asked)."""
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="desk-watch", daemon=True)
        self._watcher.start()
        call = self.client.call(OpenDatabase(create_demo=self.build_demo))
        self._schedule(lambda: self._start(call), call)

    def create_database(self) -> Call[Opened]:
        """Create the missing database (the embedded event) where the host's path says."""
        call = self.client.call(CreateDatabase())
        self._schedule(lambda: self._open(call), call)
        return call

    def open_other(self, path: Path) -> Call[Opened]:
        call = self.client.call(OpenDatabase())
        self._schedule(lambda: self._open_other(Path(path), call), call)
        return call

    def check_in(self, scan: CheckIn, origin: Origin = SYSTEM) -> Call[CheckinResult]:
        """Record a scan, or keep it (the call fails with NotRecorded) while the database
        cannot be written."""
        call = self.client.call(scan, origin)
        self._schedule(lambda: self._check_in(call), call)
        return call

    def submit(
        self, request: Request[R], origin: Origin = SYSTEM, progress: ProgressFn | None = None
    ) -> Call[R]:
        """Any other desk request (a check-in goes through `check_in`)."""
        if request.lane != DESK:
            raise ValueError(f"{type(request).__name__} is not a desk request")
        if isinstance(request, CheckIn):
            return self.check_in(request, origin)  # type: ignore[return-value]
        call = self.client.call(request, origin)
        self._schedule(lambda: self._send(call, progress), call)
        return call

    def name_station(self, name: str, origin: Origin = SYSTEM) -> Call[str]:
        """Rename this station (and name so every database opened later; back as it was when
        refused: an enrolled station keeps its certificate's name)."""
        before, self.station_name = self.station_name, name

        def refused(call: Future[str]) -> None:
            if call.exception() is not None and self.station_name == name:
                self.station_name = before

        call = self.submit(NameStation(name), origin)
        call.add_done_callback(refused)
        return call

    def close(self) -> None:
        """Stop watching the host (the client's close finishes the queue and stops it)."""
        self._stop.set()
        self._wake.set()
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.join(5)

    def _schedule(self, job: Callable[[], None], call: Call[Any] | None = None) -> None:
        self.client.schedule(DESK, job, call)

    # -- on the desk lane --------------------------------------------------------------------
    def _start(self, call: Call[Opened]) -> None:
        self._load_journal()
        try:
            self.host.start()
        except OSError as exc:
            why = f"cannot start the station host ({exc.strerror or exc})"
            call.set_exception(StationDown(why))
            self._down(why)
            return
        self._open(call)

    def _open_other(self, path: Path, call: Call[Opened]) -> None:
        try:
            self.host.restart(path)
        except OSError as exc:
            why = f"cannot start the station host ({exc.strerror or exc})"
            call.set_exception(StationDown(why))
            self._down(why)
            return
        self._load_journal()
        self._set_state(DbState(DbStatus.OPENING, "", len(self.kept)))
        self._open(call)

    def _open(self, call: Call[Opened]) -> None:
        try:
            opened = self._named(self.client.send(call))
        except StationError as exc:
            call.set_exception(exc)
            if exc.problem is Problem.MISSING:
                log.warning("%s: the window offers to create it or open another", exc.message)
                self._set_state(DbState(DbStatus.MISSING, exc.message, len(self.kept)))
            else:
                self._failed(exc)
            return
        log.info(
            "database open: %s (%s)", opened.path, "writable" if opened.writable else "read-only"
        )
        self.event = opened.event
        fit = getattr(self.clock, "fit", None)  # the demo's clock (ui.app.democlock)
        if fit is not None and fit(opened.event, opened.last_entry_at):
            at = self.clock.now().astimezone(opened.event.tz)
            self.on_event(Notice(
                f"Demo: no session is open now, so the clock runs from {at:%H:%M} on the "
                f"program's day · 演示：时钟设为活动当天 {at:%H:%M}"
            ))  # fmt: skip
        if opened.writable and not self.kept:
            self._set_state(DbState(DbStatus.OK))  # before the views hear of the opening
        call.set_result(opened)
        self.on_event(DeskOpened(opened))
        if opened.writable:
            self.backoff.reset()
            self._replay()
        else:
            self._down(f"{opened.path}: the database is read-only", read_only=True)

    def _named(self, opened: Opened) -> Opened:
        """The database opened, named as --station (or the desk) says, if it can be written."""
        name = self.station_name.strip()
        if not (opened.writable and name and name != opened.station):
            return opened
        try:
            kept = self.client.send(self.client.call(NameStation(name)))
        except StationFailed as exc:
            if exc.database_down:
                raise
            log.warning("the station keeps its name %r: %s", opened.station, exc.message)
            return opened
        return dataclasses.replace(opened, station=kept)

    def _check_in(self, call: Call[CheckinResult]) -> None:
        if self.kept or not self.state.writable:
            why = self.state.reason or "the database is not open"
            read_only = self.state.status is DbStatus.READ_ONLY
            self._keep(call, why, Problem.UNWRITABLE if read_only else Problem.UNAVAILABLE)
            return
        try:
            result = self.client.send(call)
        except StationError as exc:
            if not exc.database_down:
                call.set_exception(exc)
                return
            self._failed(exc)
            self._keep(call, exc.message, exc.problem)
            return
        call.set_result(result)

    def _keep(self, call: Call[CheckinResult], reason: str, problem: Problem) -> None:
        scan = call.request
        assert isinstance(scan, CheckIn)
        kept = self.kept.add(scan)
        self.state = DbState(self.state.status, self.state.reason or reason, len(self.kept))
        self.on_event(StateChanged(self.state))
        call.set_exception(NotRecorded(scan, kept, len(self.kept), reason, problem))
        if self.state.writable:  # the database was fine: record the queue now
            self._replay()

    def _send(self, call: Call[Any], progress: ProgressFn | None) -> None:
        try:
            value = self.client.send(call, progress)
        except StationError as exc:
            if exc.database_down:
                self._failed(exc)
            call.set_exception(exc)
            return
        call.set_result(value)

    def _recover(self) -> None:
        if self.state.status in (DbStatus.OK, DbStatus.MISSING):
            return
        try:
            if not self.host.alive:
                self.host.restart()
            if self.event is None:
                self._open(self.client.call(OpenDatabase(create_demo=self.build_demo)))
                return
            self.client.send(self.client.call(Reopen()))
            self.client.send(self.client.call(ProbeWrite()))
        except StationError as exc:
            self._failed(exc)
            return
        except OSError as exc:
            self._down(f"cannot start the station host ({exc.strerror or exc})")
            return
        self.backoff.reset()
        self._replay()

    def _replay(self) -> None:
        """Record the kept scans in order, at the time they were scanned."""
        recorded: list[CheckinResult] = []
        try:
            while (scan := self.kept.first()) is not None:
                try:
                    recorded.append(self.client.send(self.client.call(scan)))
                except StationFailed as exc:
                    if exc.database_down:
                        raise
                    log.warning("kept scan %s could not be recorded: %s", scan, exc.message)
                    self.on_event(KeptRefused(scan, exc))
                self.kept.done(scan)
        except StationError as exc:
            self._failed(exc)
        else:
            self._set_state(DbState(DbStatus.OK, "", 0))
        finally:
            self.kept.save()
            if recorded:
                self.on_event(RecordedLater(tuple(recorded)))

    def _load_journal(self) -> None:
        journal = None
        if self.journal_dir is not None:
            try:
                self.journal_dir.mkdir(parents=True, exist_ok=True)
                journal = journal_for(self.journal_dir, self.host.db_path)
            except OSError as exc:
                log.warning("%s: no journal for kept scans (%s)", self.journal_dir, exc)
        self.kept = KeptScans(journal)

    # -- state and recovery ------------------------------------------------------------------
    def _set_state(self, state: DbState) -> None:
        if state != self.state:
            self.state = state
            self.on_event(StateChanged(state))

    def _failed(self, exc: StationError) -> None:
        self._down(exc.message, read_only=exc.problem is Problem.UNWRITABLE)

    def _down(self, reason: str, read_only: bool = False) -> None:
        status = DbStatus.READ_ONLY if read_only and self.host.alive else DbStatus.DOWN
        if status is DbStatus.DOWN and self.state.status is DbStatus.MISSING:
            status = DbStatus.MISSING
        self._set_state(DbState(status, reason, len(self.kept)))
        if status is DbStatus.MISSING:
            return
        with self._lock:
            if self._retry_at is not None:
                return
            delay = self.backoff.next()
            self._retry_at = time.monotonic() + delay
        log.warning("database unavailable (%s); trying again in %.1f s", reason, delay)
        self._wake.set()

    def _check_alive(self) -> None:
        self._checking = False
        if not self.host.alive and self.state.readable:
            self._down(self.host.why_down())

    # -- the watcher thread: retries when due, and a host that died while idle --------------
    def _watch(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                due = self._retry_at
            wait = (
                self.watch_s if due is None else max(0.0, min(self.watch_s, due - time.monotonic()))
            )
            self._wake.wait(wait)
            self._wake.clear()
            if self._stop.is_set():
                return
            with self._lock:
                due = self._retry_at
                if due is not None and time.monotonic() >= due:
                    self._retry_at = None
                else:
                    due = None
            if due is not None:
                self._schedule(self._recover)
            elif not self._checking and self.state.readable and not self.host.alive:
                self._checking = True
                self._schedule(self._check_alive)

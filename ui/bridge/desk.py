"""The GUI's link to the station host: the desk session, the client and the bridge.

`DeskLink` is what the views call `ctx.db`. Every request goes through `submit()` (or
`check_in()` for a scan): a desk request through the desk session (kiosk.station.desk:
the database's state, kept scans, recovery), any other lane's straight to the client;
either way its reply comes back on the GUI thread, to the callbacks given with it and to
`replied(call)`. The session's news arrive as a few typed signals: `state_changed`,
`opened`, `recorded_later`, `kept_refused`, `notice`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from kiosk.models.clock import Clock
from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult, Method
from kiosk.station.client import Call, StationClient
from kiosk.station.desk import (
    DbState,
    DeskEvent,
    DeskOpened,
    DeskSession,
    KeptRefused,
    Notice,
    RecordedLater,
    StateChanged,
)
from kiosk.station.errors import StationError
from kiosk.station.process import StationProcess
from kiosk.station.protocol import CheckIn
from kiosk.station.wire import SYSTEM, Origin, Request
from ui.app.gcguard import GuiThreadGc
from ui.bridge.bridge import Bridge

log = logging.getLogger(__name__)
R = TypeVar("R")


class DeskLink(QObject):
    opened = Signal(object)  # kiosk.station.protocol.Opened
    state_changed = Signal(object)  # kiosk.station.desk.DbState
    recorded_later = Signal(object)  # tuple[CheckinResult, ...]: kept scans now recorded
    kept_refused = Signal(object)  # kiosk.station.desk.KeptRefused
    notice = Signal(str)  # a one-off remark for the status bar
    replied = Signal(object)  # kiosk.station.client.Call, finished (any lane)
    _event = Signal(object)  # a DeskEvent, from the desk lane's worker

    def __init__(
        self,
        host: StationProcess,
        clock: Clock,
        *,
        build_demo: bool = False,
        journal_dir: Path | None = None,
        station_name: str = "",
        gc_guard: GuiThreadGc | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.clock = clock
        self.client = StationClient(host)
        self.bridge = Bridge(self.client, gc_guard, self)
        self.bridge.replied.connect(self.replied)
        self.session = DeskSession(
            self.client,
            clock,
            build_demo=build_demo,
            journal_dir=journal_dir,
            station_name=station_name,
            on_event=self._event.emit,
        )
        self._event.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)
        self.state = DbState()  # the session's, as the GUI thread last heard it
        self.event: Event | None = None  # the open database's event
        self._stopped = False

    @property
    def host(self) -> StationProcess:
        return self.client.host

    @property
    def db_path(self) -> Path:
        return self.host.db_path

    def start(self) -> None:
        self.session.start()

    def stop(self) -> None:
        """Finish every request made, stop the station host, end the lanes' threads."""
        if self._stopped:
            return
        self._stopped = True
        self.session.close()
        self.client.close()
        self.bridge.close()

    # -- the database itself -----------------------------------------------------------------
    def create_database(self) -> None:
        """Create the missing database (the embedded event) where --db said."""
        self.bridge.track(self.session.create_database())

    def open_other(self, path: Path) -> None:
        self.bridge.track(self.session.open_other(Path(path)))

    # -- requests ----------------------------------------------------------------------------
    def check_in(
        self, code: str, session_id: str, method: Method, operator: str, origin: Origin
    ) -> Call[CheckinResult]:
        """A scan, at this moment of the desk's clock (kept if it cannot be recorded now)."""
        scan = CheckIn(code, session_id, method, operator, self.clock.now())
        return self.bridge.track(self.session.check_in(scan, origin))

    def submit(
        self,
        request: Request[R],
        origin: Origin = SYSTEM,
        *,
        then: Callable[[R], None] | None = None,
        otherwise: Callable[[StationError], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
        owner: QObject | None = None,
    ) -> Call[R]:
        """Send `request`; its reply comes to `then` / `otherwise` and to `replied`."""
        if request.lane != "desk":
            return self.bridge.submit(
                request, origin, then=then, otherwise=otherwise, progress=progress, owner=owner
            )
        call = self.session.submit(request, origin)
        return self.bridge.track(call, then=then, otherwise=otherwise, owner=owner)

    def name_station(
        self, name: str, origin: Origin, then: Callable[[str], None] | None = None,
        otherwise: Callable[[StationError], None] | None = None,
    ) -> Call[str]:  # fmt: skip
        call = self.session.name_station(name, origin)
        return self.bridge.track(call, then=then, otherwise=otherwise)

    # -- the session's news, on the GUI thread -----------------------------------------------
    @Slot(object)
    def _dispatch(self, event: DeskEvent) -> None:
        if isinstance(event, StateChanged):
            self.state = event.state
            self.state_changed.emit(event.state)
        elif isinstance(event, DeskOpened):
            self.event = event.opened.event
            self.opened.emit(event.opened)
        elif isinstance(event, RecordedLater):
            self.recorded_later.emit(event.results)
        elif isinstance(event, KeptRefused):
            self.kept_refused.emit(event)
        elif isinstance(event, Notice):
            self.notice.emit(event.text)

"""What the views share, built once by ui.app.app (no globals): the object graph's hub."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.models.clock import Clock
from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult
from ui.app.settings import Settings
from ui.app.sounds import SoundPlayer
from ui.bridge.dbclient import DbClient
from ui.capture.camera import CameraWorker


@dataclass
class Context:
    db: DbClient
    clock: Clock
    settings: Settings
    sounds: SoundPlayer
    camera: CameraWorker | None = None
    station: str = ""  # this station's name, as the database keeps it
    operator: str = ""
    event: Event | None = None
    session_id: str = ""
    print_on_first_checkin: bool = False
    print_slip_with_badge: bool = True  # the schedule slip with a badge, if they have meetings
    echo: Callable[[CheckinResult], None] | None = None  # a line per check-in (`make run`)

    def session_title(self, session_id: str) -> str:
        if self.event is None:
            return session_id
        s = self.event.session(session_id)
        return f"{s.title} · {s.title_zh}" if s.title_zh else s.title

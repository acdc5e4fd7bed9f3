"""What the views share, built once by ui.app.shell (no globals): the object graph's hub."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.models.clock import Clock
from kiosk.models.event import Event
from kiosk.models.outcomes import CheckinResult
from ui.app.settings import Settings
from ui.app.sounds import SoundPlayer
from ui.bridge.desk import DeskLink
from ui.capture.camera import CameraWorker
from ui.desk.print_desk import PrintDesk


@dataclass
class Context:
    db: DeskLink  # every request to the station host goes through it
    clock: Clock
    settings: Settings
    sounds: SoundPlayer
    printing: PrintDesk | None = None
    camera: CameraWorker | None = None
    station: str = ""  # this station's name, as the database keeps it
    operator: str = ""
    event: Event | None = None
    session_id: str = ""
    print_on_first_checkin: bool = False
    print_slip_with_badge: bool = True  # the schedule slip with a badge, if they have meetings
    echo: Callable[[CheckinResult], None] | None = None  # a line per check-in (`make run`)

"""The sync lane's requests and reply, and the organizers' merge (see kiosk.station.syncing).

The GUI starts the sync worker in the station host with `StartSync` (the hub's
connection string travels on the pipe to the child only, never into a log), asks for
its statuses with `SyncPoll` (a long poll: the reply comes as soon as a new status is
there, or after `wait` seconds with the one it has) and stops it with `StopSync`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.models.records import Attendee
from kiosk.station.wire import Request
from kiosk.sync.arrivals import Arrival
from kiosk.sync.loop import INTERVAL_S, SyncStatus
from kiosk.sync.server import ServerConfig


@dataclass(frozen=True, slots=True)
class StartSync(Request[bool]):
    """Sync with `server` from now on (a running worker with another server is replaced;
    one with the same server goes on)."""

    server: ServerConfig
    interval: float = INTERVAL_S
    lane = "sync"
    timeout = 15.0
    operation = "sync"


@dataclass(frozen=True, slots=True)
class StopSync(Request[bool]):
    lane = "sync"
    timeout = 15.0
    operation = "sync"


@dataclass(frozen=True, slots=True)
class SyncPoll(Request["SyncUpdate"]):
    after: int  # the sequence number of the last status the GUI has (0: none)
    wait: float = 1.0  # seconds to wait for a newer one
    lane = "sync"
    timeout = 15.0
    operation = "sync"


@dataclass(frozen=True, slots=True)
class SyncUpdate:
    seq: int  # 0: no status yet
    status: SyncStatus | None
    running: bool  # a worker is syncing (False: never started, or stopped)
    server: str = ""  # the hub as messages may show it (no password)
    # VIPs and others to meet, admitted at a kiosk and pulled since the poll's `after`
    # (kept across statuses: a poll that comes late misses none)
    arrivals: tuple[Arrival, ...] = ()


@dataclass(frozen=True, slots=True)
class MergeAttendees(Request[Attendee]):
    """One person registered twice: `duplicate` is folded into `into` (a merge entry);
    replies with the record kept."""

    duplicate: str
    into: str
    operator: str
    now: datetime
    lane = "jobs"
    operation = "merge"

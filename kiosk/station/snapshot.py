"""What the organizers' dashboard shows, read in one transaction (no Qt: plain data).

`collect()` runs in the station host's reader lane on that lane's own connection; the
snapshot it returns is immutable and travels pickled to the GUI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk.meetings.board import MatchmakingBoard
from kiosk.models.event import Event
from kiosk.models.records import Attendee, SessionStats
from kiosk.storage.readviews import ScanRow
from kiosk.storage.store import Store

__all__ = ["BUCKET_MINUTES", "RECENT_SCANS", "Arrivals", "DashboardSnapshot", "ScanRow"]
RECENT_SCANS = 30
BUCKET_MINUTES = 10


@dataclass(frozen=True, slots=True)
class Arrivals:
    """Admitted arrivals per bucket for one session, gaps filled with zeros."""

    session_id: str
    bucket_minutes: int
    buckets: tuple[tuple[datetime, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.buckets)


@dataclass(frozen=True, slots=True)
class DashboardSnapshot:
    taken_at: datetime
    event: Event
    stats: tuple[SessionStats, ...]
    arrivals: dict[str, Arrivals]
    recent: tuple[ScanRow, ...]
    session_id: str  # the session whose not-yet-arrived list is included
    not_arrived: tuple[Attendee, ...]
    version: int = 0  # the reader connection's data version when it was taken
    board: MatchmakingBoard | None = None  # the matchmaking panel (None: no such session)
    scope: str = "event"  # event: all stations the database holds; station: its own entries
    conflicts: tuple[Any, ...] = ()  # kiosk.storage.conflicts.Conflict, of the whole event

    @property
    def refused(self) -> int:
        """Refused entry scans of the whole event (the same count as `stats` and the PDF
        report: Outcome.refused, undone ones excluded)."""
        return sum(s.refused_total for s in self.stats)


def collect(
    store: Store, event: Event, session_id: str, now: datetime, version: int = 0
) -> DashboardSnapshot:
    """Read everything the dashboard shows for `session_id` (the selected session), in one
    read transaction: a check-in committed meanwhile is in all of the numbers or none."""
    with store.snapshot() as tx:
        stats = tuple(tx.presence.stats())
        arrivals = {
            s.id: fill_buckets(
                s.id,
                tx.presence.arrivals(s.id, BUCKET_MINUTES),
                s.window(event.checkin_opens_minutes)[0],
                s.end,
            )
            for s in event.sessions
        }
        recent = tuple(tx.log.latest_scans(RECENT_SCANS))
        not_arrived = tuple(tx.presence.no_shows(session_id))
        board = matchmaking_board(store, event, now)
    return DashboardSnapshot(
        taken_at=now,
        event=event,
        stats=stats,
        arrivals=arrivals,
        recent=recent,
        session_id=session_id,
        not_arrived=not_arrived,
        version=version,
        board=board,
    )


def matchmaking_board(store: Store, event: Event, now: datetime) -> MatchmakingBoard | None:
    """The matchmaking panel's board (kiosk.meetings.board), or None when the event has no
    matchmaking session or no meeting on its schedule."""
    from kiosk.meetings.service import MeetingService
    from kiosk.models.clock import FixedClock

    if event.matchmaking_session() is None:
        return None
    board = MeetingService(store, FixedClock(now)).board(now)
    return board if board.counts.total or board.counts.cancelled else None


def fill_buckets(
    session_id: str,
    counts: Iterable[tuple[datetime, int]],
    opens: datetime,
    ends: datetime,
    minutes: int = BUCKET_MINUTES,
) -> Arrivals:
    """Every bucket from the check-in window's opening to the session's end (and any
    bucket with arrivals outside it), so the chart's time axis is continuous."""
    got = {_floor(at, minutes): n for at, n in counts}
    start = _floor(min([opens, *got]), minutes)
    end = _floor(max([ends - timedelta(seconds=1), *got]), minutes)
    step = timedelta(minutes=minutes)
    buckets: list[tuple[datetime, int]] = []
    t = start
    while t <= end:
        buckets.append((t, got.get(t, 0)))
        t += step
    return Arrivals(session_id, minutes, tuple(buckets))


def _floor(at: datetime, minutes: int) -> datetime:
    return at.replace(minute=at.minute - at.minute % minutes, second=0, microsecond=0)

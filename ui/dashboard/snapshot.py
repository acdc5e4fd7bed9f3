"""What the dashboard shows, read from the store in one go (no Qt here: plain data).

`collect()` runs in the dashboard's worker thread on that thread's own Store connection;
the snapshot it returns is immutable, so the GUI thread can read it without locks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.models.event import Event
from kiosk.models.outcomes import Outcome
from kiosk.models.records import Attendee, LogEntry, LogKind, SessionStats
from kiosk.storage.store import Store

RECENT_SCANS = 30
BUCKET_MINUTES = 10


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One line of the latest scans: a log entry with the attendee's name resolved."""

    seq: int
    at: datetime
    kind: LogKind
    outcome: Outcome | None
    session_id: str
    station: str
    attendee_id: str | None
    name: str
    name_zh: str
    organization: str
    annulled: bool


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


def data_version(store: Store) -> int:
    """SQLite's per-connection data version: it changes when another connection commits."""
    row = store.one("PRAGMA data_version")
    return int(row[0]) if row else 0


def collect(store: Store, event: Event, session_id: str, now: datetime) -> DashboardSnapshot:
    """Read everything the dashboard shows for `session_id` (the selected session), in one
    read transaction: a check-in committed meanwhile is in all of the numbers or none."""
    store.conn.execute("BEGIN")
    try:
        stats = tuple(store.stats())
        arrivals = {
            s.id: fill_buckets(
                s.id,
                store.arrivals(s.id, BUCKET_MINUTES),
                s.window(event.checkin_opens_minutes)[0],
                s.end,
            )
            for s in event.sessions
        }
        recent = tuple(_scan_rows(store, _latest(store, RECENT_SCANS)))
        not_arrived = tuple(store.no_shows(session_id))
    finally:
        store.conn.execute("COMMIT")
    return DashboardSnapshot(
        taken_at=now,
        event=event,
        stats=stats,
        arrivals=arrivals,
        recent=recent,
        session_id=session_id,
        not_arrived=not_arrived,
    )


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


def _latest(store: Store, n: int) -> list[LogEntry]:
    """The newest `n` entry/exit scans (annul entries only mark what they undo; walk-ins
    and reprints are not scans)."""
    return list(store.log(newest_first=True, limit=n, kinds=(LogKind.ENTRY, LogKind.EXIT)))


def _scan_rows(store: Store, entries: Iterable[LogEntry]) -> Iterable[ScanRow]:
    names: dict[str, Attendee | None] = {}
    for e in entries:
        person: Attendee | None = None
        if e.attendee_id:
            if e.attendee_id not in names:
                names[e.attendee_id] = store.attendee(e.attendee_id)
            person = names[e.attendee_id]
        yield ScanRow(
            seq=e.seq,
            at=e.at,
            kind=e.kind,
            outcome=e.outcome,
            session_id=e.session_id,
            station=e.station,
            attendee_id=e.attendee_id,
            name=person.name if person else "",
            name_zh=person.name_zh if person else "",
            organization=(person.organization or person.organization_zh) if person else "",
            annulled=e.annulled,
        )

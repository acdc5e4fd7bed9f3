"""Reads of the log (`tx.log`): its entries, the dashboard's latest scans, one station's
own activity (the dashboard's "this station only"), the connection's data version."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage.base import from_ts
from kiosk.storage.conflicts import Conflict, ConflictKind, conflicts, count


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


def _data_version(c: sqlite3.Connection) -> int:
    """SQLite's per-connection data version: it changes when another connection commits."""
    row = c.execute("PRAGMA data_version").fetchone()
    return int(row[0]) if row else 0


def _latest_scans(c: sqlite3.Connection, limit: int, station_id: str | None) -> list[ScanRow]:
    """The newest `limit` entry and exit scans (by their own time), names joined (annul
    entries only mark what they undo; walk-ins, badges and PIN attempts are not scans)."""
    rows = c.execute(
        "SELECT l.seq, l.at, l.kind, l.outcome, l.session_id, l.station, l.attendee_id, "
        "COALESCE(a.name, '') AS name, COALESCE(a.name_zh, '') AS name_zh, "
        "COALESCE(NULLIF(a.organization, ''), a.organization_zh, '') AS org, "
        "EXISTS(SELECT 1 FROM log u WHERE u.ref = l.uuid AND u.kind = 'annul') AS annulled "
        "FROM log l LEFT JOIN attendees a ON a.attendee_id = l.attendee_id "
        "WHERE l.kind IN ('entry', 'exit') AND (:own IS NULL OR l.station_id = :own) "
        "ORDER BY l.at DESC, l.uuid DESC LIMIT :n",
        {"own": station_id, "n": int(limit)},
    )
    out = []
    for r in rows:
        try:
            outcome = Outcome(r["outcome"]) if r["outcome"] else None
        except ValueError:  # an outcome of a newer release
            outcome = None
        out.append(ScanRow(
            seq=r["seq"], at=from_ts(r["at"]), kind=LogKind(r["kind"]), outcome=outcome,
            session_id=r["session_id"], station=r["station"], attendee_id=r["attendee_id"],
            name=r["name"], name_zh=r["name_zh"], organization=r["org"],
            annulled=bool(r["annulled"]),
        ))  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class StationActivity:
    """What one station itself recorded (undone entries left out)."""

    admissions: list[tuple[str, str, str]]  # (session, attendee, first admission, UTC text)
    outcomes: list[tuple[str, Outcome, int]]  # (session, outcome other than admitted, scans)
    inside: dict[str, int]  # session -> attendees this station admitted who are inside


def _station_activity(c: sqlite3.Connection, station_id: str) -> StationActivity:
    """Read from the per-station projection (kiosk.storage.projections.stations)."""
    admissions = c.execute(
        "SELECT session_id, attendee_id, first_at FROM station_admissions WHERE station_id = ?",
        (station_id,),
    ).fetchall()
    outcomes = c.execute(
        "SELECT session_id, outcome, n FROM station_outcomes WHERE station_id = ?", (station_id,)
    ).fetchall()
    inside = c.execute(
        "SELECT session_id, COUNT(*) FROM presence WHERE station_id = ? AND inside = 1 "
        "GROUP BY session_id",
        (station_id,),
    ).fetchall()
    typed = []
    for sid, text, n in outcomes:
        try:
            typed.append((str(sid), Outcome(text), int(n)))
        except ValueError:  # an outcome of a newer release
            continue
    return StationActivity([tuple(r) for r in admissions], typed,
                           {str(k): int(v) for k, v in inside})  # fmt: skip


class LogReads:
    """The log (`tx.log`), read through one connection."""

    def __init__(self, c: sqlite3.Connection) -> None:
        self.c = c

    def entries(
        self,
        session_id: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
        station_id: str | None = None,
        kinds: tuple[str, ...] = (),
    ) -> Iterator[LogEntry]:
        return log.entries(self.c, session_id=session_id, station_id=station_id, kinds=kinds,
                           newest_first=newest_first, limit=limit)  # fmt: skip

    def entry(self, entry_uuid: str) -> LogEntry | None:
        return log.entry(self.c, entry_uuid)

    def last_at(self) -> datetime | None:
        """The time of the newest entry (None: an empty log)."""
        return log.last_at(self.c)

    def latest_scans(self, limit: int, station_id: str | None = None) -> list[ScanRow]:
        return _latest_scans(self.c, limit, station_id)

    def station_activity(self, station_id: str) -> StationActivity:
        return _station_activity(self.c, station_id)

    def conflicts(self) -> Iterator[Conflict]:
        """Conflicts between stations (kiosk.storage.conflicts), by kind, then in time."""
        return conflicts(self.c)

    def conflict_count(self) -> dict[ConflictKind, int]:
        return count(self.c)

    def data_version(self) -> int:
        """SQLite's per-connection data version: it changes when another connection commits."""
        return _data_version(self.c)

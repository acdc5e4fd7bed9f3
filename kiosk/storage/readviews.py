"""Read queries for the station host's lanes: the dashboard's latest scans, presence of
search hits, one station's own activity (the dashboard's "this station only"), the
connection's data version."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kiosk.models.errors import StorageError
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.storage.base import from_ts

if TYPE_CHECKING:
    from kiosk.storage.store import Store


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
class Presence:
    first_at: datetime
    station: str
    inside: bool


def data_version(store: Store) -> int:
    """SQLite's per-connection data version: it changes when another connection commits."""
    row = store.one("PRAGMA data_version")
    return int(row[0]) if row else 0


def latest_scans(store: Store, limit: int, station_id: str | None = None) -> list[ScanRow]:
    """The newest `limit` entry and exit scans (by their own time), names joined (annul
    entries only mark what they undo; walk-ins, badges and PIN attempts are not scans)."""
    rows = store.conn.execute(
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


def presence_map(store: Store, session_id: str, attendee_ids: Iterable[str]) -> dict[str, Presence]:
    """Who of `attendee_ids` is admitted to `session_id`, when first and where."""
    ids = list(dict.fromkeys(attendee_ids))
    out: dict[str, Presence] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for r in store.conn.execute(
            "SELECT attendee_id, first_at, station, inside FROM presence "
            f"WHERE session_id = ? AND attendee_id IN ({marks})",
            (session_id, *chunk),
        ):
            out[r["attendee_id"]] = Presence(
                from_ts(r["first_at"]), r["station"], bool(r["inside"])
            )
    return out


def probe_write(store: Store) -> None:
    """Raise StorageError unless the database can be written now: a write in a
    transaction that is rolled back (nothing changes)."""
    try:
        store.conn.execute("BEGIN IMMEDIATE")
        try:
            store.conn.execute(
                "INSERT INTO settings(key, value) VALUES ('write-probe', '') "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            )
        finally:
            store.conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise StorageError(f"{store.path}: cannot write ({exc})") from None


@dataclass(frozen=True, slots=True)
class StationActivity:
    """What one station itself recorded (undone entries left out)."""

    admissions: list[tuple[str, str, str]]  # (session, attendee, first admission, UTC text)
    outcomes: list[tuple[str, str, int]]  # (session, outcome other than admitted, scans)
    inside: dict[str, int]  # session -> attendees this station admitted who are inside


def station_activity(store: Store, station_id: str) -> StationActivity:
    """Read from the per-station projection (kiosk.storage.projections.stations)."""
    c = store.conn
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
    return StationActivity([tuple(r) for r in admissions], [tuple(r) for r in outcomes],
                           {str(k): int(v) for k, v in inside})  # fmt: skip

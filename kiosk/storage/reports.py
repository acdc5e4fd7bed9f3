"""Attendance figures read from the projections: per-session stats, arrivals, no-shows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendanceRow, Attendee, SessionStats
from kiosk.storage.base import from_ts
from kiosk.storage.people import LIVE, attendee_of

if TYPE_CHECKING:
    from kiosk.storage.store import Store


def may_attend(store: Store, session_id: str, alias: str = "a") -> str:
    """SQL condition on attendee row `alias`: registered for the session if it is
    restricted, everyone otherwise (the one place that rule is written)."""
    live = f"{alias}.{LIVE}"
    if store.event().session(session_id).restricted:
        return f"{live} AND EXISTS (SELECT 1 FROM json_each({alias}.sessions) j WHERE j.value = :s)"
    return live


def registered_for(store: Store, session_id: str, alias: str = "a") -> str:
    """SQL condition on attendee row `alias`: who registered for the session. Where an
    attendee's registrations are known (a sessions column, a mapped ticket type), that is
    who chose it; an attendee with none recorded counts for every open session (the rule
    of `may_attend`). For restricted sessions both rules are the same."""
    live = f"{alias}.{LIVE}"
    chose = f"EXISTS (SELECT 1 FROM json_each({alias}.sessions) j WHERE j.value = :s)"
    if store.event().session(session_id).restricted:
        return f"{live} AND {chose}"
    return f"{live} AND ({alias}.sessions = '[]' OR {chose})"


def _count_where(store: Store, condition: str, session_id: str) -> int:
    row = store.one(f"SELECT COUNT(*) FROM attendees a WHERE {condition}", {"s": session_id})
    return int(row[0]) if row else 0


def refused_counts(store: Store) -> dict[str, dict[Outcome, int]]:
    """Entry scans that admitted nobody, per session and outcome."""
    out: dict[str, dict[Outcome, int]] = {}
    for sid, outcome, n in store.conn.execute(
        "SELECT session_id, outcome, n FROM scan_counts WHERE kind = 'entry'"
    ):
        try:
            out.setdefault(sid, {})[Outcome(outcome)] = int(n)
        except ValueError:  # an outcome of a newer release
            continue
    return out


def stats(store: Store) -> list[SessionStats]:
    event = store.event()
    total = store.count_attendees()
    refused = refused_counts(store)
    out = []
    for s in event.sessions:
        counts = store.one("SELECT * FROM session_counts WHERE session_id = ?", (s.id,))
        registered = _count_where(store, registered_for(store, s.id), s.id)
        out.append(
            SessionStats(
                session_id=s.id,
                title=s.title,
                title_zh=s.title_zh,
                capacity=s.capacity,
                registered=registered,
                may_attend=registered if s.restricted else total,
                admitted=int(counts["admitted"]) if counts else 0,
                inside=int(counts["inside"]) if counts else 0,
                exits_scanned=bool(counts and counts["exits"]),
                # One definition of "refused" everywhere (Outcome.refused): a repeat scan of
                # someone already checked in is counted apart.
                refused={k.value: v for k, v in refused.get(s.id, {}).items() if k.refused},
                repeats=refused.get(s.id, {}).get(Outcome.ALREADY_CHECKED_IN, 0),
            )
        )
    return out


def attendance(store: Store, session_id: str | None = None) -> Iterator[AttendanceRow]:
    sql = (
        "SELECT a.*, p.session_id AS p_session, p.first_at, p.station AS p_station, "
        "p.inside FROM presence p JOIN sessions s USING (session_id) "
        "JOIN attendees a ON a.attendee_id = p.attendee_id"
    )
    params: tuple[str, ...] = ()
    if session_id:
        sql, params = sql + " WHERE p.session_id = ?", (session_id,)
    for r in store.conn.execute(sql + " ORDER BY s.position, p.first_at", params):
        yield AttendanceRow(
            attendee=attendee_of(store, r),
            session_id=r["p_session"],
            first_at=from_ts(r["first_at"]),
            station=r["p_station"],
            inside=bool(r["inside"]),
        )


def no_shows(store: Store, session_id: str) -> list[Attendee]:
    """Registered for the session (see `registered_for`) and not admitted."""
    rows = store.conn.execute(
        f"SELECT a.* FROM attendees a WHERE {registered_for(store, session_id)} AND NOT EXISTS "
        "(SELECT 1 FROM presence p WHERE p.session_id = :s AND p.attendee_id = a.attendee_id) "
        "ORDER BY a.name = '', a.name, a.name_zh, a.attendee_id",
        {"s": session_id},
    )
    return [attendee_of(store, r) for r in rows]


def arrivals(store: Store, session_id: str, bucket_minutes: int = 10) -> list[tuple[datetime, int]]:
    """Admitted first arrivals per time bucket (bucket start, count), gaps filled with 0."""
    width = bucket_minutes * 60
    rows = store.conn.execute(
        "SELECT (CAST(strftime('%s', first_at) AS INTEGER) / ?) * ? AS b, COUNT(*) "
        "FROM presence WHERE session_id = ? GROUP BY b ORDER BY b",
        (width, width, session_id),
    ).fetchall()
    if not rows:
        return []
    counts = {int(b): int(n) for b, n in rows}
    start, end = min(counts), max(counts)
    return [
        (datetime.fromtimestamp(b, UTC), counts.get(b, 0)) for b in range(start, end + 1, width)
    ]

"""The per-station figures' tables (`station_admissions`, `station_outcomes`): what each
station itself recorded, undone entries left out, for the dashboard's "this station only"
(kiosk.station.scoped). The rule is state.StationFigures; both drivers write through here."""

from __future__ import annotations

import sqlite3
from collections import Counter

from kiosk.models.outcomes import Outcome
from kiosk.storage.projections import bulk
from kiosk.storage.projections.bulk import key_rows
from kiosk.storage.projections.history import history, undone_among
from kiosk.storage.projections.state import StationFigures

_KNOWN = frozenset(o.value for o in Outcome)  # an outcome of a newer release is not counted


def save(c: sqlite3.Connection, s: StationFigures, fresh: bool = False) -> None:
    """Write back one entry, or a run of received entries (all in the log already): the
    admissions (the first per key counts), the outcomes counted, the undos (the key of the
    entry undone is counted again from the log). An entry undone before it arrived here is
    left out (`fresh`: written just now, undone by none)."""
    gone = set() if fresh else undone_among(c, [*s.admissions, *s.outcomes])
    if s.admissions:
        c.executemany(
            "INSERT INTO station_admissions VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "first_at = MIN(first_at, excluded.first_at)",
            [row for uuid, row in s.admissions.items() if uuid not in gone],
        )
    if s.outcomes:
        counts = Counter(key for uuid, key in s.outcomes.items() if uuid not in gone)
        c.executemany(
            "INSERT INTO station_outcomes VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "n = n + excluded.n",
            [(*key, n) for key, n in counts.items()],
        )
    for ref in s.undone:
        _recount(c, ref)


def _recount(c: sqlite3.Connection, ref: str) -> None:
    """Fold the key of an undone entry again, from the log."""
    row = c.execute(
        "SELECT station_id, session_id, attendee_id, outcome FROM log "
        "WHERE uuid = ? AND kind = 'entry' AND outcome IS NOT NULL",
        (ref,),
    ).fetchone()
    if row is None or row[3] not in _KNOWN:
        return
    station_id, session_id, aid, outcome = row
    if outcome == "admitted" and aid:
        key = (station_id, session_id, aid)
        c.execute("DELETE FROM station_admissions WHERE station_id = ? AND session_id = ? "
                  "AND attendee_id = ?", key)  # fmt: skip
        where = "l.station_id = ? AND l.session_id = ? AND l.attendee_id = ? AND l.outcome = ?"
        write_all(c, _from_log(c, where, (*key, outcome)))
    elif outcome != "admitted":
        key = (station_id, session_id, outcome)
        c.execute("DELETE FROM station_outcomes WHERE station_id = ? AND session_id = ? "
                  "AND outcome = ?", key)  # fmt: skip
        write_all(c, _from_log(c, "l.station_id = ? AND l.session_id = ? AND l.outcome = ?", key))


def refold(c: sqlite3.Connection, station_ids: list[str]) -> None:
    """Fold these stations' figures again from the log (entries moved between station ids:
    kiosk.storage.syncstate.renumber)."""
    ids = sorted(set(station_ids))
    marks = ", ".join("?" * len(ids))
    for table in ("station_admissions", "station_outcomes"):
        c.execute(f"DELETE FROM {table} WHERE station_id IN ({marks})", ids)
    write_all(c, _from_log(c, f"l.station_id IN ({marks})", ids))


def _from_log(
    c: sqlite3.Connection, where: str, params: tuple[str, ...] | list[str]
) -> StationFigures:
    """The figures of the entry scans `where` selects, folded by the same step as always."""
    f = history(c, f"l.kind = 'entry' AND {where}", params)
    f.stations.undone.update(undone_among(c, [*f.stations.admissions, *f.stations.outcomes]))
    return f.stations


def write_all(c: sqlite3.Connection, s: StationFigures) -> None:
    """The figures, in bulk, in the tables' key order."""
    if s.admissions:
        bulk.insert(c, "station_admissions", key_rows(s.first_admissions()))
    else:  # (the rebuild: each key's first admission kept as it came, per station and session)
        bulk.insert_flat(c, "station_admissions", 4, _first_values(s.first))
    c.executemany("INSERT INTO station_outcomes VALUES (?, ?, ?, ?)", key_rows(s.outcome_counts()))


def _first_values(first: dict[tuple[str, str], dict[str, str]]) -> list[str]:
    """(station, session, attendee, first time) of each key in key order, one after
    another (bulk.insert_flat): per (station, session), a sort of plain texts (as
    bulk.key_rows)."""
    values: list[str] = []
    for station_id, session_id in sorted(first):
        group = first[(station_id, session_id)]
        for aid in sorted(group):
            values += (station_id, session_id, aid, group[aid])
    return values

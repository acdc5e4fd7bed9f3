"""Sync state of an event database (the SQLite side of kiosk.sync): stream positions,
the outbox, hub receipts, renumbering, and the station settings sync keeps.

A *stream* is one station id's entries, numbered 1, 2, 3 … by `station_seq`. For each
hub identity and stream the database keeps one position, `hub_pos` (`sync_positions`):
entries 1..hub_pos of it are both here and on that hub. Pull fetches the hub's entries
after it; push sends this database's entries after it (its own, and any other station's
the hub lacks: a copied database relays them, and so does every station that meets a
hub it does not know). No global counter is needed, on either side.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime

from kiosk.models.records import LogEntry
from kiosk.storage import log
from kiosk.storage.base import from_ts, ts
from kiosk.storage.projections import stations

RECEIVE_KEY = "sync/receive"  # what this station accepts from the hub: all | names
HUB_KEY = "sync/hub"  # the hub this database syncs with (shown, never with a password)
HUB_ID_KEY = "sync/hub_id"  # the identity of the hub this database last synced with
REFILL_KEY = "sync/refill"  # while refilling a hub that lacked entries: its identity

# Schema version 4 (migration m004 in kiosk.storage.schema): positions per hub identity.
# Positions kept before identities existed are dropped: the first round with a hub that
# has one compares the entries' uuids stream by stream (reads only) and moves them again.
SCHEMA_V4 = """
CREATE TABLE sync_positions (
    hub_id TEXT NOT NULL,
    station_id TEXT NOT NULL,
    hub_pos INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (hub_id, station_id)
) WITHOUT ROWID;
DROP TABLE sync_streams;
"""


def migrate_v4(c: sqlite3.Connection) -> None:
    for stmt in SCHEMA_V4.split(";"):
        if stmt.strip():
            c.execute(stmt)


def positions(c: sqlite3.Connection, hub_id: str) -> dict[str, int]:
    """Per stream, how far this database and the hub `hub_id` are known to agree."""
    return {str(r[0]): int(r[1]) for r in c.execute(
        "SELECT station_id, hub_pos FROM sync_positions WHERE hub_id = ?", (hub_id,))}  # fmt: skip


def set_positions(c: sqlite3.Connection, hub_id: str, moved: dict[str, int]) -> None:
    """Positions only move forward (two sync processes on one file cannot undo each other)."""
    c.executemany(
        "INSERT INTO sync_positions VALUES (?, ?, ?) ON CONFLICT (hub_id, station_id) "
        "DO UPDATE SET hub_pos = MAX(hub_pos, excluded.hub_pos)",
        [(hub_id, sid, pos) for sid, pos in moved.items()],
    )


def known_hubs(c: sqlite3.Connection) -> set[str]:
    """The identities of every hub this database has synced with."""
    out = {str(r[0]) for r in c.execute("SELECT DISTINCT hub_id FROM sync_positions")}
    row = c.execute("SELECT value FROM settings WHERE key = ?", (HUB_ID_KEY,)).fetchone()
    return out | ({str(row[0])} if row else set())


# Every station id of the log and its highest number, by seeks in the (station_id,
# station_seq) index, one per stream (a skip scan: 0.05 ms at 300,000 entries, where a
# GROUP BY reads the whole index, 50 ms).
_HEADS = """
WITH RECURSIVE s(id) AS (
    SELECT MIN(station_id) FROM log
    UNION ALL SELECT (SELECT MIN(station_id) FROM log WHERE station_id > s.id) FROM s
    WHERE s.id IS NOT NULL
)
SELECT id, (SELECT MAX(station_seq) FROM log WHERE station_id = s.id) FROM s
WHERE id IS NOT NULL
"""


def streams_in_log(c: sqlite3.Connection) -> set[str]:
    """Every station id the log holds."""
    return set(local_heads(c))


def local_head(c: sqlite3.Connection, station_id: str) -> int:
    """The highest sequence number of `station_id` here (an index seek)."""
    row = c.execute(
        "SELECT MAX(station_seq) FROM log WHERE station_id = ?", (station_id,)
    ).fetchone()
    return int(row[0] or 0)


def outbox(
    c: sqlite3.Connection, station_id: str, after: int, limit: int, budget: int
) -> list[LogEntry]:
    """Entries of `station_id` numbered after `after`, in order: at most `limit`, and no
    more than about `budget` bytes of payload (an import chunk is large; memory stays
    bounded)."""
    cur = c.cursor()
    cur.row_factory = None
    out: list[LogEntry] = []
    size = 0
    for row in cur.execute(
        f"SELECT {log.SIGNED_COLUMNS} FROM log WHERE station_id = ? AND station_seq > ? "
        "ORDER BY station_seq LIMIT ?",
        (station_id, after, limit),
    ):
        out.append(log.signed_entry_of(row))
        size += len(row[13])
        if size >= budget:
            break
    cur.close()
    return out


def uuids_between(c: sqlite3.Connection, station_id: str, after: int, upto: int) -> dict[int, str]:
    """{station_seq: uuid} of `station_id`'s entries numbered after..upto."""
    return {
        int(r[0]): str(r[1])
        for r in c.execute(
            "SELECT station_seq, uuid FROM log WHERE station_id = ? AND station_seq > ? "
            "AND station_seq <= ?",
            (station_id, after, upto),
        )
    }


def entries_from(c: sqlite3.Connection, station_id: str, first: int) -> list[tuple[int, str]]:
    """(station_seq, uuid) of `station_id`'s entries numbered `first` and after."""
    return [
        (int(r[0]), str(r[1]))
        for r in c.execute(
            "SELECT station_seq, uuid FROM log WHERE station_id = ? AND station_seq >= ? "
            "ORDER BY station_seq",
            (station_id, first),
        )
    ]


def has_entry(c: sqlite3.Connection, entry_uuid: str) -> bool:
    """The log holds the entry, or it was received and kept aside (kiosk.storage.trust)."""
    row = c.execute(
        "SELECT 1 FROM log WHERE uuid = ? UNION ALL SELECT 1 FROM held WHERE uuid = ?",
        (entry_uuid, entry_uuid),
    ).fetchone()
    return row is not None


def receipts_of(c: sqlite3.Connection, uuids: list[str]) -> dict[str, datetime]:
    """When the hub first stored these entries (those with a receipt here)."""
    out: dict[str, datetime] = {}
    for i in range(0, len(uuids), 500):
        part = uuids[i : i + 500]
        marks = ",".join("?" * len(part))
        for u, at in c.execute(
            f"SELECT uuid, received_at FROM hub_receipts WHERE uuid IN ({marks})", part
        ):
            out[str(u)] = from_ts(str(at))
    return out


def record_receipts(c: sqlite3.Connection, rows: Iterable[tuple[str, datetime]]) -> None:
    """When the hub stored these entries; each distinct time is written out once (a
    pushed batch's entries all share the hub's transaction time)."""
    texts: dict[datetime, str] = {}
    c.executemany(
        "INSERT OR IGNORE INTO hub_receipts VALUES (?, ?)",
        [(u, texts.get(at) or texts.setdefault(at, ts(at))) for u, at in rows],
    )


def renumber(
    c: sqlite3.Connection, moves: list[tuple[str, str, int]], new_station_id: str, at: datetime,
    reason: str,
) -> int:  # fmt: skip
    """Move entries (uuid, old station id, old seq) to `new_station_id`, numbered after
    its last entry, in the order given; recorded in `log_renumbered` (the only update the
    log's trigger allows). The projections that name a station id follow."""
    seq = local_head(c, new_station_id)
    rows = []
    for entry_uuid, old_id, old_seq in moves:
        seq += 1
        rows.append((new_station_id, seq, entry_uuid, old_id, old_seq, ts(at), reason))
    c.executemany("INSERT INTO log_renumbered VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    c.executemany(
        "UPDATE log SET station_id = ?, station_seq = ? WHERE uuid = ?",
        [(r[0], r[1], r[2]) for r in rows],
    )
    moved = [(new_station_id, r[2]) for r in rows]
    c.executemany("UPDATE presence SET station_id = ? WHERE entry_uuid = ?", moved)
    c.executemany("UPDATE duplicates SET station_id = ? WHERE uuid = ?", moved)
    c.executemany("UPDATE prints SET station_id = ? WHERE uuid = ?", moved)
    stations.refold(c, [new_station_id, *{r[3] for r in rows}])
    return len(rows)


def renumbered(c: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    yield from c.execute("SELECT * FROM log_renumbered ORDER BY at, station_id, station_seq")


def install_signing_key(c: sqlite3.Connection, private_key: bytes) -> None:
    """The badge signing key, copied from another event database (never through the hub)."""
    c.execute("INSERT OR REPLACE INTO settings VALUES ('private_key', ?)", (private_key.hex(),))


def set_setting(c: sqlite3.Connection, key: str, value: str) -> None:
    c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value))


def delete_setting(c: sqlite3.Connection, key: str) -> None:
    c.execute("DELETE FROM settings WHERE key = ?", (key,))


def setting(c: sqlite3.Connection, key: str) -> str | None:
    row = c.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def local_heads(c: sqlite3.Connection) -> dict[str, int]:
    """Every stream here and its highest number."""
    return {str(r[0]): int(r[1]) for r in c.execute(_HEADS)}


def waiting(c: sqlite3.Connection) -> int:
    """Entries here that the hub this database last synced with does not hold (as far
    as this database knows: positions move only on the hub's word)."""
    hub_id = setting(c, HUB_ID_KEY)
    pos = positions(c, hub_id) if hub_id is not None else {}
    return sum(max(0, head - pos.get(sid, 0)) for sid, head in local_heads(c).items())


def reset_positions(c: sqlite3.Connection, hub_id: str, heads: dict[str, int]) -> None:
    """Move positions back: the hub holds less of these streams than it did (restored from
    an older backup, emptied, or a standby that missed a commit): those entries are
    pushed again."""
    c.executemany(
        "INSERT OR REPLACE INTO sync_positions VALUES (?, ?, ?)",
        [(hub_id, sid, max(0, int(v))) for sid, v in heads.items()],
    )


def pending_committed(c: sqlite3.Connection) -> int:
    """Entries received whose batch is committed but that are not applied yet (a sync or
    an import stopped between the two): what `catch_up` applies."""
    row = c.execute(
        "SELECT COUNT(*) FROM pending p WHERE EXISTS (SELECT 1 FROM log l "
        "WHERE l.batch = p.batch AND l.kind = 'import_commit')"
    ).fetchone()
    return int(row[0])


def former_ids(c: sqlite3.Connection, station_id: str) -> tuple[str, ...]:
    """The ids this station had before fork repairs gave it `station_id` (newest first)."""
    out: list[str] = []
    frontier = [station_id]
    while frontier:
        sid = frontier.pop()
        for (prev,) in c.execute(
            "SELECT DISTINCT from_station_id FROM log_renumbered WHERE station_id = ?", (sid,)
        ):
            if prev != station_id and prev not in out:
                out.append(str(prev))
                frontier.append(str(prev))
    return tuple(out)

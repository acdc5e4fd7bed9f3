"""The hub: a PostgreSQL (or CockroachDB / YugabyteDB) database that every station pushes
its log entries to and pulls the others' from. All of the hub's SQL is here and in
kiosk.sync.hubschema, portable (see docs/ARCHITECTURE.md, "The hub").

Every statement goes through `Hub._run`, which hands its text to `on_sql` when given (the
portability test records them). Driver errors become one-line `HubError`s that name the
hub without its password: `HubUnavailable` (cannot reach it, lost it, too slow: the
station is offline and tries again) or `HubRefused` (it answers, and says no).
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk import __version__
from kiosk.models.errors import KioskError
from kiosk.models.records import LogEntry
from kiosk.storage import log
from kiosk.sync import hubschema
from kiosk.sync.server import ServerConfig

CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT = "15s"
_COLS = log.COLUMNS
_NCOLS = len(_COLS.split(","))
_DEFAULTS = {  # unless the connection string says otherwise
    "connect_timeout": str(CONNECT_TIMEOUT_S), "application_name": "forum-checkin",
    "keepalives": "1", "keepalives_idle": "5", "keepalives_interval": "2",
    "keepalives_count": "3", "tcp_user_timeout": "10000",
}  # fmt: skip


class HubError(KioskError):
    """The hub failed or said no; the message names it (never with its password)."""


class HubUnavailable(HubError):
    """The hub cannot be reached, was lost, or is too slow: offline, try again later."""


class HubRefused(HubError):
    """The hub answers and refuses (no schema, another event, a newer release, login)."""


class HubNoSchema(HubRefused):
    """The database has no hub tables (yet): `hub init` makes them."""


@dataclass(frozen=True, slots=True)
class Pushed:
    """What a push achieved: the entries the hub now holds (uuid -> the hub's receive
    time), or `conflict` when the hub holds another entry under one of their numbers
    (nothing of the batch was stored then)."""

    acknowledged: dict[str, datetime]
    conflict: bool = False


@dataclass(frozen=True, slots=True)
class StationRow:
    station_id: str
    name: str
    pushed: int  # entries the hub holds from this station id
    last_seen: datetime | None
    skew_ms: int | None
    held: int | None  # hub entries the station held at its last contact
    waiting: int | None  # entries it had not yet uploaded then
    receive: str


class Hub:
    def __init__(self, server: ServerConfig, on_sql: Callable[[str], None] | None = None) -> None:
        self.server = server
        self.on_sql = on_sql
        self._conn: Any = None

    # -- connection ------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def connect(self) -> None:
        if self.connected:
            return
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        try:
            given = conninfo_to_dict(self.server.dsn)
            extra = {k: v for k, v in _DEFAULTS.items() if k not in given}
            conninfo = make_conninfo(self.server.dsn, **extra)
        except psycopg.Error:
            raise HubRefused(f"hub {self.server.shown}: not a valid connection string") from None
        try:
            self._conn = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise self._error(exc, connecting=True) from None
        with self._guard():
            self._run(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None

    def __enter__(self) -> Hub:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _error(self, exc: BaseException, connecting: bool = False) -> HubError:
        import psycopg

        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        text = self.server.scrub(text.removeprefix("connection failed: "))
        msg = f"hub {self.server.shown}: {text}"
        if isinstance(exc, psycopg.errors.UndefinedTable):
            return HubNoSchema(f"hub {self.server.shown}: holds no Forum Check-in schema "
                               "(run `hub init` first)")  # fmt: skip
        if connecting and ("authentication" in text or "does not exist" in text
                           or "no pg_hba.conf entry" in text):  # fmt: skip
            return HubRefused(msg)
        if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
            return HubUnavailable(msg)
        return HubRefused(msg)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        import psycopg

        try:
            yield
        except psycopg.Error as exc:
            err = self._error(exc)
            if isinstance(err, HubUnavailable):
                self.close()  # a fresh connection next time
            raise err from None

    def _run(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        if self.on_sql is not None:
            self.on_sql(sql)
        return self._conn.execute(sql, params)

    def _rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        with self._guard():
            return list(self._run(sql, params).fetchall())

    # -- schema and event ------------------------------------------------------------------
    def schema_version(self) -> int:
        """0 for a database without the hub's tables."""
        try:
            rows = self._rows("SELECT value FROM hub_meta WHERE key = %s",
                              (hubschema.VERSION_KEY,))  # fmt: skip
        except HubNoSchema:
            return 0
        return int(rows[0][0]) if rows else 0

    def init_schema(self) -> tuple[int, int]:
        """Create or migrate the schema; (version before, version now)."""
        before = self.schema_version()
        if before > hubschema.LATEST:
            raise HubRefused(f"hub {self.server.shown}: made by a newer release "
                             f"(schema {before}); update this station")  # fmt: skip
        for version in range(before + 1, hubschema.LATEST + 1):
            with self._guard():
                for stmt in hubschema.STEPS[version - 1]:
                    self._run(stmt)
                self._run(
                    "INSERT INTO hub_meta (key, value) VALUES (%s, %s) ON CONFLICT (key) "
                    "DO UPDATE SET value = EXCLUDED.value",
                    (hubschema.VERSION_KEY, str(version)),
                )
        return before, hubschema.LATEST

    def check_schema(self) -> None:
        version = self.schema_version()
        if version == 0:
            raise HubNoSchema(f"hub {self.server.shown}: holds no Forum Check-in schema "
                              "(run `hub init` first)")  # fmt: skip
        if version != hubschema.LATEST:
            newer = version > hubschema.LATEST
            raise HubRefused(
                f"hub {self.server.shown}: schema {version}, this release knows "
                f"{hubschema.LATEST}: " + ("update this station" if newer else "run `hub init`")
            )

    def event(self) -> tuple[str, str] | None:
        """(event id, badge verify key as hex) the hub serves, or None before a publish."""
        rows = dict(self._rows("SELECT key, value FROM hub_meta WHERE key IN (%s, %s)",
                               (hubschema.EVENT_KEY, hubschema.PUBLIC_KEY)))  # fmt: skip
        if hubschema.EVENT_KEY not in rows:
            return None
        return str(rows[hubschema.EVENT_KEY]), str(rows.get(hubschema.PUBLIC_KEY, ""))

    def claim_event(self, event_id: str, public_key_hex: str) -> tuple[str, str]:
        """Make the hub serve this event (first publish); returns what it serves."""
        with self._guard(), self._conn.transaction():
            for key, value in ((hubschema.EVENT_KEY, event_id),
                               (hubschema.PUBLIC_KEY, public_key_hex)):  # fmt: skip
                self._run("INSERT INTO hub_meta (key, value) VALUES (%s, %s) "
                          "ON CONFLICT (key) DO NOTHING", (key, value))  # fmt: skip
        served = self.event()
        assert served is not None
        return served

    # -- streams ---------------------------------------------------------------------------
    def heads(self) -> tuple[datetime, dict[str, int]]:
        """The hub's clock and, per station id, the highest number it holds (one query)."""
        rows = self._rows(
            "SELECT station_id, head, CURRENT_TIMESTAMP FROM hub_streams "
            "UNION ALL SELECT NULL, NULL, CURRENT_TIMESTAMP"
        )
        now = next(r[2] for r in rows if r[0] is None)
        return now, {str(r[0]): int(r[1]) for r in rows if r[0] is not None}

    def stream_uuids(self, station_id: str, after: int, upto: int) -> dict[int, str]:
        rows = self._rows(
            "SELECT station_seq, uuid FROM hub_entries WHERE station_id = %s "
            "AND station_seq > %s AND station_seq <= %s",
            (station_id, after, upto),
        )
        return {int(r[0]): str(r[1]) for r in rows}

    def holding(self, uuids: Sequence[str]) -> dict[str, tuple[str, int, datetime]]:
        """Of these uuids, those the hub holds: uuid -> (station id, number, received at)."""
        if not uuids:
            return {}
        rows = self._rows(
            "SELECT uuid, station_id, station_seq, received_at FROM hub_entries "
            "WHERE uuid = ANY(%s)",
            ([uuidlib.UUID(u) for u in uuids],),
        )
        return {str(r[0]): (str(r[1]), int(r[2]), r[3]) for r in rows}

    def fetch(
        self, station_id: str, after: int, limit: int, budget: int
    ) -> list[tuple[LogEntry, datetime]]:
        """`station_id`'s entries numbered after `after`, in order: at most `limit` and
        about `budget` bytes of payload (at least one)."""
        sizes = self._rows(
            "SELECT station_seq, octet_length(data) FROM hub_entries WHERE station_id = %s "
            "AND station_seq > %s ORDER BY station_seq LIMIT %s",
            (station_id, after, limit),
        )
        if not sizes:
            return []
        upto, total = int(sizes[0][0]), 0
        for seq, size in sizes:
            if total and total + int(size) > budget:
                break
            upto, total = int(seq), total + int(size)
        rows = self._rows(
            f"SELECT {_COLS}, received_at FROM hub_entries WHERE station_id = %s "
            "AND station_seq > %s AND station_seq <= %s ORDER BY station_seq",
            (station_id, after, upto),
        )
        return [(log.entry_of((str(r[0]), *r[1:_NCOLS])), r[_NCOLS]) for r in rows]

    def push(self, entries: Sequence[LogEntry]) -> Pushed:
        """Store entries (idempotent by uuid) in one transaction, and move the streams'
        heads. All or nothing: a batch of which one entry's number is taken by another
        entry stores nothing (`conflict`); a batch that would leave a gap neither."""
        if not entries:
            return Pushed({})
        rows = [log.row_of(e) for e in entries]
        params = [(uuidlib.UUID(r[0]), *r[1:]) for r in rows]
        firsts: dict[str, int] = {}
        lasts: dict[str, int] = {}
        for e in entries:
            firsts[e.station_id] = min(firsts.get(e.station_id, e.station_seq), e.station_seq)
            lasts[e.station_id] = max(lasts.get(e.station_id, 0), e.station_seq)
        with self._guard():
            try:
                with self._conn.transaction():
                    heads = dict(self._run(
                        "SELECT station_id, head FROM hub_streams WHERE station_id = ANY(%s)",
                        (list(firsts),)).fetchall())  # fmt: skip
                    if any(first > int(heads.get(s, 0)) + 1 for s, first in firsts.items()):
                        raise _Conflict
                    done = self._insert(params)
                    rest = [e for e in entries if e.uuid not in done]
                    if rest:
                        held = self._run(
                            "SELECT uuid, station_id, station_seq, received_at FROM hub_entries "
                            "WHERE uuid = ANY(%s)", ([uuidlib.UUID(e.uuid) for e in rest],),
                        ).fetchall()  # fmt: skip
                        found = {str(r[0]): (str(r[1]), int(r[2]), r[3]) for r in held}
                        for e in rest:
                            if found.get(e.uuid, ("", 0, None))[:2] != (e.station_id,
                                                                        e.station_seq):  # fmt: skip
                                raise _Conflict
                            done[e.uuid] = found[e.uuid][2]
                    for station_id, last in lasts.items():
                        self._run(
                            "INSERT INTO hub_streams (station_id, head) VALUES (%s, %s) "
                            "ON CONFLICT (station_id) DO UPDATE "
                            "SET head = GREATEST(hub_streams.head, EXCLUDED.head)",
                            (station_id, last),
                        )
            except _Conflict:
                return Pushed({}, conflict=True)
        return Pushed(done)

    def _insert(self, params: list[tuple[Any, ...]]) -> dict[str, datetime]:
        """One INSERT per entry, sent together (libpq's pipeline: one round trip)."""
        sql = (f"INSERT INTO hub_entries ({_COLS}) VALUES ({', '.join(['%s'] * _NCOLS)}) "
               "ON CONFLICT DO NOTHING RETURNING uuid, received_at")  # fmt: skip
        if self.on_sql is not None:
            self.on_sql(sql)
        cur = self._conn.cursor()
        cur.executemany(sql, params, returning=True)
        done: dict[str, datetime] = {}
        while True:
            for u, at in cur.fetchall():
                done[str(u)] = at
            if not cur.nextset():
                break
        return done

    # -- stations --------------------------------------------------------------------------
    def heartbeat(
        self, station_id: str, name: str, station_clock: datetime, skew_ms: int | None,
        held: int, waiting: int, receive: str,
    ) -> None:  # fmt: skip
        with self._guard():
            self._run(
                "INSERT INTO hub_stations (station_id, name, last_seen, station_clock, skew_ms, "
                "held, waiting, receive, release) VALUES (%s, %s, CURRENT_TIMESTAMP, %s, %s, %s, "
                "%s, %s, %s) ON CONFLICT (station_id) DO UPDATE SET name = EXCLUDED.name, "
                "last_seen = EXCLUDED.last_seen, station_clock = EXCLUDED.station_clock, "
                "skew_ms = EXCLUDED.skew_ms, held = EXCLUDED.held, waiting = EXCLUDED.waiting, "
                "receive = EXCLUDED.receive, release = EXCLUDED.release",
                (station_id, name, station_clock, skew_ms, held, waiting, receive, __version__),
            )

    def stations(self) -> tuple[datetime, int, list[StationRow]]:
        """(the hub's clock, entries it holds, a row per station id it knows)."""
        now, heads = self.heads()
        seen = {str(r[0]): r for r in self._rows(
            "SELECT station_id, name, last_seen, skew_ms, held, waiting, receive "
            "FROM hub_stations")}  # fmt: skip
        out = []
        for sid in sorted(set(heads) | set(seen)):
            r = seen.get(sid)
            if r is not None:
                name = str(r[1])
            else:
                last = self._rows("SELECT station FROM hub_entries WHERE station_id = %s "
                                  "AND station_seq = %s", (sid, heads[sid]))  # fmt: skip
                name = str(last[0][0]) if last else ""
            out.append(StationRow(
                sid, name, heads.get(sid, 0), r[2] if r else None,
                None if r is None or r[3] is None else int(r[3]),
                int(r[4]) if r else None, int(r[5]) if r else None, str(r[6]) if r else "",
            ))  # fmt: skip
        return now, sum(heads.values()), out


class _Conflict(Exception):
    """Raised inside a push transaction to roll it back."""

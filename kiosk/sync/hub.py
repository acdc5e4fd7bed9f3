"""The hub: a PostgreSQL (or CockroachDB / YugabyteDB) database that every station pushes
its log entries to and pulls the others' from. All of the hub's SQL is here and in
kiosk.sync.hubschema, portable (see docs/ARCHITECTURE.md, "The hub").

Every statement goes through `Hub._run`, which hands its text to `on_sql` when given (the
portability test records them). Driver errors become one-line `HubError`s that name the
hub without its password: `HubUnavailable` (cannot reach it, lost it, too slow: the
station is offline and tries again) or `HubRefused` (it answers, and says no).
"""

from __future__ import annotations

import json
import logging
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

# psycopg logs a rollback it could not send on a connection that died mid-push (a hub
# killed, a failover) before raising the error this module reports in one line: to the
# application's log if it has one, never as a stray line on a command's stderr.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

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
class HubState:
    """What a round reads first, in one query: the hub's clock, its identity ("" for a
    hub of an older schema) and, per station id, the highest number it holds."""

    now: datetime
    identity: str
    heads: dict[str, int]


@dataclass(frozen=True, slots=True)
class Beat:
    """What a station tells the hub at its contact (for `hub status`)."""

    station_id: str
    name: str
    station_clock: datetime
    skew_ms: int | None
    held: int  # entries both here and on the hub
    waiting: int  # entries here the hub lacks
    receive: str
    former: tuple[str, ...] = ()  # ids this station had before a fork repair
    refill: tuple[int, int] | None = None  # (held, of) while refilling a hub that lacked them


@dataclass(frozen=True, slots=True)
class StationRow:
    station_id: str
    name: str
    pushed: int  # entries the hub holds from this station id (and its former ids)
    last_seen: datetime | None  # None: never seen by this hub (its entries came relayed)
    skew_ms: int | None
    held: int | None  # hub entries the station held at its last contact
    waiting: int | None  # entries it had not yet uploaded then
    receive: str
    former: tuple[str, ...] = ()
    refill: tuple[int, int] | None = None


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
                if version == hubschema.IDENTITY_STEP:
                    self._run("INSERT INTO hub_meta (key, value) VALUES (%s, %s) "
                              "ON CONFLICT (key) DO NOTHING",
                              (hubschema.IDENTITY_KEY, str(uuidlib.uuid4())))  # fmt: skip
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

    def identity(self) -> str:
        """The hub's identity, made by `hub init` ("" before the schema has one)."""
        rows = self._rows("SELECT value FROM hub_meta WHERE key = %s", (hubschema.IDENTITY_KEY,))
        return str(rows[0][0]) if rows else ""

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
    def state(self) -> HubState:
        """The hub's clock, identity and heads, in one query (the whole of an idle round)."""
        rows = self._rows(
            "SELECT station_id, head, CURRENT_TIMESTAMP FROM hub_streams UNION ALL "
            "SELECT (SELECT value FROM hub_meta WHERE key = %s), -1, CURRENT_TIMESTAMP",
            (hubschema.IDENTITY_KEY,),
        )
        meta = next(r for r in rows if int(r[1]) < 0)
        return HubState(meta[2], str(meta[0] or ""),
                        {str(r[0]): int(r[1]) for r in rows if int(r[1]) >= 0})  # fmt: skip

    def heads(self) -> tuple[datetime, dict[str, int]]:
        """The hub's clock and, per station id, the highest number it holds (one query)."""
        state = self.state()
        return state.now, state.heads

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
        params = [(uuidlib.UUID(r[0]), *r[1:]) for r in map(log.row_of, entries)]
        firsts: dict[str, int] = {}
        lasts: dict[str, int] = {}
        for e in entries:
            firsts[e.station_id] = min(firsts.get(e.station_id, e.station_seq), e.station_seq)
            lasts[e.station_id] = max(lasts.get(e.station_id, 0), e.station_seq)
        with self._guard():
            try:
                with self._conn.transaction():
                    self._no_gap(firsts)
                    done = self._insert(params)
                    done.update(self._held_alike([e for e in entries if e.uuid not in done]))
                    self._move_heads(lasts)
            except _Conflict:
                return Pushed({}, conflict=True)
        return Pushed(done)

    def _no_gap(self, firsts: dict[str, int]) -> None:
        """Each stream's first entry of the batch follows the hub's head (or is held)."""
        heads = dict(self._run(
            "SELECT station_id, head FROM hub_streams WHERE station_id = ANY(%s)",
            (list(firsts),)).fetchall())  # fmt: skip
        if any(first > int(heads.get(s, 0)) + 1 for s, first in firsts.items()):
            raise _Conflict

    def _held_alike(self, rest: list[LogEntry]) -> dict[str, datetime]:
        """Entries of the batch the hub held already: each under the same number, or the
        batch is a conflict. Returns their receive times."""
        if not rest:
            return {}
        held = self._run(
            "SELECT uuid, station_id, station_seq, received_at FROM hub_entries "
            "WHERE uuid = ANY(%s)", ([uuidlib.UUID(e.uuid) for e in rest],),
        ).fetchall()  # fmt: skip
        found = {str(r[0]): (str(r[1]), int(r[2]), r[3]) for r in held}
        for e in rest:
            if found.get(e.uuid, ("", 0, None))[:2] != (e.station_id, e.station_seq):
                raise _Conflict
        return {e.uuid: found[e.uuid][2] for e in rest}

    def _move_heads(self, lasts: dict[str, int]) -> None:
        for station_id, last in lasts.items():
            self._run(
                "INSERT INTO hub_streams (station_id, head) VALUES (%s, %s) "
                "ON CONFLICT (station_id) DO UPDATE "
                "SET head = GREATEST(hub_streams.head, EXCLUDED.head)",
                (station_id, last),
            )

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

    # -- stations ---------------------------------------------------------------------------
    def heartbeat(self, beat: Beat) -> None:
        """What the station said at this contact: one row per station id, its own."""
        refill = beat.refill or (None, None)
        with self._guard():
            self._run(
                "INSERT INTO hub_stations (station_id, name, last_seen, station_clock, skew_ms, "
                "held, waiting, receive, release, former, refill_done, refill_total) VALUES "
                "(%s, %s, CURRENT_TIMESTAMP, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (station_id) DO UPDATE SET name = EXCLUDED.name, "
                "last_seen = EXCLUDED.last_seen, station_clock = EXCLUDED.station_clock, "
                "skew_ms = EXCLUDED.skew_ms, held = EXCLUDED.held, waiting = EXCLUDED.waiting, "
                "receive = EXCLUDED.receive, release = EXCLUDED.release, "
                "former = EXCLUDED.former, refill_done = EXCLUDED.refill_done, "
                "refill_total = EXCLUDED.refill_total",
                (beat.station_id, beat.name, beat.station_clock, beat.skew_ms, beat.held,
                 beat.waiting, beat.receive, __version__, json.dumps(list(beat.former)),
                 refill[0], refill[1]),
            )  # fmt: skip

    def stations(self) -> tuple[datetime, int, list[StationRow]]:
        """(the hub's clock, entries it holds, one row per station identity): each
        station that contacted this hub under its current id, with the streams of its
        former ids (fork repairs) folded in, and each stream whose station never
        contacted this hub (its entries came relayed: a hub being refilled); less the
        ones forgotten (`forget`) and not seen since."""
        now, heads = self.heads()
        seen = {str(r[0]): r for r in self._rows(
            "SELECT station_id, name, last_seen, skew_ms, held, waiting, receive, former, "
            "refill_done, refill_total FROM hub_stations")}  # fmt: skip
        forgotten = {str(r[0]): r[1] for r in self._rows(
            "SELECT station_id, forgotten_at FROM hub_forgotten")}  # fmt: skip
        former = {sid: tuple(str(f) for f in json.loads(r[7] or "[]")) for sid, r in seen.items()}
        folded = {f for fs in former.values() for f in fs}
        out = []
        for sid in sorted((set(heads) | set(seen)) - folded):
            r = seen.get(sid)
            gone = forgotten.get(sid)
            if gone is None or (r is not None and r[2] > gone):
                out.append(self._station_row(sid, r, former.get(sid, ()), heads))
        out.sort(key=lambda row: (row.name.casefold(), row.station_id))
        return now, sum(heads.values()), out

    def _station_row(self, sid: str, r: tuple[Any, ...] | None, former: tuple[str, ...],
                     heads: dict[str, int]) -> StationRow:  # fmt: skip
        pushed = sum(heads.get(i, 0) for i in (sid, *former))
        if r is None:  # a stream whose station never contacted this hub
            return StationRow(sid, self._last_name(sid, heads[sid]), pushed, None, None,
                              None, None, "")  # fmt: skip
        refill = None if r[8] is None else (int(r[8]), int(r[9]))
        return StationRow(sid, str(r[1]), pushed, r[2], None if r[3] is None else int(r[3]),
                          int(r[4]), int(r[5]), str(r[6]), former, refill)  # fmt: skip

    def _last_name(self, station_id: str, head: int) -> str:
        rows = self._rows("SELECT station FROM hub_entries WHERE station_id = %s "
                          "AND station_seq = %s", (station_id, head))  # fmt: skip
        return str(rows[0][0]) if rows else ""

    def forget(self, station_id: str) -> None:
        """Leave a station out of `hub status` (until it is seen again). Its entries stay."""
        with self._guard():
            self._run(
                "INSERT INTO hub_forgotten (station_id, forgotten_at) VALUES "
                "(%s, CURRENT_TIMESTAMP) ON CONFLICT (station_id) DO UPDATE "
                "SET forgotten_at = EXCLUDED.forgotten_at",
                (station_id,),
            )


class _Conflict(Exception):
    """Raised inside a push transaction to roll it back."""

"""The hub: a PostgreSQL (or CockroachDB / YugabyteDB) database that every station pushes
its log entries to and pulls the others' from. All of the hub's SQL is here and in
kiosk.sync.hubschema, portable (see docs/ARCHITECTURE.md, "The hub").

Every statement goes through `Hub._run`, which hands its text to `on_sql` when given (the
portability test records them). Driver errors become one-line `HubError`s that name the
hub without its password: `HubUnavailable` (cannot reach it, lost it, too slow: the
station is offline and tries again) or `HubRefused` (it answers, and says no).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import uuid as uuidlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk import __version__
from kiosk.models.errors import KioskError
from kiosk.models.records import LogEntry, log_kind
from kiosk.storage import log
from kiosk.storage.base import from_json, to_json
from kiosk.sync import hubroles, hubschema
from kiosk.sync.server import ServerConfig
from kiosk.trust import split as trust_split
from kiosk.trust.roles import Role, parse_role

# psycopg logs a rollback it could not send on a connection that died mid-push (a hub
# killed, a failover) before raising the error this module reports in one line: to the
# application's log if it has one, never as a stray line on a command's stderr.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

CONNECT_TIMEOUT_S = 3
STATEMENT_TIMEOUT = "15s"
_COLS = log.COLUMNS
_NCOLS = len(_COLS.split(","))
_INSERT_COLS = f"{_COLS}, private_hash, sig"
#: The fetched columns: the uuid as text (what the log keeps; no uuid object made per row).
_E_COLS = ", ".join(
    "CAST(e.uuid AS TEXT)" if c.strip() == "uuid" else f"e.{c.strip()}" for c in _COLS.split(",")
)
_SPLIT_KINDS = ["walk_in", "edit", "import", "entry", "exit"]  # kinds with a private part
_SPLIT_PAGE = 500
_DEFAULTS = {  # unless the connection string says otherwise
    "connect_timeout": str(CONNECT_TIMEOUT_S), "application_name": "forum-checkin",
    "keepalives": "1", "keepalives_idle": "5", "keepalives_interval": "2",
    "keepalives_count": "3", "tcp_user_timeout": "10000",
}  # fmt: skip
#: An entry's row as the hub stores it: the columns, private_hash, sig and the receive time
#: an earlier hub gave it (else this hub's clock).
_INSERT_HEAD = f"INSERT INTO hub_entries ({_INSERT_COLS}, received_at) VALUES "
_INSERT_ROW = f"({', '.join(['%s'] * (_NCOLS + 2))}, COALESCE(%s::timestamptz, CURRENT_TIMESTAMP))"
_INSERT_TAIL = " ON CONFLICT DO NOTHING RETURNING CAST(uuid AS TEXT), received_at"
_ROWS_PER_INSERT = 500  # 17 parameters a row (a statement takes at most 65,535)


class HubError(KioskError):
    """The hub failed or said no; the message names it (never with its password)."""


class HubUnavailable(HubError):
    """The hub cannot be reached, was lost, or is too slow: offline, try again later."""


class HubRefused(HubError):
    """The hub answers and refuses (no schema, another event, a newer release, login)."""


class HubNoSchema(HubRefused):
    """The database has no hub tables (yet): `hub init` makes them."""


class HubLoginRevoked(HubRefused):
    """The hub does not let this station's own login in (NOLOGIN: revoked at the desk)."""


#: What the hub says of a station whose login the desk revoked (hub status, the desk).
REVOKED_WHAT = "its hub login was revoked at the desk: the hub refuses everything it sends"


class HubLoginExpired(HubRefused):
    """This station's own login expired with its certificate (schema 4: the hub lets it
    read and store nothing more)."""


#: What the hub says of a station whose login expired with its certificate.
EXPIRED_WHAT = ("its hub login expired with its certificate: the hub refuses everything it "
                "sends and sends it nothing")  # fmt: skip


class HubForbidden(HubRefused):
    """The hub refused what this login may not do (row-level security, grants):
    another station's entries, another's head, an update, a private column."""


@dataclass(frozen=True, slots=True)
class Membership:
    """What the hub says this login is (kiosk.sync.hubroles): None for the hub owner."""

    station_id: str
    role: Role


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
    refused: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)
    # station id -> (its name, what the hub refused it, as that station last said)
    expired: datetime | None = None  # when this login expired (None: it has not)


#: How a copied enrolled station's refusal begins (kiosk.sync.engine COPY_REFUSAL). Two
#: machines with the same station id (a cloned one) beat into the same row: the copy's
#: refusal is kept there while the copy said it within COPY_KEEP_S, so that the
#: original's beats (which refuse nothing) do not wipe it at every contact.
COPY_PREFIX = "a copy of the station"
COPY_KEEP_S = 60
_KEEP_COPY = (
    "(EXCLUDED.refused IS NULL AND hub_stations.refused LIKE %s "
    "AND hub_stations.refused_at > CURRENT_TIMESTAMP - CAST(%s AS INTERVAL))"
)


def _copy_args() -> tuple[str, str]:
    return COPY_PREFIX + "%", f"{COPY_KEEP_S} seconds"


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
    refused: str | None = None  # what the hub refused this station in this round


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
    refused: str | None = None  # what the hub refused it, as it last said


class Hub:
    def __init__(self, server: ServerConfig, on_sql: Callable[[str], None] | None = None) -> None:
        self.server = server
        self.on_sql = on_sql
        self._conn: Any = None
        self._member: tuple[Membership | None] | None = None  # per connection

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
        self._member = None
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
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return HubForbidden(msg)
        if isinstance(exc, psycopg.errors.UndefinedTable):
            return HubNoSchema(f"hub {self.server.shown}: holds no Forum Check-in schema "
                               "(run `hub init` first)")  # fmt: skip
        if connecting and "not permitted to log in" in text:
            return HubLoginRevoked(
                f"hub {self.server.shown}: this station's login may no longer log in (revoked "
                "at the desk): nothing it sends is taken; its entries stay here"
            )
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
                with self._conn.transaction():
                    for stmt in hubschema.STEPS[version - 1]:
                        self._run(stmt)
                if version == hubschema.SPLIT_STEP:
                    self._split_existing()
                if version == hubschema.IDENTITY_STEP:
                    self._run("INSERT INTO hub_meta (key, value) VALUES (%s, %s) "
                              "ON CONFLICT (key) DO NOTHING",
                              (hubschema.IDENTITY_KEY, str(uuidlib.uuid4())))  # fmt: skip
                self._run(
                    "INSERT INTO hub_meta (key, value) VALUES (%s, %s) ON CONFLICT (key) "
                    "DO UPDATE SET value = EXCLUDED.value",
                    (hubschema.VERSION_KEY, str(version)),
                )
        self._harden()
        return before, hubschema.LATEST

    def _harden(self) -> None:
        """What the owner may take from every other login (hubschema.HARDEN), each alone."""
        import psycopg
        from psycopg import sql

        rows = self._rows("SELECT current_database()")
        db = sql.Identifier(str(rows[0][0])).as_string(self._conn)
        for stmt in hubschema.HARDEN:
            try:
                with self._conn.transaction():
                    self._run(stmt.format(db=db))
            except (psycopg.ProgrammingError, psycopg.NotSupportedError) as exc:
                logging.getLogger(__name__).info("hub: %s skipped: %s", stmt, exc)

    def _split_existing(self) -> None:
        """Upgrade to version 3: the private part of every entry the hub holds moves from
        `data` to `hub_private` (joined again, it is the same payload: nothing lost).
        In pages by uuid, each its own transaction; a run stopped half way goes on."""
        last = uuidlib.UUID(int=0)
        while True:
            rows = self._run(
                "SELECT uuid, station_id, kind, data FROM hub_entries WHERE kind = ANY(%s) "
                "AND uuid > %s ORDER BY uuid LIMIT %s",
                (_SPLIT_KINDS, last, _SPLIT_PAGE),
            ).fetchall()
            if not rows:
                return
            with self._conn.transaction():
                for u, sid, kind, data in rows:
                    public, private = trust_split.split(str(kind), from_json(data))
                    if private:
                        self._run(
                            "INSERT INTO hub_private (uuid, station_id, data) VALUES "
                            "(%s, %s, %s) ON CONFLICT DO NOTHING", (u, sid, to_json(private)))  # fmt: skip
                        self._run(
                            "UPDATE hub_entries SET data = %s, private_hash = %s WHERE uuid = %s",
                            (to_json(public), trust_split.private_hash(private), u),
                        )
            last = rows[-1][0]

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

    def member(self) -> Membership | None:
        """What this login is on the hub: a station's (its id and role), or None for the
        hub owner (or a login the desk did not make, which may only read)."""
        if self._member is None:
            rows = self._rows("SELECT station_id, role FROM hub_members "
                              "WHERE role_name = current_user")  # fmt: skip
            role = parse_role(str(rows[0][1])) if rows else None
            self._member = (Membership(str(rows[0][0]), role) if rows and role else None,)
        return self._member[0]

    def may_read_private(self) -> bool:
        member = self.member()
        return member is None or member.role is not Role.KIOSK

    def may_push(self, station_id: str) -> bool:
        """Whether this login may store entries under `station_id` (the hub's rule)."""
        member = self.member()
        return member is None or member.role is Role.DESK or member.station_id == station_id

    # -- station logins (with the owner's rights; kiosk.sync.hubroles) ----------------------
    def ensure_login(self, m: hubroles.Member) -> None:
        """Create (or update) a station's login from its verifier, grant what its role may
        do, and record it in hub_members."""
        import psycopg

        who, secret = hubroles._ident(m.role_name), hubroles.verifier_literal(m.verifier)
        login = "NOLOGIN" if m.revoked else "LOGIN"
        login += f" CONNECTION LIMIT {hubroles.CONNECTION_LIMIT} "
        login += hubroles.until_literal(m.valid_until)
        with self._guard():
            try:
                self._run(f"CREATE ROLE {who} {login} PASSWORD {secret}")
            except psycopg.errors.DuplicateObject:  # made for an earlier hub of the event
                self._run(f"ALTER ROLE {who} {login} PASSWORD {secret}")
            with self._conn.transaction():
                for stmt in (hubroles.revokes(m.role_name)[0],
                             *(() if m.revoked else hubroles.grants(m))):  # fmt: skip
                    self._grant(stmt)
                self._run(
                    "INSERT INTO hub_members (role_name, station_id, role, revoked_at, "
                    "valid_until) VALUES (%s, %s, %s, CASE WHEN %s THEN CURRENT_TIMESTAMP "
                    "END, %s) ON CONFLICT (role_name) DO UPDATE SET station_id = "
                    "EXCLUDED.station_id, role = EXCLUDED.role, revoked_at = "
                    "EXCLUDED.revoked_at, valid_until = EXCLUDED.valid_until",
                    (m.role_name, m.station_id, m.role, m.revoked,
                     datetime.fromisoformat(m.valid_until) if m.valid_until else None),
                )  # fmt: skip
                self._run(
                    "INSERT INTO hub_logins (role_name, verifier) VALUES (%s, %s) "
                    "ON CONFLICT (role_name) DO UPDATE SET verifier = EXCLUDED.verifier",
                    (m.role_name, m.verifier),
                )

    def _grant(self, stmt: str) -> None:
        """A column grant, or the table's on a server without column privileges
        (CockroachDB: it has no LOCK TABLE either, the reason for the column grant)."""
        import psycopg

        if stmt == hubroles.table_grant(stmt):
            self._run(stmt)
            return
        try:
            with self._conn.transaction():
                self._run(stmt)
        except (psycopg.errors.FeatureNotSupported, psycopg.errors.SyntaxError):
            self._run(hubroles.table_grant(stmt))

    def revoke_logins(self, station_id: str) -> int:
        names = [str(r[0]) for r in self._rows(
            "SELECT role_name FROM hub_members WHERE station_id = %s", (station_id,))]  # fmt: skip
        with self._guard():
            for name in names:
                for stmt in hubroles.revokes(name):
                    self._run(stmt)
                self._run("UPDATE hub_members SET revoked_at = CURRENT_TIMESTAMP "
                          "WHERE role_name = %s AND revoked_at IS NULL", (name,))  # fmt: skip
        return len(names)

    def expire_logins(self) -> int:
        """Logins past their expiry (their certificate's) lose every grant (`VALID
        UNTIL` refuses them a new connection already: this ends what one opened before
        can read). Not NOLOGIN: that is a revocation's, and what the station is told
        differs. The owner's; returns how many."""
        names = [str(r[0]) for r in self._rows(
            "SELECT role_name FROM hub_members WHERE revoked_at IS NULL "
            "AND valid_until <= CURRENT_TIMESTAMP")]  # fmt: skip
        with self._guard():
            for name in names:
                self._run(hubroles.revokes(name)[0])
        return len(names)

    def members(self) -> list[hubroles.Member]:
        """Every station login the hub holds (the owner's view)."""
        return [hubroles.Member(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4] is not None,
                                hubroles.until_text(r[5]))
                for r in self._rows(
                    "SELECT m.role_name, m.station_id, m.role, l.verifier, m.revoked_at, "
                    "m.valid_until FROM hub_members m "
                    "JOIN hub_logins l ON l.role_name = m.role_name")]  # fmt: skip

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
            "SELECT station_id, head, CURRENT_TIMESTAMP, CAST(NULL AS TEXT) FROM hub_streams "
            "UNION ALL SELECT (SELECT value FROM hub_meta WHERE key = %s), -1, "
            "CURRENT_TIMESTAMP, CAST(NULL AS TEXT) UNION ALL "
            "SELECT station_id, -2, CURRENT_TIMESTAMP, name || %s || refused "
            "FROM hub_stations WHERE refused IS NOT NULL UNION ALL "
            "SELECT m.station_id, -2, CURRENT_TIMESTAMP, COALESCE(s.name, '') || %s || %s "
            "FROM hub_members m LEFT JOIN hub_stations s ON s.station_id = m.station_id "
            "WHERE m.revoked_at IS NOT NULL UNION ALL "
            "SELECT m.station_id, -2, CURRENT_TIMESTAMP, COALESCE(s.name, '') || %s || %s "
            "FROM hub_members m LEFT JOIN hub_stations s ON s.station_id = m.station_id "
            "WHERE m.revoked_at IS NULL AND m.valid_until <= CURRENT_TIMESTAMP UNION ALL "
            "SELECT m.station_id, -3, m.valid_until, CAST(NULL AS TEXT) FROM hub_members m "
            "WHERE m.role_name = current_user AND m.valid_until <= CURRENT_TIMESTAMP",
            (hubschema.IDENTITY_KEY, "\n", "\n", REVOKED_WHAT, "\n", EXPIRED_WHAT),
        )
        meta = next(r for r in rows if int(r[1]) == -1)
        refused = {str(r[0]): tuple(str(r[3]).split("\n", 1)) for r in rows if int(r[1]) == -2}
        expired = next((r[2] for r in rows if int(r[1]) == -3), None)
        return HubState(meta[2], str(meta[0] or ""),
                        {str(r[0]): int(r[1]) for r in rows if int(r[1]) >= 0},
                        {k: (v[0], v[-1]) for k, v in refused.items()}, expired)  # fmt: skip

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
        self, station_id: str, after: int, limit: int, budget: int, private: bool = True
    ) -> list[tuple[LogEntry, datetime]]:
        """`station_id`'s entries numbered after `after`, in order: at most `limit` and
        about `budget` bytes of payload (at least one). Their private parts joined in only
        with `private` and when this login may read them (never a kiosk's): a names-only
        pull never reads `hub_private`."""
        private = private and self.may_read_private()
        size, join = "octet_length(e.data)", ""
        if private:
            size += " + COALESCE(octet_length(p.data), 0)"
            join = " LEFT JOIN hub_private p ON p.uuid = e.uuid"
        sizes = self._rows(
            f"SELECT e.station_seq, {size} FROM hub_entries e{join} WHERE e.station_id = %s "
            "AND e.station_seq > %s ORDER BY e.station_seq LIMIT %s",
            (station_id, after, limit),
        )
        if not sizes:
            return []
        upto, total = int(sizes[0][0]), 0
        for seq, size in sizes:
            if total and total + int(size) > budget:
                break
            upto, total = int(seq), total + int(size)
        secret = "p.data" if private else "CAST(NULL AS TEXT)"
        rows = self._rows(
            f"SELECT {_E_COLS}, e.received_at, {secret}, e.private_hash, e.sig "
            f"FROM hub_entries e{join} WHERE e.station_id = %s AND e.station_seq > %s "
            "AND e.station_seq <= %s ORDER BY e.station_seq",
            (station_id, after, upto),
        )
        return [(_entry_of(r), r[_NCOLS]) for r in rows]

    def push(
        self, entries: Sequence[LogEntry], receipts: Mapping[str, datetime] | None = None
    ) -> Pushed:
        """Store entries (idempotent by uuid) in one transaction, and move the streams'
        heads. All or nothing: a batch of which one entry's number is taken by another
        entry stores nothing (`conflict`); a batch that would leave a gap neither.
        `receipts`: when an earlier hub first stored some of them (the desk handing a new
        hub what others wrote: receivers judge a certificate's expiry by it); the others
        are stamped with this hub's clock."""
        if not entries:
            return Pushed({})
        params, secrets = [], []
        first = receipts or {}
        for e in entries:
            row, secret = _params_of(e)
            params.append((*row, first.get(e.uuid)))
            if secret is not None:
                secrets.append((row[0], e.station_id, secret))
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
                    self._insert_private(secrets)
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
        """The entries' rows: in multi-row INSERTs of up to _ROWS_PER_INSERT (one round
        trip and one statement each) for the logins whose rows the hub does not bound
        one by one (the owner, a desk); a station login's rows one INSERT each, sent
        together (libpq's pipeline: one round trip), as its policy
        (hubschema._BOUNDED: the next number of its stream) sees the rows of earlier
        statements only, not those of its own statement."""
        if self._bounded():
            return self._insert_each(params)
        done: dict[str, datetime] = {}
        for u, at in self._insert_rows(_INSERT_HEAD, _INSERT_ROW, _INSERT_TAIL, params):
            done[str(u)] = at
        return done

    def _insert_rows(self, head: str, row: str, tail: str,
                     rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:  # fmt: skip
        """`head` and `rows` as multi-row VALUES of `row` (up to _ROWS_PER_INSERT a
        statement), then `tail`; what they return. Sent with $1, $2 … placeholders and
        prepared (psycopg's parsing of thousands of %s would cost more than the insert)."""
        import psycopg

        cur = psycopg.RawCursor(self._conn)
        out: list[tuple[Any, ...]] = []
        for i in range(0, len(rows), _ROWS_PER_INSERT):
            part = rows[i : i + _ROWS_PER_INSERT]
            sql = _multi_row(head, row, len(part), tail)
            if self.on_sql is not None:
                self.on_sql(sql)
            cur.execute(sql, [x for r in part for x in r], prepare=True)
            if cur.description is not None:
                out += cur.fetchall()
        return out

    def _bounded(self) -> bool:
        """Whether the hub's policy bounds this login's entries row by row (a door's or a
        kiosk's own login; not the owner's, not a desk's)."""
        member = self.member()
        return member is not None and member.role is not Role.DESK

    def _insert_each(self, params: list[tuple[Any, ...]]) -> dict[str, datetime]:
        """One INSERT per entry, sent together (libpq's pipeline: one round trip)."""
        sql = _INSERT_HEAD + _INSERT_ROW + _INSERT_TAIL
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

    def _insert_private(self, rows: list[tuple[Any, ...]]) -> None:
        """The entries' private parts, beside them (a kiosk may write, never read them), in
        multi-row INSERTs for every login: its policy reads the entries stored by the
        statements before, not its own statement's rows."""
        if not rows:
            return
        self._insert_rows("INSERT INTO hub_private (uuid, station_id, data) VALUES ",
                          "(%s, %s, %s)", " ON CONFLICT DO NOTHING", rows)  # fmt: skip

    # -- stations ---------------------------------------------------------------------------
    def heartbeat(self, beat: Beat) -> None:
        """What the station said at this contact: one row per station id, its own."""
        refill = beat.refill or (None, None)
        with self._guard():
            self._run(
                "INSERT INTO hub_stations (station_id, name, last_seen, station_clock, skew_ms, "
                "held, waiting, receive, release, former, refill_done, refill_total, refused, "
                "refused_at) VALUES (%s, %s, CURRENT_TIMESTAMP, %s, %s, %s, %s, %s, %s, %s, "
                "%s, %s, %s, CASE WHEN %s THEN CURRENT_TIMESTAMP END) "
                "ON CONFLICT (station_id) DO UPDATE SET name = EXCLUDED.name, "
                "last_seen = EXCLUDED.last_seen, station_clock = EXCLUDED.station_clock, "
                "skew_ms = EXCLUDED.skew_ms, held = EXCLUDED.held, waiting = EXCLUDED.waiting, "
                "receive = EXCLUDED.receive, release = EXCLUDED.release, "
                "former = EXCLUDED.former, refill_done = EXCLUDED.refill_done, "
                "refill_total = EXCLUDED.refill_total, "
                f"refused = CASE WHEN {_KEEP_COPY} THEN hub_stations.refused "
                "ELSE EXCLUDED.refused END, "
                f"refused_at = CASE WHEN {_KEEP_COPY} THEN hub_stations.refused_at "
                "WHEN EXCLUDED.refused LIKE %s THEN CURRENT_TIMESTAMP "
                "WHEN EXCLUDED.refused IS NULL THEN NULL "
                "WHEN hub_stations.refused IS NULL THEN EXCLUDED.refused_at "
                "ELSE hub_stations.refused_at END",
                (beat.station_id, _fit(beat.name, 64), beat.station_clock, beat.skew_ms,
                 beat.held, beat.waiting, beat.receive, __version__,
                 json.dumps(list(beat.former)[-_FORMER_KEPT:]), refill[0], refill[1],
                 None if beat.refused is None else _fit(beat.refused, 1000),
                 beat.refused is not None, *_copy_args(), *_copy_args(), COPY_PREFIX + "%"),
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
            "refill_done, refill_total, refused FROM hub_stations")}  # fmt: skip
        forgotten = {str(r[0]): r[1] for r in self._rows(
            "SELECT station_id, forgotten_at FROM hub_forgotten")}  # fmt: skip
        gone_logins = {str(r[0]): REVOKED_WHAT if r[1] else EXPIRED_WHAT for r in self._rows(
            "SELECT station_id, revoked_at IS NOT NULL FROM hub_members WHERE revoked_at IS "
            "NOT NULL OR valid_until <= CURRENT_TIMESTAMP")}  # fmt: skip
        live = self._live_stations()
        former = {sid: _former(r[7], live | {sid}) for sid, r in seen.items()}
        folded = {f for fs in former.values() for f in fs}
        out = []
        for sid in sorted((set(heads) | set(seen)) - folded):
            r = seen.get(sid)
            gone = forgotten.get(sid)
            if gone is None or (r is not None and r[2] > gone):
                row = self._station_row(sid, r, former.get(sid, ()), heads)
                if sid in gone_logins:  # it can no longer say so itself: the hub says it
                    row = dataclasses.replace(row, refused=gone_logins[sid])
                out.append(row)
        out.sort(key=lambda row: (row.name.casefold(), row.station_id))
        return now, sum(heads.values()), out

    def _live_stations(self) -> set[str]:
        """The station ids of live logins (the owner's view; a station login sees only its
        own row): `former` is a station's own word, and no station folds another's live
        login out of `hub status` by naming its id."""
        if self.member() is not None:
            return set()
        return {str(r[0]) for r in self._rows(
            "SELECT station_id FROM hub_members WHERE revoked_at IS NULL AND "
            "(valid_until IS NULL OR valid_until > CURRENT_TIMESTAMP)")}  # fmt: skip

    def _station_row(self, sid: str, r: tuple[Any, ...] | None, former: tuple[str, ...],
                     heads: dict[str, int]) -> StationRow:  # fmt: skip
        pushed = sum(heads.get(i, 0) for i in (sid, *former))
        if r is None:  # a stream whose station never contacted this hub
            return StationRow(sid, self._last_name(sid, heads[sid]), pushed, None, None,
                              None, None, "")  # fmt: skip
        refill = None if r[8] is None else (int(r[8]), int(r[9]))
        return StationRow(sid, str(r[1]), pushed, r[2], None if r[3] is None else int(r[3]),
                          int(r[4]), int(r[5]), str(r[6]), former, refill,
                          None if r[10] is None else str(r[10]))  # fmt: skip

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


@functools.lru_cache(maxsize=16)
def _multi_row(head: str, row: str, n: int, tail: str) -> str:
    """`head`, `n` copies of `row` apart by commas, `tail`: the %s of the rows numbered
    $1, $2 … in order."""
    parts = row.split("%s")
    width = len(parts) - 1
    rows = (
        "".join(p + f"${r * width + k}" for k, p in enumerate(parts[:-1], 1)) + parts[-1]
        for r in range(n)
    )
    return head + ", ".join(rows) + tail


def _former(text: str | None, live: set[str]) -> tuple[str, ...]:
    """The former ids a station names (fork repairs), less those of other live logins."""
    try:
        claimed = json.loads(text or "[]")
        return tuple(str(f) for f in claimed if str(f) not in live)
    except (ValueError, TypeError, RecursionError):
        return ()


#: What a status row holds at most (the hub's policy bounds them: hubschema._OWN_ROW).
_FORMER_KEPT = 50


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


class _Conflict(Exception):
    """Raised inside a push transaction to roll it back."""


def _params_of(e: LogEntry) -> tuple[tuple[Any, ...], str | None]:
    """An entry as the hub stores it: the public part in `data`, with the private part's
    hash and the station's signature; and the private part (JSON) for `hub_private`.
    The uuid goes as text (the server reads it as its column's type); the payload's JSON
    is encoded once when it is all public (most entries)."""
    row = log.row_of(e)
    public, private = trust_split.split(str(e.kind), e.data)
    phash = getattr(e, "private_hash", None) or (trust_split.private_hash(private)
                                                 if private else None)  # fmt: skip
    data = row[13] if public is e.data else to_json(public)
    return ((*row[:13], data, phash, getattr(e, "sig", None)),
            to_json(private) if private else None)  # fmt: skip


#: What a hostile row's payload can raise when decoded (deep nesting, a 5000-digit
#: number, not JSON, not an object, a time that is not one).
_UNREADABLE = (ValueError, TypeError, KeyError, IndexError, RecursionError, AttributeError)


def _entry_of(r: tuple[Any, ...]) -> LogEntry:
    """An entry from a fetched row: COLUMNS, received_at, its private part (NULL when not
    selected), private_hash, sig. The private part is joined back when it was selected.
    A row no station could have written (its payload or time unreadable: a stolen login's
    INSERT) becomes an entry that keeps its place in its stream and that no receiver
    applies: its payload says why, so its signature cannot verify (kept aside, named in
    `conflicts`), and no round fails on it."""
    secret, phash, sig = r[_NCOLS + 1 : _NCOLS + 4]
    try:
        entry = log.entry_of((str(r[0]), *r[1:_NCOLS]),
                             private_hash=None if phash is None else bytes(phash),
                             sig=None if sig is None else bytes(sig))  # fmt: skip
        if not isinstance(entry.data, dict):
            raise ValueError("its payload is not a JSON object")
        if secret is not None:
            private = from_json(secret)
            if not isinstance(private, dict):
                raise ValueError("its private part is not a JSON object")
            entry = dataclasses.replace(
                entry, data=trust_split.join(str(entry.kind), entry.data, private)
            )
    except _UNREADABLE as exc:
        entry = _unreadable(r, exc)
        if phash is not None:
            entry = dataclasses.replace(entry, private_hash=bytes(phash))
    return entry


def _unreadable(r: tuple[Any, ...], exc: BaseException) -> LogEntry:
    why = f"unreadable entry: {type(exc).__name__}: {str(exc)[:160]}"
    u, sid, seq, name, _at, kind, session, aid, bid, operator = r[:10]
    sig = r[_NCOLS + 3]
    return LogEntry(uuid=str(u), kind=log_kind(str(kind)), at=r[_NCOLS],
                    station_id=str(sid), station_seq=int(seq),
                    station=str(name), session_id=str(session), operator=str(operator),
                    attendee_id=None if aid is None else str(aid), badge_id=bid,
                    data={"unreadable": why},
                    sig=None if sig is None else bytes(sig))  # fmt: skip

"""Each enrolled station's own login on the hub, and what that login may do there.

The registration desk creates them with the hub owner's rights (the owner needs
CREATEROLE): `create_station_login(owner_dsn, station_id, role)` returns the login's
name and password, which go into the station's enrollment file and nowhere else.

- The password never reaches the hub in clear text: the desk computes its SCRAM-SHA-256
  verifier itself and sends that (`CREATE ROLE … PASSWORD 'SCRAM-SHA-256$…'`), so not
  even a server logging every statement sees the password. PostgreSQL, CockroachDB and
  YugabyteDB all accept a verifier in place of a password.
- `hub_members(role_name, station_id, role, revoked_at)` maps the login to the station id
  it may write under, and its role; each login reads its own row. `hub_logins(role_name,
  verifier)` is the owner's only. The verifier cannot log in (SCRAM's stored key is a hash
  of the client key); it lets the desk recreate the same login on a new hub.
- `hub publish` from the desk copies the logins into the desk's database (setting
  `hub_members`, the database file is private to its owner) and recreates on a new hub
  every login it knows there: a station keeps its enrollment file when the hub is
  replaced (`keep_logins`; the desk's sync does it too, every minute).

What each login may do (table grants here, row-level security in kiosk.sync.hubschema;
table grants, but column grants for UPDATE: a table's UPDATE would let a login LOCK it;
what a kiosk may not read is in a table, as CockroachDB has no column privileges):

| table          | desk                    | door                    | kiosk                  |
|----------------|-------------------------|-------------------------|------------------------|
| hub_entries    | read; insert any        | read; insert its own    | read; insert its own   |
|                | station's (it relays)   | scans, walk-ins, undo   | check-ins, PIN attempts|
| hub_private    | read; insert            | read; insert its own    | insert its own, never  |
|                |                         |                         | read                   |
| hub_streams    | read; move any head     | read; move its own head | read; its own head     |
| hub_stations   | read; write its own row | read; write its own row | read; its own row      |
| hub_meta, hub_forgotten | read only      | read only               | read only              |
| hub_members    | its own row             | its own row             | its own row            |
| hub_logins     | nothing                 | nothing                 | nothing                |

Nobody but the hub owner updates or deletes an entry, changes hub_meta, or forgets a
station. A revoked station's login can no longer log in (NOLOGIN) and loses its grants.
A login expires with its certificate (`VALID UNTIL`, `hub_members.valid_until`): the
policies store nothing from it after that, and the desk's next sync takes its grants.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.storage import syncstate
from kiosk.storage.base import ts
from kiosk.trust.roles import Role, parse_role

if TYPE_CHECKING:
    from kiosk.storage.store import Store
    from kiosk.sync.hub import Hub

SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)
MEMBERS_SETTING = "hub_members"  # the desk's copy (a JSON list of Member)

_TABLES_READ = ("hub_meta", "hub_streams", "hub_stations", "hub_forgotten")
#: What a login may update: these columns, never the table as a whole. PostgreSQL lets a
#: login with UPDATE on a table `LOCK TABLE` it in any mode, and one stolen login holding
#: hub_streams locked would stall every station's round at its first query; a column
#: grant updates the same rows (row-level security picks them) and cannot lock the table.
_HEAD_COLUMNS = "head"
_STATION_COLUMNS = ("name, last_seen, station_clock, skew_ms, held, waiting, receive, "
                    "release, former, refill_done, refill_total, refused, refused_at")  # fmt: skip
#: Connections one station login may hold at once (its sync loop, a `sync` or `hub status`
#: beside it): a stolen login cannot take every connection the server has from the others.
CONNECTION_LIMIT = 5


@dataclass(frozen=True, slots=True)
class Member:
    """A station's login on the hub (the verifier, never the password)."""

    role_name: str
    station_id: str
    role: str
    verifier: str
    revoked: bool = False
    # when it expires: its certificate's expiry, UTC ISO text (kiosk.storage.base.ts);
    # "" never (a login made before schema 4, by a desk that did not say)
    valid_until: str = ""


def login_name(station_id: str) -> str:
    """The login of a station: the same on every hub of the event (a replaced hub gets the
    same logins back), unique per station (station ids are uuids)."""
    clean = re.sub(r"[^a-z0-9]", "", station_id.lower())
    if not clean:
        raise ValueError(f"station id {station_id!r} has no letters or digits")
    return f"fcs_{clean}"[:63]


def scram_verifier(password: str, salt: bytes | None = None,
                   iterations: int = SCRAM_ITERATIONS) -> str:  # fmt: skip
    """The SCRAM-SHA-256 verifier PostgreSQL keeps for `password` (RFC 5802/7677), in its
    `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` form. Passwords made here
    are ASCII, so SASLprep leaves them unchanged."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(b: bytes) -> str:
        return base64.b64encode(b).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def station_dsn(owner_dsn: str, user: str, password: str) -> str:
    """The hub's connection string with a station's own login in place of the owner's."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    given = conninfo_to_dict(owner_dsn)
    given.pop("passfile", None)
    given["user"], given["password"] = user, password
    return make_conninfo("", **{k: str(v) for k, v in given.items() if v is not None})


# -- on the hub, with the owner's connection ------------------------------------------------
def _connect(owner_dsn: str) -> Any:
    from kiosk.sync.hub import Hub
    from kiosk.sync.server import ServerConfig

    hub = Hub(ServerConfig(owner_dsn, "owner"))
    hub.connect()
    hub.check_schema()
    return hub


def create_station_login(
    owner_dsn: str, station_id: str, role: str, desk: Store | None = None,
    valid_until: str = "",
) -> tuple[str, str]:  # fmt: skip
    """A new login for this station on the hub (a fresh password if it had one): returns
    (user, password). Needs the hub owner's connection string. With the desk's database,
    the desk keeps its copy of the logins at once (else at its next sync or publish).
    `valid_until`: its certificate's expiry (UTC ISO text): the hub lets it do nothing
    after that."""
    if parse_role(role) is None:
        raise ValueError(f"unknown station role {role!r} (desk, door or kiosk)")
    user, password = login_name(station_id), secrets.token_urlsafe(32)
    member = Member(user, station_id, str(role), scram_verifier(password),
                    valid_until=until_text(valid_until))  # fmt: skip
    hub = _connect(owner_dsn)
    try:
        hub.ensure_login(member)
        if desk is not None:
            keep_logins(desk, hub)
    finally:
        hub.close()
    return user, password


def revoke_station_login(owner_dsn: str, station_id: str, desk: Store | None = None) -> int:
    """The station's logins can no longer log in nor do anything on this hub; its
    entries stay. Returns how many logins were revoked. With the desk's database, the
    desk's copy says so at once: a hub replaced before the desk's next sync must not get
    the login back as one that logs in."""
    from kiosk.sync.hub import HubForbidden

    hub = _connect(owner_dsn)
    try:
        if hub.member() is not None:  # a station's own login sees no other login: say so
            raise HubForbidden(f"hub {hub.server.shown}: only the hub's owner revokes a "
                               "station's login (the desk's connection string)")  # fmt: skip
        n = int(hub.revoke_logins(station_id))
        if desk is not None:
            keep_logins(desk, hub)
        return n
    finally:
        hub.close()


def grants(member: Member) -> list[str]:
    """The GRANT statements for one login (its name already checked by `login_name`).
    Column grants for UPDATE only (`Hub._grant` falls back to the table's where a server
    has no column privileges; CockroachDB): what a kiosk may not read
    is in a table it is granted nothing of (`hub_private`, `hub_logins`)."""
    who = _ident(member.role_name)
    read = [*_TABLES_READ, "hub_entries", "hub_members"]
    if parse_role(member.role) is not Role.KIOSK:
        read.append("hub_private")
    return [
        f"GRANT SELECT ON {', '.join(read)} TO {who}",
        f"GRANT INSERT ON hub_entries, hub_private TO {who}",
        f"GRANT INSERT, UPDATE ({_HEAD_COLUMNS}) ON hub_streams TO {who}",
        f"GRANT INSERT, UPDATE ({_STATION_COLUMNS}) ON hub_stations TO {who}",
    ]


def table_grant(stmt: str) -> str:
    """A grant's table-wide form (for a server without column privileges)."""
    return re.sub(r"\bUPDATE \([^)]*\)", "UPDATE", stmt)


def revokes(role_name: str) -> list[str]:
    who = _ident(role_name)
    tables = ("hub_entries", "hub_private", "hub_members", "hub_logins", *_TABLES_READ)
    return [f"REVOKE ALL ON {', '.join(tables)} FROM {who}", f"ALTER ROLE {who} NOLOGIN"]


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]{1,63}", name):
        raise ValueError(f"not a station login: {name!r}")
    return f'"{name}"'


def until_text(value: str | datetime | None) -> str:
    """An expiry as Member keeps it (UTC ISO text, microseconds: the hub's TIMESTAMPTZ
    read back is the same text); "" for none. ValueError for text that is not one."""
    if value is None or value == "":
        return ""
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    if at.tzinfo is None:
        raise ValueError(f"an expiry without a time zone: {value!r}")
    return ts(at)


def until_literal(valid_until: str) -> str:
    """`VALID UNTIL …` for CREATE/ALTER ROLE (which take no parameters): the expiry parsed
    and written again here, never the text as given; 'infinity' for none."""
    if not valid_until:
        return "VALID UNTIL 'infinity'"
    return f"VALID UNTIL '{until_text(valid_until)}'"


def verifier_literal(verifier: str) -> str:
    """A verifier as an SQL string literal (CREATE/ALTER ROLE take no parameters)."""
    if not re.fullmatch(r"SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+",
                        verifier):  # fmt: skip
        raise ValueError("not a SCRAM-SHA-256 verifier")
    return f"'{verifier}'"


# -- the desk's copy ------------------------------------------------------------------------
def members_of(text: str | None) -> dict[str, Member]:
    """The desk's copy, from its setting (empty when it has none or it is unreadable)."""
    try:
        rows = json.loads(text or "[]")
        members = {r["role_name"]: Member(**r) for r in rows}
        return {k: replace(m, valid_until=until_text(m.valid_until)) for k, m in members.items()}
    except (ValueError, TypeError, KeyError):
        return {}


def members_text(members: Iterable[Member]) -> str:
    return json.dumps([asdict(m) for m in sorted(members, key=lambda m: m.role_name)])


def merged(desk: dict[str, Member], hub: Iterable[Member]) -> dict[str, Member]:
    """The desk's copy updated with what the hub holds (the live hub is the authority:
    a re-enrollment there wins), except that a revocation is never undone: a hub restored
    from a backup older than a revocation does not bring the login back."""
    out = dict(desk)
    for m in hub:
        was = desk.get(m.role_name)
        gone = was is not None and was.revoked and was.station_id == m.station_id
        out[m.role_name] = replace(m, revoked=True) if gone else m
    return out


def keep_logins(store: Store, hub: Hub) -> int:
    """The desk keeps a copy of the hub's station logins (name, station, role, SCRAM
    verifier: never a password) in its database, and recreates on a hub that lacks them
    (a new hub replacing a lost one) every login it knows: no station is enrolled again.
    Only the hub owner may: with a station's own login this does nothing. A login the
    desk knows revoked is revoked again on a hub that lost the revocation; one past its
    expiry loses its grants. Returns how many logins were recreated or revoked again."""
    if hub.member() is not None:
        return 0
    _drop_revoked(store, hub)
    on_hub = {m.role_name: m for m in hub.members()}
    desk = members_of(syncstate.setting(store.conn, MEMBERS_SETTING))
    known = merged(desk, on_hub.values())
    missing = [m for name, m in sorted(known.items()) if on_hub.get(name) != m]
    for m in missing:
        hub.ensure_login(m)
    hub.expire_logins()  # (after: one recreated past its expiry keeps no grant either)
    if known != desk:
        with store.write() as w:
            syncstate.set_setting(w.conn, MEMBERS_SETTING,
                                  members_text(known.values()))  # fmt: skip
    return len(missing)


def _drop_revoked(store: Store, hub: Hub) -> None:
    """A station revoked at the desk (`station revoke` without `--server`, or while the hub
    was away) loses its login at the desk's next sync: its thief stores nothing more."""
    gate = store.gate
    revoked = set(gate.verifier.revoked) if gate is not None else set()
    for sid in sorted({m.station_id for m in hub.members() if not m.revoked} & revoked):
        hub.revoke_logins(sid)

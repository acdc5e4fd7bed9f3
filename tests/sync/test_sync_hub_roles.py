"""The hub is a locked door (issue 18): each station logs in with its own login, made by
the desk (kiosk.sync.hubroles), and the hub's own rules (row-level security, column
grants) refuse what that login may not do. The attacks go straight at the hub with the
station's own credentials (psycopg), as a thief of a kiosk or door laptop would; genuine
sync keeps working for the desk, a door and a kiosk."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage.store import Store
from kiosk.sync import hubroles, hubschema
from kiosk.sync.bootstrap import init_from_hub, publish
from kiosk.sync.hub import Hub
from kiosk.sync.loop import SyncLoop
from kiosk.sync.privacy import Receive
from kiosk.sync.server import ServerConfig
from kiosk.trust.roles import STATION_KEY, Policy, Role, TrustKind, may_write
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station, sync, tables

DENIED = psycopg.errors.InsufficientPrivilege


def station_id(path: Path) -> str:
    store = Store.open(path)
    try:
        return store.station.id
    finally:
        store.close()


def login(server: ServerConfig, path: Path, role: str) -> ServerConfig:
    """The station's own login on the hub, made by the desk with the owner's rights."""
    user, password = hubroles.create_station_login(server.dsn, station_id(path), role)
    return ServerConfig(hubroles.station_dsn(server.dsn, user, password), "enrollment")


def personal(desk_path: Path) -> set[str]:
    """Every e-mail and phone number the desk holds."""
    store = Store.open(desk_path, readonly=True)
    try:
        out = set()
        for a in reads(store).people.everyone():
            out |= {v for v in (a.email, a.phone) if v}
        return out
    finally:
        store.close()


class Event:
    def __init__(self, tmp_path: Path, server: ServerConfig) -> None:
        self.server = server
        self.desk = desk(tmp_path, server)
        self.door = station(tmp_path, "door-a", server)
        self.kiosk = station(tmp_path, "kiosk-1", server, receive=Receive.NAMES)
        self.door_login = login(server, self.door, "door")
        self.kiosk_login = login(server, self.kiosk, "kiosk")
        self.codes = list(codes(self.desk).values())


@pytest.fixture
def event(tmp_path: Path, server: ServerConfig) -> Event:
    return Event(tmp_path, server)


@pytest.fixture
def kiosk_conn(event: Event) -> Iterator[psycopg.Connection]:
    with psycopg.connect(event.kiosk_login.dsn, autocommit=True) as conn:
        yield conn


@pytest.fixture
def door_conn(event: Event) -> Iterator[psycopg.Connection]:
    with psycopg.connect(event.door_login.dsn, autocommit=True) as conn:
        yield conn


def test_each_role_syncs_genuinely_with_its_own_login(event: Event) -> None:
    with service(event.door) as s:
        for code in event.codes[:5]:
            s.check_in(code, "opening")
    with service(event.kiosk) as s:
        for code in event.codes[5:8]:
            s.check_in(code, "opening")
    assert sync(event.door, event.door_login).pushed == 5
    assert sync(event.kiosk, event.kiosk_login).pushed == 3
    sync(event.desk, event.server)
    sync(event.door, event.door_login)
    sync(event.kiosk, event.kiosk_login)
    heads = [_heads(p) for p in (event.door, event.kiosk, event.desk)]
    assert heads[0] == heads[1] == heads[2]
    assert tables(event.door) == tables(event.desk)
    for own in (event.door_login, event.kiosk_login):  # a station may look at the hub too
        out = CliRunner().invoke(load_commands(), ["hub", "status", "--server", own.dsn])
        assert out.exit_code == 0 and "door-a" in out.output, out.output
    # the kiosk's file holds no e-mail or phone number, although it pulled everything
    assert not any(p.encode() in event.kiosk.read_bytes() for p in personal(event.desk))


def test_a_station_inserts_only_under_its_own_station_id(
    event: Event, door_conn: psycopg.Connection, kiosk_conn: psycopg.Connection
) -> None:
    desk_id, door_id, kiosk_id = (station_id(p) for p in (event.desk, event.door, event.kiosk))
    for conn, other in ((door_conn, desk_id), (door_conn, kiosk_id), (kiosk_conn, door_id)):
        with pytest.raises(DENIED, match="row-level security"):
            _insert(conn, other, "entry")  # impersonate another station
    # its own id is accepted (the same statement: the refusal is about the id)
    _insert(door_conn, door_id, "entry")
    mine = _insert(kiosk_conn, kiosk_id, "entry")
    # a private part only beside an entry of its own (written, never read, by a kiosk)
    private = "INSERT INTO hub_private (uuid, station_id, data) VALUES (%s, %s, '{}') "
    private += "ON CONFLICT DO NOTHING"
    kiosk_conn.execute(private, (mine, kiosk_id))
    desks = kiosk_conn.execute("SELECT uuid FROM hub_entries WHERE station_id = %s LIMIT 1",
                               (desk_id,)).fetchone()  # fmt: skip
    assert desks is not None
    for sid in (desk_id, kiosk_id):
        with pytest.raises(DENIED, match="row-level security"):
            kiosk_conn.execute(private, (desks[0], sid))


CHANGES = [
    "UPDATE hub_entries SET data = '{}'",
    "UPDATE hub_entries SET station = 'HACKED'",
    "DELETE FROM hub_entries",
    "TRUNCATE hub_entries",
    "UPDATE hub_meta SET value = 'ab' || value WHERE key = 'public_key'",
    "INSERT INTO hub_meta (key, value) VALUES ('x', 'y') ON CONFLICT DO NOTHING",
    "DELETE FROM hub_meta",
    "DELETE FROM hub_streams",
    "DELETE FROM hub_stations",
    "INSERT INTO hub_forgotten (station_id, forgotten_at) VALUES ('x', now()) "
    "ON CONFLICT DO NOTHING",
    "INSERT INTO hub_members (role_name, station_id, role) VALUES "
    "(current_user, 'x', 'desk') ON CONFLICT DO NOTHING",
    "INSERT INTO hub_logins (role_name, verifier) VALUES ('x', 'v') ON CONFLICT DO NOTHING",
    "UPDATE hub_private SET data = '{}'",
    "DELETE FROM hub_private",
    "UPDATE hub_members SET role = 'desk'",
    "ALTER TABLE hub_entries DISABLE ROW LEVEL SECURITY",
    "DROP POLICY fc_insert ON hub_entries",
    "DROP TABLE hub_entries",
]


def test_nobody_but_the_owner_changes_or_deletes_anything(event: Event) -> None:
    with psycopg.connect(event.server.dsn) as owner:
        before = owner.execute("SELECT count(*), max(data) FROM hub_entries").fetchone()
        key = owner.execute("SELECT value FROM hub_meta WHERE key = 'public_key'").fetchone()
    for own in (event.door_login, event.kiosk_login):
        with psycopg.connect(own.dsn, autocommit=True) as conn:
            for sql in CHANGES:
                with pytest.raises(DENIED):
                    conn.execute(sql)
    with psycopg.connect(event.server.dsn) as owner:
        assert owner.execute("SELECT count(*), max(data) FROM hub_entries").fetchone() == before
        assert (
            owner.execute("SELECT value FROM hub_meta WHERE key = 'public_key'").fetchone() == key
        )


def test_a_station_cannot_move_another_stations_head(
    event: Event, door_conn: psycopg.Connection
) -> None:
    desk_id = station_id(event.desk)
    heads = "SELECT station_id, head FROM hub_streams ORDER BY station_id"
    before = door_conn.execute(heads).fetchall()
    # an UPDATE sees no row it may change; an upsert onto it and a new stream are refused
    assert door_conn.execute(
        "UPDATE hub_streams SET head = head + 5 WHERE station_id = %s", (desk_id,)
    ).rowcount == 0  # fmt: skip
    with pytest.raises(DENIED, match="row-level security"):
        door_conn.execute(
            "INSERT INTO hub_streams (station_id, head) VALUES (%s, 999999) ON CONFLICT "
            "(station_id) DO UPDATE SET head = EXCLUDED.head",
            (desk_id,),
        )
    with pytest.raises(DENIED, match="row-level security"):
        door_conn.execute(
            "INSERT INTO hub_streams (station_id, head) VALUES ('someone-else', 1) "
            "ON CONFLICT DO NOTHING"
        )
    assert door_conn.execute(
        "UPDATE hub_stations SET name = 'HACKED' WHERE station_id <> %s",
        (station_id(event.door),),
    ).rowcount == 0  # fmt: skip
    assert door_conn.execute(heads).fetchall() == before


def test_a_kiosk_login_selects_no_personal_field(
    event: Event, kiosk_conn: psycopg.Connection
) -> None:
    secrets = personal(event.desk)
    assert secrets, "the demo event holds e-mails and phone numbers"
    for sql in ("SELECT data FROM hub_private",
                "SELECT count(*) FROM hub_private",
                "SELECT verifier FROM hub_logins"):  # fmt: skip
        with pytest.raises(DENIED):
            kiosk_conn.execute(sql)
    # everything it may select, of every table, holds no e-mail or phone number
    seen = []
    for table in ("hub_entries", "hub_meta", "hub_streams", "hub_stations", "hub_forgotten",
                  "hub_members"):  # fmt: skip
        cols = "*"
        seen += [
            json.dumps(r, default=str) for r in kiosk_conn.execute(f"SELECT {cols} FROM {table}")
        ]
    text = "\n".join(seen)
    assert '"import"' in text  # it did read the attendees' entries (names)
    assert not [s for s in secrets if s in text]
    # it sees only its own membership
    assert kiosk_conn.execute("SELECT count(*) FROM hub_members").fetchone() == (1,)


def test_a_door_login_reads_the_private_part_a_kiosk_cannot(
    event: Event, door_conn: psycopg.Connection
) -> None:
    rows = door_conn.execute("SELECT data FROM hub_private")
    assert any("@" in r[0] for r in rows)


def test_a_kiosk_made_from_the_hub_with_its_own_login_holds_no_personal_field(
    tmp_path: Path, event: Event
) -> None:
    user, password = hubroles.create_station_login(event.server.dsn, "kiosk-2-id", "kiosk")
    own = ServerConfig(hubroles.station_dsn(event.server.dsn, user, password), "enrollment")
    path = tmp_path / "kiosk-2.sqlite"
    with Hub(own) as h:  # asks for everything: the hub's rule leaves the private part out
        init_from_hub(path, h, at("08:00"), receive=Receive.ALL, station_name="kiosk-2")
    with service(path) as s:
        assert reads(s.store).people.count() == 40
    assert not any(p.encode() in path.read_bytes() for p in personal(event.desk))


def test_a_refused_station_is_named_in_hub_status_and_at_the_desk(event: Event) -> None:
    # the door's database gets a new station id (a fork repair, a copied database): its
    # login writes under the old one, so the hub refuses its new entries
    store = Store.open(event.door)
    try:
        with store.write() as c:
            store.renew_station(c)
    finally:
        store.close()
    with service(event.door) as s:
        s.check_in(event.codes[0], "opening")
    result = sync(event.door, event.door_login)
    assert result.pushed == 0 and result.waiting == 1
    out = CliRunner().invoke(load_commands(), ["hub", "status", "--server", event.server.dsn])
    assert out.exit_code == 0, out.output
    assert "hub refuses entries of door-a" in out.output
    assert "refused (active)" in out.output
    loop = SyncLoop(lambda: Store.open(event.desk), Hub(event.server), at("09:10"))
    try:
        status = loop.step()
    finally:
        loop.close()
    assert [name for _, name, _ in status.refusals] == ["door-a"]
    assert status.notices("en")[0].startswith("the hub refuses entries of door-a: 1 entries")
    assert status.notices("zh")[0].startswith("中心服务器拒收 door-a 的记录")


def test_revoked_login_can_no_longer_connect(event: Event) -> None:
    assert hubroles.revoke_station_login(event.server.dsn, station_id(event.door)) == 1
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(event.door_login.dsn).close()


def test_publish_recreates_the_station_logins_on_a_new_hub(
    tmp_path: Path, event: Event, pg_cluster: object
) -> None:
    from tests.helpers.pgcluster import Cluster

    assert isinstance(pg_cluster, Cluster)
    hubroles.revoke_station_login(event.server.dsn, station_id(event.kiosk))
    sync(event.desk, event.server)  # the desk keeps its copy of the logins
    new = ServerConfig(pg_cluster.create_database(f"hub_new_{tmp_path.name[-20:].lower()}"), "t")
    with Hub(new) as h:
        h.init_schema()
    store = Store.open(event.desk)
    try:
        with Hub(new) as h:
            assert publish(store, h, at("10:00")).logins == 2
    finally:
        store.close()
    # the door's enrollment, pointed at the new hub, works as it did
    door_new = ServerConfig(
        hubroles.station_dsn(new.dsn, *_user_password(event.door_login.dsn)), "enrollment"
    )
    with service(event.door) as s:
        s.check_in(event.codes[3], "opening")
    assert sync(event.door, door_new).pushed >= 1
    with psycopg.connect(door_new.dsn, autocommit=True) as conn, pytest.raises(DENIED):
        conn.execute("DELETE FROM hub_entries")
    with psycopg.connect(new.dsn) as owner:  # the revoked kiosk stays revoked there
        rows = owner.execute("SELECT station_id FROM hub_members WHERE revoked_at IS NOT NULL")
        assert [r[0] for r in rows] == [station_id(event.kiosk)]
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(hubroles.station_dsn(new.dsn, *_user_password(event.kiosk_login.dsn)))


def _user_password(dsn: str) -> tuple[str, str]:
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    return str(info["user"]), str(info["password"])


def _heads(path: Path) -> dict[str, int]:
    from kiosk.storage import syncstate

    store = Store.open(path, readonly=True)
    try:
        return syncstate.local_heads(store.conn)
    finally:
        store.close()


def test_the_password_is_checked_by_a_hub_that_asks_for_one(tmp_path: Path) -> None:
    """On a cluster that asks stations for a password (SCRAM), the login the desk made
    from a verifier accepts the station's password and nothing else."""
    from tests.helpers.enrolling import asking_passwords
    from tests.helpers.pgcluster import Cluster

    cluster = Cluster()
    try:
        asking_passwords(cluster)
        dsn = cluster.create_database("hub_scram")
        with Hub(ServerConfig(dsn, "t")) as h:
            h.init_schema()
        user, password = hubroles.create_station_login(dsn, "door-x", "door")
        with psycopg.connect(hubroles.station_dsn(dsn, user, password)) as conn:
            assert conn.execute("SELECT station_id, role FROM hub_members").fetchall() == [
                ("door-x", "door")
            ]
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(hubroles.station_dsn(dsn, user, password[:-1] + "x")).close()
    finally:
        cluster.close()


def _next(conn: psycopg.Connection, sid: str) -> int:
    """The stream's next number (the hub refuses a gap)."""
    row = conn.execute("SELECT max(station_seq) FROM hub_entries WHERE station_id = %s",
                       (sid,)).fetchone()  # fmt: skip
    return 1 + int(row[0] or 0) if row else 1


def _insert(conn: psycopg.Connection, sid: str, kind: str, ref: str | None = None) -> str:
    u = uuid.uuid4()
    conn.execute(
        "INSERT INTO hub_entries (uuid, station_id, station_seq, station, at, kind, "
        "session_id, operator, ref, data) VALUES (%s, %s, %s, 'x', '2026-05-20T09:00:00', "
        "%s, '', '', %s, '{}') ON CONFLICT DO NOTHING",
        (u, sid, _next(conn, sid), kind, ref),
    )
    return str(u)


KINDS = [("kiosk", "entry", True), ("kiosk", "pin_attempt", True), ("kiosk", "exit", False),
     ("kiosk", "event", False), ("kiosk", "walk_in", False), ("kiosk", "edit", False),
     ("kiosk", "badge_issue", False), ("kiosk", "station_key", True), ("kiosk", "import", False), ("kiosk", "annul", False),
     ("door", "entry", True), ("door", "exit", True), ("door", "walk_in", True),
     ("door", "event", False), ("door", "edit", False), ("door", "import", False),
     ("door", "badge_revoke", False), ("door", "merge", False),
     ("door", "station_cert", False), ("door", "key_rotation", False)]  # fmt: skip


def test_a_station_stores_only_the_kinds_its_role_may_write(event: Event) -> None:
    for who, kind, stored in KINDS:
        path, own = (event.door, event.door_login) if who == "door" else (event.kiosk,
                                                                         event.kiosk_login)  # fmt: skip
        with psycopg.connect(own.dsn, autocommit=True) as conn:
            if stored:
                _insert(conn, station_id(path), kind)
            else:
                with pytest.raises(DENIED, match="row-level security"):
                    _insert(conn, station_id(path), kind)


def test_a_door_undoes_only_its_own_entries_on_the_hub(
    event: Event, door_conn: psycopg.Connection
) -> None:
    desks = door_conn.execute(
        "SELECT uuid FROM hub_entries WHERE station_id = %s LIMIT 1", (station_id(event.desk),)
    ).fetchone()
    assert desks is not None
    with pytest.raises(DENIED, match="row-level security"):
        _insert(door_conn, station_id(event.door), "annul", str(desks[0]))
    mine = _insert(door_conn, station_id(event.door), "entry")
    _insert(door_conn, station_id(event.door), "annul", mine)


@pytest.mark.parametrize("role", [Role.DOOR, Role.KIOSK])
def test_the_hubs_kinds_are_what_each_role_may_write(role: Role) -> None:
    """The hub's rule (kiosk.sync.hubschema) is the stations' (kiosk.trust.roles), with
    walk-ins at doors allowed (the event's setting is checked by every receiver)."""
    from datetime import UTC, datetime

    allowed = set(hubschema.DOOR_KINDS if role is Role.DOOR else hubschema.KIOSK_KINDS)
    assert STATION_KEY in allowed  # its key handover at enrollment (checked by verify)
    allowed.discard(STATION_KEY)
    if role is Role.DOOR:
        allowed.add("annul")  # of its own stream's entries only (checked above)
    kinds = {str(k) for k in LogKind} | {str(k) for k in TrustKind}
    for kind in kinds:
        entry = LogEntry(uuid="u", kind=kind, at=datetime(2026, 5, 20, tzinfo=UTC), station_id="s")
        trust_says = may_write(role, kind, entry, Policy(walk_ins_at_doors=True), "s") is None
        assert trust_says == (kind in allowed), kind

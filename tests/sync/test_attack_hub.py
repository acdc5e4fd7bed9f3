"""Red team (issue 18): a thief holding ONLY an unattended kiosk's files (its database, its
key file, its used enrollment file, the hub connection string beside its database), or a
door's, goes straight at the hub with psycopg and that station's own login. The event is
real: a demo desk, `hub init`, `station enroll` of a door and a kiosk, `init --enrollment`
on each, syncs. Every test here is an attack; each asserts what must hold."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from kiosk.cli import load_commands
from kiosk.storage import trust as tstore
from kiosk.storage.store import Store
from kiosk.sync.enroll import hub_file
from tests.helpers.syncing import codes

CLI = load_commands()
DENIED = psycopg.errors.InsufficientPrivilege


def run(*args: str, code: int = 0) -> Result:
    result = CliRunner().invoke(CLI, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


@dataclass
class Event:
    owner: str
    desk: Path
    door: Path
    kiosk: Path

    def dsn(self, station: Path) -> str:
        """What a thief finds beside the station's database: its own hub login."""
        return hub_file(station).read_text().strip()

    def sid(self, station: Path) -> str:
        s = Store.open(station, readonly=True)
        try:
            return s.station.id
        finally:
            s.close()

    def sync(self, station: Path) -> str:
        if station == self.desk:
            return run("sync", "--db", str(station), "--server", self.owner, "--once").output
        return run("sync", "--db", str(station), "--once").output


@pytest.fixture
def event(tmp_path: Path, hub_dsn: str) -> Event:
    desk, door, kiosk = (tmp_path / f"{n}.sqlite" for n in ("desk", "door", "kiosk"))
    run("hub", "init", "--server", hub_dsn)
    run("demo", "--db", str(desk), "--attendees", "12", "--day", "2024-11-04")
    run("hub", "publish", "--db", str(desk), "--server", hub_dsn)
    for name, role, path in (("Door A", "door", door), ("Kiosk 1", "kiosk", kiosk)):
        file = tmp_path / f"{role}.enroll"
        run("station", "enroll", "--db", str(desk), "--server", hub_dsn, "--role", role,
            "--name", name, "--out", str(file))  # fmt: skip
        run("sync", "--db", str(desk), "--server", hub_dsn, "--once")
        run("init", "--db", str(path), "--enrollment", str(file))
    ev = Event(hub_dsn, desk, door, kiosk)
    code = next(iter(codes(desk).values()))
    run("checkin", "--db", str(door), "--session", "opening", "--code", code,
        "--now", "2024-11-04T09:05")  # fmt: skip
    for p in (door, kiosk, desk, door, kiosk):
        ev.sync(p)
    return ev


@pytest.fixture
def kiosk(event: Event) -> Iterator[psycopg.Connection]:
    with psycopg.connect(event.dsn(event.kiosk), autocommit=True) as conn:
        yield conn


@pytest.fixture
def door(event: Event) -> Iterator[psycopg.Connection]:
    with psycopg.connect(event.dsn(event.door), autocommit=True) as conn:
        yield conn


def head(conn: psycopg.Connection, sid: str) -> int:
    row = conn.execute("SELECT head FROM hub_streams WHERE station_id = %s", (sid,)).fetchone()
    return int(row[0]) if row else 0


def insert(conn: psycopg.Connection, sid: str, seq: int, *, kind: str = "entry",
           data: str = "{}", extra: str = "", values: tuple[object, ...] = ()) -> str:  # fmt: skip
    u = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO hub_entries (uuid, station_id, station_seq, station, at, kind, "
        f"session_id, operator, data{extra}) VALUES (%s, %s, %s, 'Kiosk 1', "
        f"'2024-11-04T09:06:00+00:00', %s, 'opening', '', %s{', %s' * len(values)})",
        (u, sid, seq, kind, data, *values),
    )
    return u


# -- locks: one stolen login must not stall every station's sync ---------------------------
@pytest.mark.parametrize("table", ["hub_streams", "hub_stations", "hub_entries",
                                   "hub_private", "hub_meta", "hub_members"])  # fmt: skip
@pytest.mark.parametrize("who", ["kiosk", "door"])
def test_attack_a_station_login_cannot_lock_a_hub_table_against_the_others(
    event: Event, who: str, table: str
) -> None:
    """`LOCK TABLE hub_streams IN ACCESS EXCLUSIVE MODE` held in an open transaction would
    stop every station's round at its first query (the heads) for as long as the thief
    likes (PostgreSQL lets any login with UPDATE on a table lock it in any mode)."""
    with psycopg.connect(event.dsn(getattr(event, who))) as conn:
        for mode in ("SHARE", "ACCESS EXCLUSIVE"):
            with pytest.raises(DENIED):
                conn.execute(f"LOCK TABLE {table} IN {mode} MODE")
            conn.rollback()


# -- heads and numbers ---------------------------------------------------------------------
@pytest.mark.parametrize("new_head", [0, 1, 2**62])
def test_attack_a_station_cannot_move_its_own_head_off_what_the_hub_holds(
    event: Event, kiosk: psycopg.Connection, new_head: int
) -> None:
    """A head past the entries makes every station report billions 'behind' for ever; a
    head below them makes every station think the hub lost the kiosk's entries (a refill
    that never ends, 'hub replaced: refilling' at every door)."""
    sid = event.sid(event.kiosk)
    before = head(kiosk, sid)
    assert before >= 1
    with contextlib.suppress(DENIED):
        kiosk.execute("UPDATE hub_streams SET head = %s WHERE station_id = %s", (new_head, sid))
    assert head(kiosk, sid) == before


def test_attack_a_station_cannot_leave_a_gap_or_jump_to_a_huge_number(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """The hub's client checks for gaps (Hub._no_gap); psycopg does not. An entry at
    head + 1000, or at 2**63 - 1, blocks the stream at every receiver ("never past a gap")
    and leaves it 'behind' for ever."""
    sid = event.sid(event.kiosk)
    h = head(kiosk, sid)
    for seq in (h + 1000, 2**63 - 1):
        with pytest.raises(DENIED):
            insert(kiosk, sid, seq)
    insert(kiosk, sid, h + 1)  # the next number is fine


# -- filling the hub -----------------------------------------------------------------------
def test_attack_a_station_cannot_store_an_oversized_entry(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """One 20 MB check-in, pulled by every station (a page holds at least one entry,
    whatever its size): memory and disk at every station, for a kiosk's one INSERT."""
    sid = event.sid(event.kiosk)
    h = head(kiosk, sid)
    big = json.dumps({"pad": "x" * 20_000_000})
    with pytest.raises(DENIED):
        insert(kiosk, sid, h + 1, data=big)
    with pytest.raises(DENIED):  # nor in a text column beside it
        kiosk.execute(
            "INSERT INTO hub_entries (uuid, station_id, station_seq, station, at, kind, "
            "session_id, operator, data) VALUES (%s, %s, %s, %s, 'x', 'entry', 'opening', "
            "'', '{}')", (uuid.uuid4(), sid, h + 1, "K" * 20_000_000))  # fmt: skip
    with pytest.raises(DENIED):  # nor in its row of hub status
        kiosk.execute("UPDATE hub_stations SET refused = %s WHERE station_id = %s",
                      ("x" * 20_000_000, sid))  # fmt: skip


def test_attack_a_door_cannot_store_an_oversized_private_part(
    event: Event, door: psycopg.Connection
) -> None:
    sid = event.sid(event.door)
    h = head(door, sid)
    u = insert(door, sid, h + 1)
    with pytest.raises(DENIED):
        door.execute("INSERT INTO hub_private (uuid, station_id, data) VALUES (%s, %s, %s)",
                     (u, sid, json.dumps({"code": "FC1:" + "x" * 20_000_000})))  # fmt: skip


def test_attack_a_station_cannot_set_the_hubs_receive_time(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """`received_at` is the hub's word (conflicts list, clock skew): a station login that
    writes it could date its entries at will in every station's records."""
    sid = event.sid(event.kiosk)
    h = head(kiosk, sid)
    with pytest.raises(DENIED):
        insert(kiosk, sid, h + 1, extra=", received_at", values=("2000-01-01T00:00:00Z",))


def test_attack_a_station_login_cannot_exhaust_the_hubs_connections(event: Event) -> None:
    """Every station's login shares the server's max_connections (60 in the fixture): a
    stolen kiosk opening them all locks the desk and every door out of the hub."""
    opened: list[psycopg.Connection] = []
    refused = None
    try:
        for _ in range(20):
            try:
                opened.append(psycopg.connect(event.dsn(event.kiosk)))
            except psycopg.OperationalError as exc:
                refused = str(exc)
                break
    finally:
        for c in opened:
            c.close()
    assert refused is not None and "too many connections for role" in refused
    psycopg.connect(event.dsn(event.door)).close()  # the others still get in


# -- hostile entries for the receivers -----------------------------------------------------
HOSTILE = {
    "deeply nested JSON": "[" * 30_000 + "]" * 30_000,
    "not JSON": "{not json",
    "a JSON list": "[1, 2, 3]",
    "JSON null": "null",
    "a huge number": '{"badge_id": ' + "9" * 5000 + "}",
    "a time that is not one": "{}",
}


@pytest.mark.parametrize("what", list(HOSTILE))
def test_attack_a_hostile_entry_from_the_kiosk_stops_no_other_station(
    event: Event, kiosk: psycopg.Connection, what: str
) -> None:
    """The kiosk's login stores one entry whose payload is not what a station writes (all
    within the hub's bounds). Every receiver keeps it aside or refuses it; none crashes,
    and the door's next genuine scan still reaches the desk."""
    sid = event.sid(event.kiosk)
    n = head(kiosk, sid) + 1
    u = insert(kiosk, sid, n, data=HOSTILE[what])
    if what == "a time that is not one":
        with psycopg.connect(event.owner, autocommit=True) as owner:  # as if inserted so
            owner.execute("UPDATE hub_entries SET at = 'yesterday' WHERE uuid = %s", (u,))
    kiosk.execute("UPDATE hub_streams SET head = head + 1 WHERE station_id = %s", (sid,))
    code = list(codes(event.desk).values())[1]
    run("checkin", "--db", str(event.door), "--session", "opening", "--code", code,
        "--now", "2024-11-04T09:07")  # fmt: skip
    event.sync(event.door)
    event.sync(event.desk)
    d = Store.open(event.desk, readonly=True)
    try:
        scans = d.conn.execute("SELECT count(*) FROM log WHERE kind = 'entry' AND station = "
                               "'Door A'").fetchone()[0]  # fmt: skip
        held = {e.uuid: r for e, r in tstore.held(d.conn)}
        applied = d.conn.execute("SELECT count(*) FROM log WHERE uuid = ?", (u,)).fetchone()[0]
    finally:
        d.close()
    assert scans == 2
    assert u in held and applied == 0  # kept aside, never applied


# -- side doors to private fields: catalog, statistics, COPY, RETURNING, errors -------------
def test_attack_a_kiosk_login_finds_no_personal_field_through_side_doors(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """Statistics (pg_stats most common values) after an ANALYZE, COPY, RETURNING and ON
    CONFLICT DO UPDATE on hub_private, policy error texts: no e-mail or phone."""
    with psycopg.connect(event.owner, autocommit=True) as owner:
        owner.execute("ANALYZE")
        secrets = {r[0] for r in owner.execute("SELECT data FROM hub_private")}
    assert secrets
    seen = json.dumps(kiosk.execute("SELECT * FROM pg_stats WHERE tablename LIKE 'hub%%'")
                      .fetchall(), default=str)  # fmt: skip
    assert "@" not in seen
    sid = event.sid(event.kiosk)
    for sql in ("COPY hub_private TO STDOUT", "COPY (SELECT * FROM hub_private) TO STDOUT",
                "SELECT * FROM hub_logins", "SELECT * FROM pg_authid"):  # fmt: skip
        with pytest.raises(DENIED):
            kiosk.execute(sql)
    u = insert(kiosk, sid, head(kiosk, sid) + 1)
    for sql in ("INSERT INTO hub_private VALUES (%s, %s, '{}') RETURNING data",
                "INSERT INTO hub_private VALUES (%s, %s, '{}') ON CONFLICT (uuid) "
                "DO UPDATE SET data = EXCLUDED.data"):  # fmt: skip
        with pytest.raises(DENIED) as err:
            kiosk.execute(sql, (u, sid))
        assert "@" not in str(err.value)
    # the other members' rows and the logins' verifiers stay hidden
    assert kiosk.execute("SELECT count(*) FROM hub_members").fetchone() == (1,)


def test_attack_a_station_login_creates_nothing_on_the_hub(event: Event) -> None:
    """No role, no table or function in the hub's schema (a function shadowing one the
    desk calls would run with the desk's rights), no sequence."""
    with psycopg.connect(event.dsn(event.door), autocommit=True) as door:
        for sql in ("CREATE ROLE mallory LOGIN", "CREATE TABLE hub_x (k TEXT PRIMARY KEY)",
                    "CREATE FUNCTION lower(text) RETURNS text LANGUAGE sql AS 'SELECT 1'",
                    "CREATE SEQUENCE s", "CREATE SCHEMA evil",
                    "ALTER TABLE hub_entries DISABLE ROW LEVEL SECURITY"):  # fmt: skip
            with pytest.raises(DENIED):
                door.execute(sql)


def test_attack_a_station_login_cannot_fill_the_hub_outside_its_tables(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """Large objects and temporary tables escape every bound and policy of the hub's
    tables: `SELECT lo_from_bytea(0, …)` in a loop fills the hub's disk for good. `hub init`
    takes them from every login (the fixture's owner is a superuser, as a hub's usually is;
    an owner who may not is logged, and docs/ARCHITECTURE.md says what to run)."""
    for sql in ("SELECT lo_from_bytea(0, convert_to(repeat('x', 1000), 'UTF8'))",
                "SELECT lo_create(0)", "SELECT lo_creat(-1)",
                "CREATE TEMP TABLE t (x TEXT)"):  # fmt: skip
        with pytest.raises(DENIED):
            kiosk.execute(sql)


def test_attack_a_kiosk_cannot_fold_a_live_door_out_of_hub_status(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """`former` (the ids a fork repair retired) is the station's own word: a kiosk that
    claims the door's id hid the door's row in `hub status` (its heads folded under the
    kiosk). A station with a live login of its own is never folded away (the owner's view:
    the desk's `hub status`)."""
    door_id, sid = event.sid(event.door), event.sid(event.kiosk)
    kiosk.execute("UPDATE hub_stations SET former = %s, last_seen = CURRENT_TIMESTAMP "
                  "WHERE station_id = %s", (json.dumps([door_id]), sid))  # fmt: skip
    out = run("hub", "status", "--server", event.owner, "--json").output
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert any(door_id in json.dumps(r) and "Door A" in json.dumps(r) for r in rows), out


def test_attack_thousands_of_forged_entries_are_kept_aside_in_bounded_time(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """3,000 unsigned check-ins stored under the kiosk's own id (its login may): the desk
    pulls them, keeps every one aside, and its next genuine round is still quick."""
    import time

    sid = event.sid(event.kiosk)
    h = head(kiosk, sid)
    n = 3000
    with kiosk.cursor() as cur:
        cur.executemany(
            "INSERT INTO hub_entries (uuid, station_id, station_seq, station, at, kind, "
            "session_id, operator, attendee_id, outcome, data) VALUES (%s, %s, %s, 'Kiosk 1', "
            "'2024-11-04T09:06:00+00:00', 'entry', 'opening', '', 'X', 'admitted', %s)",
            [(uuid.uuid4(), sid, h + i, json.dumps({"pad": "x" * 1000})) for i in range(1, n + 1)],
        )
    kiosk.execute("UPDATE hub_streams SET head = %s WHERE station_id = %s", (h + n, sid))
    t0 = time.monotonic()
    event.sync(event.desk)
    first = time.monotonic() - t0
    t0 = time.monotonic()
    event.sync(event.desk)
    again = time.monotonic() - t0
    d = Store.open(event.desk, readonly=True)
    try:
        assert len(list(tstore.held(d.conn))) == n
    finally:
        d.close()
    out = run("conflicts", "--db", str(event.desk), "--json").output
    assert out.count('"held_entry"') == n
    print(f"desk pulled and kept aside {n} forged entries in {first:.2f}s; next round {again:.2f}s")
    assert first < 30 and again < 5


# -- the kiosk's own files -----------------------------------------------------------------
def test_attack_a_kiosk_whose_software_asks_for_private_parts_is_refused_by_the_hub(
    event: Event,
) -> None:
    """The thief changes the kiosk's software (or its `sync/receive` setting) so that its
    pull joins hub_private in: the hub refuses the query itself."""
    from kiosk.sync.hub import Hub, HubError
    from kiosk.sync.server import ServerConfig

    h = Hub(ServerConfig(event.dsn(event.kiosk), "thief"))
    h.connect()
    try:
        h.may_read_private = lambda: True  # type: ignore[method-assign]
        with pytest.raises(HubError, match="permission denied"):
            h.fetch(event.sid(event.desk), 0, 1000, 10**9, private=True)
    finally:
        h.close()


def test_attack_a_kiosk_with_a_swapped_key_file_is_kept_aside(event: Event) -> None:
    """The thief makes a key of its own for the kiosk's station id (the file beside the
    database) and checks someone in: every receiver keeps it aside (bad signature)."""
    sid = event.sid(event.kiosk)
    tstore.make_key(str(event.kiosk), sid)
    code = list(codes(event.desk).values())[2]
    run("checkin", "--db", str(event.kiosk), "--session", "opening", "--code", code,
        "--now", "2024-11-04T09:08")  # fmt: skip
    event.sync(event.kiosk)
    event.sync(event.desk)
    d = Store.open(event.desk, readonly=True)
    try:
        reasons = {e.station_id: str(r) for e, r in tstore.held(d.conn)}
        kiosk_scans = d.conn.execute("SELECT count(*) FROM log WHERE kind = 'entry' AND "
                                     "station_id = ?", (sid,)).fetchone()[0]  # fmt: skip
    finally:
        d.close()
    assert reasons == {sid: "bad_signature"} and kiosk_scans == 0


@pytest.mark.parametrize("who", ["kiosk", "door"])
def test_attack_every_kind_a_role_may_not_write_is_refused_at_the_hub(
    event: Event, who: str
) -> None:
    """Straight at the hub, every kind there is, under the login's own station id."""
    from kiosk.models.records import LogKind
    from kiosk.sync import hubschema
    from kiosk.trust.roles import TrustKind

    allowed = set(hubschema.KIOSK_KINDS if who == "kiosk" else hubschema.DOOR_KINDS)
    kinds = sorted(({str(k) for k in LogKind} | {str(k) for k in TrustKind}) - allowed)
    path = getattr(event, who)
    sid = event.sid(path)
    with psycopg.connect(event.dsn(path), autocommit=True) as conn:
        for kind in kinds:
            with pytest.raises(DENIED):
                insert(conn, sid, head(conn, sid) + 1, kind=kind)
    assert "event" in kinds and "import_commit" in kinds and "key_rotation" in kinds


def test_attack_a_session_opened_before_the_revocation_can_do_nothing_after(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """The thief keeps a session open while the desk revokes the kiosk (`--server`)."""
    sid = event.sid(event.kiosk)
    h = head(kiosk, sid)
    run("station", "revoke", "--db", str(event.desk), "--name", "Kiosk 1",
        "--server", event.owner)  # fmt: skip
    with pytest.raises(DENIED):
        insert(kiosk, sid, h + 1)
    with pytest.raises(DENIED):
        kiosk.execute("UPDATE hub_stations SET name = 'x' WHERE station_id = %s", (sid,))
    with pytest.raises(DENIED):
        kiosk.execute("SELECT count(*) FROM hub_entries")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(event.dsn(event.kiosk)).close()


@pytest.mark.parametrize("private", ["[" * 30_000 + "]" * 30_000, '{"fields": 5}', "[1]"])
def test_attack_a_hostile_private_part_from_the_door_stops_no_other_station(
    event: Event, door: psycopg.Connection, private: str
) -> None:
    """The door's login stores a walk-in of its own with a private part no station writes
    (the desk joins private parts in when it pulls): kept aside, the desk's round goes on."""
    sid = event.sid(event.door)
    u = insert(door, sid, head(door, sid) + 1, kind="walk_in", data='{"fields": {"name": "M"}}')
    door.execute("INSERT INTO hub_private (uuid, station_id, data) VALUES (%s, %s, %s)",
                 (u, sid, private))  # fmt: skip
    door.execute("UPDATE hub_streams SET head = head + 1 WHERE station_id = %s", (sid,))
    event.sync(event.desk)
    d = Store.open(event.desk, readonly=True)
    try:
        assert u in {e.uuid for e, _ in tstore.held(d.conn)}
    finally:
        d.close()


def test_attack_a_kiosk_cannot_raise_an_alert_in_another_stations_name(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """The kiosk writes its own status row as 'Door A' with a refusal: the desk's status bar
    says "hub refuses entries of NAME". The name must be the one its certificate gives."""
    from kiosk.sync.engine import SyncEngine
    from kiosk.sync.hub import Hub
    from kiosk.sync.server import ServerConfig
    from tests.helpers.clocks import at

    sid = event.sid(event.kiosk)
    kiosk.execute("UPDATE hub_stations SET name = 'Door A', refused = 'forged alert', "
                  "last_seen = CURRENT_TIMESTAMP, "
                  "refused_at = CURRENT_TIMESTAMP WHERE station_id = %s", (sid,))  # fmt: skip
    store = Store.open(event.desk)
    try:
        with Hub(ServerConfig(event.owner, "desk")) as h:
            r = SyncEngine(store, h, at("09:30")).round()
    finally:
        store.close()
    assert [(s, n) for s, n, _ in r.refusals] == [(sid, "Kiosk 1")]


def test_attack_a_kiosk_cannot_write_terminal_escapes_into_hub_status(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """Its status row's name and refusal are its own word: an ANSI escape there would rewrite
    the operator's terminal ("\\x1b[2K\\r" erases a line and prints a forged one)."""
    sid = event.sid(event.kiosk)
    kiosk.execute("UPDATE hub_stations SET name = %s, refused = %s, last_seen = "
                  "CURRENT_TIMESTAMP WHERE station_id = %s",
                  ("K\x1b[2K\rDoor A  active", "x\x1b]0;owned\x07", sid))  # fmt: skip
    out = run("hub", "status", "--server", event.owner).output
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out


def test_attack_a_kiosk_cannot_write_terminal_escapes_into_conflicts(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """A held entry's station name is the writer's own word; `conflicts` prints it."""
    sid = event.sid(event.kiosk)
    kiosk.execute(
        "INSERT INTO hub_entries (uuid, station_id, station_seq, station, at, kind, "
        "session_id, operator, data) VALUES (%s, %s, %s, %s, '2024-11-04T09:06:00+00:00', "
        "'entry', 'opening', '', '{}')",
        (uuid.uuid4(), sid, head(kiosk, sid) + 1, "K\x1b[2K\rDoor A\x9b31m"),
    )
    kiosk.execute("UPDATE hub_streams SET head = head + 1 WHERE station_id = %s", (sid,))
    event.sync(event.desk)
    for args in ((), ("--json",)):
        out = run("conflicts", "--db", str(event.desk), *args).output
        assert "Door A" in out
        assert not [ch for ch in "\x1b\r\x9b" if ch in out], args


def test_attack_a_station_revoked_without_server_loses_its_hub_login_at_the_desks_sync(
    event: Event,
) -> None:
    """`station revoke` without `--server` (the desk offline, or the option forgotten) left
    the thief's login alive: it went on storing entries at the hub (refused by receivers,
    but stored and pulled by all). The desk's next sync with the owner's rights drops it."""
    run("station", "revoke", "--db", str(event.desk), "--name", "Kiosk 1")
    event.sync(event.desk)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(event.dsn(event.kiosk)).close()
    psycopg.connect(event.dsn(event.door)).close()  # the door is still in


def test_attack_hardening_under_an_owner_who_is_not_a_superuser(
    tmp_path: Path, pg_cluster: object
) -> None:
    """The usual hub owner: a login with CREATEROLE that owns the hub's database, no
    superuser. `hub init` still works (what it may not take is logged and skipped), and a
    station login it makes gets no temporary tables (the database owner's to take)."""
    from tests.helpers.pgcluster import Cluster

    assert isinstance(pg_cluster, Cluster)
    name = f"hub_owner_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as su:
        su.execute(f"CREATE ROLE {name} LOGIN CREATEROLE PASSWORD '{name}-secret'")
        su.execute(f"CREATE DATABASE {name} OWNER {name}")
    owner = pg_cluster.dsn(name, password=f"{name}-secret").replace("user=kiosk", f"user={name}")
    desk = tmp_path / "desk.sqlite"
    run("hub", "init", "--server", owner)
    run("demo", "--db", str(desk), "--attendees", "4", "--day", "2024-11-04")
    run("hub", "publish", "--db", str(desk), "--server", owner)
    file = tmp_path / "k.enroll"
    run("station", "enroll", "--db", str(desk), "--server", owner, "--role", "kiosk",
        "--name", "Kiosk 9", "--out", str(file))  # fmt: skip
    run("sync", "--db", str(desk), "--server", owner, "--once")
    kiosk = tmp_path / "kiosk.sqlite"
    run("init", "--db", str(kiosk), "--enrollment", str(file))
    with psycopg.connect(hub_file(kiosk).read_text().strip()) as k:
        with pytest.raises(DENIED):
            k.execute("CREATE TEMP TABLE t (x TEXT)")
        k.rollback()
        with pytest.raises(DENIED):
            k.execute("LOCK TABLE hub_streams IN ACCESS EXCLUSIVE MODE")


@pytest.mark.parametrize("data", ['{"fields": 5}', '{"fields": [1, 2]}', '{"fields": null}'])
def test_attack_a_door_walk_in_no_station_writes_stops_no_names_only_kiosk(
    event: Event, door: psycopg.Connection, data: str
) -> None:
    """A names-only kiosk leaves private fields out of what it pulls (privacy.redact) BEFORE
    verifying: a door's walk-in whose `fields` is not an object must not fail its round."""
    sid = event.sid(event.door)
    u = insert(door, sid, head(door, sid) + 1, kind="walk_in", data=data)
    door.execute("UPDATE hub_streams SET head = head + 1 WHERE station_id = %s", (sid,))
    event.sync(event.kiosk)
    k = Store.open(event.kiosk, readonly=True)
    try:
        assert u in {e.uuid for e, _ in tstore.held(k.conn)}
    finally:
        k.close()


def test_an_honest_station_with_long_words_still_beats_within_the_hubs_bounds(
    event: Event,
) -> None:
    """The bounds on a status row (against a thief) never stop an honest heartbeat: a long
    Chinese name, a long refusal, many former ids are cut to fit."""
    from datetime import UTC, datetime

    from kiosk.sync.hub import Beat, Hub
    from kiosk.sync.server import ServerConfig

    sid = event.sid(event.door)
    beat = Beat(sid, "东门" * 200, datetime.now(UTC), 0, 1, 0, "all",
                former=tuple(str(uuid.uuid4()) for _ in range(300)), refused="拒" * 5000)  # fmt: skip
    with Hub(ServerConfig(event.dsn(event.door), "door")) as h:
        h.heartbeat(beat)
    with psycopg.connect(event.owner) as owner:
        row = owner.execute("SELECT name, refused FROM hub_stations WHERE station_id = %s",
                            (sid,)).fetchone()  # fmt: skip
    assert row is not None and row[0].startswith("东门") and row[1].startswith("拒")


def test_attack_station_revoke_on_a_kiosks_database_is_refused(event: Event) -> None:
    """The thief runs `station revoke --name "Door A"` on the kiosk's own database: it
    printed "revoked 'Door A'", wrote a revocation signed by the kiosk (kept aside by every
    receiver, refused by the hub: the kiosk's own stream then stuck), and made its own file
    refuse Door A. Like `station enroll`, it must say this is not the event's desk."""
    out = run("station", "revoke", "--db", str(event.kiosk), "--name", "Door A",
              "--server", event.dsn(event.kiosk), code=1).output  # fmt: skip
    assert "not the event's desk" in out


def test_attack_a_station_login_cannot_revoke_a_login_and_is_told_so(event: Event) -> None:
    """`revoke_station_login` with a station's own login found no row (it sees only its
    own) and returned 0 as if done: it says only the owner may."""
    from kiosk.sync import hubroles
    from kiosk.sync.hub import HubForbidden

    with pytest.raises(HubForbidden, match="only the hub's owner"):
        hubroles.revoke_station_login(event.dsn(event.kiosk), event.sid(event.door))
    psycopg.connect(event.dsn(event.door)).close()


def test_attack_a_kiosk_login_recovers_a_walk_ins_email_from_the_hub(
    event: Event, kiosk: psycopg.Connection
) -> None:
    """A walk-in registered at the desk (name and e-mail), synced. The kiosk's login reads
    its public part and `private_hash` from hub_entries and tries e-mails made from the name."""
    import hashlib
    import random

    from kiosk.checkin.service import CheckinService
    from kiosk.models.records import AttendeeInput
    from kiosk.trust.split import canonical
    from tests.helpers.clocks import at

    d = Store.open(event.desk)
    try:
        CheckinService(d, at("09:10"), rng=random.Random(3)).walk_in(
            AttendeeInput(name="Wang Lei", email="wang.lei@example.com"))  # fmt: skip
    finally:
        d.close()
    event.sync(event.desk)
    row = kiosk.execute("SELECT data, private_hash FROM hub_entries WHERE kind = 'walk_in' "
                        "ORDER BY received_at DESC LIMIT 1").fetchone()  # fmt: skip
    assert row is not None
    data, phash = row
    first, last = json.loads(data)["fields"]["name"].lower().split()
    found = [
        email
        for a, b in ((first, last), (last, first))
        for sep in ("", ".", "_")
        for dom in ("example.com", "example.org", "gmail.com")
        if hashlib.sha256(
            canonical({"fields": {"email": (email := f"{a}{sep}{b}@{dom}")}})
        ).digest()
        == bytes(phash)
    ]
    assert not found, f"the kiosk's login recovered {found}"

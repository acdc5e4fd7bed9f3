"""The hub's SQL stays portable (CockroachDB, YugabyteDB): the server logs every statement
the hub code sends during a full workout (init, publish, stations, check-ins both ways, a
restored backup's repair, status), and none uses a feature those engines lack or that
would tie the hub to one server."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.storage.store import Store
from kiosk.sync import hubroles
from kiosk.sync.hub import Hub
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.pgcluster import Cluster
from tests.helpers.syncing import codes, desk, service, station, sync

FORBIDDEN = {
    "LISTEN/NOTIFY": r"\b(UN)?LISTEN\b|\bNOTIFY\b|pg_notify",
    "advisory locks": r"pg_(try_)?advisory",
    "triggers": r"\bTRIGGER\b",
    "sequences": r"\bSEQUENCE\b|\bnextval\s*\(|\bcurrval\s*\(|\bsetval\s*\(|\b(BIG|SMALL)?SERIAL\b"
    r"|\bAS\s+IDENTITY\b",
    "table locks": r"\bLOCK\s+TABLE\b|\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE)\b",
    "system columns": r"\b(ctid|xmin|xmax|oid)\b|txid_current|pg_current_xact",
    "server-side code": r"\bCREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE|RULE)\b|\bplpgsql\b"
    r"|\bDO\s+\$",
}
_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] ", re.M)
_STATEMENT = re.compile(r"^(?:LOG|LOG:)?\s*(?:statement|execute [^:]*): (.*)", re.S)


def problems(statements: list[str]) -> list[str]:
    """Every statement that breaks a rule, with the rule."""
    out = []
    for sql in statements:
        flat = " ".join(sql.split())
        for rule, pattern in FORBIDDEN.items():
            if re.search(pattern, flat, re.I):
                out.append(f"{rule}: {flat[:120]}")
        if re.match(r"INSERT\b", flat, re.I) and "ON CONFLICT" not in flat.upper():
            out.append(f"insert that is not idempotent: {flat[:120]}")
        if re.match(r"CREATE\s+TABLE\b", flat, re.I) and "PRIMARY KEY" not in flat.upper():
            out.append(f"table without a primary key: {flat[:120]}")
    return out


def as_sent(sql: str) -> str:
    """A statement as the server logs it: psycopg's %s placeholders become $1, $2 …"""
    parts = " ".join(sql.split()).split("%s")
    return "".join(p + (f"${i}" if i < len(parts) else "") for i, p in enumerate(parts, 1))


def logged(cluster: Cluster, start: int) -> list[str]:
    text = cluster.log()[start:]
    out = []
    for chunk in _LINE.split(text):
        chunk = chunk.strip()
        if chunk.startswith("LOG:"):
            m = _STATEMENT.match(chunk[4:].lstrip())
            if m:
                out.append(m.group(1).strip())
    return out


def log_everything(cluster: Cluster, dsn: str) -> int:
    """The server logs every statement sent to this database from now on; returns where
    in its log that starts."""
    dbname = psycopg.conninfo.conninfo_to_dict(dsn)["dbname"]
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{dbname}\" SET log_statement = 'all'")
    return len(cluster.log())


def test_the_checker_finds_each_forbidden_feature() -> None:
    bad = ["LISTEN entries", "SELECT pg_notify('x', 'y')", "SELECT pg_advisory_lock(1)",
           "CREATE TRIGGER t BEFORE INSERT ON hub_entries EXECUTE FUNCTION f()",
           "CREATE SEQUENCE s", "SELECT nextval('s')", "CREATE TABLE t (id BIGSERIAL PRIMARY KEY)",
           "LOCK TABLE hub_entries", "SELECT * FROM hub_entries FOR UPDATE",
           "SELECT ctid FROM hub_entries", "INSERT INTO hub_meta VALUES ('a', 'b')",
           "CREATE TABLE t (a TEXT)", "DO $$ BEGIN END $$"]  # fmt: skip
    assert len(problems(bad)) >= len(bad)
    assert problems(["INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
                     "SELECT station_id, head FROM hub_streams"]) == []  # fmt: skip


def test_every_statement_the_hub_code_sends_is_portable(
    tmp_path: Path, pg_cluster: Cluster, hub_dsn: str
) -> None:
    start = log_everything(pg_cluster, hub_dsn)
    server = ServerConfig(hub_dsn, "test")
    client: list[str] = []
    runner = CliRunner()
    result = runner.invoke(load_commands(), ["hub", "init", "--server", hub_dsn])
    assert result.exit_code == 0, result.output
    d = desk(tmp_path, server)
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    all_codes = list(codes(d).values())
    with service(a) as s:
        for code in all_codes[:10]:
            s.check_in(code, "opening")
    sync(a, server)
    shutil.copyfile(a, tmp_path / "a-old.sqlite")  # a backup, then more, then restored
    with service(a) as s:
        for code in all_codes[10:20]:
            s.check_in(code, "opening")
    sync(a, server)
    con = sqlite3.connect(tmp_path / "a-old.sqlite")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for f in (Path(f"{a}-wal"), Path(f"{a}-shm")):
        f.unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "a-old.sqlite", a)
    with service(a, at("09:30")) as s:
        s.check_in(all_codes[25], "opening")
    assert sync(a, server).renumbered == 1
    sync(b, server)
    for args in (["hub", "status", "--server", hub_dsn, "--json"],
                 ["hub", "status", "--server", hub_dsn],
                 ["sync", "--db", str(b), "--server", hub_dsn, "--once"]):  # fmt: skip
        result = runner.invoke(load_commands(), args)
        assert result.exit_code == 0, result.output
    with Hub(server, on_sql=client.append) as h:
        _, _, rows = h.stations()
        h.forget(rows[0].station_id)
        h.identity()
    # stations with their own logins (issue 18): made, synced, revoked
    b_id = _station_id(b)
    user, password = hubroles.create_station_login(hub_dsn, b_id, "door")
    own = ServerConfig(hubroles.station_dsn(hub_dsn, user, password), "enrollment")
    with service(b) as s:
        s.check_in(all_codes[30], "opening")
    assert sync(b, own).pushed == 1
    sync(d, server)  # the desk keeps its copy of the logins
    hubroles.revoke_station_login(hub_dsn, b_id)
    statements = logged(pg_cluster, start)
    text = "\n".join(statements)
    for needed in ("INSERT INTO hub_entries", "FROM hub_streams", "CREATE TABLE IF NOT EXISTS",
                   "INSERT INTO hub_stations", "WHERE uuid = ANY", "INSERT INTO hub_forgotten",
                   "ADD COLUMN IF NOT EXISTS", "CREATE POLICY", "ENABLE ROW LEVEL SECURITY",
                   "CREATE ROLE", "GRANT SELECT ON", "NOLOGIN", "INSERT INTO hub_private"):  # fmt: skip
        assert needed in text, f"the log holds no {needed!r}: is the server logging?"
    assert password not in pg_cluster.log()  # only its SCRAM verifier reached the hub
    assert client and all(as_sent(c) in " ".join(text.split()) for c in client)
    assert problems(statements) == []


@pytest.mark.parametrize("sql", ["CREATE SEQUENCE x", "SELECT pg_advisory_lock(7)"])
def test_a_forbidden_statement_sent_would_be_caught(
    pg_cluster: Cluster, hub_dsn: str, sql: str
) -> None:
    start = log_everything(pg_cluster, hub_dsn)
    with psycopg.connect(hub_dsn, autocommit=True) as conn:
        conn.execute(sql)
    assert problems(logged(pg_cluster, start))


def _station_id(path: Path) -> str:
    store = Store.open(path)
    try:
        return store.station.id
    finally:
        store.close()

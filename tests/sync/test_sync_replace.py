"""The hub can be lost: a new hub at the same address, a hub emptied in place and a hub
restored from an older backup are refilled by the desk's publish and by the stations'
next rounds; nothing doubled, nothing lost, and everyone says what is happening."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.models.clock import ManualClock
from kiosk.storage import syncstate
from kiosk.storage.store import Store
from kiosk.sync import engine as engine_mod
from kiosk.sync.bootstrap import publish, until_caught_up
from kiosk.sync.engine import SyncEngine
from kiosk.sync.hub import Hub, HubRefused
from kiosk.sync.loop import SyncLoop, SyncStatus
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.pgcluster import Cluster
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station, sync, tables


def uuids(path: Path) -> set[str]:
    store = Store.open(path, readonly=True)
    try:
        return {e.uuid for e in reads(store).log.entries()}
    finally:
        store.close()


def hub_uuids(server: ServerConfig) -> list[str]:
    with Hub(server) as h:
        return [str(r[0]) for r in h._rows("SELECT uuid FROM hub_entries")]


def new_hub(cluster: Cluster, server: ServerConfig) -> str:
    """Drop the hub's database and make a fresh one at the same address; its identity."""
    name = str(psycopg.conninfo.conninfo_to_dict(server.dsn)["dbname"])
    cluster.drop_database(name)
    cluster.create_database(name)
    with Hub(server) as h:
        h.init_schema()
        return h.identity()


def republish(desk_path: Path, server: ServerConfig, clock: ManualClock | None = None) -> int:
    store = Store.open(desk_path)
    try:
        with Hub(server) as h:
            t = publish(store, h, clock or at("10:00"))
        assert t.waiting == 0
        return t.pushed
    finally:
        store.close()


def scan(path: Path, some: list[str], seed: int = 1, when: str = "09:05") -> None:
    with service(path, at(when), seed=seed) as s:
        for code in some:
            s.check_in(code, "opening")


@pytest.fixture
def forum(tmp_path: Path, server: ServerConfig) -> tuple[Path, Path, Path, list[str]]:
    """A desk and two doors, everyone synced, then door A's last scans not uploaded."""
    d = desk(tmp_path, server, attendees=60)
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    c = list(codes(d).values())
    scan(a, c[:20])
    scan(b, c[20:30], seed=2)
    for p in (a, b, d, a):
        sync(p, server)
    scan(a, c[30:35], when="09:20")  # only at A when the hub dies
    return d, a, b, c


def test_a_new_hub_at_the_same_address_is_refilled(
    tmp_path: Path, server: ServerConfig, pg_cluster: Cluster,
    forum: tuple[Path, Path, Path, list[str]],
) -> None:  # fmt: skip
    d, a, b, _ = forum
    with Hub(server) as h:
        old_id = h.identity()
    assert new_hub(pg_cluster, server) != old_id
    with pytest.raises(HubRefused, match="hub publish"):
        station(tmp_path, "door-c", server)  # nothing to make a station from yet
    assert not (tmp_path / "door-c.sqlite").exists()
    assert republish(d, server) == len(uuids(d))  # the desk uploads all it holds
    c = station(tmp_path, "door-c", server)
    assert tables(c) == tables(d)
    t = sync(a, server)
    assert t.pushed == 5 and t.waiting == 0  # only what the desk lacked
    assert sync(b, server).pushed == 0
    for p in (d, c):
        sync(p, server)
    union = uuids(a) | uuids(b) | uuids(d)
    held = hub_uuids(server)
    assert len(held) == len(set(held)) and set(held) == union
    assert tables(a) == tables(b) == tables(c) == tables(d)


def test_a_station_alone_refills_everything_it_holds(
    tmp_path: Path, server: ServerConfig, pg_cluster: Cluster,
    forum: tuple[Path, Path, Path, list[str]],
) -> None:  # fmt: skip
    """The desk is gone too: door B publishes, and the event survives with it."""
    d, _, b, _ = forum
    new_hub(pg_cluster, server)
    before = tables(b)
    assert republish(b, server) == len(uuids(b))
    assert set(hub_uuids(server)) == uuids(b) >= uuids(d)
    c = station(tmp_path, "door-c", server)
    assert tables(c) == before


def test_a_hub_emptied_in_place_is_refilled(
    server: ServerConfig, forum: tuple[Path, Path, Path, list[str]]
) -> None:
    d, a, b, _ = forum
    with Hub(server) as h:
        identity = h.identity()
        h._run("DELETE FROM hub_entries")
        h._run("DELETE FROM hub_streams")
        assert h.identity() == identity  # the same hub, emptied
    seen: list[SyncStatus] = []
    loop = SyncLoop(lambda: Store.open(b), Hub(server), at("10:00"), on_status=seen.append)
    try:
        while loop.step().next_in == 0:
            pass
    finally:
        loop.close()
    assert all(s.online for s in seen) and seen[-1].waiting == 0
    assert sum(s.pushed for s in seen) == len(uuids(b))  # it said "waiting 0" before
    for p in (a, d, b):
        sync(p, server)
    assert set(hub_uuids(server)) == uuids(a) | uuids(b) | uuids(d)
    assert tables(a) == tables(b) == tables(d)


def test_a_hub_restored_from_an_older_backup_is_refilled(
    tmp_path: Path, server: ServerConfig, pg_cluster: Cluster,
    forum: tuple[Path, Path, Path, list[str]],
) -> None:  # fmt: skip
    d, a, b, c = forum
    name = str(psycopg.conninfo.conninfo_to_dict(server.dsn)["dbname"])
    backup = pg_cluster.dump(name)
    sync(a, server)  # A's last five reach the hub, and B pulls them: then the hub dies
    scan(b, c[40:45], seed=3, when="09:25")
    sync(b, server)
    before = set(hub_uuids(server))
    pg_cluster.restore(name, backup)
    assert len(hub_uuids(server)) == len(before) - 10
    t = sync(b, server)  # B holds A's five too: it pushes them again
    assert (t.pushed, t.waiting) == (10, 0)
    assert set(hub_uuids(server)) == before
    assert sync(a, server).pushed == 0
    e = station(tmp_path, "door-e", server)
    sync(d, server)
    assert tables(a) == tables(b) == tables(d) == tables(e)


def test_positions_are_kept_per_hub(
    tmp_path: Path, server: ServerConfig, pg_cluster: Cluster,
    forum: tuple[Path, Path, Path, list[str]],
) -> None:  # fmt: skip
    d, a, _, c = forum
    other = ServerConfig(pg_cluster.create_database(f"{tmp_path.name[:40]}_other"), "test")
    with Hub(other) as h:
        h.init_schema()
        other_id = h.identity()
    with Hub(server) as h:
        first_id = h.identity()
    sync(a, server)
    assert republish(d, other) == len(uuids(d))
    assert sync(a, other).refilled  # a hub it did not know: everything it lacked
    store = Store.open(a, readonly=True)
    mine = syncstate.positions(store.conn, first_id), syncstate.positions(store.conn, other_id)
    store.close()
    assert mine[0] == mine[1] and sum(mine[0].values()) == len(uuids(a))
    scan(a, c[50:52], when="09:30")
    back = sync(a, server)  # back to the first hub: from where it was, nothing re-sent
    assert (back.pushed, back.refilled) == (2, False)


def test_the_refill_is_said_while_it_runs(
    tmp_path: Path, server: ServerConfig, pg_cluster: Cluster,
    forum: tuple[Path, Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    d, a, _, c = forum
    scan(a, c[35:60], seed=4, when="09:40")
    new_hub(pg_cluster, server)
    republish(d, server)
    monkeypatch.setattr(engine_mod, "PUSH_LIMIT", 10)
    monkeypatch.setattr(engine_mod, "ROUND_BUDGET_S", 0.0)  # one batch a round
    seen: list[SyncStatus] = []
    said: list[str] = []
    loop = SyncLoop(lambda: Store.open(a), Hub(server), at("10:00"), on_status=seen.append)
    try:
        while loop.step().next_in == 0:
            said.append(run_cli("hub", "status", "--server", server.dsn))
    finally:
        loop.close()
    refills = [s.refill for s in seen if s.refill is not None]
    assert len(refills) >= 2 and refills == sorted(refills)
    total = len(uuids(a))
    assert all(of == total for _, of in refills) and refills[0][0] < refills[-1][0] < total
    assert seen[-1].refill is None and seen[-1].waiting == 0
    assert "hub replaced: refilling (" in seen[0].notices()[0]
    assert "中心服务器已更换：正在补传" in seen[0].notices("zh")[0]
    assert any("hub replaced: refilling (" in out and "door-a" in out for out in said)
    assert "refilling" not in run_cli("hub", "status", "--server", server.dsn)


def test_publishing_a_new_event_is_not_a_refill(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    store = Store.open(d)
    try:
        assert reads(store).setting(syncstate.REFILL_KEY) is None
        with Hub(server) as h:
            again = until_caught_up(SyncEngine(store, h, at("10:00")))
    finally:
        store.close()
    assert not again.refilled and again.pushed == 0


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(load_commands(), list(args))
    assert result.exit_code == 0, result.output
    return result.output

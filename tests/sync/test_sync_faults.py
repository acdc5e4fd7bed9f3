"""A hub that is down, killed mid-sync or restarted, and a station restored from an older
backup: nothing lost, nothing doubled, and no check-in ever waits for the hub."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.models.outcomes import Outcome
from kiosk.storage import syncstate
from kiosk.storage.store import Store
from kiosk.sync.bootstrap import until_caught_up
from kiosk.sync.engine import SyncEngine
from kiosk.sync.hub import Hub, HubUnavailable, Pushed
from kiosk.sync.loop import Link, SyncLoop
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.pgcluster import Cluster, free_port
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station, sync, tables
from tests.helpers.tables import projection_tables


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    """A cluster of this test's own, to stop and kill: it keeps what it committed (a kill
    must lose nothing the hub acknowledged, as on a real server)."""
    cluster = Cluster({"synchronous_commit": "on"})
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.close()


def hub_on(cluster: Cluster) -> ServerConfig:
    config = ServerConfig(cluster.create_database("hub"), "test")
    with Hub(config) as h:
        h.init_schema()
    return config


def uuids(path: Path) -> set[str]:
    store = Store.open(path, readonly=True)
    try:
        return {e.uuid for e in reads(store).log.entries()}
    finally:
        store.close()


def hub_uuids(server: ServerConfig) -> list[str]:
    with Hub(server) as h:
        return [str(r[0]) for r in h._rows("SELECT uuid FROM hub_entries")]


def scan_all(path: Path, all_codes: list[str], session: str = "opening", seed: int = 1) -> None:
    with service(path, at("09:05"), seed=seed) as s:
        for code in all_codes:
            s.check_in(code, session)


def test_a_dead_hub_is_one_line_offline_with_back_off(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server)
    a = station(tmp_path, "door-a", server)
    dead = ServerConfig(f"host=127.0.0.1 port={free_port()} user=kiosk password=Sup3r-s3cret "
                        "dbname=hub", "test")  # fmt: skip
    clock = at("09:05")
    loop = SyncLoop(lambda: Store.open(a), Hub(dead), clock, interval=1.0, rng=random.Random(3))
    delays = []
    for _ in range(7):
        status = loop.step()
        assert status.link is Link.OFFLINE
        assert "\n" not in status.message and "Sup3r-s3cret" not in status.message
        assert "127.0.0.1" in status.message
        delays.append(status.next_in)
    assert 1.6 <= delays[0] <= 2.4 and 3.2 <= delays[1] <= 4.8
    assert delays[:3] == sorted(delays[:3]) and all(8 <= d <= 12 for d in delays[3:])  # capped
    scan_all(a, list(codes(d).values())[:7])  # check-ins go on meanwhile
    assert loop.step().waiting == 7
    loop.close()


def test_a_station_offline_for_a_while_then_back(tmp_path: Path, own_cluster: Cluster) -> None:
    server = hub_on(own_cluster)
    d = desk(tmp_path, server)
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    own_cluster.stop()
    loop = SyncLoop(lambda: Store.open(a), Hub(server), at("09:05"))
    assert loop.step().link is Link.OFFLINE
    scan_all(a, list(codes(d).values()))
    offline = loop.step()
    assert offline.link is Link.OFFLINE and offline.waiting == 40
    own_cluster.start()
    back = loop.step()
    assert back.link is Link.ONLINE and back.pushed == 40 and back.waiting == 0
    loop.close()
    sync(b, server)
    assert tables(a) == tables(b)
    with service(b) as s:
        assert reads(s.store).presence.admitted("opening") == 40


class KillAfter(Hub):
    """A real hub whose server is killed after the n-th push of this client, after the
    hub committed it and before the station hears back (the worst moment)."""

    def __init__(self, server: ServerConfig, cluster: Cluster, pushes: int) -> None:
        super().__init__(server)
        self.cluster, self.left = cluster, pushes

    def push(self, entries: list, receipts: Any = None) -> Pushed:  # type: ignore[override]
        done = super().push(entries, receipts)
        self.left -= 1
        if self.left == 0:
            self.cluster.kill()
            raise HubUnavailable("hub: killed")
        return done


def test_the_hub_killed_mid_sync_loses_and_doubles_nothing(
    tmp_path: Path, own_cluster: Cluster
) -> None:
    server = hub_on(own_cluster)
    d = desk(tmp_path, server, attendees=300)
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    all_codes = list(codes(d).values())
    for session in ("opening", "energy-transition", "showcase"):
        scan_all(a, all_codes, session)  # 900 entries: a batch, the kill, then the rest
    store, killer = Store.open(a), KillAfter(server, own_cluster, 1)
    try:
        with pytest.raises(HubUnavailable):
            until_caught_up(SyncEngine(store, killer, at("09:00")))
    finally:
        killer.close()
        store.close()
    own_cluster.start()
    new = uuids(a) - uuids(d)
    assert 0 < len(new & set(hub_uuids(server))) < len(new) == 900
    sync(a, server)  # the acknowledgment of the second batch was lost: reconciled
    assert sorted(hub_uuids(server)) == sorted(uuids(a))
    # B pulls, and the hub dies under it
    store, hub = Store.open(b), Hub(server)
    fetched = [0]
    real_fetch = hub.fetch

    def fetch(*args: object, **kwargs: bool) -> list:  # type: ignore[type-arg]
        fetched[0] += 1
        if fetched[0] == 3:
            own_cluster.kill()
        return real_fetch(*args, **kwargs)  # type: ignore[arg-type]

    hub.fetch = fetch  # type: ignore[method-assign]
    import kiosk.sync.engine as engine

    page = engine.PULL_LIMIT
    engine.PULL_LIMIT = 300
    try:
        with pytest.raises(HubUnavailable):
            until_caught_up(SyncEngine(store, hub, at("09:00")))
    finally:
        engine.PULL_LIMIT = page
        hub.close()
        store.close()
    assert 0 < len(uuids(b) - uuids(d)) < 900
    own_cluster.start()
    sync(b, server)
    assert uuids(b) == uuids(a)
    assert tables(b) == tables(a)
    hub_list = hub_uuids(server)
    assert len(hub_list) == len(set(hub_list)) == len(uuids(a))
    with service(b) as s:
        assert reads(s.store).presence.admitted("opening") == 300


def backup(path: Path, to: Path) -> None:
    src = sqlite3.connect(path)
    dst = sqlite3.connect(to)
    src.backup(dst)
    dst.close()
    src.close()


def restore(backup_file: Path, path: Path) -> None:
    for f in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        f.unlink(missing_ok=True)
    shutil.copyfile(backup_file, path)


@pytest.mark.parametrize("new_entries_first", [True, False])
def test_a_station_restored_from_an_older_backup_loses_nothing(
    tmp_path: Path, server: ServerConfig, new_entries_first: bool
) -> None:
    d = desk(tmp_path, server, attendees=60)
    a, b = station(tmp_path, "door-a", server), station(tmp_path, "door-b", server)
    c = list(codes(d).values())
    scan_all(a, c[:20])
    sync(a, server)
    backup(a, tmp_path / "a-backup.sqlite")
    scan_all(a, c[20:40])  # in the hub, lost at A with its disk
    sync(a, server)
    scan_all(b, c[50:55])
    sync(b, server)
    lost = uuids(a)
    old_id = Store.open(a, readonly=True).station.id
    restore(tmp_path / "a-backup.sqlite", a)
    assert Store.open(a, readonly=True).station.id == old_id  # same machine, same file
    if new_entries_first:
        with service(a, at("09:20"), seed=5) as s:  # numbers the hub holds already
            for code in c[30:45]:
                s.check_in(code, "opening")
    t = sync(a, server)
    assert t.renumbered == (15 if new_entries_first else 0)
    if not new_entries_first:
        scan_all(a, c[30:45], seed=5)
        sync(a, server)
    sync(b, server)
    assert lost <= uuids(a)
    assert uuids(a) == uuids(b) == set(hub_uuids(server))
    assert tables(a) == tables(b)
    with service(a) as s:
        assert reads(s.store).presence.admitted("opening") == 50  # c[0:45] and c[50:55]
        dups = s.store.conn.execute("SELECT COUNT(*) FROM duplicates").fetchone()[0]
        assert dups == (10 if new_entries_first else 0)  # c[30:40]: before, and after
        station_id = s.store.station.id
        moved = list(syncstate.renumbered(s.store.conn))
        assert (station_id != old_id) == new_entries_first
        assert len(moved) == t.renumbered
        assert all(r["from_station_id"] == old_id and r["station_id"] == station_id
                   for r in moved)  # fmt: skip
        names = {e.station for e in reads(s.store).log.entries(station_id=station_id)}
        assert names <= {"door-a"}
        before = projection_tables(s.store)
        s.store.rebuild_projections()
        assert projection_tables(s.store) == before
        # A scan there now: already in, with the first time and station
        again = s.check_in(c[35], "opening")
        assert again.outcome is Outcome.ALREADY_CHECKED_IN and again.prior is not None
        assert again.prior.station == "door-a"


def test_the_log_stays_append_only(tmp_path: Path, server: ServerConfig) -> None:
    d = desk(tmp_path, server, attendees=3)
    store = Store.open(d)
    try:
        e = next(iter(reads(store).log.entries()))
        for sql, params in (
            ("UPDATE log SET data = '{}' WHERE uuid = ?", (e.uuid,)),
            ("UPDATE log SET station_id = 'x', station_seq = 1 WHERE uuid = ?", (e.uuid,)),
            ("DELETE FROM log WHERE uuid = ?", (e.uuid,)),
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                store.conn.execute(sql, params)
        store.conn.execute("INSERT INTO log_renumbered VALUES ('x', 1, ?, ?, ?, '', '')",
                           (e.uuid, e.station_id, e.station_seq))  # fmt: skip
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # only those two
            store.conn.execute("UPDATE log SET station_id = 'x', station_seq = 1, "
                               "operator = 'm' WHERE uuid = ?", (e.uuid,))  # fmt: skip
        store.conn.execute("UPDATE log SET station_id = 'x', station_seq = 1 WHERE uuid = ?",
                           (e.uuid,))  # fmt: skip
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.conn.execute("DELETE FROM log_renumbered")
    finally:
        store.close()

"""A standby takes over: the hub runs as a pg_auto_failover formation (a monitor, a
primary and a synchronous hot standby, on loopback), the stations connect with a
multi-host string, and the primary is killed (the whole node: keeper and postgres) while
two stations, each its own process, check people in. Check-ins go on locally, the
stations reach the new primary by themselves, every entry the hub acknowledged before the
kill is on the new primary (as it was: not pushed again), and the stations converge."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.models.event import load_event
from kiosk.storage.base import from_ts
from kiosk.storage.store import Store
from kiosk.sync.hub import Hub
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import EVENT_DAY
from tests.helpers.pgha import NODES, Formation
from tests.helpers.reads import reads
from tests.helpers.station_run import Running
from tests.helpers.syncing import codes, desk, station, tables

SCANS = 300
EVERY_MS = 40  # about 12 s of scanning per station


def receipts(path: Path) -> dict[str, datetime]:
    """The entries this station heard the hub acknowledge, with the hub's receive time."""
    store = Store.open(path, readonly=True)
    try:
        return {str(r[0]): from_ts(str(r[1]))
                for r in store.conn.execute("SELECT uuid, received_at FROM hub_receipts")}  # fmt: skip
    finally:
        store.close()


def uuids(path: Path) -> set[str]:
    store = Store.open(path, readonly=True)
    try:
        return {e.uuid for e in reads(store).log.entries()}
    finally:
        store.close()


def outage(statuses: list[dict[str, object]], killed: float) -> float:
    """Seconds from the kill to the first successful round after the link was lost."""
    lost = False
    for s in statuses:
        t = float(s["t"])  # type: ignore[arg-type]
        if t < killed:
            continue
        if s["link"] != "online":
            lost = True
        elif lost:
            return t - killed
    raise AssertionError(f"never back online after the kill: {statuses[-3:]}")


def plans(all_codes: list[str]) -> list[list[list[str]]]:
    start = load_event().moved_to(EVENT_DAY).session("opening").start
    out = []
    for i in range(2):
        order = random.Random(i).sample(all_codes, len(all_codes))
        out.append([[order[k % len(order)], "opening",
                     (start + timedelta(seconds=5 + k + i / 2)).isoformat()]
                    for k in range(SCANS)])  # fmt: skip
    return out


def kill_while_scanning(f: Formation, doors: list[Running], expect: int) -> tuple[float, float]:
    """Scans flow, the primary node is killed, scans go on, everyone settles; (the time of
    the kill, seconds until the standby was promoted)."""
    old = f.primary()
    for s in doors:
        s.send(f"scan {SCANS} {EVERY_MS}")
    time.sleep(3)  # scans flowing to the hub
    killed = time.time()
    f.crash(old)
    f.wait_primary(next(n for n in NODES if n != old))
    promoted = time.time() - killed
    for s in doors:
        reply = s.answer(240)
        assert reply["scanned"] == SCANS and reply["slowest_s"] < 5  # check-ins went on
    for s in doors:
        s.send(f"settle {expect} 180")
    for s in doors:
        assert s.answer(200)["ok"], s.stderr()
    return killed, promoted


def quit_all(doors: list[Running]) -> list[dict[str, Any]]:
    summaries = []
    for s in doors:
        try:
            summaries.append(s.quit())
        finally:
            s.kill()
    return summaries


def check_the_new_primary(f: Formation, server: ServerConfig, new: str, killed: float,
                          paths: list[Path]) -> None:  # fmt: skip
    """The stations' string reaches the new primary; every entry a station heard the hub
    acknowledge before the kill is there, as it was then (its receive time unchanged:
    not pushed again after the failover); the hub holds exactly what the stations hold."""
    with Hub(server) as h:
        port = h._conn.info.port
        held = {str(r[0]): r[1] for r in h._rows("SELECT uuid, received_at FROM hub_entries")}
    assert port == f.ports[new]
    at_kill = datetime.fromtimestamp(killed, UTC)
    for p in paths[:-1]:  # the doors (the desk, last, was idle)
        acked = {u: t for u, t in receipts(p).items() if t < at_kill}
        assert acked and {u: held.get(u) for u in acked} == acked
    assert set(held) == set().union(*(uuids(p) for p in paths))


@pytest.mark.slow
def test_the_standby_takes_over_while_two_stations_check_in(
    tmp_path: Path, ha_formation: Formation
) -> None:
    f = ha_formation
    server = ServerConfig(f.dsn, "test")
    result = CliRunner().invoke(load_commands(), ["hub", "init", "--server", f.dsn])
    assert result.exit_code == 0, result.output
    d = desk(tmp_path, server, attendees=150)
    paths = [station(tmp_path, f"door-{i}", server) for i in range(2)]
    doors = [Running(p, plan, f"door-{i}", f.dsn, f"machine-{i}", interval=0.8)
             for i, (p, plan) in enumerate(zip(paths, plans(list(codes(d).values())),
                                               strict=True))]  # fmt: skip
    old = f.primary()
    new = next(n for n in NODES if n != old)
    expect = len(uuids(d)) + 2 * SCANS
    try:
        killed, promoted = kill_while_scanning(f, doors, expect)
    finally:
        summaries = quit_all(doors)
    times = [outage(x["statuses"], killed) for x in summaries]
    print(f"\nfailover: {old} killed, {new} promoted after {promoted:.1f}s; kill to first "
          f"successful sync: {', '.join(f'{t:.1f}s' for t in times)}")  # fmt: skip
    assert all(t < 60 for t in times)
    check_the_new_primary(f, server, new, killed, [*paths, d])
    assert len(uuids(paths[0]) | uuids(paths[1]) | uuids(d)) == expect
    assert tables(paths[0]) == tables(paths[1])
    f.start(old)  # the old primary rejoins as the standby
    f.wait_ready(90)
    assert f.primary() == new

"""Sync throughput, both ways: entries per second uploaded by one station and downloaded
(and applied through the projections) by another, against a local PostgreSQL hub.

Prints one table: push, pull, and pull at a names-only kiosk, side by side; then the same
between two doors enrolled at the desk (trusted: every entry signed by its door, and
verified by the other before it is applied), each with its own hub login, on a hub of their own.
Goal: at least 5,000 entries/s both ways.

    .venv/bin/python bench/sync_throughput.py [--entries 20000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from synclib import add_scans, desk, hub_and_desk, make_hub, make_station

from kiosk.models.clock import SystemClock
from kiosk.storage.store import Store
from kiosk.sync.bootstrap import until_caught_up
from kiosk.sync.engine import SyncEngine
from kiosk.sync.hub import Hub
from kiosk.sync.privacy import Receive


def timed_sync(path: Path, server: object) -> tuple[float, int, int]:
    store = Store.open(path)
    try:
        with Hub(server) as h:  # type: ignore[arg-type]
            engine = SyncEngine(store, h, SystemClock())
            engine.round(pull=False, push=False)  # connect and check outside the timing
            t0 = time.perf_counter()
            t = until_caught_up(engine)
            return time.perf_counter() - t0, t.pushed, t.pulled
    finally:
        store.close()


def run_cli(*args: str) -> None:
    from click.testing import CliRunner

    from kiosk.cli import load_commands

    result = CliRunner().invoke(load_commands(), list(args))
    assert result.exit_code == 0, result.output


def trusted_doors(folder: Path, desk: Path, dsn: str) -> tuple[Path, Path]:
    """Two doors enrolled at the desk (`station enroll`, `init --enrollment`)."""
    doors = []
    for name in ("door-t1", "door-t2"):
        file = folder / f"{name}.enroll"
        run_cli("station", "enroll", "--db", str(desk), "--server", dsn, "--role", "door",
                "--name", name, "--out", str(file))  # fmt: skip
        doors.append((folder / f"{name}.sqlite", file))
    run_cli("sync", "--db", str(desk), "--server", dsn, "--once")
    for path, file in doors:
        run_cli("init", "--db", str(path), "--enrollment", str(file))
    return doors[0][0], doors[1][0]


def own_login(path: Path) -> object:
    """An enrolled station's own hub login (the file `init --enrollment` wrote beside it)."""
    from kiosk.sync.server import resolve

    return resolve(None, Path(str(path) + ".hub"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=20_000)
    args = ap.parse_args()
    rows = []
    with hub_and_desk("throughput", attendees=1000) as (cluster, folder, server, _):
        a = make_station(folder, "door-a", server)
        b = make_station(folder, "door-b", server)
        kiosk = make_station(folder, "kiosk", server, receive=Receive.NAMES)
        add_scans(a, args.entries)
        secs, pushed, _ = timed_sync(a, server)
        rows.append(("push (A uploads its scans)", pushed, secs))
        secs, _, pulled = timed_sync(b, server)
        rows.append(("pull (B downloads and applies)", pulled, secs))
        secs, _, pulled = timed_sync(kiosk, server)
        rows.append(("pull at a names-only kiosk", pulled, secs))
        trusted = make_hub(cluster, "throughput_trusted")  # the same event, its own hub
        (folder / "trusted").mkdir()
        t_desk = desk(folder / "trusted", trusted, attendees=1000)
        t1, t2 = trusted_doors(folder / "trusted", t_desk, trusted.dsn)
        add_scans(t1, args.entries)
        secs, pushed, _ = timed_sync(t1, own_login(t1))
        rows.append(("push, signed (door T1)", pushed, secs))
        secs, _, pulled = timed_sync(t2, own_login(t2))
        rows.append(("pull, verified (door T2)", pulled, secs))
    print(f"{'variant':<34}{'entries':>9}{'seconds':>10}{'entries/s':>12}")
    for name, n, secs in rows:
        print(f"{name:<34}{n:>9}{secs:>10.2f}{n / secs:>12,.0f}")
    print("goal: >= 5,000 entries/s both ways")


if __name__ == "__main__":
    main()

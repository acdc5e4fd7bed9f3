"""Applying is crash-safe at every point: a station's `sync` is killed (SIGKILL) at many
exact points of pulling and applying a 100,000-row import and a stream of scans; each
time, after a reopen and one `sync --once`, its projections equal those of a station
that was never killed, and `sync` says honestly what it did.

The kill points are exact, not timed: tests/helpers/killsync.py runs the command with a
trace on every SQLite connection and kills the process at the Nth COMMIT (as it starts,
or just after it)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.storage import syncstate
from kiosk.storage.store import Store
from kiosk.sync.server import ServerConfig
from tests.helpers.bigevent import import_people, scan_stream
from tests.helpers.pgcluster import Cluster
from tests.helpers.reads import reads
from tests.helpers.syncing import desk, station, sync, tables

REPO = Path(__file__).resolve().parents[2]
IMPORTED = 100_000
SCANS = 3_000
KILLS = 22


@dataclass
class Scene:
    server: ServerConfig
    template: Path  # a station made before the import and the scans: all still to pull
    expected: dict[str, list[tuple[object, ...]]]  # a station that was never killed
    commits: int  # commits of one whole `sync --once` from the template
    folder: Path


def run_killed(
    db: Path, server: ServerConfig, n: int, mode: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.helpers.killsync", str(n), mode, "--", "sync", "--db",
         str(db), "--once"],
        cwd=REPO, env={**os.environ, "FORUM_CHECKIN_HUB": server.dsn},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def copy_db(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture(scope="module")
def scene(pg_cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    folder = tmp_path_factory.mktemp("kill")
    server = ServerConfig(pg_cluster.create_database(f"kill_{os.getpid()}"), "test")
    from kiosk.sync.hub import Hub

    with Hub(server) as h:
        h.init_schema()
    d = desk(folder, server, attendees=50)
    b = station(folder, "door-b", server)
    made = station(folder, "door-k", server)
    store = Store.open(made)
    store.checkpoint()  # one file: copies of it are whole
    store.close()
    template = folder / "template.sqlite"
    shutil.copyfile(made, template)
    import_people(d, IMPORTED)
    sync(d, server)
    sync(b, server)
    scan_stream(b, SCANS)
    sync(b, server)
    whole = copy_db(template, folder / "whole.sqlite")
    done = run_killed(whole, server, 10**9, "before")
    assert done.returncode == 0, done.stderr
    commits = int(re.findall(r"completed after (\d+) commits", done.stderr)[-1])
    expected = tables(whole)
    sync(d, server)
    assert expected == tables(d) == tables(b)
    people = Store.open(whole, readonly=True)
    assert reads(people).people.count() == IMPORTED + 50
    people.close()
    yield Scene(server, template, expected, commits, folder)


def kill_points(commits: int) -> list[tuple[int, str]]:
    """KILLS different points spread over the whole sync, half as a COMMIT starts and
    half just after one; the first and the last commit always among them."""
    ns = sorted({1, commits, *(1 + (commits - 1) * i // (KILLS - 1) for i in range(KILLS))})
    points = [(n, "before" if i % 2 == 0 else "after") for i, n in enumerate(ns)]
    extra = iter(n for n in range(2, commits) if n not in ns)
    while len(points) < KILLS:
        points.append((next(extra), "after"))
    return points


@pytest.mark.slow
def test_a_station_killed_anywhere_in_a_sync_is_whole_after_one_more(
    scene: Scene, tmp_path: Path
) -> None:
    points = kill_points(scene.commits)
    assert scene.commits >= KILLS and len(set(points)) >= 20
    left_pending = 0
    slowest = 0.0
    for i, (n, mode) in enumerate(points):
        db = copy_db(scene.template, tmp_path / f"k{i}.sqlite")
        killed = run_killed(db, scene.server, n, mode)
        assert killed.returncode == -signal.SIGKILL, (n, mode, killed.stderr[-2000:])
        store = Store.open(db)  # the reopen
        pending = syncstate.pending_committed(store.conn)
        store.close()
        left_pending += pending > 0
        t0 = time.monotonic()
        result = CliRunner().invoke(load_commands(), ["sync", "--db", str(db), "--server",
                                                      scene.server.dsn, "--once"])  # fmt: skip
        slowest = max(slowest, time.monotonic() - t0)
        assert result.exit_code == 0, result.output
        line = result.output.strip().splitlines()[-1]
        assert "waiting 0, behind 0" in line, (n, mode, line)
        if pending:
            assert f"{pending} entries left by an interrupted sync applied" in line
        assert tables(db) == scene.expected, (n, mode)
        for f in tmp_path.glob(f"k{i}.sqlite*"):
            f.unlink()
    print(f"\n{len(points)} kill points over {scene.commits} commits; "
          f"{left_pending} left committed chunks unapplied; slowest recovery {slowest:.1f}s")  # fmt: skip
    assert left_pending >= 1  # some kills did land between an import's commit and its chunks


@pytest.mark.slow
def test_behind_is_honest_while_chunks_wait(scene: Scene, tmp_path: Path) -> None:
    """Killed after the import's commit arrived and before its chunks were applied: the
    station says it is behind, with the hub away too, and a round with the hub away
    applies them (whatever arrives)."""
    for n in range(scene.commits - 1, 0, -1):  # the last kill point that leaves some
        db = copy_db(scene.template, tmp_path / f"b{n}.sqlite")
        assert run_killed(db, scene.server, n, "after").returncode == -signal.SIGKILL
        store = Store.open(db)
        pending = syncstate.pending_committed(store.conn)
        store.close()
        if pending:
            break
    else:
        pytest.fail("no kill point left committed chunks unapplied")
    from tests.helpers.pgcluster import free_port

    away = f"host=127.0.0.1 port={free_port()} user=kiosk dbname=hub connect_timeout=1"
    result = CliRunner().invoke(load_commands(), ["sync", "--db", str(db), "--server", away,
                                                  "--once"])  # fmt: skip
    assert result.exit_code == 1 and "offline" in result.output
    assert f"behind {pending}" not in result.output  # applied, and said so:
    assert f"{pending} entries left by an interrupted sync applied" in result.output
    store = Store.open(db)
    assert syncstate.pending_committed(store.conn) == 0  # applied although the hub is away
    store.close()
    t = sync(db, scene.server)
    assert (t.waiting, t.behind) == (0, 0)
    assert tables(db) == scene.expected

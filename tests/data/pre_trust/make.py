"""Makes the databases of the release before trusted stations (issue 18), committed beside
this file: run once with that release's code, e.g.

    git worktree add --detach /tmp/pre-trust 91597ec^   # the commit before kiosk/trust
    .venv/bin/python tests/data/pre_trust/make.py /tmp/pre-trust

- desk.sqlite: `demo` (20 attendees, 2024-11-04), two check-ins at the desk, published to
  a hub of that release;
- door.sqlite: `init --from-hub` (a verify-only door, the owner's connection string),
  two check-ins synced, then two more not synced yet;
- hub.sql: that hub (`pg_dump --inserts`), holding the desk's log and the door's first two.
Each database's own station identity is in `identity.json` (the fixture is placed at
another path in a test: kiosk.storage.station.fingerprint differs there).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.helpers.pgcluster import Cluster  # noqa: E402


def main(old_tree: str) -> None:
    py = [sys.executable, "-c", "from kiosk.cli import main; main()"]
    work = Path(tempfile.mkdtemp(prefix="pre-trust-"))
    desk, door = str(work / "desk.sqlite"), str(work / "door.sqlite")

    def run(*args: str) -> str:
        r = subprocess.run([*py, *args], cwd=old_tree, capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"{args}: {r.stdout}{r.stderr}")
        return r.stdout

    cluster = Cluster()
    try:
        cluster.start()
        dsn = cluster.create_database("hub_pre_trust")
        run("demo", "--db", desk, "--attendees", "20", "--day", "2024-11-04", "--seed", "7")
        ids = [
            r[0]
            for r in sqlite3.connect(desk).execute(
                "SELECT attendee_id FROM attendees ORDER BY attendee_id LIMIT 6"
            )
        ]
        for a in ids[:2]:
            run(
                "checkin",
                "--db",
                desk,
                "--session",
                "opening",
                "--attendee",
                a,
                "--station",
                "Desk",
                "--now",
                "2024-11-04T09:01",
            )
        run("hub", "init", "--server", dsn)
        run("hub", "publish", "--db", desk, "--server", dsn)
        run("init", "--db", door, "--from-hub", dsn, "--station", "Door A")
        for a in ids[2:4]:
            run(
                "checkin",
                "--db",
                door,
                "--session",
                "opening",
                "--attendee",
                a,
                "--station",
                "Door A",
                "--now",
                "2024-11-04T09:05",
            )
        run("sync", "--db", door, "--server", dsn, "--once")
        run("sync", "--db", desk, "--server", dsn, "--once")
        for a in ids[4:6]:
            run(
                "checkin",
                "--db",
                door,
                "--session",
                "opening",
                "--attendee",
                a,
                "--station",
                "Door A",
                "--now",
                "2024-11-04T09:10",
            )
        identity = {}
        for name, path in (("desk", desk), ("door", door)):
            c = sqlite3.connect(path)
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            idents = [
                json.loads(raw)
                for (raw,) in c.execute("SELECT value FROM settings WHERE key LIKE 'station/%'")
            ]
            identity[name] = max(
                idents,
                key=lambda i: c.execute(
                    "SELECT coalesce(max(seq), 0) FROM log WHERE station_id = ?", (i["id"],)
                ).fetchone()[0],
            )  # the identity that wrote here last
            (HERE / (name + ".sqlite")).unlink(missing_ok=True)
            c.execute(f"VACUUM INTO '{HERE / (name + '.sqlite')}'")
            c.close()
        (HERE / "identity.json").write_text(json.dumps(identity, indent=1) + "\n")
        dump = subprocess.run(
            [str(cluster.bin / "pg_dump"), "--inserts", "--no-owner", "--no-acl", dsn],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines = [line for line in dump.splitlines() if not line.startswith("\\")]  # psql's
        (HERE / "hub.sql").write_text("\n".join(lines) + "\n")
    finally:
        cluster.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1])

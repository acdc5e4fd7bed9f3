"""`python -m tools.screenshots.expired FOLDER`: a real hub (a private PostgreSQL cluster
that asks station logins for their password) serving the demo event, and a door enrolled
there whose login has just expired on the hub, for the status-bar screenshots of an
expired enrollment (scripts/screens_xvfb_expired.sh). Prints the door's database, then
keeps the hub up until stdin closes."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

from tests.helpers.enrolling import asking_passwords, enrolled
from tests.helpers.pgcluster import Cluster


def main(folder: Path) -> None:
    cluster = Cluster()
    try:
        asking_passwords(cluster)
        hub = cluster.create_database("hub_expired")
        _desk, door, _file = enrolled(folder, hub, "door", "Door A", 60)
        with psycopg.connect(hub, autocommit=True) as owner:  # the hub's clock passed it
            owner.execute("UPDATE hub_members SET valid_until = %s",
                          (datetime.now(UTC) - timedelta(seconds=1),))  # fmt: skip
        print(door, flush=True)
        sys.stdin.read()
    finally:
        cluster.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))

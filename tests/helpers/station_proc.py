"""One station as its own process (a machine of its own: $FORUM_CHECKIN_MACHINE_ID), for
the multi-station tests: makes its database from the hub if it has none, checks in the
scans it is given while its sync loop runs in a thread, then syncs until it holds
`expect` entries in all and a round begun after its last check-in left nothing waiting
(`synced`), and prints a JSON summary.

    FORUM_CHECKIN_HUB=… FORUM_CHECKIN_MACHINE_ID=m1 python -m tests.helpers.station_proc \
        DB SCANS.json NAME EXPECT
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.models.clock import SystemClock
from kiosk.storage.store import Store
from kiosk.sync.bootstrap import init_from_hub
from kiosk.sync.host import make_loop
from kiosk.sync.hub import Hub
from kiosk.sync.loop import SyncStatus
from kiosk.sync.server import resolve


def main(db: str, scans_file: str, name: str, expect: int) -> None:
    server = resolve()
    path = Path(db)
    if not path.exists():
        with Hub(server) as h:
            init_from_hub(path, h, SystemClock(), station_name=name)
    scans = json.loads(Path(scans_file).read_text())
    statuses: list[SyncStatus] = []
    loop = make_loop(path, server, interval=0.2, on_status=statuses.append)
    stop = threading.Event()
    worker = threading.Thread(target=loop.run, args=(stop,))
    worker.start()
    store = Store.open(path)
    service = CheckinService(store, SystemClock(), rng=random.Random(name))
    outcomes: Counter[str] = Counter()
    slowest = 0.0
    for code, session, at in scans:
        t0 = time.perf_counter()
        outcomes[service.check_in(code, session, at=datetime.fromisoformat(at)).outcome] += 1
        slowest = max(slowest, time.perf_counter() - t0)
    # The round under way now may have begun (and counted what waits) before the last
    # check-in: only a round begun after it says whether this station's entries are all
    # on the hub. (Reading the last status at once let a door stop before it pushed.)
    done_at = len(statuses)
    deadline = time.monotonic() + 120
    synced = False
    while time.monotonic() < deadline:
        total = store.conn.execute("SELECT COUNT(*) FROM log").fetchone()[0]
        fresh = statuses[done_at + 1 :]
        if total >= expect and fresh and fresh[-1].waiting == 0:
            synced = True
            break
        time.sleep(0.1)
    stop.set()
    worker.join(30)
    store.close()
    print(json.dumps({"name": name, "outcomes": dict(outcomes), "slowest_s": slowest,
                      "offline": sum(1 for s in statuses if not s.online), "synced": synced,
                      "held": total, "last": statuses[-1].to_json() if statuses else None}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))

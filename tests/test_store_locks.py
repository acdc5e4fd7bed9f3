"""Opening a database a second time in a process must not drop the first connection's
locks: closing any descriptor of the file drops every POSIX lock of the process on it,
and then another process's close deletes the WAL under the first connection, whose later
commits reach nobody (found by the dashboard tests: the station child had several lanes open)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.checkin.bootstrap import init_database
from kiosk.models.event import load_event
from kiosk.models.records import LogKind
from kiosk.storage.store import Store
from tests.helpers.clocks import at

REPO = Path(__file__).resolve().parent.parent
OTHER = """
import sys
from kiosk.storage.store import Store
from tests.helpers.reads import reads
s = Store.open(sys.argv[1])
print(sum(1 for e in reads(s).log.entries() if e.kind.value == "pin_attempt"))
s.close()
"""


def other_process(db: Path) -> int:
    out = subprocess.run([sys.executable, "-c", OTHER, str(db)], cwd=REPO, check=True,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    return int(out.stdout.strip())


def test_a_second_open_in_the_process_keeps_the_first_ones_writes_visible(tmp_path: Path) -> None:
    db = tmp_path / "event.sqlite"
    init_database(db, load_event()).close()
    clock = at("09:05")
    first = Store.open(db)
    try:
        with first.write() as c:
            first.append(c, LogKind.PIN_ATTEMPT, clock.now(), data={"ok": True})
        second = Store.open(db)  # another lane of the same process
        second.close()
        assert other_process(db) == 1  # another process opens and closes it
        with first.write() as c:
            first.append(c, LogKind.PIN_ATTEMPT, clock.now(), data={"ok": False})
        assert Path(f"{db}-wal").exists()
        assert other_process(db) == 2  # the later commit reached the file everyone reads
    finally:
        first.close()
    assert other_process(db) == 2

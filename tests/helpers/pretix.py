"""Tickets as pretix issues them, for scans of codes that are not our own badges.

pretix's default ticket secret generator (pretix/base/secrets.py,
`RandomTicketSecretGenerator`) makes `get_random_string(length=settings.ENTROPY
['ticket_secret'], allowed_chars='abcdefghjkmnpqrstuvwxyz23456789')`: 32 characters by
default, lower case, without o, 0, 1, i, l.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.formats.importer import import_attendees
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.data_files import PRETIX_CHECKIN_HEADER, pretix_checkin_rows, write_csv

PRETIX_SECRET_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"
PRETIX_SECRET_LENGTH = 32
assert not set("o01il") & set(PRETIX_SECRET_CHARS)
assert set(PRETIX_SECRET_CHARS) <= set(string.ascii_lowercase + string.digits)


def pretix_secret(rng: random.Random) -> str:
    return "".join(rng.choice(PRETIX_SECRET_CHARS) for _ in range(PRETIX_SECRET_LENGTH))


def import_pretix(db: Path, folder: Path, n: int = 6, seed: int = 20) -> list[tuple[str, str]]:
    """Imports `n` pretix positions with real-shaped secrets; (attendee name, secret)."""
    rng = random.Random(seed)
    rows = pretix_checkin_rows(n)
    for row in rows:
        row[9] = pretix_secret(rng)
    f = write_csv(folder / "pretix.csv", PRETIX_CHECKIN_HEADER, rows)
    store = Store.open(db)
    try:
        result = import_attendees(CheckinService(store, at("07:30")), f, skip_bad=True)
        assert result.written, result
    finally:
        store.close()
    return [(str(r[1]), str(r[9])) for r in rows]

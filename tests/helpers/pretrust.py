"""The databases of the release before trusted stations (tests/data/pre_trust/make.py)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

from kiosk.storage.station import fingerprint

DATA = Path(__file__).resolve().parents[1] / "data" / "pre_trust"
IDENTITY = json.loads((DATA / "identity.json").read_text())


def place(name: str, folder: Path) -> Path:
    """The fixture database as it sits on its own machine (its station identity kept)."""
    dest = folder / f"{name}.sqlite"
    shutil.copyfile(DATA / f"{name}.sqlite", dest)
    os.chmod(dest, 0o600)
    c = sqlite3.connect(dest)
    with c:
        c.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)",
                  ("station/" + fingerprint(str(dest)), json.dumps(IDENTITY[name])))  # fmt: skip
    c.close()
    return dest

"""Which station writes: a uuid per database and machine, and a human name.

The id is kept inside the database, keyed by a fingerprint of the machine and of the
database file's place on it. A database copied to a second machine (or to a second file
on the same machine) therefore gets a new station id the first time it is opened there:
two stations never write entries under one id.

`FORUM_CHECKIN_MACHINE_ID` overrides the machine's id (containers without
/etc/machine-id, and tests that play several machines).
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from pathlib import Path

_MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


def machine_id() -> str:
    override = os.environ.get("FORUM_CHECKIN_MACHINE_ID", "").strip()
    if override:
        return override
    for name in _MACHINE_ID_FILES:
        try:
            text = Path(name).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text:
            return text
    return f"{uuid.getnode():012x}-{socket.gethostname()}"


def fingerprint(db_path: str) -> str:
    """This machine and this database file: the key of the station identity."""
    place = db_path if db_path == ":memory:" else os.path.realpath(db_path)
    return hashlib.sha256(f"{machine_id()}\0{place}".encode()).hexdigest()[:24]


def default_name() -> str:
    """A new station's name until someone names it: this computer's host name."""
    host = socket.gethostname().split(".")[0].strip()
    return host or "station"


def clean_name(name: str) -> str:
    """A station name as shown and logged: one line, at most 60 characters."""
    text = " ".join(name.split())
    if not text:
        raise ValueError("a station name cannot be empty")
    return text[:60]

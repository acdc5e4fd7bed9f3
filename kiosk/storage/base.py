"""What the store's parts share: instants as text, uuids, versions, JSON payloads."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from typing import Any


def ts(dt: datetime) -> str:
    """Instants are stored as fixed-width UTC ISO text, so that text order is time order
    (isoformat: the same text as strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"), 5x faster)."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


_uuid_lock = threading.Lock()
_uuid_last = [0, 0]  # (milliseconds, counter) of the previous uuid made by this process


def new_uuid() -> str:
    """A version-7 uuid (RFC 9562): random, and ordered by creation time, so that the log's
    uuid index grows at its end. Within one millisecond a counter (RFC 9562, method 1)
    keeps them in creation order: two entries of one station with the same clock time
    are ordered as they were made."""
    with _uuid_lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _uuid_last[0]:
            ms, counter = _uuid_last[0], _uuid_last[1] + 1
            if counter > 0xFFF:
                ms, counter = ms + 1, 0
        else:
            counter = int.from_bytes(os.urandom(2), "big") & 0x1FF
        _uuid_last[:] = [ms, counter]
    tail = bytearray(os.urandom(8))
    tail[0] = 0x80 | (tail[0] & 0x3F)
    h = (ms.to_bytes(6, "big") + (0x7000 | counter).to_bytes(2, "big") + bytes(tail)).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"  # str(uuid.UUID(bytes=...))


def version(at_text: str, entry_uuid: str) -> str:
    """An entry's place in the projections' order: its own time, then its uuid. As text,
    comparable with `<`: every station orders the same entries the same way."""
    return f"{at_text}|{entry_uuid}"


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def to_json(value: Any) -> str:
    return _encode(value)


def from_json(text: str | None) -> Any:
    return json.loads(text) if text else {}

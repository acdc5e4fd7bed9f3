"""Creating event databases: `init` (an event as written) and the demo (moved to today)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kiosk.checkin.codes import BadgeSigner, new_private_key
from kiosk.models.errors import DatabaseUnavailable
from kiosk.models.event import Event
from kiosk.storage.store import Store


def init_database(
    path: str | Path, event: Event, key_seed: bytes | None = None, at: datetime | None = None
) -> Store:
    """Open (creating) the database at `path` and load `event` with a new signing key.

    The only way a database is created. Loading the same event again keeps the existing
    key (badges stay valid) and records the updated program; another event is refused.
    """
    store = Store.open(path, create=True)
    try:
        with store.snapshot() as tx:
            loaded = tx.setting("event") is not None
        if loaded:
            if store.event().id != event.id:
                raise DatabaseUnavailable(
                    f"{path}: already holds event {store.event().id!r}; use a new database"
                )
            with store.snapshot() as tx:
                private, public = tx.keys()
            if event.to_dict() == store.event().to_dict():
                return store
        else:
            private = new_private_key(key_seed)
            public = BadgeSigner(event.id, private).public_key
        store.set_event(event, private, public, at or datetime.now(UTC))
    except BaseException:
        store.close()
        raise
    return store

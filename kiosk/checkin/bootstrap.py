"""Creating event databases: `init` (an event as written) and the demo (moved to today)."""

from __future__ import annotations

from pathlib import Path

from kiosk.checkin.codes import BadgeSigner, new_private_key
from kiosk.models.errors import StorageError
from kiosk.models.event import Event
from kiosk.storage.store import Store


def init_database(path: str | Path, event: Event, key_seed: bytes | None = None) -> Store:
    """Open (creating) the database at `path` and load `event` with a new signing key.

    Loading the same event again keeps the existing key (badges stay valid) and
    updates the program; another event is refused.
    """
    store = Store.open(path)
    try:
        if store.has_event():
            if store.event().id != event.id:
                raise StorageError(
                    f"{path}: already holds event {store.event().id!r}; use a new database"
                )
            private, public = store.keys()
        else:
            private = new_private_key(key_seed)
            public = BadgeSigner(event.id, private).public_key
        store.set_event(event, private, public)
    except BaseException:
        store.close()
        raise
    return store

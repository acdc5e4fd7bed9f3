"""Creating event databases: `init` (an event as written) and the demo (moved to today)."""

from __future__ import annotations

from pathlib import Path

from kiosk.errors import StorageError
from kiosk.event import Event
from kiosk.store import Store
from kiosk.tokens import BadgeSigner, new_private_key


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

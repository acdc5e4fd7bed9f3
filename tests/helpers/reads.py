"""Reads of a store outside any transaction, for tests' one-line checks: the same
groups as a transaction's `Tx` (kiosk.storage.tx), each query on its own."""

from __future__ import annotations

from kiosk.storage.store import Store
from kiosk.storage.tx import Tx


def reads(store: Store) -> Tx:
    return Tx(store.conn, store.event)

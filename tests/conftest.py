"""Shared fixtures. Qt must not need a display: offscreen is set before Qt starts."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.app.refguard import pin_singletons

# PySide6 6.12 drops references to None/True/False on void calls (see ui/app/refguard.py).
pin_singletons()

import pytest

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import build_demo
from kiosk.models.clock import ManualClock
from kiosk.models.event import load_event
from kiosk.storage.store import Store
from tests.helpers.clocks import EVENT_DAY, at

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "qr-photos"


@pytest.fixture
def clock() -> ManualClock:
    return at("09:05")


@pytest.fixture
def store() -> Iterator[Store]:
    """An in-memory store holding the embedded event as written (4 Nov 2024)."""
    s = Store.memory()
    from kiosk.checkin.codes import BadgeSigner, new_private_key

    event = load_event()
    key = new_private_key(b"tests")
    s.set_event(event, key, BadgeSigner(event.id, key).public_key, at("07:00").now())
    yield s
    s.close()


@pytest.fixture
def service(store: Store, clock: ManualClock) -> CheckinService:
    return CheckinService(store, clock, rng=random.Random(1))


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo(path, attendees=120, day=EVENT_DAY, seed=7)
    return path


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of a 120-attendee demo database on the forum's day."""
    dst = tmp_path / "demo.sqlite"
    src = Store.open(demo_db_template)
    try:
        src.conn.execute("VACUUM INTO ?", (str(dst),))
    finally:
        src.close()
    return dst


@pytest.fixture
def file_store(tmp_path: Path) -> Iterator[Store]:
    s = init_database(tmp_path / "event.sqlite", load_event())
    yield s
    s.close()

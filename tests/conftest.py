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
from tests.helpers.cupsd import PrintLab, PrivateCups, available

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "qr-photos"


# -- printing: no test ever sees the machine's own printers -------------------------------
def pytest_configure(config: pytest.Config) -> None:
    """Point libcups (Qt's print support, pycups, lp) at a private CUPS server of this test
    process, with no printers, before anything can ask for one: libcups reads the server
    once per thread and keeps it. The machine's client.conf and lpoptions are not read
    (CUPS_SERVERROOT), nor LPDEST / PRINTER. Print tests use `print_lab`, another private
    server with printers."""
    desk = PrivateCups.prepare("cupsdesk-")
    config.stash[_DESK_CUPS] = desk
    for var in ("LPDEST", "PRINTER"):
        os.environ.pop(var, None)
    os.environ["CUPS_SERVER"] = desk.server
    os.environ["CUPS_SERVERROOT"] = str(desk.dir / "etc")


def pytest_unconfigure(config: pytest.Config) -> None:
    desk = config.stash.get(_DESK_CUPS, None)
    if desk is not None:
        desk.stop()


_DESK_CUPS = pytest.StashKey[PrivateCups]()


@pytest.fixture(scope="session", autouse=True)
def desk_cups(pytestconfig: pytest.Config) -> PrivateCups:
    """The test process's own CUPS server (CUPS_SERVER), running, without printers: the
    desk and Qt see "no printer" on any machine."""
    desk = pytestconfig.stash[_DESK_CUPS]
    if desk.proc is None and not available():
        desk.start()
        import cups

        # Pin this (the Qt GUI) thread's libcups to it, whatever CUPS_SERVER says later.
        cups.setServer(desk.server)
    return desk


@pytest.fixture(scope="session")
def print_lab() -> Iterator[PrintLab]:
    """A private CUPS server with printers (tests/helpers/cupsd.PrintLab): PDF, Label,
    Zebra, DYMO, QL, Dead, Stall. Not the process's default server: pass
    `print_lab.server` or set CUPS_SERVER for the test."""
    why = available()
    if why:
        pytest.fail(f"the print tests need a private CUPS: {why}")
    lab = PrintLab.start()
    yield lab
    lab.stop()


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

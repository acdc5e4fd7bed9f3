"""Issue 20: a VIP (or a speaker, or an attendee flagged for attention) checking in at a
self check-in kiosk alerts the other stations' desks and dashboards through the hub: the
status bar, the desk's panel, the alert sound. A delegate at the kiosk alerts nobody, nor
does a VIP at a staffed desk (the host is fetched there). Timing: bench/kiosk_alerts.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import Category
from kiosk.sync.hub import Hub
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.pgcluster import Cluster
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station, sync


@pytest.fixture
def hub() -> Iterator[ServerConfig]:
    cluster = Cluster()
    try:
        cluster.start()
        server = ServerConfig(cluster.create_database("hub"), "test")
        with Hub(server) as h:
            h.init_schema()
        yield server
    finally:
        cluster.close()


def test_a_vip_at_a_kiosk_alerts_the_desk_and_the_dashboard(
    qtbot: Any, make_shell: Any, tmp_path: Path, hub: ServerConfig
) -> None:
    front = desk(tmp_path, hub, attendees=120)
    a = station(tmp_path, "desk-a", hub)
    k = station(tmp_path, "kiosk-1", hub)
    badges = codes(front)
    with service(front) as s:
        people = list(reads(s.store).people.everyone())
    vip, vip_at_desk = [p for p in people if p.category == Category.VIP][:2]
    others = [p for p in people if p.category == Category.DELEGATE and not p.attention]
    shell = make_shell(a, clock=at("09:05"), server=hub)
    win = shell.window
    qtbot.waitUntil(lambda: "last sync" in shell.sync.label.full, timeout=20000)
    sounds: list[str] = []
    shell.sounds.play = sounds.append  # the player itself is silent here: what it was asked
    with service(k, at("09:06")) as s:  # at the kiosk: a delegate, then the VIP
        assert s.check_in(badges[others[0].attendee_id], "opening", Method.SELF).outcome is (
            Outcome.ADMITTED
        )
        assert s.check_in(badges[vip.attendee_id], "opening", Method.SELF).outcome is (
            Outcome.ADMITTED
        )
        # a VIP scanned at a staffed desk of that station: its host is fetched there
        assert s.check_in(badges[vip_at_desk.attendee_id], "opening", Method.HANDHELD).outcome is (
            Outcome.ADMITTED
        )
    sync(k, hub)  # the kiosk's round uploads them
    qtbot.waitUntil(lambda: bool(win.last_arrivals), timeout=15000)
    assert len(win.last_arrivals) == 1
    line = win.last_arrivals[0]
    assert vip.name in line and "kiosk-1" in line and "09:06" in line and "贵宾" in line
    assert vip.name in win.staff.panel.notice.text() and win.staff.panel.notice.isVisible()
    assert "attention" in sounds
    win.set_mode("dashboard")
    assert vip.name in win.status.currentMessage()

"""Issue 9, inside the app: the sync worker in the station host, the status bar, the
dashboard's two views and its conflicts, against a real PostgreSQL hub."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.models.outcomes import Method, Outcome
from kiosk.station.syncproto import SyncUpdate
from kiosk.sync.hub import Hub
from kiosk.sync.loop import Link, SyncStatus
from kiosk.sync.server import ServerConfig
from tests.helpers.clocks import at
from tests.helpers.pgcluster import Cluster
from tests.helpers.reads import reads
from tests.helpers.syncing import codes, desk, service, station, sync
from ui.sync.status import describe


@pytest.fixture
def hub() -> Iterator[tuple[Cluster, ServerConfig]]:
    cluster = Cluster()
    try:
        cluster.start()
        server = ServerConfig(cluster.create_database("hub"), "test")
        with Hub(server) as h:
            h.init_schema()
        yield cluster, server
    finally:
        cluster.close()


def _label(shell: Any) -> str:
    return shell.sync.label.text()


def _waiting(shell: Any) -> int:
    found = re.search(r"(\d+) waiting to upload", _label(shell))
    return int(found.group(1)) if found else -1


def _admitted(dash: Any) -> str:
    card = dash.cards.get("opening")
    return card.admitted_label.text() if card is not None else ""


def test_two_stations_sync_through_the_hub_and_the_desk_survives_its_loss(
    qtbot: Any, make_shell: Any, tmp_path: Path, hub: tuple[Cluster, ServerConfig]
) -> None:
    cluster, server = hub
    front = desk(tmp_path, server, attendees=20)
    a = station(tmp_path, "door-a", server)
    b = station(tmp_path, "door-b", server)
    badges = list(codes(front).values())
    # B admits someone and uploads (the command line's `sync --once` does the same).
    with service(b, at("09:01")) as s:
        assert s.check_in(badges[0], "opening").outcome is Outcome.ADMITTED
    sync(b, server)

    shell = make_shell(a, clock=at("09:05"), server=server, sync_interval=0.3)
    win = shell.window
    qtbot.waitUntil(
        lambda: "online" in _label(shell) and "last sync" in _label(shell), timeout=15000
    )
    assert "0 waiting to upload" in _label(shell)
    assert shell.sync.label.level == "ok"
    # B's admission arrived: the same badge at A is a repeat, with B's time and station.
    with qtbot.waitSignal(win.result_shown, timeout=10000) as got:
        win.submit_code(badges[0], Method.HANDHELD)
    assert got.args[0].outcome is Outcome.ALREADY_CHECKED_IN

    cluster.stop()  # the hub goes away: offline, with the reason in the tooltip
    qtbot.waitUntil(lambda: "offline" in _label(shell), timeout=15000)
    assert shell.sync.label.toolTip()
    assert shell.sync.label.level == "bad"
    before = _waiting(shell)  # the repeat scan may not have reached the hub yet
    for code in badges[1:4]:  # scans are still decided here, at once
        t0 = time.perf_counter()
        with qtbot.waitSignal(win.result_shown, timeout=5000) as got:
            win.submit_code(code, Method.HANDHELD)
        assert time.perf_counter() - t0 < 0.5
        assert got.args[0].outcome is Outcome.ADMITTED
    # The count follows the scans while the hub is away (between tries up to 30 s apart).
    qtbot.waitUntil(lambda: _waiting(shell) == before + 3, timeout=5000)

    cluster.start()  # back: the backlog uploads, waiting drops to 0
    qtbot.waitUntil(
        lambda: "online" in _label(shell) and "0 waiting to upload" in _label(shell),
        timeout=40000,
    )
    sync(b, server)
    with service(b, at("09:30")) as s:
        assert reads(s.store).presence.stats()[0].admitted == 4  # B sees A's offline admissions

    # The dashboard: the whole event, then this station only (A admitted 3 of the 4).
    win.set_mode("dashboard")
    dash = win.dashboard
    assert dash is not None
    qtbot.waitUntil(lambda: _admitted(dash) == "4", timeout=10000)
    dash.sync.controls.local.click()
    qtbot.waitUntil(lambda: _admitted(dash) == "3", timeout=10000)
    assert dash.snapshot is not None and dash.snapshot.scope == "station"
    dash.sync.controls.whole.click()
    qtbot.waitUntil(lambda: _admitted(dash) == "4", timeout=10000)


def test_the_status_text_in_both_languages(qtbot: Any, make_shell: Any, demo_db: Path) -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    when = at("09:00").now()
    ok = SyncUpdate(3, SyncStatus(Link.ONLINE, 2, when, 95.0), True, "postgresql://hub/x")
    text, tip, level = describe(ok, True, tz)
    assert (
        text
        == "Hub: online · 2 waiting to upload · last sync 09:00:00 · ⚠ clock 95 s behind the hub"
    )
    assert level == "warn" and "postgresql://hub/x" in tip
    off = SyncUpdate(4, SyncStatus(Link.OFFLINE, 5, None, None, "connection refused"), True)
    text, tip, level = describe(off, True, tz)
    assert text.startswith("Hub: offline") and "never synced" in text and level == "bad"
    assert "connection refused" in tip
    assert describe(None, False, tz)[0] == "Not syncing"
    shell = make_shell(demo_db, lang="zh")
    qtbot.waitUntil(lambda: shell.sync.label.text().strip() == "未同步", timeout=5000)
    assert shell.sync.button.text() == "同步中心…"
    shell.translations.switch("en")
    qtbot.waitUntil(lambda: shell.sync.label.text().strip() == "Not syncing", timeout=5000)
    qtbot.waitUntil(lambda: shell.sync.button.text() == "Hub…", timeout=5000)


def test_a_refilling_hub_and_entries_behind_are_said_in_the_ui_language(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    status = SyncStatus(Link.ONLINE, 0, at("09:00").now(), 0.0, behind=1200, refill=(4000, 12000),
                        caught_up=3)  # fmt: skip
    update = SyncUpdate(5, status, True, "postgresql://hub/x")
    shell = make_shell(demo_db, lang="en")
    text, tip, level = describe(update, True, tz)
    assert text.startswith("Hub: online · hub replaced: refilling (4,000 of 12,000) · ")
    assert level == "warn"
    assert "behind: 1,200 entries still to receive and apply" in tip
    assert "3 entries left by an interrupted sync applied" in tip
    shell.translations.switch("zh")
    text, tip, _level = describe(update, True, tz)
    assert "中心服务器已更换：正在补传（4,000 / 12,000）" in text
    assert "落后：还有 1,200 条记录待接收和应用" in tip

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
    return str(shell.sync.label.full)  # the whole line (the label shows it elided)


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


def test_a_station_the_hub_refuses_is_named_in_the_status_bar_in_the_ui_language(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    what = "1 entries under station id 0190abcd… refused: not this login's station"
    status = SyncStatus(Link.ONLINE, 0, at("09:00").now(), 0.0,
                        refusals=(("0190abcd-x", "door-a", what),))  # fmt: skip
    update = SyncUpdate(5, status, True, "postgresql://hub/x")
    shell = make_shell(demo_db, lang="en")
    text, tip, level = describe(update, True, tz)
    assert text.startswith("Hub: online · ⚠ hub refuses door-a · ")
    assert f"the hub refuses entries of door-a: {what}" in tip
    assert level == "bad"
    shell.translations.switch("zh")
    text, tip, _level = describe(update, True, tz)
    assert "⚠ 中心服务器拒收 door-a" in text
    assert "中心服务器拒收 door-a 的记录：" in tip


def test_an_expired_enrollment_is_said_in_the_status_bar_in_the_ui_language(
    qtbot: Any, make_shell: Any, demo_db: Path
) -> None:
    """This station's enrollment expired (bad: it must be enrolled again); another
    station's expired login, as the hub says it, is a warning (the hub doing as told)."""
    from zoneinfo import ZoneInfo

    from kiosk.sync.hub import EXPIRED_WHAT

    tz = ZoneInfo("Asia/Shanghai")
    own = SyncStatus(Link.REFUSED, 2, at("09:00").now(), 0.0, "hub x: expired", expired=True)
    other = SyncStatus(Link.ONLINE, 0, at("09:00").now(), 0.0,
                       refusals=(("0190abcd-x", "Kiosk 1", EXPIRED_WHAT),))  # fmt: skip
    shell = make_shell(demo_db, lang="en")
    text, tip, level = describe(SyncUpdate(5, own, True, "postgresql://hub/x"), True, tz)
    assert text.startswith("⚠ this station's enrollment expired · Hub: refused")
    assert level == "bad"
    assert "the desk enrolls it again (Stations…)" in tip
    assert "they upload when the hub is back" not in tip  # they never will
    text, tip, level = describe(SyncUpdate(6, other, True, "postgresql://hub/x"), True, tz)
    assert "⚠ hub refuses Kiosk 1" in text and level == "warn"
    assert EXPIRED_WHAT in tip
    shell.translations.switch("zh")
    text, tip, _level = describe(SyncUpdate(5, own, True, "postgresql://hub/x"), True, tz)
    assert "⚠ 本站点的登记已过期" in text and "请服务台重新登记（站点…）" in tip
    text, tip, _level = describe(SyncUpdate(6, other, True, "postgresql://hub/x"), True, tz)
    assert "其中心服务器登录名已随证书过期" in tip


def test_the_desk_window_names_a_station_the_hub_refuses(
    qtbot: Any, make_shell: Any, tmp_path: Path, hub: tuple[Cluster, ServerConfig]
) -> None:
    """Issue 18: a door whose hub login writes under another station id (its database got
    a new one) is refused by the hub; the desk's window says so, naming the door."""
    from kiosk.storage.store import Store
    from kiosk.sync import hubroles

    _cluster, server = hub
    front = desk(tmp_path, server, attendees=10)
    door = station(tmp_path, "door-a", server)
    store = Store.open(door)
    try:
        user, password = hubroles.create_station_login(server.dsn, store.station.id, "door")
        with store.write() as c:
            store.renew_station(c)
    finally:
        store.close()
    with service(door) as s:
        s.check_in(next(iter(codes(front).values())), "opening")
    own = ServerConfig(hubroles.station_dsn(server.dsn, user, password), "enrollment")
    assert sync(door, own).waiting == 1
    shell = make_shell(front, clock=at("09:05"), server=server, sync_interval=0.3)
    qtbot.waitUntil(lambda: "hub refuses door-a" in _label(shell), timeout=15000)
    assert shell.sync.label.level == "bad"
    assert "the hub refuses entries of door-a: 1 entries" in shell.sync.label.toolTip()


def test_a_long_sync_line_is_elided_and_said_whole_in_its_tooltip(qtbot: Any) -> None:
    """Several refused stations and a copied station's word: the status bar's sync part
    stays LINE_PX wide (the window fits a 1366 px screen); the whole line leads the
    tooltip, with what the copy must do."""
    from ui.sync.status import LINE_PX, SyncLabel

    refusals = tuple((f"id-{i}", f"Door {i}", "its hub login was revoked at the desk: the "
                      "hub refuses everything it sends") for i in range(6))  # fmt: skip
    status = SyncStatus(Link.ONLINE, 1, at("09:00").now(), 0.0, refusals=refusals,
                        copy_of="Door A", station_id="new-id")  # fmt: skip
    label = SyncLabel()
    qtbot.addWidget(label)
    label.set_configured(True)
    label.show_update(SyncUpdate(1, status, True, "postgresql://hub/x"))
    assert label.text().strip().endswith("…")
    assert label.fontMetrics().horizontalAdvance(label.text().strip()) <= LINE_PX
    assert "Door 5" in label.full and label.full.startswith("⚠ copy: enroll this station again")
    assert label.toolTip().startswith(label.full)
    assert "this database is a copy of station Door A" in label.toolTip()
    assert label.level == "bad"

"""Issue 20 end to end on a real X server: `python main.py` under Xvfb with openbox, driven
by xdotool (a scanner at 5 ms a key, a person at 40-120 ms), as the front desk's first hour.

What the window shows is read from the screen itself (Pillow's XCB grab): the result
panel's colour; what was recorded from the database; what each result said from the
app's one JSON line per result on stdout. `E2E_SHOTS=DIR` keeps the screenshots.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageGrab

from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogKind
from kiosk.storage.store import Store
from tests.e2e.test_e2e_xvfb import Screen, wait_for, wait_open
from tests.helpers.clocks import at
from tests.helpers.pretix import import_pretix
from tests.helpers.reads import reads

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
App = Callable[..., subprocess.Popen[str]]
ORANGE, RED, GREEN = (0xB0, 0x60, 0x00), (0xC5, 0x22, 0x1F), (0x1E, 0x8E, 0x3E)
ATTRACT, BROKEN = (0x0B, 0x25, 0x45), (0x3E, 0x4C, 0x59)


def grab(scr: Screen, name: str) -> Image.Image:
    img = ImageGrab.grab(xdisplay=scr.display).convert("RGB")
    keep = os.environ.get("E2E_SHOTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        img.save(Path(keep) / f"{name}.png")
    return img


def share(img: Image.Image, colour: tuple[int, int, int], tol: int = 12) -> float:
    """The share of the screen's pixels of `colour` (within `tol` on each channel)."""
    import numpy as np

    px = np.asarray(img, dtype=np.int16)[::4, ::4]
    near = (np.abs(px - np.array(colour, dtype=np.int16)) <= tol).all(axis=2)
    return float(near.mean())


def shows(scr: Screen, colour: tuple[int, int, int], name: str, least: float) -> None:
    """Wait until more than `least` of the screen is `colour` (a result comes after those
    queued before it, each on screen for view.MIN_RESULT_S at least; later on a loaded
    machine than on an idle one)."""
    wait_for(lambda: share(grab(scr, name), colour) > least, 20, f"{name}: the colour")


def entries(db: Path) -> list[Any]:
    store = Store.open(db)
    try:
        return [e for e in reads(store).log.entries() if e.kind is LogKind.ENTRY]
    finally:
        store.close()


def badge(db: Path, i: int) -> tuple[str, str]:
    store = Store.open(db)
    try:
        svc = CheckinService(store, at("07:30"), rng=random.Random(3))
        person = list(reads(store).people.everyone())[i]
        return person.attendee_id, svc.badge_code(person.attendee_id)
    finally:
        store.close()


def results_of(p: subprocess.Popen[str]) -> list[dict[str, Any]]:
    """Quit the app (Ctrl+C) and read the JSON line of every result it showed."""
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 0 and "Traceback" not in err, err[-2000:]
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def scan(scr: Screen, code: str) -> None:
    scr.type(code, 5)
    scr.key("Return")


def until_entries(db: Path, n: int) -> list[Any]:
    return wait_for(lambda: len(entries(db)) >= n and entries(db), 20, f"{n} scans logged")  # type: ignore[return-value]


def test_a_pretix_secret_scanned_twice_with_the_search_box_focused(
    screen: Screen, app: App, demo_db: Path, tmp_path: Path
) -> None:
    (_name, secret), *_ = import_pretix(demo_db, tmp_path)
    p = app()
    screen.window("Forum Check-in")
    wait_open(screen)
    screen.key("ctrl+f")
    scan(screen, secret)
    until_entries(demo_db, 1)
    shows(screen, GREEN, "xvfb-pretix-first", 0.01)
    time.sleep(1.5)  # past the first result's minimum time on screen
    scan(screen, secret)
    until_entries(demo_db, 2)
    # the orange "Already checked in" banner
    shows(screen, ORANGE, "xvfb-pretix-second-already-checked-in", 0.01)
    shown = results_of(p)
    assert [(r["outcome"], r["method"]) for r in shown] == [
        ("admitted", "foreign_ticket"), ("already_checked_in", "foreign_ticket"),
    ]  # fmt: skip
    assert [e.outcome for e in entries(demo_db)] == [
        Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN,
    ]  # fmt: skip


def test_an_unknown_code_gets_the_red_panel(screen: Screen, app: App, demo_db: Path) -> None:
    p = app()
    screen.window("Forum Check-in")
    wait_open(screen)
    screen.key("ctrl+f")
    screen.type("wan", 120)  # a person was typing a name
    time.sleep(0.5)
    scan(screen, "CTF24-99999")
    until_entries(demo_db, 1)
    shows(screen, RED, "xvfb-unknown-code", 0.01)
    shown = results_of(p)
    assert [r["outcome"] for r in shown] == ["unknown_code"]
    assert [(e.outcome, e.code) for e in entries(demo_db)] == [
        (Outcome.UNKNOWN_CODE, "CTF24-99999")
    ]


def test_a_repeat_badge_is_shown_again(screen: Screen, app: App, demo_db: Path) -> None:
    (a, code_a), (b, code_b) = badge(demo_db, 1), badge(demo_db, 2)
    p = app()
    screen.window("Forum Check-in")
    wait_open(screen)
    for n, code in enumerate((code_a, code_b, code_a), 1):
        scan(screen, code)
        until_entries(demo_db, n)
        time.sleep(0.3)
    shows(screen, ORANGE, "xvfb-repeat-badge", 0.01)  # after the two queued before it
    shown = results_of(p)
    assert [(r["attendee_id"], r["outcome"]) for r in shown] == [
        (a, "admitted"), (b, "admitted"), (a, "already_checked_in"),
    ]  # fmt: skip


def test_a_kiosk_without_a_camera_takes_a_handheld_scan(
    screen: Screen, app: App, demo_db: Path
) -> None:
    aid, code = badge(demo_db, 4)
    p = app("--mode", "kiosk")
    win = screen.window("Forum Check-in")
    wait_for(lambda: "FULLSCREEN" in screen.state(win), 15, "full screen")
    log = Path(screen.env["FORUM_CHECKIN_HOME"]) / "forum-checkin.log"
    wait_for(lambda: log.exists() and "database open:" in log.read_text("utf-8"), 60, "open")
    time.sleep(1.0)
    idle = grab(screen, "xvfb-kiosk-no-camera")
    assert share(idle, ATTRACT) > 0.3 and share(idle, BROKEN) < 0.05  # not "Out of order"
    scan(screen, code)
    until_entries(demo_db, 1)
    shows(screen, GREEN, "xvfb-kiosk-no-camera-welcome", 0.3)
    shown = results_of(p)
    assert [(r["attendee_id"], r["outcome"], r["method"]) for r in shown] == [
        (aid, "admitted", "self")
    ]


def test_the_default_session_at_ten_is_the_plenary(screen: Screen, app: App, demo_db: Path) -> None:
    aid, code = badge(demo_db, 5)
    p = app("--now", "2024-11-04T10:00:00+08:00")
    screen.window("Forum Check-in")
    wait_open(screen)
    scan(screen, code)
    until_entries(demo_db, 1)
    time.sleep(0.8)
    grab(screen, "xvfb-default-session-at-ten")
    shown = results_of(p)
    assert [(r["attendee_id"], r["session"], r["outcome"]) for r in shown] == [
        (aid, "opening", "admitted")
    ]

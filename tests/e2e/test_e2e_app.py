"""End to end: `python main.py` as a subprocess (offscreen), a badge video as the camera,
a temporary database; then the database is checked."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Method
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.ui_video import write_badge_video

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]
NOW = "2024-11-04T09:05:00+08:00"


def run_app(tmp: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FORUM_CHECKIN_HOME=str(tmp / "home"))
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def codes(db: Path, n: int) -> list[tuple[str, str]]:
    store = Store.open(db)
    try:
        svc = CheckinService(store, at("07:30"), rng=random.Random(5))
        return [
            (a.attendee_id, svc.badge_code(a.attendee_id))
            for a in list(reads(store).people.everyone())[:n]
        ]
    finally:
        store.close()


def log_of(db: Path) -> list[object]:
    store = Store.open(db)
    try:
        return list(reads(store).log.entries())
    finally:
        store.close()


def test_staff_desk_checks_in_the_badges_of_a_video(demo_db: Path, tmp_path: Path) -> None:
    people = codes(demo_db, 3)
    video = write_badge_video(
        tmp_path / "cam.avi", [c for _, c in people], frames_each=8, gap_frames=4
    )
    proc = run_app(
        tmp_path, "--db", str(demo_db), "--camera", str(video), "--now", NOW,
        "--station", "e2e-desk", "--no-sound", "--quit-when-source-ends", "--exit-after", "60",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    entries = [e for e in log_of(demo_db) if getattr(e, "station", "") == "e2e-desk"]
    admitted = {e.attendee_id for e in entries if e.outcome and e.outcome.value == "admitted"}  # type: ignore[attr-defined]
    assert admitted == {aid for aid, _ in people}, (
        [(getattr(e, "station", ""), getattr(e, "kind", ""), getattr(e, "outcome", ""))
         for e in log_of(demo_db)][-8:], proc.stdout[-1500:], proc.stderr[-1500:])  # fmt: skip
    assert all(e.method is Method.CAMERA for e in entries)  # type: ignore[attr-defined]
    # `make run` prints every check-in on stdout, one JSON object a line.
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    assert {x["attendee_id"] for x in lines if x["outcome"] == "admitted"} == admitted
    assert (tmp_path / "home" / "forum-checkin.log").exists()


def test_kiosk_mode_records_self_check_ins(demo_db: Path, tmp_path: Path) -> None:
    [(aid, code)] = codes(demo_db, 1)
    video = write_badge_video(tmp_path / "cam.avi", [code], frames_each=8, gap_frames=4)
    proc = run_app(
        tmp_path, "--mode", "kiosk", "--db", str(demo_db), "--camera", str(video), "--now", NOW,
        "--station", "kiosk-1", "--no-sound", "--quit-when-source-ends", "--exit-after", "60",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    entries = [e for e in log_of(demo_db) if getattr(e, "station", "") == "kiosk-1"]
    assert [(e.attendee_id, e.method) for e in entries] == [(aid, Method.SELF)]  # type: ignore[attr-defined]


def test_missing_database_opens_the_window_with_a_choice(tmp_path: Path) -> None:
    # Issue 11, item 4: the window opens and offers to create it or open another (see
    # tests/ui/test_ui_database_state.py); nothing is created until someone chooses.
    missing = tmp_path / "nowhere" / "event.sqlite"
    proc = run_app(tmp_path, "--db", str(missing), "--camera", "none", "--exit-after", "4")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    log = (tmp_path / "home" / "forum-checkin.log").read_text(encoding="utf-8")
    assert str(missing) in log and "no such database" in log
    assert not missing.parent.exists()


def test_corrupt_database_is_reported_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    proc = run_app(tmp_path, "--db", str(bad), "--camera", "none", "--exit-after", "3")
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr
    log = (tmp_path / "home" / "forum-checkin.log").read_text(encoding="utf-8")
    assert str(bad) in log
    assert bad.read_bytes() == b"this is not a database" * 100  # nothing overwritten


def test_make_run_demo_admits_badges_of_the_demo_video(tmp_path: Path) -> None:
    # No --db, no --camera: the demo database is built in the user data folder and the
    # recorded demo video stands in for the missing webcam; badges are admitted at any hour.
    proc = run_app(tmp_path, "--no-sound", "--exit-after", "10", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    assert any(x["outcome"] == "admitted" and (x["name"] or x["name_zh"]) for x in lines), lines
    assert (tmp_path / "home" / "demo.sqlite").exists()


def test_set_pin_stores_a_hash_and_refuses_bad_pins(tmp_path: Path) -> None:
    ok = run_app(tmp_path, "--set-pin", "97531")
    assert ok.returncode == 0, ok.stderr
    stored = json.loads((tmp_path / "home" / "settings.json").read_text(encoding="utf-8"))
    assert stored["pin_hash"].startswith("scrypt$") and "97531" not in stored["pin_hash"]
    bad = run_app(tmp_path, "--set-pin", "12")
    assert bad.returncode == 2 and "4 to 12 digits" in bad.stderr and "Traceback" not in bad.stderr

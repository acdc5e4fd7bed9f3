"""What the store does with damaged files, files that are not event databases, read-only
places, and the signing key: each fault reproduced, each handled without a traceback and
without touching what it must not touch."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.checkin.service import CheckinService
from kiosk.cli import load_commands
from kiosk.models.errors import DatabaseUnavailable, StorageError
from kiosk.models.outcomes import Outcome
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads

REPO = Path(__file__).resolve().parent.parent
NOW = "2024-11-04T09:05"


def cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(load_commands(), list(args))
    return r.exit_code, r.output


def files_of(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


# -- a damaged database -------------------------------------------------------------------------
def test_every_damaged_page_is_a_clear_refusal_or_a_right_answer(
    demo_db: Path, tmp_path: Path
) -> None:
    """Garble each page in turn: a valid badge is admitted (the page held nothing it needs)
    or the database is refused as damaged; never a wrong `unknown_code`, never a traceback."""
    store = Store.open(demo_db)
    svc = CheckinService(store, at("09:05"))
    person = list(reads(store).people.everyone())[50]
    code = svc.badge_code(person.attendee_id)
    store.checkpoint()
    store.close()
    pages = demo_db.stat().st_size // 4096
    seen = {"admitted": 0, "refused": 0}
    for page in range(1, pages):
        db = tmp_path / f"p{page}.sqlite"
        shutil.copy(demo_db, db)
        with db.open("r+b") as f:
            f.seek(page * 4096 + 100)
            f.write(random.Random(page).randbytes(300))
        try:
            s = Store.open(db)
        except StorageError as exc:
            assert "damaged" in str(exc) and str(db) in str(exc)
            seen["refused"] += 1
            continue
        try:
            r = CheckinService(s, at("09:05")).check_in(code, "opening")
            assert r.outcome is Outcome.ADMITTED, (page, r.outcome)
            seen["admitted"] += 1
        except StorageError as exc:
            assert "damaged" in str(exc) or "database error" in str(exc)
            seen["refused"] += 1
        finally:
            s.close()
    assert seen["refused"] >= 5 and seen["admitted"] >= 5  # both cases were exercised


def test_a_damaged_database_on_the_command_line(demo_db: Path) -> None:
    with demo_db.open("r+b") as f:
        f.seek(3 * 4096 + 16)
        f.write(b"\xff" * 2000)
    env = {**os.environ, "FORUM_CHECKIN_HOME": str(demo_db.parent / "home")}
    for args in (("stats", "--db", str(demo_db)),
                 ("checkin", "--db", str(demo_db), "--session", "opening", "--code", "x")):  # fmt: skip
        proc = subprocess.run([sys.executable, "main.py", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert proc.returncode == 1, proc.stderr
        assert "damaged" in proc.stderr and "Traceback" not in proc.stderr
        assert proc.stderr.count("\n") == 1


def test_text_that_is_not_utf8_is_a_damaged_file_not_a_traceback(demo_db: Path) -> None:
    """A damaged page can leave bytes that are not UTF-8 where SQLite keeps text: reading
    them is a refusal that says the file is damaged, by the store, the command line and the
    station host alike."""
    store = Store.open(demo_db)
    svc = CheckinService(store, at("09:05"))
    code = svc.badge_code(list(reads(store).people.everyone())[3].attendee_id)
    store.close()
    raw = sqlite3.connect(demo_db)
    raw.execute("UPDATE attendees SET name = CAST(X'FC8081' AS TEXT), "
                "organization = CAST(X'FF' AS TEXT)")  # fmt: skip
    raw.commit()
    raw.close()
    store = Store.open(demo_db)
    try:
        with pytest.raises(
            DatabaseUnavailable, match=r"damaged \(it holds text that is not UTF-8\)"
        ):
            CheckinService(store, at("09:05")).check_in(code, "opening")
        with pytest.raises(StorageError, match="not UTF-8"), store.write() as tx:
            list(tx.people.everyone())
    finally:
        store.close()
    env = {**os.environ, "FORUM_CHECKIN_HOME": str(demo_db.parent / "home")}
    for args in (("search", "--db", str(demo_db), "wang"),
                 ("checkin", "--db", str(demo_db), "--session", "opening", "--code", code)):  # fmt: skip
        proc = subprocess.run([sys.executable, "main.py", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert "damaged" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


# -- files that are not event databases ------------------------------------------------------------
@pytest.mark.parametrize("command", ["stats", "search", "export", "checkin", "report", "badges"])
def test_another_applications_database_is_left_untouched(tmp_path: Path, command: str) -> None:
    other = tmp_path / "photos.sqlite"
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")
    c.execute("INSERT INTO photos (path) VALUES ('a.jpg')")
    c.commit()
    c.close()
    before = other.read_bytes()
    args = {
        "stats": ["stats"], "search": ["search", "x"],
        "export": ["export", "--out", str(tmp_path / "x.csv")],
        "checkin": ["checkin", "--session", "opening", "--code", "x"],
        "report": ["report", "--out", str(tmp_path / "r.pdf")],
        "badges": ["badges", "--out", str(tmp_path / "b.pdf")],
    }[command]  # fmt: skip
    code, out = cli(*args, "--db", str(other))
    assert code == 1 and "not a Forum Check-in event database" in out and "photos" in out
    assert other.read_bytes() == before  # no tables added, not switched to WAL
    assert files_of(other) == [other]


def test_an_empty_file_is_refused_until_init(tmp_path: Path) -> None:
    empty = tmp_path / "event.sqlite"
    empty.touch()
    code, out = cli("stats", "--db", str(empty))
    assert code == 1 and "empty file" in out and empty.stat().st_size == 0
    code, out = cli("checkin", "--db", str(empty), "--session", "opening", "--code", "x")
    assert code == 1 and empty.stat().st_size == 0
    code, out = cli("init", "--db", str(empty))
    assert code == 0, out
    assert cli("stats", "--db", str(empty))[0] == 0


def test_read_commands_work_on_a_read_only_folder(demo_db: Path, tmp_path: Path) -> None:
    """A database on a read-only mount (played here with the immutable attribute, which
    binds root too): stats, search, export and the report still work."""
    folder = tmp_path / "mount"
    folder.mkdir()
    db = folder / "event.sqlite"
    store = Store.open(demo_db)
    first = next(iter(reads(store).people.everyone()))
    CheckinService(store, at("09:05")).manual_check_in(first.attendee_id, "opening")
    store.checkpoint()
    store.close()
    shutil.copy(demo_db, db)
    demo_db = db
    if subprocess.run(["chattr", "+i", str(demo_db), str(folder)], capture_output=True).returncode:
        pytest.skip("chattr +i is not permitted here")
    (tmp_path / "out").mkdir()
    try:
        code, out = cli("stats", "--db", str(demo_db), "--json")
        assert code == 0 and '"admitted": 1' in out, out
        assert cli("search", "--db", str(demo_db), "a")[0] == 0
        code, out = cli("export", "--db", str(demo_db), "--out", str(tmp_path / "out" / "a.csv"))
        assert code == 0, out
        code, out = cli("checkin", "--db", str(demo_db), "--session", "opening", "--code", "x")
        assert code == 1 and "read" in out and "Traceback" not in out
    finally:
        subprocess.run(["chattr", "-i", str(demo_db), str(folder)], check=True)


# -- secrets ---------------------------------------------------------------------------------------
def test_event_databases_and_the_data_folder_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "event.sqlite"
    assert cli("init", "--db", str(db))[0] == 0
    assert (
        cli("checkin", "--db", str(db), "--session", "opening", "--code", "x", "--now", NOW)[0] == 0
    )
    old = tmp_path / "old.sqlite"
    shutil.copy(db, old)
    old.chmod(0o644)
    Store.open(old).close()  # made private when opened for writing
    for f in [*files_of(db), old]:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    from kiosk.storage.paths import data_dir

    home = tmp_path / "home"
    monkeypatch.setenv("FORUM_CHECKIN_HOME", str(home))
    assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700


def test_forgetting_the_signing_key_leaves_no_trace_in_any_file(demo_db: Path) -> None:
    store = Store.open(demo_db)
    private, _public = reads(store).keys()
    assert private is not None
    store.conn.execute("PRAGMA secure_delete=OFF")  # not relying on this build's default
    svc = CheckinService(store, at("09:05"))
    codes = [svc.badge_code(a.attendee_id) for a in list(reads(store).people.everyone())[:20]]
    for code in codes:
        svc.check_in(code, "opening")
    store.forget_private_key()
    store.close()
    blobs = b"".join(f.read_bytes() for f in files_of(demo_db))
    assert private.hex().encode() not in blobs and private not in blobs
    # A verify-only copy holds no badge code to clone either, not even of scanned badges.
    assert not any(code.encode() in blobs for code in codes)
    assert b"FC1:" not in blobs


def test_the_log_file_gets_a_bug_s_traceback_not_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "event.sqlite"
    assert cli("init", "--db", str(db))[0] == 0
    home = tmp_path / "home"
    code = (
        "import sys; sys.argv=['x']\n"
        "import kiosk.checkin.service as s\n"
        "def boom(*a, **k): raise RuntimeError('a bug')\n"
        "s.CheckinService.stats = boom\n"
        "from ui.app.appcli import main\n"
        f"main(['stats', '--db', {str(db)!r}])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "FORUM_CHECKIN_HOME": str(home)}, timeout=60)  # fmt: skip
    assert proc.returncode == 70
    assert "Traceback" not in proc.stderr and "a bug" in proc.stderr
    assert "Traceback" in (home / "forum-checkin.log").read_text(encoding="utf-8")

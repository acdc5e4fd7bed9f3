"""Every file that holds personal data is owner-only (0600) from its first byte, even with
the usual umask 022: exports, badge sheets, schedule slips, the report, the settings, the
log files of the app, the commands and the station host, the kept-scans journal. A second
write keeps it so; a replace that fails leaves the previous file."""

from __future__ import annotations

import json
import logging
import os
import signal
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.models.outcomes import Method
from kiosk.station.kept import KeptScans
from kiosk.station.protocol import CheckIn
from kiosk.storage import atomic
from kiosk.storage.atomic import atomic_output, open_private, write_atomically, write_private
from kiosk.storage.paths import PrivateFileHandler
from ui.app.settings import Settings

NOW = "2024-11-04T17:00"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def no_chmod(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file made private by a chmod after it was created would fail here. (The copy of
    the demo database is narrowed when opened: tests/test_store_faults.py.)"""
    chmod = os.chmod

    def refuse(path: object, *args: object, **kwargs: object) -> None:
        if isinstance(path, os.PathLike) and ".sqlite" in Path(path).name:
            return chmod(path, *args, **kwargs)  # type: ignore[arg-type]
        raise AssertionError(f"chmod({path}): a new file must be made private, not changed")

    monkeypatch.setattr(os, "chmod", refuse)
    monkeypatch.setattr(os, "fchmod", refuse)


@pytest.fixture
def full_disk() -> Iterator[None]:
    """Writes past 50 kB fail (EFBIG), as on a full disk."""
    resource = pytest.importorskip("resource")
    old_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old_handler)


def run(*args: str) -> str:
    r = CliRunner().invoke(load_commands(), list(args))
    assert r.exit_code == 0, r.output
    return r.output


# -- the shared writers -------------------------------------------------------------------------
def test_a_new_output_is_private_while_it_is_written_and_after(
    tmp_path: Path, no_chmod: None
) -> None:
    out = tmp_path / "export.csv"
    with atomic_output(out) as tmp:
        assert mode(tmp) == 0o600  # before the first byte
        tmp.write_bytes(b"name\r\nZhang Wei\r\n")
    assert mode(out) == 0o600
    write_atomically(out, b"name\r\nLi Na\r\n")  # the second write
    assert mode(out) == 0o600 and out.read_bytes() == b"name\r\nLi Na\r\n"
    write_private(tmp_path / "own.json", b"{}")
    assert mode(tmp_path / "own.json") == 0o600
    os.close(open_private(tmp_path / "own.log"))
    assert mode(tmp_path / "own.log") == 0o600


def test_a_replaced_output_keeps_its_owners_mode_from_the_first_byte(tmp_path: Path) -> None:
    out = tmp_path / "shared.csv"
    out.write_bytes(b"old")
    out.chmod(0o640)  # the owner's choice
    with atomic_output(out) as tmp:
        assert mode(tmp) == 0o640 and tmp.stat().st_size == 0
        tmp.write_bytes(b"new")
    assert mode(out) == 0o640 and out.read_bytes() == b"new"
    out.chmod(0o400)  # read-only stays read-only
    write_atomically(out, b"newer")
    assert mode(out) == 0o400 and out.read_bytes() == b"newer"


def test_the_programs_own_files_are_narrowed_when_an_older_version_left_them_open(
    tmp_path: Path,
) -> None:
    own = tmp_path / "settings.json"
    own.write_text("{}")
    assert mode(own) == 0o644
    write_private(own, b'{"a": 1}')
    assert mode(own) == 0o600 and own.read_bytes() == b'{"a": 1}'
    log = tmp_path / "old.log"
    log.write_text("a line\n")
    fd = open_private(log)
    os.write(fd, b"another\n")
    os.close(fd)
    assert mode(log) == 0o600 and log.read_text() == "a line\nanother\n"


def test_a_replace_that_fails_leaves_the_previous_file_and_no_temporary(
    tmp_path: Path, full_disk: None
) -> None:
    sheet = tmp_path / "sheet.pdf"
    sheet.write_bytes(b"previous sheet")
    with pytest.raises(atomic.OutputError, match="nothing was written"):
        write_atomically(sheet, b"%PDF" + b"x" * 200_000)
    own = tmp_path / "settings.json"
    write_private(own, b"previous settings")
    with pytest.raises(OSError):
        write_private(own, b"x" * 200_000)
    assert sheet.read_bytes() == b"previous sheet" and own.read_bytes() == b"previous settings"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json", "sheet.pdf"]
    assert mode(own) == 0o600


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_private_append_to_a_full_device_fails_and_changes_nothing() -> None:
    fd = open_private(Path("/dev/full"))
    try:
        with pytest.raises(OSError):
            os.write(fd, b"x")
    finally:
        os.close(fd)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode) and mode(Path("/dev/full")) == 0o666


# -- what the program writes ----------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_exports_are_private(demo_db: Path, tmp_path: Path, fmt: str, no_chmod: None) -> None:
    for what in ("attendees", "meetings"):
        out = tmp_path / f"{what}.{fmt}"
        for _ in range(2):
            run("export", "--db", str(demo_db), "--what", what, "--out", str(out), "--now", NOW)
            assert mode(out) == 0o600, out


def test_badges_slips_and_the_report_are_private(
    demo_db: Path, tmp_path: Path, no_chmod: None
) -> None:
    outputs = {
        "badges.pdf": ["badges", "--db", str(demo_db), "--category", "vip"],
        "slips.pdf": ["meetings", "slips", "--db", str(demo_db)],
        "report.pdf": ["report", "--db", str(demo_db), "--now", NOW],
    }
    for name, args in outputs.items():
        out = tmp_path / name
        for _ in range(2):
            run(*args, "--out", str(out))
            assert mode(out) == 0o600 and out.read_bytes().startswith(b"%PDF"), name


def test_settings_stay_private_through_every_save(tmp_path: Path) -> None:
    path = tmp_path / "home" / "settings.json"
    s = Settings(path)
    s.set("hub", "postgresql://kiosk:s3cret@127.0.0.1/hub")
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    s.set("print_on_first_checkin", True)  # a later save used to make it 0644
    s.set_pin("97531")
    assert mode(path) == 0o600
    assert json.loads(path.read_text())["hub"].endswith("/hub")
    assert [p.name for p in path.parent.iterdir()] == ["settings.json"]


def test_a_settings_save_that_fails_keeps_the_previous_file(
    tmp_path: Path, full_disk: None
) -> None:
    path = tmp_path / "settings.json"
    s = Settings(path)
    s.set("hub", "postgresql://kiosk@127.0.0.1/hub")
    before = path.read_bytes()
    s.set("notes", "x" * 200_000)
    assert "cannot save settings" in s.problem
    assert path.read_bytes() == before and mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_the_kept_scans_journal_is_private(tmp_path: Path, no_chmod: None) -> None:
    journal = tmp_path / "kept-scans.jsonl"
    kept = KeptScans(journal)
    at = datetime(2024, 11, 4, 1, 5, tzinfo=UTC)
    for n in range(3):
        kept.add(CheckIn(f"FC1:{n}", "opening", Method.CAMERA, "Li Na", at))
    assert mode(journal) == 0o600
    first = kept.first()
    assert first is not None
    kept.done(first)
    kept.save()  # rewritten with the two still kept
    assert mode(journal) == 0o600 and len(journal.read_text().splitlines()) == 2
    assert len(KeptScans(journal)) == 2


@pytest.fixture
def root_logging() -> Iterator[logging.Logger]:
    """The root logger as it was, after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for h in root.handlers:
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)


def test_the_apps_and_the_station_hosts_log_files_are_private(
    tmp_path: Path, root_logging: logging.Logger, no_chmod: None
) -> None:
    from kiosk.station import host
    from ui.app.app import setup_logging

    app_log = tmp_path / "app" / "forum-checkin.log"
    setup_logging(app_log)
    host._setup_logging(tmp_path / "host.log")
    assert mode(app_log) == 0o600 and mode(tmp_path / "host.log") == 0o600
    logging.getLogger("forum_checkin").warning("Zhang Wei checked in")
    assert "Zhang Wei" in app_log.read_text() and "Zhang Wei" in (tmp_path / "host.log").read_text()


def test_the_log_file_is_created_private_and_reopened_private(tmp_path: Path) -> None:
    path = tmp_path / "forum-checkin.log"
    handler = PrivateFileHandler(path)
    try:
        assert mode(path) == 0o600
        handler.close()
        path.unlink()  # rotated away by hand: the next line makes it again, private
        handler.emit(logging.LogRecord("t", logging.INFO, __file__, 1, "again", None, None))
        assert mode(path) == 0o600 and "again" in path.read_text()
    finally:
        handler.close()


def test_a_commands_crash_log_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.cli import common

    monkeypatch.setenv("FORUM_CHECKIN_HOME", str(tmp_path / "home"))
    logger = logging.getLogger("forum_checkin")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", True)
    try:
        raise RuntimeError("a bug while checking in Zhang Wei")
    except RuntimeError as exc:
        where = common.log_unexpected(exc)
    for h in logger.handlers:
        h.close()
    log = tmp_path / "home" / "forum-checkin.log"
    assert where == str(log) and mode(log) == 0o600
    assert "Zhang Wei" in log.read_text()

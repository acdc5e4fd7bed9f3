"""Atomic output only over regular files or absent paths: devices and pipes are written in
place (never replaced by a regular file), a symbolic link's target is replaced and the link
kept, sockets are refused."""

from __future__ import annotations

import os
import socket
import stat
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.storage.atomic import OutputError, write_atomically

needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")


@needs_dev_full
def test_dev_full_stays_a_device_and_the_error_says_the_disk_is_full() -> None:
    with pytest.raises(OutputError, match=r"^/dev/full: cannot write \(the disk is full\)"):
        write_atomically(Path("/dev/full"), b"x" * 10_000)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert not list(Path("/dev").glob(".full.*"))  # no temporary or probe file left in /dev


def test_dev_null_is_written_in_place() -> None:
    write_atomically(Path("/dev/null"), b"hello")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_written_in_place_for_its_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    ready = threading.Event()

    def reader() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # opens at once, before any writer
        ready.set()
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:  # a writer is there, no data yet
                chunk = b""
            if chunk:
                chunks.append(chunk)
            elif chunks:  # the writer closed after writing
                break
            else:
                time.sleep(0.005)
        os.close(fd)
        got.append(b"".join(chunks))

    t = threading.Thread(target=reader)
    t.start()
    ready.wait(5)
    write_atomically(fifo, b"a,b\r\n1,2\r\n")
    t.join(10)
    assert got == [b"a,b\r\n1,2\r\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_fifo_without_a_reader_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="no program is reading from that pipe"):
        write_atomically(fifo, b"data")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_symlink_keeps_pointing_at_its_replaced_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "report.csv"
    target.parent.mkdir()
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    write_atomically(link, b"new")
    assert link.is_symlink() and Path(os.readlink(link)) == target
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "real" / "absent.csv")
    write_atomically(dangling, b"made")
    assert dangling.is_symlink() and (tmp_path / "real" / "absent.csv").read_bytes() == b"made"


def test_a_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(OutputError, match="is a socket, not a file; nothing was written"):
            write_atomically(path, b"x")
        assert stat.S_ISSOCK(os.stat(path).st_mode)


@needs_dev_full
def test_export_to_dev_full_fails_cleanly(demo_db: Path) -> None:
    r = CliRunner().invoke(
        load_commands(), ["export", "--db", str(demo_db), "--format", "csv", "--out", "/dev/full"]
    )
    assert r.exit_code == 1
    assert r.stderr.startswith("error: /dev/full: cannot write (the disk is full)")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)

"""Output files all-or-nothing: written to a temporary file beside the target, synced,
then renamed into place. A failure leaves the target as it was (absent or the previous
file) and no temporary file, and is reported as one error naming the path and why.

Files hold personal data, so they are private from their first byte: a new file is made
owner-only (0600) by `mkstemp` and renamed into place; a file that is replaced keeps the
mode it had (its owner's choice), set on the temporary file before anything is written to
it. After the rename the folder is synced too, so the new name survives a power cut.
`write_private` is for the program's own files (settings, journals): always 0600.

Only a regular file, or a path where nothing exists, is replaced that way. A symbolic
link is followed: its target is what gets replaced, and the link stays. A character device
(`/dev/null`, `/dev/full`, a terminal) or a pipe (FIFO) is written in place, never
replaced by a regular file; a pipe that no program reads from is refused at once instead of
waiting forever. Anything else (a folder, a socket, a block device) is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.models.errors import KioskError


class OutputError(KioskError):
    """A file cannot be written where asked: nothing was written there."""


def why(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied: the folder is read-only"
    if exc.errno == errno.ENXIO:
        return "no program is reading from that pipe"
    return exc.strerror or str(exc)


def _kind(path: Path) -> str:
    """'absent', 'file', 'char', 'fifo' or what else is there (after following links)."""
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "absent"  # the folder check then names what is missing
    except OSError:
        return "unknown"
    return next((name for test, name in _KINDS if test(mode)), "unknown")


_KINDS = (
    (stat.S_ISREG, "file"), (stat.S_ISCHR, "char"), (stat.S_ISFIFO, "fifo"),
    (stat.S_ISDIR, "folder"), (stat.S_ISSOCK, "socket"), (stat.S_ISBLK, "block device"),
)  # fmt: skip


def _target(out: Path, error: type[KioskError]) -> tuple[Path, str]:
    """The path really written (a link's target) and its kind; refuses what cannot be."""
    real = Path(os.path.realpath(out)) if out.is_symlink() else out
    kind = _kind(real)
    if kind == "folder":
        raise error(f"{out}: is a folder; give a file name")
    if kind not in ("absent", "file", "char", "fifo"):
        raise error(f"{out}: is a {kind}, not a file; nothing was written")
    return real, kind


def check_writable(out: Path, error: type[KioskError] = OutputError) -> None:
    """Fail early, before a long job, if `out` cannot be written."""
    real, kind = _target(out, error)
    if kind in ("char", "fifo"):
        if not os.access(real, os.W_OK):
            raise error(f"{out}: cannot write (permission denied)")
        return
    folder = _folder(real)
    if not folder.is_dir():
        raise error(f"{out}: cannot write: the folder {folder} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise error(f"{out}: cannot write in {folder} ({why(exc)})") from None
    os.close(fd)
    os.unlink(probe)


#: The mode of every file the program makes: personal data, owner-only.
PRIVATE = 0o600


@contextmanager
def atomic_output(out: Path, error: type[KioskError] = OutputError) -> Iterator[Path]:
    """Yield a path to write; for a regular (or absent) target, a temporary file that
    replaces it only when the block succeeds. Devices and pipes are written in place."""
    check_writable(out, error)
    real, kind = _target(out, error)
    if kind in ("char", "fifo"):
        with _in_place(out, real, kind, error):
            yield real
        return
    mode = stat.S_IMODE(real.stat().st_mode) if kind == "file" else PRIVATE
    try:
        with _replacing(real, mode) as tmp:
            yield tmp
    except OSError as exc:
        raise error(f"{out}: cannot write ({why(exc)}); nothing was written") from None
    try:
        _sync_folder(real)
    except OSError as exc:
        raise error(f"{out}: written, but its folder could not be synced ({why(exc)})") from None


def write_private(path: Path, data: bytes) -> None:
    """Make or replace the program's own file `path` with `data`, owner-only (0600) from
    its first byte whatever mode the file had, atomically. An OSError leaves the previous
    file as it was and no temporary file."""
    real = Path(os.path.realpath(path)) if path.is_symlink() else path
    with _replacing(real, PRIVATE) as tmp, tmp.open("wb") as f:
        f.write(data)
    _sync_folder(real)


def open_private(path: Path, flags: int = os.O_WRONLY | os.O_APPEND) -> int:
    """`os.open` for the program's own files that grow (logs, journals): one created here
    is owner-only (0600) from its first byte; one that an older version left readable by
    others is narrowed before anything more is written to it."""
    fd = os.open(path, flags | os.O_CREAT, PRIVATE)
    if not hasattr(os, "fchmod"):  # Windows: no mode bits to narrow
        return fd
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode) and st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.fchmod(fd, PRIVATE)
    except OSError:
        os.close(fd)
        raise
    return fd


@contextmanager
def _replacing(real: Path, mode: int) -> Iterator[Path]:
    """A temporary file beside `real`, made with `mode` before a byte is written; synced
    and renamed over `real` when the block succeeds, removed when it fails."""
    fd, name = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=_folder(real))
    os.close(fd)
    tmp = Path(name)
    try:
        if mode | PRIVATE != PRIVATE:  # mkstemp made it 0600; the replaced file had more
            tmp.chmod(mode | PRIVATE)  # while it is empty (the owner writes it)
        yield tmp
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        if mode & PRIVATE != PRIVATE:  # a read-only file stays read-only for its owner
            tmp.chmod(mode)
        os.replace(tmp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def _sync_folder(real: Path) -> None:
    """Make the rename of `real` durable: sync its folder (a no-op where folders cannot be
    opened)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(_folder(real), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # a file system without it
            raise
    finally:
        os.close(fd)


@contextmanager
def _in_place(out: Path, real: Path, kind: str, error: type[KioskError]) -> Iterator[None]:
    """Writing to a device or a pipe: the writers open `real` themselves. A pipe must
    have a reader already (opening it without one would block forever)."""
    hold = None
    try:
        if kind == "fifo":
            hold = os.open(real, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO: nobody reads
        yield
    except OSError as exc:
        raise error(f"{out}: cannot write ({why(exc)})") from None
    finally:
        if hold is not None:
            os.close(hold)


def write_atomically(out: Path, data: bytes, error: type[KioskError] = OutputError) -> None:
    with atomic_output(out, error) as tmp:
        tmp.write_bytes(data)

"""Output files all-or-nothing: written to a temporary file beside the target, synced,
then renamed into place. A failure leaves the target as it was (absent or the previous
file) and no temporary file, and is reported as one error naming the path and why."""

from __future__ import annotations

import contextlib
import errno
import os
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
    return exc.strerror or str(exc)


def check_writable(out: Path, error: type[KioskError] = OutputError) -> None:
    """Fail early, before a long job, if `out` cannot be written."""
    folder = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        raise error(f"{out}: is a folder; give a file name")
    if not folder.is_dir():
        raise error(f"{out}: cannot write: the folder {folder} does not exist")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise error(f"{out}: cannot write in {folder} ({why(exc)})") from None
    os.close(fd)
    os.unlink(probe)


@contextmanager
def atomic_output(out: Path, error: type[KioskError] = OutputError) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces `out` only when the block succeeds."""
    check_writable(out, error)
    folder = out.parent if str(out.parent) else Path(".")
    mode = out.stat().st_mode & 0o777 if out.exists() else 0o644
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        tmp.chmod(mode)  # mkstemp made it private (0600)
        os.replace(tmp, out)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise error(f"{out}: cannot write ({why(exc)}); nothing was written") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomically(out: Path, data: bytes, error: type[KioskError] = OutputError) -> None:
    with atomic_output(out, error) as tmp:
        tmp.write_bytes(data)

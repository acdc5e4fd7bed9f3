"""A throwaway PostgreSQL cluster for tests and benchmarks.

`initdb` refuses to run as root: as root, the cluster's folder belongs to `nobody` and the
server runs as `nobody` (runuser). It listens on 127.0.0.1 at a free port and on a Unix
socket in its folder; trust authentication for the `kiosk` superuser. fsync is off: a
killed server keeps what it committed (the OS has it), and tests stay quick.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "kiosk"


def pg_bin() -> Path:
    """The newest PostgreSQL server binaries on this machine (Debian's layout first)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))  # fmt: skip
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError(
        "PostgreSQL server binaries not found (initdb): `make test` installs them "
        "(scripts/sysdeps.sh), or apt-get install postgresql"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.bin = pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="fc-pg-"))
        self.data = self.dir / "data"
        self.logfile = self.dir / "server.log"
        self.port = 0
        self.settings = {"fsync": "off", "full_page_writes": "off",
                         "synchronous_commit": "off", "max_connections": "60",
                         "shared_buffers": "32MB"} | (settings or {})  # fmt: skip
        self._as: list[str] = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.dir, nobody.pw_uid, nobody.pw_gid)
            self._as = ["runuser", "-u", "nobody", "--"]
        os.chmod(self.dir, 0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "-E", "UTF8",
                  "--no-sync", "--locale=C")  # fmt: skip

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self._as, str(self.bin / tool), *args], check=check,
                              capture_output=True, text=True, cwd=self.dir)  # fmt: skip

    def start(self) -> None:
        for _ in range(5):
            self.port = self.port or free_port()
            opts = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
            r = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "30",
                          "-o", f"-k {self.dir} -c listen_addresses=127.0.0.1 -p {self.port} {opts}",
                          "start", check=False)  # fmt: skip
            if r.returncode == 0:
                return
            self.port = 0  # taken meanwhile: another port
        raise RuntimeError(f"PostgreSQL did not start: {r.stderr or r.stdout}\n{self.log()}")

    def kill(self) -> None:
        """Stop at once, as a crash would (immediate shutdown: no checkpoint)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def log(self) -> str:
        try:
            return self.logfile.read_text(errors="replace")
        except OSError:
            return ""

    def dsn(self, dbname: str = "postgres", **extra: str) -> str:
        params = "".join(f" {k}={v}" for k, v in extra.items())
        return f"host=127.0.0.1 port={self.port} user={USER} dbname={dbname}{params}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY')
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        """Drop a database at once, its open connections cut (a hub lost with its disk)."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def dump(self, name: str) -> Path:
        """A backup of one database (pg_dump's custom format), in the cluster's folder."""
        out = self.dir / f"{name}-{time.monotonic_ns()}.dump"
        self._run("pg_dump", "-h", str(self.dir), "-p", str(self.port), "-U", USER, "-Fc",
                  "-f", str(out), name)  # fmt: skip
        return out

    def restore(self, name: str, dump: Path) -> str:
        """Put a backup made by `dump` in place of database `name`: restored under another
        name first, then renamed, so that no client ever sees it half restored. Returns
        the connection string."""
        import psycopg

        scratch = f"{name[:40]}_restoring"
        self.drop_database(scratch)
        self.create_database(scratch)
        r = self._run("pg_restore", "-h", str(self.dir), "-p", str(self.port), "-U", USER,
                      "--no-owner", "--exit-on-error", "-d", scratch, str(dump), check=False)  # fmt: skip
        if r.returncode != 0:
            raise RuntimeError(f"pg_restore failed: {r.stderr}")
        self.drop_database(name)
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{scratch}" RENAME TO "{name}"')
        return self.dsn(name)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def running(settings: dict[str, str] | None = None) -> object:
    cluster = Cluster(settings)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.close()


def wait_until(predicate: object, timeout: float = 10.0, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        time.sleep(every)
    return bool(callable(predicate) and predicate())

"""A hub with automatic failover on loopback, for tests and benchmarks: a pg_auto_failover
monitor and two PostgreSQL nodes (a primary and a synchronous hot standby), each node a
`pg_autoctl` keeper with its postgres, following ../shared/FIELD-NOTES-hub-failover.md.

As root everything runs as `nobody` (initdb refuses root), in a private temp folder with
its own HOME, XDG folders and Unix socket folder; every server listens on 127.0.0.1 only,
at free ports. The monitor's failure detection is tuned from ~50 s to a few seconds (safe
here: one host, no network partition). Each keeper runs in a process group of its own,
so that `crash(node)` kills the whole node, keeper and postgres, as a power cut would.
`down()` stops what it started and then kills, by pid, any process whose command line
names this formation's folder: never by user name (other postgres servers run as
`nobody` on a shared machine).

    with Formation() as f:            # up() ... down()
        f.dsn                         # postgresql://kiosk@127.0.0.1:P1,127.0.0.1:P2/hub?
                                      #   target_session_attrs=read-write&connect_timeout=2
        f.crash(f.primary()); f.wait_primary(other); f.start(node); f.wait_ready()
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.helpers.pgcluster import free_port, pg_bin

NODES = ("node1", "node2")
ROLE = "kiosk"
DBNAME = "hub"
FAST_FAILOVER = {  # monitor GUCs (defaults: unhealthy after 20 s, then a 30 s demote timeout)
    "pgautofailover.health_check_period": "1000",
    "pgautofailover.health_check_timeout": "1000",
    "pgautofailover.health_check_max_retries": "1",
    "pgautofailover.health_check_retry_delay": "500",
    "pgautofailover.node_considered_unhealthy_timeout": "2000",
    "pgautofailover.primary_demote_timeout": "3000",
}
READY = {"primary", "secondary"}


class FormationError(RuntimeError):
    pass


def pg_autoctl() -> str:
    found = shutil.which("pg_autoctl")
    if found is None:
        raise FormationError("pg_autoctl not found: `make test` installs it "
                             "(scripts/sysdeps.sh: postgresql-N-auto-failover)")  # fmt: skip
    return found


class Formation:
    def __init__(self) -> None:
        self.autoctl = pg_autoctl()
        self.bin = pg_bin()
        self.base = Path(tempfile.mkdtemp(prefix="fc-ha-"))
        self.ports = {"monitor": free_port(), "node1": free_port(), "node2": free_port()}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._as: list[str] = []
        if os.geteuid() == 0:
            self._as = ["runuser", "-u", "nobody", "--"]

    # -- commands ---------------------------------------------------------------------------
    @property
    def monitor_uri(self) -> str:
        return (f"postgres://autoctl_node@127.0.0.1:{self.ports['monitor']}/pg_auto_failover"
                "?sslmode=disable")  # fmt: skip

    @property
    def dsn(self) -> str:
        """The stations' connection string: every node, the writable one wanted."""
        hosts = ",".join(f"127.0.0.1:{self.ports[n]}" for n in NODES)
        return (f"postgresql://{ROLE}@{hosts}/{DBNAME}?target_session_attrs=read-write"
                "&connect_timeout=2")  # fmt: skip

    def node_dsn(self, node: str, user: str = ROLE) -> str:
        return f"host=127.0.0.1 port={self.ports[node]} user={user} dbname={DBNAME}"

    def _cmd(self, *args: str) -> list[str]:
        home = self.base / "home"
        env = [f"PATH={self.bin}:/usr/bin:/bin", "LANG=C.UTF-8", f"HOME={home}",
               f"XDG_CONFIG_HOME={home}/.config", f"XDG_DATA_HOME={home}/.local/share",
               f"XDG_RUNTIME_DIR={home}/run", f"PG_REGRESS_SOCK_DIR={self.base}/sock",
               f"PGHOST={self.base}/sock"]  # fmt: skip
        return [*self._as, "env", "-i", *env, *args]

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=timeout,
                              cwd=self.base, stdin=subprocess.DEVNULL)  # fmt: skip

    def _spawn(self, name: str, *args: str) -> None:
        """Run a keeper in a session (and process group) of its own."""
        with (self.base / f"{name}.log").open("ab") as log:
            self.procs[name] = subprocess.Popen(
                self._cmd(*args), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=self.base, start_new_session=True,
            )  # fmt: skip

    def log(self, name: str) -> str:
        try:
            return (self.base / f"{name}.log").read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    # -- up ---------------------------------------------------------------------------------
    def up(self) -> Formation:
        home = self.base / "home"
        (home / "run").mkdir(parents=True)
        (self.base / "sock").mkdir()
        (home / "run").chmod(0o700)
        if self._as:
            nobody = pwd.getpwnam("nobody")
            for path in (self.base, *self.base.rglob("*")):
                os.chown(path, nobody.pw_uid, nobody.pw_gid)
        self._create_monitor()
        self._spawn("monitor", self.autoctl, "run", "--pgdata", str(self.base / "monitor"))
        self._wait(30, lambda: self._monitor_rows() is not None, "the monitor")
        for node in NODES:
            self._spawn(node, self.autoctl, "create", "postgres", "--pgdata",
                        str(self.base / node), "--pgport", str(self.ports[node]), "--hostname",
                        "127.0.0.1", "--listen", "127.0.0.1", "--name", node, "--auth", "trust",
                        "--no-ssl", "--ssl-mode", "disable", "--monitor", self.monitor_uri,
                        "--dbname", DBNAME, "--run")  # fmt: skip
            if node == "node1":
                self._wait(120, lambda: self.states().get("node1") == ("single", "single"),
                           "node1 to start")  # fmt: skip
        self.wait_ready(120, nudge=True)
        self._sql(self.primary(), f"CREATE ROLE {ROLE} LOGIN",
                  f"ALTER DATABASE {DBNAME} OWNER TO {ROLE}",
                  f"GRANT ALL ON SCHEMA public TO {ROLE}")  # fmt: skip
        return self

    def _create_monitor(self) -> None:
        r = self._run(self.autoctl, "create", "monitor", "--pgdata", str(self.base / "monitor"),
                      "--pgport", str(self.ports["monitor"]), "--hostname", "127.0.0.1",
                      "--listen", "127.0.0.1", "--auth", "trust", "--no-ssl", "--ssl-mode",
                      "disable")  # fmt: skip
        if r.returncode != 0:
            raise FormationError(f"pg_autoctl create monitor failed: {r.stdout}{r.stderr}")
        with (self.base / "monitor" / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in FAST_FAILOVER.items())

    def _sql(self, node: str, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.node_dsn(node, user="nobody" if self._as else ""),
                             autocommit=True, connect_timeout=5) as conn:  # fmt: skip
            for stmt in statements:
                conn.execute(stmt)

    # -- state ------------------------------------------------------------------------------
    def _monitor_rows(self) -> list[tuple[Any, ...]] | None:
        import psycopg

        try:
            with psycopg.connect(self.monitor_uri, connect_timeout=2) as conn:
                return list(conn.execute(
                    "SELECT nodename, reportedstate::text, goalstate::text "
                    "FROM pgautofailover.node").fetchall())  # fmt: skip
        except psycopg.Error:
            return None

    def states(self) -> dict[str, tuple[str, str]]:
        """Per node: (the state it reported, the state the monitor assigned)."""
        return {str(r[0]): (str(r[1]), str(r[2])) for r in self._monitor_rows() or []}

    def primary(self) -> str:
        """The node the monitor wants to be the writable one now."""
        for name, (_, goal) in self.states().items():
            if goal in ("primary", "wait_primary", "single"):
                return name
        raise FormationError(f"no primary: {self.states()}")

    def ready(self) -> bool:
        s = self.states()
        return len(s) == 2 and all(r == g and r in READY for r, g in s.values()) and {
            g for _, g in s.values()} == READY  # fmt: skip

    def wait_ready(self, timeout: float = 90, nudge: bool = False) -> None:
        """Until one node is primary and the other secondary. `nudge`: CHECKPOINT the
        primary every 0.5 s meanwhile (pg_autoctl 2.0's pg_basebackup waits for a spread
        checkpoint otherwise: 97 s instead of 5)."""

        def check() -> bool:
            if nudge:
                with contextlib.suppress(Exception):
                    self._sql("node1", "CHECKPOINT")
            return self.ready()

        self._wait(timeout, check, "a primary and a secondary", every=0.5)

    def wait_primary(self, node: str, timeout: float = 60) -> None:
        self._wait(timeout, lambda: self.states().get(node, ("", ""))[0] in (
            "primary", "wait_primary"), f"{node} to be promoted")  # fmt: skip

    def _wait(self, timeout: float, ok: Any, what: str, every: float = 0.2) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ok():
                return
            time.sleep(every)
        raise FormationError(f"timed out waiting for {what}: {self.states()}\n"
                             + "\n".join(self.log(n) for n in ("monitor", *NODES)))  # fmt: skip

    # -- faults -----------------------------------------------------------------------------
    def crash(self, node: str) -> None:
        """Kill a whole node at once (keeper and postgres, SIGKILL): a crashed machine."""
        proc = self.procs.pop(node)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        self._wait(30, lambda: not self._pids(str(self.base / node)), f"{node} to die")

    def start(self, node: str) -> None:
        """Run a crashed or stopped node again: it rejoins as a secondary."""
        self._spawn(node, self.autoctl, "run", "--pgdata", str(self.base / node))

    # -- down -------------------------------------------------------------------------------
    def _pids(self, needle: str) -> list[int]:
        """Live processes whose command line names `needle` (this formation's paths)."""
        out = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError, UnicodeDecodeError):
                continue
            if needle in cmdline and state != "Z":
                out.append(int(entry.name))
        return out

    def down(self) -> None:
        for name in (*NODES, "monitor"):
            if (self.base / name).is_dir() and name in self.procs:
                self._run(self.autoctl, "stop", "--pgdata", str(self.base / name), timeout=30)
        for proc in self.procs.values():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        self.procs.clear()
        for _ in range(50):  # backends and anything else of ours still about: by pid
            left = self._pids(str(self.base))
            if not left:
                break
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
        self._left = self._pids(str(self.base))
        shutil.rmtree(self.base, ignore_errors=True)

    def left_behind(self) -> list[int]:
        """Processes of this formation still alive after `down()` (none, normally)."""
        return [pid for pid in getattr(self, "_left", []) if Path(f"/proc/{pid}").exists()]

    def __enter__(self) -> Formation:
        try:
            return self.up()
        except BaseException:
            self.down()
            raise

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.down()

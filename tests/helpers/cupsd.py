"""A private CUPS server for tests: its own config, spool and logs in a short temp dir, one
unix socket in it (no TCP port), nothing of the machine's own CUPS used or touched.

    cups = PrivateCups.start()          # cupsd -f on DIR/cups.sock, ~20 ms
    cups.add_queue("PDF", f"capture:{cups.out}", "raw")
    ...
    cups.stop()

The `capture:DIR` backend (ours, in the private ServerBin) writes each job's final bytes
to DIR/job-N.bin: the exact PDF for a raw queue. cups-pdf is not used: its config path is
compiled in (/etc/cups/cups-pdf.conf) and it writes to the machine's own folders.
`Listener` is a fake network label printer (JetDirect, socket://): the bytes of each
connection are one job. `Staller` accepts connections and never reads: a printer that
hangs.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CUPS_LIB = Path("/usr/lib/cups")
CUPSD = Path("/usr/sbin/cupsd")

CAPTURE_BACKEND = r"""#!/bin/sh
# capture:/abs/dir -> dir/job-<id>.bin, the final (filtered) bytes of each job
if [ $# -eq 0 ]; then echo 'direct capture "Unknown" "Capture backend"'; exit 0; fi
dir="${DEVICE_URI#capture:}"
if [ $# -ge 6 ]; then cat "$6" > "$dir/job-$1.tmp"; else cat > "$dir/job-$1.tmp"; fi
mv "$dir/job-$1.tmp" "$dir/job-$1.bin"
"""

NOLABELS_BACKEND = r"""#!/bin/sh
# nolabels:/ -> a printer that says it is out of labels (as USB and IPP backends report it)
if [ $# -eq 0 ]; then echo 'direct nolabels "Unknown" "Out-of-labels printer"'; exit 0; fi
echo "STATE: +media-empty-error" >&2
echo "INFO: Out of labels" >&2
sleep 60
exit 4
"""

FILES_CONF = """ServerRoot {T}/etc
RequestRoot {T}/spool
TempDir {T}/spool/tmp
CacheDir {T}/cache
StateDir {T}/state
ServerBin {T}/bin
DataDir /usr/share/cups
AccessLog {T}/log/access_log
ErrorLog {T}/log/error_log
PageLog {T}/log/page_log
Printcap {T}/etc/printcap
FileDevice Yes
User lp
Group lp
SystemGroup root lpadmin
"""

CUPSD_CONF = """LogLevel info
MaxLogSize 0
Listen {T}/cups.sock
Browsing No
BrowseLocalProtocols none
DefaultShared No
WebInterface No
IdleExitTimeout 0
ErrorPolicy abort-job
PreserveJobHistory Yes
PreserveJobFiles No
<Location />
  Order deny,allow
</Location>
<Policy default>
  JobPrivateAccess all
  JobPrivateValues none
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""


def available() -> str:
    """'' when a private cupsd can run here, else why not."""
    if not CUPSD.exists() or not (CUPS_LIB / "backend" / "socket").exists():
        return "CUPS is not installed (scripts/sysdeps.sh installs cups)"
    if shutil.which("lpadmin") is None:
        return "lpadmin is missing (cups-client)"
    return ""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """A cupsd whose test process died (killed, crashed) goes with it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class PrivateCups:
    dir: Path
    proc: subprocess.Popen[bytes] | None = None
    queues: list[str] = field(default_factory=list)

    @property
    def server(self) -> str:
        """What CUPS_SERVER, lpadmin -h and pycups take."""
        return str(self.dir / "cups.sock")

    @property
    def out(self) -> Path:
        return self.dir / "out"

    @classmethod
    def prepare(cls, prefix: str = "cups-") -> PrivateCups:
        """The directory and configuration, not started (its socket path is known)."""
        # A short path: a unix socket path must stay under 108 bytes. 0755: filters run
        # as lp and must enter it.
        t = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
        t.chmod(0o755)
        for d in ("etc", "spool/tmp", "cache", "state", "log", "out", "bin/backend"):
            (t / d).mkdir(parents=True, exist_ok=True)
        (t / "out").chmod(0o777)
        for d in ("filter", "cgi-bin", "daemon", "driver", "monitor", "notifier"):
            if (CUPS_LIB / d).exists():
                (t / "bin" / d).symlink_to(CUPS_LIB / d)
        backends = CUPS_LIB / "backend"
        for b in backends.iterdir() if backends.is_dir() else ():
            (t / "bin" / "backend" / b.name).symlink_to(b)
        capture = t / "bin" / "backend" / "capture"
        capture.write_text(CAPTURE_BACKEND)
        capture.chmod(0o700)  # root-owned and 0700: cupsd runs it as root
        nolabels = t / "bin" / "backend" / "nolabels"
        nolabels.write_text(NOLABELS_BACKEND)
        nolabels.chmod(0o755)
        (t / "etc" / "cups-files.conf").write_text(FILES_CONF.format(T=t))
        (t / "etc" / "cupsd.conf").write_text(CUPSD_CONF.format(T=t))
        return cls(t)

    @classmethod
    def start_new(cls, prefix: str = "cups-") -> PrivateCups:
        cups = cls.prepare(prefix)
        cups.start()
        return cups

    def start(self, timeout: float = 10.0) -> None:
        t = self.dir
        log = (t / "log" / "stdout").open("wb")
        self.proc = subprocess.Popen(
            [str(CUPSD), "-f", "-c", f"{t}/etc/cupsd.conf", "-s", f"{t}/etc/cups-files.conf"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent, env=_clean_env(),
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"private cupsd did not start: {self.log()}")
            time.sleep(0.01)

    def _answers(self) -> bool:
        if not Path(self.server).exists():
            return False
        r = subprocess.run(["lpstat", "-h", self.server, "-r"], capture_output=True,
                           env=_clean_env())  # fmt: skip
        return r.returncode == 0

    def lpadmin(self, *args: str) -> None:
        r = subprocess.run(["lpadmin", "-h", self.server, *args], capture_output=True,
                           text=True, env=_clean_env())  # fmt: skip
        if r.returncode != 0:
            raise RuntimeError(f"lpadmin {' '.join(args)}: {r.stderr.strip()}")

    def add_queue(self, name: str, uri: str, model: str = "raw") -> None:
        """A queue on `uri`; `model` is raw, a drv:/// or driver PPD name (lpinfo -m)."""
        self.lpadmin("-p", name, "-E", "-v", uri, "-m", model)
        self.queues.append(name)

    def set_default(self, name: str) -> None:
        self.lpadmin("-d", name)

    def captured(self, job_id: int, timeout: float = 10.0) -> bytes:
        """The bytes the capture backend wrote for a job."""
        path = self.out / f"job-{job_id}.bin"
        deadline = time.monotonic() + timeout
        while not path.exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"no captured output for job {job_id}: {self.log()}")
            time.sleep(0.02)
        return path.read_bytes()

    def log(self) -> str:
        parts = []
        for name in ("stdout", "error_log"):
            p = self.dir / "log" / name
            if p.exists():
                parts.append(p.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def _clean_env() -> dict[str, str]:
    """The environment for cupsd and the CUPS tools: no LPDEST/PRINTER from the caller."""
    env = {k: v for k, v in os.environ.items() if k not in ("LPDEST", "PRINTER")}
    env.pop("CUPS_SERVER", None)
    return env


def free_port() -> int:
    """A loopback port nobody listens on (bound and closed: a tiny race, acceptable)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Listener:
    """A fake network label printer (raw port, like a JetDirect 9100): the bytes of each
    connection are one job. Empty connections (reachability probes) are not jobs."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.jobs: list[bytes] = []
        self.cv = threading.Condition()
        threading.Thread(target=self._run, daemon=True, name=f"listener-{self.port}").start()

    @property
    def uri(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: socket.socket) -> None:
        data = bytearray()
        with conn:
            while chunk := conn.recv(65536):
                data += chunk
        if data:
            with self.cv:
                self.jobs.append(bytes(data))
                self.cv.notify_all()

    def mark(self) -> int:
        with self.cv:
            return len(self.jobs)

    def next_job(self, after: int, timeout: float = 20.0) -> bytes:
        """The first job received after `mark()` returned `after`."""
        with self.cv:
            if not self.cv.wait_for(lambda: len(self.jobs) > after, timeout):
                raise AssertionError(f"the printer on port {self.port} received no job")
            return self.jobs[after]

    def close(self) -> None:
        self.sock.close()


class Staller:
    """A printer that accepts a connection and then never reads: jobs hang on it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        threading.Thread(target=self._run, daemon=True, name=f"staller-{self.port}").start()

    @property
    def uri(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def _run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            self.held.append(conn)

    def close(self) -> None:
        for c in self.held:
            c.close()
        self.sock.close()


@dataclass
class PrintLab:
    """The private CUPS the print tests use, with its printers:

    PDF     capture backend, raw: the exact PDF of each job in cups.out (the default)
    Label   a raw network label printer (Listener `label`): gets the PDF as sent
    Zebra   ZPL through CUPS's own zebra.ppd driver (Listener `zebra`)
    DYMO    DYMO LabelWriter 450 raster (printer-driver-dymo; Listener `dymo`)
    QL      Brother QL-820NWB raster (printer-driver-ptouch; Listener `ql`)
    Dead    a network printer nobody answers for
    Stall   a network printer that takes the connection and never reads
    NoLabels  a printer whose backend reports media-empty (out of labels)
    """

    cups: PrivateCups
    label: Listener
    zebra: Listener
    dymo: Listener
    ql: Listener
    staller: Staller
    dead_port: int

    @property
    def server(self) -> str:
        return self.cups.server

    @classmethod
    def start(cls) -> PrintLab:
        cups = PrivateCups.start_new("cupslab-")
        try:
            lab = cls(cups, Listener(), Listener(), Listener(), Listener(), Staller(), free_port())
            cups.add_queue("PDF", f"capture:{cups.out}")
            cups.add_queue("Label", lab.label.uri)
            cups.add_queue("Zebra", lab.zebra.uri, "drv:///sample.drv/zebra.ppd")
            cups.add_queue("DYMO", lab.dymo.uri, "dymo:0/cups/model/lw450.ppd")
            cups.add_queue("QL", lab.ql.uri,
                           "ptouch:0/ppd/ptouch-driver/Brother-QL-820NWB-ptouch-ql.ppd")  # fmt: skip
            # The device gives up after 60 s; the app's own rule says "offline" much sooner.
            cups.add_queue("Dead", f"socket://127.0.0.1:{lab.dead_port}/?contimeout=60")
            cups.add_queue("Stall", lab.staller.uri)
            cups.add_queue("NoLabels", "nolabels:/")
            cups.set_default("PDF")
        except BaseException:
            cups.stop()
            raise
        return lab

    def stop(self) -> None:
        self.cups.stop()
        for x in (self.label, self.zebra, self.dymo, self.ql, self.staller):
            x.close()

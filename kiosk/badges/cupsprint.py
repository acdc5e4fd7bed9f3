"""Printing a badge's PDF through CUPS and following the job (pycups; Linux and macOS).

    cups = CupsPrinters()                       # the CUPS server of CUPS_SERVER, else the default
    cups.printers()                             # [PrinterStatus], the default printer first
    cups.status("Zebra")                        # ready, offline, out of labels … before a scan
    result = cups.print_pdf("Zebra", pdf, "badge A-1", parse_label("4x3in"),
                            on_change=show)     # PRINTING updates, then the final PrintResult

`submit` hands the PDF over and returns the job id at once (a few ms on a local server);
`watch` follows it until CUPS says completed / cancelled / aborted / stopped, or the app's
own rules (kiosk.badges.printstate.judge) give it up: a printer that cannot be reached,
out of labels, or not printed within the timeout. A job that is given up is cancelled
("withdrawn"), so that a printer that comes back an hour later does not print a badge the
desk has already printed elsewhere.

The server is read from CUPS_SERVER at each call (a path to a socket, or host[:port]), not
once per thread as libcups does: a test, or the desk, can point at another server. Each
call opens its own connection: pycups connections are not shared between threads.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk.badges.printstate import (
    DEFAULT_POLICY,
    JOB_COMPLETED,
    JOB_PROCESSING,
    PRINTER_IDLE,
    FollowPolicy,
    JobView,
    PrinterStatus,
    PrinterView,
    PrintProblem,
    PrintResult,
    PrintStatus,
    Reach,
    failed,
    judge,
    printer_problem,
)
from kiosk.badges.stocks import LabelChoice

#: Ports of network device URIs, for the reachability probe.
_PORTS = {"socket": 9100, "ipp": 631, "ipps": 631, "http": 80, "https": 443, "lpd": 515}
_PRINTER_ATTRS = ["printer-name", "printer-state", "printer-state-reasons",
                  "printer-state-message", "printer-is-accepting-jobs", "device-uri",
                  "printer-make-and-model", "media-supported"]  # fmt: skip
_JOB_ATTRS = ["job-id", "job-state", "job-state-reasons", "job-printer-state-message"]
#: IPP status codes (RFC 8011) the submit step tells apart.
_IPP_NOT_FOUND = 0x0406
_IPP_NOT_ACCEPTING = 0x0506
_MEDIA_SIZE = re.compile(r"_(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(mm|in)$")
#: A queue's own size is used for a label when both sides are within this (mm).
MEDIA_MATCH_MM = 2.0

OnChange = Callable[[PrintResult], None]


class CupsUnavailable(Exception):
    """pycups is not installed, or the CUPS server does not answer."""


@dataclass(frozen=True, slots=True)
class Submitted:
    """A job CUPS took: follow it with `CupsPrinters.watch`."""

    printer: str
    job_id: int
    at: float  # monotonic time of the submission
    device: str  # device URI (for the reachability probe)
    label: str = ""


def cups_server() -> str:
    """The server to talk to: CUPS_SERVER, else what libcups would choose."""
    return os.environ.get("CUPS_SERVER", "").strip()


class CupsPrinters:
    """The printers of one CUPS server, and jobs on them. `server`: a socket path or
    host[:port]; empty means CUPS_SERVER, else the system's. `clock` gives monotonic
    seconds and `sleep` waits (both injectable)."""

    def __init__(
        self,
        server: str = "",
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        probe: Callable[[str, float], Reach] | None = None,
    ) -> None:
        self.server = server
        self.clock = clock
        self.sleep = sleep
        self.probe = probe or probe_device

    # -- connection ---------------------------------------------------------------------
    def connect(self) -> Any:
        """A new pycups Connection (CupsUnavailable when there is no server)."""
        try:
            import cups
        except ImportError as exc:  # pragma: no cover - pycups is a dependency
            raise CupsUnavailable(f"pycups is not installed ({exc})") from None
        server = self.server or cups_server()
        try:
            if not server:
                return cups.Connection()
            host, port = split_server(server)
            return cups.Connection(host=host, port=port) if port else cups.Connection(host=host)
        except RuntimeError as exc:  # "failed to connect to server"
            raise CupsUnavailable(f"CUPS at {server or 'the default server'}: {exc}") from None

    # -- printers -----------------------------------------------------------------------
    def printers(self, probe: bool = False) -> list[PrinterStatus]:
        """Every printer, the default first, then by name (empty when CUPS is down)."""
        try:
            conn = self.connect()
            found = conn.getPrinters()
            default = _default(conn)
        except _any_error():
            return []
        names = sorted(found, key=lambda n: (n != default, n.lower()))
        return [self._status_of(n, found[n], n == default, probe) for n in names]

    def default(self) -> str:
        """The default printer ('' when there is none): LPDEST, PRINTER, then the server's."""
        try:
            return _default(self.connect())
        except _any_error():
            return ""

    def status(self, name: str, probe: bool = True) -> PrinterStatus:
        """One printer's state for the desk: ready, busy, or a problem (offline, out of
        labels …). `probe` tries a network printer's address (up to ~1 s when it is down)."""
        try:
            conn = self.connect()
        except CupsUnavailable as exc:
            return PrinterStatus(name, problem=PrintProblem.SERVER_DOWN, detail=_detail(exc))
        try:
            attrs = conn.getPrinterAttributes(name, requested_attributes=_PRINTER_ATTRS)
            default = _default(conn)
        except _cups_errors() as exc:
            return PrinterStatus(name, problem=_problem_of_ipp(exc), detail=_detail(exc))
        return self._status_of(name, attrs, name == default, probe)

    def _status_of(
        self, name: str, a: dict[str, Any], is_default: bool, probe: bool
    ) -> PrinterStatus:
        view = _printer_view(a)
        device = str(a.get("device-uri", ""))
        reach = self.probe(device, DEFAULT_POLICY.probe_timeout_s) if probe else Reach.UNKNOWN
        verdict = printer_problem(view, reach)
        return PrinterStatus(
            name=name,
            is_default=is_default,
            problem=verdict.problem if verdict else None,
            detail=verdict.detail if verdict else ("", ""),
            busy=view.state == 4,
            model=str(a.get("printer-make-and-model", "")),
            device=_without_credentials(device),
            reach=reach,
        )

    # -- jobs ---------------------------------------------------------------------------
    def submit(self, printer: str, pdf: bytes, title: str,
               label: LabelChoice | None = None) -> Submitted | PrintResult:  # fmt: skip
        """Hand `pdf` to `printer` ('' = the default) with the label's media; the job, or a
        FAILED result (no printer, not found, refused, CUPS down)."""
        try:
            conn = self.connect()
        except CupsUnavailable as exc:
            return failed(PrintProblem.SERVER_DOWN, printer, _detail(exc))
        try:
            name = printer or _default(conn)
            if not name:
                return failed(PrintProblem.NO_PRINTER)
            attrs = conn.getPrinterAttributes(name, requested_attributes=_PRINTER_ATTRS)
            options = {}
            media = media_for(attrs.get("media-supported"), label) if label else None
            if media:
                options["media"] = media
            with tempfile.TemporaryDirectory(prefix="badge-") as tmp:
                path = Path(tmp) / "badge.pdf"
                path.write_bytes(pdf)
                job_id = int(conn.printFile(name, str(path), title, options))
        except _cups_errors() as exc:
            problem = _problem_of_ipp(exc)
            detail = ("", "") if problem is PrintProblem.NOT_FOUND else _detail(exc)
            return failed(problem, printer or "", detail)
        device = str(attrs.get("device-uri", ""))
        return Submitted(name, job_id, self.clock(), device, label.name if label else "")

    def watch(self, job: Submitted, policy: FollowPolicy = DEFAULT_POLICY) -> Iterator[PrintResult]:
        """PRINTING results while the job runs (one each time what is known changes), then
        the final one. A job given up is cancelled first (`withdrawn`)."""
        base = PrintResult(PrintStatus.PRINTING, job.printer, job.job_id, label=job.label,
                           timeout_s=policy.timeout_s)  # fmt: skip
        last: PrintResult | None = None
        reach, probed_at = Reach.UNKNOWN, -1e9
        while True:
            elapsed = self.clock() - job.at
            try:
                view = self._job_view(job)
            except CupsUnavailable as exc:
                if elapsed >= policy.timeout_s:
                    down = failed(PrintProblem.SERVER_DOWN, job.printer, _detail(exc))
                    yield replace(down, job_id=job.job_id, label=job.label, seconds=elapsed)
                    return
                self.sleep(policy.poll_after(elapsed))
                continue
            if _worth_probing(view, elapsed, probed_at, self.clock(), policy):
                reach, probed_at = self.probe(job.device, policy.probe_timeout_s), self.clock()
            result = base.with_verdict(judge(view, elapsed, reach, policy), elapsed)
            if result.final:
                yield self._settle(job, result)
                return
            if last is None or (result.detail, result.status) != (last.detail, last.status):
                last = result
                yield result
            self.sleep(policy.poll_after(elapsed))

    def follow(self, job: Submitted, policy: FollowPolicy = DEFAULT_POLICY,
               on_change: OnChange | None = None) -> PrintResult:  # fmt: skip
        """Follow `job` to its end (blocking); `on_change` sees every PRINTING update."""
        for result in self.watch(job, policy):
            if result.final:
                return result
            if on_change is not None:
                on_change(result)
        raise AssertionError("watch() ends with a final result")  # pragma: no cover

    def print_pdf(self, printer: str, pdf: bytes, title: str, label: LabelChoice | None = None,
                  policy: FollowPolicy = DEFAULT_POLICY,
                  on_change: OnChange | None = None) -> PrintResult:  # fmt: skip
        """Submit and follow: the final PrintResult."""
        job = self.submit(printer, pdf, title, label)
        if isinstance(job, PrintResult):
            return replace(job, label=label.name if label else "")
        if on_change is not None:
            on_change(PrintResult(PrintStatus.PRINTING, job.printer, job.job_id, label=job.label))
        return self.follow(job, policy, on_change)

    def cancel(self, job_id: int) -> bool:
        """Cancel a job; False when CUPS refused (it had ended, or is not there)."""
        try:
            self.connect().cancelJob(job_id)
        except _any_error():
            return False
        return True

    def _job_view(self, job: Submitted) -> JobView:
        conn = self.connect()
        try:
            a = conn.getJobAttributes(job.job_id, requested_attributes=_JOB_ATTRS)
            p = conn.getPrinterAttributes(job.printer, requested_attributes=_PRINTER_ATTRS)
        except _cups_errors() as exc:
            raise CupsUnavailable(str(exc)) from None
        return JobView(int(a.get("job-state", 0)), _printer_view(p),
                       str(a.get("job-printer-state-message", "") or ""))  # fmt: skip

    def _settle(self, job: Submitted, result: PrintResult) -> PrintResult:
        """A final result; a job given up (failed, timed out) is cancelled so it cannot
        print later, unless it completed in the meantime."""
        if result.status not in (PrintStatus.FAILED, PrintStatus.TIMEOUT):
            return result
        if not self.cancel(job.job_id):
            return result
        with contextlib.suppress(CupsUnavailable):
            if self._job_view(job).state == JOB_COMPLETED:
                return replace(result, status=PrintStatus.PRINTED, problem=None, detail=("", ""))
        return replace(result, withdrawn=True)


# -- helpers ----------------------------------------------------------------------------
def _worth_probing(view: JobView, elapsed: float, probed_at: float, now: float,
                   policy: FollowPolicy) -> bool:  # fmt: skip
    """Try the printer's address once the job has waited `offline_after_s`, again every
    `offline_after_s`, and only while this job is the one being printed (or nothing is):
    a job queued behind another printer's work just waits."""
    if elapsed < policy.offline_after_s or now - probed_at < policy.offline_after_s:
        return False
    return view.state == JOB_PROCESSING or view.printer.state == PRINTER_IDLE


def _cups_errors() -> tuple[type[BaseException], ...]:
    import cups

    return (cups.IPPError, cups.HTTPError, RuntimeError)


def _any_error() -> tuple[type[BaseException], ...]:
    return (CupsUnavailable, *_cups_errors())


def _default(conn: Any) -> str:
    return str(conn.getDefault() or "")


def _printer_view(a: dict[str, Any]) -> PrinterView:
    reasons = a.get("printer-state-reasons", ())
    if isinstance(reasons, str):
        reasons = (reasons,)
    return PrinterView(
        state=int(a.get("printer-state", 3)),
        reasons=tuple(str(r) for r in reasons),
        message=str(a.get("printer-state-message", "") or ""),
        accepting=bool(a.get("printer-is-accepting-jobs", True)),
    )


def _problem_of_ipp(exc: BaseException) -> PrintProblem:
    args = getattr(exc, "args", ())
    status = args[0] if args and isinstance(args[0], int) else None
    if status == _IPP_NOT_FOUND:
        return PrintProblem.NOT_FOUND
    if status is None and isinstance(exc, RuntimeError):
        return PrintProblem.SERVER_DOWN
    return PrintProblem.REFUSED


def _detail(exc: BaseException) -> tuple[str, str]:
    args: tuple[object, ...] = tuple(getattr(exc, "args", ()))
    text = str(args[1] if len(args) > 1 else exc).strip()
    return (f"CUPS: {text}", f"CUPS：{text}") if text else ("", "")


def split_server(server: str) -> tuple[str, int]:
    """'/run/cups.sock' -> (path, 0); 'host:631' -> ('host', 631); '[::1]:631' too."""
    if server.startswith("/"):
        return server, 0
    m = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?|([^:]+)(?::(\d+))?", server)
    if m is None:  # a bare IPv6 address
        return server, 0
    return m.group(1) or m.group(3), int(m.group(2) or m.group(4) or 0)


def media_for(supported: object, label: LabelChoice | None) -> str | None:
    """The queue's own media name for `label` (as fed, within MEDIA_MATCH_MM), else a
    custom size when the queue takes custom sizes, else None (a raw queue: the PDF's
    page is the label)."""
    if label is None or not isinstance(supported, (list, tuple)):
        return None
    want_w, want_h = label.media
    best: tuple[float, str] | None = None
    custom = False
    for name in (str(n) for n in supported):
        if name.startswith(("custom_min_", "custom_max_")):
            custom = True
            continue
        size = media_size(name)
        if size is None:
            continue
        off = max(abs(size[0] - want_w), abs(size[1] - want_h))
        if off <= MEDIA_MATCH_MM and (best is None or off < best[0]):
            best = (off, name)
    if best is not None:
        return best[1]
    if custom:
        return f"Custom.{want_w:.2f}x{want_h:.2f}mm"
    return None


def media_size(name: str) -> tuple[float, float] | None:
    """(width, height) mm of a PWG self-describing media name ('na_index-4x6_4x6in')."""
    m = _MEDIA_SIZE.search(name)
    if m is None:
        return None
    k = 25.4 if m.group(3) == "in" else 1.0
    return float(m.group(1)) * k, float(m.group(2)) * k


def probe_device(uri: str, timeout: float = 1.0) -> Reach:
    """Try to open a TCP connection to a network printer's address (socket://, ipp://,
    lpd:// …) and close it at once: REACHABLE, REFUSED, UNREACHABLE, or UNKNOWN for a
    printer that is not on the network (USB, a file, a backend of its own)."""
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port or _PORTS.get(parts.scheme)
    except ValueError:
        return Reach.UNKNOWN
    if parts.scheme not in _PORTS or not host or not port:
        return Reach.UNKNOWN
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return Reach.REACHABLE
    except ConnectionRefusedError:
        return Reach.REFUSED
    except OSError:  # no answer, no route, no such host
        return Reach.UNREACHABLE


def _without_credentials(uri: str) -> str:
    return re.sub(r"//[^/@]*@", "//", uri)

"""What became of a print job, and what is wrong with a printer: typed, bilingual, pure.

`kiosk.badges.cupsprint` reads CUPS (job-state, printer-state, printer-state-reasons) and
asks the rules here what it means; nothing here talks to a printer or sleeps, so the rules
are tested with made-up observations and an injected elapsed time.

A job ends as:
    PRINTED    CUPS says job-state completed (9): the device took every byte
    CANCELLED  cancelled from outside (`cancel`, the printer's panel) while we followed it
    FAILED     with a PrintProblem: offline, out of labels, stopped, refused …
    TIMEOUT    not printed within the time allowed (problem NO_ANSWER)
and is PRINTING until then. SENT is for a system printer that cannot be followed (Qt
without CUPS): the badge was handed over, nobody knows whether it printed.

Why the app needs its own rules: a socket queue whose device never answers stays
"processing" forever (the backend retries for days), with printer-state-reasons 'none';
completed jobs keep job-state-reasons 'processing-to-stop-point'. So only job-state,
the printer's reasons and a reachability probe of the device are trusted, and a job that
has not printed in `timeout_s` is given up (and withdrawn, so that it cannot print later).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

# IPP job-state and printer-state values (RFC 8011).
JOB_PENDING, JOB_HELD, JOB_PROCESSING, JOB_STOPPED = 3, 4, 5, 6
JOB_CANCELED, JOB_ABORTED, JOB_COMPLETED = 7, 8, 9
PRINTER_IDLE, PRINTER_PROCESSING, PRINTER_STOPPED = 3, 4, 5


class PrintStatus(enum.StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    TIMEOUT = "timeout"
    SENT = "sent"  # handed to a printer that cannot be followed: never "printed"


class PrintProblem(enum.StrEnum):
    NO_PRINTER = "no_printer"  # no printer set up at all
    NOT_FOUND = "not_found"  # the chosen printer is not set up here
    SERVER_DOWN = "server_down"  # the printing service does not answer
    REFUSED = "refused"  # the queue does not accept jobs, or refused this one
    OFFLINE = "offline"  # the printer is off, unplugged or unreachable
    OUT_OF_MEDIA = "out_of_media"  # out of labels or paper
    NEEDS_ATTENTION = "needs_attention"  # jam, cover open, ribbon or ink out
    STOPPED = "stopped"  # the job or the queue was stopped
    NO_ANSWER = "no_answer"  # not printed within the time allowed
    LABEL_TOO_SMALL = "label_too_small"  # the badge does not fit the chosen label
    ALREADY_PRINTED = "already_printed"  # the badge was printed: a reprint is needed
    IN_PROGRESS = "in_progress"  # this badge is being printed now


class Reach(enum.StrEnum):
    """What a connection attempt to the printer's own address said."""

    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"  # no answer at all: switched off, unplugged, not there
    REFUSED = "refused"  # something at the address refused: no printer there, or one that
    #                      takes one connection at a time and is busy with it
    UNKNOWN = "unknown"  # not a network printer (USB, a file …), or not probed


#: One table: what each outcome and problem says, in English and Chinese.
STATUS_TEXT: dict[PrintStatus, tuple[str, str]] = {
    PrintStatus.PRINTING: ("Printing the badge on {printer}…", "正在{printer}上打印胸卡…"),
    PrintStatus.PRINTED: ("Badge printed on {printer}", "胸卡已在{printer}打印完成"),
    PrintStatus.CANCELLED: (
        "The badge's print job on {printer} was cancelled",
        "{printer}上的胸卡打印任务已被取消",
    ),
    PrintStatus.SENT: (
        "Badge sent to {printer} (whether it printed cannot be followed: check the printer)",
        "胸卡已发送至{printer}（无法确认是否已打印，请查看打印机）",
    ),
}
PROBLEM_TEXT: dict[PrintProblem, tuple[str, str]] = {
    PrintProblem.NO_PRINTER: ("No printer is set up on this computer", "本机未设置打印机"),
    PrintProblem.NOT_FOUND: (
        "Printer {printer} is not set up on this computer",
        "本机没有名为{printer}的打印机",
    ),
    PrintProblem.SERVER_DOWN: (
        "The printing service (CUPS) does not answer",
        "打印服务（CUPS）无响应",
    ),
    PrintProblem.REFUSED: ("{printer} refused the badge", "打印机{printer}拒绝了打印任务"),
    PrintProblem.OFFLINE: (
        "{printer} is offline or cannot be reached",
        "打印机{printer}离线或无法连接",
    ),
    PrintProblem.OUT_OF_MEDIA: (
        "{printer} is out of labels or paper",
        "打印机{printer}缺标签或缺纸",
    ),
    PrintProblem.NEEDS_ATTENTION: ("{printer} needs attention", "打印机{printer}需要处理"),
    PrintProblem.STOPPED: (
        "The print job stopped on {printer}",
        "打印任务在{printer}上已停止",
    ),
    PrintProblem.NO_ANSWER: (
        "{printer} did not print the badge within {seconds:g} s",
        "打印机{printer}在{seconds:g}秒内未打印出胸卡",
    ),
    PrintProblem.LABEL_TOO_SMALL: ("The label is too small for a badge", "标签太小，放不下胸卡"),
    PrintProblem.IN_PROGRESS: ("This badge is printing already", "该胸卡正在打印"),
    PrintProblem.ALREADY_PRINTED: (
        "Badge already printed: use Reprint",
        "胸卡已打印，如需补打请选择“补打胸卡”",
    ),
}

#: printer-state-reasons keywords (suffix removed) and what they mean for a badge.
_MEDIA = {"media-empty", "media-needed"}
_ATTENTION: dict[str, tuple[str, str]] = {
    "media-jam": ("labels or paper jammed", "卡纸"),
    "cover-open": ("cover open", "机盖打开"),
    "door-open": ("door open", "机门打开"),
    "marker-supply-empty": ("ribbon or ink out", "色带或墨水用完"),
    "toner-empty": ("toner out", "墨粉用完"),
    "input-tray-missing": ("tray missing", "纸盒缺失"),
    "interlock-open": ("interlock open", "安全锁打开"),
}
_OFFLINE = {"offline", "shutdown", "timed-out"}


@dataclass(frozen=True, slots=True)
class PrinterView:
    """A printer as CUPS describes it (printer-* attributes)."""

    state: int = PRINTER_IDLE
    reasons: tuple[str, ...] = ()
    message: str = ""
    accepting: bool = True


@dataclass(frozen=True, slots=True)
class JobView:
    """A job as CUPS describes it (job-* attributes), with its printer."""

    state: int
    printer: PrinterView = field(default_factory=PrinterView)
    message: str = ""  # job-printer-state-message


@dataclass(frozen=True, slots=True)
class FollowPolicy:
    """How long to follow a job.

    timeout_s: not printed by then, the job is given up (TIMEOUT, NO_ANSWER).
    offline_after_s: a job still waiting after this long has its printer's address tried;
        a printer that does not answer (or that CUPS reports offline that long) fails the
        job as OFFLINE then instead of at the timeout. A printer whose address refuses the
        connection is given three times as long: many label printers take one connection
        at a time, and a busy one refuses the probe while it prints.
    """

    timeout_s: float = 30.0
    offline_after_s: float = 3.0
    poll_s: float = 0.1
    slow_poll_s: float = 0.25  # after the first two seconds
    probe_timeout_s: float = 1.0

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.offline_after_s < 0 or self.poll_s <= 0:
            raise ValueError(
                "a follow policy needs timeout_s > 0, offline_after_s >= 0, poll_s > 0"
            )

    def poll_after(self, elapsed: float) -> float:
        return self.poll_s if elapsed < 2.0 else max(self.poll_s, self.slow_poll_s)


#: The policy used when none is given.
DEFAULT_POLICY = FollowPolicy()


@dataclass(frozen=True, slots=True)
class Verdict:
    status: PrintStatus
    problem: PrintProblem | None = None
    detail: tuple[str, str] = ("", "")  # (English, Chinese): what exactly, when known


def active_reasons(reasons: Iterable[str]) -> set[str]:
    """printer-state-reasons that stop printing: '-warning' ones dropped, suffixes removed
    ('media-empty-error' -> 'media-empty'); 'offline-report' kept as 'offline'."""
    out: set[str] = set()
    for r in reasons:
        r = r.strip().lower()
        if not r or r == "none" or r.endswith("-warning"):
            continue
        for suffix in ("-error", "-report"):
            if r.endswith(suffix):
                r = r[: -len(suffix)]
        out.add(r)
    return out


def printer_problem(
    p: PrinterView, reach: Reach = Reach.UNKNOWN, busy_refuses: bool = True
) -> Verdict | None:
    """What stops this printer from printing a badge now, if anything. With
    `busy_refuses`, a printer that refuses a connection while CUPS prints on it is busy,
    not offline (`judge` weighs that itself, by time)."""
    if busy_refuses and reach is Reach.REFUSED and p.state == PRINTER_PROCESSING:
        reach = Reach.UNKNOWN
    reasons = active_reasons(p.reasons)
    if reasons & _MEDIA:
        return Verdict(PrintStatus.FAILED, PrintProblem.OUT_OF_MEDIA)
    for key, words in _ATTENTION.items():
        if key in reasons:
            return Verdict(PrintStatus.FAILED, PrintProblem.NEEDS_ATTENTION, words)
    if reasons & _OFFLINE or reach in (Reach.UNREACHABLE, Reach.REFUSED):
        return Verdict(PrintStatus.FAILED, PrintProblem.OFFLINE)
    if p.state == PRINTER_STOPPED or "paused" in reasons:
        return Verdict(PrintStatus.FAILED, PrintProblem.STOPPED,
                       _cups_says(p.message) or ("the queue is stopped", "打印队列已暂停"))  # fmt: skip
    if not p.accepting:
        return Verdict(PrintStatus.FAILED, PrintProblem.REFUSED,
                       ("the queue does not accept jobs", "打印队列不接受任务"))  # fmt: skip
    return None


def judge(job: JobView, elapsed: float, reach: Reach, policy: FollowPolicy) -> Verdict:
    """The job's outcome so far, `elapsed` seconds after it was submitted."""
    if job.state == JOB_COMPLETED:
        return Verdict(PrintStatus.PRINTED)
    if job.state == JOB_CANCELED:
        return Verdict(PrintStatus.CANCELLED)
    printer = printer_problem(job.printer, reach, busy_refuses=False)
    if job.state == JOB_ABORTED:
        return printer or Verdict(PrintStatus.FAILED, PrintProblem.STOPPED, _cups_says(job.message))
    if job.state in (JOB_STOPPED, JOB_HELD):
        return printer or Verdict(PrintStatus.FAILED, PrintProblem.STOPPED, _cups_says(job.message))
    # Pending or processing: a printer that cannot print fails the job; "offline" only once
    # the grace has passed (CUPS reports "connecting" for a moment on every healthy job).
    if printer is not None and (
        printer.problem is not PrintProblem.OFFLINE or elapsed >= _grace(reach, policy)
    ):
        return printer
    if elapsed >= policy.timeout_s:
        return Verdict(PrintStatus.TIMEOUT, PrintProblem.NO_ANSWER, _cups_says(job.message))
    return Verdict(PrintStatus.PRINTING, None, _cups_says(job.message))


def _grace(reach: Reach, policy: FollowPolicy) -> float:
    return policy.offline_after_s * (3 if reach is Reach.REFUSED else 1)


def _cups_says(message: str) -> tuple[str, str]:
    m = message.strip()
    return (f"CUPS: {m}", f"CUPS：{m}") if m else ("", "")


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What became of one badge's print (or where it stands, for PRINTING)."""

    status: PrintStatus
    printer: str = ""
    job_id: int | None = None
    problem: PrintProblem | None = None
    detail: tuple[str, str] = ("", "")
    seconds: float = 0.0  # since the job was submitted
    timeout_s: float = 0.0
    withdrawn: bool = False  # the app cancelled the job so that it cannot print later
    attendee_id: str = ""
    badge_id: int | None = None
    label: str = ""
    logged: str = ""  # the print log entry's uuid, once recorded

    @property
    def printed(self) -> bool:
        return self.status is PrintStatus.PRINTED

    @property
    def final(self) -> bool:
        return self.status is not PrintStatus.PRINTING

    @property
    def message(self) -> str:
        return self._text(0)

    @property
    def message_zh(self) -> str:
        return self._text(1)

    def _text(self, lang: int) -> str:
        if self.problem is not None:
            template = PROBLEM_TEXT[self.problem][lang]
        else:
            template = STATUS_TEXT.get(self.status, ("{printer}", "{printer}"))[lang]
        text = template.format(printer=self.printer or "?", seconds=self.timeout_s)
        if self.detail[lang]:
            text += (": " if lang == 0 else "：") + self.detail[lang]
        if self.withdrawn:
            text += (
                " (the job was withdrawn: it will not print later)"
                if lang == 0
                else "（任务已撤回，不会稍后打印）"
            )
        return text

    def __str__(self) -> str:
        return f"{self.message} · {self.message_zh}"

    def with_verdict(self, v: Verdict, seconds: float) -> PrintResult:
        return replace(self, status=v.status, problem=v.problem, detail=v.detail, seconds=seconds)

    def to_json(self) -> dict[str, Any]:
        """One line of `print-badge --json`."""
        return {
            "status": self.status.value,
            "problem": self.problem.value if self.problem else None,
            "printer": self.printer or None,
            "job_id": self.job_id,
            "attendee_id": self.attendee_id or None,
            "badge_id": self.badge_id,
            "label": self.label or None,
            "seconds": round(self.seconds, 3),
            "withdrawn": self.withdrawn,
            "logged": self.logged or None,
            "message": self.message,
            "message_zh": self.message_zh,
        }


def failed(
    problem: PrintProblem, printer: str = "", detail: tuple[str, str] = ("", "")
) -> PrintResult:
    """A print that could not start."""
    return PrintResult(PrintStatus.FAILED, printer, problem=problem, detail=detail)


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """A printer as the desk shows it before anyone scans: ready, or what is wrong."""

    name: str
    is_default: bool = False
    problem: PrintProblem | None = None
    detail: tuple[str, str] = ("", "")
    busy: bool = False  # printing something now
    model: str = ""
    device: str = ""  # the device URI, credentials removed
    reach: Reach = Reach.UNKNOWN

    @property
    def ready(self) -> bool:
        return self.problem is None

    @property
    def message(self) -> str:
        return self._text(0)

    @property
    def message_zh(self) -> str:
        return self._text(1)

    def _text(self, lang: int) -> str:
        if self.problem is None:
            ready = ("{printer} is ready", "打印机{printer}已就绪")
            busy = ("{printer} is printing", "打印机{printer}正在打印")
            return (busy if self.busy else ready)[lang].format(printer=self.name)
        text = PROBLEM_TEXT[self.problem][lang].format(printer=self.name, seconds=0)
        if self.detail[lang]:
            text += (": " if lang == 0 else "：") + self.detail[lang]
        return text

    def __str__(self) -> str:
        return f"{self.message} · {self.message_zh}"

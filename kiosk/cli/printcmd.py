"""Print commands: `badges` (print-ready badge sheets), `print-badge` (one badge on a
printer, followed until it printed) and `report` (the attendance report)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kiosk.badges.layouts import LAYOUTS, SHEETS
from kiosk.badges.stocks import DEFAULT_LABEL, LABEL_NAMES
from kiosk.cli.common import (
    cli,
    db_option,
    echo_json,
    handle_errors,
    now_option,
    open_service,
    station_option,
)

#: Runs at least this long get a progress bar (on stderr, when it is a terminal).
PROGRESS_FROM = 100


def _out_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(
        "--out",
        "out",
        required=True,
        type=click.Path(path_type=Path),
        help=help_text,
    )


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int, int], None] | None]:
    if total < PROGRESS_FROM:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        shown = 0

        def update(done: int, _total: int) -> None:
            nonlocal shown
            bar.update(done - shown)
            shown = done

        yield update


@cli.command()
@db_option
@_out_option("The PDF to write (replaced only when the whole sheet is ready).")
@click.option(
    "--attendee",
    "refs",
    multiple=True,
    metavar="ATTENDEE",
    help="Attendee id, external id or email; repeat (or separate with commas) for several. "
    "Default: everyone.",
)
@click.option("--category", default=None, help="Only this category (vip, speaker, press …).")
@click.option(
    "--layout",
    default="a6",
    show_default=True,
    metavar="LAYOUT",
    callback=lambda _ctx, _param, value: _check_layout(value),
    help=f"A label stock, one badge a page ({', '.join(LABEL_NAMES)}, or a size such as "
    f"54x101mm), or a sheet with crop marks ({', '.join(SHEETS)}).",
)
@now_option
@handle_errors
def badges(
    db_path: Path,
    out: Path,
    refs: tuple[str, ...],
    category: str | None,
    layout: str,
    now_text: str | None,
) -> None:
    """Render print-ready badges (bilingual names, QR code, category band) to a PDF.

    Attendees without a badge are issued one, which needs the event's signing key.
    """
    from kiosk.badges.render import BadgeRenderer
    from kiosk.badges.select import select_badges
    from kiosk.storage.atomic import check_writable

    check_writable(out)
    with open_service(db_path, now_text) as service:
        chosen = select_badges(service, refs, category)
        renderer = BadgeRenderer(service.event, layout)
        with _progress(len(chosen), "Rendering badges") as progress:
            report = renderer.write_pdf(chosen, out, progress)
    click.echo(
        f"{out}: {report.badges} badge{'s' if report.badges != 1 else ''} on "
        f"{report.pages} page{'s' if report.pages != 1 else ''} ({report.layout}, "
        f"QR module {report.module_mm:.2f} mm, {report.size_bytes / 1024:.0f} KiB)"
    )


def _check_layout(value: str) -> str:
    from kiosk.badges.layouts import get_layout
    from kiosk.models.errors import ValidationError

    try:
        return get_layout(value).name if value not in LAYOUTS else value
    except ValidationError as exc:
        raise click.BadParameter(str(exc)) from None


def _check_label(value: str) -> str:
    from kiosk.badges.stocks import parse_label
    from kiosk.models.errors import ValidationError

    try:
        return parse_label(value).name
    except ValidationError as exc:
        raise click.BadParameter(str(exc)) from None


def printer_option(f: Callable[..., None]) -> Callable[..., None]:
    """--printer NAME: shared by `print-badge` and the app."""
    return click.option(
        "--printer",
        default="",
        metavar="NAME",
        help="The printer (a CUPS queue, as `lpstat -p` lists them); default: the system's "
        "default printer (LPDEST, PRINTER, then CUPS's default).",
    )(f)


def label_option(f: Callable[..., None]) -> Callable[..., None]:
    """--label STOCK: shared by `print-badge` and the app."""
    return click.option(
        "--label",
        default=DEFAULT_LABEL,
        show_default=True,
        metavar="STOCK",
        callback=lambda _ctx, _param, value: _check_label(value),
        help=f"The label stock: {', '.join(LABEL_NAMES)}, or a size such as 54x101mm "
        "(add -portrait or -landscape to turn the badge on it).",
    )(f)


def cups_server_option(f: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--cups-server",
        default="",
        metavar="SERVER",
        help="The CUPS server: a socket path or host[:port], as `lp -h` takes "
        "(default: $CUPS_SERVER, else the system's).",
    )(f)


#: print-badge's exit status for each outcome (errors before printing exit 1, usage 2).
EXIT_STATUS = {"printed": 0, "failed": 3, "cancelled": 4, "timeout": 5}


@cli.command("print-badge")
@click.argument("attendee")
@db_option
@printer_option
@label_option
@click.option("--timeout", "timeout_s", type=click.FloatRange(1, 3600), default=30.0,
              show_default=True, metavar="S",
              help="Give the job up (and withdraw it) when it has not printed by then.")  # fmt: skip
@click.option("--reprint", is_flag=True,
              help="Issue a new badge code (the old one is refused at the door) and print it.")  # fmt: skip
@click.option("--reason", default="", help="Why (kept in the print log), e.g. 'lost badge'.")
@click.option("--operator", default="", help="Who printed it (kept in the print log).")
@station_option
@cups_server_option
@click.option("--json", "as_json", is_flag=True, help="The outcome as one JSON line.")
@now_option
@handle_errors
def print_badge(
    attendee: str, db_path: Path, printer: str, label: str, timeout_s: float, reprint: bool,
    reason: str, operator: str, station: str | None, cups_server: str, as_json: bool,
    now_text: str | None,
) -> None:  # fmt: skip
    """Print ATTENDEE's badge (id, external id or email) and follow the job until it printed.

    The same path as the desk: the badge's PDF goes to the printer through CUPS and is
    followed until CUPS says it completed; only then is it kept in the print log. A badge
    whose job failed (printer offline, out of labels, stopped, no answer within --timeout,
    cancelled) stays printable: run the command again, on this printer or another.
    A printed badge is not printed twice: --reprint issues a new code.

    Exit status: 0 printed, 3 failed, 4 cancelled, 5 timeout (1 for an error before
    printing, such as an unknown attendee).
    """
    from dataclasses import replace

    from kiosk.badges.cupsprint import CupsPrinters
    from kiosk.badges.design import LabelTooSmall
    from kiosk.badges.printing import BadgeDesk, DeskPrinter, PrintJob
    from kiosk.badges.printstate import FollowPolicy, PrintProblem, PrintResult, failed

    with open_service(db_path, now_text, station=station) as service:
        desk = BadgeDesk(service, label=label)
        aid = service.attendee(attendee).attendee_id
        try:
            job = desk.prepare(aid, reprint=reprint, operator=operator, reason=reason)
        except LabelTooSmall as exc:
            job, result = None, failed(PrintProblem.LABEL_TOO_SMALL, printer, exc.detail)
        else:
            result = failed(PrintProblem.ALREADY_PRINTED, printer)
        if job is not None:
            progress = None if as_json else _say_progress

            def record(j: PrintJob, r: PrintResult) -> str:
                return desk.record_result(j, r, operator)

            cups = DeskPrinter(CupsPrinters(cups_server), printer,
                               FollowPolicy(timeout_s=timeout_s))  # fmt: skip
            result = cups.print(job, record, on_change=progress)
        else:
            result = replace(result, attendee_id=aid, label=label)
    if as_json:
        echo_json(result.to_json())
    else:
        job_text = f" (job {result.job_id})" if result.job_id is not None else ""
        click.echo(f"{result.status.value}{job_text}: {result}")
    sys.exit(EXIT_STATUS.get(result.status.value, 3))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per printer.")
@click.option("--no-probe", is_flag=True,
              help="Do not try network printers' addresses (CUPS's word only).")  # fmt: skip
@cups_server_option
@handle_errors
def printers(as_json: bool, no_probe: bool, cups_server: str) -> None:
    """The printers badges can go to (CUPS), the default first, each ready or what is
    wrong (offline, out of labels, stopped …): what the desk shows before anyone scans."""
    from kiosk.badges.cupsprint import CupsPrinters

    found = CupsPrinters(cups_server).printers(probe=not no_probe)
    if as_json:
        for p in found:
            echo_json({"name": p.name, "default": p.is_default, "ready": p.ready,
                       "problem": p.problem.value if p.problem else None, "busy": p.busy,
                       "reach": p.reach.value, "model": p.model, "device": p.device,
                       "message": p.message, "message_zh": p.message_zh})  # fmt: skip
        return
    if not found:
        click.echo("No printer is set up on this computer (or CUPS is not running) · "
                   "本机未设置打印机（或CUPS未运行）")  # fmt: skip
        return
    for p in found:
        mark = "*" if p.is_default else " "
        click.echo(f"{mark} {p.name:20} {p} ({p.model or '?'}; {p.device or '?'})")


def _say_progress(result: object) -> None:
    click.echo(f"… {result}", err=True)


@cli.command()
@db_option
@_out_option("The PDF to write (replaced only when the whole report is ready).")
@now_option
@handle_errors
def report(db_path: Path, out: Path, now_text: str | None) -> None:
    """Write the organizers' attendance report (bilingual PDF): sessions, arrivals over
    time, categories, delegations and refused scans."""
    from kiosk.formats.report import write_report
    from kiosk.storage.atomic import check_writable

    check_writable(out)
    with open_service(db_path, now_text, readonly=True) as service:
        result = write_report(service.store, out, service.clock.now())
    click.echo(f"{out}: attendance report, {result.pages} pages, {result.sessions} sessions")

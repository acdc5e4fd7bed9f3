"""Print commands: `badges` (print-ready badge sheets) and `report` (the attendance report)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from kiosk.badges.layouts import LAYOUTS
from kiosk.cli.common import cli, db_option, handle_errors, now_option, open_service

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
    type=click.Choice(list(LAYOUTS)),
    default="a6",
    show_default=True,
    help="a6 and 4x3in: one badge a page; a4-4up and letter-6up: sheets with crop marks.",
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

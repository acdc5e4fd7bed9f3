"""Scanning commands: `decode` (images to texts) and `scan` (a camera or video to check-ins)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from kiosk.cli.common import (
    UserError,
    cli,
    db_option,
    echo_json,
    handle_errors,
    now_option,
    open_service,
    station_option,
)
from kiosk.scan.decoders import DECODER_NAMES, Decoder, make_decoder_or_fallback


def _decoder(name: str) -> Decoder:
    return make_decoder_or_fallback(name, lambda msg: click.echo(f"warning: {msg}", err=True))


def _read_image(path: Path) -> object:
    from kiosk.scan.sources import SourceError, load_image

    if not path.is_file():
        raise UserError(f"{path}: no such image")
    try:
        return load_image(path)
    except SourceError as exc:  # too many pixels (before decoding), or not an image
        raise UserError(str(exc)) from None


F = TypeVar("F", bound=Callable[..., Any])


def decoder_option(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--decoder",
        "decoder_name",
        type=click.Choice(DECODER_NAMES),
        default="zxing",
        show_default=True,
        help=help_text,
    )


@cli.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path))
@decoder_option("Decoder backend; with zxing the project's pipeline also tries harder passes.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per code.")
@handle_errors
def decode(images: tuple[Path, ...], decoder_name: str, as_json: bool) -> None:
    """Print the text of every QR code in each image: FILE<TAB>TEXT, one line per code.

    An image without a code prints nothing. Line breaks and tabs inside a code are written
    as \\r, \\n and \\t (--json gives the exact text). An unreadable file is reported on
    stderr and the others are still decoded (exit code 1 at the end).
    """
    from kiosk.scan.pipeline import FramePipeline

    pipeline = FramePipeline(_decoder(decoder_name), thorough=True)
    failed = 0
    for path in images:
        try:
            img = _read_image(path)
        except UserError as exc:
            click.echo(f"error: {exc}", err=True)
            failed += 1
            continue
        for det in pipeline.process(img):  # type: ignore[arg-type]
            if as_json:
                echo_json(
                    {"file": str(path), "text": det.text, "corners": [list(c) for c in det.corners]}
                )
            else:
                click.echo(f"{path}\t{_one_line(det.text)}")
    if pipeline.failures.total:
        click.echo(f"warning: {pipeline.failures.summary()}", err=True)
    if failed:
        raise UserError(f"{failed} of {len(images)} files could not be read")


def _one_line(text: str) -> str:
    """Codes may hold line breaks and tabs: written as \\r \\n \\t, one code stays one line
    (--json gives the exact text)."""
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


@cli.command()
@db_option
@click.option("--session", "session_id", required=True, help="Session id (e.g. opening).")
@click.option(
    "--source",
    required=True,
    help="A camera index (0), a video file, a folder of images or an rtsp/http URL.",
)
@station_option
@click.option("--operator", default="", help="Who operates the station.")
@decoder_option("Decoder backend.")
@click.option(
    "--repeat-after",
    default=3.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds a code must be out of view before it counts as a new scan.",
)
@click.option(
    "--max-frames", type=click.IntRange(min=1), default=None, help="Stop after this many frames."
)
@click.option(
    "--give-up-after",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds to keep retrying a camera or stream that is unavailable.",
)
@click.option("--loop", is_flag=True, help="Play a video file or folder again and again.")
@click.option("--realtime", is_flag=True, help="Pace a video file at its frame rate.")
@now_option
@handle_errors
def scan(
    db_path: Path,
    session_id: str,
    source: str,
    station: str | None,
    operator: str,
    decoder_name: str,
    repeat_after: float,
    max_frames: int | None,
    give_up_after: float,
    loop: bool,
    realtime: bool,
    now_text: str | None,
) -> None:
    """Run the camera path headlessly: every new code goes through check-in.

    Prints one JSON line per scan (as `checkin` does) and a summary line at the end
    (frames, frames per second, codes, outcomes, how the source ended).
    """
    from kiosk.models.outcomes import CheckinResult, Method
    from kiosk.scan.debounce import Debouncer
    from kiosk.scan.loop import MediaClock, ScanLoop
    from kiosk.scan.pipeline import FramePipeline
    from kiosk.scan.sources import FrameSource, ReconnectingSource, SourceStatus, open_source

    with open_service(db_path, now_text, station=station) as service:
        service.session(session_id)  # a wrong session id fails before the camera opens
        clock = service.clock
        decoder = _decoder(decoder_name)
        live = source.strip().isdigit() or "://" in source

        def open_it() -> FrameSource:
            return open_source(source, loop=loop, realtime=realtime, clock=clock)

        def tell(status: SourceStatus, reason: str) -> None:
            if status is SourceStatus.OK:  # (re)connected: say what the device granted
                i = src.info
                click.echo(f"{i.name}: {i.width}x{i.height} at {i.fps:g} fps", err=True)
            else:
                click.echo(f"warning: {reason}", err=True)

        src: FrameSource = ReconnectingSource(open_it, clock, on_status=tell) if live else open_it()
        # A file read as fast as it decodes: debounce in the recording's time, not ours.
        media = None if live or realtime else MediaClock(clock, src.info.fps)

        def check_in(code: str) -> CheckinResult:
            result: CheckinResult = service.check_in(code, session_id, Method.CAMERA, operator)
            return result

        scan_loop = ScanLoop(
            src,
            FramePipeline(decoder, budget_ms=12.0 if live else 0.0),
            Debouncer(media or clock, repeat_after),
            check_in,
            clock,
            outcome_of=lambda r: r.outcome.value,
            media_clock=media,
        )
        try:
            summary = scan_loop.run(
                max_frames=max_frames,
                give_up_after=give_up_after if live else None,
                on_scan=lambda _text, r: echo_json(r.to_json(service.event.tz)),
            )
        finally:
            src.close()
        echo_json(summary.to_json())
        if summary.decoder_failures:
            click.echo(f"warning: {summary.decoder_failure}", err=True)
        if summary.end in (SourceStatus.FAILED, SourceStatus.UNAVAILABLE):
            click.echo(f"error: {summary.reason}", err=True)
            raise SystemExit(1)

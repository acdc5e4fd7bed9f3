"""One entry point: the application is the default command of the command line.

`python main.py [OPTIONS]` starts the app; `python main.py COMMAND …` runs a command.
The options the app shares with the commands (--db, --session, --station, --operator,
--now, --decoder) are the same click options, parsed once, meaning the same everywhere:
--now without an offset is read in the event's time zone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.badges.stocks import LABEL_NAMES
from kiosk.cli import load_commands
from kiosk.cli.common import now_option, station_option
from kiosk.scan.decoders import DECODER_NAMES
from ui.app.args import AppArgs
from ui.app.screens import DEFAULT, SCREENS

APP_HELP = """Forum Check-in: QR badge check-in for bilingual business forums.

Without a command, starts the application (staff desk, self check-in kiosk, organizers'
dashboard) on --db, or on the demo event in the user data folder. With a command, runs it
(`python main.py COMMAND --help` for its options).

Self check-in kiosk: staff leave it with Ctrl+Shift+Q and the staff PIN (default 2024; set
it with --set-pin or $FORUM_CHECKIN_PIN; stored hashed in the user data folder, which
$FORUM_CHECKIN_HOME moves).
"""


def _label(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from kiosk.badges.stocks import parse_label
    from kiosk.models.errors import ValidationError

    if value is None:
        return None
    try:
        return parse_label(value).name
    except ValidationError as exc:
        raise click.BadParameter(str(exc)) from None


def app_group() -> click.Group:
    commands = load_commands()

    @click.group(
        invoke_without_command=True,
        help=APP_HELP,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    @click.version_option(package_name="forum-checkin", prog_name="forum-checkin")
    @click.option("--mode", type=click.Choice([s.name for s in SCREENS]), default=DEFAULT,
                  show_default=True, help="Which screen the app opens: "
                  + ", ".join(f"{s.name} ({s.label[0]}, {s.key})" for s in SCREENS) + ".")  # fmt: skip
    @click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="The event database (default: the demo in the user data folder).")  # fmt: skip
    @click.option("--camera", default="auto", show_default=True, metavar="SOURCE",
                  help="What `scan --source` takes (a device index, a video file, a folder, "
                  "a URL); auto = the webcam, else the recorded demo video; none = no camera.")  # fmt: skip
    @click.option("--session", default="", help="Session id (default: the one running now).")
    @station_option
    @click.option("--operator", default="", help="Who staffs the desk (kept in the log).")
    @now_option
    @click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
                  help="Interface language (default: the system's).")  # fmt: skip
    @click.option("--decoder", type=click.Choice(DECODER_NAMES), default="zxing",
                  show_default=True, help="QR decoder backend.")  # fmt: skip
    @click.option("--no-sound", is_flag=True, help="No outcome sounds.")
    @click.option("--print-at-checkin", "--print-on-checkin", "print_on_checkin", is_flag=True,
                  help="Print a badge at first check-in.")  # fmt: skip
    @click.option("--printer", default=None, metavar="NAME",
                  help="The badge printer (a CUPS queue, as `python main.py printers` lists "
                  "them). Default: the one chosen at this station, else the system's default.")  # fmt: skip
    @click.option("--label", default=None, metavar="STOCK", callback=_label,
                  help=f"The label stock: {', '.join(LABEL_NAMES)}, or a size such as "
                  "54x101mm. Default: the one chosen at this station, else 4x3in.")  # fmt: skip
    @click.option("--set-pin", metavar="DIGITS", default=None,
                  help="Set the staff PIN that unlocks the kiosk, then exit.")  # fmt: skip
    @click.option("--server", default=None, metavar="URL",
                  help="Sync with this PostgreSQL hub (a libpq connection string). Default: "
                  "$FORUM_CHECKIN_HUB, then the server file, then the hub set in the app "
                  "(Hub… in the status bar).")  # fmt: skip
    @click.option("--windowed", is_flag=True, hidden=True)
    @click.option("--exit-after", type=float, default=0.0, hidden=True)
    @click.option("--quit-when-source-ends", is_flag=True, hidden=True)
    @click.option("--no-echo", is_flag=True, hidden=True)
    @click.pass_context
    def forum_checkin(ctx: click.Context, now_text: str | None, station: str | None,
                      **kw: object) -> None:  # fmt: skip
        if ctx.invoked_subcommand is not None:
            return
        from ui.app.app import run_app

        ctx.exit(run_app(AppArgs(now=now_text, station=station or "", **kw)))  # type: ignore[arg-type]

    for name, command in commands.commands.items():
        forum_checkin.add_command(command, name)
    return forum_checkin


def main(argv: list[str] | None = None) -> None:
    app_group().main(args=argv if argv is not None else sys.argv[1:], prog_name="forum-checkin")
